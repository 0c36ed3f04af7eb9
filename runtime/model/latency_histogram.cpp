#include "runtime/model/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace om {

namespace {
constexpr uint64_t sub = uint64_t{1} << latency_histogram::sub_bits; // 32
} // namespace

size_t latency_histogram::index_of(uint64_t v) {
  if (v < 2 * sub)
    return static_cast<size_t>(v);
  auto msb = 63 - __builtin_clzll(v);
  auto shift = static_cast<uint64_t>(msb - sub_bits);
  auto mantissa = v >> shift; // in [sub, 2 sub)
  return static_cast<size_t>((shift + 1) * sub + (mantissa - sub));
}

uint64_t latency_histogram::lower_of(size_t i) {
  if (i < 2 * sub)
    return i;
  auto shift = i / sub - 1;
  return (sub + i % sub) << shift;
}

uint64_t latency_histogram::width_of(size_t i) {
  return i < 2 * sub ? 1 : uint64_t{1} << (i / sub - 1);
}

void latency_histogram::record(int64_t ns) {
  auto v = static_cast<uint64_t>(std::max<int64_t>(ns, 0));
  ++counts_[std::min(index_of(v), buckets - 1)];
  ++count_;
  sum_ += static_cast<int64_t>(v);
  max_ = std::max(max_, static_cast<int64_t>(v));
}

uint64_t latency_histogram::count_at_most(int64_t bound) const {
  if (bound < 0 || count_ == 0)
    return 0;
  if (bound >= max_)
    return count_;
  auto b = static_cast<uint64_t>(bound);
  auto last = std::min(index_of(b), buckets - 1);
  uint64_t n = 0;
  for (size_t i = 0; i < last; ++i)
    n += counts_[i];
  // The bucket holding `bound`: counted when most of it lies at or below.
  auto mid = lower_of(last) + (width_of(last) - 1) / 2;
  if (mid <= b)
    n += counts_[last];
  return n;
}

histogram_view latency_histogram::view(const std::vector<int64_t>& bounds) const {
  histogram_view v;
  v.bounds = bounds;
  v.cumulative.reserve(bounds.size());
  for (auto b : bounds)
    v.cumulative.push_back(count_at_most(b));
  v.count = count_;
  v.sum = sum_;
  return v;
}

const std::vector<int64_t>& latency_bounds_ns() {
  static const std::vector<int64_t> bounds = [] {
    std::vector<int64_t> out;
    for (int64_t decade = 1000; decade <= 1'000'000'000; decade *= 10)
      for (int64_t step : {10, 25, 50})
        out.push_back(decade * step / 10);
    out.push_back(10'000'000'000);
    return out;
  }();
  return bounds;
}

double latency_histogram::quantile_ns(double q) const {
  if (count_ == 0)
    return 0;
  q = std::clamp(q, 0.0, 1.0);
  auto rank = std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_))));
  if (rank >= count_)
    return static_cast<double>(max_); // the largest sample is known exactly
  uint64_t seen = 0;
  for (size_t i = 0; i < buckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      auto mid = static_cast<double>(lower_of(i)) + static_cast<double>(width_of(i) - 1) / 2.0;
      return std::min(mid, static_cast<double>(max_));
    }
  }
  return static_cast<double>(max_);
}

void latency_histogram::clear() {
  counts_.fill(0);
  count_ = 0;
  max_ = 0;
  sum_ = 0;
}

} // namespace om
