#define CAF_SUITE router.table
#include <caf/test/unit_test.hpp>

#include "actors/router/route_table.hpp"

#include <map>
#include <unordered_set>

using namespace om;

namespace {

node_config cfg() {
  node_config c;
  auto v = [](const char* id, std::vector<asset_class> cls) {
    venue_section s;
    s.id = venue_id{id};
    s.asset_classes = std::move(cls);
    return s;
  };
  c.venues = {v("A", {asset_class::equity}), v("B", {asset_class::equity}),
              v("DARK", {asset_class::equity}), v("FX", {asset_class::fx})};
  c.venues[2].order_types = {ord_type::limit};
  c.venues[2].tifs = {time_in_force::day, time_in_force::ioc};
  routing_rule eq;
  eq.cls = asset_class::equity;
  eq.venues = {{venue_id{"A"}, 60}, {venue_id{"B"}, 30}, {venue_id{"DARK"}, 10}};
  routing_rule special;
  special.instrument = instrument_id{"SPLIT.X"};
  special.split = true;
  special.venues = {{venue_id{"A"}, 2}, {venue_id{"B"}, 1}};
  routing_rule fut;
  fut.cls = asset_class::future;
  fut.venues = {{venue_id{"FX"}, 1}}; // FX does not trade futures
  c.routes = {eq, special, fut};
  c.risk.permissions["nodark"].do_not_trade = {venue_id{"DARK"}};
  return c;
}

instrument eq(const char* id) {
  instrument i;
  i.id = instrument_id{id};
  i.cls = asset_class::equity;
  i.lot_size = quantity::from_units(100);
  return i;
}

} // namespace

CAF_TEST(weighted choice follows the weights) {
  route_table t{cfg()};
  std::mt19937_64 rng{1};
  std::map<std::string, int> hits;
  for (int i = 0; i < 10000; ++i) {
    auto r = t.route(eq("X"), strategy_id{"s"}, ord_type::limit, time_in_force::day,
                     quantity::from_units(100), rng);
    CAF_REQUIRE_EQUAL(r.legs.size(), 1u);
    hits[r.legs[0].venue.value]++;
  }
  CAF_CHECK_GREATER(hits["A"], 5600);
  CAF_CHECK_LESS(hits["A"], 6400);
  CAF_CHECK_GREATER(hits["DARK"], 800);
  CAF_CHECK_LESS(hits["DARK"], 1200);
}

CAF_TEST(capabilities and do not trade lists filter venues) {
  route_table t{cfg()};
  std::mt19937_64 rng{1};
  for (int i = 0; i < 200; ++i) {
    auto mkt = t.route(eq("X"), strategy_id{"s"}, ord_type::market, time_in_force::day,
                       quantity::from_units(100), rng);
    CAF_CHECK(mkt.legs[0].venue.value != "DARK"); // dark takes limit orders only
    auto gtc = t.route(eq("X"), strategy_id{"s"}, ord_type::limit, time_in_force::gtc,
                       quantity::from_units(100), rng);
    CAF_CHECK(gtc.legs[0].venue.value != "DARK");
    auto nd = t.route(eq("X"), strategy_id{"nodark"}, ord_type::limit, time_in_force::day,
                      quantity::from_units(100), rng);
    CAF_CHECK(nd.legs[0].venue.value != "DARK");
  }
}

CAF_TEST(venues known to be down are skipped while others can trade) {
  route_table t{cfg()};
  std::mt19937_64 rng{1};
  std::unordered_set<std::string> down{"A"};
  for (int i = 0; i < 200; ++i) {
    auto r = t.route(eq("X"), strategy_id{"s"}, ord_type::limit, time_in_force::day,
                     quantity::from_units(100), rng, &down);
    CAF_REQUIRE_EQUAL(r.legs.size(), 1u);
    CAF_CHECK(r.legs[0].venue.value != "A");
  }
  down = {"A", "B", "DARK"};
  auto none = t.route(eq("X"), strategy_id{"s"}, ord_type::limit, time_in_force::day,
                      quantity::from_units(100), rng, &down);
  CAF_CHECK(none.legs.empty());
  CAF_CHECK(none.why.find("A: unavailable (down or its node is unreachable)") != std::string::npos);
}

