#define CAF_SUITE wire.desk
#include <caf/test/unit_test.hpp>

#include "actors/wire/desk_types.hpp"
#include "runtime/wire/registry.hpp"
#include "round_trip.hpp"

#include <caf/all.hpp>

#include <set>

using namespace om;

namespace {

struct fixture : test::wire_fixture {
  fixture() : wire_fixture(register_desk_types) {}

  template <class T>
  bool check(const T& x, const char* name) {
    auto out = round_trip(caf::make_message(x));
    if (!out || !out->template match_elements<T>() || !(out->template get_as<T>(0) == x)) {
      CAF_ERROR(name << " does not survive the wire");
      return false;
    }
    return true;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(desk_wire_tests, fixture)

CAF_TEST(every desk message type round trips) {
  size_t n = 0;
#define OM_CHECK_TYPE(type, name) n += check(type{}, name) ? 1 : 0;
  OM_DESK_WIRE_TYPES(OM_CHECK_TYPE)
#undef OM_CHECK_TYPE
  CAF_CHECK_EQUAL(n, 46u);
}

CAF_TEST(populated desk messages round trip) {
  auto a = sys->spawn([]() -> caf::behavior { return {[](int) {}}; });
  submit_order s;
  s.strategy = strategy_id{"momo"};
  s.clordid = client_order_id{"c-1"};
  s.symbol = "AAPL US";
  s.side = side::sell;
  s.type = ord_type::limit;
  s.tif = time_in_force::ioc;
  s.qty = quantity::from_units(300);
  s.px = price::from_raw(22850000000);
  s.reply_to = a;
  check(s, "submit_order");
  // Cluster membership: a hello carries the services a node hosts, with
  // actor handles that become proxies on the receiving node.
  member_hello h;
  h.node = "n2";
  h.incarnation = 3;
  h.roles = {"risk"};
  h.started_ns = 1'700'000'000'000'000'000;
  h.pid = 4242;
  h.entries.push_back(directory_entry{"risk", "AAPL.XNAS", caf::actor_cast<caf::actor>(a), "n2"});
  h.agent = caf::actor_cast<caf::actor>(a);
  CAF_CHECK(check(h, "member_hello"));
  CAF_CHECK(check(venues_lost{{venue_id{"XSIM"}, venue_id{"LITX"}}}, "venues_lost"));
  venue_report r;
  r.kind = venue_report_kind::fill;
  r.id = order_id::make(2, 9);
  r.leg = 1;
  r.venue = venue_id{"XSIM"};
  r.seq = 7;
  r.last_qty = quantity::from_units(10);
  r.last_px = price::from_raw(100);
  r.liq = liquidity::maker;
  r.fee = money::from_raw(-5);
  r.reason = "x";
  r.exec_id = "E1";
  check(r, "venue_report");
  demo_result d;
  d.final_states["filled"] = 3;
  d.rejects["business/tick_size"] = 1;
  check(d, "demo_result");
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

CAF_TEST(desk and runtime wire names are unique) {
  std::set<std::string> names;
  size_t n = 0;
#define OM_NAME(type, name) names.insert(name), ++n;
  OM_WIRE_TYPES(OM_NAME)
  OM_DESK_WIRE_TYPES(OM_NAME)
#undef OM_NAME
  CAF_CHECK_EQUAL(names.size(), n);
}

CAF_TEST_FIXTURE_SCOPE_END()
