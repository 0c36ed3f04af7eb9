#include "actors/node/desk.hpp"

#include "actors/directory/directory.hpp"
#include "actors/gateway/gateway.hpp"
#include "actors/market_data/market_data_actor.hpp"
#include "actors/order/order_actor.hpp"
#include "actors/post_trade/post_trade.hpp"
#include "actors/risk/risk_actor.hpp"
#include "actors/router/router.hpp"
#include "actors/store/store_actor.hpp"
#include "actors/venue/fix_venue.hpp"
#include "actors/venue/sim_venue.hpp"
#include "actors/venue/venue_relay.hpp"
#include "runtime/cluster/placement.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <filesystem>

namespace om {

namespace {

using namespace std::chrono_literals;
using sup::child_kind;
using sup::child_spec;

/// <data_dir>/fix/<venue>: the venue session's QuickFIX message store.
std::string fix_store_dir(const node_config& cfg, const venue_section& v) {
  std::filesystem::path root = cfg.node.data_dir.empty() ? "." : cfg.node.data_dir;
  auto dir = root / "fix" / v.id.value;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  return dir.string();
}

child_spec spec(std::string name, sup::start_fn f, child_kind kind = child_kind::permanent) {
  child_spec s;
  s.name = std::move(name);
  s.kind = kind;
  s.start = std::move(f);
  s.shutdown_timeout = 5s;
  return s;
}

template <class F>
sup::start_fn fn(F f) {
  return [f](caf::actor_system& sys, const caf::message&) -> caf::expected<caf::actor> {
    return f(sys);
  };
}

} // namespace

bool quoted(const node_config& cfg, const instrument& inst) {
  for (auto& v : cfg.venues) {
    if (v.kind != venue_kind::fix || !v.market_data)
      continue;
    if (v.asset_classes.empty()
        || std::find(v.asset_classes.begin(), v.asset_classes.end(), inst.cls)
             != v.asset_classes.end())
      return true;
  }
  return false;
}

caf::actor spawn_desk(caf::actor_system& sys, const desk_options& o) {
  auto& cfg = o.cfg;
  auto refdata = o.refdata->current();
  // Single node: this node plays every role. Cluster: what the file says.
  const cluster_member* me = cfg.cluster.enabled ? cfg.cluster.find(cfg.node.id) : nullptr;
  auto plays = [me](node_role r) { return !me || me->has(r); };
  auto place = placement::from(cfg.cluster);
  // Risk actors rebuild from the orders of every gateway node ("" = here).
  std::vector<std::string> order_sources;
  if (!me) {
    order_sources.push_back("");
  } else {
    for (auto& m : cfg.cluster.nodes)
      if (m.has(node_role::gateway))
        order_sources.push_back(m.id == me->id ? std::string{} : m.id);
  }
  std::vector<child_spec> risk_children;
  std::vector<child_spec> md_children;
  for (auto& inst : refdata->instruments()) {
    if (inst.status == trading_status::inactive)
      continue;
    if (me && (!plays(node_role::risk) || place.risk_node(inst.id.value) != me->id))
      continue;
    // A quoted instrument's market-data actor sits beside its risk actor.
    bool md = quoted(cfg, inst);
    if (md)
      md_children.push_back(spec("md-" + inst.id.value,
                                 fn([id = inst.id, mdc = cfg.market_data](auto& s) {
                                   return spawn_market_data(s, id, mdc);
                                 })));
    risk_children.push_back(spec("risk-" + inst.id.value,
                                 fn([inst, limits = cfg.risk, order_sources, md,
                                     stale = cfg.market_data.on_stale](auto& s) {
                                   return spawn_risk_actor(s, inst, limits, order_sources, md,
                                                           stale);
                                 })));
  }
  std::vector<child_spec> venue_children;
  uint64_t n = 0;
  for (auto& v : cfg.venues) {
    if (std::find(o.external_venues.begin(), o.external_venues.end(), v.id.value)
        != o.external_venues.end()) {
      ++n;
      continue;
    }
    if (me && v.node != me->id) {
      ++n; // same seeds wherever a venue is placed
      continue;
    }
    if (v.kind == venue_kind::fix) {
      fix_venue_options fo;
      fo.cfg = v;
      fo.refdata = refdata;
      // Sequence numbers and sent messages survive a restart here.
      fo.store_dir = fix_store_dir(cfg, v);
      fo.seed = cfg.simulation.seed + ++n;
      venue_children.push_back(spec("venue-" + v.id.value, fn([fo](auto& s) {
                                      return spawn_fix_venue(s, fo);
                                    })));
      continue;
    }
    sim_venue_options vo;
    vo.cfg = v;
    vo.refdata = refdata;
    vo.levels = cfg.simulation.levels;
    vo.flow_interval = cfg.simulation.flow_interval;
    vo.seed = cfg.simulation.seed + ++n;
    vo.incarnation = o.node_incarnation;
    venue_children.push_back(spec("venue-" + v.id.value, fn([vo](auto& s) {
                                    return spawn_sim_venue(s, vo);
                                  })));
  }
  sup::supervisor_flags risk_flags{"risk", sup::strategy::one_for_one, 10, 10s, {}, 0};
  sup::supervisor_flags venue_flags{"venues", sup::strategy::one_for_one, 10, 60s, {}, cfg.simulation.seed};
  venue_flags.backoff.initial = 100ms;
  venue_flags.backoff.max = 10s;
  venue_flags.backoff.jitter = 0.2;
  // Order actors are many and short-lived: a crash in one is its own affair,
  // but a storm of them means something shared is broken.
  sup::supervisor_flags order_flags{"orders", sup::strategy::simple_one_for_one, 100, 1s, {}, 0};
  child_spec order_template;
  order_template.name = "order";
  order_template.kind = child_kind::transient;
  order_template.start = start_order_actor;
  order_template.restart = restart_order_actor; // a restarted order recovers
  order_template.shutdown_timeout = 1s;
  child_spec orders;
  orders.name = "orders";
  orders.is_supervisor = true;
  orders.start = [order_flags, order_template](caf::actor_system& s,
                                               const caf::message&) -> caf::expected<caf::actor> {
    auto h = sup::spawn_supervisor(s, order_flags, {order_template});
    if (auto dir = find_directory(s))
      caf::anon_send(dir, register_atom::value, std::string{svc::orders}, std::string{}, h);
    return h;
  };
  auto risk_sup = spec("risk", sup::supervisor_starter(risk_flags, risk_children));
  risk_sup.is_supervisor = true;
  auto venue_sup = spec("venues", sup::supervisor_starter(venue_flags, venue_children));
  venue_sup.is_supervisor = true;
  gateway_options go;
  go.cfg = cfg;
  go.refdata = o.refdata;
  go.node_incarnation = o.node_incarnation;
  go.fault_injection = cfg.testing.fault_injection;
  std::vector<child_spec> top{
    spec("directory", fn([id = cfg.node.id](auto& s) { return spawn_directory(s, id); })),
    spec("store", fn([db = o.db](auto& s) { return spawn_store_actor(s, db); })),
  };
  if (!risk_children.empty())
    top.push_back(risk_sup);
  if (!md_children.empty()) {
    sup::supervisor_flags md_flags{"market-data", sup::strategy::one_for_one, 10, 10s, {}, 0};
    auto md_sup = spec("market-data", sup::supervisor_starter(md_flags, md_children));
    md_sup.is_supervisor = true;
    top.push_back(md_sup);
  }
  if (!venue_children.empty())
    top.push_back(venue_sup);
  if (plays(node_role::gateway)) {
    // FIX venues wait for their first logon before the router uses them.
    std::vector<std::string> awaiting;
    for (auto& v : cfg.venues)
      if (v.kind == venue_kind::fix
          && std::find(o.external_venues.begin(), o.external_venues.end(), v.id.value)
               == o.external_venues.end())
        awaiting.push_back(v.id.value);
    top.push_back(spec("router", fn([cfg, seed = cfg.simulation.seed, awaiting](auto& s) {
                         return spawn_router(s, cfg, seed, awaiting);
                       })));
    top.push_back(spec("post-trade", fn([](auto& s) { return spawn_post_trade(s); })));
    if (me)
      top.push_back(spec("venue-relay", fn([](auto& s) { return spawn_venue_relay(s); })));
    top.push_back(orders);
    top.push_back(spec("gateway", fn([go](auto& s) { return caf::actor_cast<caf::actor>(spawn_gateway(s, go)); })));
  }
  sup::supervisor_flags node_flags{"node/" + cfg.node.id, sup::strategy::one_for_one, 10, 10s, {}, 0};
  return sup::spawn_supervisor(sys, node_flags, std::move(top));
}

namespace {

void walk(caf::scoped_actor& self, const caf::actor& sup, int depth, uint64_t& restarts,
          std::string* out) {
  self->request(sup, 5s, sup::describe_atom::value)
    .receive(
      [&](sup::supervisor_report& r) {
        restarts += r.total_restarts;
        if (out) {
          *out += std::string(static_cast<size_t>(depth) * 2, ' ') + r.name + " ("
                  + to_string(r.strat) + ", restarts " + std::to_string(r.total_restarts) + ")\n";
        }
        size_t shown = 0;
        for (auto& c : r.children) {
          if (c.is_supervisor && c.handle) {
            walk(self, c.handle, depth + 1, restarts, out);
          } else if (out && shown++ < 12) {
            *out += std::string(static_cast<size_t>(depth + 1) * 2, ' ') + c.name + " ["
                    + to_string(c.kind) + ", " + to_string(c.state) + ", restarts "
                    + std::to_string(c.restarts) + "]\n";
          }
        }
        if (out && shown > 12)
          *out += std::string(static_cast<size_t>(depth + 1) * 2, ' ') + "... "
                  + std::to_string(shown - 12) + " more\n";
      },
      [&](caf::error&) {});
}

} // namespace

uint64_t total_restarts(caf::actor_system& sys, const caf::actor& root) {
  caf::scoped_actor self{sys};
  uint64_t n = 0;
  walk(self, root, 0, n, nullptr);
  return n;
}

std::string render_tree(caf::actor_system& sys, const caf::actor& root) {
  caf::scoped_actor self{sys};
  uint64_t n = 0;
  std::string out;
  walk(self, root, 0, n, &out);
  return out;
}

} // namespace om
