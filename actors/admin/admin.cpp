#include "actors/admin/admin.hpp"

#include "actors/cluster/membership.hpp"
#include "actors/gateway/gateway.hpp"
#include "actors/order/order_actor.hpp"
#include "actors/risk/risk_actor.hpp"
#include "actors/store/store_actor.hpp"
#include "actors/venue/venue.hpp"
#include "runtime/clock.hpp"
#include "runtime/error.hpp"
#include "runtime/log/log.hpp"
#include "runtime/supervision/supervisor.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <map>

namespace om {

namespace {

using namespace std::chrono_literals;

struct admin_state {
  static inline const char* name = "om.admin";
  admin_options opts;
  std::shared_ptr<spdlog::logger> log = log::get("admin");
  uint64_t manual_seq = 0; // part of manual orders' client order ids
  /// Manual commands waiting for their first answer (the admin is the
  /// manual strategy's reply_to, so every later event of its orders comes
  /// here too and settles the command it belongs to).
  struct waiter {
    uint64_t seq = 0;
    std::string clordid;
    std::vector<event_kind> wanted;
    caf::typed_response_promise<manual_result> rp;
    manual_result base;
  };
  std::vector<waiter> waiters;
};

using admin_ptr = admin_actor::stateful_pointer<admin_state>;

caf::error starting(admin_ptr self) {
  return make_error(errc::not_found,
                    "node " + self->state.opts.cfg.node.id + " is still starting (no directory yet)");
}

/// Runs `f(handle)` with the local service of `kind`, or `fail(error)`.
template <class Handle, class F, class Fail>
void with_local(admin_ptr self, const char* kind, F f, Fail fail) {
  auto dir = find_directory(self->system());
  if (!dir) {
    auto err = starting(self);
    fail(err);
    return;
  }
  self->request(dir, 2s, resolve_atom::value, std::string{kind}, std::string{})
    .then([f](caf::actor& h) mutable { f(typed_entry<Handle>(h)); },
          [fail](caf::error& e) mutable { fail(e); });
}

/// This node's membership view of every member, then `f(view)`.
template <class F, class Fail>
void with_members(admin_ptr self, F f, Fail fail) {
  with_local<membership_actor>(
    self, svc::membership,
    [self, f, fail](membership_actor m) mutable {
      self->request(m, 2s, nodes_atom::value).then(f, fail);
    },
    fail);
}

// -- topology -----------------------------------------------------------------

/// One walk of a node's supervision tree; answers when every request has.
struct tree_walk {
  node_topology out;
  int pending = 0;
  bool list_orders = false;
  caf::typed_response_promise<node_topology> rp;
  void finish() {
    if (--pending == 0)
      rp.deliver(std::move(out));
  }
};

actor_view child_view(const sup::child_info& c) {
  actor_view v;
  v.name = c.name;
  v.kind = to_string(c.kind);
  v.state = to_string(c.state);
  v.actor_id = c.actor_id;
  v.restarts = c.restarts;
  v.last_failure = c.last_failure;
  v.last_failure_ns = c.last_failure_ns;
  return v;
}

/// Describes supervisor `h` into `w->out.supervisors[index]`, descending.
void walk(admin_ptr self, caf::actor h, size_t index, std::shared_ptr<tree_walk> w) {
  ++w->pending;
  w->out.supervisors[index].actor_id = h.id();
  self->request(typed_entry<sup::supervisor_actor>(h), 3s, sup::describe_atom::value)
    .then(
      [self, w, index](sup::supervisor_report& r) {
        {
          auto& s = w->out.supervisors[index];
          s.name = r.name;
          s.strategy = to_string(r.strat);
          s.restarts = r.total_restarts;
          s.mailbox = r.mailbox;
          s.pool = r.strat == sup::strategy::simple_one_for_one;
          if (s.pool) {
            s.started = r.dynamic_started;
            s.ended = r.dynamic_ended;
            s.live = r.children.size();
          }
        }
        for (auto& c : r.children) {
          auto v = child_view(c);
          if (c.is_supervisor && c.handle) {
            auto kid = w->out.supervisors.size();
            v.supervisor = static_cast<int32_t>(kid);
            w->out.supervisors.emplace_back();
            w->out.supervisors[index].children.push_back(std::move(v));
            walk(self, c.handle, kid, w);
            continue;
          }
          if (!w->out.supervisors[index].pool) {
            w->out.supervisors[index].children.push_back(std::move(v));
            continue;
          }
          // Order actors: counted by order state (listed on request).
          if (!c.handle)
            continue;
          ++w->pending;
          self->request(typed_entry<order_actor>(c.handle), 2s, get_state_atom::value)
            .then(
              [w, index, v](order_snapshot& snap) mutable {
                auto& s = w->out.supervisors[index];
                auto status = to_string(snap.state.status);
                ++s.by_state[status];
                auto sent = snap.stages[stage::sent_to_venue];
                if (sent > 0 && snap.stages[stage::venue_acked] == 0
                    && snap.state.status == ord_status::pending_new) {
                  ++s.unacked;
                  s.oldest_unacked_ns = std::max(s.oldest_unacked_ns, wall_ns() - sent);
                }
                if (w->list_orders) {
                  v.order_id = to_string(snap.id);
                  v.order_state = status;
                  v.instrument = snap.instrument.value;
                  s.orders.push_back(std::move(v));
                }
                w->finish();
              },
              [w, index](caf::error&) {
                ++w->out.supervisors[index].by_state["unanswered"];
                w->finish();
              });
        }
        w->finish();
      },
      [w, index](caf::error& err) {
        w->out.supervisors[index].error = describe(err);
        w->finish();
      });
}

caf::result<node_topology> local_topology(admin_ptr self, bool list_orders) {
  auto w = std::make_shared<tree_walk>();
  w->list_orders = list_orders;
  w->rp = self->make_response_promise<node_topology>();
  auto rp = w->rp;
  with_members(
    self,
    [self, w](cluster_view& v) {
      w->out.member = v.nodes.front();
      w->out.supervisors.emplace_back();
      walk(self, self->state.opts.root, 0, w);
    },
    [self, w](caf::error&) {
      // An unpublished node has no membership: it describes itself.
      auto& cfg = self->state.opts.cfg;
      auto& m = w->out.member;
      m.id = cfg.node.id;
      m.state = "up";
      m.self = true;
      m.host = cfg.network.host;
      w->out.supervisors.emplace_back();
      walk(self, self->state.opts.root, 0, w);
    });
  return rp;
}

// -- cluster fan-out ----------------------------------------------------------

bool plays_gateway(const member_view& m) {
  return std::find(m.roles.begin(), m.roles.end(), "gateway") != m.roles.end();
}

/// Asks every member's admin (this node's by `local`, the others' through
/// the directory by `remote`) and merges the answers in member order. A
/// member that is down or does not answer is reported with this node's
/// view of it and the reason. Each answer's member record is replaced by
/// this node's view of that member (state, clock offset and round trip as
/// seen from here).
template <class View, class Part, class Local, class Remote>
caf::result<View> fan_out(admin_ptr self, bool only_gateways, Local local, Remote remote) {
  auto rp = self->make_response_promise<View>();
  auto dir = find_directory(self->system());
  if (!dir)
    return starting(self);
  with_members(
    self,
    [self, rp, dir, only_gateways, local, remote](cluster_view& cv) mutable {
      self->request(dir, 2s, list_atom::value, std::string{svc::admin})
        .then(
          [self, rp, cv, only_gateways, local, remote](std::vector<directory_entry>& admins) mutable {
            auto parts = std::make_shared<std::vector<Part>>();
            auto pending = std::make_shared<int>(1);
            auto asked = cv.asked;
            auto done = [rp, parts, pending, asked]() mutable {
              if (--*pending > 0)
                return;
              View out;
              out.asked = asked;
              out.nodes = std::move(*parts);
              rp.deliver(std::move(out));
            };
            for (auto& m : cv.nodes) {
              if (only_gateways && !plays_gateway(m))
                continue;
              auto slot = parts->size();
              parts->emplace_back();
              parts->back().member = m;
              auto fill = [parts, slot, done, m](Part& part) mutable {
                part.member = m;
                (*parts)[slot] = std::move(part);
                done();
              };
              auto failed = [parts, slot, done](caf::error& e) mutable {
                (*parts)[slot].member.error = describe(e);
                done();
              };
              if (m.self) {
                ++*pending;
                local().then(fill, failed);
                continue;
              }
              if (m.state != "up")
                continue;
              auto i = std::find_if(admins.begin(), admins.end(),
                                    [&](const directory_entry& e) { return e.key == m.id; });
              if (i == admins.end()) {
                (*parts)[slot].member.error = "its admin service is not known here";
                continue;
              }
              ++*pending;
              remote(typed_entry<admin_actor>(i->handle)).then(fill, failed);
            }
            done();
          },
          [rp](caf::error& e) mutable { rp.deliver(e); });
    },
    [rp](caf::error& e) mutable { rp.deliver(e); });
  return rp;
}

// -- orders -------------------------------------------------------------------

caf::error check_query(const order_query& q) {
  if (q.state.empty() || q.state == "open")
    return caf::none;
  if (auto s = parse_ord_status(q.state); !s)
    return make_error(errc::invalid_argument,
                      "state '" + q.state
                        + "': expected open, pending_new, new, partially_filled, filled, "
                          "pending_cancel, canceled, pending_replace, replaced, rejected or "
                          "expired");
  return caf::none;
}

bool matches(const order_snapshot& s, const order_query& q) {
  if (!q.strategy.empty() && s.strategy.value != q.strategy)
    return false;
  if (q.state.empty())
    return true;
  if (q.state == "open")
    return !is_terminal(s.state.status);
  return q.state == to_string(s.state.status);
}

/// This node's orders (from its store) matching `q`, newest first.
caf::result<node_orders> local_orders(admin_ptr self, const order_query& q) {
  if (auto err = check_query(q))
    return err;
  auto rp = self->make_response_promise<node_orders>();
  with_local<store_actor>(
    self, svc::store,
    [self, rp, q](store_actor store) mutable {
      self->request(store, 10s, load_open_atom::value, instrument_id{}, q.state == "open")
        .then(
          [rp, q](std::vector<order_snapshot>& v) mutable {
            node_orders out;
            std::sort(v.begin(), v.end(),
                      [](const order_snapshot& a, const order_snapshot& b) { return b.id < a.id; });
            for (auto& s : v) {
              if (!matches(s, q))
                continue;
              ++out.matched;
              if (q.limit == 0 || out.orders.size() < q.limit)
                out.orders.push_back(std::move(s));
            }
            rp.deliver(std::move(out));
          },
          [rp](caf::error& e) mutable { rp.deliver(e); });
    },
    [rp](caf::error& e) mutable { rp.deliver(e); });
  return rp;
}

caf::result<order_detail> order_here(admin_ptr self, order_id id) {
  auto rp = self->make_response_promise<order_detail>();
  auto node = self->state.opts.cfg.node.id;
  with_local<store_actor>(
    self, svc::store,
    [self, rp, id, node](store_actor store) mutable {
      self->request(store, 10s, load_order_atom::value, id)
        .then(
          [self, rp, store, id, node](loaded_order& l) mutable {
            order_detail d;
            d.node = node;
            d.fence = l.fence;
            d.snap = std::move(l.snap);
            self->request(store, 10s, load_fills_atom::value, id)
              .then(
                [rp, d](std::vector<fill_record>& fs) mutable {
                  d.fills = std::move(fs);
                  rp.deliver(std::move(d));
                },
                [rp, d](caf::error& e) mutable {
                  d.fills_error = describe(e);
                  rp.deliver(std::move(d));
                });
          },
          [rp, id, node](caf::error& e) mutable {
            if (code_of(e) == errc::not_found)
              rp.deliver(make_error(errc::not_found,
                                    "order " + to_string(id) + ": no such order on node " + node));
            else
              rp.deliver(e);
          });
    },
    [rp](caf::error& e) mutable { rp.deliver(e); });
  return rp;
}

/// Order ids carry the number of the node that minted them (and holds the
/// record): asked elsewhere, the question goes to that node's admin.
caf::result<order_detail> order_view(admin_ptr self, order_id id) {
  auto& cfg = self->state.opts.cfg;
  if (id.node() == cfg.node.number)
    return order_here(self, id);
  auto rp = self->make_response_promise<order_detail>();
  auto text = to_string(id);
  with_members(
    self,
    [self, rp, id, text](cluster_view& cv) mutable {
      auto m = std::find_if(cv.nodes.begin(), cv.nodes.end(),
                            [&](const member_view& v) { return v.number == id.node(); });
      if (m == cv.nodes.end()) {
        rp.deliver(make_error(errc::not_found, "order " + text + ": no node has number "
                                                 + std::to_string(id.node())));
        return;
      }
      if (m->state != "up") {
        rp.deliver(make_error(errc::node_unreachable, "order " + text + " lives on node " + m->id
                                                        + ", which is " + m->state));
        return;
      }
      auto dir = find_directory(self->system());
      if (!dir) {
        rp.deliver(starting(self));
        return;
      }
      self->request(dir, 2s, resolve_atom::value, std::string{svc::admin}, m->id)
        .then(
          [self, rp, id](caf::actor& h) mutable {
            self->request(typed_entry<admin_actor>(h), 12s, order_atom::value, id)
              .then([rp](order_detail& d) mutable { rp.deliver(std::move(d)); },
                    [rp](caf::error& e) mutable { rp.deliver(e); });
          },
          [rp, text, node = m->id](caf::error&) mutable {
            rp.deliver(make_error(errc::node_unreachable,
                                  "order " + text + " lives on node " + node
                                    + ", whose admin service is not known here"));
          });
    },
    [rp](caf::error& e) mutable { rp.deliver(e); });
  return rp;
}

// -- risk, venues, kill switch ------------------------------------------------

caf::result<markets_view> markets_of(admin_ptr self, const std::string& symbol) {
  auto dir = find_directory(self->system());
  if (!dir)
    return starting(self);
  std::string want;
  if (!symbol.empty()) {
    auto inst = self->state.opts.refdata->current()->resolve(symbol);
    if (!inst)
      return inst.error();
    want = (*inst)->id.value;
  }
  auto rp = self->make_response_promise<markets_view>();
  self->request(dir, 2s, list_atom::value, std::string{svc::market_data})
    .then(
      [self, rp, want](std::vector<directory_entry>& es) mutable {
        auto out = std::make_shared<markets_view>();
        auto pending = std::make_shared<size_t>(1);
        auto done = [rp, out, pending]() mutable {
          if (--*pending > 0)
            return;
          std::sort(out->markets.begin(), out->markets.end(),
                    [](const market_status& a, const market_status& b) {
                      return a.view.instrument.value < b.view.instrument.value;
                    });
          rp.deliver(std::move(*out));
        };
        bool found = false;
        for (auto& e : es) {
          if (!want.empty() && e.key != want)
            continue;
          found = true;
          ++*pending;
          self->request(typed_entry<market_data_actor>(e.handle), 3s, stats_atom::value)
            .then(
              [out, done](market_status& m) mutable {
                out->markets.push_back(std::move(m));
                done();
              },
              [out, done, key = e.key](caf::error&) mutable {
                out->missing.push_back(key);
                done();
              });
        }
        if (!want.empty() && !found)
          out->missing.push_back(want);
        done();
      },
      [rp](caf::error& e) mutable { rp.deliver(e); });
  return rp;
}

caf::result<risk_view> risk_of(admin_ptr self, const std::string& symbol) {
  auto dir = find_directory(self->system());
  if (!dir)
    return starting(self);
  auto inst = self->state.opts.refdata->current()->resolve(symbol);
  if (!inst)
    return inst.error();
  auto id = (*inst)->id.value;
  auto rp = self->make_response_promise<risk_view>();
  self->request(dir, 2s, list_atom::value, std::string{svc::risk})
    .then(
      [self, rp, id](std::vector<directory_entry>& es) mutable {
        auto i = std::find_if(es.begin(), es.end(),
                              [&](const directory_entry& e) { return e.key == id; });
        if (i == es.end()) {
          rp.deliver(make_error(errc::node_unreachable,
                                "no reachable risk actor for " + id
                                  + " (its node is down or not joined)"));
          return;
        }
        risk_view v;
        v.instrument = id;
        v.node = i->node;
        v.actor_id = i->handle.id();
        auto h = typed_entry<risk_actor>(i->handle);
        self->request(h, 3s, positions_atom::value)
          .then(
            [self, rp, h, v](std::vector<position_snapshot>& ps) mutable {
              v.positions = std::move(ps);
              self->request(h, 3s, get_state_atom::value)
                .then(
                  [rp, v](bool ready) mutable {
                    v.ready = ready;
                    v.ready_known = true;
                    rp.deliver(std::move(v));
                  },
                  [rp, v](caf::error&) mutable { rp.deliver(std::move(v)); });
            },
            [rp](caf::error& e) mutable { rp.deliver(e); });
      },
      [rp](caf::error& e) mutable { rp.deliver(e); });
  return rp;
}

caf::result<venues_view> venues_of(admin_ptr self) {
  auto dir = find_directory(self->system());
  if (!dir)
    return starting(self);
  auto rp = self->make_response_promise<venues_view>();
  self->request(dir, 2s, list_atom::value, std::string{svc::venue})
    .then(
      [self, rp](std::vector<directory_entry>& es) mutable {
        auto out = std::make_shared<venues_view>();
        auto pending = std::make_shared<int>(1);
        auto done = [rp, out, pending]() mutable {
          if (--*pending == 0)
            rp.deliver(std::move(*out));
        };
        auto& cfg = self->state.opts.cfg;
        for (auto& vc : cfg.venues) {
          auto slot = out->venues.size();
          auto& v = out->venues.emplace_back();
          v.venue = vc.id.value;
          v.kind = to_string(vc.kind);
          v.node = vc.node.empty() ? cfg.node.id : vc.node;
          auto i = std::find_if(es.begin(), es.end(),
                                [&](const directory_entry& e) { return e.key == vc.id.value; });
          if (i == es.end()) {
            v.state = "unreachable";
            continue;
          }
          v.state = "up";
          v.actor_id = i->handle.id();
          ++*pending;
          self->request(typed_entry<venue_actor>(i->handle), 3s, stats_atom::value)
            .then(
              [out, slot, done](venue_counters& c) mutable {
                out->venues[slot].counters = std::move(c);
                out->venues[slot].has_counters = true;
                done();
              },
              [out, slot, done](caf::error& e) mutable {
                out->venues[slot].error = describe(e);
                done();
              });
        }
        done();
      },
      [rp](caf::error& e) mutable { rp.deliver(e); });
  return rp;
}

// ------------------------------------------------------------ manual orders

/// This node's gateway, or an error saying why there is none.
template <class F>
void with_gateway(admin_ptr self, caf::response_promise rp, F f) {
  auto dir = find_directory(self->system());
  if (!dir) {
    rp.deliver(make_error(errc::node_unreachable, "the node is starting"));
    return;
  }
  self->request(dir, 2s, resolve_atom::value, std::string{svc::gateway}, std::string{})
    .then([f](caf::actor& gw) mutable { f(typed_entry<gateway_actor>(gw)); },
          [rp, node = self->state.opts.cfg.node.id](caf::error&) mutable {
            rp.deliver(make_error(errc::invalid_argument,
                                  "node " + node + " runs no gateway: ask a gateway node"));
          });
}

/// Registers a wait for the first event among `wanted` of order `clordid`
/// (5 s), then sends the command with the admin as reply_to.
template <class Send>
void collect_first(admin_ptr self, caf::typed_response_promise<manual_result> rp,
                   manual_result base, std::vector<event_kind> wanted, Send send) {
  auto& st = self->state;
  auto seq = ++st.manual_seq;
  st.waiters.push_back({seq, base.clordid, std::move(wanted), rp, base});
  self->delayed_send(self, std::chrono::seconds{5}, tick_atom::value, seq);
  send(caf::actor_cast<caf::actor>(self));
}

void on_manual_event(admin_ptr self, const order_event& e) {
  auto& ws = self->state.waiters;
  for (auto i = ws.begin(); i != ws.end(); ++i) {
    if (i->clordid != e.clordid.value || i->base.strategy != e.strategy.value
        || std::find(i->wanted.begin(), i->wanted.end(), e.kind) == i->wanted.end())
      continue;
    auto r = i->base;
    r.id = e.id;
    r.event = to_string(e.kind);
    r.status = to_string(e.status);
    r.message = e.message;
    i->rp.deliver(std::move(r));
    ws.erase(i);
    return;
  }
}

void on_manual_timeout(admin_ptr self, uint64_t seq) {
  auto& ws = self->state.waiters;
  for (auto i = ws.begin(); i != ws.end(); ++i)
    if (i->seq == seq) {
      auto r = i->base;
      r.event = "no_answer";
      r.message = "sent; no answer within 5 s (see omctl order)";
      i->rp.deliver(std::move(r));
      ws.erase(i);
      return;
    }
}

caf::result<manual_result> manual_new(admin_ptr self, const manual_order& m) {
  auto rp = self->make_response_promise<manual_result>();
  auto& st = self->state;
  manual_result base;
  base.action = "new";
  base.strategy = m.strategy;
  base.clordid = "manual-" + std::to_string(wall_ns() / 1000) + "-"
                 + std::to_string(++st.manual_seq);
  st.log->info("clordid={} event=manual_order strategy={} symbol={} side={} qty={} type={} "
               "venue={} requested_by={}",
               base.clordid, m.strategy, m.symbol, to_string(m.side), to_string(m.qty),
               to_string(m.type), m.venue.empty() ? "(rules)" : m.venue, m.requested_by);
  with_gateway(self, rp, [self, rp, m, base](gateway_actor gw) mutable {
    collect_first(self, rp, base,
                  {event_kind::accepted, event_kind::rejected, event_kind::duplicate},
                  [gw, m, base](caf::actor reply_to) {
                    submit_order x;
                    x.strategy = strategy_id{m.strategy};
                    x.clordid = client_order_id{base.clordid};
                    x.symbol = m.symbol;
                    x.side = m.side;
                    x.type = m.type;
                    x.tif = m.tif;
                    x.qty = m.qty;
                    x.px = m.px;
                    x.venue = venue_id{m.venue};
                    x.reply_to = reply_to;
                    caf::anon_send(gw, std::move(x));
                  });
  });
  return rp;
}

/// Cancel or amend: the order's strategy and clordid come from its record.
template <class Make>
caf::result<manual_result> manual_change(admin_ptr self, order_id id, std::string action,
                                         std::vector<event_kind> wanted, std::string by,
                                         Make make) {
  auto rp = self->make_response_promise<manual_result>();
  self->state.log->info("order_id={} event=manual_{} requested_by={}", to_string(id), action, by);
  // The order's record, from this node's store: manual changes go through
  // this node's gateway, which only knows the orders minted here.
  if (id.node() != self->state.opts.cfg.node.number) {
    rp.deliver(make_error(errc::invalid_argument,
                          "order " + to_string(id) + " was taken by node number "
                            + std::to_string(id.node()) + ": ask that node"));
    return rp;
  }
  with_local<store_actor>(
    self, svc::store,
    [self, rp, id, action, wanted, make](store_actor store) mutable {
      self->request(store, 10s, load_order_atom::value, id)
        .then(
          [self, rp, action, wanted, make](loaded_order& l) mutable {
            manual_result base;
            base.action = action;
            base.id = l.snap.id;
            base.clordid = l.snap.clordid.value;
            base.strategy = l.snap.strategy.value;
            auto snap = l.snap;
            with_gateway(self, rp, [self, rp, base, wanted, make, snap](gateway_actor gw) mutable {
              collect_first(self, rp, base, wanted, [gw, make, snap](caf::actor reply_to) {
                make(gw, snap, reply_to);
              });
            });
          },
          [rp, id](caf::error& e) mutable {
            if (code_of(e) == errc::not_found)
              rp.deliver(make_error(errc::not_found, "order " + to_string(id) + ": no such order"));
            else
              rp.deliver(e);
          });
    },
    [rp](caf::error& e) mutable { rp.deliver(e); });
  return rp;
}

caf::result<kill_switch_report> kill(admin_ptr self, const kill_switch& k) {
  auto dir = find_directory(self->system());
  if (!dir)
    return starting(self);
  auto rp = self->make_response_promise<kill_switch_report>();
  self->request(dir, 2s, list_atom::value, std::string{svc::gateway})
    .then(
      [self, rp, k](std::vector<directory_entry>& es) mutable {
        auto out = std::make_shared<kill_switch_report>();
        out->halt = k.halt;
        out->strategy = k.strategy.value;
        auto pending = std::make_shared<int>(1);
        auto done = [rp, out, pending]() mutable {
          if (--*pending == 0)
            rp.deliver(std::move(*out));
        };
        for (auto& e : es) {
          ++*pending;
          auto slot = out->gateways.size();
          out->gateways.push_back(gateway_kill{e.node, 0, 0, {}, {}});
          self->request(typed_entry<gateway_actor>(e.handle), 15s, k)
            .then(
              [out, slot, done](kill_switch_result& r) mutable {
                auto& g = out->gateways[slot];
                g.orders_canceled = r.orders_canceled;
                g.audit_sequence = r.audit_sequence;
                g.warning = r.warning;
                out->orders_canceled += r.orders_canceled;
                done();
              },
              [out, slot, done](caf::error& err) mutable {
                out->gateways[slot].error = describe(err);
                done();
              });
        }
        self->state.log->warn("event=kill_switch halt={} strategy={} operator={} gateways={}",
                              k.halt, log::q(k.strategy.value), log::q(k.operator_name),
                              es.size());
        done();
      },
      [rp](caf::error& e) mutable { rp.deliver(e); });
  return rp;
}

caf::result<controls_view> controls_of(admin_ptr self) {
  auto dir = find_directory(self->system());
  if (!dir)
    return starting(self);
  auto rp = self->make_response_promise<controls_view>();
  self->request(dir, 2s, list_atom::value, std::string{svc::gateway})
    .then(
      [self, rp](std::vector<directory_entry>& es) mutable {
        auto out = std::make_shared<controls_view>();
        auto pending = std::make_shared<int>(1);
        auto done = [rp, out, pending]() mutable {
          if (--*pending == 0)
            rp.deliver(std::move(*out));
        };
        for (auto& e : es) {
          ++*pending;
          auto slot = out->gateways.size();
          out->gateways.push_back(gateway_controls{e.node, {}, {}, {}});
          self->request(typed_entry<gateway_actor>(e.handle), 5s, controls_atom::value)
            .then(
              [out, slot, done](gateway_controls_state& c) mutable {
                out->gateways[slot].halts = std::move(c.halts);
                out->gateways[slot].breakers = std::move(c.breakers);
                done();
              },
              [out, slot, done](caf::error& err) mutable {
                out->gateways[slot].error = describe(err);
                done();
              });
        }
        done();
      },
      [rp](caf::error& e) mutable { rp.deliver(e); });
  return rp;
}

admin_actor::behavior_type admin_impl(admin_ptr self, admin_options opts) {
  self->state.opts = std::move(opts);
  return {
    [self](nodes_atom) -> caf::result<cluster_view> {
      auto rp = self->make_response_promise<cluster_view>();
      with_members(
        self, [rp](cluster_view& v) mutable { rp.deliver(std::move(v)); },
        [rp](caf::error& e) mutable { rp.deliver(e); });
      return rp;
    },
    [self](topology_atom, bool list_orders) {
      return fan_out<topology_view, node_topology>(
        self, false,
        [self, list_orders] {
          return self->request(caf::actor_cast<admin_actor>(self), 30s,
                               local_topology_atom::value, list_orders);
        },
        [self, list_orders](const admin_actor& a) {
          return self->request(a, 5s, local_topology_atom::value, list_orders);
        });
    },
    [self](local_topology_atom, bool list_orders) { return local_topology(self, list_orders); },
    [self](orders_atom, const order_query& q) -> caf::result<orders_view> {
      if (auto err = check_query(q))
        return err;
      return fan_out<orders_view, node_orders>(
        self, true,
        [self, q] {
          return self->request(caf::actor_cast<admin_actor>(self), 30s, local_orders_atom::value,
                               q);
        },
        [self, q](const admin_actor& a) {
          return self->request(a, 10s, local_orders_atom::value, q);
        });
    },
    [self](local_orders_atom, const order_query& q) { return local_orders(self, q); },
    [self](order_atom, order_id id) { return order_view(self, id); },
    [self](risk_atom, const std::string& sym) { return risk_of(self, sym); },
    [self](venues_atom) { return venues_of(self); },
    [self](market_atom, const std::string& sym) { return markets_of(self, sym); },
    [self](const kill_switch& k) { return kill(self, k); },
    [self](const manual_order& m) { return manual_new(self, m); },
    [self](const order_event& e) { on_manual_event(self, e); },
    [self](const order_events& es) {
      for (auto& e : es.events)
        on_manual_event(self, e);
    },
    [self](tick_atom, uint64_t seq) { on_manual_timeout(self, seq); },
    [self](const manual_cancel& m) {
      return manual_change(self, m.id, "cancel",
                           {event_kind::canceled, event_kind::cancel_rejected,
                            event_kind::rejected},
                           m.requested_by,
                           [](gateway_actor gw, const order_snapshot& s, caf::actor reply_to) {
                             caf::anon_send(gw, cancel_order{s.strategy, s.clordid, reply_to});
                           });
    },
    [self](const manual_amend& m) {
      return manual_change(self, m.id, "amend",
                           {event_kind::replaced, event_kind::replace_rejected,
                            event_kind::rejected},
                           m.requested_by,
                           [m](gateway_actor gw, const order_snapshot& s, caf::actor reply_to) {
                             caf::anon_send(gw, amend_order{s.strategy, s.clordid, m.qty, m.px,
                                                            reply_to});
                           });
    },
    [self](controls_atom) { return controls_of(self); },
  };
}

} // namespace

admin_actor spawn_admin(caf::actor_system& sys, admin_options opts) {
  return sys.spawn(admin_impl, std::move(opts));
}

} // namespace om
