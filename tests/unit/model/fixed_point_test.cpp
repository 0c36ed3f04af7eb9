#define CAF_SUITE model.fixed_point
#include <caf/test/unit_test.hpp>

#include "runtime/model/fixed_point.hpp"
#include "runtime/model/ids.hpp"

using namespace om;

namespace {

price px(const char* s) { return *price::parse(s); }
quantity qty(const char* s) { return *quantity::parse(s); }

} // namespace

CAF_TEST(parse and format are exact) {
  CAF_CHECK_EQUAL(px("123.45").raw, 12345000000);
  CAF_CHECK_EQUAL(px("-0.00000001").raw, -1);
  CAF_CHECK_EQUAL(px("7").raw, 700000000);
  CAF_CHECK_EQUAL(px("+1.5").raw, 150000000);
  CAF_CHECK_EQUAL(to_string(px("123.450")), "123.45");
  CAF_CHECK_EQUAL(to_string(px("-0.5")), "-0.5");
  CAF_CHECK_EQUAL(to_string(qty("100")), "100");
  CAF_CHECK_EQUAL(to_string(money::from_raw(-12345)), "-1.2345");
  // 0.1 + 0.2 is exactly 0.3: the reason money is never double.
  CAF_CHECK_EQUAL(px("0.1") + px("0.2"), px("0.3"));
}

CAF_TEST(parse refuses malformed input with a typed error) {
  for (auto bad : {"", "-", "1.2.3", "1e5", "abc", "1.000000001", "99999999999999999999", "."}) {
    auto r = price::parse(bad);
    CAF_CHECK(!r);
    if (!r)
      CAF_CHECK_EQUAL(code_of(r.error()), errc::parse_error);
  }
  CAF_CHECK(!quantity::parse("1.00001")); // 4 decimals max
}

CAF_TEST(notional rounds half away from zero in 128 bits) {
  // 228.52 * 100 = 22852
  CAF_CHECK_EQUAL(notional(px("228.52"), qty("100")), money::from_units(22852));
  // 0.00005 * 1 = 0.00005 -> rounds to 0.0001 at 4 decimals
  CAF_CHECK_EQUAL(notional(px("0.00005"), qty("1")).raw, 1);
  CAF_CHECK_EQUAL(notional(px("0.00004"), qty("1")).raw, 0);
  // Large: 701250 * 1e6 shares does not overflow.
  CAF_CHECK_EQUAL(notional(px("701250"), qty("1000000")),
                  money::from_units(701250LL * 1000000LL));
}

CAF_TEST(average price is exact over many fills) {
  int128 value = 0;
  quantity total;
  // 3 fills: 100 @ 10.01, 200 @ 10.02, 300 @ 10.03 -> 6010/600 = 10.02333333(3)
  for (auto [q, p] : {std::pair{"100", "10.01"}, {"200", "10.02"}, {"300", "10.03"}}) {
    value += exact_value(px(p), qty(q));
    total += qty(q);
  }
  CAF_CHECK_EQUAL(average_price(value, total), px("10.02333333"));
  CAF_CHECK_EQUAL(average_price(0, quantity{}), price{});
}

CAF_TEST(multiples and basis points) {
  CAF_CHECK(px("10.05").is_multiple_of(px("0.05")));
  CAF_CHECK(!px("10.03").is_multiple_of(px("0.05")));
  CAF_CHECK(!px("10").is_multiple_of(price{})); // zero step never conforms
  CAF_CHECK_EQUAL(diff_centi_bps(px("100"), px("100.25")), 2500); // 25 bps
  CAF_CHECK_EQUAL(diff_centi_bps(px("100"), px("99.9")), -1000);
  CAF_CHECK_EQUAL(div_round(-5, 2), -3);
  CAF_CHECK_EQUAL(div_round(5, 2), 3);
  CAF_CHECK_EQUAL(div_round(4, 3), 1);
}

CAF_TEST(order ids carry node and sequence) {
  auto id = order_id::make(7, 123456789);
  CAF_CHECK_EQUAL(id.node(), 7u);
  CAF_CHECK_EQUAL(id.sequence(), 123456789u);
  CAF_CHECK_EQUAL(to_string(id), "O7-123456789");
  CAF_CHECK(order_id::make(1, 5) != order_id::make(2, 5));
}
