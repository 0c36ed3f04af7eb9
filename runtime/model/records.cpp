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

} // namespace om
