#include "actors/cluster/node_agent.hpp"

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
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <map>

namespace om {

namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;

enum class peer_state : uint8_t { joining, up, down };

const char* to_string(peer_state x) {
  switch (x) {
    case peer_state::joining: return "joining";
    case peer_state::up: return "up";
    case peer_state::down: return "down";
  }
  return "?";
}

struct peer {
  cluster_member cfg;
  peer_state state = peer_state::joining;
  bool connecting = false;
  node_agent_actor agent;
  uint64_t incarnation = 0;
  int64_t started_ns = 0;
  int64_t since_ns = 0; // last state change
  int32_t pid = 0;
  uint64_t ups = 0;
  uint64_t downs = 0;
  uint64_t attempts = 0;
  std::string last_down_reason;
  // What it hosts (re-imported if our directory restarts), by (kind, key).
  std::map<std::pair<std::string, std::string>, directory_entry> entries;
  int64_t offset_ns = 0; // peer clock minus ours
  int64_t rtt_ns = 0;
};

struct agent_state {
  static inline const char* name = "om.node_agent";
  node_agent_options opts;
  const cluster_member* me = nullptr;
  int64_t started_ns = 0;
  std::map<std::string, peer> peers;
  directory_actor dir;
  std::map<std::pair<std::string, std::string>, directory_entry> local; // what we host
  std::string refused;
  uint64_t ticks = 0;
  std::shared_ptr<spdlog::logger> log = log::get("cluster");
};

using agent_ptr = node_agent_actor::stateful_pointer<agent_state>;

std::vector<std::string> role_names(const std::vector<node_role>& roles) {
  std::vector<std::string> out;
  for (auto r : roles)
    out.emplace_back(to_string(r));
  if (out.empty()) // single node: every role
    out = {"gateway", "risk", "venue", "strategy"};
  return out;
}

/// A local entry as other nodes see it (per-node services keyed by node id).
directory_entry exported(agent_ptr self, directory_entry e) {
  if (svc::per_node(e.kind) && e.key.empty())
    e.key = self->state.opts.cfg.node.id;
  e.node = self->state.opts.cfg.node.id;
  return e;
}

member_hello my_hello(agent_ptr self) {
  auto& st = self->state;
  member_hello h;
  h.node = st.opts.cfg.node.id;
  h.incarnation = st.opts.incarnation;
  h.roles = role_names(st.me ? st.me->roles : std::vector<node_role>{});
  h.started_ns = st.started_ns;
  h.pid = static_cast<int32_t>(::getpid());
  for (auto& [_, e] : st.local)
    h.entries.push_back(exported(self, e));
  h.agent = caf::actor_cast<caf::actor>(self);
  return h;
}

/// The node supervisor of the order actors, if this node has one.
void tell_orders(agent_ptr self, venues_lost msg) {
  auto& st = self->state;
  if (!st.dir || msg.venues.empty())
    return;
  self->request(st.dir, 2s, resolve_atom::value, std::string{svc::orders}, std::string{})
    .then(
      [self, msg](caf::actor pool) {
        self->request(caf::actor_cast<sup::supervisor_actor>(pool), 5s, sup::broadcast_atom::value,
                      caf::make_message(msg))
          .then(
            [self, msg](uint64_t n) {
              self->state.log->info("event=venues_lost venues={} order_actors_told={}",
                                    msg.venues.size(), n);
            },
            [](caf::error&) {});
      },
      [](caf::error&) {}); // no order actors here
}

void mark_up(agent_ptr self, peer& p, const member_hello& h) {
  auto& st = self->state;
  bool same = p.state == peer_state::up && p.agent
              && p.agent.address() == h.agent.address();
  if (!same) {
    p.state = peer_state::up;
    p.agent = caf::actor_cast<node_agent_actor>(h.agent);
    p.incarnation = h.incarnation;
    p.started_ns = h.started_ns;
    p.pid = h.pid;
    p.since_ns = wall_ns();
    ++p.ups;
    self->monitor(p.agent);
    st.log->info("node={} event=node_up incarnation={} pid={} entries={} ups={}", p.cfg.id,
                 h.incarnation, h.pid, h.entries.size(), p.ups);
    // Our hello may have gone out before we knew our own entries (the
    // directory listing is asynchronous): push what we host now, so the
    // peer's view never depends on that ordering.
    for (auto& [_, e] : st.local)
      self->send(p.agent, export_atom::value, exported(self, e));
  }
  for (auto e : h.entries) {
    e.node = p.cfg.id;
    p.entries[{e.kind, e.key}] = e;
    if (st.dir)
      self->send(st.dir, import_atom::value, std::move(e));
  }
}

void mark_down(agent_ptr self, peer& p, const std::string& reason) {
  auto& st = self->state;
  if (p.state != peer_state::up)
    return;
  p.state = peer_state::down;
  p.agent = nullptr;
  p.entries.clear();
  p.since_ns = wall_ns();
  p.last_down_reason = reason;
  ++p.downs;
  st.log->warn("node={} event=node_down reason={} downs={}", p.cfg.id, log::q(reason), p.downs);
  if (st.dir)
    self->send(st.dir, forget_atom::value, p.cfg.id);
  venues_lost lost;
  for (auto& v : st.opts.cfg.venues)
    if (v.node == p.cfg.id)
      lost.venues.push_back(v.id);
  tell_orders(self, std::move(lost));
}

void connect(agent_ptr self, peer& p) {
  auto& st = self->state;
  p.connecting = true;
  ++p.attempts;
  auto id = p.cfg.id;
  auto timeout = std::max<caf::timespan>(2 * st.opts.cfg.cluster.connection_timeout, 1s);
  auto mm = self->system().middleman().actor_handle();
  self->request(mm, timeout, caf::connect_atom::value, p.cfg.host, p.cfg.port)
    .then(
      [self, id, timeout](const caf::node_id&, caf::strong_actor_ptr& ptr,
                          const std::set<std::string>&) {
        auto& p = self->state.peers[id];
        if (!ptr) {
          p.connecting = false;
          return;
        }
        auto agent = caf::actor_cast<node_agent_actor>(ptr);
        self->request(agent, timeout, my_hello(self))
          .then(
            [self, id](member_hello& h) {
              auto& p = self->state.peers[id];
              p.connecting = false;
              if (h.node != id) {
                self->state.log->error("node={} event=wrong_node answered_as={} host={} port={}",
                                       id, h.node, p.cfg.host, p.cfg.port);
                return;
              }
              mark_up(self, p, h);
            },
            [self, id](caf::error& err) {
              auto& st = self->state;
              st.peers[id].connecting = false;
              if (code_of(err) == errc::duplicate_node) {
                st.refused = detail_of(err);
                st.log->critical("node={} event=refused_by_cluster peer={} detail={}",
                                 st.opts.cfg.node.id, id, log::q(st.refused));
              }
            });
      },
      [self, id](caf::error& err) {
        auto& p = self->state.peers[id];
        p.connecting = false;
        if (p.attempts == 1 || p.attempts % 40 == 0)
          self->state.log->info("node={} event=connect_failed attempt={} error={}", id,
                                p.attempts, log::q(describe(err)));
      });
}

/// Clock offset and round trip to an up peer (NTP-style midpoint).
void ping(agent_ptr self, peer& p) {
  auto id = p.cfg.id;
  auto t0 = wall_ns();
  self->request(p.agent, 2s, ping_atom::value, t0)
    .then(
      [self, id, t0](int64_t remote) {
        auto t1 = wall_ns();
        auto& p = self->state.peers[id];
        p.rtt_ns = t1 - t0;
        p.offset_ns = remote - (t0 + (t1 - t0) / 2);
      },
      [](caf::error&) {});
}

void refresh_directory(agent_ptr self) {
  auto& st = self->state;
  auto dir = find_directory(self->system());
  if (!dir || dir == st.dir)
    return;
  st.dir = dir;
  self->send(dir, subscribe_atom::value, caf::actor_cast<caf::actor>(self));
  // This node's agent is a per-node service too (found as ("agent", node)).
  self->send(dir, register_atom::value, std::string{"agent"}, std::string{},
             caf::actor_cast<caf::actor>(self));
  // A new (or first) directory learns what the up peers host.
  for (auto& [_, p] : st.peers)
    if (p.state == peer_state::up)
      for (auto& [_, e] : p.entries)
        self->send(dir, import_atom::value, e);
  self->request(dir, 5s, list_atom::value, std::string{})
    .then(
      [self](std::vector<directory_entry>& es) {
        auto& st = self->state;
        for (auto& e : es)
          if (e.node == st.opts.cfg.node.id)
            st.local[{e.kind, e.key}] = e;
        // Peers that are already up learn what we host now.
        for (auto& [_, p] : st.peers)
          if (p.state == peer_state::up)
            for (auto& [k, e] : st.local)
              self->send(p.agent, export_atom::value, exported(self, e));
      },
      [](caf::error&) {});
}

void on_tick(agent_ptr self) {
  auto& st = self->state;
  ++st.ticks;
  refresh_directory(self);
  // One connection per pair: the node with the smaller id dials, the other
  // waits for its hello (simultaneous dials both ways confuse BASP).
  for (auto& [id, p] : st.peers)
    if (p.state != peer_state::up && !p.connecting && st.opts.cfg.node.id < id)
      connect(self, p);
  auto per_second = std::max<int64_t>(
    1, 1000 / std::max<int64_t>(1, st.opts.cfg.cluster.connect_retry.count()));
  if (st.ticks % static_cast<uint64_t>(per_second) == 1 % per_second)
    for (auto& [_, p] : st.peers)
      if (p.state == peer_state::up)
        ping(self, p);
  self->delayed_send(self, st.opts.cfg.cluster.connect_retry, tick_atom::value);
}

// -- admin views ------------------------------------------------------------

json member_json(agent_ptr self, const peer* p) {
  auto& st = self->state;
  json j;
  auto now = wall_ns();
  if (!p) {
    j["id"] = st.opts.cfg.node.id;
    j["state"] = "up";
    j["self"] = true;
    j["roles"] = role_names(st.me ? st.me->roles : std::vector<node_role>{});
    j["host"] = st.opts.cfg.network.host;
    j["port"] = st.opts.cfg.network.cluster_port;
    j["incarnation"] = st.opts.incarnation;
    j["pid"] = ::getpid();
    j["uptime_s"] = static_cast<double>(now - st.started_ns) / 1e9;
    j["clock_offset_us"] = 0;
    j["rtt_us"] = 0;
    j["ups"] = 1;
    j["downs"] = 0;
    j["agent_actor_id"] = self->id();
    return j;
  }
  j["id"] = p->cfg.id;
  j["state"] = to_string(p->state);
  j["self"] = false;
  j["roles"] = role_names(p->cfg.roles);
  j["host"] = p->cfg.host;
  j["port"] = p->cfg.port;
  j["incarnation"] = p->incarnation;
  j["pid"] = p->pid;
  j["uptime_s"] = p->state == peer_state::up ? static_cast<double>(now - p->started_ns) / 1e9
                                             : 0.0;
  j["since_s"] = p->since_ns ? static_cast<double>(now - p->since_ns) / 1e9 : 0.0;
  j["clock_offset_us"] = static_cast<double>(p->offset_ns) / 1e3;
  j["rtt_us"] = static_cast<double>(p->rtt_ns) / 1e3;
  j["ups"] = p->ups;
  j["downs"] = p->downs;
  j["connect_attempts"] = p->attempts;
  if (!p->last_down_reason.empty())
    j["last_down_reason"] = p->last_down_reason;
  return j;
}

json nodes_json(agent_ptr self) {
  json arr = json::array();
  arr.push_back(member_json(self, nullptr));
  for (auto& [_, p] : self->state.peers)
    arr.push_back(member_json(self, &p));
  return json{{"asked", self->state.opts.cfg.node.id}, {"nodes", arr}};
}

/// A supervision subtree being collected: the supervisor's own JSON and its
/// child supervisors (by index in its "children" array).
struct tnode {
  json self;
  std::vector<std::pair<size_t, std::shared_ptr<tnode>>> kids;
};

json assemble(const tnode& n) {
  auto j = n.self;
  for (auto& [idx, kid] : n.kids)
    j["children"][idx] = assemble(*kid);
  return j;
}

/// Counts outstanding requests of one walk; `done` runs when all answered.
struct tree_walk {
  int pending = 0;
  std::function<void()> done;
  void finish() {
    if (--pending == 0 && done)
      done();
  }
};

void walk(agent_ptr self, caf::actor sup_h, std::shared_ptr<tnode> n,
          std::shared_ptr<tree_walk> w, bool list_orders) {
  ++w->pending;
  self->request(caf::actor_cast<sup::supervisor_actor>(sup_h), 3s, sup::describe_atom::value)
    .then(
      [self, n, w, list_orders, sup_h](sup::supervisor_report& r) {
        auto& j = n->self;
        j["name"] = r.name;
        j["kind"] = "supervisor";
        j["strategy"] = to_string(r.strat);
        j["actor_id"] = sup_h.id();
        j["restarts"] = r.total_restarts;
        j["mailbox"] = r.mailbox;
        j["children"] = json::array();
        bool pool = r.strat == sup::strategy::simple_one_for_one;
        if (pool) {
          j["started"] = r.dynamic_started;
          j["ended"] = r.dynamic_ended;
          j["live"] = r.children.size();
          j["by_state"] = json::object();
          if (list_orders)
            j["orders"] = json::array();
        }
        for (auto& c : r.children) {
          if (c.is_supervisor && c.handle) {
            auto kid = std::make_shared<tnode>();
            n->kids.emplace_back(j["children"].size(), kid);
            j["children"].push_back(json::object());
            walk(self, c.handle, kid, w, list_orders);
            continue;
          }
          json cj{{"name", c.name},
                  {"kind", to_string(c.kind)},
                  {"state", to_string(c.state)},
                  {"actor_id", c.actor_id},
                  {"restarts", c.restarts}};
          if (!c.last_failure.empty()) {
            cj["last_failure"] = c.last_failure;
            cj["last_failure_ns"] = c.last_failure_ns;
          }
          if (!pool) {
            j["children"].push_back(cj);
            continue;
          }
          // Order actors: summarised by order state (listed on request).
          if (!c.handle)
            continue;
          ++w->pending;
          self->request(caf::actor_cast<order_actor>(c.handle), 2s, get_state_atom::value)
            .then(
              [n, w, list_orders, cj](order_snapshot& s) mutable {
                auto status = to_string(s.state.status);
                auto& bs = n->self["by_state"];
                bs[status] = bs.value(status, 0) + 1;
                if (list_orders) {
                  cj["order_id"] = to_string(s.id);
                  cj["order_state"] = status;
                  cj["instrument"] = s.instrument.value;
                  n->self["orders"].push_back(cj);
                }
                w->finish();
              },
              [n, w](caf::error&) {
                auto& bs = n->self["by_state"];
                bs["unanswered"] = bs.value("unanswered", 0) + 1;
                w->finish();
              });
        }
        w->finish();
      },
      [n, w](caf::error& err) {
        n->self["error"] = describe(err);
        w->finish();
      });
}

/// This node's membership record with its supervision tree under "tree".
template <class Deliver>
void collect_local(agent_ptr self, bool list_orders, Deliver deliver) {
  auto root = std::make_shared<tnode>();
  auto w = std::make_shared<tree_walk>();
  auto head = member_json(self, nullptr);
  w->done = [root, head, deliver]() mutable {
    auto j = head;
    j["tree"] = assemble(*root);
    deliver(std::move(j));
  };
  walk(self, self->state.opts.root, root, w, list_orders);
}

caf::result<std::string> local_topology(agent_ptr self, bool list_orders) {
  auto rp = self->make_response_promise<std::string>();
  collect_local(self, list_orders, [rp](json j) mutable { rp.deliver(j.dump()); });
  return rp;
}

/// Asks every up peer (and this node) `local(...)`; merges the answers.
template <class Local, class Remote>
caf::result<std::string> fan_out(agent_ptr self, const char* what, Local local, Remote remote,
                                 bool only_gateways) {
  auto rp = self->make_response_promise<std::string>();
  auto answers = std::make_shared<std::map<std::string, json>>();
  auto pending = std::make_shared<int>(1);
  auto& st = self->state;
  auto done = [rp, answers, pending, what, asked = st.opts.cfg.node.id]() mutable {
    if (--*pending > 0)
      return;
    json out{{"asked", asked}};
    json arr = json::array();
    for (auto& [_, a] : *answers)
      arr.push_back(a);
    out[what] = arr;
    rp.deliver(out.dump());
  };
  auto gateway_role = [](const std::vector<node_role>& r) {
    return r.empty() || std::find(r.begin(), r.end(), node_role::gateway) != r.end();
  };
  for (auto& [id, p] : st.peers) {
    if (only_gateways && !gateway_role(p.cfg.roles))
      continue;
    json base = member_json(self, &p);
    if (p.state != peer_state::up) {
      (*answers)[id] = base;
      continue;
    }
    ++*pending;
    remote(p.agent)
      .then(
        [answers, done, id, base](std::string& text) mutable {
          auto j = json::parse(text, nullptr, false);
          if (j.is_discarded())
            j = base;
          // This node's view of the peer (offset, state) wins.
          for (auto k : {"state", "clock_offset_us", "rtt_us", "self"})
            j[k] = base[k];
          (*answers)[id] = j;
          done();
        },
        [answers, done, id, base](caf::error& err) mutable {
          auto j = base;
          j["error"] = describe(err);
          (*answers)[id] = j;
          done();
        });
  }
  if (!only_gateways || gateway_role(st.me ? st.me->roles : std::vector<node_role>{})) {
    ++*pending;
    local([answers, done, id = st.opts.cfg.node.id](json j) mutable {
      (*answers)[id] = std::move(j);
      done();
    });
  }
  done();
  return rp;
}

json order_json(const order_snapshot& s, bool full) {
  auto& o = s.state;
  json j{{"order_id", to_string(s.id)},
         {"clordid", s.clordid.value},
         {"strategy", s.strategy.value},
         {"instrument", s.instrument.value},
         {"side", to_string(o.side)},
         {"type", to_string(o.type)},
         {"qty", to_string(o.order_qty)},
         {"limit_px", to_string(o.limit_px)},
         {"cum_qty", to_string(o.cum_qty)},
         {"leaves_qty", to_string(o.leaves_qty)},
         {"avg_px", to_string(o.avg_px())},
         {"status", to_string(o.status)}};
  if (!full)
    return j;
  j["tif"] = to_string(o.tif);
  j["symbol_as_sent"] = s.symbol_as_sent;
  j["refdata_version"] = s.refdata_version;
  j["fills"] = o.fill_count;
  j["late_fills"] = o.late_fill_count;
  j["arrival_px"] = to_string(s.arrival_px);
  j["flagged_for_review"] = s.flagged_for_review;
  if (!s.review_reason.empty())
    j["review_reason"] = s.review_reason;
  if (!s.reject_reason.empty())
    j["reject_reason"] = s.reject_reason;
  json stages = json::array();
  int64_t first = s.stages[stage::received];
  for (size_t i = 0; i < stage_count; ++i) {
    auto ns = s.stages.ns[i];
    if (ns == 0)
      continue;
    stages.push_back({{"stage", to_string(static_cast<stage>(i))},
                      {"wall_ns", ns},
                      {"since_received_us", static_cast<double>(ns - first) / 1e3}});
  }
  j["stages"] = stages;
  json legs = json::array();
  for (auto& c : s.children)
    legs.push_back({{"venue", c.venue.value},
                    {"venue_order_id", c.venue_order_id},
                    {"qty", to_string(c.qty)},
                    {"cum_qty", to_string(c.cum_qty)},
                    {"status", to_string(c.status)},
                    {"last_report_seq", c.last_seq}});
  j["legs"] = legs;
  return j;
}

bool matches(const order_snapshot& s, const std::string& filter) {
  if (filter.empty())
    return true;
  if (filter == "open")
    return !is_terminal(s.state.status);
  return filter == to_string(s.state.status);
}

template <class F>
void with_local(agent_ptr self, const char* kind, const std::string& key, F f,
                std::function<void(caf::error&)> fail) {
  auto& st = self->state;
  if (!st.dir) {
    caf::error e = make_error(errc::not_found, "no directory on this node");
    fail(e);
    return;
  }
  self->request(st.dir, 2s, resolve_atom::value, std::string{kind}, key).then(f, fail);
}

/// This node's orders (from its store) matching `filter`, under "orders".
template <class Deliver>
void collect_orders(agent_ptr self, const std::string& filter, Deliver deliver) {
  auto head = member_json(self, nullptr);
  auto failed = [deliver, head](caf::error& e) mutable {
    auto j = head;
    j["error"] = describe(e);
    deliver(std::move(j));
  };
  with_local(
    self, svc::store, "",
    [self, filter, deliver, head, failed](caf::actor store) mutable {
      self->request(caf::actor_cast<store_actor>(store), 10s, load_open_atom::value,
                    instrument_id{}, filter == "open")
        .then(
          [filter, deliver, head](std::vector<order_snapshot>& v) mutable {
            auto j = head;
            j["orders"] = json::array();
            for (auto& s : v)
              if (matches(s, filter))
                j["orders"].push_back(order_json(s, false));
            deliver(std::move(j));
          },
          failed);
    },
    failed);
}

caf::result<std::string> local_orders(agent_ptr self, const std::string& filter) {
  auto rp = self->make_response_promise<std::string>();
  collect_orders(self, filter, [rp](json j) mutable { rp.deliver(j.dump()); });
  return rp;
}

caf::result<std::string> order_detail(agent_ptr self, const std::string& text) {
  // "O<node number>-<sequence>"
  uint64_t num = 0, seq = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "O%lu-%lu%c", &num, &seq, &tail) != 2 || num == 0
      || num > 65535)
    return make_error(errc::invalid_argument,
                      "order id '" + text + "': expected O<node>-<sequence>, e.g. O1-42");
  auto id = order_id::make(static_cast<uint16_t>(num), seq);
  auto& st = self->state;
  if (num != st.opts.cfg.node.number) {
    for (auto& [_, p] : st.peers)
      if (p.cfg.number == num) {
        if (p.state != peer_state::up)
          return make_error(errc::node_unreachable, "order " + text + " lives on node "
                                                      + p.cfg.id + ", which is "
                                                      + to_string(p.state));
        return self->delegate(p.agent, order_atom::value, text);
      }
    return make_error(errc::not_found, "order " + text + ": no node has number "
                                         + std::to_string(num));
  }
  auto rp = self->make_response_promise<std::string>();
  with_local(
    self, svc::store, "",
    [self, rp, id](caf::actor store) mutable {
      self->request(caf::actor_cast<store_actor>(store), 10s, load_order_atom::value, id)
        .then(
          [self, rp, store, id](loaded_order& l) mutable {
            auto j = order_json(l.snap, true);
            j["node"] = self->state.opts.cfg.node.id;
            j["fence"] = {{"incarnation", l.fence.incarnation}, {"sequence", l.fence.sequence}};
            // Its fills from the journal complete the history.
            self->request(caf::actor_cast<store_actor>(store), 10s, load_fills_atom::value, id)
              .then(
                [rp, j](std::vector<fill_record>& fs) mutable {
                  json arr = json::array();
                  for (auto& f : fs)
                    arr.push_back({{"exec_id", f.exec_id},
                                   {"venue", f.venue.value},
                                   {"qty", to_string(f.qty)},
                                   {"px", to_string(f.px)},
                                   {"fee", to_string(f.fee)},
                                   {"liquidity", to_string(f.liq)},
                                   {"venue_ns", f.venue_ns},
                                   {"received_ns", f.received_ns},
                                   {"late", f.late}});
                  j["fills_journal"] = arr;
                  rp.deliver(j.dump());
                },
                [rp, j](caf::error& e) mutable {
                  j["fills_journal_error"] = describe(e);
                  rp.deliver(j.dump());
                });
          },
          [rp](caf::error& e) mutable { rp.deliver(e); });
    },
    [rp](caf::error& e) mutable { rp.deliver(e); });
  return rp;
}

