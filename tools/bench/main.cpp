// ordermesh-bench: load generator and latency/throughput report.
//
// Desk run: N orders through the real in-process pipeline (gateway with its
// idempotency write, risk actor, an order actor per order, router, simulated
// venue, store actor with snapshots on), flat out or at a target rate. Orders
// come in buy/sell pairs at the same price on 8 symbols so every order fills
// (driver.hpp). Resident memory is read once the desk is idle again.
//
// Baselines, same process:
// - "baseline": bare CAF actors with the same shape as the reference
//   (an actor spawned per order, ~a dozen messages and four batched RocksDB
//   writes of the same encoded order record); `ratio` = desk / baseline.
// - "bare": the minimal bare pipeline of the desk's shape (bare.hpp), 1000
//   orders in flight, the smallest records the store API writes (112 bytes);
//   `bare_ratio` = desk / bare.
//
// Per-order counts (counted.hpp): a short pass of the same desk, and one of
// the bare pipeline, under CAF's test coordinator, counting every message,
// round trip, timer push and RocksDB call exactly.
//
// --open-orders N: N limit orders that rest at the venue; resident memory
// before and once all are acknowledged, per open order.

#include "runtime/clock.hpp"
#include "actors/cluster/membership.hpp"
#include "actors/directory/directory.hpp"
#include "actors/gateway/gateway.hpp"
#include "actors/node/desk.hpp"
#include "actors/node/lifecycle.hpp"
#include "actors/post_trade/post_trade.hpp"
#include "actors/risk/risk_actor.hpp"
#include "actors/wire/desk_types.hpp"
#include "runtime/config/references.hpp"
#include "runtime/log/log.hpp"
#include "runtime/store/store.hpp"
#include "tools/bench/bare.hpp"
#include "tools/bench/counted.hpp"
#include "tools/bench/driver.hpp"
#include "tools/bench/metrics_cost.hpp"
#include "tools/bench/rss.hpp"

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <thread>
#include <unistd.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <fstream>
#include <sstream>

using namespace om;
using namespace om::bench;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {


struct pct {
  double p50 = 0, p99 = 0, p999 = 0;
  size_t n = 0;
};

pct percentiles(std::vector<int64_t> v) {
  pct out;
  out.n = v.size();
  if (v.empty())
    return out;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    return static_cast<double>(v[static_cast<size_t>(q * static_cast<double>(v.size() - 1))]) / 1000.0;
  };
  out.p50 = at(0.5);
  out.p99 = at(0.99);
  out.p999 = at(0.999);
  return out;
}

// -- baseline -------------------------------------------------------------------

using bl_ask = caf::atom_constant<caf::atom("om_blask")>;
using bl_done = caf::atom_constant<caf::atom("om_bldone")>;

/// A peer that answers one request (stands in for risk and router).
caf::behavior bl_peer() {
  return {[](bl_ask, uint64_t x) { return x; }};
}

/// Stands in for a venue: acknowledges and fills each order (two messages).
caf::behavior bl_venue() {
  return {[](bl_ask, uint64_t id, caf::actor to) {
    caf::anon_send(to, bl_done::value, id, false);
    caf::anon_send(to, bl_done::value, id, true);
  }};
}

/// One actor per order: 4 batched writes, 2 request/response pairs, a venue
/// round (2 messages back), a completion message.
caf::behavior bl_order(caf::event_based_actor* self, uint64_t id, caf::actor db, caf::actor risk,
                       caf::actor router, caf::actor venue, caf::actor driver) {
  auto write = [self, db, id](std::function<void()> then) {
    self->request(db, caf::infinite, bench::store_put_atom::value, id * 4 + 0).then([then](uint64_t) { then(); });
  };
  write([=] {
    self->request(risk, caf::infinite, bl_ask::value, id).then([=](uint64_t) {
      self->request(router, caf::infinite, bl_ask::value, id).then([=](uint64_t) {
        write([=] { caf::anon_send(venue, bl_ask::value, id, caf::actor_cast<caf::actor>(self)); });
      });
    });
  });
  return {[=](bl_done, uint64_t, bool filled) {
    write([=] {
      if (filled) {
        caf::anon_send(driver, bl_done::value, id, true);
        self->quit();
      }
    });
  }};
}

