#define CAF_SUITE model.order_state
#include <caf/test/unit_test.hpp>

#include "runtime/model/order_state.hpp"

#include <string>
#include <vector>

using namespace om;

namespace {

price px(const char* s) { return *price::parse(s); }
quantity qty(const char* s) { return *quantity::parse(s); }

order_state run(const order_state& s0, const std::vector<lifecycle_event>& evs) {
  auto s = s0;
  for (auto& ev : evs) {
    auto t = apply_event(s, ev);
    if (!t) {
      CAF_FAIL("setup event " << event_name(ev) << " failed: " << describe(t.error()));
    }
    s = t->next;
  }
  return s;
}

order_state fresh() {
  return *submit(order_terms{side::buy, ord_type::limit, time_in_force::day, qty("100"),
                             px("10")});
}

// Canonical event list, the columns of the table below.
std::vector<lifecycle_event> all_events() {
  return {venue_ack{},     venue_reject{"no"},          fill{qty("10"), px("10")},
          cancel_request{}, cancel_ack{},               cancel_reject{"too late"},
          replace_request{qty("150"), px("10.5")},     replace_ack{},
          replace_reject{"no"}, unsolicited_cancel{"ioc"}, expire{}};
}

// Expected outcome: a status name, "E" illegal transition, "O" overfill,
// "N" accepted no-op (state unchanged, exec none).
struct row {
  const char* name;
  std::vector<lifecycle_event> setup;
  std::vector<const char*> expect; // one per event in all_events()
};

} // namespace

CAF_TEST(every state and event pair) {
  std::vector<row> table{
    {"pending_new", {},
     {"new", "rejected", "partially_filled", "pending_cancel", "E", "E", "E", "E", "E",
      "canceled", "expired"}},
    {"new", {venue_ack{}},
     {"E", "E", "partially_filled", "pending_cancel", "E", "E", "pending_replace", "E", "E",
      "canceled", "expired"}},
    {"partially_filled", {venue_ack{}, fill{qty("40"), px("10")}},
     {"E", "E", "partially_filled", "pending_cancel", "E", "E", "pending_replace", "E", "E",
      "canceled", "expired"}},
    {"filled", {venue_ack{}, fill{qty("100"), px("10")}},
     {"E", "E", "O", "E", "E", "N", "E", "E", "N", "E", "E"}},
    {"pending_cancel(from pending_new)", {cancel_request{}},
     {"pending_cancel", "rejected", "pending_cancel", "E", "canceled", "pending_new", "E", "E",
      "E", "canceled", "expired"}},
    {"pending_cancel(from new)", {venue_ack{}, cancel_request{}},
     {"E", "E", "pending_cancel", "E", "canceled", "new", "E", "E", "E", "canceled",
      "expired"}},
    {"pending_cancel(from partially_filled)",
     {venue_ack{}, fill{qty("40"), px("10")}, cancel_request{}},
     {"E", "E", "pending_cancel", "E", "canceled", "partially_filled", "E", "E", "E",
      "canceled", "expired"}},
    {"canceled", {venue_ack{}, cancel_request{}, cancel_ack{}},
     {"E", "E", "canceled", "E", "E", "N", "E", "E", "N", "E", "E"}},
    {"pending_replace(from new)", {venue_ack{}, replace_request{qty("150"), px("10.5")}},
     {"E", "E", "pending_replace", "E", "E", "E", "E", "new", "new", "canceled", "expired"}},
    {"pending_replace(from partially_filled)",
     {venue_ack{}, fill{qty("40"), px("10")}, replace_request{qty("150"), px("10.5")}},
     {"E", "E", "pending_replace", "E", "E", "E", "E", "partially_filled",
      "partially_filled", "canceled", "expired"}},
    {"rejected", {venue_reject{"bad"}},
     {"E", "E", "E", "E", "E", "N", "E", "E", "N", "E", "E"}},
    {"expired", {venue_ack{}, expire{}},
     {"E", "E", "expired", "E", "E", "N", "E", "E", "N", "E", "E"}},
  };
  auto events = all_events();
  size_t checked = 0;
  for (auto& r : table) {
    auto start = run(fresh(), r.setup);
    CAF_REQUIRE_EQUAL(r.expect.size(), events.size());
    for (size_t i = 0; i < events.size(); ++i) {
      std::string want = r.expect[i];
      auto got = apply_event(start, events[i]);
      std::string what = std::string{r.name} + " + " + event_name(events[i]);
      if (want == "E" || want == "O") {
        auto code = want == "E" ? errc::illegal_transition : errc::overfill;
        if (got) {
          CAF_ERROR(what << ": expected error, got " << to_string(got->next.status));
        } else if (code_of(got.error()) != code) {
          CAF_ERROR(what << ": wrong error " << describe(got.error()));
        }
      } else if (!got) {
        CAF_ERROR(what << ": unexpected error " << describe(got.error()));
      } else if (want == "N") {
        CAF_CHECK(got->next == start);
        CAF_CHECK_EQUAL(got->exec, exec_type::none);
      } else if (to_string(got->next.status) != want) {
        CAF_ERROR(what << ": expected " << want << ", got " << to_string(got->next.status));
      }
      ++checked;
    }
  }
  CAF_CHECK_EQUAL(checked, 12u * 11u);
}

