#define CAF_SUITE risk.book
#include <caf/test/unit_test.hpp>

#include "actors/risk/risk_book.hpp"

using namespace om;

namespace {

price px(const char* s) { return *price::parse(s); }
quantity qty(int64_t n) { return quantity::from_units(n); }

risk_section limits() {
  risk_section r;
  r.defaults.max_order_qty = qty(1000);
  r.defaults.max_order_notional = money::from_units(1'000'000);
  r.defaults.max_gross_position = qty(500);
  r.defaults.max_net_position = qty(300);
  r.defaults.daily_loss_limit = money::from_units(1000);
  r.defaults.max_orders_per_second = 5;
  r.defaults.price_collar_bps = basis_points::from_units(500);
  limit_set strat;
  strat.max_net_position = qty(100);
  r.by_strategy["tight"] = strat;
  return r;
}

instrument aapl() {
  instrument i;
  i.id = instrument_id{"AAPL.XNAS"};
  i.cls = asset_class::equity;
  i.tick_size = px("0.01");
  i.lot_size = qty(1);
  i.prev_close = px("100");
  return i;
}

const strategy_id s1{"s1"};

} // namespace

CAF_TEST(approval reserves and fills move reservation into position) {
  risk_book b{aapl(), limits()};
  auto v = b.check_and_reserve(s1, side::buy, ord_type::limit, qty(200), px("100"), 1);
  CAF_REQUIRE(v.approved());
  CAF_CHECK_EQUAL(b.snapshot(s1).reserved_buy_qty, qty(200));
  b.on_fill(s1, side::buy, qty(50), px("100.5"));
  auto p = b.snapshot(s1);
  CAF_CHECK_EQUAL(p.net_qty, qty(50));
  CAF_CHECK_EQUAL(p.reserved_buy_qty, qty(150));
  CAF_CHECK_EQUAL(p.buy_value, money::from_units(5025)); // 50 x 100.5
  b.release(s1, side::buy, qty(150));
  CAF_CHECK_EQUAL(b.snapshot(s1).reserved_buy_qty, quantity{});
  CAF_CHECK_EQUAL(b.reference(), px("100.5"));
}

CAF_TEST(gross and net limits count open reservations) {
  risk_book b{aapl(), limits()};
  CAF_REQUIRE(b.check_and_reserve(s1, side::buy, ord_type::limit, qty(300), px("100"), 1).approved());
  auto net = b.check_and_reserve(s1, side::buy, ord_type::limit, qty(1), px("100"), 2);
  CAF_CHECK_EQUAL(net.code, reject_code::net_position_limit);
  // a sell does not add to the worst-case long, but adds to gross
  CAF_REQUIRE(b.check_and_reserve(s1, side::sell, ord_type::limit, qty(200), px("100"), 3).approved());
  auto gross = b.check_and_reserve(s1, side::sell, ord_type::limit, qty(1), px("100"), 4);
  CAF_CHECK_EQUAL(gross.code, reject_code::gross_position_limit);
  CAF_CHECK(gross.message.find("AAPL.XNAS") != std::string::npos);
}

CAF_TEST(limit hierarchy applies per strategy) {
  risk_book b{aapl(), limits()};
  auto v = b.check_and_reserve(strategy_id{"tight"}, side::buy, ord_type::limit, qty(101), px("100"), 1);
  CAF_CHECK_EQUAL(v.code, reject_code::net_position_limit);
  CAF_CHECK(b.check_and_reserve(s1, side::buy, ord_type::limit, qty(101), px("100"), 1).approved());
}

CAF_TEST(price collar and missing reference fail closed) {
  risk_book b{aapl(), limits()};
  CAF_CHECK(b.check_and_reserve(s1, side::buy, ord_type::limit, qty(1), px("105"), 1).approved());
  CAF_CHECK_EQUAL(b.check_and_reserve(s1, side::buy, ord_type::limit, qty(1), px("105.01"), 2).code,
                  reject_code::price_collar);
  CAF_CHECK_EQUAL(b.check_and_reserve(s1, side::sell, ord_type::limit, qty(1), px("94.99"), 3).code,
                  reject_code::price_collar);
  auto no_ref = aapl();
  no_ref.prev_close = price{};
  risk_book nb{no_ref, limits()};
  CAF_CHECK_EQUAL(nb.check_and_reserve(s1, side::buy, ord_type::market, qty(1), price{}, 1).code,
                  reject_code::no_reference_price);
}