/// `remote_risk` / `remote_venue`: stand-ins in another process (cross-node
/// baseline); local ones otherwise.
double run_baseline(caf::actor_system& sys, std::shared_ptr<store> db, uint64_t n,
                    const order_snapshot& sample, caf::actor remote_risk = {},
                    caf::actor remote_venue = {}) {
  caf::scoped_actor self{sys};
  auto st = bench::spawn_group_commit_store(sys, db, "baseline",
                                            [sample](write_batch& b, uint64_t key, fence f) {
                                              b.put(u64_key(key), f, sample, 0);
                                            });
  auto risk = remote_risk ? remote_risk : sys.spawn(bl_peer);
  auto router = sys.spawn(bl_peer);
  auto venue = remote_venue ? remote_venue : sys.spawn(bl_venue);
  auto me = caf::actor_cast<caf::actor>(self);
  auto t0 = wall_ns();
  for (uint64_t i = 0; i < n; ++i)
    sys.spawn(bl_order, i, st, risk, router, venue, me);
  uint64_t done = 0;
  self->receive_while([&] { return done < n; })([&](bl_done, uint64_t, bool) { ++done; });
  auto secs = static_cast<double>(wall_ns() - t0) / 1e9;
  for (auto& a : {st, router})
    self->send_exit(a, caf::exit_reason::user_shutdown);
  if (!remote_risk)
    self->send_exit(risk, caf::exit_reason::user_shutdown);
  if (!remote_venue)
    self->send_exit(venue, caf::exit_reason::user_shutdown);
  return static_cast<double>(n) / secs;
}

// -- cross-node -------------------------------------------------------------------

/// Bare-CAF remote messaging: request/response round trips to the peer
/// node's agent (a trivial handler) with `window` in flight, no timeouts.
struct pinger_state {
  uint64_t n = 0, sent = 0, done = 0;
  membership_actor peer;
  caf::actor report_to;
};

using pinger_ptr = caf::stateful_actor<pinger_state>*;

void ping_once(pinger_ptr p) {
  ++p->state.sent;
  p->request(p->state.peer, caf::infinite, ping_atom::value, int64_t{0}).then([p](int64_t) {
    auto& st = p->state;
    if (++st.done == st.n) {
      p->send(st.report_to, bl_done::value, st.done, true);
      p->quit();
      return;
    }
    if (st.sent < st.n)
      ping_once(p);
  });
}

double run_remote_baseline(caf::actor_system& sys, const membership_actor& peer, uint64_t n,
                           uint64_t window) {
  caf::scoped_actor self{sys};
  auto me = caf::actor_cast<caf::actor>(self);
  auto t0 = wall_ns();
  sys.spawn([peer, n, window, me](pinger_ptr p) -> caf::behavior {
    p->state.n = n;
    p->state.peer = peer;
    p->state.report_to = me;
    for (uint64_t i = 0; i < std::min(window, n); ++i)
      ping_once(p);
    return {[](int) {}};
  });
  self->receive([](bl_done, uint64_t, bool) {},
                caf::after(std::chrono::seconds(300)) >> [] {
                  std::cerr << "ordermesh-bench: remote baseline timed out\n";
                  std::exit(3);
                });
  auto secs = static_cast<double>(wall_ns() - t0) / 1e9;
  return static_cast<double>(n) / secs;
}

uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0
      || ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0)
      ::close(fd);
    return 0;
  }
  auto port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

std::string exe_dir() {
  char self_path[4096];
  auto len = ::readlink("/proc/self/exe", self_path, sizeof self_path - 1);
  if (len <= 0)
    return ".";
  self_path[len] = 0;
  return fs::path{self_path}.parent_path().string();
}

/// Runs `argv` (argv[0] = program path) with stderr to `log_path`; its pid.
pid_t spawn_process(std::vector<std::string> argv, const std::string& log_path) {
  auto pid = ::fork();
  if (pid == 0) {
    int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int devnull = ::open("/dev/null", O_WRONLY);
    if (fd >= 0)
      ::dup2(fd, 2);
    if (devnull >= 0)
      ::dup2(devnull, 1);
    std::vector<char*> args;
    for (auto& a : argv)
      args.push_back(a.data());
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    std::_Exit(127);
  }
  return pid;
}

/// Stops a process this bench started (by pid) and reaps it; pid becomes -1.
void stop_process(pid_t& pid, int sig) {
  if (pid <= 0)
    return;
  ::kill(pid, sig);
  ::waitpid(pid, nullptr, 0);
  pid = -1;
}

/// The order record the baselines write (an order snapshot like the desk's).
order_snapshot baseline_sample(const std::string& refdata_version) {
  order_snapshot s;
  s.id = order_id::make(1, 1);
  s.clordid = client_order_id{"123456"};
  s.strategy = strategy_id{"bench"};
  s.instrument = instrument_id{"AAPL.XNAS"};
  s.symbol_as_sent = "AAPL.XNAS";
  s.refdata_version = refdata_version;
  return s;
}

/// Starts `ordermesh-node --node b2` (next to this binary); returns its pid.
pid_t start_peer(const std::string& config, const std::string& data_dir) {
  return spawn_process({exe_dir() + "/ordermesh-node", "--config", config, "--node", "b2",
                        "--hold", "--data-dir", data_dir + "/b2"},
                       data_dir + "/b2.log");
}

