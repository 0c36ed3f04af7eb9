// ordermesh-node: runs one node from a TOML configuration. With [demo]
// enabled it trades the demo strategy through the whole desk and prints a
// summary (or JSON with --json), then shuts the tree down in order.

#include "actors/admin/http_endpoint.hpp"
#include "actors/cluster/membership.hpp"
#include "actors/directory/directory.hpp"
#include "actors/gateway/gateway.hpp"
#include "actors/node/desk.hpp"
#include "actors/node/lifecycle.hpp"
#include "actors/post_trade/post_trade.hpp"
#include "actors/risk/risk_actor.hpp"
#include "actors/strategy/demo_strategy.hpp"
#include "actors/venue/reconcile.hpp"
#include "actors/wire/desk_types.hpp"
#include "runtime/config/references.hpp"
#include "runtime/log/log.hpp"
#include "runtime/cluster/placement.hpp"
#include "runtime/store/data_dir.hpp"
#include "runtime/store/store.hpp"
#include "tools/node/signals.hpp"

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <limits>
#include <iostream>
#include <thread>
#include <unistd.h>

using namespace om;
using namespace std::chrono_literals;

namespace {

struct cli_options {
  std::string config = "config/single-node.toml";
  std::string node; // cluster files: which [[cluster.node]] this process is
  std::string data_dir;
  bool fresh = false;
  bool json = false;
  bool no_demo = false;
  int64_t orders = -1;
  int64_t rate = -1;
  int64_t seed = -1;
  int64_t metrics_port = -1;
  bool hold = false; // keep running after the demo (until killed)
  std::string run_tag; // demo client order ids: "<strategy>-<tag>-<n>"
};

template <class Handle, class... Ts>
auto ask(caf::scoped_actor& self, const Handle& h, caf::timespan t, Ts&&... xs) {
  using result_t = decltype(self->request(h, t, std::forward<Ts>(xs)...));
  return std::make_unique<result_t>(self->request(h, t, std::forward<Ts>(xs)...));
}

/// Waits until the membership of node `key` ("" = this node) sees every
/// node of the cluster up, i.e. its gateway can reach every risk shard and
/// venue. Not ok: which nodes were not up, and why.
readiness wait_cluster_seen_by(caf::actor_system& sys, const std::string& key,
                               caf::timespan limit) {
  caf::scoped_actor self{sys};
  auto deadline = std::chrono::steady_clock::now() + limit;
  std::string why = "no membership actor for " + (key.empty() ? std::string{"this node"} : key);
  while (std::chrono::steady_clock::now() < deadline) {
    membership_actor m;
    if (auto dir = find_directory(sys))
      self->request(dir, 1s, resolve_atom::value, std::string{svc::membership}, key)
        .receive([&](caf::actor& h) { m = typed_entry<membership_actor>(h); },
                 [](caf::error&) {});
    bool all_up = false;
    if (m)
      self->request(m, 2s, nodes_atom::value)
        .receive(
          [&](cluster_view& v) {
            std::string down;
            for (auto& n : v.nodes)
              if (n.state != "up")
                down += (down.empty() ? "" : ", ") + n.id + " " + n.state
                        + (n.last_down_reason.empty() ? "" : " (" + n.last_down_reason + ")");
            all_up = down.empty();
            why = "seen from " + v.asked + ", not up: " + down;
          },
          [&](caf::error& e) { why = "membership did not answer: " + describe(e); });
    if (all_up)
      return readiness{true, {}};
    std::this_thread::sleep_for(50ms);
  }
  return readiness{false, why};
}

/// The demo's orders as the desk reported them, against every configured
/// venue's own ledger. A venue that cannot be asked makes it partial.
reconciliation reconcile_demo(caf::scoped_actor& self, caf::actor_system& sys,
                              const node_config& cfg, const demo_result& d,
                              std::vector<std::string>& unasked) {
  std::map<uint64_t, quantity> desk;
  for (auto& x : d.desk_filled)
    desk[x.id.value] = x.qty;
  std::vector<directory_entry> es;
  if (auto dir = find_directory(sys))
    self->request(dir, 2s, list_atom::value, std::string{svc::venue})
      .receive([&](std::vector<directory_entry>& v) { es = std::move(v); }, [](caf::error&) {});
  std::vector<venue_executions> ledgers;
  for (auto& vc : cfg.venues) {
    auto i = std::find_if(es.begin(), es.end(),
                          [&](const directory_entry& e) { return e.key == vc.id.value; });
    if (i == es.end()) {
      unasked.push_back(vc.id.value + " (not registered)");
      continue;
    }
    self->request(typed_entry<venue_actor>(i->handle), 5s, executions_atom::value)
      .receive([&](venue_executions& v) { ledgers.push_back(std::move(v)); },
               [&](caf::error& e) { unasked.push_back(vc.id.value + " (" + describe(e) + ")"); });
  }
  auto r = reconcile(desk, ledgers);
  r.partial = r.partial || !unasked.empty();
  return r;
}

nlohmann::json to_json(const reconciliation& r, const std::vector<std::string>& unasked) {
  nlohmann::json j{{"orders_compared", r.orders_compared},
                   {"venue_fills", r.venue_fills},
                   {"venue_qty", to_string(r.venue_qty)},
                   {"desk_qty", to_string(r.desk_qty)},
                   {"out_of_scope", r.out_of_scope},
                   {"partial", r.partial},
                   {"unasked", unasked},
                   {"breaks", r.breaks.size()}};
  j["first_breaks"] = nlohmann::json::array();
  for (size_t i = 0; i < r.breaks.size() && i < 10; ++i)
    j["first_breaks"].push_back({{"order_id", to_string(r.breaks[i].id)},
                                 {"desk_qty", to_string(r.breaks[i].desk_qty)},
                                 {"venue_qty", to_string(r.breaks[i].venue_qty)},
                                 {"venues", r.breaks[i].venues}});
  return j;
}

std::string fmt_us(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", x);
  return buf;
}

nlohmann::json to_json(const demo_result& d, const gateway_stats& g, const post_trade_report& p,
                       uint64_t restarts, const node_config& cfg, const std::string& version) {
  nlohmann::json j;
  j["node"] = cfg.node.id;
  j["refdata_version"] = version;
  j["orders_sent"] = d.sent;
  j["bad_orders_sent"] = d.bad_sent;
  j["elapsed_s"] = static_cast<double>(d.elapsed_ns) / 1e9;
  j["accepted"] = d.accepted;
  j["duplicates"] = d.duplicates;
  j["final_states"] = d.final_states;
  j["rejects"] = d.rejects;
  j["fills"] = d.fills;
  j["late_fills"] = d.late_fills;
  j["overfills"] = d.overfills;
  j["rejects_without_reason"] = d.rejects_without_reason;
  j["open_at_end"] = d.open_at_end;
  j["gateway_lost"] = d.gateway_lost;
  j["cancels_sent"] = d.cancels_sent;
  j["amends_sent"] = d.amends_sent;
  j["replaced"] = d.replaced;
  j["notional"] = to_string(p.notional);
  j["avg_slippage_bps"] = static_cast<double>(p.avg_slippage_centi_bps) / 100.0;
  j["slippage_samples"] = p.slippage_samples;
  j["arrival_sources"] = {{"live_mid", p.arrival_live_mid},
                          {"prev_close", p.arrival_prev_close},
                          {"last_trade", p.arrival_last_trade}};
  j["orders_finished"] = p.orders_finished;
  for (auto& s : p.stages)
    j["latency_us"][s.from + "->" + s.to] = {{"p50", s.p50_us}, {"p99", s.p99_us},
                                             {"p999", s.p999_us}, {"n", s.samples}};
  j["risk_rtt_us"] = {{"p50", g.risk_rtt_p50_us}, {"p99", g.risk_rtt_p99_us}};
  j["risk_check_us"] = {{"p50", g.risk_check_p50_us}, {"p99", g.risk_check_p99_us}};
  j["risk_timeouts"] = g.risk_timeouts;
  for (auto& v : p.venues)
    j["venues"][v.venue.value] = {{"legs", v.legs},
                                  {"fills", v.fills},
                                  {"filled_qty", to_string(v.filled_qty)},
                                  {"notional", to_string(v.notional)},
                                  {"fees", to_string(v.fees)},
                                  {"avg_ack_us", v.ack_samples ? static_cast<double>(v.ack_latency_sum_ns) / 1000.0 / static_cast<double>(v.ack_samples) : 0.0}};
  j["supervisor_restarts"] = restarts;
  j["breaker_trips"] = g.breaker_trips;
  j["orders_held"] = g.queued;
  j["breakers"] = nlohmann::json::array();
  for (auto& b : g.breakers)
    j["breakers"].push_back({{"scope", b.scope},
                             {"open", b.open},
                             {"errors", b.errors},
                             {"outcomes", b.outcomes},
                             {"trips", b.trips}});
  return j;
}

void print_summary(const demo_result& d, const gateway_stats& g, const post_trade_report& p,
                   uint64_t restarts, const node_config& cfg, const std::string& version) {
  auto& o = std::cout;
  o << "\n== ordermesh desk: node " << cfg.node.id << ", refdata " << version
    << " ==\n";
  o << "orders sent        " << d.sent << " (" << d.bad_sent << " deliberately bad), in "
    << fmt_us(static_cast<double>(d.elapsed_ns) / 1e6) << " ms\n";
  o << "accepted           " << d.accepted << ", duplicates answered " << d.duplicates << "\n";
  o << "final states      ";
  for (auto& [k, v] : d.final_states)
    o << " " << k << "=" << v;
  o << "\nrejects by stage/reason:\n";
  for (auto& [k, v] : d.rejects)
    o << "  " << k << " = " << v << "\n";
  o << "cancels/amends     sent " << d.cancels_sent << "/" << d.amends_sent << ", replaced "
    << d.replaced << ", cancel rejected " << d.cancel_rejected << ", replace rejected "
    << d.replace_rejected << "\n";
  o << "fills              " << d.fills << " (late " << d.late_fills << "), notional "
    << to_string(p.notional) << "\n";
  o << "avg slippage       " << fmt_us(static_cast<double>(p.avg_slippage_centi_bps) / 100.0)
    << " bps vs arrival over " << p.slippage_samples << " filled orders\n";
  o << "arrival prices     live mid " << p.arrival_live_mid << ", previous close "
    << p.arrival_prev_close << ", last fill " << p.arrival_last_trade << "\n";
  o << "latency per stage (us, p50 / p99 / p99.9):\n";
  for (auto& s : p.stages)
    o << "  " << s.from << " -> " << s.to << ": " << fmt_us(s.p50_us) << " / "
      << fmt_us(s.p99_us) << " / " << fmt_us(s.p999_us) << "  (n=" << s.samples << ")\n";
  o << "risk check         round trip p50 " << fmt_us(g.risk_rtt_p50_us) << " us, p99 "
    << fmt_us(g.risk_rtt_p99_us) << " us; inside the risk actor p50 "
    << fmt_us(g.risk_check_p50_us) << " us, p99 " << fmt_us(g.risk_check_p99_us) << " us\n";
  o << "venues:\n";
  for (auto& v : p.venues)
    o << "  " << v.venue.value << ": legs " << v.legs << ", fills " << v.fills << ", qty "
      << to_string(v.filled_qty) << ", fees " << to_string(v.fees) << ", avg ack "
      << fmt_us(v.ack_samples ? static_cast<double>(v.ack_latency_sum_ns) / 1000.0
                                  / static_cast<double>(v.ack_samples)
                              : 0.0)
      << " us\n";
  o << "supervisor restarts " << restarts << "\n";
  o << "circuit breakers   " << g.breaker_trips << " trips, " << g.queued << " orders held";
  for (auto& b : g.breakers)
    if (b.open || b.trips > 0)
      o << "; " << b.scope << " " << (b.open ? "OPEN" : "closed") << " (" << b.errors << "/"
        << b.outcomes << " errors, " << b.trips << " trips)";
  o << "\n";
  if (d.gateway_lost)
    o << "GATEWAY LOST       the gateway went down during the run; open orders end on its node\n";
  o << "invariants         overfills " << d.overfills << ", rejects without reason "
    << d.rejects_without_reason << ", orders not terminal " << d.open_at_end << "\n";
}

} // namespace

