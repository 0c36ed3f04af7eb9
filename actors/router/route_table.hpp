#pragma once
// Venue selection rules from the node configuration. Plain code owned by the
// router actor.
//
// For an order: take the instrument's rule, else its asset class's rule; keep
// the venues that trade the asset class, support the order type and time in
// force, and are not on the strategy's do-not-trade list; then either pick
// one by weight, or (split rules) divide the quantity by weight in lot
// multiples. No candidate left: no route, with the reason for each venue.

#include "runtime/config/config.hpp"
#include "runtime/model/instrument.hpp"

#include <random>
#include <string>
#include <unordered_set>
#include <vector>

namespace om {

struct route_leg {
  venue_id venue;
  quantity qty;
};

struct route_result {
  std::vector<route_leg> legs; // empty: no route
  std::string why;             // set when legs is empty
};

class route_table {
public:
  explicit route_table(const node_config& cfg);

  /// `unavailable`: venues known to be down (their node lost, or restarting);
  /// they are skipped like a venue that cannot take the order.
  route_result route(const instrument& inst, const strategy_id& strategy, ord_type type,
                     time_in_force tif, quantity qty, std::mt19937_64& rng,
                     const std::unordered_set<std::string>* unavailable = nullptr,
                     const venue_id* pin = nullptr) const;

  const std::vector<venue_section>& venues() const { return venues_; }

private:
  const venue_section* venue(const venue_id& id) const;

  std::vector<venue_section> venues_;
  std::vector<routing_rule> rules_;
  std::map<std::string, strategy_permissions> permissions_;
};

} // namespace om