/// Peer process of the order-shaped remote baseline: the risk and venue
/// stand-ins, published on two ports, until killed.
int serve_baseline(uint16_t risk_port, uint16_t venue_port) {
  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  cfg.set("scheduler.policy", caf::atom("sharing"));
  cfg.set("scheduler.max-threads", static_cast<size_t>(std::max(1u, std::thread::hardware_concurrency())));
  cfg.set("middleman.workers", size_t{0});
  cfg.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system sys{cfg};
  auto risk = sys.spawn(bl_peer);
  auto venue = sys.spawn(bl_venue);
  if (!sys.middleman().publish(risk, risk_port, "127.0.0.1", true)
      || !sys.middleman().publish(venue, venue_port, "127.0.0.1", true)) {
    std::cerr << "ordermesh-bench: baseline peer cannot listen\n";
    std::_Exit(3);
  }
  std::cerr << "ordermesh-bench: baseline peer ready\n";
  for (;;)
    std::this_thread::sleep_for(std::chrono::seconds(1));
}

/// Connects to a published actor, retrying while the peer starts.
caf::actor connect_to(caf::actor_system& sys, uint16_t port) {
  for (int i = 0; i < 200; ++i) {
    auto h = sys.middleman().remote_actor("127.0.0.1", port);
    if (h)
      return *h;
    std::this_thread::sleep_for(50ms);
  }
  return {};
}

/// The instruments the desk runs cycle through.
std::vector<std::string> bench_symbols() {
  return {"AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "JPM", "XOM"};
}

/// RocksDB calls of this process since construction (om::io_counters()).
struct io_delta {
  uint64_t writes, records, reads, scans;
  io_delta() {
    auto& c = io_counters();
    writes = c.writes.load();
    records = c.records.load();
    reads = c.reads.load();
    scans = c.scans.load();
  }
  nlohmann::json per_order(uint64_t n) const {
    io_delta now;
    auto per = [n](uint64_t x) { return n ? static_cast<double>(x) / static_cast<double>(n) : 0.0; };
    return {{"writes_per_order", per(now.writes - writes)},
            {"records_per_order", per(now.records - records)},
            {"reads_per_order", per(now.reads - reads)},
            {"scans_per_order", per(now.scans - scans)}};
  }
};

/// Per-order figures of a counted pass.
nlohmann::json per_order(const pass_counts& p) {
  auto n = static_cast<double>(p.orders ? p.orders : 1);
  auto per = [n](uint64_t x) { return static_cast<double>(x) / n; };
  nlohmann::json j{{"messages_per_order", per(p.messages)},
                   {"round_trips_per_order", per(p.responses)},
                   {"writes_per_order", per(p.writes)},
                   {"records_per_order", per(p.records)},
                   {"reads_per_order", per(p.reads)},
                   {"scans_per_order", per(p.scans)},
                   {"timer_pushes_per_order", per(p.timer_pushes)},
                   {"timer_pushes_by_kind",
                    {{"delayed_send", per(p.timer_pushes_delayed_send)},
                     {"request_timeout", per(p.timer_pushes_request_timeout)},
                     {"receive_timeout", per(p.timer_pushes_receive_timeout)}}},
                   {"timer_cancels_per_order", per(p.timer_cancels)},
                   {"spawns_per_order", per(p.spawns)},
                   {"orders", p.orders},
                   {"window", p.window},
                   {"messages", p.messages},
                   {"round_trips", p.responses},
                   {"timer_pushes", p.timer_pushes},
                   {"time_advances", p.time_advances}};
  if (!p.ok)
    j["error"] = p.error;
  return j;
}

/// Waits (up to 10 s) until the gateway has no live order left.
uint64_t wait_idle(caf::scoped_actor& self, const caf::actor& gw) {
  uint64_t live = 1;
  for (int i = 0; i < 1000 && live > 0; ++i) {
    self->request(caf::actor_cast<gateway_actor>(gw), 5s, stats_atom::value)
      .receive([&](gateway_stats& s) { live = s.live; }, [](caf::error&) {});
    if (live > 0)
      std::this_thread::sleep_for(10ms);
  }
  return live;
}

/// --open-orders: `n` resting orders, `window` in flight; fills `out`.
bool measure_open_orders(caf::actor_system& sys, caf::scoped_actor& self, const caf::actor& gw,
                         const std::vector<const instrument*>& insts, uint64_t n, uint64_t window,
                         nlohmann::json& out) {
  driver_options d;
  d.insts = insts;
  d.gateway = gw;
  d.report_to = caf::actor_cast<caf::actor>(self);
  d.orders = n;
  d.window = window;
  d.mix = order_mix::resting;
  d.record_latency = false; // the driver keeps nothing per order
  auto before = rss_bytes();
  auto drv = spawn_driver(sys, std::move(d));
  self->send(drv, go_atom::value);
  driver_result res;
  bool ok = false;
  self->receive([&](driver_result& r) { res = std::move(r), ok = true; },
                caf::after(std::chrono::seconds(1200)) >> [] {});
  if (!ok) {
    std::cerr << "ordermesh-bench: open orders timed out\n";
    return false;
  }
  // Acknowledged means durable at the venue and in the store; let the last
  // messages (bindings, post-trade samples) land before reading.
  std::this_thread::sleep_for(300ms);
  auto open = rss_bytes();
  gateway_stats gs;
  self->request(caf::actor_cast<gateway_actor>(gw), 10s, stats_atom::value)
    .receive([&](gateway_stats& s) { gs = std::move(s); }, [](caf::error&) {});
  auto secs = static_cast<double>(res.end_ns - res.start_ns) / 1e9;
  out["mode"] = "open_orders";
  out["open_orders"] = n;
  out["window"] = window;
  out["acknowledged"] = res.acknowledged;
  out["other_terminal"] = res.other_terminal;
  out["unexpected_fills"] = res.unexpected_fills;
  out["live_at_gateway"] = gs.live;
  out["open_orders_per_s"] = static_cast<double>(n) / secs;
  out["rss_before_mb"] = static_cast<double>(before) / (1024.0 * 1024.0);
  out["rss_open_mb"] = static_cast<double>(open) / (1024.0 * 1024.0);
  out["bytes_per_open_order"] =
    (static_cast<double>(open) - static_cast<double>(before)) / static_cast<double>(n);
  out["resting_offset_bps"] = 300;
  return true;
}

void print_open_orders(const nlohmann::json& out, bool json) {
  if (json) {
    std::cout << out.dump() << "\n";
    return;
  }
  if (!out.contains("bytes_per_open_order"))
    return;
  char line[200];
  std::snprintf(line, sizeof line, "%.1f MB before, %.1f MB with the orders open: %.0f bytes",
                out["rss_before_mb"].get<double>(), out["rss_open_mb"].get<double>(),
                out["bytes_per_open_order"].get<double>());
  std::cout << "ordermesh-bench: " << out["open_orders"] << " resting orders, " << out["window"]
            << " in flight\n";
  std::cout << "  acknowledged " << out["acknowledged"] << ", other terminal "
            << out["other_terminal"] << ", unexpected fills " << out["unexpected_fills"] << "\n";
  std::cout << "  resident memory: " << line << " per open order\n";
}

} // namespace