int main(int argc, char** argv) {
  cli_options cli;
  CLI::App app{"ordermesh node"};
  app.add_option("--config,-c", cli.config, "node configuration (TOML)")->capture_default_str();
  app.add_option("--node", cli.node, "cluster files: the [[cluster.node]] id this process runs");
  app.add_option("--data-dir", cli.data_dir, "override [node] data_dir");
  app.add_flag("--fresh", cli.fresh, "clear the data directory first (only ordermesh's entries; refused if another node holds it (exit 8) or it is not an ordermesh data dir (exit 9))");
  app.add_flag("--json", cli.json, "print the demo summary as JSON");
  app.add_flag("--no-demo", cli.no_demo, "do not run the demo strategy");
  // Validated like the config keys they override (configuration.md).
  app.add_option("--orders", cli.orders, "override [demo] orders (1..100000000)")
    ->check(CLI::Range(int64_t{1}, int64_t{100'000'000}));
  app.add_option("--rate", cli.rate, "override [demo] rate (orders/s, 0 = flat out; up to 10000000)")
    ->check(CLI::Range(int64_t{0}, int64_t{10'000'000}));
  app.add_option("--seed", cli.seed, "override [demo] seed (0 or more)")
    ->check(CLI::Range(int64_t{0}, std::numeric_limits<int64_t>::max()));
  app.add_option("--metrics-port", cli.metrics_port,
                 "override [network] metrics_port: /metrics and the dashboard (0 = off)")
    ->check(CLI::Range(0, 65535));
  app.add_flag("--hold", cli.hold, "keep running after the demo until SIGTERM/SIGINT");
  app.add_option("--run-tag", cli.run_tag,
                 "demo client order id tag (default: the node incarnation); reuse one to resend a run's ids");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help is not an error; every usage error exits 2 (operations.md).
    return app.exit(e) == 0 ? 0 : 2;
  }
  // Before any thread exists: SIGTERM/SIGINT become a request to stop.
  node_signals::install();

  auto cfg = load_node_config(cli.config);
  if (!cfg) {
    std::cerr << "ordermesh-node: " << describe(cfg.error()) << "\n";
    return 2;
  }
  if (!cli.node.empty()) {
    if (auto err = select_node(*cfg, cli.node)) {
      std::cerr << "ordermesh-node: " << describe(err) << "\n";
      return 2;
    }
  } else if (cfg->cluster.enabled) {
    std::cerr << "ordermesh-node: " << cli.config
              << " is a cluster file: say which node to run with --node ID\n";
    return 2;
  }
  bool cluster = cfg->cluster.enabled;
  const cluster_member* me = cluster ? cfg->cluster.find(cfg->node.id) : nullptr;
  auto plays = [me](node_role r) { return !me || me->has(r); };
  if (!cli.data_dir.empty())
    cfg->node.data_dir = cli.data_dir;
  if (cli.no_demo)
    cfg->demo.enabled = false;
  if (cli.orders >= 0)
    cfg->demo.orders = static_cast<uint32_t>(cli.orders);
  if (cli.rate >= 0)
    cfg->demo.rate = static_cast<uint32_t>(cli.rate);
  if (cli.seed >= 0)
    cfg->demo.seed = static_cast<uint64_t>(cli.seed);
  if (cli.metrics_port >= 0) {
    auto mp = static_cast<uint16_t>(cli.metrics_port);
    if (mp != 0 && (mp == cfg->network.cluster_port || mp == cfg->network.admin_port)) {
      std::cerr << "ordermesh-node: --metrics-port " << mp
                << ": same port as network.cluster_port or network.admin_port\n";
      return 2;
    }
    cfg->network.metrics_port = mp;
  }
  if (auto err = log::init(cfg->log)) {
    std::cerr << "ordermesh-node: " << describe(err) << "\n";
    return 2;
  }
  auto lg = log::get("node");
  auto rd = load_refdata_file(cfg->node.refdata);
  if (!rd) {
    std::cerr << "ordermesh-node: " << describe(rd.error()) << "\n";
    return 2;
  }
  if (auto err = check_references(*cfg, **rd)) {
    std::cerr << "ordermesh-node: " << describe(err) << "\n";
    return 2;
  }
  auto refdata = std::make_shared<refdata_service>(*rd);
  namespace fs = std::filesystem;
  // The data dir (runtime/store/data_dir.hpp): refuse one that is not ours
  // (9) or that another node holds (8), take its lock for the whole life of
  // the process, and with --fresh clear only what is ours, under the lock.
  auto& dir = cfg->node.data_dir;
  auto claimed = claim_data_dir(dir, cfg->node.id, cli.fresh);
  if (!claimed) {
    auto code = code_of(claimed.error());
    std::cerr << "ordermesh-node: " << describe(claimed.error()) << "\n";
    lg->critical("node={} event=data_dir_refused data_dir={} fresh={} error={}", cfg->node.id,
                 log::q(dir), cli.fresh, log::q(describe(claimed.error())));
    log::shutdown();
    return code == errc::data_dir_locked ? 8 : code == errc::not_a_data_dir ? 9 : 2;
  }
  lg->info("node={} event=data_dir_locked data_dir={} found={} pid={}", cfg->node.id,
           log::q(dir), to_string(claimed->found), ::getpid());
  if (claimed->found == data_dir_state::legacy)
    lg->warn("node={} event=data_dir_adopted data_dir={} reason={}", cfg->node.id, log::q(dir),
             log::q("a store from before the ORDERMESH marker: marker written"));
  if (!claimed->marker_node.empty() && claimed->marker_node != cfg->node.id && !cli.fresh)
    lg->warn("node={} event=data_dir_other_node data_dir={} marker_node={}", cfg->node.id,
             log::q(dir), claimed->marker_node);
  if (cli.fresh)
    lg->info("node={} event=data_dir_cleared data_dir={} removed={} kept={}", cfg->node.id,
             log::q(dir), claimed->cleared.size(), claimed->kept.size());
  for (auto& k : claimed->kept)
    lg->warn("node={} event=data_dir_kept data_dir={} entry={} reason={}", cfg->node.id,
             log::q(dir), log::q(k), log::q("not ordermesh's: --fresh leaves it"));
  // The node's lifecycle (actors/node/lifecycle.hpp): configure, open,
  // start, ready, and at the end stop in reverse.
  auto opened = open_node_store((fs::path{dir} / data_dir_store_dir).string(), dir);
  if (!opened) {
    std::cerr << "ordermesh-node: " << describe(opened.error()) << "\n";
    if (code_of(opened.error()) == errc::store_corrupt) {
      lg->critical("node={} event=store_corrupt data_dir={} error={}", cfg->node.id,
                   log::q(dir), log::q(describe(opened.error())));
      log::shutdown();
      return 10;
    }
    log::shutdown();
    return 2;
  }
  auto inc = &opened->incarnation;
  lg->info("node={} event=starting incarnation={} data_dir={} refdata={}", cfg->node.id, *inc,
           cfg->node.data_dir, (*rd)->version());
  caf::actor_system_config sys_cfg;
  configure_node_system(sys_cfg, *cfg, node_publishes(*cfg));
  int rc = 0;
  {
    caf::actor_system sys{sys_cfg};
    node_runtime rt{sys, desk_options{*cfg, refdata, opened->db, *inc}};
    size_t risk_count = 0;
    for (auto& i : (*rd)->instruments())
      risk_count += i.status != trading_status::inactive ? 1 : 0;
    if (auto err = rt.start()) {
      auto& id = cfg->node.id;
      std::cerr << "ordermesh-node: node " << id << " " << describe(err)
                << " (is another process using the port, or node " << id
                << " already running?)\n";
      lg->critical("node={} event=listen_failed error={}", id, log::q(describe(err)));
      rc = 6;
    } else if (rt.agent()) {
      lg->info("node={} event=listening", cfg->node.id);
    }
    // Metrics and dashboard (network.metrics_port; 0 = off). Destroyed
    // before the runtime stops, so no request outlives the actors.
    std::unique_ptr<http_endpoint> web;
    if (rc == 0 && cfg->network.metrics_port != 0) {
      auto got = http_endpoint::start(sys, rt.metrics(), cfg->network.host,
                                      cfg->network.metrics_port);
      if (!got) {
        std::cerr << "ordermesh-node: node " << cfg->node.id << " " << describe(got.error())
                  << " (network.metrics_port)\n";
        lg->critical("node={} event=http_failed error={}", cfg->node.id,
                     log::q(describe(got.error())));
        rc = 6;
      } else {
        web = std::move(*got);
        auto url = "http://" + cfg->network.host + ":" + std::to_string(web->port());
        lg->info("node={} event=http_serving dashboard={}/ metrics={}/metrics", cfg->node.id,
                 url, url);
        std::cerr << ("ordermesh-node: dashboard " + url + "/  metrics " + url + "/metrics\n");
      }
    }
    auto root = rt.root();
    if (rc != 0) {
      // cannot join: fall through to shutdown
    } else if (auto ready = rt.wait_ready(cfg->node.ready_timeout); !ready) {
      auto why = rt.refusal();
      if (!why.empty()) {
        std::cerr << "ordermesh-node: refused by the cluster: " << why << "\n";
        rc = 6;
      } else {
        lg->critical("node={} event=not_ready waited_s={} detail={}", cfg->node.id,
                     cfg->node.ready_timeout.count(), log::q(ready.why));
        // One write: the async log shares stderr and must not split the line.
        std::cerr << ("ordermesh-node: the node did not become ready in "
                      + std::to_string(cfg->node.ready_timeout.count()) + " s: " + ready.why
                      + "\n");
        rc = 3;
      }
    } else {
      lg->info("node={} event=ready", cfg->node.id);
      std::cerr << "ordermesh-node: node " << cfg->node.id << " ready (incarnation " << *inc
                << ")\n";
      // FIX sessions: the desk routes around a venue that is not logged on,
      // so this waits a little, then says which are down and goes on.
      if (auto up = rt.wait_venue_sessions(10s); !up)
        lg->warn("node={} event=venue_sessions_down detail={} "
                 "note=\"trading continues; orders avoid these venues until they log on\"",
                 cfg->node.id, log::q(up.why));
    }
    auto agent = rt.agent();
    caf::scoped_actor self{sys};
    // Cluster: the demo strategy runs on a strategy node and trades through
    // the gateway of demo.gateway_node (possibly another node) once every
    // risk shard of the cluster is reachable.
    std::string gw_key;
    if (cluster && cfg->demo.gateway_node != cfg->node.id)
      gw_key = cfg->demo.gateway_node;
    bool run_demo = rc == 0 && cfg->demo.enabled && plays(node_role::strategy)
                    && (!cluster || !cfg->demo.gateway_node.empty() || plays(node_role::gateway));
    if (run_demo && cluster) {
      // One bound for both steps.
      auto limit = cfg->cluster.ready_timeout;
      auto start = std::chrono::steady_clock::now();
      auto up = wait_desk_ready(sys, risk_count, "", gw_key, limit, agent);
      if (up)
        up = wait_cluster_seen_by(sys, gw_key,
                                  std::max<caf::timespan>(caf::timespan{1s},
                                                          limit - (std::chrono::steady_clock::now() - start)));
      if (!up) {
        lg->critical("node={} event=cluster_not_ready waited_s={} gateway={} detail={}",
                     cfg->node.id, limit.count(), gw_key.empty() ? cfg->node.id : gw_key,
                     log::q(up.why));
        std::cerr << ("ordermesh-node: the cluster did not come up in "
                      + std::to_string(limit.count()) + " s (gateway "
                      + (gw_key.empty() ? cfg->node.id : gw_key) + ", "
                      + std::to_string(risk_count) + " risk shards): " + up.why + "\n");
        rc = 3;
        run_demo = false;
      }
    }
    if (run_demo) {
      caf::actor gw;
      self->request(find_directory(sys), 1s, resolve_atom::value, std::string{svc::gateway},
                    gw_key)
        .receive([&](caf::actor& h) { gw = h; }, [](caf::error&) {});
      demo_options dem;
      dem.cfg = cfg->demo;
      dem.refdata = *rd;
      dem.gateway = gw;
      dem.report_to = caf::actor_cast<caf::actor>(self);
      dem.run_tag = cli.run_tag.empty() ? std::to_string(*inc) : cli.run_tag;
      spawn_demo_strategy(sys, dem);
      demo_result result;
      bool got = false;
      auto demo_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(600);
      while (!got && !node_signals::requested()
             && std::chrono::steady_clock::now() < demo_deadline)
        self->receive(
          [&](demo_result& r) {
            result = std::move(r);
            got = true;
          },
          caf::after(std::chrono::milliseconds(250)) >> [] {});
      gateway_stats gs;
      post_trade_report pt;
      self->request(caf::actor_cast<gateway_actor>(gw), 5s, stats_atom::value)
        .receive([&](gateway_stats& s) { gs = std::move(s); }, [](caf::error&) {});
      caf::actor pta;
      self->request(find_directory(sys), 1s, resolve_atom::value, std::string{svc::post_trade},
                    gw_key)
        .receive([&](caf::actor& h) { pta = h; }, [](caf::error&) {});
      if (pta)
        self->request(caf::actor_cast<post_trade_actor>(pta), 5s, stats_atom::value)
          .receive([&](post_trade_report& r) { pt = std::move(r); }, [](caf::error&) {});
      auto restarts = total_restarts(sys, root);
      // Reconciliation: what the desk reported against what each venue
      // says it executed.
      reconciliation recon;
      std::vector<std::string> unasked;
      if (got) {
        recon = reconcile_demo(self, sys, *cfg, result, unasked);
        for (auto& b : recon.breaks)
          lg->error("order_id={} event=execution_break desk_qty={} venue_qty={} venues={}",
                    to_string(b.id), to_string(b.desk_qty), to_string(b.venue_qty), b.venues);
        lg->info("event=reconciled orders={} venue_fills={} breaks={} out_of_scope={} partial={}",
                 recon.orders_compared, recon.venue_fills, recon.breaks.size(),
                 recon.out_of_scope, recon.partial);
      }
      if (!got && node_signals::requested()) {
        std::cerr << "ordermesh-node: " << node_signals::name(node_signals::requested())
                  << " during the demo; stopping\n";
      } else if (!got) {
        lg->critical("node={} event=demo_timeout waited_s=600 detail={}", cfg->node.id,
                     log::q("no demo result: the strategy neither finished nor gave up"));
        std::cerr << "ordermesh-node: the demo did not finish in 600 s\n";
        rc = 4;
      } else if (cli.json) {
        auto j = to_json(result, gs, pt, restarts, *cfg, (*rd)->version());
        j["reconciliation"] = to_json(recon, unasked);
        std::cout << j.dump(2) << "\n";
      } else {
        print_summary(result, gs, pt, restarts, *cfg, (*rd)->version());
        std::cout << "reconciliation     " << recon.orders_compared << " orders against "
                  << recon.venue_fills << " venue executions: " << recon.breaks.size()
                  << " breaks (desk " << to_string(recon.desk_qty) << ", venues "
                  << to_string(recon.venue_qty) << ")"
                  << (recon.partial ? ", PARTIAL" : "") << "\n";
        for (auto& u : unasked)
          std::cout << "  not asked: " << u << "\n";
        std::cout << "\nsupervision tree:\n" << render_tree(sys, root);
      }
      if (got && (result.overfills > 0 || result.open_at_end > 0 || result.rejects_without_reason > 0
                  || !recon.breaks.empty()))
        rc = 5;
    }
    if (rc == 0 && !node_signals::requested() && (cli.hold || !run_demo)) {
      std::cerr << "ordermesh-node: running; stop with SIGTERM/SIGINT\n";
      // A signal stops the node through its lifecycle (below) and exits 0.
      // The agent is this node's membership: if it dies the node cannot
      // see the cluster any more, so the process fails fast (exit 7) and is
      // restarted from its RocksDB like after a crash.
      if (agent)
        self->monitor(agent);
      for (bool running = true; running;) {
        self->receive(
          [&](caf::down_msg& m) {
            if (agent && m.source == agent.address()) {
              std::cerr << "ordermesh-node: the membership actor died (" << describe(m.reason)
                        << "); stopping\n";
              lg->critical("node={} event=agent_down reason={}", cfg->node.id,
                           log::q(describe(m.reason)));
              agent = nullptr;
              rt.agent_lost();
              rc = 7;
              running = false;
            }
          },
          caf::after(std::chrono::milliseconds(250)) >> [&] {
            if (node_signals::requested()) {
              running = false;
              return;
            }
            auto why = rt.refusal();
            if (!why.empty()) {
              std::cerr << "ordermesh-node: refused by the cluster: " << why << "\n";
              rc = 6;
              running = false;
            }
          });
      }
    }
    node_signals::stopping();
    if (auto sig = node_signals::requested())
      lg->warn("node={} event=shutdown signal={} rc={}", cfg->node.id, node_signals::name(sig), rc);
    else
      lg->info("node={} event=shutdown rc={}", cfg->node.id, rc);
    // Reverse start order: membership (unpublished), admin, then the tree;
    // the store actor flushes what it holds before it exits.
    rt.stop();
    // The clean stop's watermark: what the store holds now is on disk, and
    // a later start that finds less lost writes (exit 10).
    if (auto err = opened->db->sync_wal())
      lg->error("node={} event=watermark_skipped error={}", cfg->node.id, log::q(describe(err)));
    else if (auto werr = write_watermark(dir, store_watermark{*inc, opened->db->latest_sequence()}))
      lg->error("node={} event=watermark_failed error={}", cfg->node.id, log::q(describe(werr)));
    else
      lg->info("node={} event=watermark incarnation={} sequence={}", cfg->node.id, *inc,
               opened->db->latest_sequence());
    lg->info("node={} event=stopped rc={}", cfg->node.id, rc);
  }
  log::shutdown();
  return rc;
}
