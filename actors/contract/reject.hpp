#pragma once
// Why an order (or an amend/cancel) was refused: a stage and a typed code.
// Every rejection carries both plus a message naming the field and value.

#include <cstddef>
#include <cstdint>

namespace om {

enum class reject_stage : uint8_t {
  none,
  syntax,      // stage 1: required fields, signs, enums
  idempotency, // client order id reused with different terms
  business,    // stage 2: refdata, permissions, tick/lot, static limits
  real_time,   // stage 3: trading status, risk check and reservation
  routing,     // no venue can take the order
  venue,       // the venue refused it
  system,      // persistence or internal failure
};

enum class reject_code : uint8_t {
  none,
  // syntax
  missing_strategy,
  missing_client_order_id,
  missing_symbol,
  non_positive_quantity,
  missing_limit_price,
  price_on_market_order,
  invalid_market_tif,
  // idempotency
  duplicate_different_terms,
  // business
  unknown_symbol,
  ambiguous_symbol,
  inactive_instrument,
  asset_class_not_permitted,
  tick_size,
  lot_size,
  max_order_qty,
  max_order_notional,
  // real time
  instrument_halted,
  restricted_instrument,
  kill_switch,
  rate_limit,
  price_collar,
  no_reference_price,
  gross_position_limit,
  net_position_limit,
  daily_loss_limit,
  risk_timeout,
  risk_unavailable,
  // routing
  no_route,
  // venue
  venue_rejected,
  // system
  persistence_failed,
  unknown_order,
  not_amendable,
  order_done,
  // real time, cluster: the node hosting the order's risk shard is down or
  // not joined. Not a downstream failure for the circuit breaker: the
  // cluster's on_unreachable policy already decided (reject or hold).
  node_unreachable,
  // business: the strategy is not one of risk.strategies (codes are stored
  // by number: new ones go at the end).
  unknown_strategy,
  // real time, market data: the instrument's feed is stale and the policy
  // fails closed; the instrument is paused by a volatility spike.
  market_data_stale,
  volatility_pause,
};

const char* to_string(reject_stage x);
const char* to_string(reject_code x);
/// The stage a code belongs to.
reject_stage stage_of(reject_code x);

} // namespace om
