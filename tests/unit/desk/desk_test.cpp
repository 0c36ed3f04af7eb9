#define CAF_SUITE desk
#include <caf/test/dsl.hpp>

// Deterministic tests of the desk's actor protocols: the real gateway, risk,
// router, order and store actors (on a real RocksDB in a temp dir) under CAF's
// test coordinator. The test registers itself in the directory as venue
// "MOCK", so it receives the venue requests and scripts the venue's answers.

#include "actors/directory/directory.hpp"
#include "actors/gateway/gateway.hpp"
#include "actors/gateway/validation.hpp"
#include "actors/node/desk.hpp"
#include "actors/order/order_actor.hpp"
#include "actors/risk/risk_actor.hpp"
#include "actors/store/store_actor.hpp"
#include "runtime/store/store.hpp"

#include <caf/all.hpp>

#include <filesystem>
#include <functional>
#include <fstream>
#include <unistd.h>

using namespace om;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

/// `cluster`: "" for a single node, else the on_unreachable policy of a
/// cluster where this node (t1) is the gateway and venue node and every risk
/// shard lives on node r1, which the test plays.
std::string config_text(const std::string& policy, bool faults, const std::string& cluster = "") {
  std::string venue_node = cluster.empty() ? "" : "node = \"t1\"\n";
  std::string cluster_toml;
  if (!cluster.empty())
    cluster_toml = R"(
[cluster]
on_unreachable = ")" + cluster + R"("
hold_timeout_ms = 1000
[[cluster.node]]
id = "t1"
port = 7901
roles = ["gateway", "venue"]
[[cluster.node]]
id = "r1"
port = 7902
roles = ["risk"]
)";
  return cluster_toml + R"(
[node]
id = "t1"
[gateway]
risk_timeout_ms = 50
risk_timeout_policy = ")" + policy + R"("
[risk.default]
max_order_qty = "10000"
max_order_notional = "2000000"
max_gross_position = "100000"
max_net_position = "50000"
daily_loss_limit = "1000000"
max_orders_per_second = 1000
price_collar_bps = "500"
[risk.strategy.tight]
max_net_position = "150"
[risk.strategy.slow]
max_orders_per_second = 2
[risk.permissions.eqonly]
allowed_asset_classes = ["equity"]
[risk]
strategies = ["s1", "s8", "s9", "tight", "slow", "eqonly"]
restricted = ["JPM.XNYS"]
[[venue]]
id = "MOCK"
kind = "fix"            # external: the test plays this venue
host = "127.0.0.1"
port = 1
sender_comp_id = "DESK"
target_comp_id = "MOCK"
asset_classes = ["equity"]
)" + venue_node + R"(
[[venue]]
id = "REJX"
kind = "simulated"
asset_classes = ["equity"]
reject_probability = 1.0
ack_latency_us = 0
)" + venue_node + R"(
[[routing.rule]]
asset_class = "equity"
venues = [{ venue = "MOCK" }]
[[routing.rule]]
instrument = "KO.XNYS"
venues = [{ venue = "REJX" }]
[simulation]
flow_interval_ms = 0
[testing]
fault_injection = )" + (faults ? "true" : "false") + "\n";
}

struct collected {
  std::vector<order_event> events;
  size_t batches = 0; // order_events messages (events published per commit)
  std::vector<venue_new_order> news;
  std::vector<venue_cancel_order> cancels;
  std::vector<venue_replace_order> replaces;
  std::vector<venue_rebind> rebinds;
};

struct desk_fixture : test_coordinator_fixture<> {
  std::string dir;
  std::shared_ptr<store> db;
  caf::actor root, gateway;
  risk_section limits;
  uint64_t venue_seq = 0;
  std::map<uint64_t, uint64_t> seqs; // order id -> last venue report seq

  explicit desk_fixture(const std::string& policy = "reject", bool faults = true,
                        std::function<void(store&)> prepare = {},
                        const std::string& cluster = "") {
    dir = (fs::temp_directory_path() / ("om_desk_test_" + std::to_string(::getpid()) + "_"
                                        + std::to_string(reinterpret_cast<uintptr_t>(this))))
            .string();
    fs::remove_all(dir);
    fs::create_directories(dir);
    auto cfg_path = dir + "/node.toml";
    std::ofstream{cfg_path} << config_text(policy, faults, cluster);
    auto cfg = load_node_config(cfg_path);
    if (!cfg)
      CAF_FAIL("config: " << describe(cfg.error()));
    if (!cluster.empty())
      if (auto err = select_node(*cfg, "t1"))
        CAF_FAIL("config: " << describe(err));
    limits = cfg->risk;
    auto rd = load_refdata_file(std::string{OM_SOURCE_DIR} + "/config/refdata.toml");
    if (!rd)
      CAF_FAIL("refdata: " << describe(rd.error()));
    db = *store::open(store_options{dir + "/db"});
    if (prepare)
      prepare(*db);
    opts = desk_options{*cfg, std::make_shared<refdata_service>(*rd), db, 1, {"MOCK"}};
    start();
  }

  desk_options opts;

  /// Builds the tree and finds its gateway; the test stands in for venue MOCK.
  void start() {
    root = spawn_desk(sys, opts);
    sched.run();
    caf::anon_send(find_directory(sys), register_atom::value, std::string{svc::venue},
                   std::string{"MOCK"}, caf::actor_cast<caf::actor>(self));
    sched.run();
    auto h = self->request(find_directory(sys), caf::infinite, resolve_atom::value,
                           std::string{svc::gateway}, std::string{});
    sched.run();
    h.receive([&](caf::actor& g) { gateway = g; }, [&](caf::error& e) { CAF_FAIL(describe(e)); });
  }

  /// The node stops (its whole tree) and starts again on the same store, as
  /// the next incarnation.
  void restart() {
    self->send_exit(root, caf::exit_reason::user_shutdown);
    sched.run();
    drain();
    ++opts.node_incarnation;
    start();
    drain();
  }

  kill_switch_result kill(const char* strategy, bool halt) {
    kill_switch_result out;
    auto h = self->request(caf::actor_cast<gateway_actor>(gateway), caf::infinite,
                           kill_switch{strategy_id{strategy}, halt, "test", "testing"});
    sched.run();
    h.receive([&](kill_switch_result& r) { out = r; }, [](caf::error& e) { CAF_FAIL(describe(e)); });
    return out;
  }

  ~desk_fixture() {
    self->send_exit(root, caf::exit_reason::user_shutdown);
    sched.run();
    root = nullptr;
    gateway = nullptr;
    db.reset();
    fs::remove_all(dir);
  }

  collected drain() {
    sched.run();
    collected c;
    bool more = true;
    while (more)
      self->receive([&](order_event& e) { c.events.push_back(std::move(e)); },
                    [&](order_events& b) {
                      ++c.batches;
                      for (auto& e : b.events)
                        c.events.push_back(std::move(e));
                    },
                    [&](venue_new_order& x) { c.news.push_back(std::move(x)); },
                    [&](venue_cancel_order& x) { c.cancels.push_back(x); },
                    [&](venue_replace_order& x) { c.replaces.push_back(x); },
                    [&](venue_rebind& x) { c.rebinds.push_back(std::move(x)); },
                    caf::after(std::chrono::seconds(0)) >> [&] { more = false; });
    return c;
  }