CAF_TEST(order rate is throttled per strategy over one second) {
  risk_book b{aapl(), limits()};
  for (int i = 0; i < 5; ++i)
    CAF_CHECK(b.check_and_reserve(s1, side::buy, ord_type::limit, qty(1), px("100"), 100 + i).approved());
  CAF_CHECK_EQUAL(b.check_and_reserve(s1, side::buy, ord_type::limit, qty(1), px("100"), 200).code,
                  reject_code::rate_limit);
  CAF_CHECK(b.check_and_reserve(strategy_id{"other"}, side::buy, ord_type::limit, qty(1), px("100"), 200).approved());
  CAF_CHECK(b.check_and_reserve(s1, side::buy, ord_type::limit, qty(1), px("100"), 100 + 1'000'000'000).approved());
}

CAF_TEST(restricted list and daily loss) {
  risk_book b{aapl(), limits()};
  CAF_CHECK(b.check_and_reserve(s1, side::buy, ord_type::limit, qty(1), px("100"), 3).approved());
  // Lose 11 per share on 100 shares: -1100 < -1000.
  b.on_fill(s1, side::buy, qty(100), px("100"));
  b.set_reference(px("89"));
  CAF_CHECK_EQUAL(b.pnl(s1), money::from_units(-1100));
  auto r = limits();
  auto loss = b.check_and_reserve(s1, side::sell, ord_type::limit, qty(1), px("89"), 4);
  CAF_CHECK_EQUAL(loss.code, reject_code::daily_loss_limit);
  r.restricted.push_back(instrument_id{"AAPL.XNAS"});
  risk_book rb{aapl(), r};
  CAF_CHECK_EQUAL(rb.check_and_reserve(s1, side::buy, ord_type::limit, qty(1), px("100"), 1).code,
                  reject_code::restricted_instrument);
}

CAF_TEST(order size and notional limits) {
  risk_book b{aapl(), limits()};
  CAF_CHECK_EQUAL(b.check_and_reserve(s1, side::buy, ord_type::limit, qty(1001), px("100"), 1).code,
                  reject_code::max_order_qty);
  auto r = limits();
  r.defaults.max_order_notional = money::from_units(10000);
  risk_book c{aapl(), r};
  CAF_CHECK(c.check_and_reserve(s1, side::buy, ord_type::limit, qty(100), px("100"), 1).approved());
  CAF_CHECK_EQUAL(c.check_and_reserve(s1, side::buy, ord_type::limit, qty(101), px("100"), 2).code,
                  reject_code::max_order_notional);
  // Market orders are valued at the reference price.
  CAF_CHECK_EQUAL(c.check_and_reserve(s1, side::sell, ord_type::market, qty(101), price{}, 3).code,
                  reject_code::max_order_notional);
}

CAF_TEST(snapshot restores positions and reservations) {
  risk_book b{aapl(), limits()};
  CAF_REQUIRE(b.check_and_reserve(s1, side::sell, ord_type::limit, qty(80), px("100"), 1).approved());
  b.on_fill(s1, side::sell, qty(30), px("101"));
  auto snap = b.snapshot(s1);
  risk_book c{aapl(), limits()};
  c.restore(snap);
  auto back = c.snapshot(s1);
  CAF_CHECK_EQUAL(back.net_qty, qty(-30));
  CAF_CHECK_EQUAL(back.reserved_sell_qty, qty(50));
  CAF_CHECK_EQUAL(back.sell_value, money::from_units(3030));
}

// ------------------------------------------------------------ market data

CAF_TEST(without market data the collar uses the previous close and says so) {
  risk_book b{aapl(), limits()};
  CAF_CHECK(b.check_and_reserve(s1, side::buy, ord_type::limit, qty(1), px("104"), 1).approved());
  CAF_CHECK_EQUAL(b.used_reference(), px("100"));
  CAF_CHECK(b.used_source() == price_source::prev_close);
  b.on_fill(s1, side::buy, qty(1), px("101"));
  CAF_CHECK(b.check_and_reserve(s1, side::buy, ord_type::limit, qty(1), px("101"), 2).approved());
  CAF_CHECK(b.used_source() == price_source::last_trade);
}

CAF_TEST(a fresh live mid is the collar reference) {
  risk_book b{aapl(), limits()};
  b.use_market_data(stale_policy::reject);
  constexpr int64_t now = 1'000'000'000'000;
  b.set_market(px("110"), now + 1'000'000'000);
  // 104 is within 5% of the previous close but not of the live mid.
  auto v = b.check_and_reserve(s1, side::buy, ord_type::limit, qty(1), px("104"), 1, now);
  CAF_CHECK(v.code == reject_code::price_collar);
  CAF_CHECK(v.message.find("reference 110") != std::string::npos);
  v = b.check_and_reserve(s1, side::buy, ord_type::limit, qty(1), px("111"), 2, now);
  CAF_CHECK(v.approved());
  CAF_CHECK_EQUAL(b.used_reference(), px("110"));
  CAF_CHECK(b.used_source() == price_source::live_mid);
}

CAF_TEST(a stale feed fails closed or falls back to the previous close per policy) {
  constexpr int64_t now = 1'000'000'000'000;
  risk_book closed{aapl(), limits()};
  closed.use_market_data(stale_policy::reject);
  auto v = closed.check_and_reserve(s1, side::buy, ord_type::limit, qty(1), px("100"), 1, now);
  CAF_CHECK(v.code == reject_code::market_data_stale);
  CAF_CHECK(v.message.find("no market data received yet") != std::string::npos);
  closed.set_market(px("110"), now - 5'000'000);
  v = closed.check_and_reserve(s1, side::buy, ord_type::limit, qty(1), px("110"), 2, now);
  CAF_CHECK(v.code == reject_code::market_data_stale);
  CAF_CHECK(v.message.find("5 ms past") != std::string::npos);
  CAF_CHECK_EQUAL(closed.snapshot(s1).reserved_buy_qty, quantity{});
  risk_book open{aapl(), limits()};
  open.use_market_data(stale_policy::prev_close);
  open.set_market(px("110"), now - 5'000'000);
  v = open.check_and_reserve(s1, side::buy, ord_type::limit, qty(1), px("100"), 3, now);
  CAF_CHECK(v.approved());
  CAF_CHECK(open.used_source() == price_source::prev_close);
}
