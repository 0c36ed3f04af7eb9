#define CAF_SUITE config
#include <caf/test/unit_test.hpp>

#include "runtime/config/config.hpp"
#include "tests/unit/config/refused.hpp"

#include <cstdio>
#include <fstream>
#include <unistd.h>

using namespace om;
using om::test::expect_refused;
using om::test::tmp_file;

namespace {

std::string sample() { return std::string{OM_SOURCE_DIR} + "/config/single-node.toml"; }

const std::string& minimal = om::test::minimal_node;

} // namespace

CAF_TEST(sample config loads) {
  auto cfg = load_node_config(sample());
  CAF_REQUIRE(cfg);
  CAF_CHECK_EQUAL(cfg->node.id, "n1");
  CAF_CHECK_EQUAL(cfg->network.admin_port, 0); // reserved, off in the sample
  CAF_CHECK_EQUAL(cfg->gateway.risk_timeout.count(), 50);
  CAF_CHECK_EQUAL(cfg->venues.size(), 4u);
  CAF_CHECK_EQUAL(cfg->routes.size(), 4u);
  auto lit = cfg->find_venue(venue_id{"LITX"});
  CAF_REQUIRE(lit != nullptr);
  CAF_CHECK_EQUAL(lit->maker_fee_bps, basis_points::from_raw(-10));
  CAF_CHECK_EQUAL(cfg->risk.restricted.size(), 1u);
  CAF_CHECK_EQUAL(cfg->risk.permissions["demo"].do_not_trade.front().value, "DARKX");
}

CAF_TEST(defaults apply to missing keys) {
  tmp_file f{minimal};
  auto cfg = load_node_config(f.path);
  CAF_REQUIRE(cfg);
  CAF_CHECK_EQUAL(cfg->node.data_dir, "data/t1");
  CAF_CHECK_EQUAL(cfg->node.number, 1);
  CAF_CHECK_EQUAL(cfg->log.level, log_level::info);
  CAF_CHECK_EQUAL(cfg->gateway.on_risk_timeout, risk_timeout_policy::reject);
  CAF_CHECK_EQUAL(cfg->risk.slippage_review_bps, basis_points::from_units(20));
  CAF_CHECK(cfg->venues.empty());
}

CAF_TEST(limit hierarchy merges default asset class instrument strategy) {
  auto cfg = *load_node_config(sample());
  auto& r = cfg.risk;
  auto base = r.resolve(asset_class::equity, instrument_id{"AAPL.XNAS"}, strategy_id{"x"});
  CAF_CHECK_EQUAL(base.max_order_qty, quantity::from_units(100000));
  CAF_CHECK_EQUAL(base.max_orders_per_second, 5000);
  auto fut = r.resolve(asset_class::future, instrument_id{"ESZ6.XCME"}, strategy_id{"x"});
  CAF_CHECK_EQUAL(fut.max_order_qty, quantity::from_units(500));
  CAF_CHECK_EQUAL(fut.daily_loss_limit, money::from_units(250000)); // inherited
  auto brk = r.resolve(asset_class::equity, instrument_id{"BRK.A.XNYS"}, strategy_id{"demo"});
  CAF_CHECK_EQUAL(brk.max_order_qty, quantity::from_units(10));
  CAF_CHECK_EQUAL(brk.max_orders_per_second, 20000); // strategy level wins
}