  submit_order order(const char* clordid, const char* symbol, side s, int64_t qty,
                     const char* px, const char* strategy = "s1") {
    submit_order x;
    x.strategy = strategy_id{strategy};
    x.clordid = client_order_id{clordid};
    x.symbol = symbol;
    x.side = s;
    x.type = *px ? ord_type::limit : ord_type::market;
    x.tif = *px ? time_in_force::day : time_in_force::ioc;
    x.qty = quantity::from_units(qty);
    if (*px)
      x.px = *price::parse(px);
    x.reply_to = caf::actor_cast<caf::actor>(self);
    return x;
  }

  collected submit(const submit_order& x) {
    self->send(caf::actor_cast<gateway_actor>(gateway), x);
    return drain();
  }

  /// The venue's answer to a leg.
  void report(const venue_new_order& leg, venue_report_kind k, int64_t last = 0,
              const char* px = "0", int64_t cum = 0, int64_t leaves = 0) {
    venue_report r;
    r.kind = k;
    r.id = leg.id;
    r.leg = leg.leg;
    r.venue = venue_id{"MOCK"};
    r.venue_order_id = "M-" + std::to_string(leg.id.value);
    r.seq = ++seqs[leg.id.value];
    r.last_qty = quantity::from_units(last);
    r.last_px = *price::parse(px);
    r.cum_qty = quantity::from_units(cum);
    r.leaves_qty = quantity::from_units(leaves);
    r.exec_id = "MOCK-E" + std::to_string(++venue_seq);
    self->send(leg.reply_to, r);
  }

  const order_event& only(const collected& c, event_kind k) {
    for (auto& e : c.events)
      if (e.kind == k)
        return e;
    CAF_FAIL("no " << to_string(k) << " event among " << c.events.size());
    return c.events.front();
  }

  event_kind first_kind(const submit_order& x) {
    auto c = submit(x);
    if (c.events.empty()) {
      CAF_ERROR(x.clordid.value << ": no event");
      return event_kind::expired;
    }
    return c.events.front().kind;
  }

  reject_code rejected_with(const submit_order& x) {
    auto c = submit(x);
    for (auto& e : c.events)
      if (e.kind == event_kind::rejected) {
        if (e.message.empty())
          CAF_ERROR("reject without a message: " << to_string(e.code));
        return e.code;
      }
    CAF_ERROR(x.clordid.value << " was not rejected (" << c.events.size() << " events)");
    return reject_code::none;
  }

  post_trade_report post_trade_stats() {
    caf::actor pt;
    auto h = self->request(find_directory(sys), caf::infinite, resolve_atom::value,
                           std::string{svc::post_trade}, std::string{});
    sched.run();
    h.receive([&](caf::actor& p) { pt = p; }, [&](caf::error& e) { CAF_FAIL(describe(e)); });
    post_trade_report out;
    auto h2 = self->request(caf::actor_cast<post_trade_actor>(pt), caf::infinite,
                            stats_atom::value);
    sched.run();
    h2.receive([&](post_trade_report& r) { out = std::move(r); },
               [&](caf::error& e) { CAF_FAIL(describe(e)); });
    return out;
  }

  sup::supervisor_report orders_report() {
    caf::actor pool;
    auto h = self->request(find_directory(sys), caf::infinite, resolve_atom::value,
                           std::string{svc::orders}, std::string{});
    sched.run();
    h.receive([&](caf::actor& p) { pool = p; }, [&](caf::error& e) { CAF_FAIL(describe(e)); });
    sup::supervisor_report r;
    auto h2 = self->request(pool, caf::infinite, sup::describe_atom::value);
    sched.run();
    h2.receive([&](sup::supervisor_report& x) { r = std::move(x); },
               [&](caf::error& e) { CAF_FAIL(describe(e)); });
    return r;
  }
};

/// Stands in for a risk actor that never answers: it keeps every request's
/// promise open (a dropped promise would answer with an error) and counts
/// the releases it gets.
struct silent_state {
  std::vector<caf::response_promise> promises;
  std::vector<order_id> released;
};

caf::behavior silent_risk(caf::stateful_actor<silent_state>* self) {
  return {
    [self](const risk_check_request&) -> caf::result<risk_verdict_msg> {
      self->state.promises.push_back(self->make_response_promise());
      return self->state.promises.back();
    },
    [self](const risk_release& r) { self->state.released.push_back(r.id); },
    [self](get_state_atom) { return self->state.released.size(); },
  };
}

struct bypass_fixture : desk_fixture {
  bypass_fixture() : desk_fixture("bypass_and_flag", false) {}
};

/// A node that died after recording a client order id, before the order's
/// first write: the record is durable, the order is not.
submit_order dangling_order() {
  submit_order x;
  x.strategy = strategy_id{"s1"};
  x.clordid = client_order_id{"lost-1"};
  x.symbol = "AAPL";
  x.side = side::buy;
  x.qty = quantity::from_units(10);
  x.px = *price::parse("228.50");
  return x;
}

