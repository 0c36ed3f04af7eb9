#include "actors/market_data/md_book.hpp"

#include <algorithm>

namespace om {

const char* to_string(md_book::transition t) {
  switch (t) {
    case md_book::transition::none: return "none";
    case md_book::transition::paused: return "paused";
    case md_book::transition::resumed: return "resumed";
    case md_book::transition::went_stale: return "went_stale";
    case md_book::transition::went_fresh: return "went_fresh";
  }
  return "?";
}

namespace {

int64_t ms_ns(std::chrono::milliseconds d) { return static_cast<int64_t>(d.count()) * 1'000'000; }

} // namespace

md_book::transition md_book::on_quote(const md_quote& q, int64_t now_ns) {
  auto& v = venues_[q.venue.value];
  v.venue = q.venue;
  v.bid_px = q.bid_qty.is_positive() ? q.bid_px : price{};
  v.bid_qty = q.bid_qty;
  v.ask_px = q.ask_qty.is_positive() ? q.ask_px : price{};
  v.ask_qty = q.ask_qty;
  v.updated_ns = now_ns;
  v.up = true;
  v.why.clear();
  ++v.updates;
  ++updates_;
  if (q.last_qty.is_positive() && q.last_px.is_positive())
    last_ = q.last_px;
  updated_ns_ = now_ns;
  consolidate();
  sample_mid(now_ns);
  return evaluate(now_ns);
}

md_book::transition md_book::on_feed_lost(const venue_id& venue, const std::string& why,
                                          int64_t now_ns) {
  auto i = venues_.find(venue.value);
  if (i == venues_.end()) {
    auto& v = venues_[venue.value];
    v.venue = venue;
    v.up = false;
    v.why = why;
    return evaluate(now_ns);
  }
  i->second.up = false;
  i->second.why = why;
  i->second.bid_qty = quantity{};
  i->second.ask_qty = quantity{};
  consolidate();
  return evaluate(now_ns);
}

md_book::transition md_book::on_tick(int64_t now_ns) { return evaluate(now_ns); }

void md_book::consolidate() {
  bid_ = price{};
  ask_ = price{};
  for (auto& [_, v] : venues_) {
    if (!v.up)
      continue;
    if (v.bid_qty.is_positive() && v.bid_px > bid_)
      bid_ = v.bid_px;
    if (v.ask_qty.is_positive() && (ask_.is_zero() || v.ask_px < ask_))
      ask_ = v.ask_px;
  }
  // A consolidated book crossed across venues still has a mid; one with a
  // side missing everywhere has none.
  mid_ = bid_.is_positive() && ask_.is_positive()
           ? price::from_raw(static_cast<int64_t>(div_round(int128{bid_.raw} + ask_.raw, 2)))
           : price{};
}

void md_book::sample_mid(int64_t now_ns) {
  if (mid_.is_positive())
    mids_.emplace_back(now_ns, mid_.raw);
}

int64_t md_book::fresh_until(int64_t) const {
  int64_t latest = 0;
  for (auto& [_, v] : venues_)
    if (v.up)
      latest = std::max(latest, v.updated_ns);
  if (latest == 0 || !mid_.is_positive())
    return 0;
  return latest + ms_ns(cfg_.stale_after);
}

md_book::transition md_book::evaluate(int64_t now_ns) {
  // Volatility: the range of the mids inside the window.
  auto horizon = now_ns - ms_ns(cfg_.volatility_window);
  while (mids_.size() > 1 && mids_.front().first < horizon)
    mids_.pop_front();
  // With no mid now, an old sample alone says nothing about the range.
  if (!mids_.empty() && mids_.front().first < horizon && !mid_.is_positive())
    mids_.clear();
  range_ = basis_points{};
  if (mids_.size() > 1) {
    int64_t lo = mids_.front().second, hi = lo;
    for (auto& [_, m] : mids_) {
      lo = std::min(lo, m);
      hi = std::max(hi, m);
    }
    // bps with 2 decimals: (hi - lo) / lo * 10000 * 100.
    range_ = basis_points::from_raw(
      static_cast<int64_t>(div_round(int128{hi - lo} * 1'000'000, lo)));
  }
  bool fresh_now = fresh(now_ns);
  auto threshold = cfg_.volatility_pause_bps;
  bool spiking = threshold.is_positive() && range_ > threshold;
  transition t = transition::none;
  if (spiking) {
    calm_since_ns_ = 0;
    if (!paused_) {
      paused_ = true;
      ++pauses_;
      t = transition::paused;
    }
  } else if (paused_) {
    if (calm_since_ns_ == 0)
      calm_since_ns_ = now_ns;
    if (now_ns - calm_since_ns_ >= ms_ns(cfg_.resume_after)) {
      paused_ = false;
      calm_since_ns_ = 0;
      t = transition::resumed;
    }
  }
  if (fresh_now != was_fresh_) {
    if (!fresh_now)
      ++stale_periods_;
    // A pause or resume matters more to the caller; freshness is in view().
    if (t == transition::none)
      t = fresh_now ? transition::went_fresh : transition::went_stale;
  }
  was_fresh_ = fresh_now;
  return t;
}

market_view md_book::view() const {
  market_view v;
  v.instrument = inst_;
  v.bid = bid_;
  v.ask = ask_;
  v.mid = mid_;
  v.last = last_;
  v.updated_ns = updated_ns_;
  v.fresh_until_ns = fresh_until(0);
  v.range_bps = range_;
  v.paused = paused_;
  return v;
}

market_status md_book::status(int64_t now_ns) const {
  market_status s;
  s.view = view();
  s.fresh = fresh(now_ns);
  s.updates = updates_;
  s.pauses = pauses_;
  s.stale_periods = stale_periods_;
  for (auto& [_, v] : venues_)
    s.venues.push_back(v);
  return s;
}

} // namespace om
