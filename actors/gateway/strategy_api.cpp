#include "actors/gateway/strategy_api.hpp"

namespace om {

const char* to_string(event_kind x) {
  static constexpr const char* names[] = {
    "accepted", "rejected",        "duplicate",        "acknowledged",
    "partially_filled", "filled",  "canceled",         "replaced",
    "cancel_rejected",  "replace_rejected", "expired"};
  return names[static_cast<size_t>(x)];
}

} // namespace om
