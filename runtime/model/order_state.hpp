#pragma once
// The order life cycle as pure functions over FIX 4.4 order states.
//
// State diagram (events in brackets; * = any non-terminal state):
//
//   submit ──▶ pending_new ──[venue_ack]──▶ new ──[fill]──▶ partially_filled ──[fill]──▶ filled
//                 │   └──[venue_reject]──▶ rejected        │                     ▲
//                 └──[fill]: implicit ack ─────────────────┘                     │
//   new|partially_filled ──[cancel_request]──▶ pending_cancel ──[cancel_ack]──▶ canceled
//                                   pending_cancel ──[cancel_reject]──▶ previous state
//                                   pending_cancel ──[fill]──▶ pending_cancel (or filled)
//   new|partially_filled ──[replace_request]──▶ pending_replace ──[replace_ack]──▶ new|partially_filled
//                                   (new qty <= filled qty: ──▶ filled, the order ends)
//                                   pending_replace ──[replace_reject]──▶ previous state
//                                   pending_replace ──[fill]──▶ pending_replace (or filled)
//   * ──[unsolicited_cancel]──▶ canceled      * ──[expire]──▶ expired
//
// Deliberate edge cases:
//  - A cancel may be requested before the venue acknowledged (pending_new);
//    a later ack keeps the order pending_cancel, a cancel reject restores new.
//  - A fill after the order ended canceled or expired is a *late fill*: the
//    venue executed it, so it is booked (cum qty and value move, the status
//    stays terminal) and flagged `late`.
//  - A cancel/replace reject that arrives after the order reached a terminal
//    state (it lost the race against a fill) is accepted as a no-op.
//  - A fill taking cum qty above order qty is refused with errc::overfill and
//    changes nothing.
//  - `replaced` exists for FIX OrdStatus compatibility only: ordermesh keeps
//    one order identity across replaces, so a replace ack reports
//    exec_type::replaced and leaves the order new/partially_filled/filled.
// Every other (state, event) pair returns errc::illegal_transition.

#include "runtime/model/enums.hpp"
#include "runtime/model/fields.hpp"
#include "runtime/model/fixed_point.hpp"

#include <caf/meta/type_name.hpp>

#include <string>
#include <variant>

namespace om {

/// What the strategy asked for.
struct order_terms {
  om::side side = side::buy;
  ord_type type = ord_type::limit;
  time_in_force tif = time_in_force::day;
  quantity qty;
  price limit_px; // zero for market orders
};

/// The execution state of one order. Plain value; owned by its order actor.
struct order_state {
  ord_status status = ord_status::pending_new;
  /// State a cancel/replace reject returns to.
  ord_status restore_status = ord_status::pending_new;
  om::side side = side::buy;
  ord_type type = ord_type::limit;
  time_in_force tif = time_in_force::day;
  quantity order_qty;
  price limit_px;
  quantity cum_qty;
  quantity leaves_qty;
  /// Exact sum of fill price * fill qty (raw units), split for the wire.
  int64_t cum_value_hi = 0;
  uint64_t cum_value_lo = 0;
  /// Requested terms while pending_replace.
  quantity pending_qty;
  price pending_px;
  uint32_t fill_count = 0;
  uint32_t late_fill_count = 0;

  int128 cum_value() const {
    return static_cast<int128>((static_cast<unsigned __int128>(static_cast<uint64_t>(cum_value_hi)) << 64)
                               | cum_value_lo);
  }
  void set_cum_value(int128 v) {
    auto u = static_cast<unsigned __int128>(v);
    cum_value_hi = static_cast<int64_t>(static_cast<uint64_t>(u >> 64));
    cum_value_lo = static_cast<uint64_t>(u);
  }
  /// Volume-weighted average fill price, exact to 8 decimals.
  price avg_px() const { return average_price(cum_value(), cum_qty); }

  OM_FIELDS("order_state", order_state, status, restore_status, side, type, tif, order_qty,
            limit_px, cum_qty, leaves_qty, cum_value_hi, cum_value_lo, pending_qty, pending_px,
            fill_count, late_fill_count)
};

// -- events -------------------------------------------------------------------

struct venue_ack {};
struct venue_reject { std::string reason; };
struct fill { quantity qty; price px; };
struct cancel_request {};
struct cancel_ack {};
struct cancel_reject { std::string reason; };
struct replace_request { quantity qty; price px; };
struct replace_ack {};
struct replace_reject { std::string reason; };
/// The venue canceled on its own (IOC/FOK remainder, session end, venue halt).
struct unsolicited_cancel { std::string reason; };
struct expire {};

using lifecycle_event = std::variant<venue_ack, venue_reject, fill, cancel_request, cancel_ack,
                                 cancel_reject, replace_request, replace_ack, replace_reject,
                                 unsolicited_cancel, expire>;

/// Short event name for logs and errors, e.g. "cancel_ack".
const char* event_name(const lifecycle_event& ev);

/// Outcome of an accepted event.
struct transition {
  order_state next;
  exec_type exec = exec_type::none;
  quantity last_qty; // fills only
  price last_px;     // fills only
  bool late = false; // fill booked on a canceled/expired order
};

/// Validates `terms` and creates the order in pending_new.
/// Errors: errc::invalid_argument naming the field.
caf::expected<order_state> submit(const order_terms& terms);

/// Applies one event. Never throws; the input state is not modified.
/// Errors: errc::illegal_transition (state and event named), errc::overfill,
/// errc::invalid_argument (non-positive fill or replace quantity, bad price).
caf::expected<transition> apply_event(const order_state& state, const lifecycle_event& ev);

} // namespace om
