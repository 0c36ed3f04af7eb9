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

#include <array>
#include <cstddef>
#include <cstdint>

namespace om {

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
  void clear();

  static size_t index_of(uint64_t v);
  /// Lower bound and width of bucket `i`.
  static uint64_t lower_of(size_t i);
  static uint64_t width_of(size_t i);

private:
  std::array<uint64_t, buckets> counts_{};
  uint64_t count_ = 0;
  int64_t max_ = 0;
};

} // namespace om