caf::result<std::string> risk_view(agent_ptr self, const std::string& symbol) {
  if (!self->state.dir)
    return make_error(errc::not_found, "node " + self->state.opts.cfg.node.id
                                         + " is still starting (no directory yet)");
  auto set = self->state.opts.refdata->current();
  auto inst = set->resolve(symbol);
  if (!inst)
    return inst.error();
  auto id = (*inst)->id.value;
  auto rp = self->make_response_promise<std::string>();
  auto& st = self->state;
  self->request(st.dir, 2s, list_atom::value, std::string{svc::risk})
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
        auto node = i->node;
        auto h = caf::actor_cast<risk_actor>(i->handle);
        self->request(h, 3s, positions_atom::value)
          .then(
            [self, rp, id, node, h](std::vector<position_snapshot>& ps) mutable {
              json j{{"instrument", id}, {"node", node}, {"actor_id", h.id()}};
              json arr = json::array();
              for (auto& p : ps)
                arr.push_back({{"strategy", p.strategy.value},
                               {"net_qty", to_string(p.net_qty)},
                               {"bought_qty", to_string(p.bought_qty)},
                               {"sold_qty", to_string(p.sold_qty)},
                               {"buy_value", to_string(p.buy_value)},
                               {"sell_value", to_string(p.sell_value)},
                               {"realized_pnl", to_string(p.realized_pnl)},
                               {"reserved_buy_qty", to_string(p.reserved_buy_qty)},
                               {"reserved_sell_qty", to_string(p.reserved_sell_qty)}});
              j["positions"] = arr;
              self->request(h, 3s, get_state_atom::value)
                .then(
                  [rp, j](bool ready) mutable {
                    j["ready"] = ready;
                    rp.deliver(j.dump());
                  },
                  [rp, j](caf::error&) mutable { rp.deliver(j.dump()); });
            },
            [rp](caf::error& e) mutable { rp.deliver(e); });
      },
      [rp](caf::error& e) mutable { rp.deliver(e); });
  return rp;
}