CAF_TEST(quantities and average price stay exact) {
  auto s = run(fresh(), {venue_ack{}, fill{qty("30"), px("10.01")},
                         fill{qty("30"), px("10.02")}, fill{qty("40"), px("10.03")}});
  CAF_CHECK_EQUAL(s.status, ord_status::filled);
  CAF_CHECK_EQUAL(s.cum_qty, qty("100"));
  CAF_CHECK_EQUAL(s.leaves_qty, quantity{});
  CAF_CHECK_EQUAL(s.avg_px(), px("10.021")); // (300.3+300.6+401.2)/100
  CAF_CHECK_EQUAL(s.fill_count, 3u);
}

CAF_TEST(overfill is refused and changes nothing) {
  auto s = run(fresh(), {venue_ack{}, fill{qty("60"), px("10")}});
  auto before = s;
  auto r = apply_event(s, fill{qty("41"), px("10")});
  CAF_REQUIRE(!r);
  CAF_CHECK_EQUAL(code_of(r.error()), errc::overfill);
  CAF_CHECK(s == before);
  CAF_CHECK_EQUAL(code_of(apply_event(s, fill{qty("0"), px("10")}).error()), errc::invalid_argument);
}

CAF_TEST(fill completing the order while a cancel is pending) {
  auto s = run(fresh(), {venue_ack{}, fill{qty("40"), px("10")}, cancel_request{}});
  auto t = apply_event(s, fill{qty("60"), px("10")});
  CAF_REQUIRE(t);
  CAF_CHECK_EQUAL(t->next.status, ord_status::filled);
  CAF_CHECK_EQUAL(t->exec, exec_type::trade);
  // The cancel lost the race: its reject is a no-op.
  auto r = apply_event(t->next, cancel_reject{"order filled"});
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->next.status, ord_status::filled);
  CAF_CHECK_EQUAL(r->exec, exec_type::none);
}

CAF_TEST(cancel reject restores the previous state) {
  auto s = run(fresh(), {venue_ack{}, cancel_request{}, fill{qty("25"), px("10")}});
  CAF_CHECK_EQUAL(s.status, ord_status::pending_cancel);
  auto r = apply_event(s, cancel_reject{"too late"});
  CAF_REQUIRE(r);
  // A fill arrived while pending: we go back to partially_filled, not new.
  CAF_CHECK_EQUAL(r->next.status, ord_status::partially_filled);
  CAF_CHECK_EQUAL(r->exec, exec_type::cancel_rejected);
  CAF_CHECK_EQUAL(r->next.leaves_qty, qty("75"));
}

CAF_TEST(cancel before ack then ack then cancel reject) {
  auto s = run(fresh(), {cancel_request{}, venue_ack{}});
  CAF_CHECK_EQUAL(s.status, ord_status::pending_cancel);
  auto r = apply_event(s, cancel_reject{"no"});
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->next.status, ord_status::new_order);
}

CAF_TEST(replace changes terms and keeps fills) {
  auto s = run(fresh(), {venue_ack{}, fill{qty("40"), px("10")},
                         replace_request{qty("150"), px("10.5")}});
  CAF_CHECK_EQUAL(s.pending_qty, qty("150"));
  auto r = apply_event(s, replace_ack{});
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->exec, exec_type::replaced);
  CAF_CHECK_EQUAL(r->next.status, ord_status::partially_filled);
  CAF_CHECK_EQUAL(r->next.order_qty, qty("150"));
  CAF_CHECK_EQUAL(r->next.leaves_qty, qty("110"));
  CAF_CHECK_EQUAL(r->next.limit_px, px("10.5"));
  CAF_CHECK_EQUAL(r->next.pending_qty, quantity{});
}

