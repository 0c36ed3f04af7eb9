#define CAF_SUITE refdata
#include <caf/test/unit_test.hpp>

#include "runtime/refdata/refdata.hpp"

#include <cstdio>
#include <fstream>
#include <unistd.h>

using namespace om;

namespace {

std::string sample() { return std::string{OM_SOURCE_DIR} + "/config/refdata.toml"; }

std::string write_tmp(const std::string& name, const std::string& text) {
  auto path = "/tmp/om_refdata_test_" + std::to_string(::getpid()) + "_" + name + ".toml";
  std::ofstream{path} << text;
  return path;
}

const char* one_instrument = R"(
[[instrument]]
id = "X.XNAS"
symbol = "X"
asset_class = "equity"
exchange = "XNAS"
currency = "USD"
sector = "Technology"
country = "US"
tick_size = "0.01"
lot_size = "1"
)";

} // namespace

CAF_TEST(sample loads with its version and at least 30 instruments) {
  auto set = load_refdata_file(sample());
  CAF_REQUIRE(set);
  CAF_CHECK_EQUAL((*set)->version(), "2026-11-20.1");
  CAF_CHECK_GREATER_OR_EQUAL((*set)->size(), 30u);
  int eq = 0, fut = 0, fx = 0, eu = 0;
  for (auto& i : (*set)->instruments()) {
    eq += i.cls == asset_class::equity;
    fut += i.cls == asset_class::future;
    fx += i.cls == asset_class::fx;
    eu += i.cls == asset_class::equity && i.currency != "USD";
  }
  CAF_CHECK_GREATER(eq, 0);
  CAF_CHECK_GREATER(fut, 0);
  CAF_CHECK_GREATER(fx, 0);
  CAF_CHECK_GREATER(eu, 0);
}

CAF_TEST(symbols and aliases resolve to exactly one instrument) {
  auto set = *load_refdata_file(sample());
  for (auto s : {"AAPL", "AAPL US", "AAPL.OQ", "aapl.oq", "  AAPL UW ", "AAPL.XNAS"}) {
    auto r = set->resolve(s);
    CAF_REQUIRE(r);
    CAF_CHECK_EQUAL((*r)->id.value, "AAPL.XNAS");
  }
  CAF_CHECK_EQUAL((*set->resolve("BRK.B"))->id.value, "BRK.B.XNYS");
  CAF_CHECK_EQUAL((*set->resolve("BRK/A"))->id.value, "BRK.A.XNYS");
  CAF_CHECK_EQUAL((*set->resolve("EURUSD"))->currency, "USD");
  CAF_CHECK_EQUAL((*set->resolve("ES DEC26"))->tick_size, price::from_raw(25000000));
}

CAF_TEST(unknown ambiguous and inactive symbols are typed errors) {
  auto set = *load_refdata_file(sample());
  auto unknown = set->resolve("NOPE");
  CAF_REQUIRE(!unknown);
  CAF_CHECK_EQUAL(code_of(unknown.error()), errc::unknown_symbol);
  auto amb = set->resolve("BRK");
  CAF_REQUIRE(!amb);
  CAF_CHECK_EQUAL(code_of(amb.error()), errc::ambiguous_symbol);
  CAF_CHECK(detail_of(amb.error()).find("BRK.A.XNYS") != std::string::npos);
  CAF_CHECK(detail_of(amb.error()).find("BRK.B.XNYS") != std::string::npos);
  auto dead = set->resolve("TWTR");
  CAF_REQUIRE(!dead);
  CAF_CHECK_EQUAL(code_of(dead.error()), errc::inactive_instrument);
  // Halted instruments resolve: the gateway's real-time stage refuses them.
  auto halted = set->resolve("SMCI");
  CAF_REQUIRE(halted);
  CAF_CHECK_EQUAL((*halted)->status, trading_status::halted);
  CAF_CHECK_EQUAL(code_of(set->resolve("  ").error()), errc::unknown_symbol);
}

CAF_TEST(a reused ticker resolves to the live instrument) {
  instrument old_i, new_i;
  old_i.id = instrument_id{"META.OLD"};
  new_i.id = instrument_id{"META.NEW"};
  for (auto* i : {&old_i, &new_i}) {
    i->symbol = "META";
    i->exchange = "XNAS";
    i->currency = "USD";
    i->country = "US";
    i->tick_size = price::from_raw(1000000);
    i->lot_size = quantity::from_units(1);
  }
  old_i.status = trading_status::inactive;
  auto set = refdata_set::build("v1", {old_i, new_i});
  CAF_REQUIRE(set);
  CAF_CHECK_EQUAL((*(*set)->resolve("META"))->id.value, "META.NEW");
}

CAF_TEST(bad files are refused with file key and reason) {
  auto check = [](const std::string& name, const std::string& text, const char* needle) {
    auto path = write_tmp(name, text);
    auto r = load_refdata_file(path);
    std::remove(path.c_str());
    CAF_REQUIRE(!r);
    CAF_CHECK_EQUAL(code_of(r.error()), errc::refdata_invalid);
    auto d = detail_of(r.error());
    if (d.find(needle) == std::string::npos || d.find(path) == std::string::npos)
      CAF_ERROR("error '" << d << "' lacks '" << needle << "' or the path");
  };
  check("noversion", one_instrument, "version: missing");
  check("syntax", "version = \"v1\"\n[[instrument]\n", "syntax error");
  check("float", std::string{"version = \"v1\"\n"} + one_instrument
                   + "adv = 1.5\n", "floats are not exact");
  check("typo", std::string{"version = \"v1\"\n"} + one_instrument + "tick = \"1\"\n",
        "instrument[0](X.XNAS).tick: unknown key");
  std::string dup = std::string{"version = \"v1\"\n"} + one_instrument + one_instrument;
  check("dup", dup, "duplicate instrument id");
  std::string badccy = std::string{"version = \"v1\"\n"} + one_instrument;
  badccy.replace(badccy.find("\"USD\""), 5, "\"usd\"");
  check("ccy", badccy, "currency must be a 3-letter ISO code");
  check("missing", "version = \"v1\"\n", "no [[instrument]] entries");
  auto nofile = load_refdata_file("/nonexistent/refdata.toml");
  CAF_CHECK_EQUAL(code_of(nofile.error()), errc::refdata_invalid);
}

CAF_TEST(reload swaps atomically and keeps the old set on error) {
  refdata_service svc{*load_refdata_file(sample())};
  auto before = svc.current();
  auto path = write_tmp("v2", std::string{"version = \"v2\"\n"} + one_instrument);
  CAF_CHECK(!svc.reload(path));
  CAF_CHECK_EQUAL(svc.current()->version(), "v2");
  CAF_CHECK(svc.current()->resolve("X"));
  // A reader that took the old set keeps a consistent view.
  CAF_CHECK(before->resolve("AAPL"));
  CAF_CHECK(!before->resolve("X"));
  auto err = svc.reload("/nonexistent.toml");
  CAF_CHECK_EQUAL(code_of(err), errc::refdata_invalid);
  CAF_CHECK_EQUAL(svc.current()->version(), "v2");
  std::remove(path.c_str());
}