struct dangling_fixture : desk_fixture {
  dangling_fixture()
    : desk_fixture("reject", false, [](store& db) {
        auto w = db.claim(table::idempotency, "test");
        auto x = dangling_order();
        idempotency_record rec{x.strategy, x.clordid, order_id::make(1, 777), 1, terms_digest(x)};
        if (auto err = w->put_if_absent(idempotency_key(x.strategy, x.clordid), fence{1, 1}, rec, 1))
          CAF_FAIL(describe(err));
      }) {
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(desk_tests, desk_fixture)

CAF_TEST(every syntax reject names its field) {
  auto x = order("c1", "AAPL", side::buy, 10, "228.50");
  x.strategy = strategy_id{};
  CAF_CHECK_EQUAL(rejected_with(x), reject_code::missing_strategy);
  x = order("", "AAPL", side::buy, 10, "228.50");
  CAF_CHECK_EQUAL(rejected_with(x), reject_code::missing_client_order_id);
  CAF_CHECK_EQUAL(rejected_with(order("c2", "", side::buy, 10, "228.50")), reject_code::missing_symbol);
  CAF_CHECK_EQUAL(rejected_with(order("c3", "AAPL", side::buy, 0, "228.50")),
                  reject_code::non_positive_quantity);
  x = order("c4", "AAPL", side::buy, 10, "228.50");
  x.px = price{};
  CAF_CHECK_EQUAL(rejected_with(x), reject_code::missing_limit_price);
  x = order("c5", "AAPL", side::buy, 10, "");
  x.px = *price::parse("1");
  CAF_CHECK_EQUAL(rejected_with(x), reject_code::price_on_market_order);
  x = order("c6", "AAPL", side::buy, 10, "");
  x.tif = time_in_force::gtc;
  auto c = submit(x);
  auto& e = only(c, event_kind::rejected);
  CAF_CHECK_EQUAL(e.code, reject_code::invalid_market_tif);
  CAF_CHECK_EQUAL(e.stage, reject_stage::syntax);
  CAF_CHECK(e.message.rfind("tif:", 0) == 0);
}

CAF_TEST(every business reject names its reason) {
  CAF_CHECK_EQUAL(rejected_with(order("b1", "NOPE", side::buy, 10, "1")), reject_code::unknown_symbol);
  CAF_CHECK_EQUAL(rejected_with(order("b2", "BRK", side::buy, 10, "1")), reject_code::ambiguous_symbol);
  CAF_CHECK_EQUAL(rejected_with(order("b3", "TWTR", side::buy, 10, "50")), reject_code::inactive_instrument);
  CAF_CHECK_EQUAL(rejected_with(order("b4", "EURUSD", side::buy, 1000, "1.08425", "eqonly")),
                  reject_code::asset_class_not_permitted);
  CAF_CHECK_EQUAL(rejected_with(order("b5", "AAPL", side::buy, 10, "228.505")), reject_code::tick_size);
  CAF_CHECK_EQUAL(rejected_with(order("b6", "EURUSD", side::buy, 1500, "1.08425")), reject_code::lot_size);
  CAF_CHECK_EQUAL(rejected_with(order("b7", "AAPL", side::buy, 10001, "228.50")), reject_code::max_order_qty);
  CAF_CHECK_EQUAL(rejected_with(order("b8", "AAPL", side::buy, 9000, "228.50")),
                  reject_code::max_order_notional);
  // A strategy not in risk.strategies: the desk does not know it.
  CAF_CHECK_EQUAL(rejected_with(order("b10", "AAPL", side::buy, 10, "228.50", "rogue")),
                  reject_code::unknown_strategy);
  auto c = submit(order("b9", "AAPL.OQ", side::buy, 10, "228.505"));
  auto& e = only(c, event_kind::rejected);
  CAF_CHECK_EQUAL(e.stage, reject_stage::business);
  CAF_CHECK(e.message.find("tick size 0.01") != std::string::npos);
}

CAF_TEST(every real time reject names its reason) {
  CAF_CHECK_EQUAL(rejected_with(order("r1", "SMCI", side::buy, 10, "33.16")), reject_code::instrument_halted);
  CAF_CHECK_EQUAL(rejected_with(order("r2", "JPM", side::buy, 10, "243.10")),
                  reject_code::restricted_instrument);
  CAF_CHECK_EQUAL(rejected_with(order("r3", "AAPL", side::buy, 10, "250.00")), reject_code::price_collar);
  CAF_CHECK_EQUAL(rejected_with(order("r4", "MSFT", side::buy, 151, "431.20", "tight")),
                  reject_code::net_position_limit);
  CAF_CHECK_EQUAL(first_kind(order("r5", "MSFT", side::buy, 1, "431.20", "slow")), event_kind::accepted);
  CAF_CHECK_EQUAL(first_kind(order("r6", "MSFT", side::buy, 1, "431.20", "slow")), event_kind::accepted);
  CAF_CHECK_EQUAL(rejected_with(order("r7", "MSFT", side::buy, 1, "431.20", "slow")), reject_code::rate_limit);
  // Kill switch for s9: its new orders are refused, others trade on.
  kill("s9", true);
  drain();
  CAF_CHECK_EQUAL(rejected_with(order("r8", "MSFT", side::buy, 1, "431.20", "s9")), reject_code::kill_switch);
  CAF_CHECK_EQUAL(first_kind(order("r9", "MSFT", side::buy, 1, "431.20", "s8")), event_kind::accepted);
}

CAF_TEST(the kill switch cancels working orders and its halt survives a restart) {
  // Working orders of two strategies at the venue.
  auto c9 = submit(order("k1", "MSFT", side::buy, 5, "431.20", "s9"));
  auto c8 = submit(order("k2", "MSFT", side::buy, 5, "431.20", "s8"));
  CAF_REQUIRE_EQUAL(c9.news.size(), 1u);
  CAF_REQUIRE_EQUAL(c8.news.size(), 1u);
  report(c9.news[0], venue_report_kind::ack, 0, "0", 0, 5);
  report(c8.news[0], venue_report_kind::ack, 0, "0", 0, 5);
  drain();
  // Halting s9 cancels exactly its working order and is audited durably.
  auto r = kill("s9", true);
  CAF_CHECK_EQUAL(r.orders_canceled, 1u);
  CAF_CHECK_GREATER(r.audit_sequence, 0u);
  CAF_CHECK(r.warning.empty());
  auto after = drain();
  CAF_REQUIRE_EQUAL(after.cancels.size(), 1u);
  CAF_CHECK_EQUAL(after.cancels[0].id, c9.news[0].id);
  CAF_CHECK_EQUAL(rejected_with(order("k3", "MSFT", side::buy, 1, "431.20", "s9")),
                  reject_code::kill_switch);
  // The node restarts: the halt is restored before the first order.
  restart();
  auto c = submit(order("k4", "MSFT", side::buy, 1, "431.20", "s9"));
  auto& rej = only(c, event_kind::rejected);
  CAF_CHECK_EQUAL(rej.code, reject_code::kill_switch);
  CAF_CHECK(rej.message.find("by test") != std::string::npos);
  CAF_CHECK_EQUAL(first_kind(order("k5", "MSFT", side::buy, 1, "431.20", "s8")), event_kind::accepted);
  std::vector<audit_record> halts;
  auto q = self->request(caf::actor_cast<gateway_actor>(gateway), caf::infinite, controls_atom::value);
  sched.run();
  q.receive([&](gateway_controls_state& v) { halts = v.halts; }, [](caf::error& e) { CAF_FAIL(describe(e)); });
  CAF_REQUIRE_EQUAL(halts.size(), 1u);
  CAF_CHECK_EQUAL(halts[0].strategy.value, "s9");
  CAF_CHECK_EQUAL(halts[0].detail, "halt s9: testing");
  // A resume is durable too: after another restart s9 trades.
  CAF_CHECK_GREATER(kill("s9", false).audit_sequence, r.audit_sequence);
  restart();
  CAF_CHECK_EQUAL(first_kind(order("k6", "MSFT", side::buy, 1, "431.20", "s9")), event_kind::accepted);
}

CAF_TEST(routing and venue rejects) {
  auto c = submit(order("v1", "EURUSD", side::buy, 1000, "1.08425"));
  CAF_CHECK_EQUAL(only(c, event_kind::accepted).kind, event_kind::accepted);
  auto& nr = only(c, event_kind::rejected);
  CAF_CHECK_EQUAL(nr.code, reject_code::no_route);
  CAF_CHECK(nr.message.find("no routing rule") != std::string::npos);
  c = submit(order("v2", "KO", side::buy, 10, "63.82")); // REJX rejects everything
  auto& vr = only(c, event_kind::rejected);
  CAF_CHECK_EQUAL(vr.code, reject_code::venue_rejected);
  CAF_CHECK_EQUAL(vr.stage, reject_stage::venue);
  CAF_CHECK(vr.message.find("REJX") != std::string::npos);
}

CAF_TEST(a retried submit returns the existing order and never a second one) {
  auto x = order("i1", "AAPL", side::buy, 100, "228.50");
  auto c = submit(x);
  auto id = only(c, event_kind::accepted).id;
  CAF_REQUIRE_EQUAL(c.news.size(), 1u);
  report(c.news[0], venue_report_kind::ack, 0, "0", 0, 100);
  drain();
  auto dup = submit(x);
  CAF_CHECK(dup.news.empty());
  auto& d = only(dup, event_kind::duplicate);
  CAF_CHECK_EQUAL(d.id, id);
  CAF_CHECK_EQUAL(d.status, ord_status::new_order);
  // Same id, other terms: refused, and the original is untouched.
  auto other = x;
  other.qty = quantity::from_units(200);
  auto r = submit(other);
  CAF_CHECK_EQUAL(only(r, event_kind::rejected).code, reject_code::duplicate_different_terms);
  // After it ends, a retry still answers with its final state from the store.
  report(c.news[0], venue_report_kind::fill, 100, "228.50", 100, 0);
  drain();
  auto after = submit(x);
  auto& d2 = only(after, event_kind::duplicate);
  CAF_CHECK_EQUAL(d2.id, id);
  CAF_CHECK_EQUAL(d2.status, ord_status::filled);
  CAF_CHECK_EQUAL(d2.cum_qty, quantity::from_units(100));
}

CAF_TEST(a new order is recorded with its first write and reads nothing) {
  // The first order of (s1, AAPL) reads its position's fence once; the
  // second is measured.
  auto warm = submit(order("n0", "AAPL", side::buy, 100, "228.50"));
  CAF_REQUIRE_EQUAL(warm.news.size(), 1u);
  report(warm.news[0], venue_report_kind::fill, 100, "228.50", 100, 0);
  drain();
  auto x = order("n1", "AAPL", side::buy, 100, "228.50");
  auto reads = io_counters().reads.load();
  auto c = submit(x);
  auto read_to_accept = io_counters().reads.load() - reads;
  auto id = only(c, event_kind::accepted).id;
  CAF_REQUIRE_EQUAL(c.news.size(), 1u);
  // An ack and the fill right behind it share one write (the snapshot and
  // its fill); the position follows in the store's next batch.
  auto writes = io_counters().writes.load();
  auto records = io_counters().records.load();
  report(c.news[0], venue_report_kind::ack, 0, "0", 0, 100);
  report(c.news[0], venue_report_kind::fill, 100, "228.50", 100, 0);
  auto done = drain();
  only(done, event_kind::acknowledged);
  CAF_CHECK_EQUAL(only(done, event_kind::filled).cum_qty, quantity::from_units(100));
  CAF_CHECK_EQUAL(io_counters().writes.load() - writes, 2u);
  CAF_CHECK_EQUAL(io_counters().records.load() - records, 3u);
  // Nothing on the way was read back: not the key, not a fence.
  CAF_CHECK_EQUAL(read_to_accept, 0u);
  CAF_CHECK_EQUAL(io_counters().reads.load() - reads, 0u);
  // Both are durable: the key and the order it names.
  auto rec = db->get<idempotency_record>(table::idempotency, idempotency_key(x.strategy, x.clordid));
  CAF_REQUIRE(rec);
  CAF_CHECK_EQUAL(rec->record.order, id);
  CAF_CHECK_EQUAL(rec->record.terms_digest, terms_digest(x));
  auto snap = db->get<order_snapshot>(table::orders, order_key(id));
  CAF_REQUIRE(snap);
  CAF_CHECK_EQUAL(snap->record.state.status, ord_status::filled);
  // The finished orders left nothing in the pool.
  CAF_CHECK_EQUAL(orders_report().children.size(), 0u);
}

CAF_TEST(events of orders committed together reach the strategy as one batch) {
  std::vector<venue_new_order> legs;
  for (auto id : {"b1", "b2", "b3"}) {
    auto c = submit(order(id, "AAPL", side::buy, 100, "228.50"));
    CAF_REQUIRE_EQUAL(c.news.size(), 1u);
    legs.push_back(c.news[0]);
  }
  // The venue fills all three before the desk runs again: three writes in
  // one store commit, so their three events travel in one message.
  for (auto& leg : legs)
    report(leg, venue_report_kind::fill, 100, "228.50", 100, 0);
  auto done = drain();
  CAF_REQUIRE_EQUAL(done.events.size(), 3u);
  CAF_CHECK_EQUAL(done.batches, 1u);
  for (size_t i = 0; i < legs.size(); ++i) {
    CAF_CHECK_EQUAL(done.events[i].id, legs[i].id);
    CAF_CHECK_EQUAL(done.events[i].kind, event_kind::filled);
  }
  // Post-trade got each fill and each finished order exactly once.
  auto r = post_trade_stats();
  CAF_CHECK_EQUAL(r.orders_finished, 3u);
  CAF_CHECK_EQUAL(r.fills, 3u);
  CAF_CHECK_EQUAL(r.notional, notional(*price::parse("228.50"), quantity::from_units(300)));
  CAF_CHECK_EQUAL(orders_report().children.size(), 0u);
}

CAF_TEST(an order that crashes behind its final write is reported once) {
  auto c = submit(order("d1", "AAPL", side::buy, 100, "228.50"));
  CAF_REQUIRE_EQUAL(c.news.size(), 1u);
  auto leg = c.news[0];
  report(leg, venue_report_kind::fill, 100, "228.50", 100, 0);
  // The order actor takes the fill and sends its final write to the store,
  // then crashes (fault injection) before the store has even seen the write.
  sched.run_once();
  self->send(caf::actor_cast<order_actor>(leg.reply_to), crash_atom::value);
  // Newest job first: the crash, the pool's restart, the new incarnation's
  // start (its load), all before the store handles the write.
  for (int i = 0; i < 3; ++i)
    sched.run_once_lifo();
  auto done = drain();
  // Were the restarted actor to load the snapshot from before that write,
  // it would rebind and the venue would replay the fill: play that venue.
  for (auto& rb : done.rebinds) {
    venue_report r;
    r.kind = venue_report_kind::fill;
    r.id = rb.id;
    r.leg = rb.leg;
    r.venue = venue_id{"MOCK"};
    r.venue_order_id = "M-" + std::to_string(rb.id.value);
    r.seq = 1;
    r.last_qty = r.cum_qty = quantity::from_units(100);
    r.last_px = *price::parse("228.50");
    r.exec_id = "MOCK-E" + std::to_string(venue_seq);
    if (rb.last_seq < r.seq)
      self->send(rb.reply_to, r);
  }
  auto replayed = drain();
  done.events.insert(done.events.end(), replayed.events.begin(), replayed.events.end());
  // The store committed the write before answering the load: the restarted
  // actor finds the order finished. The filled event went out once, and
  // post-trade has the order and its fill once.
  size_t filled = 0;
  for (auto& e : done.events)
    filled += e.kind == event_kind::filled ? 1 : 0;
  CAF_CHECK_EQUAL(filled, 1u);
  auto r = post_trade_stats();
  CAF_CHECK_EQUAL(r.orders_finished, 1u);
  CAF_CHECK_EQUAL(r.fills, 1u);
  CAF_CHECK_EQUAL(orders_report().children.size(), 0u);
}

CAF_TEST(after a failed write nothing of that order commits until it is reloaded) {
  auto c = submit(order("w1", "AAPL", side::buy, 100, "228.50"));
  CAF_REQUIRE_EQUAL(c.news.size(), 1u);
  auto leg = c.news[0];
  report(leg, venue_report_kind::ack, 0, "0", 0, 100);
  drain();
  caf::actor store;
  auto h = self->request(find_directory(sys), caf::infinite, resolve_atom::value,
                         std::string{svc::store}, std::string{});
  sched.run();
  h.receive([&](caf::actor& x) { store = x; }, [&](caf::error& e) { CAF_FAIL(describe(e)); });
  // Runs `who` until it has nothing left in its mailbox.
  auto run_only = [&](const auto& who) {
    while (sched.prioritize(who))
      sched.run_once();
  };
  // Two fills, each written on its own, and the second write reaches the
  // store behind the first one's commit: that commit fails.
  db->fail_next_commits(1);
  report(leg, venue_report_kind::fill, 30, "228.50", 30, 70);
  run_only(leg.reply_to); // the order actor sends the first write
  CAF_REQUIRE(sched.prioritize(store));
  sched.run_once(); // the store batches it and schedules its commit
  report(leg, venue_report_kind::fill, 30, "228.50", 60, 40);
  run_only(leg.reply_to); // the second write is queued behind the commit
  auto after = drain();
  // The order actor quit on the failure and its next incarnation asked the
  // venue for everything after the last durable report (the ack).
  CAF_REQUIRE_EQUAL(after.rebinds.size(), 1u);
  CAF_CHECK_EQUAL(after.rebinds[0].last_seq, 1u);
  for (auto& e : after.events)
    CAF_CHECK(e.kind != event_kind::partially_filled); // nothing of the failed state
  // The venue replays both fills to the new incarnation.
  leg.reply_to = after.rebinds[0].reply_to;
  seqs[leg.id.value] = 1;
  report(leg, venue_report_kind::fill, 30, "228.50", 30, 70);
  report(leg, venue_report_kind::fill, 30, "228.50", 60, 40);
  auto replayed = drain();
  std::vector<int64_t> cums;
  for (auto& e : replayed.events)
    if (e.kind == event_kind::partially_filled)
      cums.push_back(e.cum_qty.raw / quantity::scale);
  CAF_CHECK_EQUAL(cums, (std::vector<int64_t>{30, 60}));
  // The journal matches the order: both fills, once each.
  auto snap = db->get<order_snapshot>(table::orders, order_key(leg.id));
  CAF_REQUIRE(snap);
  CAF_CHECK_EQUAL(snap->record.state.cum_qty, quantity::from_units(60));
  quantity journaled;
  size_t n = 0;
  auto err = db->scan<fill_record>(table::journal, "",
                                   [&](std::string_view, stored<fill_record>& r) {
                                     if (r.record.order == leg.id) {
                                       journaled += r.record.qty;
                                       ++n;
                                     }
                                     return true;
                                   });
  CAF_REQUIRE(!err);
  CAF_CHECK_EQUAL(n, 2u);
  CAF_CHECK_EQUAL(journaled, quantity::from_units(60));
}

CAF_TEST(fills racing a cancel end canceled with the fills kept) {
  auto x = order("l1", "AAPL", side::buy, 100, "228.50");
  auto c = submit(x);
  auto leg = c.news.at(0);
  report(leg, venue_report_kind::ack, 0, "0", 0, 100);
  report(leg, venue_report_kind::fill, 30, "228.50", 30, 70);
  auto c1 = drain();
  CAF_CHECK_EQUAL(only(c1, event_kind::partially_filled).cum_qty, quantity::from_units(30));
  self->send(caf::actor_cast<gateway_actor>(gateway), cancel_order{x.strategy, x.clordid, caf::actor_cast<caf::actor>(self)});
  auto c2 = drain();
  CAF_REQUIRE_EQUAL(c2.cancels.size(), 1u);
  // The venue fills 20 more before it processes the cancel.
  report(leg, venue_report_kind::fill, 20, "228.49", 50, 50);
  report(leg, venue_report_kind::canceled, 0, "0", 50, 0);
  auto c3 = drain();
  CAF_CHECK_EQUAL(only(c3, event_kind::partially_filled).cum_qty, quantity::from_units(50));
  auto& done = only(c3, event_kind::canceled);
  CAF_CHECK_EQUAL(done.status, ord_status::canceled);
  CAF_CHECK_EQUAL(done.cum_qty, quantity::from_units(50));
  CAF_CHECK_EQUAL(done.avg_px, price::from_raw(22849600000)); // (30*228.50 + 20*228.49)/50
}

CAF_TEST(a cancel that loses to a fill is rejected and the order ends filled) {
  auto x = order("l2", "AAPL", side::sell, 100, "228.60");
  auto c = submit(x);
  auto leg = c.news.at(0);
  report(leg, venue_report_kind::ack, 0, "0", 0, 100);
  drain();
  self->send(caf::actor_cast<gateway_actor>(gateway), cancel_order{x.strategy, x.clordid, caf::actor_cast<caf::actor>(self)});
  drain();
  report(leg, venue_report_kind::fill, 100, "228.60", 100, 0);
  report(leg, venue_report_kind::cancel_rejected, 0, "0", 100, 0);
  auto c2 = drain();
  CAF_CHECK_EQUAL(only(c2, event_kind::filled).status, ord_status::filled);
  for (auto& e : c2.events)
    CAF_CHECK(e.kind != event_kind::canceled);
  // A later cancel is refused: the order is done.
  self->send(caf::actor_cast<gateway_actor>(gateway), cancel_order{x.strategy, x.clordid, caf::actor_cast<caf::actor>(self)});
  auto c3 = drain();
  CAF_CHECK_EQUAL(only(c3, event_kind::cancel_rejected).code, reject_code::order_done);
}

CAF_TEST(a cancel rejected by the venue restores the working order) {
  auto x = order("l3", "AAPL", side::buy, 100, "228.50");
  auto c = submit(x);
  auto leg = c.news.at(0);
  report(leg, venue_report_kind::ack, 0, "0", 0, 100);
  drain();
  self->send(caf::actor_cast<gateway_actor>(gateway), cancel_order{x.strategy, x.clordid, caf::actor_cast<caf::actor>(self)});
  drain();
  report(leg, venue_report_kind::cancel_rejected, 0, "0", 0, 100);
  auto c2 = drain();
  auto& e = only(c2, event_kind::cancel_rejected);
  CAF_CHECK_EQUAL(e.status, ord_status::new_order);
  CAF_CHECK_EQUAL(e.stage, reject_stage::venue);
  // A second cancel reaches the venue again (the first was refused there,
  // e.g. while its session was down) and this time ends the order.
  self->send(caf::actor_cast<gateway_actor>(gateway), cancel_order{x.strategy, x.clordid, caf::actor_cast<caf::actor>(self)});
  auto c3 = drain();
  CAF_REQUIRE_EQUAL(c3.cancels.size(), 1u);
  report(leg, venue_report_kind::canceled, 0, "0", 0, 0);
  auto c4 = drain();
  CAF_CHECK_EQUAL(only(c4, event_kind::canceled).status, ord_status::canceled);
}

CAF_TEST(amends are replaced or rejected by the venue) {
  auto x = order("l4", "AAPL", side::buy, 100, "228.50");
  auto c = submit(x);
  auto leg = c.news.at(0);
  report(leg, venue_report_kind::ack, 0, "0", 0, 100);
  drain();
  self->send(caf::actor_cast<gateway_actor>(gateway),
             amend_order{x.strategy, x.clordid, quantity::from_units(150), *price::parse("228.51"),
                         caf::actor_cast<caf::actor>(self)});
  auto c1 = drain();
  CAF_REQUIRE_EQUAL(c1.replaces.size(), 1u);
  CAF_CHECK_EQUAL(c1.replaces[0].qty, quantity::from_units(150));
  report(leg, venue_report_kind::replaced, 0, "0", 0, 150);
  auto c2 = drain();
  auto& r = only(c2, event_kind::replaced);
  CAF_CHECK_EQUAL(r.order_qty, quantity::from_units(150));
  CAF_CHECK_EQUAL(r.limit_px, price::from_raw(22851000000));
  // A second amend the venue refuses: back to the replaced terms.
  self->send(caf::actor_cast<gateway_actor>(gateway),
             amend_order{x.strategy, x.clordid, quantity::from_units(120), *price::parse("228.51"),
                         caf::actor_cast<caf::actor>(self)});
  drain();
  report(leg, venue_report_kind::replace_rejected, 0, "0", 0, 150);
  auto c3 = drain();
  auto& rr = only(c3, event_kind::replace_rejected);
  CAF_CHECK_EQUAL(rr.order_qty, quantity::from_units(150));
  CAF_CHECK_EQUAL(rr.status, ord_status::new_order);
  // An amend beyond the limits is refused by risk before the venue.
  self->send(caf::actor_cast<gateway_actor>(gateway),
             amend_order{x.strategy, x.clordid, quantity::from_units(60000), *price::parse("228.51"),
                         caf::actor_cast<caf::actor>(self)});
  auto c4 = drain();
  CAF_CHECK(c4.replaces.empty());
  CAF_CHECK_EQUAL(only(c4, event_kind::replace_rejected).code, reject_code::max_order_qty);
}

CAF_TEST(a crashed order actor restarts from its snapshot and others are untouched) {
  auto a = order("k1", "AAPL", side::buy, 100, "228.50");
  auto b = order("k2", "MSFT", side::sell, 50, "431.20");
  auto ca = submit(a);
  auto cb = submit(b);
  auto leg_a = ca.news.at(0);
  auto leg_b = cb.news.at(0);
  report(leg_a, venue_report_kind::ack, 0, "0", 0, 100);
  report(leg_a, venue_report_kind::fill, 40, "228.50", 40, 60);
  report(leg_b, venue_report_kind::ack, 0, "0", 0, 50);
  drain();
  auto h = self->request(caf::actor_cast<gateway_actor>(gateway), caf::infinite,
                         inject_crash{a.strategy, a.clordid});
  sched.run();
  h.receive([](bool ok) { CAF_CHECK(ok); }, [](caf::error& e) { CAF_FAIL(describe(e)); });
  auto after = drain();
  // The new incarnation asks the venue for what it missed since seq 2.
  CAF_REQUIRE_EQUAL(after.rebinds.size(), 1u);
  CAF_CHECK_EQUAL(after.rebinds[0].id, leg_a.id);
  CAF_CHECK_EQUAL(after.rebinds[0].last_seq, 2u);
  // A report the old incarnation never saw goes to the new one and completes it.
  leg_a.reply_to = after.rebinds[0].reply_to;
  report(leg_a, venue_report_kind::fill, 60, "228.49", 100, 0);
  report(leg_b, venue_report_kind::fill, 50, "431.20", 50, 0);
  auto done = drain();
  size_t filled = 0;
  for (auto& e : done.events)
    if (e.kind == event_kind::filled) {
      ++filled;
      if (e.id == leg_a.id)
        CAF_CHECK_EQUAL(e.cum_qty, quantity::from_units(100));
      else
        CAF_CHECK_EQUAL(e.cum_qty, quantity::from_units(50));
    }
  CAF_CHECK_EQUAL(filled, 2u);
  auto r = orders_report();
  CAF_CHECK_EQUAL(r.total_restarts, 1u);
  // Both orders ended and left the pool; the journal holds each fill once.
  CAF_CHECK_EQUAL(r.children.size(), 0u);
}

CAF_TEST(a failing instrument opens only its own breaker: other instruments trade on) {
  // REJX rejects every KO order: 20 downstream errors of 20 outcomes for KO.
  for (int i = 0; i < 20; ++i) {
    auto c = submit(order(("cb" + std::to_string(i)).c_str(), "KO", side::buy, 10, "63.82"));
    CAF_CHECK_EQUAL(only(c, event_kind::rejected).code, reject_code::venue_rejected);
  }
  auto stats = [&] {
    gateway_stats g;
    auto h = self->request(caf::actor_cast<gateway_actor>(gateway), caf::infinite, stats_atom::value);
    sched.run();
    h.receive([&](gateway_stats& x) { g = std::move(x); }, [](caf::error& e) { CAF_FAIL(describe(e)); });
    return g;
  };
  auto scope_open = [](const gateway_stats& g, const std::string& scope) {
    for (auto& b : g.breakers)
      if (b.scope == scope)
        return b.open;
    return false;
  };
  auto g = stats();
  CAF_CHECK(g.breaker_open);
  CAF_CHECK_EQUAL(g.breaker_trips, 1u);
  CAF_CHECK(scope_open(g, "instrument:KO.XNYS"));
  CAF_CHECK(!scope_open(g, "store"));
  // Another instrument is not held: it is accepted and reaches its venue.
  auto other = submit(order("cb-aapl", "AAPL", side::buy, 10, "228.50"));
  CAF_CHECK_EQUAL(only(other, event_kind::accepted).clordid.value, "cb-aapl");
  CAF_CHECK_EQUAL(other.news.size(), 1u);
  // A new KO order waits: no event, nothing at the venue.
  auto held = submit(order("cb-ko", "KO", side::buy, 10, "63.82"));
  CAF_CHECK(held.events.empty());
  CAF_CHECK(held.news.empty());
  CAF_CHECK_EQUAL(stats().queued, 1u);
  // A bad order of the held instrument is still refused at once: the
  // business checks run before the hold.
  auto bad = submit(order("cb-bad", "KO", side::buy, 10, "63.825"));
  CAF_CHECK_EQUAL(only(bad, event_kind::rejected).stage, reject_stage::business);
  // The errors age out of the 60 s window: KO's breaker closes and the held
  // order goes on, through the checks again (REJX still rejects it).
  for (int i = 0; i < 61; ++i)
    advance_time(1s);
  auto released = drain();
  auto& r = only(released, event_kind::rejected);
  CAF_CHECK_EQUAL(r.clordid.value, "cb-ko");
  CAF_CHECK_EQUAL(r.code, reject_code::venue_rejected);
  g = stats();
  CAF_CHECK(!g.breaker_open);
  CAF_CHECK_EQUAL(g.queued, 0u);
  size_t audits = 0;
  CAF_CHECK(!db->scan<audit_record>(table::audit, "", [&](std::string_view, stored<audit_record>& a) {
    audits += a.record.kind == audit_kind::circuit_breaker ? 1 : 0;
    return true;
  }));
  CAF_CHECK_EQUAL(audits, 2u); // opened, closed
}

CAF_TEST(a risk timeout rejects under the reject policy) {
  // A silent stand-in for AAPL's risk actor: the check never answers.
  auto silent = sys.spawn(silent_risk);
  caf::anon_send(find_directory(sys), register_atom::value, std::string{svc::risk},
                 std::string{"AAPL.XNAS"}, silent);
  sched.run();
  self->send(caf::actor_cast<gateway_actor>(gateway), order("t1", "AAPL", side::buy, 10, "228.50"));
  sched.run();
  CAF_CHECK(drain().events.empty()); // waiting on risk
  advance_time(50ms);
  auto c = drain();
  auto& rej = only(c, event_kind::rejected);
  CAF_CHECK_EQUAL(rej.code, reject_code::risk_timeout);
  // The check may still reserve when it finally runs: the gateway releases
  // what it gave up on, or the reservation would be held forever.
  size_t released = 0;
  auto h = self->request(silent, caf::infinite, get_state_atom::value);
  sched.run();
  h.receive([&](size_t n) { released = n; }, [&](caf::error& e) { CAF_FAIL(describe(e)); });
  CAF_CHECK_EQUAL(released, 1u);
  caf::anon_send_exit(silent, caf::exit_reason::user_shutdown);
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST_FIXTURE_SCOPE(desk_bypass_tests, bypass_fixture)

CAF_TEST(a risk timeout under bypass_and_flag trades on flagged and audited) {
  auto silent = sys.spawn(silent_risk);
  caf::anon_send(find_directory(sys), register_atom::value, std::string{svc::risk},
                 std::string{"AAPL.XNAS"}, silent);
  sched.run();
  self->send(caf::actor_cast<gateway_actor>(gateway), order("t2", "AAPL", side::buy, 10, "228.50"));
  sched.run();
  advance_time(50ms);
  auto c = drain();
  auto& acc = only(c, event_kind::accepted);
  CAF_CHECK(acc.flagged_for_review);
  CAF_CHECK_EQUAL(c.news.size(), 1u);
  // The flag is on the stored order and in the audit trail.
  auto snap = db->get<order_snapshot>(table::orders, order_key(acc.id));
  CAF_REQUIRE(snap);
  CAF_CHECK(snap->record.flagged_for_review);
  CAF_CHECK(snap->record.review_reason.find("timed out after 50 ms") != std::string::npos);
  size_t audits = 0;
  CAF_CHECK(!db->scan<audit_record>(table::audit, "", [&](std::string_view, stored<audit_record>& a) {
    if (a.record.kind == audit_kind::risk_bypass && a.record.order == acc.id)
      ++audits;
    return true;
  }));
  CAF_CHECK_EQUAL(audits, 1u);
  caf::anon_send_exit(silent, caf::exit_reason::user_shutdown);
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST_FIXTURE_SCOPE(desk_dangling_tests, dangling_fixture)

CAF_TEST(a retry of an id recorded before a crash processes the order once) {
  auto x = dangling_order();
  x.reply_to = caf::actor_cast<caf::actor>(self);
  auto c = submit(x);
  auto& acc = only(c, event_kind::accepted);
  CAF_CHECK_EQUAL(acc.id, order_id::make(1, 777)); // the id it was given
  CAF_REQUIRE_EQUAL(c.news.size(), 1u);
  // Now it exists: a second retry is a duplicate of that same order.
  auto again = submit(x);
  CAF_CHECK(again.news.empty());
  CAF_CHECK_EQUAL(only(again, event_kind::duplicate).id, order_id::make(1, 777));
}

CAF_TEST_FIXTURE_SCOPE_END()

// -- cluster: risk shards on another node ---------------------------------------

namespace {

/// This node (t1) runs the gateway and venues; every risk shard lives on node
/// r1. The test plays r1 joining by starting risk actors itself.
struct cluster_fixture : desk_fixture {
  explicit cluster_fixture(const std::string& policy) : desk_fixture("reject", false, {}, policy) {}

  caf::actor join_risk(const char* symbol) {
    auto rd = load_refdata_file(std::string{OM_SOURCE_DIR} + "/config/refdata.toml");
    auto inst = (*rd)->resolve(symbol);
    CAF_REQUIRE(inst);
    auto h = spawn_risk_actor(sys, **inst, limits, {""});
    sched.run();
    return h;
  }

  std::vector<position_snapshot> positions(const caf::actor& risk) {
    std::vector<position_snapshot> out;
    auto h = self->request(caf::actor_cast<risk_actor>(risk), caf::infinite, positions_atom::value);
    sched.run();
    h.receive([&](std::vector<position_snapshot>& v) { out = std::move(v); },
              [&](caf::error& e) { CAF_FAIL(describe(e)); });
    return out;
  }

  /// Advances the clock in 100 ms steps (the gateway retries held orders).
  collected wait(int steps) {
    collected all;
    for (int i = 0; i < steps; ++i) {
      sched.advance_time(100ms);
      auto c = drain();
      all.events.insert(all.events.end(), c.events.begin(), c.events.end());
      all.news.insert(all.news.end(), c.news.begin(), c.news.end());
    }
    return all;
  }
};

struct hold_fixture : cluster_fixture {
  hold_fixture() : cluster_fixture("hold") {}
};

struct reject_fixture : cluster_fixture {
  reject_fixture() : cluster_fixture("reject") {}
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(cluster_hold_tests, hold_fixture)

CAF_TEST(an order held for an unreachable risk shard trades once the shard joins) {
  auto c = submit(order("h-1", "AAPL", side::buy, 100, "228.50"));
  CAF_CHECK(c.events.empty()); // held: neither accepted nor rejected
  auto mid = wait(3);
  CAF_CHECK(mid.events.empty());
  join_risk("AAPL");
  auto after = wait(2);
  CAF_REQUIRE_EQUAL(after.news.size(), 1u);
  CAF_CHECK_EQUAL(after.events.front().kind, event_kind::accepted);
}

CAF_TEST(a held order is rejected naming the node once the hold times out) {
  submit(order("h-2", "MSFT", side::buy, 10, "431.20"));
  auto c = wait(12);
  CAF_REQUIRE_EQUAL(c.events.size(), 1u);
  auto& e = c.events.front();
  CAF_CHECK_EQUAL(e.kind, event_kind::rejected);
  CAF_CHECK_EQUAL(e.code, reject_code::node_unreachable);
  CAF_CHECK(e.message.find("lives on node r1, which is unreachable (held") != std::string::npos);
}

CAF_TEST(after its risk actor is replaced an order reports fills to the new one) {
  auto old_risk = join_risk("AAPL");
  auto c = submit(order("h-3", "AAPL", side::buy, 100, "228.50"));
  CAF_REQUIRE_EQUAL(c.news.size(), 1u);
  auto leg = c.news.front();
  report(leg, venue_report_kind::ack, 0, "0", 0, 100);
  drain();
  // Node r1 restarts: the old shard is gone, a new one rebuilds from the
  // orders (reserving the open 100) and takes the entry in the directory.
  self->send_exit(old_risk, caf::exit_reason::kill);
  sched.run();
  auto new_risk = join_risk("AAPL");
  report(leg, venue_report_kind::fill, 40, "228.50", 40, 60);
  drain();
  auto ps = positions(new_risk);
  CAF_REQUIRE_EQUAL(ps.size(), 1u);
  CAF_CHECK_EQUAL(ps[0].net_qty, quantity::from_units(40));
  CAF_CHECK_EQUAL(ps[0].reserved_buy_qty, quantity::from_units(60));
}

CAF_TEST(working legs at a lost venue node rebind to the venue once it is back) {
  submit(order("h-4", "AAPL", side::buy, 100, "228.50"));
  // No risk shard yet: held; let it join so the order reaches the venue.
  join_risk("AAPL");
  auto started = wait(2);
  CAF_REQUIRE_EQUAL(started.news.size(), 1u);
  auto leg = started.news.front();
  report(leg, venue_report_kind::ack, 0, "0", 0, 100);
  drain();
  // The venue's node returns as a new process: a new MOCK actor.
  caf::scoped_actor venue2{sys};
  caf::anon_send(find_directory(sys), register_atom::value, std::string{svc::venue},
                 std::string{"MOCK"}, caf::actor_cast<caf::actor>(venue2));
  // The node agent's notice, as it sends it: through the order supervisor.
  caf::actor pool;
  auto h = self->request(find_directory(sys), caf::infinite, resolve_atom::value,
                         std::string{svc::orders}, std::string{});
  sched.run();
  h.receive([&](caf::actor& p) { pool = p; }, [&](caf::error& e) { CAF_FAIL(describe(e)); });
  auto b = self->request(caf::actor_cast<sup::supervisor_actor>(pool), caf::infinite,
                         sup::broadcast_atom::value,
                         caf::make_message(venues_lost{{venue_id{"MOCK"}}}));
  sched.run();
  b.receive([&](uint64_t n) { CAF_CHECK_EQUAL(n, 1u); },
            [&](caf::error& e) { CAF_FAIL(describe(e)); });
  sched.advance_time(std::chrono::milliseconds(300));
  sched.run();
  venue_rebind rb;
  bool got = false;
  venue2->receive([&](venue_rebind& r) { rb = std::move(r); got = true; },
                  caf::after(std::chrono::seconds(0)) >> [] {});
  CAF_REQUIRE(got);
  CAF_CHECK_EQUAL(rb.id, leg.id);
  CAF_CHECK_EQUAL(rb.last_seq, 1u); // the ack it had applied
  // A restarted venue lost its book: it answers canceled.
  venue_report r;
  r.kind = venue_report_kind::canceled;
  r.id = leg.id;
  r.leg = 0;
  r.venue = venue_id{"MOCK"};
  r.seq = 2;
  r.leaves_qty = quantity{};
  venue2->send(rb.reply_to, r);
  auto end = drain();
  CAF_CHECK_EQUAL(only(end, event_kind::canceled).id, leg.id);
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST_FIXTURE_SCOPE(cluster_reject_tests, reject_fixture)

CAF_TEST(an order for an unreachable risk shard is rejected at once naming the node) {
  auto c = submit(order("r-1", "AAPL", side::buy, 100, "228.50"));
  CAF_REQUIRE_EQUAL(c.events.size(), 1u);
  CAF_CHECK_EQUAL(c.events.front().code, reject_code::node_unreachable);
  CAF_CHECK_EQUAL(c.events.front().message,
                  "risk: the risk shard of AAPL.XNAS lives on node r1, which is unreachable");
  CAF_CHECK(c.news.empty());
  // A shard that is back is used right away.
  join_risk("AAPL");
  auto ok = submit(order("r-2", "AAPL", side::buy, 100, "228.50"));
  CAF_CHECK_EQUAL(ok.news.size(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()

// -- a strategy whose gateway goes away -------------------------------------------

#include "actors/strategy/demo_strategy.hpp"

namespace {

struct strategy_fixture : test_coordinator_fixture<> {};

} // namespace

CAF_TEST_FIXTURE_SCOPE(strategy_tests, strategy_fixture)

CAF_TEST(a strategy whose gateway goes down stops and reports its open orders) {
  auto rd = load_refdata_file(std::string{OM_SOURCE_DIR} + "/config/refdata.toml");
  CAF_REQUIRE(rd);
  // Stands in for a gateway on another node: takes orders, never answers.
  auto gateway = sys.spawn([]() -> caf::behavior { return {[](const submit_order&) {}}; });
  demo_options o;
  o.cfg.orders = 1000;
  o.cfg.rate = 1000;
  o.refdata = *rd;
  o.gateway = gateway;
  o.report_to = caf::actor_cast<caf::actor>(self);
  spawn_demo_strategy(sys, o);
  sched.run();
  for (int i = 0; i < 20; ++i) { // 20 ms of sending
    sched.advance_time(std::chrono::milliseconds{1});
    sched.run();
  }
  self->send_exit(gateway, caf::exit_reason::remote_link_unreachable);
  sched.run();
  demo_result r;
  bool got = false;
  self->receive([&](demo_result& x) { r = std::move(x); got = true; },
                caf::after(std::chrono::seconds(0)) >> [] {});
  CAF_REQUIRE(got);
  CAF_CHECK(r.gateway_lost);
  CAF_CHECK(r.sent > 0);
  CAF_CHECK(r.sent < 1000); // stopped sending at once
  // Nothing was answered: every tracked order is open (deliberately bad
  // ones without a key to track them are not counted).
  CAF_CHECK(r.open_at_end >= r.sent - r.bad_sent);
  CAF_CHECK(r.open_at_end <= r.sent);
}

CAF_TEST_FIXTURE_SCOPE_END()
