#pragma once
// The venue matrix: each venue's fill rate, slippage, acknowledgement
// latency, fills, notional and fees over the last hour, day and week.
//
// Pure (no I/O, no clock: every call takes `now_ns`). Figures land in a
// minute bucket (kept one hour) and an hour bucket (kept one week) of the
// wall-clock time they are added at. Windows sum whole buckets: "1h" is the
// minute buckets of the last 60 minutes, "24h" and "7d" the hour buckets of
// the last 24 and 168 hours (the current hour included, so a window can
// reach up to one bucket further back than its name).
//
// Persistence is the owner's business: `take_dirty` hands out the buckets
// changed since the last call and the keys of buckets that expired, and
// `load` merges stored buckets in (adding to what arrived meanwhile).

#include "runtime/model/records.hpp"

#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace om {

/// One venue over one window, as the dashboard and metrics show it.
struct venue_window {
  venue_id venue;
  std::string window; // "1h", "24h", "7d"
  venue_totals totals;

  OM_FIELDS("om.venue_window", venue_window, venue, window, totals)
};

class venue_matrix {
public:
  static constexpr uint32_t minute = 60;
  static constexpr uint32_t hour = 3600;
  static constexpr int64_t minute_keep_ns = int64_t{3600} * 1000000000;     // 1 h
  static constexpr int64_t hour_keep_ns = int64_t{7} * 24 * 3600 * 1000000000; // 7 d

  void add(const venue_id& v, int64_t now_ns, const venue_totals& d);

  /// Every venue's 1h, 24h and 7d windows at `now_ns`, by venue then window.
  std::vector<venue_window> windows(int64_t now_ns) const;

  /// Buckets changed since the last call (their current totals), and the
  /// stored keys of buckets that fell out of their retention; both cleared.
  struct dirty {
    std::vector<venue_stats_bucket> changed;
    std::vector<std::string> expired;
  };
  dirty take_dirty(int64_t now_ns);

  /// Merges stored buckets (adds their figures); expired ones are dropped
  /// and reported by the next take_dirty. Buckets of another width are
  /// refused (returned count excludes them).
  size_t load(const std::vector<venue_stats_bucket>& stored, int64_t now_ns);

  /// The store key of a bucket: "<venue>\0<width, 8 hex>\0<start, 16 hex>".
  static std::string key_of(const venue_stats_bucket& b);

  size_t bucket_count() const { return buckets_.size(); }

private:
  using key = std::tuple<std::string, uint32_t, int64_t>; // venue, width, start
  void expire(int64_t now_ns);
  std::map<key, venue_stats_bucket> buckets_;
  std::map<key, bool> dirty_;
  std::vector<std::string> expired_;
};

} // namespace om
