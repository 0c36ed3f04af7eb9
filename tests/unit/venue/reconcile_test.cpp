#define CAF_SUITE venue.reconcile
#include <caf/test/unit_test.hpp>

#include "actors/venue/reconcile.hpp"

using namespace om;

namespace {

quantity q(int64_t n) { return quantity::from_units(n); }

venue_executions ledger(const char* venue, std::vector<order_execution> xs) {
  return venue_executions{venue_id{venue}, std::move(xs), false};
}

} // namespace

CAF_TEST(matching sides have no breaks) {
  std::map<uint64_t, quantity> desk{{1, q(100)}, {2, q(0)}, {3, q(60)}};
  auto r = reconcile(desk, {ledger("XSIM", {{order_id{1}, q(60), 2}, {order_id{3}, q(60), 1}}),
                            ledger("LITX", {{order_id{1}, q(40), 1}})});
  CAF_CHECK(r.breaks.empty());
  CAF_CHECK_EQUAL(r.orders_compared, 2u); // order 2: nothing on either side
  CAF_CHECK_EQUAL(r.venue_fills, 4u);
  CAF_CHECK_EQUAL(r.venue_qty, q(160));
  CAF_CHECK_EQUAL(r.desk_qty, q(160));
}

CAF_TEST(a fill the desk refused is a break) {
  // The venue executed 100 of order 7 while a cancel was pending; the desk
  // recorded nothing (canceled with cum 0).
  std::map<uint64_t, quantity> desk{{7, q(0)}, {8, q(50)}};
  auto r = reconcile(desk, {ledger("XSIM", {{order_id{7}, q(100), 1}, {order_id{8}, q(50), 1}})});
  CAF_REQUIRE_EQUAL(r.breaks.size(), 1u);
  CAF_CHECK_EQUAL(r.breaks[0].id.value, 7u);
  CAF_CHECK_EQUAL(r.breaks[0].desk_qty, q(0));
  CAF_CHECK_EQUAL(r.breaks[0].venue_qty, q(100));
  CAF_CHECK_EQUAL(r.breaks[0].venues, "XSIM");
}

CAF_TEST(a fill counted twice or never executed is a break) {
  std::map<uint64_t, quantity> desk{{1, q(200)}, {2, q(30)}};
  auto r = reconcile(desk, {ledger("XSIM", {{order_id{1}, q(100), 1}})});
  CAF_CHECK_EQUAL(r.breaks.size(), 2u);
}

CAF_TEST(executions of orders out of scope are counted not broken unless all are in scope) {
  std::map<uint64_t, quantity> desk{{1, q(10)}};
  auto venues = std::vector<venue_executions>{
    ledger("XSIM", {{order_id{1}, q(10), 1}, {order_id{99}, q(5), 1}})};
  auto r = reconcile(desk, venues);
  CAF_CHECK(r.breaks.empty());
  CAF_CHECK_EQUAL(r.out_of_scope, 1u);
  auto all = reconcile(desk, venues, true);
  CAF_REQUIRE_EQUAL(all.breaks.size(), 1u);
  CAF_CHECK_EQUAL(all.breaks[0].id.value, 99u);
}

CAF_TEST(a truncated ledger makes the result partial) {
  auto v = ledger("XSIM", {});
  v.truncated = true;
  CAF_CHECK(reconcile({}, {v}).partial);
}
