#define CAF_SUITE wire.desk
#include <caf/test/unit_test.hpp>

#include "actors/wire/desk_types.hpp"
#include "runtime/wire/registry.hpp"
#include "populate.hpp"
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
  CAF_CHECK_EQUAL(n, 93u);
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
  // What a store commit publishes: events per strategy, post-trade's share.
  order_events evs;
  for (int i = 0; i < 3; ++i) {
    order_event e;
    e.kind = i == 2 ? event_kind::filled : event_kind::acknowledged;
    e.id = order_id::make(2, 10 + i);
    e.clordid = client_order_id{"c-" + std::to_string(i)};
    e.cum_qty = quantity::from_units(i);
    evs.events.push_back(std::move(e));
  }
  CAF_CHECK(check(evs, "order_events"));
  trades_committed tc;
  fill_record f;
  f.order = order_id::make(2, 12);
  f.venue = venue_id{"XSIM"};
  f.qty = quantity::from_units(5);
  tc.fills.push_back(f);
  tc.acks.push_back(venue_ack_sample{venue_id{"XSIM"}, 4200});
  order_snapshot done;
  done.id = order_id::make(2, 12);
  done.state.status = ord_status::filled;
  tc.finished.push_back(done);
  CAF_CHECK(check(tc, "trades_committed"));
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

// Default values hide a field missing from an inspect; every field of the
// admin answers is set to something other than its default here.
CAF_TEST(populated admin answers round trip) {
  member_view m;
  m.id = "n2";
  m.number = 2;
  m.state = "down";
  m.self = true;
  m.roles = {"risk", "venue"};
  m.host = "10.0.0.2";
  m.port = 7102;
  m.incarnation = 5;
  m.pid = 77;
  m.uptime_ns = 11;
  m.since_ns = 12;
  m.clock_offset_ns = -13;
  m.rtt_ns = 14;
  m.ups = 3;
  m.downs = 2;
  m.connect_attempts = 9;
  m.last_down_reason = "heartbeat";
  m.agent_actor_id = 42;
  m.error = "x";
  CAF_CHECK(check(m, "member_view"));
  CAF_CHECK(check(cluster_view{"n1", {m, m}}, "cluster_view"));
  actor_view a;
  a.name = "order";
  a.kind = "transient";
  a.state = "running";
  a.actor_id = 7;
  a.restarts = 1;
  a.last_failure = "boom";
  a.last_failure_ns = 99;
  a.supervisor = 3;
  a.order_id = "O1-2";
  a.instrument = "AAPL.XNAS";
  a.order_state = "new";
  CAF_CHECK(check(a, "actor_view"));
  supervisor_view sv;
  sv.name = "orders";
  sv.strategy = "simple_one_for_one";
  sv.actor_id = 8;
  sv.restarts = 2;
  sv.mailbox = 4;
  sv.pool = true;
  sv.started = 10;
  sv.ended = 9;
  sv.live = 1;
  sv.by_state["new"] = 1;
  sv.children = {a};
  sv.orders = {a, a};
  sv.error = "late";
  CAF_CHECK(check(sv, "supervisor_view"));
  node_topology nt{m, {sv, sv}};
  CAF_CHECK(check(topology_view{"n1", {nt}}, "topology_view"));
  CAF_CHECK(check(order_query{"open", "momo", 5}, "order_query"));
  order_snapshot snap;
  snap.id = order_id::make(1, 2);
  snap.clordid = client_order_id{"c-1"};
  snap.strategy = strategy_id{"momo"};
  snap.instrument = instrument_id{"AAPL.XNAS"};
  snap.state.status = ord_status::partially_filled;
  snap.state.cum_qty = quantity::from_units(3);
  node_orders no{m, 17, {snap}};
  CAF_CHECK(check(orders_view{"n1", {no}}, "orders_view"));
  fill_record f;
  f.exec_id = "E1";
  f.order = snap.id;
  f.qty = quantity::from_units(3);
  f.px = price::from_raw(5);
  f.late = true;
  order_detail d{"n1", fence{4, 6}, snap, {f}, "none"};
  CAF_CHECK(check(d, "order_detail"));
  position_snapshot p;
  p.strategy = strategy_id{"momo"};
  p.net_qty = quantity::from_units(-4);
  CAF_CHECK(check(risk_view{"AAPL.XNAS", "n2", 9, true, true, {p}}, "risk_view"));
  venue_counters vc{venue_id{"XFIX"}, 1, 2, 3, 4, 5, "FIX.4.4:DESK->XFIX", "logged_on",
                    "none", 2, {"F", "H"}, {"O1-2/0"}, 6, 7, 8, -90000};
  venue_view vv{"XFIX", "fix", "n2", "up", 3, true, vc, "e"};
  CAF_CHECK(check(venue_availability_changed{venue_id{"XFIX"}, false, "logon refused"},
                  "venue_availability_changed"));
  CAF_CHECK(check(manual_order{"manual", "AAPL", side::sell, ord_type::limit, time_in_force::ioc,
                               quantity::from_units(5), price::from_units(10), "alice", "FIXA"},
                  "manual_order"));
  CAF_CHECK(check(manual_amend{order_id::make(1, 9), quantity::from_units(3),
                               price::from_units(11), "bob"},
                  "manual_amend"));
  CAF_CHECK(check(manual_result{"cancel", order_id::make(1, 9), "c-1", "manual", "canceled",
                                "canceled", "m"},
                  "manual_result"));
  CAF_CHECK(check(venues_view{{vv}}, "venues_view"));
  CAF_CHECK(check(kill_switch_report{false, "momo", 3, {gateway_kill{"n1", 3, 8, "w", "e"}}},
                  "kill_switch_report"));
  audit_record h;
  h.sequence = 8;
  h.at_ns = 9;
  h.kind = audit_kind::kill_switch;
  h.actor = "alice";
  h.order = snap.id;
  h.strategy = strategy_id{"momo"};
  h.instrument = instrument_id{"AAPL.XNAS"};
  h.detail = "halt momo: runaway";
  breaker_state b{"instrument:KO.XNYS", true, 20, 21, 2};
  CAF_CHECK(check(b, "breaker_state"));
  order_execution oe{order_id::make(3, 9), quantity::from_units(7), 2};
  CAF_CHECK(check(oe, "order_execution"));
  CAF_CHECK(check(venue_executions{venue_id{"XSIM"}, {oe, oe}, true}, "venue_executions"));
  CAF_CHECK(check(gateway_controls_state{{h}, {b}}, "gateway_controls_state"));
  CAF_CHECK(check(controls_view{{gateway_controls{"n1", {h}, {b}, "e"}}}, "controls_view"));
  CAF_CHECK(check(set_control{h}, "set_control"));
  CAF_CHECK(check(kill_switch{strategy_id{"momo"}, false, "alice", "fixed"}, "kill_switch"));
  CAF_CHECK(check(kill_switch_result{4, 8, "not durable"}, "kill_switch_result"));
}