int main(int argc, char** argv) {
  uint64_t orders = 50000;
  uint32_t rate = 0;
  uint64_t window = 0;
  bool json = false;
  bool skip_baseline = false;
  bool baseline_only = false;
  std::string config = "config/bench.toml";
  std::string data_dir;
  CLI::App app{"ordermesh benchmark"};
  app.add_option("--orders,-n", orders, "orders to send (even)");
  app.add_option("--rate,-r", rate, "orders per second; 0 = flat out");
  app.add_option("--window,-w", window, "flat out: at most this many orders in flight (0 = all at once)");
  app.add_option("--config,-c", config, "node configuration");
  app.add_option("--data-dir", data_dir, "where to put the RocksDB (default: a temp dir)");
  app.add_flag("--json", json, "print one JSON object");
  app.add_flag("--skip-baseline", skip_baseline, "do not run the bare-CAF baseline");
  app.add_flag("--baseline-only", baseline_only, "run only the bare-CAF baseline");
  uint64_t open_orders = 0;
  app.add_option("--open-orders", open_orders,
                 "instead of the run: N limit orders resting at the venue, resident memory "
                 "per open order (window: -w, default 1000)");
  bool skip_counts = false;
  unsigned metrics_pairs = 0;
  unsigned scrape_ms = 100;
  app.add_option("--metrics-pairs", metrics_pairs,
                 "after the desk run: this many pairs of runs unscraped / scraped over HTTP "
                 "(metrics cost; 0 = skip)");
  app.add_option("--scrape-ms", scrape_ms, "--metrics-pairs: scrape interval (ms)")
    ->check(CLI::Range(1, 60000));
  app.add_flag("--skip-counts", skip_counts, "do not run the counted passes (per-order counts)");
  uint64_t count_orders = 500;
  app.add_option("--count-orders", count_orders,
                 "orders of the counted desk pass (100 in flight; default 500)");
  bool cross_node = false;
  std::vector<uint16_t> serve_ports;
  app.add_option("--serve-baseline", serve_ports,
                 "internal: run the cross-node baseline's peer on RISK_PORT VENUE_PORT")
    ->expected(2);
  app.add_flag("--cross-node", cross_node,
               "gateway here, risk and venue in a second process (config/bench-cluster.toml)");
  CLI11_PARSE(app, argc, argv);
  if (serve_ports.size() == 2)
    return serve_baseline(serve_ports[0], serve_ports[1]);
  orders += orders % 2;
  count_orders += count_orders % 2;
  if (open_orders > 0 && cross_node) {
    std::cerr << "ordermesh-bench: --open-orders is a single-node mode\n";
    return 2;
  }
  if (cross_node && app.count("--config") == 0)
    config = "config/bench-cluster.toml";
  if (data_dir.empty())
    data_dir = (fs::temp_directory_path() / ("ordermesh-bench-" + std::to_string(::getpid()))).string();
  // The bench's stores are scratch: it clears and removes only a directory
  // it made (marked), never one holding anything else.
  const auto marker = fs::path{data_dir} / ".ordermesh-bench";
  {
    std::error_code ec;
    bool exists = fs::exists(data_dir, ec);
    if (exists && !fs::is_directory(data_dir, ec)) {
      std::cerr << "ordermesh-bench: --data-dir " << data_dir << " is not a directory\n";
      return 2;
    }
    if (exists && !fs::is_empty(data_dir, ec) && !fs::exists(marker, ec)) {
      std::cerr << "ordermesh-bench: --data-dir " << data_dir
                << " is not empty and not a bench directory: refusing to clear it\n";
      return 2;
    }
  }
  fs::remove_all(data_dir);
  fs::create_directories(data_dir);
  std::ofstream{marker} << "ordermesh-bench scratch stores; removed at the end of a run\n";
  // Removed on every way out of main (the early returns included).
  struct scratch_guard {
    std::string dir;
    ~scratch_guard() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } scratch{data_dir};
  pid_t peer_pid = -1;
  if (cross_node) {
    // Two free ports written into a copy of the cluster file.
    std::ifstream in{config};
    if (!in) {
      std::cerr << "ordermesh-bench: cannot read " << config << "\n";
      return 2;
    }
    std::stringstream buf;
    buf << in.rdbuf();
    auto text = buf.str();
    for (auto [from, to] : {std::pair{"port = 7201", free_port()}, std::pair{"port = 7202", free_port()}}) {
      auto i = text.find(from);
      if (i == std::string::npos || to == 0) {
        std::cerr << "ordermesh-bench: " << config << " must name ports 7201 and 7202\n";
        return 2;
      }
      text.replace(i, std::string{from}.size(), "port = " + std::to_string(to));
    }
    config = data_dir + "/cluster.toml";
    std::ofstream{config} << text;
  }

  auto cfg = load_node_config(config);
  if (!cfg) {
    std::cerr << "ordermesh-bench: " << describe(cfg.error()) << "\n";
    return 2;
  }
  if (cross_node) {
    if (auto err = select_node(*cfg, "b1")) {
      std::cerr << "ordermesh-bench: " << describe(err) << "\n";
      return 2;
    }
    peer_pid = start_peer(config, data_dir);
    if (peer_pid <= 0) {
      std::cerr << "ordermesh-bench: cannot start ordermesh-node for b2\n";
      return 2;
    }
  }
  auto stop_peer = [&] { stop_process(peer_pid, SIGTERM); };
  // State of this run (RocksDB, FIX session stores) lives in the run's dir.
  cfg->node.data_dir = (fs::path{data_dir} / "node").string();
  log::init(cfg->log);
  auto rd = load_refdata_file(cfg->node.refdata);
  if (!rd) {
    std::cerr << "ordermesh-bench: " << describe(rd.error()) << "\n";
    stop_peer();
    return 2;
  }
  if (auto err = check_references(*cfg, **rd)) {
    std::cerr << "ordermesh-bench: " << describe(err) << "\n";
    stop_peer();
    return 2;
  }
  // The desk runs through the node lifecycle (actors/node/lifecycle.hpp),
  // like ordermesh-node.
  auto db = open_node_store(data_dir + "/db");
  auto bl_db = store::open(store_options{data_dir + "/baseline"});
  auto bare_db = store::open(store_options{data_dir + "/bare"});
  if (!db || !bl_db || !bare_db) {
    std::cerr << "ordermesh-bench: cannot open the stores in " << data_dir << "\n";
    return 2;
  }
  caf::actor_system_config sys_cfg;
  auto threads = cfg->node.scheduler_threads ? cfg->node.scheduler_threads
                                             : std::max(1u, std::thread::hardware_concurrency());
  configure_node_system(sys_cfg, *cfg, node_publishes(*cfg));
  nlohmann::json out;
  {
    caf::actor_system sys{sys_cfg};
    if (baseline_only) {
      order_snapshot sample;
      sample.id = order_id::make(1, 1);
      auto bl = run_baseline(sys, *bl_db, orders, sample);
      std::cout << "baseline: " << bl << " orders/s\n";
      auto bare = run_bare(sys, bare_options{*bare_db, orders, 1000});
      std::cout << "bare: " << bare << " orders/s (" << bare_shape() << ")\n";
      return 0;
    }
    auto refdata = std::make_shared<refdata_service>(*rd);
    node_runtime node{sys, desk_options{*cfg, refdata, db->db, db->incarnation}};
    caf::scoped_actor self{sys};
    if (auto err = node.start()) {
      std::cerr << "ordermesh-bench: " << describe(err) << "\n";
      stop_peer();
      return 3;
    }
    // Ready: the risk actors restored and the gateway registered.
    caf::actor gw;
    auto ready = node.wait_ready(30s);
    if (ready)
      ready = node.wait_venue_sessions(10s); // FIX venues (config/bench-fix.toml)
    if (!ready)
      std::cerr << "ordermesh-bench: the desk did not become ready in 30 s: " << ready.why << "\n";
    else
      self->request(find_directory(sys), 1s, resolve_atom::value, std::string{svc::gateway},
                    std::string{})
        .receive([&](caf::actor& h) { gw = h; }, [](caf::error&) {});
    std::vector<const instrument*> insts;
    for (auto& s : bench_symbols())
      insts.push_back(*(*rd)->resolve(s));
    if (!gw) {
      std::cerr << "ordermesh-bench: no gateway\n";
      stop_peer();
      return 3;
    }
    if (cross_node) {
      // Ready when b2's risk shards (restored) and venue are in our directory.
      bool ready = false;
      for (int tries = 0; tries < 600 && !ready; ++tries) {
        std::this_thread::sleep_for(50ms);
        size_t ok = 0;
        for (auto* inst : insts)
          self->request(find_directory(sys), 1s, resolve_atom::value, std::string{svc::risk},
                        inst->id.value)
            .receive(
              [&](caf::actor& h) {
                self->request(caf::actor_cast<risk_actor>(h), 2s, get_state_atom::value)
                  .receive([&](bool r) { ok += r ? 1 : 0; }, [](caf::error&) {});
              },
              [](caf::error&) {});
        bool venue = false;
        self->request(find_directory(sys), 1s, resolve_atom::value, std::string{svc::venue},
                      std::string{"BENCHX"})
          .receive([&](caf::actor&) { venue = true; }, [](caf::error&) {});
        ready = venue && ok == insts.size();
      }
      if (!ready) {
        std::cerr << "ordermesh-bench: node b2 did not join in 30 s (log: " << data_dir
                  << "/b2.log)\n";
        stop_peer();
        return 3;
      }
    }
    if (open_orders > 0) {
      bool ok = measure_open_orders(sys, self, gw, insts, open_orders, window ? window : 1000, out);
      node.stop();
      print_open_orders(out, json);
      return ok ? 0 : 3;
    }
    driver_options dopts;
    dopts.insts = insts;
    dopts.gateway = gw;
    dopts.report_to = caf::actor_cast<caf::actor>(self);
    dopts.orders = orders;
    dopts.rate = rate;
    dopts.window = window;
    // The run always ends: 5 s without progress cancels what still rests.
    dopts.settle = 5s;
    io_delta timed_io;
    auto d = spawn_driver(sys, dopts); // a copy: --metrics-pairs reuses dopts
    self->send(d, go_atom::value);
    driver_result res;
    bool got = false;
    // A last resort only: the driver reports on its own within its bound.
    self->receive([&](driver_result& r) { res = std::move(r); got = true; },
                  caf::after(std::chrono::seconds(900)) >> [] {});
    if (!got) {
      std::cerr << "ordermesh-bench: the driver did not report in 900 s\n";
      node.stop();
      stop_peer();
      return 3;
    }
    auto secs = static_cast<double>(res.end_ns - res.start_ns) / 1e9;
    auto ops = static_cast<double>(orders) / secs;
    // Idle again: every order actor gone (their last writes included).
    auto live = wait_idle(self, gw);
    out["timed_io"] = timed_io.per_order(orders);
    out["rss_end_mb"] = rss_mb();
    if (live > 0)
      out["live_at_rss_end"] = live;
    gateway_stats gs;
    self->request(caf::actor_cast<gateway_actor>(gw), 5s, stats_atom::value)
      .receive([&](gateway_stats& s) { gs = std::move(s); }, [](caf::error&) {});
    post_trade_report pt;
    caf::actor pta;
    self->request(find_directory(sys), 1s, resolve_atom::value, std::string{svc::post_trade},
                  std::string{})
      .receive([&](caf::actor& h) { pta = h; }, [](caf::error&) {});
    self->request(caf::actor_cast<post_trade_actor>(pta), 10s, stats_atom::value)
      .receive([&](post_trade_report& r) { pt = std::move(r); }, [](caf::error&) {});
    out["orders"] = orders;
    out["target_rate"] = rate;
    out["window"] = window;
    out["threads"] = threads;
    out["elapsed_s"] = secs;
    out["orders_per_s"] = ops;
    out["filled"] = res.filled;
    out["other_terminal"] = res.other_terminal;
    out["rejects"] = res.rejects;
    out["resting_canceled"] = res.resting_canceled;
    out["unanswered"] = res.unanswered;
    out["complete"] = res.complete;
    auto stage = [&](const char* name, const pct& p) {
      out["stages"][name] = {{"p50_us", p.p50}, {"p99_us", p.p99}, {"p999_us", p.p999}, {"n", p.n}};
    };
    stage("submit->accepted", percentiles(res.to_accepted));
    for (auto& s : pt.stages) {
      std::string name = s.from + "->" + s.to;
      if (name == "received->risk_checked" || name == "risk_checked->routed"
          || name == "routed->sent_to_venue" || name == "sent_to_venue->venue_acked"
          || name == "received->venue_acked" || name == "received->done")
        out["stages"][name] = {{"p50_us", s.p50_us}, {"p99_us", s.p99_us}, {"p999_us", s.p999_us}, {"n", s.samples}};
    }
    stage("submit->acknowledged", percentiles(res.to_acked));
    stage("submit->filled", percentiles(res.to_filled));
    out["risk_round_trip"] = {{"p50_us", gs.risk_rtt_p50_us}, {"p99_us", gs.risk_rtt_p99_us}};
    out["risk_check_in_actor"] = {{"p50_us", gs.risk_check_p50_us}, {"p99_us", gs.risk_check_p99_us}};
    if (metrics_pairs > 0 && !cross_node) {
      bench::metrics_cost_options mc;
      mc.driver = dopts;
      mc.collector = node.metrics();
      mc.pairs = metrics_pairs;
      mc.scrape_ms = scrape_ms;
      mc.clordid_base = orders;
      mc.wait_idle = [&] { wait_idle(self, gw); };
      out["metrics_cost"] = bench::measure_metrics_cost(sys, self, std::move(mc));
    }
    if (cross_node) {
      out["mode"] = "cross_node";
      out["remote_messages_per_order"] = 6;
      if (!skip_baseline) {
        caf::actor peer_agent;
        self->request(find_directory(sys), 1s, resolve_atom::value, std::string{svc::membership},
                      std::string{"b2"})
          .receive([&](caf::actor& h) { peer_agent = h; }, [](caf::error&) {});
        auto w = window ? window : 100;
        auto rt = run_remote_baseline(sys, typed_entry<membership_actor>(peer_agent), orders,
                                      w);
        out["remote_round_trips_per_s"] = rt;
        // Order-shaped: the single-node baseline with its risk and venue
        // stand-ins in another process (5 remote messages per order, the
        // order actor's handle crossing to the venue like the desk's).
        auto rport = free_port(), vport = free_port();
        auto bl_pid = spawn_process({exe_dir() + "/ordermesh-bench", "--serve-baseline",
                                     std::to_string(rport), std::to_string(vport)},
                                    data_dir + "/baseline-peer.log");
        auto rrisk = connect_to(sys, rport);
        auto rvenue = connect_to(sys, vport);
        if (!rrisk || !rvenue) {
          std::cerr << "ordermesh-bench: the baseline peer did not come up\n";
        } else {
          auto bl = run_baseline(sys, *bl_db, orders, baseline_sample((*rd)->version()), rrisk,
                                 rvenue);
          out["baseline_orders_per_s"] = bl;
          out["ratio"] = ops / bl;
          out["baseline_shape"] = "spawn + 15 messages (5 remote: risk ask/answer, venue order/ack/fill) "
                                  "+ 4 batched RocksDB writes per order";
        }
        stop_process(bl_pid, SIGKILL);
      }
    }
    node.stop();
    stop_peer();
    if (!skip_baseline && !cross_node) {
      // The record the desk writes most: a filled order's snapshot.
      auto sample = baseline_sample((*rd)->version());
      sample.children.push_back(child_order{venue_id{"BENCHX"}, "BENCHX-1", quantity::from_units(100),
                                            quantity::from_units(100), ord_status::filled, 3});
      auto bl = run_baseline(sys, *bl_db, orders, sample);
      out["baseline_orders_per_s"] = bl;
      out["ratio"] = ops / bl;
      out["baseline_shape"] = "spawn + 15 messages + 4 batched RocksDB writes per order";
      // The minimal bare pipeline, its own window.
      io_delta bare_io;
      auto bare = run_bare(sys, bare_options{*bare_db, orders, 1000});
      out["bare_timed_io"] = bare_io.per_order(orders);
      out["bare_orders_per_s"] = bare;
      out["bare_ratio"] = ops / bare;
      out["bare_window"] = 1000;
      out["bare_record_bytes"] = bare_record_bytes();
      out["bare_shape"] = bare_shape();
    }
  }
  // Counted passes, each in its own test-coordinator actor system and
  // RocksDB, after the timed runs (the I/O counters are process-wide).
  if (!cross_node && !skip_counts) {
    counted_desk_options co;
    co.cfg = *cfg;
    co.refdata = *rd;
    co.symbols = bench_symbols();
    co.data_dir = data_dir + "/counted-desk";
    co.orders = count_orders;
    co.window = 100;
    pass_counts warm;
    auto dc = count_desk(co, &warm);
    if (!dc.ok)
      std::cerr << "ordermesh-bench: counted desk pass: " << dc.error << "\n";
    auto j = per_order(dc);
    j["warmup"] = per_order(warm);
    for (auto k : {"messages_per_order", "round_trips_per_order", "writes_per_order",
                   "records_per_order", "reads_per_order", "timer_pushes_per_order"})
      out[k] = j[k];
    out["counts"] = j;
    if (!skip_baseline) {
      auto bc = count_bare(data_dir + "/counted-bare", 2000, 1000);
      if (!bc.ok)
        std::cerr << "ordermesh-bench: counted bare pass: " << bc.error << "\n";
      out["bare_counts"] = per_order(bc);
    }
  }
  log::shutdown();
  if (json) {
    std::cout << out.dump() << "\n";
    return 0;
  }
  auto f = [](double x) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f", x);
    return std::string{b};
  };
  std::cout << "ordermesh-bench: " << orders << " orders, "
            << (rate ? std::to_string(rate) + "/s target" : std::string{"flat out"}) << ", "
            << out["threads"] << " scheduler threads\n";
  std::cout << "  desk:     " << f(out["orders_per_s"]) << " orders/s (" << out["filled"]
            << " filled)\n";
  if (out.contains("complete")) {
    std::cout << "  outcomes: " << out["filled"] << " filled, " << out["other_terminal"]
              << " other terminal, " << out["resting_canceled"]
              << " resting (canceled at the end), " << out["unanswered"] << " unanswered\n";
    for (auto& [k, v] : out["rejects"].items())
      std::cout << "    rejected " << k << ": " << v << "\n";
    if (!out["complete"].get<bool>())
      std::cout << "  INCOMPLETE: some orders never finished on their own; the figures above "
                   "include the end-of-run wait\n";
  }
  if (out.contains("remote_round_trips_per_s"))
    std::cout << "  remote:   " << f(out["remote_round_trips_per_s"])
              << " bare-CAF request/response round trips/s between the two processes\n";
  if (out.contains("baseline_orders_per_s"))
    std::cout << "  baseline: " << f(out["baseline_orders_per_s"]) << " orders/s ("
              << out["baseline_shape"].get<std::string>() << "), ratio "
              << f(out["ratio"].get<double>() * 100) << "%\n";
  if (out.contains("bare_orders_per_s"))
    std::cout << "  bare:     " << f(out["bare_orders_per_s"]) << " orders/s ("
              << out["bare_shape"].get<std::string>() << ", " << out["bare_window"]
              << " in flight), bare_ratio " << f(out["bare_ratio"].get<double>() * 100) << "%\n";
  if (out.contains("metrics_cost")) {
    auto& m = out["metrics_cost"];
    if (m.contains("error"))
      std::cout << "  metrics:  " << m["error"].get<std::string>() << "\n";
    else
      std::cout << "  metrics:  scraped every " << m["scrape_every_ms"] << " ms: "
                << f(m["scraped_median"]) << " orders/s against " << f(m["unscraped_median"])
                << " unscraped (medians of " << m["pairs"] << " pairs of " << m["orders_per_run"]
                << " orders), ratio " << f(m["ratio"].get<double>() * 100) << "%; "
                << m["scrapes"] << " scrapes, " << m["scrape_failures"] << " failed, mean "
                << f(m["scrape_mean_ms"]) << " ms, " << m["scrape_bytes"] << " bytes\n";
  }
  auto counts_line = [&](const char* who, const nlohmann::json& c) {
    char line[320];
    std::snprintf(line, sizeof line,
                  "  %-13s %6.2f messages, %5.2f round trips, %5.3f writes (%5.2f records), "
                  "%5.2f reads, %5.2f timer pushes per order (%llu orders counted)\n",
                  who, c["messages_per_order"].get<double>(), c["round_trips_per_order"].get<double>(),
                  c["writes_per_order"].get<double>(), c["records_per_order"].get<double>(),
                  c["reads_per_order"].get<double>(), c["timer_pushes_per_order"].get<double>(),
                  static_cast<unsigned long long>(c["orders"].get<uint64_t>()));
    std::cout << line;
  };
  if (out.contains("counts"))
    counts_line("counted desk:", out["counts"]);
  if (out.contains("bare_counts"))
    counts_line("counted bare:", out["bare_counts"]);
  if (out.contains("timed_io")) {
    char line[200];
    auto& t = out["timed_io"];
    std::snprintf(line, sizeof line,
                  "  timed desk:   %.2f writes (%.2f records), %.2f reads per order; resident "
                  "memory at the end %.1f MB\n",
                  t["writes_per_order"].get<double>(), t["records_per_order"].get<double>(),
                  t["reads_per_order"].get<double>(), out["rss_end_mb"].get<double>());
    std::cout << line;
  }
  std::cout << "  latency (us)                 p50      p99    p99.9\n";
  for (auto& [k, v] : out["stages"].items()) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-26s %8.1f %8.1f %8.1f\n", k.c_str(), v["p50_us"].get<double>(),
                  v["p99_us"].get<double>(), v["p999_us"].get<double>());
    std::cout << line;
  }
  std::cout << "  risk round trip p50 " << f(out["risk_round_trip"]["p50_us"]) << " us, p99 "
            << f(out["risk_round_trip"]["p99_us"]) << " us; inside the risk actor p99 "
            << f(out["risk_check_in_actor"]["p99_us"]) << " us\n";
  return 0;
}
