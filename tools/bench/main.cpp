// ordermesh-bench: load generator and latency/throughput report.
//
// Desk run: N orders through the real in-process pipeline (gateway with its
// idempotency write, risk actor, an order actor per order, router, simulated
// venue, store actor with snapshots on), flat out or at a target rate. Orders
// come in buy/sell pairs at the same price on 8 symbols so every order fills.
//
// Baseline run, same process: bare CAF actors with the same shape as the
// issue's reference (an actor spawned per order, ~a dozen messages and four
// batched RocksDB writes of the same encoded order record), so the ratio
// shows what the desk's logic costs on top of the framework.

#include "runtime/clock.hpp"
#include "actors/cluster/node_agent.hpp"
#include "actors/directory/directory.hpp"
#include "actors/gateway/gateway.hpp"
#include "actors/node/desk.hpp"
#include "actors/post_trade/post_trade.hpp"
#include "actors/risk/risk_actor.hpp"
#include "actors/wire/desk_types.hpp"
#include "runtime/log/log.hpp"
#include "runtime/store/store.hpp"

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

// -- desk driver ---------------------------------------------------------------

using go_atom = caf::atom_constant<caf::atom("om_bgo")>;
using tick2_atom = caf::atom_constant<caf::atom("om_btick")>;

struct driver_result {
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  uint64_t filled = 0;
  uint64_t other_terminal = 0;
  std::vector<int64_t> to_accepted, to_acked, to_filled;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, driver_result& x) {
    return f(caf::meta::type_name("bench.driver_result"), x.start_ns, x.end_ns, x.filled,
             x.other_terminal, x.to_accepted, x.to_acked, x.to_filled);
  }
};

struct driver_state {
  std::vector<const instrument*> insts;
  caf::actor gateway;
  caf::actor report_to;
  uint64_t n = 0, sent = 0, done = 0;
  uint32_t rate = 0;
  uint64_t window = 0; // max orders in flight when flat out; 0 = no limit
  double credit = 0;
  int64_t last_tick_ns = 0;
  std::vector<int64_t> sent_at;
  driver_result r;
};

void send_batch(caf::stateful_actor<driver_state>* self, uint64_t count) {
  auto& st = self->state;
  for (uint64_t k = 0; k < count && st.sent < st.n; ++k) {
    if (st.window > 0 && st.sent - st.done >= st.window)
      break;
    auto i = st.sent++;
    auto& inst = *st.insts[(i / 2) % st.insts.size()];
    submit_order x;
    x.strategy = strategy_id{"bench"};
    x.clordid = client_order_id{std::to_string(i)};
    x.symbol = inst.id.value;
    x.side = i % 2 == 0 ? side::buy : side::sell;
    x.type = ord_type::limit;
    x.tif = time_in_force::day;
    x.qty = quantity::from_units(100);
    x.px = inst.prev_close;
    x.reply_to = caf::actor_cast<caf::actor>(self);
    st.sent_at[i] = wall_ns();
    caf::anon_send(st.gateway, std::move(x));
  }
}

