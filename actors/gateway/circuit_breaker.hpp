#pragma once
// The gateway's circuit breakers. One breaker: counts downstream outcomes (orders that
// reached risk and the venues) in one-second buckets over a rolling window.
// When at least `min_samples` outcomes are in the window and the error share
// exceeds `ratio`, it opens: the gateway queues incoming orders instead of
// sending them on, and alerts. It closes once the share over the window is
// back under the ratio (or too few outcomes remain in it).
//
// Downstream errors: venue rejects, no route, risk timeouts or
// unavailability, persistence failures. Business rejects of bad orders are
// the strategy's errors, not the pipeline's, and do not count.
//
// A breaker_board keeps one breaker per scope, so one failing part does not
// stop everything: an instrument whose risk shard or venues fail opens only
// that instrument's breaker ("instrument:<id>"); a store that refuses writes
// opens the node's ("store"), which holds every order since none could be
// recorded. Scopes are bounded: instruments come from reference data.
// Plain code, owned by the gateway; time is given by the caller.

#include "actors/contract/reject.hpp"
#include "runtime/model/fields.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace om {

class circuit_breaker {
public:
  /// Opens when, in the window, there are at least `min_samples` outcomes
  /// and `min_errors` errors and the error share exceeds `ratio`. The error
  /// floor keeps a scope with little flow (one instrument) from tripping on
  /// noise: two random venue rejects among twenty orders are not an outage.
  circuit_breaker(double ratio, int64_t window_s, uint64_t min_samples = 20,
                  uint64_t min_errors = 5)
    : ratio_(ratio), err_(static_cast<size_t>(window_s)), all_(static_cast<size_t>(window_s)),
      min_samples_(min_samples), min_errors_(min_errors) {
  }

  /// The scope a downstream error belongs to ("" for none): persistence
  /// failures are the node's, the others the instrument's.
  static std::string scope_of(reject_code c, const std::string& instrument) {
    if (!is_downstream_error(c))
      return {};
    if (c == reject_code::persistence_failed)
      return "store";
    return "instrument:" + instrument;
  }

  static bool is_downstream_error(reject_code c) {
    switch (c) {
      case reject_code::venue_rejected:
      case reject_code::no_route:
      case reject_code::risk_timeout:
      case reject_code::risk_unavailable:
      case reject_code::persistence_failed:
        return true;
      default:
        return false;
    }
  }

  /// Records one outcome at second `now_s`. Returns true if this trips it.
  bool record(int64_t now_s, bool error) {
    roll(now_s);
    auto i = static_cast<size_t>(now_s) % all_.size();
    ++all_[i];
    err_[i] += error ? 1 : 0;
    if (!open_ && tripped()) {
      open_ = true;
      ++trips_;
      return true;
    }
    return false;
  }

  /// Re-evaluates at second `now_s`. Returns true if this closes it.
  bool poll(int64_t now_s) {
    roll(now_s);
    if (open_ && !tripped()) {
      open_ = false;
      return true;
    }
    return false;
  }

  bool open() const { return open_; }
  uint64_t trips() const { return trips_; }
  uint64_t errors() const { return sum(err_); }
  uint64_t outcomes() const { return sum(all_); }

private:
  bool tripped() const {
    auto n = sum(all_);
    auto e = sum(err_);
    return n >= min_samples_ && e >= min_errors_
           && static_cast<double>(e) > ratio_ * static_cast<double>(n);
  }

  static uint64_t sum(const std::vector<uint64_t>& v) {
    uint64_t s = 0;
    for (auto x : v)
      s += x;
    return s;
  }

  /// Clears the buckets of the seconds that passed since the last call.
  void roll(int64_t now_s) {
    if (last_s_ < 0) {
      last_s_ = now_s;
      return;
    }
    auto n = static_cast<int64_t>(all_.size());
    for (int64_t s = last_s_ + 1; s <= now_s && s <= last_s_ + n; ++s) {
      all_[static_cast<size_t>(s % n)] = 0;
      err_[static_cast<size_t>(s % n)] = 0;
    }
    if (now_s > last_s_)
      last_s_ = now_s;
  }

  double ratio_;
  std::vector<uint64_t> err_, all_;
  uint64_t min_samples_;
  uint64_t min_errors_;
  int64_t last_s_ = -1;
  bool open_ = false;
  uint64_t trips_ = 0;
};

/// One scope's breaker as operators see it.
struct breaker_state {
  std::string scope;
  bool open = false;
  uint64_t errors = 0;   // downstream errors in the window
  uint64_t outcomes = 0; // outcomes in the window
  uint64_t trips = 0;

  OM_FIELDS("om.breaker_state", breaker_state, scope, open, errors, outcomes, trips)
};

class breaker_board {
public:
  breaker_board(double ratio, int64_t window_s, uint64_t min_samples = 20)
    : ratio_(ratio), window_s_(window_s), min_samples_(min_samples) {
  }

  /// Records one outcome in `scope`. Returns true if this trips its breaker.
  bool record(const std::string& scope, int64_t now_s, bool error) {
    auto i = breakers_.find(scope);
    if (i == breakers_.end())
      i = breakers_.emplace(scope, circuit_breaker{ratio_, window_s_, min_samples_}).first;
    bool tripped = i->second.record(now_s, error);
    open_ += tripped ? 1 : 0;
    return tripped;
  }

  /// "instrument:<id>", built in a buffer the board reuses (no allocation
  /// per order once warm); valid until the next call.
  const std::string& instrument_scope(const std::string& id) {
    scratch_.assign("instrument:");
    scratch_ += id;
    return scratch_;
  }

  /// Re-evaluates the open breakers; returns the scopes that closed.
  std::vector<std::string> poll(int64_t now_s) {
    std::vector<std::string> closed;
    if (open_ == 0)
      return closed;
    for (auto& [scope, b] : breakers_)
      if (b.open() && b.poll(now_s))
        closed.push_back(scope);
    open_ -= closed.size();
    return closed;
  }

  bool open(const std::string& scope) const {
    if (open_ == 0)
      return false;
    auto i = breakers_.find(scope);
    return i != breakers_.end() && i->second.open();
  }

  bool any_open() const { return open_ > 0; }

  uint64_t trips() const {
    uint64_t n = 0;
    for (auto& [_, b] : breakers_)
      n += b.trips();
    return n;
  }

  /// Every scope that has seen an outcome in its window, or tripped once.
  std::vector<breaker_state> states() const {
    std::vector<breaker_state> out;
    for (auto& [scope, b] : breakers_)
      if (b.outcomes() > 0 || b.trips() > 0)
        out.push_back(breaker_state{scope, b.open(), b.errors(), b.outcomes(), b.trips()});
    return out;
  }

  const circuit_breaker* find(const std::string& scope) const {
    auto i = breakers_.find(scope);
    return i == breakers_.end() ? nullptr : &i->second;
  }

private:
  double ratio_;
  int64_t window_s_;
  uint64_t min_samples_;
  std::map<std::string, circuit_breaker> breakers_;
  size_t open_ = 0; // breakers open now: the common case (none) costs nothing
  std::string scratch_;
};

} // namespace om
