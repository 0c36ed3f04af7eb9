#pragma once
// The gateway's circuit breaker: counts downstream outcomes (orders that
// reached risk and the venues) in one-second buckets over a rolling window.
// When at least `min_samples` outcomes are in the window and the error share
// exceeds `ratio`, it opens: the gateway queues incoming orders instead of
// sending them on, and alerts. It closes once the share over the window is
// back under the ratio (or too few outcomes remain in it).
//
// Downstream errors: venue rejects, no route, risk timeouts or
// unavailability, persistence failures. Business rejects of bad orders are
// the strategy's errors, not the pipeline's, and do not count.
// Plain code, owned by the gateway; time is given by the caller.

#include "actors/contract/reject.hpp"

#include <cstdint>
#include <vector>

namespace om {

class circuit_breaker {
public:
  circuit_breaker(double ratio, int64_t window_s, uint64_t min_samples = 20)
    : ratio_(ratio), err_(static_cast<size_t>(window_s)), all_(static_cast<size_t>(window_s)),
      min_samples_(min_samples) {
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
    return n >= min_samples_ && static_cast<double>(sum(err_)) > ratio_ * static_cast<double>(n);
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
  int64_t last_s_ = -1;
  bool open_ = false;
  uint64_t trips_ = 0;
};

} // namespace om
