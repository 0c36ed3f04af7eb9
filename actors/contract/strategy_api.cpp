#include "actors/contract/strategy_api.hpp"
#include "runtime/clock.hpp"

namespace om {

const char* to_string(event_kind x) {
  static constexpr const char* names[] = {
    "accepted", "rejected",        "duplicate",        "acknowledged",
    "partially_filled", "filled",  "canceled",         "replaced",
    "cancel_rejected",  "replace_rejected", "expired"};
  return names[static_cast<size_t>(x)];
}

order_event make_event(event_kind kind, const order_snapshot& s) {
  order_event e;
  e.kind = kind;
  e.id = s.id;
  e.clordid = s.clordid;
  e.strategy = s.strategy;
  e.instrument = s.instrument;
  e.status = s.state.status;
  e.order_qty = s.state.order_qty;
  e.limit_px = s.state.limit_px;
  e.cum_qty = s.state.cum_qty;
  e.leaves_qty = s.state.leaves_qty;
  e.avg_px = s.state.avg_px();
  e.flagged_for_review = s.flagged_for_review;
  e.ts_ns = wall_ns();
  return e;
}

} // namespace om