CAF_TEST(no route explains why) {
  route_table t{cfg()};
  std::mt19937_64 rng{1};
  instrument f;
  f.id = instrument_id{"ESZ6"};
  f.cls = asset_class::future;
  auto r = t.route(f, strategy_id{"s"}, ord_type::limit, time_in_force::day, quantity::from_units(1), rng);
  CAF_CHECK(r.legs.empty());
  CAF_CHECK(r.why.find("FX: does not trade future") != std::string::npos);
  f.cls = asset_class::fx;
  r = t.route(f, strategy_id{"s"}, ord_type::limit, time_in_force::day, quantity::from_units(1), rng);
  CAF_CHECK(r.legs.empty());
  CAF_CHECK(r.why.find("no routing rule") != std::string::npos);
}

CAF_TEST(split rules divide by weight in lots) {
  route_table t{cfg()};
  std::mt19937_64 rng{1};
  auto r = t.route(eq("SPLIT.X"), strategy_id{"s"}, ord_type::limit, time_in_force::day,
                   quantity::from_units(1000), rng);
  CAF_REQUIRE_EQUAL(r.legs.size(), 2u);
  // 10 lots by 2:1 -> 6 + 3, the leftover lot to the heaviest venue.
  CAF_CHECK_EQUAL(r.legs[0].venue.value, "A");
  CAF_CHECK_EQUAL(r.legs[0].qty, quantity::from_units(700));
  CAF_CHECK_EQUAL(r.legs[1].qty, quantity::from_units(300));
}

CAF_TEST(a pinned order goes to its venue or nowhere) {
  route_table t{cfg()};
  std::mt19937_64 rng{1};
  auto qty = quantity::from_units(100);
  const venue_id dark{"DARK"}, fx{"FX"}, b{"B"};
  // Every pinned order goes to B, which the weights would pick 30% of the time.
  for (int i = 0; i < 50; ++i) {
    auto r = t.route(eq("X"), strategy_id{"s"}, ord_type::limit, time_in_force::day, qty, rng,
                     nullptr, &b);
    CAF_REQUIRE_EQUAL(r.legs.size(), 1u);
    CAF_CHECK_EQUAL(r.legs[0].venue, b);
  }
  // A split rule is not applied to a pinned order.
  auto s = t.route(eq("SPLIT.X"), strategy_id{"s"}, ord_type::limit, time_in_force::day, qty,
                   rng, nullptr, &b);
  CAF_CHECK_EQUAL(s.legs.size(), 1u);
  // The pin is checked like any candidate, and never falls back to the rules.
  auto why = [&](const venue_id& v, const char* strat, ord_type ty,
                 const std::unordered_set<std::string>* down = nullptr) {
    auto r = t.route(eq("X"), strategy_id{strat}, ty, time_in_force::day, qty, rng, down, &v);
    CAF_CHECK(r.legs.empty());
    return r.why;
  };
  CAF_CHECK_EQUAL(why(fx, "s", ord_type::limit), "no venue can take the order: FX: does not trade equity");
  CAF_CHECK_EQUAL(why(dark, "s", ord_type::market), "no venue can take the order: DARK: no market orders");
  CAF_CHECK_EQUAL(why(dark, "nodark", ord_type::limit),
                  "no venue can take the order: DARK: on the do-not-trade list of nodark");
  std::unordered_set<std::string> down{"B"};
  CAF_CHECK_EQUAL(why(b, "s", ord_type::limit, &down),
                  "no venue can take the order: B: unavailable (down or its node is unreachable)");
  const venue_id none{"NOPE"};
  CAF_CHECK_EQUAL(why(none, "s", ord_type::limit), "no venue can take the order: NOPE: not configured");
}
