#define CAF_SUITE latency_histogram
#include <caf/test/unit_test.hpp>

#include "runtime/model/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

using namespace om;

CAF_TEST(buckets are contiguous and cover every value) {
  for (size_t i = 1; i < 2000; ++i)
    CAF_CHECK_EQUAL(latency_histogram::lower_of(i),
                    latency_histogram::lower_of(i - 1) + latency_histogram::width_of(i - 1));
  for (uint64_t v : std::initializer_list<uint64_t>{0, 1, 63, 64, 65, 127, 1000, 123456789,
                     uint64_t{1} << 62}) {
    auto i = latency_histogram::index_of(v);
    CAF_CHECK_LESS(i, latency_histogram::buckets);
    CAF_CHECK_LESS_OR_EQUAL(latency_histogram::lower_of(i), v);
    CAF_CHECK_GREATER(latency_histogram::lower_of(i) + latency_histogram::width_of(i), v);
  }
}

CAF_TEST(quantiles are within the bucket error of the exact ones) {
  latency_histogram h;
  CAF_CHECK_EQUAL(h.quantile_ns(0.5), 0.0);
  for (int64_t v = 1; v <= 100000; ++v) // 1 ns .. 100 us, uniform
    h.record(v);
  CAF_CHECK_EQUAL(h.count(), 100000u);
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    auto exact = q * 100000;
    auto got = h.quantile_ns(q);
    CAF_CHECK_LESS(std::abs(got - exact) / exact, 0.04);
  }
  CAF_CHECK_EQUAL(h.quantile_ns(1.0), 100000.0); // capped at the maximum
  h.record(-5); // clock skew: counted as 0
  CAF_CHECK_EQUAL(h.quantile_ns(0.0), 0.0);
  h.clear();
  CAF_CHECK_EQUAL(h.count(), 0u);
}

CAF_TEST(small values are exact) {
  latency_histogram h;
  for (int i = 0; i < 10; ++i)
    h.record(42);
  h.record(7);
  CAF_CHECK_EQUAL(h.quantile_ns(0.01), 7.0);
  CAF_CHECK_EQUAL(h.quantile_ns(0.5), 42.0);
}

CAF_TEST(views count samples at each bound within the bucket error) {
  latency_histogram h;
  for (int64_t v = 1; v <= 100000; ++v) // 1 ns .. 100 us, uniform
    h.record(v);
  std::vector<int64_t> bounds{10, 1000, 2500, 50000, 100000, 1000000};
  auto v = h.view(bounds);
  CAF_REQUIRE_EQUAL(v.cumulative.size(), bounds.size());
  CAF_CHECK_EQUAL(v.cumulative[0], 10u); // exact below 64
  for (size_t i = 1; i < bounds.size(); ++i) {
    auto exact = static_cast<double>(std::min<int64_t>(bounds[i], 100000));
    CAF_CHECK_LESS(std::abs(static_cast<double>(v.cumulative[i]) - exact) / exact, 0.04);
    CAF_CHECK_GREATER_OR_EQUAL(v.cumulative[i], v.cumulative[i - 1]);
  }
  CAF_CHECK_EQUAL(v.cumulative.back(), 100000u); // above the maximum: all
  CAF_CHECK_EQUAL(v.count, 100000u);
  CAF_CHECK_EQUAL(v.sum, int64_t{100000} * 100001 / 2);
  auto& lb = latency_bounds_ns();
  CAF_CHECK_EQUAL(lb.front(), 1000);
  CAF_CHECK_EQUAL(lb.back(), 10'000'000'000);
  CAF_CHECK(std::is_sorted(lb.begin(), lb.end()));
}
