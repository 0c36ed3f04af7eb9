#define CAF_SUITE market_data.book
#include <caf/test/unit_test.hpp>

#include "actors/market_data/md_book.hpp"

using namespace om;
using tr = md_book::transition;

namespace {

constexpr int64_t ms = 1'000'000;
constexpr int64_t t0 = 1'700'000'000'000 * ms;

price px(const char* s) { return *price::parse(s); }

market_data_section cfg() {
  market_data_section c;
  c.stale_after = std::chrono::milliseconds{1000};
  c.volatility_window = std::chrono::milliseconds{500};
  c.volatility_pause_bps = basis_points::from_units(200);
  c.resume_after = std::chrono::milliseconds{300};
  return c;
}

md_quote quote(const char* venue, const char* bid, const char* ask, const char* last = nullptr) {
  md_quote q;
  q.instrument = instrument_id{"AAPL.XNAS"};
  q.venue = venue_id{venue};
  q.bid_px = px(bid);
  q.bid_qty = quantity::from_units(100);
  q.ask_px = px(ask);
  q.ask_qty = quantity::from_units(100);
  if (last) {
    q.last_px = px(last);
    q.last_qty = quantity::from_units(10);
  }
  return q;
}

} // namespace

CAF_TEST(venues consolidate into the best bid and offer) {
  md_book b{instrument_id{"AAPL.XNAS"}, cfg()};
  CAF_CHECK(b.on_quote(quote("A", "100.00", "100.10"), t0) == tr::went_fresh);
  b.on_quote(quote("B", "100.02", "100.12", "100.05"), t0 + ms);
  auto v = b.view();
  CAF_CHECK_EQUAL(v.bid, px("100.02"));
  CAF_CHECK_EQUAL(v.ask, px("100.10"));
  CAF_CHECK_EQUAL(v.mid, px("100.06"));
  CAF_CHECK_EQUAL(v.last, px("100.05"));
  // A venue whose feed is lost no longer counts.
  b.on_feed_lost(venue_id{"B"}, "session down", t0 + 2 * ms);
  CAF_CHECK_EQUAL(b.view().bid, px("100.00"));
  CAF_CHECK_EQUAL(b.status(t0).venues.size(), 2u);
}

CAF_TEST(a one sided book has no mid and is not fresh) {
  md_book b{instrument_id{"AAPL.XNAS"}, cfg()};
  auto q = quote("A", "100", "101");
  q.ask_qty = quantity{};
  b.on_quote(q, t0);
  CAF_CHECK(b.view().mid.is_zero());
  CAF_CHECK(!b.fresh(t0));
}

CAF_TEST(the view goes stale without updates and comes back with one) {
  md_book b{instrument_id{"AAPL.XNAS"}, cfg()};
  b.on_quote(quote("A", "100", "100.10"), t0);
  CAF_CHECK(b.fresh(t0 + 999 * ms));
  CAF_CHECK_EQUAL(b.view().fresh_until_ns, t0 + 1000 * ms);
  CAF_CHECK(b.on_tick(t0 + 1000 * ms) == tr::went_stale);
  CAF_CHECK(!b.fresh(t0 + 1000 * ms));
  CAF_CHECK(b.on_quote(quote("A", "100", "100.10"), t0 + 1500 * ms) == tr::went_fresh);
  CAF_CHECK_EQUAL(b.status(t0 + 1500 * ms).stale_periods, 1u);
  // Losing the only feed makes it stale at once.
  b.on_feed_lost(venue_id{"A"}, "down", t0 + 1600 * ms);
  CAF_CHECK(!b.fresh(t0 + 1600 * ms));
}

CAF_TEST(a jump pauses and a calm window resumes) {
  md_book b{instrument_id{"AAPL.XNAS"}, cfg()};
  b.on_quote(quote("A", "100", "100.10"), t0);
  // +1.5%: under the 200 bps threshold.
  CAF_CHECK(b.on_quote(quote("A", "101.50", "101.60"), t0 + 100 * ms) == tr::none);
  CAF_CHECK(!b.paused());
  // +3% from the start of the window: pause.
  CAF_CHECK(b.on_quote(quote("A", "103", "103.10"), t0 + 200 * ms) == tr::paused);
  CAF_CHECK(b.paused());
  CAF_CHECK(b.range() > basis_points::from_units(200));
  CAF_CHECK(b.view().paused);
  // Still inside the window: still paused.
  CAF_CHECK(b.on_tick(t0 + 400 * ms) == tr::none);
  // The early samples leave the window; calm must last resume_after.
  CAF_CHECK(b.on_quote(quote("A", "103", "103.10"), t0 + 800 * ms) == tr::none);
  CAF_CHECK(b.paused());
  CAF_CHECK(b.on_tick(t0 + 1000 * ms) == tr::none);
  CAF_CHECK(b.on_tick(t0 + 1150 * ms) == tr::resumed);
  CAF_CHECK(!b.paused());
  CAF_CHECK_EQUAL(b.status(t0 + 1150 * ms).pauses, 1u);
}

CAF_TEST(a zero threshold never pauses) {
  auto c = cfg();
  c.volatility_pause_bps = basis_points{};
  md_book b{instrument_id{"AAPL.XNAS"}, c};
  b.on_quote(quote("A", "100", "100.10"), t0);
  b.on_quote(quote("A", "150", "150.10"), t0 + ms);
  CAF_CHECK(!b.paused());
  CAF_CHECK(b.range() > basis_points::from_units(4000));
}
