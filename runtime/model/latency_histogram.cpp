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
  max_ = std::max(max_, static_cast<int64_t>(v));
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
}

} // namespace om
