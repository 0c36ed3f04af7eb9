#include "actors/cluster/membership.hpp"

#include "actors/order/order_actor.hpp"
#include "runtime/clock.hpp"
#include "runtime/error.hpp"
#include "runtime/log/log.hpp"
#include "runtime/supervision/supervisor.hpp"

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>

#include <unistd.h>

#include <map>

namespace om {

namespace {

using namespace std::chrono_literals;

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
  membership_actor agent;
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
  static inline const char* name = "om.membership";
  membership_options opts;
  const cluster_member* me = nullptr;
  int64_t started_ns = 0;
  std::map<std::string, peer> peers;
  directory_actor dir;
  std::map<std::pair<std::string, std::string>, directory_entry> local; // what we host
  std::string refused;
  uint64_t ticks = 0;
  std::shared_ptr<spdlog::logger> log = log::get("cluster");
};

using agent_ptr = membership_actor::stateful_pointer<agent_state>;

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
    p.agent = caf::actor_cast<membership_actor>(h.agent);
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
        auto agent = caf::actor_cast<membership_actor>(ptr);
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
  // Membership and admin are per-node services too (found as
  // ("membership", node) and ("admin", node) from anywhere in the cluster).
  self->send(dir, register_atom::value, std::string{svc::membership}, std::string{},
             caf::actor_cast<caf::actor>(self));
  if (st.opts.admin)
    self->send(dir, register_atom::value, std::string{svc::admin}, std::string{},
               caf::actor_cast<caf::actor>(st.opts.admin));
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

// -- views --------------------------------------------------------------------

member_view self_view(agent_ptr self) {
  auto& st = self->state;
  member_view v;
  v.id = st.opts.cfg.node.id;
  v.number = st.opts.cfg.node.number;
  v.state = "up";
  v.self = true;
  v.roles = role_names(st.me ? st.me->roles : std::vector<node_role>{});
  v.host = st.me ? st.me->host : st.opts.cfg.network.host;
  v.port = st.me ? st.me->port : st.opts.cfg.network.cluster_port;
  v.incarnation = st.opts.incarnation;
  v.pid = static_cast<int32_t>(::getpid());
  v.uptime_ns = wall_ns() - st.started_ns;
  v.ups = 1;
  v.agent_actor_id = self->id();
  return v;
}

member_view peer_view(const peer& p) {
  member_view v;
  auto now = wall_ns();
  v.id = p.cfg.id;
  v.number = p.cfg.number;
  v.state = to_string(p.state);
  v.roles = role_names(p.cfg.roles);
  v.host = p.cfg.host;
  v.port = p.cfg.port;
  v.incarnation = p.incarnation;
  v.pid = p.pid;
  v.uptime_ns = p.state == peer_state::up ? now - p.started_ns : 0;
  v.since_ns = p.since_ns ? now - p.since_ns : 0;
  v.clock_offset_ns = p.offset_ns;
  v.rtt_ns = p.rtt_ns;
  v.ups = p.ups;
  v.downs = p.downs;
  v.connect_attempts = p.attempts;
  v.last_down_reason = p.last_down_reason;
  return v;
}

cluster_view members(agent_ptr self) {
  cluster_view out;
  out.asked = self->state.opts.cfg.node.id;
  out.nodes.push_back(self_view(self));
  for (auto& [_, p] : self->state.peers)
    out.nodes.push_back(peer_view(p));
  return out;
}

membership_actor::behavior_type membership_impl(agent_ptr self, membership_options opts) {
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
    [self](nodes_atom) { return members(self); },
    [self](admin_atom) { return self->state.opts.admin; },
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

membership_actor spawn_membership(caf::actor_system& sys, membership_options opts) {
  return sys.spawn(membership_impl, std::move(opts));
}

} // namespace om
