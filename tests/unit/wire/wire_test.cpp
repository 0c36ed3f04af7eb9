#define CAF_SUITE wire
#include <caf/test/unit_test.hpp>

#include "runtime/wire/registry.hpp"
#include "round_trip.hpp"
#include "samples.hpp"

#include <caf/all.hpp>

#include <set>

using namespace om;

namespace {

template <class T>
struct tag {};

// One fully populated sample per wire type. A type added to OM_WIRE_TYPES
// without a sample here does not compile.
instrument_id sample(tag<instrument_id>) { return instrument_id{"AAPL.XNAS"}; }
client_order_id sample(tag<client_order_id>) { return client_order_id{"c-1"}; }
strategy_id sample(tag<strategy_id>) { return strategy_id{"momo"}; }
venue_id sample(tag<venue_id>) { return venue_id{"XSIM"}; }
node_id sample(tag<node_id>) { return node_id{"n2"}; }
order_id sample(tag<order_id>) { return order_id::make(2, 77); }
price sample(tag<price>) { return price::from_raw(-123456789); }
quantity sample(tag<quantity>) { return quantity::from_raw(987654321); }
money sample(tag<money>) { return money::from_raw(-42); }
basis_points sample(tag<basis_points>) { return basis_points::from_raw(-20); }
side sample(tag<side>) { return side::sell; }
ord_status sample(tag<ord_status>) { return ord_status::pending_replace; }
instrument sample(tag<instrument>) {
  instrument i;
  i.id = instrument_id{"BRK.B.XNYS"};
  i.symbol = "BRK.B";
  i.aliases = {"BRK/B", "BRK.B US"};
  i.name = "Berkshire B";
  i.cls = asset_class::equity;
  i.exchange = "XNYS";
  i.currency = "USD";
  i.sector = "Financials";
  i.country = "US";
  i.tick_size = price::from_raw(1000000);
  i.lot_size = quantity::from_units(1);
  i.adv = quantity::from_units(3600000);
  i.prev_close = price::from_raw(46735000000);
  i.price_band_bps = 800;
  i.status = trading_status::halted;
  return i;
}
order_state sample(tag<order_state>) { return test::sample_order().state; }
stage_times sample(tag<stage_times>) { return test::sample_order().stages; }
child_order sample(tag<child_order>) { return test::sample_order().children.front(); }
order_snapshot sample(tag<order_snapshot>) { return test::sample_order(); }
position_snapshot sample(tag<position_snapshot>) { return test::sample_position(); }
idempotency_record sample(tag<idempotency_record>) { return test::sample_idempotency(); }
audit_record sample(tag<audit_record>) { return test::sample_audit(); }
fill_record sample(tag<fill_record>) { return test::sample_fill(); }
fence sample(tag<fence>) { return fence{7, 99}; }
venue_stats_bucket sample(tag<venue_stats_bucket>) { return test::sample_venue_stats(); }
venue_totals sample(tag<venue_totals>) { return test::sample_venue_stats().totals; }
incident_record sample(tag<incident_record>) { return test::sample_incident(); }
sup::child_info sample(tag<sup::child_info>) {
  sup::child_info c;
  c.name = "risk-AAPL";
  c.kind = sup::child_kind::transient;
  c.state = sup::child_state::restarting;
  c.actor_id = 17;
  c.node = "n2";
  c.restarts = 3;
  c.last_failure = "invalid_argument: boom";
  c.last_failure_ns = 1'763'600'000'000'000'000;
  c.is_supervisor = true;
  return c;
}
sup::supervisor_report sample(tag<sup::supervisor_report>) {
  sup::supervisor_report r;
  r.name = "risk-sup";
  r.strat = sup::strategy::rest_for_one;
  r.max_restarts = 5;
  r.period_ns = 5'000'000'000;
  r.total_restarts = 9;
  r.shutting_down = true;
  r.dynamic_started = 11;
  r.dynamic_ended = 4;
  r.children = {sample(tag<sup::child_info>{}), sup::child_info{}};
  return r;
}

struct fixture : test::wire_fixture {
  fixture() : wire_fixture(register_wire_types) {}

  template <class T>
  void check(const char* name) {
    auto x = sample(tag<T>{});
    auto out = round_trip(caf::make_message(x));
    if (!out) {
      CAF_ERROR(name << ": " << sys->render(out.error()));
      return;
    }
    if (!out->template match_elements<T>()) {
      CAF_ERROR(name << ": came back as another type");
      return;
    }
    if (!(out->template get_as<T>(0) == x))
      CAF_ERROR(name << ": changed in transit");
    // A vector of it is registered too (CAF adds std::vector<T>).
    std::vector<T> xs{x, x};
    auto vout = round_trip(caf::make_message(xs));
    if (!vout || !vout->template match_elements<std::vector<T>>()
        || !(vout->template get_as<std::vector<T>>(0) == xs))
      CAF_ERROR(name << ": vector round trip failed");
  }
};

struct unregistered {
  int x = 0;
  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, unregistered& u) {
    return f(caf::meta::type_name("om.unregistered"), u.x);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(wire_tests, fixture)

CAF_TEST(every registered type round trips through the binary serializer) {
  size_t n = 0;
#define OM_CHECK_TYPE(type, name)                                                      \
  check<type>(name);                                                                   \
  ++n;
  OM_WIRE_TYPES(OM_CHECK_TYPE)
#undef OM_CHECK_TYPE
  CAF_CHECK_EQUAL(n, 27u);
}

CAF_TEST(wire names are unique) {
  std::set<std::string> names;
  size_t n = 0;
#define OM_NAME(type, name)                                                            \
  names.insert(name);                                                                  \
  ++n;
  OM_WIRE_TYPES(OM_NAME)
#undef OM_NAME
  CAF_CHECK_EQUAL(names.size(), n);
}

CAF_TEST(an unregistered type cannot cross the wire) {
  // The failure registration prevents: the sender succeeds, the receiver
  // gets an error or an empty message instead of the value.
  auto out = round_trip(caf::make_message(unregistered{5}));
  CAF_CHECK(!out || !out->match_elements<unregistered>());
}

CAF_TEST(ordermesh errors cross the wire with their detail) {
  auto err = make_error(errc::stale_write, "orders/O1-5: fence 1/2 is not newer than 1/3");
  auto out = round_trip(caf::make_message(err));
  CAF_REQUIRE(out);
  CAF_REQUIRE(out->match_elements<caf::error>());
  auto back = out->get_as<caf::error>(0);
  CAF_CHECK_EQUAL(code_of(back), errc::stale_write);
  CAF_CHECK_EQUAL(detail_of(back), "orders/O1-5: fence 1/2 is not newer than 1/3");
  CAF_CHECK_EQUAL(sys->render(back), "stale_write: orders/O1-5: fence 1/2 is not newer than 1/3");
}

CAF_TEST(a live actor handle inside a report survives the round trip) {
  auto a = sys->spawn([]() -> caf::behavior { return {[](int x) { return x; }}; });
  auto r = sample(tag<sup::supervisor_report>{});
  r.children[0].handle = a;
  auto out = round_trip(caf::make_message(r));
  CAF_REQUIRE(out);
  CAF_CHECK(out->get_as<sup::supervisor_report>(0).children[0].handle == a);
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
}

CAF_TEST_FIXTURE_SCOPE_END()
