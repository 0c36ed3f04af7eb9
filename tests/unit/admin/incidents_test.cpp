#define CAF_SUITE incidents
#include <caf/test/unit_test.hpp>

#include "actors/admin/incidents.hpp"

using namespace om;

namespace {

constexpr int64_t s = 1'000'000'000;
constexpr int64_t t0 = 1'796'400'000 * s;

node_metrics at(int64_t t) {
  node_metrics m;
  m.node = "n1";
  m.taken_ns = t;
  m.has_store = true;
  m.has_gateway = true;
  m.clock_offset_alert_ns = 10'000'000;
  m.has_topology = true;
  supervisor_view pool;
  pool.name = "orders";
  pool.pool = true;
  m.topology.supervisors = {pool};
  return m;
}

void unacked(node_metrics& m, uint64_t n, int64_t waited_ns) {
  m.topology.supervisors[0].unacked = n;
  m.topology.supervisors[0].oldest_unacked_ns = waited_ns;
}

venue_counters venue(const char* id, const char* session = "") {
  venue_counters v;
  v.venue = venue_id{id};
  v.session_state = session;
  return v;
}

} // namespace

CAF_TEST(an unacknowledged order opens a paging incident that resolves when acked) {
  incident_log log{"n1"};
  auto m = at(t0);
  unacked(m, 3, 1 * s); // under the 2 s threshold
  CAF_CHECK(log.observe(m).empty());
  m = at(t0 + 2 * s);
  unacked(m, 3, 3 * s);
  auto opened = log.observe(m);
  CAF_REQUIRE_EQUAL(opened.size(), 1u);
  CAF_CHECK_EQUAL(opened[0].kind, "unacked_orders");
  CAF_CHECK(opened[0].paging);
  CAF_CHECK_EQUAL(opened[0].resolved_ns, 0);
  CAF_CHECK(opened[0].detail.find("3 order(s)") != std::string::npos);
  // Still there a second later: refreshed in memory, not written again.
  m = at(t0 + 3 * s);
  unacked(m, 2, 4 * s);
  CAF_CHECK(log.observe(m).empty());
  CAF_CHECK_EQUAL(log.list(10)[0].observations, 2u);
  CAF_CHECK(log.list(10)[0].detail.find("2 order(s)") != std::string::npos);
  // Acknowledged: resolved, and kept in the list.
  auto resolved = log.observe(at(t0 + 4 * s));
  CAF_REQUIRE_EQUAL(resolved.size(), 1u);
  CAF_CHECK_EQUAL(resolved[0].resolved_ns, t0 + 4 * s);
  CAF_CHECK_EQUAL(log.open_count(), 0u);
  CAF_CHECK_EQUAL(log.list(10).size(), 1u);
}

CAF_TEST(counter incidents open on a rise and resolve after a quiet time) {
  incident_log log{"n1"};
  auto m = at(t0);
  m.store.failed_batches = 0;
  m.venues = {venue("FIXA", "logged_on")};
  CAF_CHECK(log.observe(m).empty());
  m.taken_ns = t0 + s;
  m.store.failed_batches = 2;
  m.venues[0].foreign_reports = 1;
  auto opened = log.observe(m);
  CAF_REQUIRE_EQUAL(opened.size(), 2u);
  CAF_CHECK_EQUAL(opened[0].kind, "reconciliation_difference");
  CAF_CHECK_EQUAL(opened[0].subject, "FIXA");
  CAF_CHECK_EQUAL(opened[1].kind, "store_write_failed");
  CAF_CHECK(opened[0].paging && opened[1].paging);
  // No new failure: still open within the quiet time, resolved after it.
  m.taken_ns = t0 + 60 * s;
  CAF_CHECK(log.observe(m).empty());
  CAF_CHECK_EQUAL(log.open_count(), 2u);
  m.taken_ns = t0 + 400 * s;
  CAF_CHECK_EQUAL(log.observe(m).size(), 2u);
  CAF_CHECK_EQUAL(log.open_count(), 0u);
}

