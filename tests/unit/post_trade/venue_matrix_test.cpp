#define CAF_SUITE venue_matrix
#include <caf/test/unit_test.hpp>

#include "actors/post_trade/venue_matrix.hpp"

#include <algorithm>

using namespace om;

namespace {

constexpr int64_t s = 1'000'000'000;
constexpr int64_t t0 = 1'796'400'000 * s; // a whole hour

venue_totals leg(bool filled, int64_t slip = 0) {
  venue_totals d;
  d.legs = 1;
  d.filled_legs = filled ? 1 : 0;
  if (filled) {
    d.slippage_sum_centi_bps = slip;
    d.slippage_samples = 1;
  }
  return d;
}

venue_window find(const std::vector<venue_window>& ws, const std::string& v,
                  const std::string& w) {
  for (auto& x : ws)
    if (x.venue.value == v && x.window == w)
      return x;
  return {};
}

} // namespace

CAF_TEST(windows sum the buckets inside them) {
  venue_matrix m;
  venue_id x{"XSIM"}, l{"LITX"};
  m.add(x, t0 + 10 * s, leg(true, 150));
  m.add(x, t0 + 20 * s, leg(false));
  m.add(x, t0 - 2 * 3600 * s, leg(true, -50)); // two hours ago: day and week only
  m.add(x, t0 - 3 * 24 * 3600 * s, leg(true)); // three days ago: week only
  venue_totals ack;
  ack.ack_sum_ns = 400'000;
  ack.ack_samples = 2;
  m.add(l, t0 + 30 * s, ack);
  auto ws = m.windows(t0 + 60 * s);
  CAF_CHECK_EQUAL(ws.size(), 6u); // 2 venues x 3 windows, by venue
  CAF_CHECK_EQUAL(ws[0].venue.value, "LITX");
  auto h = find(ws, "XSIM", "1h");
  CAF_CHECK_EQUAL(h.totals.legs, 2u);
  CAF_CHECK_EQUAL(h.totals.filled_legs, 1u);
  CAF_CHECK_EQUAL(h.totals.slippage_sum_centi_bps, 150);
  auto d = find(ws, "XSIM", "24h");
  CAF_CHECK_EQUAL(d.totals.legs, 3u);
  CAF_CHECK_EQUAL(d.totals.slippage_sum_centi_bps, 100);
  CAF_CHECK_EQUAL(d.totals.slippage_samples, 2u);
  CAF_CHECK_EQUAL(find(ws, "XSIM", "7d").totals.legs, 4u);
  auto a = find(ws, "LITX", "1h");
  CAF_CHECK_EQUAL(a.totals.ack_samples, 2u);
  CAF_CHECK_EQUAL(a.totals.ack_sum_ns, 400'000);
  CAF_CHECK_EQUAL(a.totals.legs, 0u);
}

CAF_TEST(old figures leave the windows and expire from the store) {
  venue_matrix m;
  venue_id x{"XSIM"};
  m.add(x, t0, leg(true));
  auto first = m.take_dirty(t0);
  CAF_CHECK_EQUAL(first.changed.size(), 2u); // its minute and its hour bucket
  CAF_CHECK(first.expired.empty());
  CAF_CHECK(m.take_dirty(t0 + s).changed.empty()); // nothing new
  // 61 minutes later: out of the hour window, the minute bucket expired.
  auto later = t0 + 61 * 60 * s + s;
  CAF_CHECK_EQUAL(find(m.windows(later), "XSIM", "1h").totals.legs, 0u);
  CAF_CHECK_EQUAL(find(m.windows(later), "XSIM", "24h").totals.legs, 1u);
  auto d = m.take_dirty(later);
  CAF_REQUIRE_EQUAL(d.expired.size(), 1u);
  venue_stats_bucket minute_bucket;
  minute_bucket.venue = x;
  minute_bucket.width_s = 60;
  minute_bucket.start_ns = t0;
  CAF_CHECK_EQUAL(d.expired[0], venue_matrix::key_of(minute_bucket));
  CAF_CHECK_EQUAL(m.bucket_count(), 1u);
  // Eight days later the hour bucket goes too.
  auto week = t0 + 8 * 24 * 3600 * s;
  CAF_CHECK(m.windows(week).empty() || find(m.windows(week), "XSIM", "7d").totals.legs == 0);
  CAF_CHECK_EQUAL(m.take_dirty(week).expired.size(), 1u);
  CAF_CHECK_EQUAL(m.bucket_count(), 0u);
}

CAF_TEST(a stored matrix loads and merges with figures that arrived first) {
  venue_matrix before;
  venue_id x{"XSIM"};
  before.add(x, t0 + 5 * s, leg(true, 80));
  before.add(x, t0 + 6 * s, leg(true, 40));
  auto stored = before.take_dirty(t0 + 10 * s).changed;
  venue_matrix after;
  after.add(x, t0 + 30 * s, leg(false)); // arrived before the load answered
  CAF_CHECK_EQUAL(after.load(stored, t0 + 40 * s), 2u);
  auto h = find(after.windows(t0 + 40 * s), "XSIM", "1h");
  CAF_CHECK_EQUAL(h.totals.legs, 3u);
  CAF_CHECK_EQUAL(h.totals.filled_legs, 2u);
  CAF_CHECK_EQUAL(h.totals.slippage_sum_centi_bps, 120);
  // The merged buckets are written back as their sum.
  auto d = after.take_dirty(t0 + 41 * s);
  CAF_REQUIRE_EQUAL(d.changed.size(), 2u);
  for (auto& b : d.changed)
    CAF_CHECK_EQUAL(b.totals.legs, 3u);
  // Expired and foreign-width buckets are not kept.
  auto old = stored;
  for (auto& b : old)
    b.start_ns -= 30 * 24 * 3600 * s;
  venue_stats_bucket odd = stored[0];
  odd.width_s = 15;
  old.push_back(odd);
  venue_matrix third;
  CAF_CHECK_EQUAL(third.load(old, t0), 2u);
  CAF_CHECK_EQUAL(third.bucket_count(), 0u);
  CAF_CHECK_EQUAL(third.take_dirty(t0).expired.size(), 2u);
}

CAF_TEST(keys sort by venue then width then time) {
  venue_stats_bucket a, b, c;
  a.venue = b.venue = venue_id{"XSIM"};
  c.venue = venue_id{"XSIM2"};
  a.width_s = b.width_s = 60;
  a.start_ns = t0;
  b.start_ns = t0 + 60 * s;
  c.start_ns = 0;
  CAF_CHECK_LESS(venue_matrix::key_of(a), venue_matrix::key_of(b));
  CAF_CHECK_LESS(venue_matrix::key_of(b), venue_matrix::key_of(c));
  CAF_CHECK_EQUAL(venue_matrix::key_of(a).find('\0'), 4u);
}
