#pragma once
// The venue interface every venue actor implements (simulated here; FIX 4.4
// sessions later). An order actor sends new/cancel/replace per leg and gets
// venue_report messages at `reply_to`. Reports of one leg carry increasing
// sequence numbers; an order actor restarted from its snapshot sends
// venue_rebind with the last sequence it made durable and receives every
// later report again, so nothing is lost and nothing is applied twice.

#include "actors/common/atoms.hpp"
#include "runtime/model/enums.hpp"
#include "runtime/model/fields.hpp"
#include "runtime/model/fixed_point.hpp"
#include "runtime/model/ids.hpp"
#include "runtime/model/records.hpp"

#include <caf/actor.hpp>
#include <caf/typed_actor.hpp>

namespace om {

struct venue_report;

/// Where a venue sends a leg's reports: the order actor, or its node's
/// venue relay when the venue sits on another node.
using venue_report_sink = caf::typed_actor<caf::reacts_to<venue_report>>;

struct venue_new_order {
  order_id id;
  uint32_t leg = 0;
  instrument_id instrument;
  om::side side = side::buy;
  ord_type type = ord_type::limit;
  time_in_force tif = time_in_force::day;
  quantity qty;
  price px;
  venue_report_sink reply_to;
  int64_t sent_ns = 0;

  OM_FIELDS("om.venue_new_order", venue_new_order, id, leg, instrument, side, type, tif, qty,
            px, reply_to, sent_ns)
};

struct venue_cancel_order {
  order_id id;
  uint32_t leg = 0;

  OM_FIELDS("om.venue_cancel_order", venue_cancel_order, id, leg)
};

/// New total quantity and price of the leg.
struct venue_replace_order {
  order_id id;
  uint32_t leg = 0;
  quantity qty;
  price px;

  OM_FIELDS("om.venue_replace_order", venue_replace_order, id, leg, qty, px)
};

/// What the order actor knows of the leg, so a venue that lost it (a FIX
/// venue after a node restart) can ask the counterparty for its status.
struct venue_rebind {
  order_id id;
  uint32_t leg = 0;
  uint64_t last_seq = 0;
  venue_report_sink reply_to;
  instrument_id instrument;
  om::side side = side::buy;
  quantity qty;
  quantity cum_qty;
  std::string venue_order_id;

  OM_FIELDS("om.venue_rebind", venue_rebind, id, leg, last_seq, reply_to, instrument, side, qty,
            cum_qty, venue_order_id)
};

enum class venue_report_kind : uint8_t {
  ack,
  reject,
  fill,
  canceled, // solicited or not (IOC remainder, FOK, venue cancel)
  replaced,
  cancel_rejected,
  replace_rejected,
};
const char* to_string(venue_report_kind x);

struct venue_report {
  venue_report_kind kind = venue_report_kind::ack;
  order_id id;
  uint32_t leg = 0;
  venue_id venue;
  std::string venue_order_id;
  uint64_t seq = 0;
  quantity last_qty;
  price last_px;
  quantity cum_qty;
  quantity leaves_qty;
  liquidity liq = liquidity::unknown;
  money fee;
  std::string reason;
  int64_t venue_ns = 0;
  std::string exec_id;

  OM_FIELDS("om.venue_report", venue_report, kind, id, leg, venue, venue_order_id, seq,
            last_qty, last_px, cum_qty, leaves_qty, liq, fee, reason, venue_ns, exec_id)
};

/// Event: a venue's connection went down or came back (a FIX session lost
/// or logged on again). Routers stop choosing a venue that is down.
struct venue_availability_changed {
  venue_id venue;
  bool up = true;
  std::string why;

  OM_FIELDS("om.venue_availability_changed", venue_availability_changed, venue, up, why)
};

struct book_level {
  price px;
  quantity qty;
  uint32_t orders = 0;

  OM_FIELDS("om.book_level", book_level, px, qty, orders)
};

struct book_view {
  venue_id venue;
  instrument_id instrument;
  std::vector<book_level> bids;
  std::vector<book_level> asks;

  OM_FIELDS("om.book_view", book_view, venue, instrument, bids, asks)
};

struct venue_counters {
  venue_id venue;
  uint64_t orders = 0;
  uint64_t rejects = 0;
  uint64_t fills = 0;
  uint64_t cancels = 0;
  uint64_t replaces = 0;
  // FIX venues (empty / zero for simulated ones).
  /// "FIX.4.4:DESK->VENUE".
  std::string session;
  /// connecting, logon_sent, logged_on, logon_refused, connect_failed,
  /// disconnected, stopped.
  std::string session_state;
  std::string last_error;
  uint32_t reconnects = 0;
  /// Message types the venue answered with BusinessMessageReject reason 3.
  std::vector<std::string> unsupported;
  /// Legs whose state is unknown (unanswered cancel or status, or a
  /// disconnect) until the venue reports on them.
  std::vector<std::string> unknown_legs;
  /// Reports for orders this node does not know (for an operator).
  uint64_t foreign_reports = 0;
  /// Inbound messages refused as malformed.
  uint64_t refused = 0;
  /// Duplicate reports ignored (PossDup or an ExecID already booked).
  uint64_t duplicates = 0;
  /// The peer's clock minus ours at logon, ms (includes one-way latency).
  int64_t peer_skew_ms = 0;
  /// Market data: instruments subscribed, updates received, subscriptions
  /// the venue refused.
  uint32_t md_subscriptions = 0;
  uint64_t md_updates = 0;
  uint64_t md_refused = 0;
  /// Messages waiting in the venue actor's mailbox when it answered.
  uint64_t mailbox = 0;

  OM_FIELDS("om.venue_counters", venue_counters, venue, orders, rejects, fills, cancels, replaces,
            session, session_state, last_error, reconnects, unsupported, unknown_legs,
            foreign_reports, refused, duplicates, peer_skew_ms, md_subscriptions, md_updates,
            md_refused, mailbox)
};

/// What a venue executed for one desk order (all its legs there).
struct order_execution {
  order_id id;
  quantity qty;
  uint32_t fills = 0;

  OM_FIELDS("om.order_execution", order_execution, id, qty, fills)
};

/// A venue's own record of its executions, for reconciliation with the
/// desk's: the venue side of a drop copy.
struct venue_executions {
  venue_id venue;
  std::vector<order_execution> orders;
  /// The ledger reached its bound: orders beyond it are not listed.
  bool truncated = false;

  OM_FIELDS("om.venue_executions", venue_executions, venue, orders, truncated)
};

using venue_actor = caf::typed_actor<
  caf::reacts_to<venue_new_order>,
  caf::reacts_to<venue_cancel_order>,
  caf::reacts_to<venue_replace_order>,
  caf::reacts_to<venue_rebind>,
  caf::replies_to<book_atom, instrument_id>::with<book_view>,
  caf::replies_to<stats_atom>::with<venue_counters>,
  caf::replies_to<executions_atom>::with<venue_executions>,
  // Internal: the simulated venue's outside-flow timer.
  caf::reacts_to<tick_atom>>;

} // namespace om