CAF_TEST(health conditions are tickets and one per subject) {
  incident_log log{"n1"};
  auto m = at(t0);
  m.venues = {venue("FIXA", "logon_refused"), venue("XSIM")}; // XSIM: simulated
  m.venues[0].last_error = "wrong CompID";
  m.gateway.breakers = {{"instrument:AAPL.XNAS", true, 9, 10, 1}};
  member_view self_view, n2, n3;
  self_view.id = "n1";
  self_view.self = true;
  self_view.state = "up";
  n2.id = "n2";
  n2.state = "down";
  n2.last_down_reason = "heartbeat timeout";
  n3.id = "n3";
  n3.state = "up";
  n3.clock_offset_ns = -25'000'000;
  m.members = {self_view, n2, n3};
  m.errors = {"store: timeout"};
  auto opened = log.observe(m);
  CAF_REQUIRE_EQUAL(opened.size(), 5u);
  for (auto& r : opened)
    CAF_CHECK(!r.paging);
  std::vector<std::string> kinds;
  for (auto& r : opened)
    kinds.push_back(r.kind + "/" + r.subject);
  CAF_CHECK_EQUAL(kinds, (std::vector<std::string>{"breaker_open/instrument:AAPL.XNAS",
                                                   "clock_offset/n3", "part_not_answering/store",
                                                   "peer_down/n2", "venue_session_down/FIXA"}));
}

CAF_TEST(a stored log continues its ids and resolves what cleared while down) {
  incident_log before{"n1"};
  auto m = at(t0);
  m.venues = {venue("FIXA", "logged_on")};
  m.venues[0].unknown_legs = {"O1-7/0"};
  unacked(m, 1, 5 * s);
  auto stored = before.observe(m);
  CAF_REQUIRE_EQUAL(stored.size(), 2u);
  incident_log after{"n1"};
  after.load(stored);
  CAF_CHECK_EQUAL(after.open_count(), 2u);
  // After the restart the leg is still unknown, the order was acked.
  auto m2 = at(t0 + 30 * s);
  m2.venues = {venue("FIXA", "logged_on")};
  m2.venues[0].unknown_legs = {"O1-7/0"};
  auto changes = after.observe(m2);
  CAF_REQUIRE_EQUAL(changes.size(), 1u);
  CAF_CHECK_EQUAL(changes[0].kind, "unacked_orders");
  CAF_CHECK_EQUAL(changes[0].resolved_ns, t0 + 30 * s);
  CAF_CHECK_EQUAL(after.open_count(), 1u);
  // A new incident takes the next id.
  m2.taken_ns += s;
  m2.store.failed_batches = 1;
  auto next = after.observe(m2);
  CAF_REQUIRE_EQUAL(next.size(), 1u);
  CAF_CHECK_EQUAL(next[0].id, 3u);
  // The list: open first (newest first), then resolved.
  auto l = after.list(10);
  CAF_REQUIRE_EQUAL(l.size(), 3u);
  CAF_CHECK_EQUAL(l[0].kind, "store_write_failed");
  CAF_CHECK_EQUAL(l[1].kind, "unknown_legs");
  CAF_CHECK_EQUAL(l[2].kind, "unacked_orders");
}

CAF_TEST(the log keeps open incidents and drops the oldest resolved beyond its size) {
  incident_policy p;
  p.keep = 3;
  incident_log log{"n1", p};
  for (int i = 0; i < 5; ++i) {
    auto m = at(t0 + i * 2 * s);
    m.errors = {"part" + std::to_string(i) + ": timeout"};
    log.observe(m);
  }
  auto l = log.list(10);
  CAF_CHECK_EQUAL(l.size(), 3u);
  CAF_CHECK_EQUAL(l[0].subject, "part4"); // the open one
  CAF_CHECK_EQUAL(l[0].resolved_ns, 0);
}
