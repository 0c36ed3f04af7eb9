#define CAF_SUITE gateway.circuit_breaker
#include <caf/test/unit_test.hpp>

#include "actors/gateway/circuit_breaker.hpp"

using namespace om;

CAF_TEST(opens above the error share once enough outcomes are in) {
  circuit_breaker b{0.05, 60, 20};
  for (int i = 0; i < 19; ++i)
    CAF_CHECK(!b.record(100, true)); // 19 errors, but under min samples
  CAF_CHECK(b.record(100, true));    // the 20th trips it
  CAF_CHECK(b.open());
  CAF_CHECK_EQUAL(b.trips(), 1u);
}

CAF_TEST(stays closed at or under the ratio) {
  circuit_breaker b{0.05, 60, 20};
  for (int i = 0; i < 95; ++i)
    b.record(100, false);
  for (int i = 0; i < 5; ++i)
    CAF_CHECK(!b.record(100, true)); // 5 of 100 = 5%: not above
  CAF_CHECK(!b.open());
  CAF_CHECK(b.record(101, true)); // 6 of 101
}

CAF_TEST(closes when the errors age out of the window) {
  circuit_breaker b{0.05, 60, 20};
  for (int i = 0; i < 30; ++i)
    b.record(100, true);
  CAF_CHECK(b.open());
  CAF_CHECK(!b.poll(130)); // still in the window
  CAF_CHECK(b.poll(160));  // 60 s later the window is empty
  CAF_CHECK(!b.open());
  CAF_CHECK_EQUAL(b.outcomes(), 0u);
}

CAF_TEST(only pipeline failures count as downstream errors) {
  CAF_CHECK(circuit_breaker::is_downstream_error(reject_code::venue_rejected));
  CAF_CHECK(circuit_breaker::is_downstream_error(reject_code::risk_timeout));
  CAF_CHECK(!circuit_breaker::is_downstream_error(reject_code::tick_size));
  CAF_CHECK(!circuit_breaker::is_downstream_error(reject_code::net_position_limit));
}

CAF_TEST(scopes are independent: one instrument failing leaves the others closed) {
  breaker_board b{0.05, 60, 20};
  for (int i = 0; i < 200; ++i)
    CAF_CHECK(!b.record("instrument:MSFT.XNAS", 100, false));
  bool tripped = false;
  for (int i = 0; i < 20; ++i)
    tripped = b.record("instrument:KO.XNYS", 100, true) || tripped;
  CAF_CHECK(tripped);
  CAF_CHECK(b.open("instrument:KO.XNYS"));
  CAF_CHECK(!b.open("instrument:MSFT.XNAS"));
  CAF_CHECK(!b.open("instrument:AAPL.XNAS")); // never seen
  CAF_CHECK(b.any_open());
  CAF_CHECK_EQUAL(b.trips(), 1u);
  auto states = b.states();
  CAF_REQUIRE_EQUAL(states.size(), 2u);
  CAF_CHECK_EQUAL(states[0].scope, "instrument:KO.XNYS");
  CAF_CHECK(states[0].open);
  CAF_CHECK_EQUAL(states[0].errors, 20u);
  CAF_CHECK(!states[1].open);
  CAF_CHECK_EQUAL(states[1].outcomes, 200u);
  CAF_CHECK(b.poll(130).empty());
  auto closed = b.poll(161);
  CAF_REQUIRE_EQUAL(closed.size(), 1u);
  CAF_CHECK_EQUAL(closed[0], "instrument:KO.XNYS");
  CAF_CHECK(!b.any_open());
}

CAF_TEST(persistence failures are the store's, the rest the instrument's) {
  CAF_CHECK_EQUAL(circuit_breaker::scope_of(reject_code::persistence_failed, "KO.XNYS"), "store");
  CAF_CHECK_EQUAL(circuit_breaker::scope_of(reject_code::no_route, "KO.XNYS"), "instrument:KO.XNYS");
  CAF_CHECK_EQUAL(circuit_breaker::scope_of(reject_code::tick_size, "KO.XNYS"), "");
}

CAF_TEST(a few errors in little flow are noise not an outage) {
  circuit_breaker b{0.05, 60, 20, 5};
  for (int i = 0; i < 18; ++i)
    b.record(100, false);
  for (int i = 0; i < 4; ++i)
    CAF_CHECK(!b.record(100, true)); // 4 of 22 is 18%, but under 5 errors
  CAF_CHECK(!b.open());
  CAF_CHECK(b.record(100, true)); // the 5th error
}