caf::result<std::string> venues_view(agent_ptr self) {
  if (!self->state.dir)
    return make_error(errc::not_found, "node " + self->state.opts.cfg.node.id
                                         + " is still starting (no directory yet)");
  auto rp = self->make_response_promise<std::string>();
  auto& st = self->state;
  auto cfg_venues = st.opts.cfg.venues;
  self->request(st.dir, 2s, list_atom::value, std::string{svc::venue})
    .then(
      [self, rp, cfg_venues](std::vector<directory_entry>& es) mutable {
        auto out = std::make_shared<json>(json::array());
        auto pending = std::make_shared<int>(1);
        auto done = [rp, out, pending]() mutable {
          if (--*pending == 0)
            rp.deliver(json{{"venues", *out}}.dump());
        };
        for (auto& v : cfg_venues) {
          auto i = std::find_if(es.begin(), es.end(),
                                [&](const directory_entry& e) { return e.key == v.id.value; });
          json base{{"venue", v.id.value},
                    {"kind", to_string(v.kind)},
                    {"node", v.node.empty() ? self->state.opts.cfg.node.id : v.node}};
          if (i == es.end()) {
            base["state"] = "unreachable";
            out->push_back(base);
            continue;
          }
          base["state"] = "up";
          base["actor_id"] = i->handle.id();
          ++*pending;
          self->request(caf::actor_cast<venue_actor>(i->handle), 3s, stats_atom::value)
            .then(
              [out, base, done](venue_counters& c) mutable {
                base["orders"] = c.orders;
                base["fills"] = c.fills;
                base["rejects"] = c.rejects;
                base["cancels"] = c.cancels;
                base["replaces"] = c.replaces;
                out->push_back(base);
                done();
              },
              [out, base, done](caf::error& e) mutable {
                base["error"] = describe(e);
                out->push_back(base);
                done();
              });
        }
        done();
      },
      [rp](caf::error& e) mutable { rp.deliver(e); });
  return rp;
}

