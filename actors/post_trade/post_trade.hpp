#pragma once
// Post-trade: reads the fill journal (written by the store actor in the same
// atomic write as the order it belongs to, so it always matches the orders),
// keeps arrival-price slippage per order, per-venue counters and per-stage
// latency of finished orders, answered by message. The store actor sends it
// what each commit made durable (fills, ack samples, finished orders) as one
// trades_committed, so its input is batched by the store's group commit.

#include "actors/common/atoms.hpp"
#include "actors/post_trade/venue_matrix.hpp"
#include "runtime/model/latency_histogram.hpp"
#include "runtime/model/records.hpp"

#include <caf/typed_actor.hpp>

#include <memory>

namespace om {

/// Time from sending a leg to its acknowledgement.
struct venue_ack_sample {
  venue_id venue;
  int64_t latency_ns = 0;

  OM_FIELDS("om.venue_ack_sample", venue_ack_sample, venue, latency_ns)
};

/// What one store commit made durable, for post-trade: the fills it
/// journaled, the ack samples of those writes, and the final snapshots of
/// the orders it finished. An order that ends without a write of its own
/// (recovered already finished, say) sends one itself.
struct trades_committed {
  std::vector<fill_record> fills;
  std::vector<venue_ack_sample> acks;
  std::vector<order_snapshot> finished;

  OM_FIELDS("om.trades_committed", trades_committed, fills, acks, finished)
};

struct venue_perf {
  venue_id venue;
  uint64_t legs = 0;        // legs of finished orders
  uint64_t filled_legs = 0; // of those, legs with any fill (fill rate)
  uint64_t fills = 0;
  quantity filled_qty;
  money notional;
  money fees;
  int64_t ack_latency_sum_ns = 0; // leg sent -> venue ack
  uint64_t ack_samples = 0;

  OM_FIELDS("om.venue_perf", venue_perf, venue, legs, filled_legs, fills, filled_qty, notional, fees,
            ack_latency_sum_ns, ack_samples)
};

/// Latency percentiles between consecutive stages, in microseconds.
struct stage_latency {
  std::string from;
  std::string to;
  uint64_t samples = 0;
  double p50_us = 0;
  double p99_us = 0;
  double p999_us = 0;
  /// The same samples as a histogram (ns), for metrics.
  histogram_view histogram;

  OM_FIELDS("om.stage_latency", stage_latency, from, to, samples, p50_us, p99_us, p999_us,
            histogram)
};

struct post_trade_report {
  uint64_t orders_finished = 0;
  uint64_t fills = 0;
  uint64_t late_fills = 0;
  money notional;
  /// Average arrival slippage over filled orders, centi-bps (+ = worse).
  int64_t avg_slippage_centi_bps = 0;
  uint64_t slippage_samples = 0;
  /// Where the arrival prices of the finished orders came from.
  uint64_t arrival_live_mid = 0;
  uint64_t arrival_prev_close = 0;
  uint64_t arrival_last_trade = 0;
  std::vector<venue_perf> venues;
  std::vector<stage_latency> stages;
  /// The venue matrix: each venue over the last 1h, 24h and 7d (persisted,
  /// so it survives restarts; venue_matrix.hpp).
  std::vector<venue_window> windows;

  OM_FIELDS("om.post_trade_report", post_trade_report, orders_finished, fills, late_fills,
            notional, avg_slippage_centi_bps, slippage_samples, arrival_live_mid,
            arrival_prev_close, arrival_last_trade, venues, stages, windows)
};

using post_trade_actor = caf::typed_actor<
  // What a store commit made durable (or an order that ended without a
  // write of its own).
  caf::reacts_to<trades_committed>,
  caf::replies_to<stats_atom>::with<post_trade_report>,
  // Internal: persist the venue matrix (tick), find the store (retry).
  caf::reacts_to<tick_atom>,
  caf::reacts_to<retry_atom>>;

caf::actor spawn_post_trade(caf::actor_system& sys);

} // namespace om