caf::behavior driver(caf::stateful_actor<driver_state>* self, std::vector<const instrument*> insts,
                     caf::actor gateway, caf::actor report_to, uint64_t n, uint32_t rate,
                     uint64_t window) {
  auto& st = self->state;
  st.insts = std::move(insts);
  st.gateway = std::move(gateway);
  st.report_to = std::move(report_to);
  st.n = n;
  st.rate = rate;
  st.window = rate == 0 ? window : 0;
  st.sent_at.assign(n, 0);
  st.r.to_accepted.reserve(n);
  st.r.to_acked.reserve(n);
  st.r.to_filled.reserve(n);
  return {
    [self](go_atom) {
      auto& st = self->state;
      st.r.start_ns = wall_ns();
      if (st.rate == 0 && st.window > 0) {
        send_batch(self, st.window); // then one more per finished order
      } else if (st.rate == 0) {
        // Flat out, in slices so events interleave with sending.
        send_batch(self, 2000);
        if (st.sent < st.n)
          self->send(self, tick2_atom::value);
      } else {
        self->send(self, tick2_atom::value);
      }
    },
    [self](tick2_atom) {
      auto& st = self->state;
      if (st.rate == 0) {
        send_batch(self, 2000);
      } else {
        // Owed orders from the real time elapsed (timers fire late).
        auto t = wall_ns();
        if (st.last_tick_ns == 0)
          st.last_tick_ns = t;
        st.credit += static_cast<double>(st.rate) * static_cast<double>(t - st.last_tick_ns) / 1e9;
        st.last_tick_ns = t;
        auto k = static_cast<uint64_t>(st.credit);
        st.credit -= static_cast<double>(k);
        send_batch(self, k);
      }
      if (st.sent < st.n) {
        if (st.rate == 0)
          self->send(self, tick2_atom::value);
        else
          self->delayed_send(self, 100us, tick2_atom::value);
      }
    },
    [self](const order_event& e) {
      auto& st = self->state;
      auto i = std::stoull(e.clordid.value);
      auto dt = wall_ns() - st.sent_at[i];
      switch (e.kind) {
        case event_kind::accepted: st.r.to_accepted.push_back(dt); break;
        case event_kind::acknowledged: st.r.to_acked.push_back(dt); break;
        case event_kind::filled:
          st.r.to_filled.push_back(dt);
          ++st.r.filled;
          ++st.done;
          break;
        case event_kind::rejected:
        case event_kind::canceled:
        case event_kind::expired:
          ++st.r.other_terminal;
          ++st.done;
          break;
        default: break;
      }
      if (st.window > 0 && st.sent < st.n)
        send_batch(self, 1);
      if (st.done == st.n) {
        st.r.end_ns = wall_ns();
        self->send(st.report_to, std::move(st.r));
        self->quit();
      }
    },
  };
}

// -- baseline -------------------------------------------------------------------

using bl_write = caf::atom_constant<caf::atom("om_blw")>;
using bl_flush = caf::atom_constant<caf::atom("om_blf")>;
using bl_ask = caf::atom_constant<caf::atom("om_blask")>;
using bl_done = caf::atom_constant<caf::atom("om_bldone")>;

struct bl_store_state {
  std::optional<table_writer> w;
  write_batch batch;
  std::vector<caf::response_promise> waiting;
  bool scheduled = false;
  uint64_t seq = 0;
};

caf::behavior bl_store(caf::stateful_actor<bl_store_state>* self, std::shared_ptr<store> db,
                       order_snapshot sample) {
  self->state.w.emplace(std::move(*db->claim(table::orders, "baseline")));
  return {
    [self, sample](bl_write, uint64_t key) -> caf::result<uint64_t> {
      auto& st = self->state;
      st.batch.put(u64_key(key), fence{1, ++st.seq}, sample, 0);
      auto rp = self->make_response_promise();
      st.waiting.push_back(rp);
      if (!st.scheduled) {
        st.scheduled = true;
        self->send(self, bl_flush::value);
      }
      return caf::delegated<uint64_t>{};
    },
    [self](bl_flush) {
      auto& st = self->state;
      st.scheduled = false;
      auto err = st.w->commit(st.batch);
      st.batch.clear();
      for (auto& rp : st.waiting)
        err ? rp.deliver(err) : rp.deliver(uint64_t{1});
      st.waiting.clear();
    },
  };
}

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
    self->request(db, caf::infinite, bl_write::value, id * 4 + 0).then([then](uint64_t) { then(); });
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
  auto st = sys.spawn(bl_store, db, sample);
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
  node_agent_actor peer;
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