CAF_TEST(bad input names file key and reason) {
  std::string m = minimal;
  expect_refused("[node\nid=1", "syntax error");
  expect_refused("[node]\nnumber = 2\n", "node.id: missing (required)");
  expect_refused(m + "[log]\nlevel = \"loud\"\n", "log.level: log level 'loud'");
  expect_refused(m + "[network]\nadmin_port = 70000\n",
                 "network.admin_port: must be between 0 and 65535");
  expect_refused(m + "[network]\nadmin_port = 7000\nmetrics_port = 7000\n",
                 "network.metrics_port: same port as network.admin_port");
  expect_refused(m + "[gateway]\nrisk_timeout_policy = \"ignore\"\n",
                 "gateway.risk_timeout_policy: 'ignore' is not one of");
  expect_refused(m + "[gateway]\nrisk_timout_ms = 5\n", "gateway.risk_timout_ms: unknown key");
  expect_refused(std::string{"[node]\nid = \"t\"\n[risk.default]\nmax_order_qty = \"1\"\n"},
                 "risk.default.max_order_notional: missing (required in [risk.default])");
  expect_refused(m + "[risk.asset_class.crypto]\nmax_order_qty = \"1\"\n",
                 "risk.asset_class.crypto: asset class: 'crypto'");
  expect_refused(m + "[risk.strategy.s1]\nmax_order_qty = 1.5\n",
                 "risk.strategy.s1.max_order_qty: write decimals as a string");
  expect_refused(m + "[risk.strategy.s1]\nmax_order_qty = \"-3\"\n",
                 "risk.strategy.s1.max_order_qty: must be positive");
  expect_refused(m + "[[venue]]\nid = \"A\"\n[[venue]]\nid = \"A\"\n",
                 "venue[1](A).id: duplicate venue id");
  expect_refused(m + "[[venue]]\nid = \"A\"\nkind = \"fix\"\n",
                 "venue[0](A).host: a fix venue needs host and port");
  {
    std::string fix = m + "[[venue]]\nid = \"A\"\nkind = \"fix\"\nhost = \"h\"\nport = 9\n";
    expect_refused(fix, "venue[0](A).sender_comp_id: missing (required)");
    fix += "sender_comp_id = \"DESK\"\ntarget_comp_id = \"VEN\"\n";
    expect_refused(fix + "begin_string = \"FIX.5.0\"\n",
                   "venue[0](A).begin_string: 'FIX.5.0' is not one of: FIX.4.2, FIX.4.4");
    expect_refused(fix + "handl_inst = \"4\"\n", "venue[0](A).handl_inst: '4' is not one of");
    expect_refused(fix + "extra_tags = { 38 = \"5\" }\n",
                   "venue[0](A).extra_tags.38: tag 38 is set by the FIX mapping");
    expect_refused(fix + "extra_tags = { 440 = \"5\" }\n",
                   "venue[0](A).extra_tags.440: standard tags below 1000");
    expect_refused(fix + "extra_tags = { 5001 = 7 }\n",
                   "venue[0](A).extra_tags.5001: must be a non-empty string");
    expect_refused(m + "[[venue]]\nid = \"A\"\nsender_comp_id = \"DESK\"\n",
                   "venue[0](A).sender_comp_id: only a fix venue takes this key");
    expect_refused(m + "[[venue]]\nid = \"A\"\nmarket_data = true\n",
                   "venue[0](A).market_data: only a fix venue takes this key");
    expect_refused(fix + "market_data = \"yes\"\n", "venue[0](A).market_data");
    expect_refused(m + "[[venue]]\nid = \"A\"\nkind = \"fix\"\nhost = \"h\"\nport = 9\n"
                     "sender_comp_id = \"DE SK\"\ntarget_comp_id = \"V\"\n",
                   "venue[0](A).sender_comp_id: must not contain spaces");
  }
  expect_refused(m + "[market_data]\non_stale = \"ignore\"\n",
                 "market_data.on_stale: 'ignore' is not one of: reject, prev_close");
  expect_refused(m + "[market_data]\non_volatility = \"pause\"\n",
                 "market_data.on_volatility: 'pause' is not one of: hold, reject");
  expect_refused(m + "[market_data]\nvolatility_pause_bps = \"-5\"\n",
                 "market_data.volatility_pause_bps: must not be negative");
  expect_refused(m + "[market_data]\nstale_after_ms = 0\n", "market_data.stale_after_ms");
  expect_refused(m + "[market_data]\nstale_ms = 10\n", "market_data.stale_ms: unknown key");
  expect_refused(m + "[[venue]]\nid = \"A\"\ntifs = [\"day\", \"gtd\"]\n",
                 "venue[0](A).tifs[1]: time in force: 'gtd'");
  expect_refused(m + "[[venue]]\nid = \"A\"\n[[routing.rule]]\nasset_class = \"equity\"\n"
                     "venues = [{ venue = \"B\" }]\n",
                 "routing.rule[0].venues[0].venue: 'B' is not a configured [[venue]]");
  expect_refused(m + "[[venue]]\nid = \"A\"\n[[routing.rule]]\nvenues = [{ venue = \"A\" }]\n",
                 "routing.rule[0]: set exactly one of instrument, asset_class");
  expect_refused(m + "[risk.permissions.s1]\ndo_not_trade = [\"Z\"]\n",
                 "risk.permissions.s1.do_not_trade[0]: 'Z' is not a configured [[venue]]");
  expect_refused(m + "[bogus]\nx = 1\n", "bogus: unknown key");
  auto missing = load_node_config("/nonexistent/node.toml");
  CAF_REQUIRE(!missing);
  CAF_CHECK(detail_of(missing.error()).find("/nonexistent/node.toml") == 0);
}
