#include "runtime/model/records.hpp"

namespace om {

const char* to_string(stage x) {
  static constexpr const char* names[stage_count] = {
    "received", "syntax_checked", "business_checked", "risk_checked", "routed",
    "sent_to_venue", "venue_acked", "first_fill", "done"};
  return names[static_cast<size_t>(x)];
}

const char* to_string(audit_kind x) {
  static constexpr const char* names[] = {"order_event",   "risk_override", "risk_bypass",
                                          "kill_switch",   "manual_review", "config_change",
                                          "refdata_reload", "circuit_breaker"};
  return names[static_cast<size_t>(x)];
}

const char* to_string(liquidity x) {
  static constexpr const char* names[] = {"unknown", "maker", "taker"};
  return names[static_cast<size_t>(x)];
}

venue_totals& venue_totals::operator+=(const venue_totals& o) {
  legs += o.legs;
  filled_legs += o.filled_legs;
  fills += o.fills;
  notional += o.notional;
  fees += o.fees;
  ack_sum_ns += o.ack_sum_ns;
  ack_samples += o.ack_samples;
  slippage_sum_centi_bps += o.slippage_sum_centi_bps;
  slippage_samples += o.slippage_samples;
  return *this;
}

} // namespace om
