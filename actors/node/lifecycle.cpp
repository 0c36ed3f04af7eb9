#include "actors/node/lifecycle.hpp"

#include "actors/admin/admin.hpp"
#include "actors/admin/metrics.hpp"
#include "actors/cluster/membership.hpp"
#include "actors/directory/directory.hpp"
#include "actors/risk/risk_actor.hpp"
#include "actors/router/router.hpp"
#include "actors/venue/venue.hpp"
#include "actors/wire/desk_types.hpp"
#include "runtime/cluster/placement.hpp"
#include "runtime/log/log.hpp"
#include "runtime/store/data_dir.hpp"
#include "runtime/store/store.hpp"

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>

#include <algorithm>
#include <thread>

namespace om {

using namespace std::chrono_literals;

void configure_node_system(caf::actor_system_config& sc, const node_config& cfg, bool remoting) {
  auto threads = cfg.node.scheduler_threads;
  if (threads == 0)
    threads = std::max(1u, std::thread::hardware_concurrency());
  sc.set("scheduler.max-threads", static_cast<size_t>(threads));
  // CAF 0.17 work stealing degrades with many runnable actors (its steal
  // walks a list); one shared queue scales with one actor per order.
  sc.set("scheduler.policy", caf::atom("sharing"));
  sc.set("logger.verbosity", caf::atom("quiet"));
  if (remoting) {
    sc.load<caf::io::middleman>();
    // Identical on every node (one file): a silent peer is dropped after
    // connection_timeout, which is what turns SIGSTOP into a node-down.
    sc.set("middleman.heartbeat-interval", caf::timespan{cfg.cluster.heartbeat_interval});
    sc.set("middleman.connection-timeout", caf::timespan{cfg.cluster.connection_timeout});
    sc.set("middleman.workers", size_t{0});
  }
  register_desk_types(sc);
}

bool node_publishes(const node_config& cfg) {
  return cfg.cluster.enabled || cfg.network.cluster_port != 0;
}

caf::expected<opened_store> open_node_store(const std::string& dir,
                                            const std::string& watermark_dir) {
  // The node's store is the system of record: a WAL record that cannot be
  // replayed stops the start (errc::store_corrupt) rather than being dropped.
  store_options opts;
  opts.path = dir;
  opts.absolute_consistency = true;
  auto db = store::open(std::move(opts));
  if (!db)
    return std::move(db.error());
  // Floors from outside the counter, so that losing the store's newest log
  // can neither hand out order ids again nor pass unnoticed.
  uint64_t floor = 0;
  store_watermark wm;
  if (!watermark_dir.empty()) {
    auto w = read_watermark(watermark_dir);
    if (!w)
      return std::move(w.error());
    wm = *w;
    auto seq = (*db)->latest_sequence();
    if (seq < wm.sequence)
      return make_error(errc::store_corrupt,
                        "store " + dir + " lost writes: its last sequence is " + std::to_string(seq)
                          + ", but " + std::to_string(wm.sequence)
                          + " was recorded at the last clean stop in " + watermark_dir + "/"
                          + data_dir_watermark_file
                          + " (a write-ahead log was truncated, emptied or removed)");
    floor = wm.incarnation + 1;
  }
  // The highest order id stored was minted by some incarnation: the next
  // one is above it (ids are big-endian keys, so the last key is the highest).
  if (auto last = (*db)->last_key(table::orders); last && last->size() == 8) {
    auto used = order_id{u64_from_key(*last)}.incarnation();
    floor = std::max(floor, used + 1);
  }
  auto inc = (*db)->next_incarnation("node", floor);
  if (!inc)
    return std::move(inc.error());
  if (!watermark_dir.empty()) {
    wm.incarnation = *inc;
    if (auto err = write_watermark(watermark_dir, wm))
      return err;
  }
  return opened_store{std::move(*db), *inc};
}

node_runtime::node_runtime(caf::actor_system& sys, desk_options opts)
  : sys_(sys), opts_(std::move(opts)) {
}

node_runtime::~node_runtime() {
  stop();
}

bool node_runtime::plays(node_role r) const {
  auto* me = opts_.cfg.cluster.enabled ? opts_.cfg.cluster.find(opts_.cfg.node.id) : nullptr;
  return !me || me->has(r);
}

size_t node_runtime::local_risk_shards() const {
  auto& cfg = opts_.cfg;
  auto refdata = opts_.refdata->current();
  auto place = placement::from(cfg.cluster);
  size_t n = 0;
  for (auto& i : refdata->instruments()) {
    if (i.status == trading_status::inactive)
      continue;
    if (!cfg.cluster.enabled)
      ++n;
    else if (plays(node_role::risk) && place.risk_node(i.id.value) == cfg.node.id)
      ++n;
  }
  return n;
}

caf::error node_runtime::start() {
  root_ = spawn_desk(sys_, opts_);
  auto& cfg = opts_.cfg;
  // The admin and the metrics collector run on every node, published or
  // embedded: the metrics endpoint and dashboard read them.
  admin_ = spawn_admin(sys_, admin_options{cfg, root_, opts_.refdata});
  metrics_ = spawn_metrics(sys_, metrics_options{cfg, admin_});
  if (!node_publishes(cfg))
    return caf::none;
  auto* me = cfg.cluster.enabled ? cfg.cluster.find(cfg.node.id) : nullptr;
  std::string host = me ? me->host : cfg.network.host;
  uint16_t port = me ? me->port : cfg.network.cluster_port;
  agent_ = spawn_membership(sys_, membership_options{cfg, opts_.node_incarnation, admin_});
  auto got = sys_.middleman().publish(agent_, port, host.c_str(), true);
  if (!got)
    return make_error(errc::invalid_argument, "cannot listen on " + host + ":"
                                                + std::to_string(port) + ": "
                                                + sys_.render(got.error()));
  listen_port_ = *got;
  return caf::none;
}

readiness node_runtime::wait_ready(caf::timespan limit) {
  std::optional<std::string> own_gateway;
  if (plays(node_role::gateway))
    own_gateway = std::string{};
  return wait_desk_ready(sys_, local_risk_shards(),
                         opts_.cfg.cluster.enabled ? opts_.cfg.node.id : std::string{},
                         own_gateway, limit, agent_);
}

readiness node_runtime::wait_venue_sessions(caf::timespan limit) {
  std::vector<std::string> fix;
  for (auto& v : opts_.cfg.venues)
    if (v.kind == venue_kind::fix
        && (!opts_.cfg.cluster.enabled || v.node == opts_.cfg.node.id)
        && std::find(opts_.external_venues.begin(), opts_.external_venues.end(), v.id.value)
             == opts_.external_venues.end())
      fix.push_back(v.id.value);
  caf::scoped_actor self{sys_};
  auto until = std::chrono::steady_clock::now() + limit;
  std::string why;
  for (;;) {
    why.clear();
    for (auto& id : fix) {
      std::string state = "not registered";
      if (auto dir = find_directory(sys_))
        self->request(dir, 1s, resolve_atom::value, std::string{svc::venue}, id)
          .receive(
            [&](caf::actor& h) {
              self->request(typed_entry<venue_actor>(h), 1s, stats_atom::value)
                .receive(
                  [&](venue_counters& c) {
                    state = c.session_state
                            + (c.last_error.empty() ? "" : " (" + c.last_error + ")");
                  },
                  [&](caf::error& e) { state = "no answer: " + to_string(e); });
            },
            [](caf::error&) {});
      if (state != "logged_on")
        why += (why.empty() ? "" : "; ") + id + ": " + state;
    }
    // Logged on is not enough: the router must know it, or orders sent now
    // would find no route.
    if (why.empty() && plays(node_role::gateway))
      if (auto dir = find_directory(sys_))
        self->request(dir, 1s, resolve_atom::value, std::string{svc::router}, std::string{})
          .receive(
            [&](caf::actor& r) {
              self->request(caf::actor_cast<router_actor>(r), 1s, venues_atom::value)
                .receive(
                  [&](std::vector<std::string>& down) {
                    for (auto& id : fix)
                      if (std::find(down.begin(), down.end(), id) != down.end())
                        why += (why.empty() ? "" : "; ") + id + ": logged on, router not told yet";
                  },
                  [&](caf::error& e) { why = "router: " + to_string(e); });
            },
            [&](caf::error&) { why = "no router registered"; });
    if (why.empty())
      return readiness{true, {}};
    if (std::chrono::steady_clock::now() >= until)
      return readiness{false, why};
    std::this_thread::sleep_for(50ms);
  }
}

std::string node_runtime::refusal() {
  std::string out;
  if (!agent_)
    return out;
  caf::scoped_actor self{sys_};
  self->request(agent_, 2s, get_state_atom::value)
    .receive([&](std::string& r) { out = std::move(r); }, [](caf::error&) {});
  return out;
}

void node_runtime::stop() {
  if (!root_ && !agent_ && !admin_)
    return;
  caf::scoped_actor self{sys_};
  if (agent_) {
    if (listen_port_ != 0)
      sys_.middleman().unpublish(agent_, listen_port_);
    self->send_exit(agent_, caf::exit_reason::user_shutdown);
    agent_ = nullptr;
  }
  if (metrics_) {
    self->send_exit(metrics_, caf::exit_reason::user_shutdown);
    metrics_ = nullptr;
  }
  if (admin_) {
    self->send_exit(admin_, caf::exit_reason::user_shutdown);
    admin_ = nullptr;
  }
  if (root_) {
    self->monitor(root_);
    self->send_exit(root_, caf::exit_reason::user_shutdown);
    self->receive([](caf::down_msg&) {}, caf::after(std::chrono::seconds(30)) >> [] {});
    root_ = nullptr;
  }
}

readiness wait_desk_ready(caf::actor_system& sys, size_t expected, const std::string& node,
                          std::optional<std::string> gateway_key, caf::timespan limit,
                          const membership_actor& agent) {
  caf::scoped_actor self{sys};
  auto deadline = std::chrono::steady_clock::now() + limit;
  std::string why = "no directory actor";
  while (std::chrono::steady_clock::now() < deadline) {
    if (agent) {
      std::string refused;
      self->request(agent, 1s, get_state_atom::value)
        .receive([&](std::string& r) { refused = std::move(r); }, [](caf::error&) {});
      if (!refused.empty())
        return readiness{false, "refused by the cluster: " + refused};
    }
    auto dir = find_directory(sys);
    if (dir) {
      std::vector<directory_entry> risks;
      self->request(dir, 1s, list_atom::value, std::string{svc::risk})
        .receive([&](std::vector<directory_entry>& v) { risks = std::move(v); },
                 [](caf::error&) {});
      size_t ready = 0, listed = 0;
      std::vector<std::string> waiting; // registered, not restored yet
      for (auto& e : risks) {
        if (!node.empty() && e.node != node)
          continue;
        ++listed;
        bool ok = false;
        self->request(typed_entry<risk_actor>(e.handle), 1s, get_state_atom::value)
          .receive([&](bool b) { ok = b; }, [](caf::error&) {});
        if (ok)
          ++ready;
        else
          waiting.push_back(e.key);
      }
      bool have_gateway = !gateway_key;
      if (gateway_key)
        self->request(dir, 1s, resolve_atom::value, std::string{svc::gateway}, *gateway_key)
          .receive([&](caf::actor&) { have_gateway = true; }, [](caf::error&) {});
      if (ready >= expected && have_gateway)
        return readiness{true, {}};
      why = std::to_string(ready) + " of " + std::to_string(expected) + " risk shards restored";
      if (listed < expected)
        why += ", " + std::to_string(expected - listed) + " not registered";
      if (!waiting.empty()) {
        why += ", restoring:";
        for (size_t i = 0; i < waiting.size() && i < 5; ++i)
          why += " " + waiting[i];
        if (waiting.size() > 5)
          why += " (+" + std::to_string(waiting.size() - 5) + ")";
      }
      if (!have_gateway)
        why += "; no gateway registered"
               + (gateway_key->empty() ? std::string{} : " for node " + *gateway_key);
    }
    std::this_thread::sleep_for(20ms);
  }
  return readiness{false, why};
}

} // namespace om
