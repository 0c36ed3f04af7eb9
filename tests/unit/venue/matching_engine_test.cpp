#define CAF_SUITE venue.matching_engine
#include <caf/test/unit_test.hpp>

#include "actors/venue/matching_engine.hpp"

#include <random>

using namespace om;
using namespace om::venue;

namespace {

price px(const char* s) { return *price::parse(s); }
quantity qty(int64_t n) { return quantity::from_units(n); }

struct fixture {
  order_book book;
  std::vector<exec> out;

  uint64_t add(const char* owner, side s, int64_t q, const char* p,
               time_in_force tif = time_in_force::day, ord_type t = ord_type::limit) {
    out.clear();
    return book.submit(new_order_request{owner, owner, s, t, tif, qty(q),
                                         t == ord_type::market ? price{} : px(p)},
                       out);
  }

  std::vector<exec> fills() const {
    std::vector<exec> f;
    for (auto& e : out)
      if (e.kind == exec_kind::fill)
        f.push_back(e);
    return f;
  }

  std::string kinds() const {
    std::string s;
    for (auto& e : out)
      s += std::string{s.empty() ? "" : ","} + to_string(e.kind);
    return s;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(matching_tests, fixture)

CAF_TEST(non crossing orders rest at their levels) {
  add("a", side::buy, 100, "10.00");
  CAF_CHECK_EQUAL(kinds(), "accepted");
  add("b", side::buy, 50, "10.00");
  add("c", side::buy, 70, "9.99");
  add("d", side::sell, 30, "10.02");
  CAF_CHECK(book.best_bid() == px("10.00"));
  CAF_CHECK(book.best_ask() == px("10.02"));
  auto bids = book.levels(side::buy, 5);
  CAF_REQUIRE_EQUAL(bids.size(), 2u);
  CAF_CHECK_EQUAL(bids[0].qty, qty(150));
  CAF_CHECK_EQUAL(bids[0].orders, 2u);
  CAF_CHECK_EQUAL(bids[1].px, px("9.99"));
  CAF_CHECK_EQUAL(book.resting_orders(), 4u);
}

CAF_TEST(price then time priority and maker price) {
  auto first = add("m1", side::sell, 100, "10.01");
  auto second = add("m2", side::sell, 100, "10.01");
  auto better = add("m3", side::sell, 50, "10.00");
  add("t", side::buy, 180, "10.05");
  auto f = fills();
  CAF_REQUIRE_EQUAL(f.size(), 6u); // three matches, taker and maker each
  // best price first, at the maker's price
  CAF_CHECK_EQUAL(f[1].order_id, better);
  CAF_CHECK_EQUAL(f[0].last_px, px("10.00"));
  CAF_CHECK_EQUAL(f[0].last_qty, qty(50));
  CAF_CHECK(!f[0].maker);
  CAF_CHECK(f[1].maker);
  CAF_CHECK_EQUAL(f[0].match_id, f[1].match_id);
  // then FIFO within 10.01: first before second
  CAF_CHECK_EQUAL(f[3].order_id, first);
  CAF_CHECK_EQUAL(f[3].last_qty, qty(100));
  CAF_CHECK_EQUAL(f[5].order_id, second);
  CAF_CHECK_EQUAL(f[5].last_qty, qty(30)); // partial
  CAF_CHECK_EQUAL(f[5].leaves_qty, qty(70));
  CAF_CHECK_EQUAL(f[4].cum_qty, qty(180)); // taker done
  CAF_CHECK_EQUAL(f[4].leaves_qty, qty(0));
  CAF_CHECK(book.leaves(second) == qty(70));
  CAF_CHECK(!book.leaves(first));
  CAF_CHECK_EQUAL(book.trades(), 3u);
}

CAF_TEST(partial fill rests the remainder) {
  add("m", side::sell, 40, "10.00");
  auto t = add("t", side::buy, 100, "10.00");
  CAF_CHECK_EQUAL(kinds(), "accepted,fill,fill");
  CAF_CHECK(book.leaves(t) == qty(60));
  CAF_CHECK(book.best_bid() == px("10.00"));
  CAF_CHECK(!book.best_ask());
}

CAF_TEST(ioc cancels its remainder) {
  add("m", side::sell, 40, "10.00");
  auto t = add("t", side::buy, 100, "10.00", time_in_force::ioc);
  CAF_CHECK_EQUAL(kinds(), "accepted,fill,fill,canceled");
  CAF_CHECK_EQUAL(out.back().cum_qty, qty(40));
  CAF_CHECK(!book.leaves(t));
  CAF_CHECK(!book.best_bid());
}

CAF_TEST(fok trades all or nothing) {
  add("m1", side::sell, 40, "10.00");
  add("m2", side::sell, 40, "10.01");
  add("t", side::buy, 100, "10.01", time_in_force::fok);
  CAF_CHECK_EQUAL(kinds(), "accepted,canceled");
  CAF_CHECK_EQUAL(book.resting_orders(), 2u); // nothing traded
  add("t", side::buy, 80, "10.01", time_in_force::fok);
  CAF_CHECK_EQUAL(kinds(), "accepted,fill,fill,fill,fill");
  CAF_CHECK_EQUAL(book.resting_orders(), 0u);
}

CAF_TEST(market orders sweep and never rest) {
  add("m1", side::buy, 10, "9.99");
  add("m2", side::buy, 10, "9.98");
  add("t", side::sell, 25, "", time_in_force::day, ord_type::market);
  CAF_CHECK_EQUAL(kinds(), "accepted,fill,fill,fill,fill,canceled");
  auto fm = fills();
  CAF_CHECK_EQUAL(fm[2].last_px, px("9.98"));
  CAF_CHECK_EQUAL(out.back().cum_qty, qty(20));
  CAF_CHECK_EQUAL(book.resting_orders(), 0u);
}

CAF_TEST(bad orders are rejected) {
  add("x", side::buy, 0, "10");
  CAF_CHECK_EQUAL(kinds(), "rejected");
  add("x", side::buy, 10, "0");
  CAF_CHECK_EQUAL(kinds(), "rejected");
  CAF_CHECK_EQUAL(out.back().reason, "limit price must be positive");
  CAF_CHECK_EQUAL(book.resting_orders(), 0u);
}

CAF_TEST(cancel removes from the queue) {
  auto a = add("a", side::buy, 10, "10");
  auto b = add("b", side::buy, 10, "10");
  out.clear();
  book.cancel(a, out);
  CAF_CHECK_EQUAL(kinds(), "canceled");
  out.clear();
  book.cancel(a, out);
  CAF_CHECK_EQUAL(kinds(), "cancel_rejected");
  add("s", side::sell, 10, "10");
  auto fb = fills();
  CAF_CHECK_EQUAL(fb[1].order_id, b);
}

CAF_TEST(replace keeps priority only when reducing at the same price) {
  auto a = add("a", side::buy, 100, "10");
  auto b = add("b", side::buy, 100, "10");
  out.clear();
  book.replace(a, qty(60), px("10"), out); // reduce: keeps its place
  CAF_CHECK_EQUAL(kinds(), "replaced");
  auto top = book.levels(side::buy, 1);
  CAF_CHECK_EQUAL(top[0].qty, qty(160));
  add("s", side::sell, 60, "10");
  auto fa = fills();
  CAF_CHECK_EQUAL(fa[1].order_id, a);
  // increase: goes to the back
  auto c = add("c", side::buy, 10, "10");
  out.clear();
  book.replace(b, qty(150), px("10"), out);
  add("s", side::sell, 10, "10");
  auto fc = fills();
  CAF_CHECK_EQUAL(fc[1].order_id, c);
  // price change can cross and trade at once
  add("m", side::sell, 20, "10.50");
  out.clear();
  book.replace(b, qty(150), px("10.50"), out);
  CAF_CHECK_EQUAL(kinds(), "replaced,fill,fill");
  CAF_CHECK(book.leaves(b) == qty(130));
}

CAF_TEST(replace down to the filled quantity ends the order) {
  add("m", side::sell, 30, "10");
  auto t = add("t", side::buy, 100, "10");
  out.clear();
  book.replace(t, qty(30), px("10"), out);
  CAF_CHECK_EQUAL(kinds(), "replaced,canceled");
  CAF_CHECK(!book.leaves(t));
  out.clear();
  book.replace(t, qty(50), px("10"), out);
  CAF_CHECK_EQUAL(kinds(), "replace_rejected");
  out.clear();
  book.replace(99, qty(0), px("10"), out);
  CAF_CHECK_EQUAL(kinds(), "replace_rejected");
}

CAF_TEST(random flow conserves quantity) {
  // Every fill has a counterpart of equal size: traded buy qty == sell qty,
  // and resting totals match the sum of leaves.
  std::mt19937 rng{7};
  quantity bought, sold;
  for (int i = 0; i < 5000; ++i) {
    auto s = rng() % 2 ? side::buy : side::sell;
    auto p = price::from_raw((1000 + static_cast<int64_t>(rng() % 21) - 10) * 1000000);
    auto tif = rng() % 5 == 0 ? time_in_force::ioc : time_in_force::day;
    out.clear();
    book.submit({"p", "r", s, ord_type::limit, tif, qty(1 + rng() % 100), p}, out);
    for (auto& e : out)
      if (e.kind == exec_kind::fill)
        (e.side == side::buy ? bought : sold) += e.last_qty;
  }
  CAF_CHECK_EQUAL(bought, sold);
  if (auto bb = book.best_bid(), ba = book.best_ask(); bb && ba)
    CAF_CHECK_LESS(bb->raw, ba->raw); // never crossed at rest
}

CAF_TEST_FIXTURE_SCOPE_END()
