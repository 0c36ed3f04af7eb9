#include "actors/post_trade/venue_matrix.hpp"

#include <cstdio>

namespace om {

namespace {

constexpr int64_t ns_per_s = 1000000000;

int64_t start_of(int64_t now_ns, uint32_t width_s) {
  auto w = int64_t{width_s} * ns_per_s;
  auto q = now_ns / w;
  if (now_ns < 0 && now_ns % w != 0)
    --q;
  return q * w;
}

int64_t keep_of(uint32_t width_s) {
  return width_s == venue_matrix::minute ? venue_matrix::minute_keep_ns
                                         : venue_matrix::hour_keep_ns;
}

} // namespace

std::string venue_matrix::key_of(const venue_stats_bucket& b) {
  char tail[32];
  std::snprintf(tail, sizeof tail, "%08x", b.width_s);
  std::string k = b.venue.value;
  k += '\0';
  k += tail;
  k += '\0';
  std::snprintf(tail, sizeof tail, "%016llx", static_cast<unsigned long long>(b.start_ns));
  k += tail;
  return k;
}

void venue_matrix::add(const venue_id& v, int64_t now_ns, const venue_totals& d) {
  for (auto width : {minute, hour}) {
    key k{v.value, width, start_of(now_ns, width)};
    auto& b = buckets_[k];
    if (b.venue.value.empty()) {
      b.venue = v;
      b.width_s = width;
      b.start_ns = std::get<2>(k);
    }
    b.totals += d;
    dirty_[k] = true;
  }
}

void venue_matrix::expire(int64_t now_ns) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    auto& b = it->second;
    // A bucket expires once its end is older than the retention.
    if (b.start_ns + int64_t{b.width_s} * ns_per_s + keep_of(b.width_s) <= now_ns) {
      expired_.push_back(key_of(b));
      dirty_.erase(it->first);
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
}

std::vector<venue_window> venue_matrix::windows(int64_t now_ns) const {
  struct spec {
    const char* name;
    uint32_t width;
    int64_t span_ns;
  };
  static constexpr spec specs[] = {{"1h", minute, 3600 * ns_per_s},
                                   {"24h", hour, 24 * 3600 * ns_per_s},
                                   {"7d", hour, 7 * 24 * 3600 * ns_per_s}};
  std::map<std::string, std::vector<venue_window>> by_venue;
  for (auto& [k, b] : buckets_) {
    auto& ws = by_venue[b.venue.value];
    if (ws.empty())
      for (auto& s : specs) {
        venue_window w;
        w.venue = b.venue;
        w.window = s.name;
        ws.push_back(std::move(w));
      }
    for (size_t i = 0; i < 3; ++i) {
      auto& s = specs[i];
      // Buckets that started within the window, the current one included.
      auto from = start_of(now_ns, s.width) - s.span_ns + int64_t{s.width} * ns_per_s;
      if (b.width_s == s.width && b.start_ns >= from && b.start_ns <= now_ns)
        ws[i].totals += b.totals;
    }
  }
  std::vector<venue_window> out;
  for (auto& [v, ws] : by_venue)
    out.insert(out.end(), ws.begin(), ws.end());
  return out;
}

venue_matrix::dirty venue_matrix::take_dirty(int64_t now_ns) {
  expire(now_ns);
  dirty out;
  for (auto& [k, _] : dirty_) {
    auto it = buckets_.find(k);
    if (it != buckets_.end())
      out.changed.push_back(it->second);
  }
  dirty_.clear();
  out.expired = std::move(expired_);
  expired_.clear();
  return out;
}

size_t venue_matrix::load(const std::vector<venue_stats_bucket>& stored, int64_t now_ns) {
  size_t n = 0;
  for (auto& s : stored) {
    if (s.width_s != minute && s.width_s != hour)
      continue;
    key k{s.venue.value, s.width_s, s.start_ns};
    auto& b = buckets_[k];
    if (b.venue.value.empty()) {
      b.venue = s.venue;
      b.width_s = s.width_s;
      b.start_ns = s.start_ns;
    } else {
      dirty_[k] = true; // figures arrived before the load: write the sum
    }
    b.totals += s.totals;
    ++n;
  }
  expire(now_ns);
  return n;
}

} // namespace om
