#define CAF_SUITE model.instrument
#include <caf/test/unit_test.hpp>

#include "runtime/model/instrument.hpp"

using namespace om;

namespace {

instrument es() {
  instrument i;
  i.id = instrument_id{"ESZ6.XCME"};
  i.symbol = "ESZ6";
  i.cls = asset_class::future;
  i.tick_size = *price::parse("0.25");
  i.lot_size = *quantity::parse("1");
  i.price_band_bps = 700;
  return i;
}

} // namespace

CAF_TEST(tick conformance) {
  auto i = es();
  CAF_CHECK(!check_tick(i, *price::parse("6120.25")));
  auto err = check_tick(i, *price::parse("6120.10"));
  CAF_CHECK_EQUAL(code_of(err), errc::tick_size_violation);
  CAF_CHECK(detail_of(err).find("tick size 0.25") != std::string::npos);
  CAF_CHECK_EQUAL(code_of(check_tick(i, price{})), errc::tick_size_violation);
}

CAF_TEST(lot conformance) {
  auto i = es();
  i.lot_size = *quantity::parse("1000");
  CAF_CHECK(!check_lot(i, *quantity::parse("25000")));
  CAF_CHECK_EQUAL(code_of(check_lot(i, *quantity::parse("1500"))), errc::lot_size_violation);
  CAF_CHECK_EQUAL(code_of(check_lot(i, *quantity::parse("-1000"))), errc::lot_size_violation);
}

CAF_TEST(price band) {
  auto i = es();
  auto ref = *price::parse("6000");
  CAF_CHECK(!check_price_band(i, ref, *price::parse("6420"))); // +7.00% exactly
  CAF_CHECK_EQUAL(code_of(check_price_band(i, ref, *price::parse("6420.25"))),
                  errc::invalid_argument);
  CAF_CHECK_EQUAL(code_of(check_price_band(i, ref, *price::parse("5579.75"))),
                  errc::invalid_argument);
  CAF_CHECK(!check_price_band(i, price{}, *price::parse("1"))); // no reference: no band
}

CAF_TEST(enum names round trip) {
  auto tif = parse_time_in_force("ioc");
  CAF_CHECK(tif && *tif == time_in_force::ioc);
  auto st = parse_ord_status("partially_filled");
  CAF_CHECK(st && *st == ord_status::partially_filled);
  CAF_CHECK_EQUAL(to_string(ord_status::new_order), std::string{"new"});
  auto bad = parse_side("hold");
  CAF_REQUIRE(!bad);
  CAF_CHECK(detail_of(bad.error()).find("buy, sell") != std::string::npos);
  for (int i = 0; i <= static_cast<int>(ord_status::expired); ++i) {
    auto s = static_cast<ord_status>(i);
    auto parsed = parse_ord_status(to_string(s));
    CAF_CHECK(parsed && *parsed == s);
  }
}