CAF_TEST(every wire type round trips populated and has all its members on the wire) {
  size_t checked = 0, skipped = 0;
  auto sample = sys->spawn([]() -> caf::behavior { return {[](int) {}}; });
  test::sample_actor() = sample;
  auto one = [&](auto tag, const char* name) {
    using T = typename decltype(tag)::type_t;
    if constexpr (test::has_fields<T>::value) {
      if (!test::layout_matches<T>())
        CAF_ERROR(name << ": sizeof is " << sizeof(T) << " but its OM_FIELDS lay out in "
                       << test::fields_size<T>() << " bytes: a member is missing from OM_FIELDS");
      T x{};
      test::populate(x);
      if (!std::is_empty_v<T> && !test::populated_differs(x))
        CAF_ERROR(name << ": populating changed nothing");
      checked += check(x, name) ? 1 : 0;
    } else {
      ++skipped; // ids and fixed-point with their own inspect: wire_test covers them
      checked += check(T{}, name) ? 1 : 0;
    }
  };
#define OM_ONE(type, name) one(test::type_tag<type>{}, name);
  OM_WIRE_TYPES(OM_ONE)
  OM_DESK_WIRE_TYPES(OM_ONE)
#undef OM_ONE
  size_t n = 0;
#define OM_COUNT(type, name) ++n;
  OM_WIRE_TYPES(OM_COUNT)
  OM_DESK_WIRE_TYPES(OM_COUNT)
#undef OM_COUNT
  CAF_CHECK_EQUAL(checked, n);
  CAF_MESSAGE(checked << " types round-tripped, " << (checked - skipped) << " populated field by field");
  test::sample_actor() = nullptr;
  caf::anon_send_exit(sample, caf::exit_reason::user_shutdown);
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
