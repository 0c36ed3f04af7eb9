#pragma once
// The strategy author's API: the contract that gateway, order and risk
// actors all depend on (actors/contract depends on runtime/ only).
// A strategy is an actor that sends these commands
// to its node's gateway and receives order_event and order_events messages
// at `reply_to`: an answer to one command comes as one order_event; events
// that became durable in one store commit come as one order_events batch
// (one per strategy per commit, so the batch grows with the orders in
// flight). Handle both.
//
//   submit_order  -> accepted | rejected | duplicate, then acknowledged,
//                    partially_filled / filled, canceled, expired, ...
//   cancel_order  -> canceled | cancel_rejected
//   amend_order   -> replaced | replace_rejected
//
// Every event carries the ids, the order's status and quantities after the
// event, and a nanosecond timestamp. A rejection carries the stage, a typed
// code and a message naming the field. Events reach the strategy only after
// the state they report is durable.

#include "actors/contract/reject.hpp"
#include "runtime/model/enums.hpp"
#include "runtime/model/fields.hpp"
#include "runtime/model/fixed_point.hpp"
#include "runtime/model/ids.hpp"
#include "runtime/model/records.hpp"

#include <caf/actor.hpp>

#include <string>
#include <vector>

namespace om {

struct submit_order {
  strategy_id strategy;
  client_order_id clordid; // unique per strategy; retries reuse it
  std::string symbol;      // symbol or alias, resolved through refdata
  om::side side = side::buy;
  ord_type type = ord_type::limit;
  time_in_force tif = time_in_force::day;
  quantity qty;
  price px; // limit orders only
  caf::actor reply_to;
  /// Empty: the routing rules choose. Set: this venue only (it must take
  /// the order: asset class, type, time in force, do-not-trade, up).
  venue_id venue;

  OM_FIELDS("om.submit_order", submit_order, strategy, clordid, symbol, side, type, tif, qty,
            px, reply_to, venue)
};

struct cancel_order {
  strategy_id strategy;
  client_order_id clordid;
  caf::actor reply_to;

  OM_FIELDS("om.cancel_order", cancel_order, strategy, clordid, reply_to)
};

/// New total quantity and/or limit price (unchanged fields repeat the old value).
struct amend_order {
  strategy_id strategy;
  client_order_id clordid;
  quantity qty;
  price px;
  caf::actor reply_to;

  OM_FIELDS("om.amend_order", amend_order, strategy, clordid, qty, px, reply_to)
};

enum class event_kind : uint8_t {
  accepted,
  rejected,
  duplicate, // a retried submit: the existing order's current state
  acknowledged,
  partially_filled,
  filled,
  canceled,
  replaced,
  cancel_rejected,
  replace_rejected,
  expired,
};
const char* to_string(event_kind x);

struct order_event {
  event_kind kind = event_kind::accepted;
  order_id id;
  client_order_id clordid;
  strategy_id strategy;
  instrument_id instrument;
  ord_status status = ord_status::pending_new;
  quantity order_qty;
  price limit_px;
  quantity cum_qty;
  quantity leaves_qty;
  price avg_px;
  quantity last_qty; // fills
  price last_px;     // fills
  bool late = false; // fill after the order was canceled/expired
  bool flagged_for_review = false;
  reject_stage stage = reject_stage::none;
  reject_code code = reject_code::none;
  std::string message;
  int64_t ts_ns = 0;

  OM_FIELDS("om.order_event", order_event, kind, id, clordid, strategy, instrument, status,
            order_qty, limit_px, cum_qty, leaves_qty, avg_px, last_qty, last_px, late,
            flagged_for_review, stage, code, message, ts_ns)
};

/// Events of one or more orders that became durable in the same store
/// commit, in the order they were written (each order's in its own order).
struct order_events {
  std::vector<order_event> events;

  OM_FIELDS("om.order_events", order_events, events)
};

/// Builds an order_event from an order's snapshot (ids, status, quantities,
/// average price, review flag) stamped now.
order_event make_event(event_kind kind, const order_snapshot& s);

/// Halts (or resumes) new orders for one strategy or, with an empty
/// strategy, for all; halting also cancels the affected working orders.
/// Durable: a gateway restores its halts before it admits an order.
struct kill_switch {
  strategy_id strategy;
  bool halt = true;
  std::string operator_name;
  std::string reason;

  OM_FIELDS("om.kill_switch", kill_switch, strategy, halt, operator_name, reason)
};

/// A gateway's answer. A halt is in force from the moment the gateway
/// handles it, durable or not; a resume only once it is durable (a resume
/// that could not be stored is refused with store_write_failed).
struct kill_switch_result {
  uint64_t orders_canceled = 0;
  uint64_t audit_sequence = 0; // 0 when the halt could not be stored
  std::string warning;         // e.g. why the halt is not durable

  OM_FIELDS("om.kill_switch_result", kill_switch_result, orders_canceled, audit_sequence,
            warning)
};

} // namespace om