double run_remote_baseline(caf::actor_system& sys, const node_agent_actor& peer, uint64_t n,
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
  if (cross_node && app.count("--config") == 0)
    config = "config/bench-cluster.toml";
  if (data_dir.empty())
    data_dir = (fs::temp_directory_path() / ("ordermesh-bench-" + std::to_string(::getpid()))).string();
  fs::remove_all(data_dir);
  fs::create_directories(data_dir);
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
  log::init(cfg->log);
  auto rd = load_refdata_file(cfg->node.refdata);
  if (!rd) {
    std::cerr << "ordermesh-bench: " << describe(rd.error()) << "\n";
    return 2;
  }
  auto db = store::open(store_options{data_dir + "/db"});
  auto bl_db = store::open(store_options{data_dir + "/baseline"});
  if (!db || !bl_db) {
    std::cerr << "ordermesh-bench: cannot open the stores in " << data_dir << "\n";
    return 2;
  }
  caf::actor_system_config sys_cfg;
  auto threads = cfg->node.scheduler_threads ? cfg->node.scheduler_threads
                                             : std::max(1u, std::thread::hardware_concurrency());
  sys_cfg.set("scheduler.max-threads", static_cast<size_t>(threads));
  sys_cfg.set("scheduler.policy", caf::atom("sharing"));
  if (cross_node) {
    sys_cfg.load<caf::io::middleman>();
    sys_cfg.set("middleman.heartbeat-interval", caf::timespan{cfg->cluster.heartbeat_interval});
    sys_cfg.set("middleman.connection-timeout", caf::timespan{cfg->cluster.connection_timeout});
    sys_cfg.set("middleman.workers", size_t{0});
  }
  register_desk_types(sys_cfg);
  nlohmann::json out;
  {
    caf::actor_system sys{sys_cfg};
    if (baseline_only) {
      order_snapshot sample;
      sample.id = order_id::make(1, 1);
      auto bl = run_baseline(sys, *bl_db, orders, sample);
      std::cout << "baseline: " << bl << " orders/s\n";
      return 0;
    }
    auto refdata = std::make_shared<refdata_service>(*rd);
    auto root = spawn_desk(sys, desk_options{*cfg, refdata, *db, 1});
    caf::scoped_actor self{sys};
    caf::actor agent;
    if (cross_node) {
      agent = spawn_node_agent(sys, node_agent_options{*cfg, 1, root, refdata});
      auto me = cfg->cluster.find("b1");
      auto port = sys.middleman().publish(caf::actor_cast<node_agent_actor>(agent), me->port,
                                          me->host.c_str(), true);
      if (!port) {
        std::cerr << "ordermesh-bench: cannot listen: " << sys.render(port.error()) << "\n";
        stop_peer();
        return 3;
      }
    }
    // Ready: the gateway is registered and the risk actors restored.
    caf::actor gw;
    for (int tries = 0; tries < 500 && !gw; ++tries) {
      std::this_thread::sleep_for(10ms);
      self->request(find_directory(sys), 1s, resolve_atom::value, std::string{svc::gateway},
                    std::string{})
        .receive([&](caf::actor& h) { gw = h; }, [](caf::error&) {});
    }
    std::this_thread::sleep_for(200ms);
    std::vector<const instrument*> insts;
    for (auto s : {"AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "JPM", "XOM"})
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
    auto d = sys.spawn(driver, insts, gw, caf::actor_cast<caf::actor>(self), orders, rate, window);
    self->send(d, go_atom::value);
    driver_result res;
    self->receive([&](driver_result& r) { res = std::move(r); },
                  caf::after(std::chrono::seconds(600)) >> [] {
                    std::cerr << "ordermesh-bench: timed out\n";
                    std::exit(3);
                  });
    auto secs = static_cast<double>(res.end_ns - res.start_ns) / 1e9;
    auto ops = static_cast<double>(orders) / secs;
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
    if (cross_node) {
      out["mode"] = "cross_node";
      out["remote_messages_per_order"] = 6;
      if (!skip_baseline) {
        caf::actor peer_agent;
        self->request(find_directory(sys), 1s, resolve_atom::value, std::string{"agent"},
                      std::string{"b2"})
          .receive([&](caf::actor& h) { peer_agent = h; }, [](caf::error&) {});
        auto w = window ? window : 100;
        auto rt = run_remote_baseline(sys, caf::actor_cast<node_agent_actor>(peer_agent), orders,
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
    self->monitor(root);
    self->send_exit(root, caf::exit_reason::user_shutdown);
    self->receive([](caf::down_msg&) {}, caf::after(std::chrono::seconds(30)) >> [] {});
    if (agent) {
      sys.middleman().unpublish(agent, cfg->network.cluster_port);
      self->send_exit(agent, caf::exit_reason::user_shutdown);
    }
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
    }
  }
  log::shutdown();
  fs::remove_all(data_dir);
  if (json) {
    std::cout << out.dump(2) << "\n";
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
  if (out.contains("remote_round_trips_per_s"))
    std::cout << "  remote:   " << f(out["remote_round_trips_per_s"])
              << " bare-CAF request/response round trips/s between the two processes\n";
  if (out.contains("baseline_orders_per_s"))
    std::cout << "  baseline: " << f(out["baseline_orders_per_s"]) << " orders/s ("
              << out["baseline_shape"].get<std::string>() << "), ratio "
              << f(out["ratio"].get<double>() * 100) << "%\n";
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
