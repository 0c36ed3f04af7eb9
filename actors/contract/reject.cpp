#include "actors/contract/reject.hpp"

namespace om {

const char* to_string(reject_stage x) {
  static constexpr const char* names[] = {"none",      "syntax",  "idempotency", "business",
                                          "real_time", "routing", "venue",       "system"};
  return names[static_cast<size_t>(x)];
}

const char* to_string(reject_code x) {
  static constexpr const char* names[] = {
    "none",
    "missing_strategy",
    "missing_client_order_id",
    "missing_symbol",
    "non_positive_quantity",
    "missing_limit_price",
    "price_on_market_order",
    "invalid_market_tif",
    "duplicate_different_terms",
    "unknown_symbol",
    "ambiguous_symbol",
    "inactive_instrument",
    "asset_class_not_permitted",
    "tick_size",
    "lot_size",
    "max_order_qty",
    "max_order_notional",
    "instrument_halted",
    "restricted_instrument",
    "kill_switch",
    "rate_limit",
    "price_collar",
    "no_reference_price",
    "gross_position_limit",
    "net_position_limit",
    "daily_loss_limit",
    "risk_timeout",
    "risk_unavailable",
    "no_route",
    "venue_rejected",
    "persistence_failed",
    "unknown_order",
    "not_amendable",
    "order_done",
    "node_unreachable",
    "unknown_strategy",
    "market_data_stale",
    "volatility_pause",
  };
  return names[static_cast<size_t>(x)];
}

reject_stage stage_of(reject_code x) {
  using c = reject_code;
  if (x == c::none)
    return reject_stage::none;
  if (x <= c::invalid_market_tif)
    return reject_stage::syntax;
  if (x == c::duplicate_different_terms)
    return reject_stage::idempotency;
  if (x <= c::max_order_notional || x == c::unknown_strategy)
    return reject_stage::business;
  if (x <= c::risk_unavailable || x == c::node_unreachable || x == c::market_data_stale
      || x == c::volatility_pause)
    return reject_stage::real_time;
  if (x == c::no_route)
    return reject_stage::routing;
  if (x == c::venue_rejected)
    return reject_stage::venue;
  return reject_stage::system;
}

} // namespace om
