#pragma once
// The market state of one instrument, without I/O: each venue's top of book,
// the consolidated best bid and offer, the last trade, short-horizon
// volatility (the mid's range over a window, in bps) and staleness. Owned by
// the instrument's market-data actor; driven by quotes and by the clock.
//
// Staleness: the view is fresh while some venue whose feed is up sent an
// update within `stale_after`. A quiet book that does not change is stale
// too: set stale_after to the instrument's expected update interval.
//
// Volatility pause: when the range exceeds `volatility_pause_bps` the
// instrument pauses; it resumes once the range has stayed at or under the
// threshold for `resume_after`.

#include "actors/market_data/market_data.hpp"
#include "runtime/config/config.hpp"

#include <deque>
#include <map>

namespace om {

class md_book {
public:
  md_book(instrument_id inst, const market_data_section& cfg) : inst_(std::move(inst)), cfg_(cfg) {}

  /// What a call changed about trading.
  enum class transition { none, paused, resumed, went_stale, went_fresh };

  /// A venue's update; returns the transition it caused, if any.
  transition on_quote(const md_quote& q, int64_t now_ns);
  /// A venue's feed ended; its quote no longer counts.
  transition on_feed_lost(const venue_id& v, const std::string& why, int64_t now_ns);
  /// Time passing: staleness and resume.
  transition on_tick(int64_t now_ns);

  market_view view() const;
  bool fresh(int64_t now_ns) const { return fresh_until(now_ns) > now_ns; }
  bool paused() const { return paused_; }
  basis_points range() const { return range_; }
  market_status status(int64_t now_ns) const;

private:
  void consolidate();
  transition evaluate(int64_t now_ns);
  int64_t fresh_until(int64_t now_ns) const;
  void sample_mid(int64_t now_ns);

  instrument_id inst_;
  market_data_section cfg_;
  std::map<std::string, md_venue_state> venues_;
  price bid_, ask_, mid_, last_;
  int64_t updated_ns_ = 0;
  /// (time, mid raw) within the volatility window.
  std::deque<std::pair<int64_t, int64_t>> mids_;
  basis_points range_;
  bool paused_ = false;
  int64_t calm_since_ns_ = 0;
  bool was_fresh_ = false;
  uint64_t updates_ = 0, pauses_ = 0, stale_periods_ = 0;
};

const char* to_string(md_book::transition t);

} // namespace om