caf::result<std::string> kill(agent_ptr self, const kill_switch& k) {
  if (!self->state.dir)
    return make_error(errc::not_found, "node " + self->state.opts.cfg.node.id
                                         + " is still starting (no directory yet)");
  auto rp = self->make_response_promise<std::string>();
  auto& st = self->state;
  self->request(st.dir, 2s, list_atom::value, std::string{svc::gateway})
    .then(
      [self, rp, k](std::vector<directory_entry>& es) mutable {
        auto out = std::make_shared<json>(json{{"halt", k.halt},
                                               {"strategy", k.strategy.value},
                                               {"gateways", json::array()},
                                               {"orders_canceled", 0}});
        auto pending = std::make_shared<int>(1);
        auto done = [rp, out, pending]() mutable {
          if (--*pending == 0)
            rp.deliver(out->dump());
        };
        for (auto& e : es) {
          ++*pending;
          auto node = e.node;
          self->request(caf::actor_cast<gateway_actor>(e.handle), 10s, k)
            .then(
              [out, node, done](kill_switch_result& r) mutable {
                (*out)["gateways"].push_back({{"node", node}, {"orders_canceled", r.orders_canceled}});
                (*out)["orders_canceled"] = (*out)["orders_canceled"].get<uint64_t>()
                                            + r.orders_canceled;
                done();
              },
              [out, node, done](caf::error& err) mutable {
                (*out)["gateways"].push_back({{"node", node}, {"error", describe(err)}});
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

node_agent_actor::behavior_type agent_impl(agent_ptr self, node_agent_options opts) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.started_ns = wall_ns();
  auto& cfg = st.opts.cfg;
  if (cfg.cluster.enabled) {
    st.me = cfg.cluster.find(cfg.node.id);
    for (auto& m : cfg.cluster.nodes)
      if (m.id != cfg.node.id)
        st.peers[m.id].cfg = m;
  }
  self->set_down_handler([self](caf::down_msg& m) {
    for (auto& [_, p] : self->state.peers)
      if (p.agent && p.agent.address() == m.source)
        mark_down(self, p, describe(m.reason));
  });
  // The directory starts asynchronously with the desk: the tick keeps
  // looking for it (and for a successor if it restarts), peers or not.
  refresh_directory(self);
  self->send(self, tick_atom::value);
  return {
    [self](member_hello& h) -> caf::result<member_hello> {
      auto& st = self->state;
      auto i = st.peers.find(h.node);
      if (i == st.peers.end()) {
        if (h.node == st.opts.cfg.node.id)
          return make_error(errc::duplicate_node,
                            "node id " + h.node + " is already up (pid "
                              + std::to_string(::getpid()) + ")");
        return make_error(errc::not_found, "node id " + h.node + " is not in the cluster file");
      }
      auto& p = i->second;
      if (p.state == peer_state::up && p.agent && p.agent.address() != h.agent.address()) {
        st.log->error("node={} event=duplicate_refused pid={} up_pid={}", h.node, h.pid, p.pid);
        return make_error(errc::duplicate_node,
                          "node id " + h.node + " is already up (pid " + std::to_string(p.pid)
                            + ", incarnation " + std::to_string(p.incarnation)
                            + "); refused pid " + std::to_string(h.pid));
      }
      mark_up(self, p, h);
      return my_hello(self);
    },
    [self](export_atom, directory_entry& e) {
      auto& st = self->state;
      // From any known peer, even one whose hello answer is still on its
      // way (its exports can overtake it); a dead handle is dropped by the
      // directory's monitor.
      auto i = st.peers.find(e.node);
      if (i == st.peers.end())
        return;
      i->second.entries[{e.kind, e.key}] = e;
      if (st.dir)
        self->send(st.dir, import_atom::value, std::move(e));
    },
    [](ping_atom, int64_t) { return wall_ns(); },
    [self](nodes_atom) { return nodes_json(self).dump(); },
    [self](topology_atom, bool list_orders) {
      return fan_out(
        self, "nodes",
        [self, list_orders](auto deliver) { collect_local(self, list_orders, deliver); },
        [self, list_orders](const node_agent_actor& a) {
          return self->request(a, 5s, local_topology_atom::value, list_orders);
        },
        false);
    },
    [self](local_topology_atom, bool list_orders) { return local_topology(self, list_orders); },
    [self](orders_atom, const std::string& filter) {
      return fan_out(
        self, "nodes",
        [self, filter](auto deliver) { collect_orders(self, filter, deliver); },
        [self, filter](const node_agent_actor& a) {
          return self->request(a, 10s, local_orders_atom::value, filter);
        },
        true);
    },
    [self](local_orders_atom, const std::string& filter) { return local_orders(self, filter); },
    [self](order_atom, const std::string& id) { return order_detail(self, id); },
    [self](risk_atom, const std::string& sym) { return risk_view(self, sym); },
    [self](venues_atom) { return venues_view(self); },
    [self](const kill_switch& k) { return kill(self, k); },
    [self](get_state_atom) { return self->state.refused; },
    [self](directory_entry& e) {
      auto& st = self->state;
      if (e.node != st.opts.cfg.node.id)
        return;
      st.local[{e.kind, e.key}] = e;
      for (auto& [_, p] : st.peers)
        if (p.state == peer_state::up)
          self->send(p.agent, export_atom::value, exported(self, e));
    },
    [self](tick_atom) { on_tick(self); },
  };
}

} // namespace

caf::actor spawn_node_agent(caf::actor_system& sys, node_agent_options opts) {
  return caf::actor_cast<caf::actor>(sys.spawn(agent_impl, std::move(opts)));
}

} // namespace om
