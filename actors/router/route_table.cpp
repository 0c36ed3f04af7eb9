#include "actors/router/route_table.hpp"

#include <algorithm>
#include <numeric>

namespace om {

route_table::route_table(const node_config& cfg)
  : venues_(cfg.venues), rules_(cfg.routes), permissions_(cfg.risk.permissions) {
}

const venue_section* route_table::venue(const venue_id& id) const {
  for (auto& v : venues_)
    if (v.id == id)
      return &v;
  return nullptr;
}

route_result route_table::route(const instrument& inst, const strategy_id& strategy,
                                ord_type type, time_in_force tif, quantity qty,
                                std::mt19937_64& rng,
                                const std::unordered_set<std::string>* unavailable,
                                const venue_id* pin) const {
  // A pinned order has one candidate, checked like any other.
  routing_rule pinned;
  if (pin && !pin->value.empty()) {
    pinned.venues.push_back(route_target{*pin, 1});
    pinned.instrument = inst.id;
  }
  const routing_rule* rule = pinned.venues.empty() ? nullptr : &pinned;
  if (!rule)
    for (auto& r : rules_)
      if (r.instrument && *r.instrument == inst.id)
        rule = &r;
  if (!rule)
    for (auto& r : rules_)
      if (r.cls && *r.cls == inst.cls) {
        rule = &r;
        break;
      }
  route_result out;
  if (!rule) {
    out.why = std::string{"no routing rule for "} + inst.id.value + " (" + to_string(inst.cls) + ")";
    return out;
  }
  const std::vector<venue_id>* dnt = nullptr;
  if (auto p = permissions_.find(strategy.value); p != permissions_.end())
    dnt = &p->second.do_not_trade;
  std::vector<route_target> candidates;
  std::string excluded;
  auto exclude = [&](const venue_id& v, const std::string& why) {
    excluded += (excluded.empty() ? "" : "; ") + v.value + ": " + why;
  };
  for (auto& t : rule->venues) {
    auto v = venue(t.venue);
    if (!v) {
      exclude(t.venue, "not configured");
      continue;
    }
    if (!v->asset_classes.empty()
        && std::find(v->asset_classes.begin(), v->asset_classes.end(), inst.cls)
             == v->asset_classes.end()) {
      exclude(t.venue, std::string{"does not trade "} + to_string(inst.cls));
      continue;
    }
    if (std::find(v->order_types.begin(), v->order_types.end(), type) == v->order_types.end()) {
      exclude(t.venue, std::string{"no "} + to_string(type) + " orders");
      continue;
    }
    if (std::find(v->tifs.begin(), v->tifs.end(), tif) == v->tifs.end()) {
      exclude(t.venue, std::string{"no "} + to_string(tif) + " orders");
      continue;
    }
    if (dnt && std::find(dnt->begin(), dnt->end(), t.venue) != dnt->end()) {
      exclude(t.venue, "on the do-not-trade list of " + strategy.value);
      continue;
    }
    if (unavailable && unavailable->count(t.venue.value) > 0) {
      exclude(t.venue, "unavailable (down or its node is unreachable)");
      continue;
    }
    candidates.push_back(t);
  }
  if (candidates.empty()) {
    out.why = "no venue can take the order: " + excluded;
    return out;
  }
  uint64_t total = 0;
  for (auto& c : candidates)
    total += c.weight;
  if (!rule->split || candidates.size() == 1) {
    std::uniform_int_distribution<uint64_t> dist{0, total - 1};
    auto pick = dist(rng);
    for (auto& c : candidates) {
      if (pick < c.weight) {
        out.legs.push_back(route_leg{c.venue, qty});
        return out;
      }
      pick -= c.weight;
    }
  }
  // Split by weight in lot multiples; what rounding leaves goes to the
  // heaviest venue.
  auto lot = inst.lot_size.raw > 0 ? inst.lot_size.raw : 1;
  int64_t lots = qty.raw / lot;
  int64_t assigned = 0;
  for (auto& c : candidates) {
    auto n = static_cast<int64_t>(static_cast<int128>(lots) * c.weight / total);
    out.legs.push_back(route_leg{c.venue, quantity::from_raw(n * lot)});
    assigned += n * lot;
  }
  auto heaviest = std::max_element(candidates.begin(), candidates.end(),
                                   [](auto& a, auto& b) { return a.weight < b.weight; })
                  - candidates.begin();
  out.legs[static_cast<size_t>(heaviest)].qty += quantity::from_raw(qty.raw - assigned);
  out.legs.erase(std::remove_if(out.legs.begin(), out.legs.end(),
                                [](auto& l) { return l.qty.is_zero(); }),
                 out.legs.end());
  return out;
}

} // namespace om
