#pragma once
// Latency histogram in nanoseconds: fixed memory, about 3% relative error.
//
// Log-linear buckets (HdrHistogram's layout with 32 sub-buckets per power
// of two): values below 64 ns are exact, larger ones fall in a bucket whose
// width is 1/32 of its lower bound. Memory is fixed (2,048 counters, 16 KiB)
// however many samples arrive, so a stage's latency costs nothing per order.
// Percentiles return the midpoint of the bucket holding the rank (capped at,
// and for the top rank equal to, the largest sample seen).
//
// The one percentile implementation of the runtime. Not thread-safe.

#include "runtime/model/fields.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace om {

/// A histogram as Prometheus exposes one: cumulative counts at fixed upper
/// bounds (`le`), the sample count and the sum. Built from a
/// latency_histogram by `view()`, so it crosses nodes as plain numbers.
struct histogram_view {
  /// Upper bounds, ascending (ns for latencies; plain units otherwise).
  std::vector<int64_t> bounds;
  /// cumulative[i]: samples <= bounds[i] (to the histogram's resolution).
  std::vector<uint64_t> cumulative;
  uint64_t count = 0;
  int64_t sum = 0;

  OM_FIELDS("om.histogram_view", histogram_view, bounds, cumulative, count, sum)
};

/// The upper bounds latencies are exposed with: 1 us to 10 s, 1-2.5-5 steps.
const std::vector<int64_t>& latency_bounds_ns();

class latency_histogram {
public:
  static constexpr int sub_bits = 5;
  static constexpr size_t buckets = 64 * (size_t{1} << sub_bits);

  /// Records one sample; negative values count as 0.
  void record(int64_t ns);

  /// The q-quantile (0 <= q <= 1) in nanoseconds; 0 when empty.
  double quantile_ns(double q) const;
  double quantile_us(double q) const { return quantile_ns(q) / 1000.0; }

  uint64_t count() const { return count_; }
  int64_t max_ns() const { return max_; }
  int64_t sum() const { return sum_; }

  /// Samples <= `bound`: every bucket whose upper end is <= bound, plus the
  /// one holding `bound` when its midpoint is <= bound (exact below 64).
  uint64_t count_at_most(int64_t bound) const;
  /// Cumulative counts at `bounds` (ascending), with count and sum.
  histogram_view view(const std::vector<int64_t>& bounds) const;
  void clear();

  static size_t index_of(uint64_t v);
  /// Lower bound and width of bucket `i`.
  static uint64_t lower_of(size_t i);
  static uint64_t width_of(size_t i);

private:
  std::array<uint64_t, buckets> counts_{};
  uint64_t count_ = 0;
  int64_t max_ = 0;
  int64_t sum_ = 0;
};

} // namespace om
