#define CAF_SUITE config.references
#include <caf/test/unit_test.hpp>

#include "runtime/config/references.hpp"
#include "runtime/error.hpp"
#include "runtime/refdata/refdata.hpp"
#include "tests/unit/config/refused.hpp"

using namespace om;
using om::test::expect_refused;
using om::test::tmp_file;

namespace {

const std::string minimal = om::test::minimal_node + R"([[venue]]
id = "XSIM"
kind = "simulated"
)";

std::shared_ptr<const refdata_set> refdata() {
  static auto rd = *load_refdata_file(std::string{OM_SOURCE_DIR} + "/config/refdata.toml");
  return rd;
}

/// The config loads, and check_references refuses it naming file, key and why.
void expect_unknown(const std::string& extra, const std::string& key_and_reason) {
  tmp_file f{std::string{minimal} + extra};
  auto cfg = load_node_config(f.path);
  if (!cfg) {
    CAF_ERROR("the loader refused it already: " << describe(cfg.error()));
    return;
  }
  auto err = check_references(*cfg, *refdata());
  if (!err) {
    CAF_ERROR("accepted a config naming something unknown; expected '" << key_and_reason << "'");
    return;
  }
  CAF_CHECK_EQUAL(code_of(err), errc::config_invalid);
  auto d = detail_of(err);
  if (d.find(f.path + ": ") != 0 || d.find(key_and_reason) == std::string::npos)
    CAF_ERROR("error '" << d << "' does not name file and '" << key_and_reason << "'");
}

void expect_known(const std::string& extra) {
  tmp_file f{std::string{minimal} + extra};
  auto cfg = load_node_config(f.path);
  CAF_REQUIRE(cfg);
  auto err = check_references(*cfg, *refdata());
  if (err)
    CAF_ERROR("refused: " << describe(err));
}

} // namespace

CAF_TEST(the samples name only what exists) {
  for (auto* file : {"/config/single-node.toml", "/config/bench.toml"}) {
    auto cfg = load_node_config(std::string{OM_SOURCE_DIR} + file);
    CAF_REQUIRE(cfg);
    auto err = check_references(*cfg, *refdata());
    if (err)
    CAF_ERROR("refused: " << describe(err));
  }
  expect_known("[risk.instrument.\"AAPL.XNAS\"]\nmax_order_qty = \"5\"\n"
               "[risk]\nrestricted = [\"SMCI.XNAS\"]\n"
               "[[routing.rule]]\ninstrument = \"BRK.A.XNYS\"\nvenues = [{ venue = \"XSIM\" }]\n");
}

CAF_TEST(risk settings keyed by a symbol alias other case or unknown id are refused) {
  // A symbol: names the id it resolves to.
  expect_unknown("[risk.instrument.AAPL]\nmax_order_qty = \"5\"\n",
                 "risk.instrument.\"AAPL\": 'AAPL' is not an instrument id; it resolves to AAPL.XNAS");
  // A different case of a real id.
  expect_unknown("[risk.instrument.\"aapl.xnas\"]\nmax_order_qty = \"5\"\n",
                 "risk.instrument.\"aapl.xnas\": 'aapl.xnas' is not an instrument id; it resolves to AAPL.XNAS");
  // An alias.
  expect_unknown("[risk.instrument.\"MSFT US\"]\nmax_order_qty = \"5\"\n",
                 "it resolves to MSFT.XNAS");
  // Nothing at all.
  expect_unknown("[risk.instrument.\"ZZZZ.XNAS\"]\nmax_order_qty = \"5\"\n",
                 "risk.instrument.\"ZZZZ.XNAS\": 'ZZZZ.XNAS' is not an instrument of reference data");
}

CAF_TEST(restricted entries routing rules and pins must be instrument ids) {
  expect_unknown("[risk]\nrestricted = [\"SMCI.XNAS\", \"SMCI\"]\n",
                 "risk.restricted[1]: 'SMCI' is not an instrument id; it resolves to SMCI.XNAS");
  expect_unknown("[risk]\nrestricted = [\"NOPE\"]\n", "risk.restricted[0]: 'NOPE' is not an instrument");
  expect_unknown("[[routing.rule]]\ninstrument = \"BRK.A\"\nvenues = [{ venue = \"XSIM\" }]\n",
                 "routing.rule[0].instrument: 'BRK.A' is not an instrument id");
}

CAF_TEST(demo symbols that resolve to nothing are refused) {
  expect_unknown("[demo]\nenabled = true\nsymbols = [\"AAPL\", \"NOSUCH\"]\n",
                 "demo.symbols[1]: 'NOSUCH' does not resolve in reference data");
  // Only when the demo runs.
  expect_known("[demo]\nenabled = false\nsymbols = [\"NOSUCH\"]\n");
}

CAF_TEST(per strategy settings must name a declared strategy) {
  std::string m = minimal;
  expect_refused(m + "[risk.strategy.momo]\nmax_order_qty = \"5\"\n",
                 "risk.strategy.momo: names strategy 'momo' but risk.strategies is not set");
  expect_refused(m + "[risk]\nstrategies = [\"momentum\"]\n[risk.strategy.momo]\nmax_order_qty = \"5\"\n",
                 "risk.strategy.momo: 'momo' is not one of risk.strategies");
  expect_refused(m + "[risk]\nstrategies = [\"a\"]\n[risk.permissions.b]\nallowed_asset_classes = [\"fx\"]\n",
                 "risk.permissions.b: 'b' is not one of risk.strategies");
  expect_refused(m + "[risk]\nstrategies = [\"a\", \"a\"]\n", "risk.strategies[1]: 'a' is listed twice");
  expect_refused(m + "[risk]\nstrategies = [\"a\"]\n[demo]\nenabled = true\nstrategy = \"demo\"\n",
                 "demo.strategy: 'demo' is not one of risk.strategies");
  tmp_file ok{m + "[risk]\nstrategies = [\"momo\"]\n[risk.strategy.momo]\nmax_order_qty = \"5\"\n"};
  auto cfg = load_node_config(ok.path);
  CAF_REQUIRE(cfg);
  CAF_REQUIRE_EQUAL(cfg->risk.strategies.size(), 1u);
  CAF_CHECK_EQUAL(cfg->risk.strategies[0].value, "momo");
}
