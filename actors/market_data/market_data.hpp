#pragma once
// Market data: one actor per quoted instrument, the single owner of that
// instrument's market state. Venue sessions that subscribe to market data
// (MarketDataRequest V) send it each venue's top of book and trades; it
// consolidates them, measures short-horizon volatility and staleness, and
// tells the instrument's risk actor (collar reference, arrival mid) and the
// gateways (volatility pauses) what it concluded.

#include "actors/common/atoms.hpp"
#include "runtime/model/fields.hpp"
#include "runtime/model/fixed_point.hpp"
#include "runtime/model/ids.hpp"

#include <caf/typed_actor.hpp>

#include <string>
#include <vector>

namespace om {

/// One venue's top of book and last trade for one instrument, as its
/// session last saw them. A side with zero quantity is empty.
struct md_quote {
  instrument_id instrument;
  venue_id venue;
  price bid_px;
  quantity bid_qty;
  price ask_px;
  quantity ask_qty;
  /// The trade this update reported, if any (zero quantity: none).
  price last_px;
  quantity last_qty;
  /// When the venue stamped the update (SendingTime), ns since the epoch.
  int64_t venue_ns = 0;
  /// When our session received it.
  int64_t received_ns = 0;

  OM_FIELDS("om.md_quote", md_quote, instrument, venue, bid_px, bid_qty, ask_px, ask_qty,
            last_px, last_qty, venue_ns, received_ns)
};

/// A venue's feed for an instrument ended: its session dropped, or the
/// venue refused the subscription (MarketDataRequestReject).
struct md_feed_lost {
  instrument_id instrument;
  venue_id venue;
  std::string why;

  OM_FIELDS("om.md_feed_lost", md_feed_lost, instrument, venue, why)
};

/// What the market-data actor concluded, pushed to the instrument's risk
/// actor on every change and every tick. `fresh_until_ns` is when this view
/// goes stale unless another update comes: readers compare it with their
/// own clock, so a silent feed goes stale without a message.
struct market_view {
  instrument_id instrument;
  price bid;
  price ask;
  /// Consolidated mid; zero when a side is missing everywhere.
  price mid;
  price last;
  int64_t updated_ns = 0;
  int64_t fresh_until_ns = 0;
  /// Mid range over the volatility window, bps.
  basis_points range_bps;
  bool paused = false;

  OM_FIELDS("om.market_view", market_view, instrument, bid, ask, mid, last, updated_ns,
            fresh_until_ns, range_bps, paused)
};

/// Event: new orders for the instrument pause (volatility spike). The pause
/// holds until `until_ns` unless renewed, so a gateway that misses the
/// resume or starts late cannot stay paused forever.
struct instrument_paused {
  instrument_id instrument;
  basis_points range_bps;
  basis_points threshold_bps;
  int64_t until_ns = 0;

  OM_FIELDS("om.instrument_paused", instrument_paused, instrument, range_bps, threshold_bps,
            until_ns)
};

/// Event: the spike calmed; held orders go on.
struct instrument_resumed {
  instrument_id instrument;

  OM_FIELDS("om.instrument_resumed", instrument_resumed, instrument)
};

/// One venue's part of the consolidated view (for operators).
struct md_venue_state {
  venue_id venue;
  price bid_px;
  quantity bid_qty;
  price ask_px;
  quantity ask_qty;
  int64_t updated_ns = 0;
  bool up = true;
  std::string why;
  uint64_t updates = 0;

  OM_FIELDS("om.md_venue_state", md_venue_state, venue, bid_px, bid_qty, ask_px, ask_qty,
            updated_ns, up, why, updates)
};

/// The market-data actor's state for `omctl market`.
struct market_status {
  market_view view;
  bool fresh = false;
  uint64_t updates = 0;
  uint64_t pauses = 0;
  uint64_t stale_periods = 0;
  std::vector<md_venue_state> venues;

  OM_FIELDS("om.market_status", market_status, view, fresh, updates, pauses, stale_periods,
            venues)
};

using market_data_actor = caf::typed_actor<
  caf::reacts_to<md_quote>,
  caf::reacts_to<md_feed_lost>,
  caf::replies_to<stats_atom>::with<market_status>,
  // Internal: staleness and pause/resume are time-driven.
  caf::reacts_to<tick_atom>>;

} // namespace om
