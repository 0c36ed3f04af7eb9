#include "actors/admin/metrics.hpp"

#include "actors/admin/incidents.hpp"

#include "actors/directory/directory.hpp"
#include "actors/risk/risk_actor.hpp"
#include "actors/router/router.hpp"
#include "runtime/clock.hpp"
#include "runtime/error.hpp"
#include "runtime/log/log.hpp"

#include <caf/all.hpp>

#include <algorithm>

namespace om {

namespace {

using namespace std::chrono_literals;

struct metrics_state {
  static inline const char* name = "om.metrics";
  metrics_options opts;
  int64_t started_ns = wall_ns();
  directory_actor dir; // the directory it is registered with
  // The incident log: sampled once a second once loaded from the store;
  // changes are written through the store actor under its own incarnation.
  std::unique_ptr<incident_log> incidents;
  store_actor store;
  fence persisted{0, 0};
  bool sampling = false; // a sample is in flight
  std::shared_ptr<spdlog::logger> log = log::get("metrics");
};

using metrics_ptr = metrics_actor::stateful_pointer<metrics_state>;

/// One gathering: answers when every request has. Each answer lands in
/// its own part of `out`; a failure is named in out.errors.
struct gathering {
  node_metrics out;
  int pending = 1;
  caf::typed_response_promise<node_metrics> rp;
  mailbox_depth risk{"risk", "", 0, 0, 0};
  void done() {
    if (--pending > 0)
      return;
    if (risk.actors > 0)
      out.mailboxes.push_back(risk);
    std::sort(out.venues.begin(), out.venues.end(),
              [](const venue_counters& a, const venue_counters& b) {
                return a.venue.value < b.venue.value;
              });
    std::sort(out.markets.begin(), out.markets.end(),
              [](const market_status& a, const market_status& b) {
                return a.view.instrument.value < b.view.instrument.value;
              });
    std::sort(out.mailboxes.begin(), out.mailboxes.end(),
              [](const mailbox_depth& a, const mailbox_depth& b) {
                return std::tie(a.actor, a.venue) < std::tie(b.actor, b.venue);
              });
    rp.deliver(std::move(out));
  }
  void failed(const std::string& part, const caf::error& e) {
    out.errors.push_back(part + ": " + describe(e));
  }
};

using gathering_ptr = std::shared_ptr<gathering>;

/// Asks `h` (typed as Handle) `msg...` and hands the Answer to `ok`.
template <class Handle, class Answer, class Ok, class... Ts>
void ask(metrics_ptr self, gathering_ptr g, const caf::actor& h, std::string part, Ok ok,
         Ts... msg) {
  ++g->pending;
  self->request(typed_entry<Handle>(h), 2s, msg...)
    .then(
      [g, ok](Answer& answer) mutable {
        ok(*g, answer);
        g->done();
      },
      [g, part](caf::error& e) {
        g->failed(part, e);
        g->done();
      });
}

bool is_local(metrics_ptr self, const directory_entry& e) {
  return e.handle && e.handle.node() == self->system().node();
}

/// Asks every local owner of a metric once.
void gather_from(metrics_ptr self, gathering_ptr g, std::vector<directory_entry>& es) {
  for (auto& e : es) {
    if (!is_local(self, e))
      continue;
    if (e.kind == svc::gateway) {
      ask<gateway_actor, gateway_stats>(
        self, g, e.handle, "gateway",
        [](gathering& g, gateway_stats& s) {
          g.out.mailboxes.push_back({"gateway", "", s.mailbox, s.mailbox, 1});
          g.out.gateway = std::move(s);
          g.out.has_gateway = true;
        },
        stats_atom::value);
    } else if (e.kind == svc::post_trade) {
      ask<post_trade_actor, post_trade_report>(
        self, g, e.handle, "post_trade",
        [](gathering& g, post_trade_report& r) {
          g.out.post_trade = std::move(r);
          g.out.has_post_trade = true;
        },
        stats_atom::value);
    } else if (e.kind == svc::store && e.key.empty()) {
      ask<store_actor, store_actor_stats>(
        self, g, e.handle, "store",
        [](gathering& g, store_actor_stats& s) {
          g.out.mailboxes.push_back({"store", "", s.mailbox, s.mailbox, 1});
          g.out.store = std::move(s);
          g.out.has_store = true;
        },
        stats_atom::value);
    } else if (e.kind == svc::venue) {
      ask<venue_actor, venue_counters>(
        self, g, e.handle, "venue " + e.key,
        [](gathering& g, venue_counters& c) {
          g.out.mailboxes.push_back({"venue", c.venue.value, c.mailbox, c.mailbox, 1});
          g.out.venues.push_back(std::move(c));
        },
        stats_atom::value);
    } else if (e.kind == svc::router) {
      ask<router_actor, uint64_t>(
        self, g, e.handle, "router",
        [](gathering& g, uint64_t& n) { g.out.mailboxes.push_back({"router", "", n, n, 1}); },
        mailbox_atom::value);
    } else if (e.kind == svc::risk) {
      ask<risk_actor, uint64_t>(
        self, g, e.handle, "risk " + e.key,
        [](gathering& g, uint64_t& n) {
          g.risk.depth += n;
          g.risk.max = std::max(g.risk.max, n);
          ++g.risk.actors;
        },
        mailbox_atom::value);
    } else if (e.kind == svc::market_data) {
      ask<market_data_actor, market_status>(
        self, g, e.handle, "market_data " + e.key,
        [](gathering& g, market_status& m) { g.out.markets.push_back(std::move(m)); },
        stats_atom::value);
    }
  }
}

caf::result<node_metrics> gather(metrics_ptr self) {
  auto& st = self->state;
  auto g = std::make_shared<gathering>();
  g->rp = self->make_response_promise<node_metrics>();
  g->out.node = st.opts.cfg.node.id;
  g->out.taken_ns = wall_ns();
  g->out.started_ns = st.started_ns;
  g->out.clock_offset_alert_ns = int64_t{st.opts.cfg.network.clock_offset_alert_ms} * 1000000;
  if (st.incidents)
    g->out.incidents = st.incidents->list(50);
  auto rp = g->rp;
  if (st.opts.admin) {
    ++g->pending;
    self->request(st.opts.admin, 5s, local_topology_atom::value, false)
      .then(
        [g](node_topology& t) {
          g->out.topology = std::move(t);
          g->out.has_topology = true;
          g->done();
        },
        [g](caf::error& e) {
          g->failed("topology", e);
          g->done();
        });
    ++g->pending;
    self->request(st.opts.admin, 3s, nodes_atom::value)
      .then(
        [g](cluster_view& v) {
          g->out.members = std::move(v.nodes);
          g->done();
        },
        // An unpublished node has no membership: no members, not an error.
        [g](caf::error&) { g->done(); });
  }
  auto dir = find_directory(self->system());
  if (!dir) {
    g->failed("directory", make_error(errc::not_found, "the node is starting"));
    g->done();
    return rp;
  }
  self->request(dir, 2s, list_atom::value, std::string{})
    .then(
      [self, g](std::vector<directory_entry>& es) {
        gather_from(self, g, es);
        g->done();
      },
      [g](caf::error& e) {
        g->failed("directory", e);
        g->done();
      });
  return rp;
}

/// This node's metrics, then every other node's collector found in the
/// directory (registered under their node id).
caf::result<cluster_metrics> gather_cluster(metrics_ptr self) {
  auto rp = self->make_response_promise<cluster_metrics>();
  auto out = std::make_shared<cluster_metrics>();
  out->asked = self->state.opts.cfg.node.id;
  auto pending = std::make_shared<int>(1);
  auto done = [rp, out, pending]() mutable {
    if (--*pending > 0)
      return;
    if (!out->nodes.empty())
      out->members = out->nodes.front().members;
    // An up member whose collector is not in the directory (yet) is named,
    // not silently left out.
    for (auto& m : out->members) {
      bool have = std::any_of(out->nodes.begin(), out->nodes.end(),
                              [&](const node_metrics& n) { return n.node == m.id; });
      bool named = std::any_of(out->errors.begin(), out->errors.end(), [&](const std::string& e) {
        return e.rfind(m.id + ":", 0) == 0;
      });
      if (!have && !named && m.state == "up")
        out->errors.push_back(m.id + ": no metrics collector registered yet");
    }
    std::stable_sort(out->nodes.begin() + (out->nodes.empty() ? 0 : 1), out->nodes.end(),
                     [](const node_metrics& a, const node_metrics& b) { return a.node < b.node; });
    rp.deliver(std::move(*out));
  };
  auto me = caf::actor_cast<metrics_actor>(self);
  ++*pending;
  self->request(me, 8s, metrics_atom::value)
    .then(
      [out, done](node_metrics& m) mutable {
        out->nodes.insert(out->nodes.begin(), std::move(m));
        done();
      },
      [out, done](caf::error& e) mutable {
        out->errors.push_back(out->asked + ": " + describe(e));
        done();
      });
  auto dir = find_directory(self->system());
  if (!dir) {
    done();
    return rp;
  }
  ++*pending;
  self->request(dir, 2s, list_atom::value, std::string{svc::metrics})
    .then(
      [self, out, pending, done](std::vector<directory_entry>& es) mutable {
        for (auto& e : es) {
          if (e.key.empty() || is_local(self, e))
            continue;
          ++*pending;
          self->request(typed_entry<metrics_actor>(e.handle), 5s, metrics_atom::value)
            .then(
              [out, done](node_metrics& m) mutable {
                out->nodes.push_back(std::move(m));
                done();
              },
              [out, done, node = e.key](caf::error& err) mutable {
                out->errors.push_back(node + ": " + describe(err));
                done();
              });
        }
        done();
      },
      [out, done](caf::error& e) mutable {
        out->errors.push_back("directory: " + describe(e));
        done();
      });
  done();
  return rp;
}

/// The collector may start before the desk's directory exists, and the
/// directory may be restarted: (re)registers whenever the directory found
/// is not the one registered with.
void keep_registered(metrics_ptr self) {
  auto& st = self->state;
  auto dir = find_directory(self->system());
  if (dir && dir != st.dir) {
    st.dir = dir;
    self->send(dir, register_atom::value, std::string{svc::metrics}, std::string{},
               caf::actor_cast<caf::actor>(self));
  }
}

metrics_actor::behavior_type running(metrics_ptr self);

/// Loading: finds the store, takes an incarnation and loads the stored
/// incidents, then samples (running). Retried every tick until it works;
/// scrapes are answered meanwhile.
void load_incidents(metrics_ptr self) {
  auto& st = self->state;
  if (!st.dir || st.sampling)
    return;
  st.sampling = true; // one attempt at a time
  auto failed = [self](const char* step, const caf::error& e) {
    self->state.sampling = false;
    self->state.log->warn("event=incidents_unavailable step={} error={}", step,
                          log::q(describe(e)));
  };
  self->request(st.dir, 2s, resolve_atom::value, std::string{svc::store}, std::string{})
    .then(
      [self, failed](caf::actor& h) {
        auto store = typed_entry<store_actor>(h);
        self->request(store, 5s, next_inc_atom::value, std::string{"metrics"})
          .then(
            [self, failed, store](uint64_t inc) {
              self->request(store, 10s, load_incidents_atom::value)
                .then(
                  [self, store, inc](std::vector<incident_record>& stored) {
                    auto& st = self->state;
                    auto open = std::count_if(stored.begin(), stored.end(),
                                              [](auto& r) { return r.resolved_ns == 0; });
                    st.log->info("event=incidents_loaded stored={} open={} incarnation={}",
                                 stored.size(), open, inc);
                    st.incidents->load(std::move(stored));
                    st.store = store;
                    st.persisted = fence{inc, 0};
                    st.sampling = false;
                    self->become(running(self));
                  },
                  [failed](caf::error& e) { failed("load", e); });
            },
            [failed](caf::error& e) { failed("incarnation", e); });
      },
      [failed](caf::error& e) { failed("resolve", e); });
}

/// One sample of this node's metrics through the incident log; what
/// changed is written through the store.
void sample_incidents(metrics_ptr self) {
  auto& st = self->state;
  if (st.sampling)
    return; // the previous one has not answered yet
  st.sampling = true;
  self->request(caf::actor_cast<metrics_actor>(self), 5s, metrics_atom::value)
    .then(
      [self](node_metrics& m) {
        auto& st = self->state;
        st.sampling = false;
        for (auto& r : st.incidents->observe(m)) {
          if (r.observations == 1 || r.resolved_ns != 0)
            st.log->log(r.paging ? spdlog::level::err : spdlog::level::warn,
                        "incident={} kind={} subject={} paging={} state={} detail={}", r.id,
                        r.kind, log::q(r.subject), r.paging, r.resolved_ns ? "resolved" : "open",
                        log::q(r.detail));
          ++st.persisted.sequence;
          self->send(st.store, persist_incident{st.persisted, std::move(r)});
        }
      },
      [self](caf::error& e) {
        self->state.sampling = false;
        self->state.log->warn("event=incident_sample_failed error={}", log::q(describe(e)));
      });
}

metrics_actor::behavior_type loading(metrics_ptr self) {
  return {
    [self](metrics_atom) { return gather(self); },
    [self](cluster_metrics_atom) { return gather_cluster(self); },
    [self](tick_atom) {
      keep_registered(self);
      load_incidents(self);
      self->delayed_send(self, 1s, tick_atom::value);
    },
  };
}

metrics_actor::behavior_type running(metrics_ptr self) {
  return {
    [self](metrics_atom) { return gather(self); },
    [self](cluster_metrics_atom) { return gather_cluster(self); },
    [self](tick_atom) {
      keep_registered(self);
      sample_incidents(self);
      self->delayed_send(self, 1s, tick_atom::value);
    },
  };
}

metrics_actor::behavior_type metrics_impl(metrics_ptr self, metrics_options opts) {
  self->state.opts = std::move(opts);
  self->state.incidents = std::make_unique<incident_log>(self->state.opts.cfg.node.id);
  keep_registered(self);
  self->send(self, tick_atom::value);
  return loading(self);
}

} // namespace

live_orders live_orders_of(const node_metrics& m) {
  live_orders out;
  for (auto& sv : m.topology.supervisors) {
    if (!sv.pool)
      continue;
    for (auto& [s, n] : sv.by_state)
      out.by_state[s] += n;
    out.unacked += sv.unacked;
    if (sv.unacked > 0)
      out.oldest_unacked_ns = std::max(out.oldest_unacked_ns, sv.oldest_unacked_ns);
  }
  return out;
}

metrics_actor spawn_metrics(caf::actor_system& sys, metrics_options opts) {
  return sys.spawn(metrics_impl, std::move(opts));
}

} // namespace om