CAF_TEST(replace lowering quantity to the filled quantity ends the order) {
  auto s = run(fresh(), {venue_ack{}, fill{qty("40"), px("10")},
                         replace_request{qty("40"), px("10")}});
  auto r = apply_event(s, replace_ack{});
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->next.status, ord_status::filled);
  CAF_CHECK_EQUAL(r->next.order_qty, qty("40"));
  CAF_CHECK_EQUAL(r->next.leaves_qty, quantity{});
  // Below the filled quantity: the order ends at what traded.
  s = run(fresh(), {venue_ack{}, fill{qty("40"), px("10")},
                    replace_request{qty("30"), px("10")}});
  r = apply_event(s, replace_ack{});
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->next.status, ord_status::filled);
  CAF_CHECK_EQUAL(r->next.order_qty, qty("40"));
}

CAF_TEST(fill racing a replace that lowers quantity) {
  // Replace 100 -> 50 in flight; venue fills 60 against the original order.
  auto s = run(fresh(), {venue_ack{}, replace_request{qty("50"), px("10")},
                         fill{qty("60"), px("10")}});
  CAF_CHECK_EQUAL(s.status, ord_status::pending_replace);
  CAF_CHECK_EQUAL(s.restore_status, ord_status::partially_filled);
  auto r = apply_event(s, replace_ack{});
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->next.status, ord_status::filled);
  CAF_CHECK_EQUAL(r->next.order_qty, qty("60"));
  CAF_CHECK_EQUAL(r->next.cum_qty, qty("60"));
}

CAF_TEST(late fill after cancel ack is booked and flagged) {
  auto s = run(fresh(), {venue_ack{}, fill{qty("40"), px("10")}, cancel_request{},
                         cancel_ack{}});
  CAF_CHECK_EQUAL(s.leaves_qty, quantity{});
  auto r = apply_event(s, fill{qty("10"), px("10.02")});
  CAF_REQUIRE(r);
  CAF_CHECK(r->late);
  CAF_CHECK_EQUAL(r->next.status, ord_status::canceled);
  CAF_CHECK_EQUAL(r->next.cum_qty, qty("50"));
  CAF_CHECK_EQUAL(r->next.late_fill_count, 1u);
  CAF_CHECK_EQUAL(r->next.leaves_qty, quantity{});
  // Still never above the order quantity.
  CAF_CHECK_EQUAL(code_of(apply_event(r->next, fill{qty("51"), px("10")}).error()), errc::overfill);
}

CAF_TEST(submit validates terms) {
  auto bad_qty = submit({side::buy, ord_type::limit, time_in_force::day, qty("0"), px("1")});
  CAF_REQUIRE(!bad_qty);
  CAF_CHECK_EQUAL(code_of(bad_qty.error()), errc::invalid_argument);
  CAF_CHECK(detail_of(bad_qty.error()).rfind("qty", 0) == 0);
  auto no_px = submit({side::sell, ord_type::limit, time_in_force::gtc, qty("1"), price{}});
  CAF_REQUIRE(!no_px);
  CAF_CHECK(detail_of(no_px.error()).rfind("price", 0) == 0);
  CAF_CHECK(!submit({side::sell, ord_type::market, time_in_force::ioc, qty("1"), px("1")}));
  auto mkt = submit({side::sell, ord_type::market, time_in_force::ioc, qty("5"), price{}});
  CAF_REQUIRE(mkt);
  CAF_CHECK_EQUAL(mkt->leaves_qty, qty("5"));
  CAF_CHECK_EQUAL(mkt->status, ord_status::pending_new);
}

CAF_TEST(replace request validates terms) {
  auto s = run(fresh(), {venue_ack{}});
  CAF_CHECK_EQUAL(code_of(apply_event(s, replace_request{qty("0"), px("10")}).error()),
                  errc::invalid_argument);
  CAF_CHECK_EQUAL(code_of(apply_event(s, replace_request{qty("10"), price{}}).error()),
                  errc::invalid_argument);
}

CAF_TEST(replaced is never a resting state) {
  auto s = fresh();
  s.status = ord_status::replaced;
  for (auto& ev : all_events())
    CAF_CHECK_EQUAL(code_of(apply_event(s, ev).error()), errc::illegal_transition);
}
