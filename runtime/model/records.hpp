#pragma once
// Durable records: what the store keeps per column family. Plain values with
// `inspect`, so the same structs answer operator queries across nodes. The
// Cap'n Proto layout is in schemas/; runtime/store/codec converts.

#include "runtime/model/enums.hpp"
#include "runtime/model/fields.hpp"
#include "runtime/model/fixed_point.hpp"
#include "runtime/model/ids.hpp"
#include "runtime/model/order_state.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace om {

/// Stages of an order's life at which a nanosecond timestamp is taken.
enum class stage : uint8_t {
  received,
  syntax_checked,
  business_checked,
  risk_checked,
  routed,
  sent_to_venue,
  venue_acked,
  first_fill,
  done,
};
constexpr size_t stage_count = 9;
const char* to_string(stage x);

/// Nanoseconds since the epoch per stage; 0 = not reached.
struct stage_times {
  std::array<int64_t, stage_count> ns{};

  int64_t& operator[](stage s) { return ns[static_cast<size_t>(s)]; }
  int64_t operator[](stage s) const { return ns[static_cast<size_t>(s)]; }

  OM_FIELDS("stage_times", stage_times, ns)
};

/// The part of an order working at one venue.
struct child_order {
  venue_id venue;
  std::string venue_order_id;
  quantity qty;
  quantity cum_qty;
  ord_status status = ord_status::pending_new;
  /// Sequence of the last venue report applied to this leg.
  uint64_t last_seq = 0;

  OM_FIELDS("child_order", child_order, venue, venue_order_id, qty, cum_qty, status, last_seq)
};

struct order_snapshot {
  order_id id;
  client_order_id clordid;
  strategy_id strategy;
  instrument_id instrument;
  std::string symbol_as_sent;
  std::string refdata_version;
  order_state state;
  std::vector<child_order> children;
  stage_times stages;
  bool flagged_for_review = false;
  std::string review_reason;
  std::string reject_reason;
  price arrival_px;
  /// live_mid when market data was fresh at arrival; prev_close or
  /// last_trade flag an order collared without a live market.
  price_source arrival_source = price_source::unknown;
  /// The venue the order was pinned to (empty: routed by the rules).
  venue_id venue_pin;

  OM_FIELDS("order_snapshot", order_snapshot, id, clordid, strategy, instrument,
            symbol_as_sent, refdata_version, state, children, stages, flagged_for_review,
            review_reason, reject_reason, arrival_px, arrival_source, venue_pin)
};

struct position_snapshot {
  strategy_id strategy;
  instrument_id instrument;
  quantity net_qty;
  quantity bought_qty;
  quantity sold_qty;
  money buy_value;
  money sell_value;
  money realized_pnl;
  quantity reserved_buy_qty;
  quantity reserved_sell_qty;
  uint32_t trading_day = 0; // YYYYMMDD
  int64_t updated_ns = 0;

  OM_FIELDS("position_snapshot", position_snapshot, strategy, instrument, net_qty, bought_qty,
            sold_qty, buy_value, sell_value, realized_pnl, reserved_buy_qty, reserved_sell_qty,
            trading_day, updated_ns)
};

struct idempotency_record {
  strategy_id strategy;
  client_order_id clordid;
  order_id order;
  int64_t received_ns = 0;
  uint64_t terms_digest = 0;

  OM_FIELDS("idempotency_record", idempotency_record, strategy, clordid, order, received_ns,
            terms_digest)
};

enum class audit_kind : uint8_t {
  order_event,
  risk_override,
  risk_bypass,
  kill_switch,
  manual_review,
  config_change,
  refdata_reload,
  circuit_breaker,
};
const char* to_string(audit_kind x);

struct audit_record {
  uint64_t sequence = 0;
  int64_t at_ns = 0;
  audit_kind kind = audit_kind::order_event;
  std::string actor;
  order_id order;
  strategy_id strategy;
  instrument_id instrument;
  std::string detail;

  OM_FIELDS("audit_record", audit_record, sequence, at_ns, kind, actor, order, strategy,
            instrument, detail)
};

enum class liquidity : uint8_t { unknown, maker, taker };
const char* to_string(liquidity x);

struct fill_record {
  uint64_t sequence = 0;
  std::string exec_id;
  order_id order;
  venue_id venue;
  strategy_id strategy;
  instrument_id instrument;
  om::side side = side::buy;
  quantity qty;
  price px;
  money fee;
  om::liquidity liq = liquidity::unknown;
  int64_t venue_ns = 0;
  int64_t received_ns = 0;
  price arrival_px;
  bool late = false;

  OM_FIELDS("fill_record", fill_record, sequence, exec_id, order, venue, strategy, instrument,
            side, qty, px, fee, liq, venue_ns, received_ns, arrival_px, late)
};

/// One time bucket of a venue's performance as post-trade saw it: the
/// dashboard's venue matrix and the data the router will score venues with.
/// Minute buckets cover the last hour, hour buckets the last week.
/// What a venue did over some time: summed, never averaged, so buckets
/// and windows add up.
struct venue_totals {
  uint64_t legs = 0;        // legs of orders that ended
  uint64_t filled_legs = 0; // of those, legs with any fill
  uint64_t fills = 0;
  money notional;
  money fees;
  int64_t ack_sum_ns = 0; // leg sent -> venue ack
  uint64_t ack_samples = 0;
  /// Arrival slippage of filled legs (+ = worse), centi-bps, summed.
  int64_t slippage_sum_centi_bps = 0;
  uint64_t slippage_samples = 0;

  venue_totals& operator+=(const venue_totals& o);

  OM_FIELDS("venue_totals", venue_totals, legs, filled_legs, fills, notional, fees, ack_sum_ns,
            ack_samples, slippage_sum_centi_bps, slippage_samples)
};

struct venue_stats_bucket {
  venue_id venue;
  uint32_t width_s = 60; // 60 or 3600
  int64_t start_ns = 0;  // wall clock, a multiple of the width
  venue_totals totals;

  OM_FIELDS("venue_stats_bucket", venue_stats_bucket, venue, width_s, start_ns, totals)
};

/// An error needing investigation, as the node's incident log keeps it
/// (actors/admin/incidents.hpp): opened when its condition is first seen,
/// refreshed while it lasts, resolved when it clears. Kept in RocksDB.
struct incident_record {
  uint64_t id = 0;      // per node, increasing
  std::string node;
  std::string kind;     // unacked_orders, unknown_legs, ... (incidents.hpp)
  std::string subject;  // venue, peer, breaker scope or part; "" = node-wide
  bool paging = false;  // affects order state
  std::string detail;   // the latest description
  int64_t first_ns = 0;
  int64_t last_ns = 0;
  int64_t resolved_ns = 0; // 0 while open
  uint64_t observations = 0;

  OM_FIELDS("incident_record", incident_record, id, node, kind, subject, paging, detail,
            first_ns, last_ns, resolved_ns, observations)
};

} // namespace om
