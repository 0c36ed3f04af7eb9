#include "actors/admin/incidents.hpp"

#include <algorithm>
#include <cstdlib>

namespace om {

namespace {

std::string fmt_s(int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(ns) / 1e9);
  return buf;
}

} // namespace

void incident_log::raise(std::map<key, seen>& now, const std::string& kind,
                         const std::string& subject, bool paging, std::string detail,
                         bool event) {
  now[{kind, subject}] = seen{std::move(detail), paging, event};
}

std::vector<incident_record> incident_log::observe(const node_metrics& m) {
  std::map<key, seen> now;
  auto rose = [&](const std::string& name, uint64_t value) {
    auto& prev = counters_[name];
    bool up = value > prev;
    uint64_t by = up ? value - prev : 0;
    prev = value;
    return by;
  };
  // Order state: paging.
  auto live = live_orders_of(m);
  if (live.unacked > 0 && live.oldest_unacked_ns > policy_.unacked_after_ns)
    raise(now, "unacked_orders", "", true,
          std::to_string(live.unacked) + " order(s) sent without acknowledgement, oldest waiting "
            + fmt_s(live.oldest_unacked_ns));
  for (auto& v : m.venues) {
    if (!v.unknown_legs.empty())
      raise(now, "unknown_legs", v.venue.value, true,
            std::to_string(v.unknown_legs.size()) + " leg(s) in unknown state at "
              + v.venue.value + " (first: " + v.unknown_legs.front() + ")");
    if (auto n = rose("foreign/" + v.venue.value, v.foreign_reports))
      raise(now, "reconciliation_difference", v.venue.value, true,
            std::to_string(n) + " report(s) from " + v.venue.value
              + " for orders this node does not know",
            true);
    bool fix = !v.session_state.empty();
    if (fix && v.session_state != "logged_on")
      raise(now, "venue_session_down", v.venue.value, false,
            v.venue.value + " session " + v.session_state
              + (v.last_error.empty() ? "" : " (" + v.last_error + ")"));
  }
  if (m.has_store)
    if (auto n = rose("store_failed", m.store.failed_batches))
      raise(now, "store_write_failed", "", true,
            std::to_string(n) + " store write batch(es) failed", true);
  if (m.has_gateway) {
    if (auto n = rose("bypassed", m.gateway.flagged_for_review))
      raise(now, "risk_bypassed", "", true,
            std::to_string(n) + " order(s) sent with the risk check bypassed", true);
    for (auto& b : m.gateway.breakers)
      if (b.open)
        raise(now, "breaker_open", b.scope, false, "circuit breaker open for " + b.scope);
  }
  // Health: tickets.
  for (auto& p : m.members) {
    if (p.self)
      continue;
    if (p.state != "up")
      raise(now, "peer_down", p.id, false,
            "node " + p.id + " is " + p.state
              + (p.last_down_reason.empty() ? "" : " (" + p.last_down_reason + ")"));
    else if (m.clock_offset_alert_ns > 0 && std::llabs(p.clock_offset_ns) > m.clock_offset_alert_ns)
      raise(now, "clock_offset", p.id, false,
            "clock offset to " + p.id + " is " + std::to_string(p.clock_offset_ns / 1000) + " us");
  }
  for (auto& e : m.errors)
    raise(now, "part_not_answering", e.substr(0, e.find(':')), false, "did not answer: " + e);

  std::vector<incident_record> out;
  auto t = m.taken_ns;
  // Conditions seen now: continue an open incident or open a new one.
  for (auto& [k, s] : now) {
    auto it = open_.find(k);
    if (it == open_.end()) {
      incident_record r;
      r.id = next_id_++;
      r.node = node_;
      r.kind = k.first;
      r.subject = k.second;
      r.paging = s.paging;
      r.detail = s.detail;
      r.first_ns = r.last_ns = t;
      r.observations = 1;
      all_[r.id] = r;
      open_[k] = r.id;
      persisted_[k] = t;
      out.push_back(r);
      continue;
    }
    auto& r = all_[it->second];
    r.last_ns = t;
    r.detail = s.detail;
    ++r.observations;
    if (t - persisted_[k] >= policy_.refresh_ns) {
      persisted_[k] = t;
      out.push_back(r);
    }
  }
  // Open incidents not seen now resolve (counter ones after a quiet time;
  // ones loaded from an earlier run at the first sample that lacks them).
  for (auto it = open_.begin(); it != open_.end();) {
    if (now.count(it->first)) {
      ++it;
      continue;
    }
    auto& r = all_[it->second];
    bool event = it->first.first == "reconciliation_difference"
                 || it->first.first == "store_write_failed" || it->first.first == "risk_bypassed";
    if (event && !first_ && t - r.last_ns < policy_.quiet_ns) {
      ++it;
      continue;
    }
    r.resolved_ns = t;
    out.push_back(r);
    persisted_.erase(it->first);
    it = open_.erase(it);
  }
  first_ = false;
  trim();
  std::sort(out.begin(), out.end(),
            [](const incident_record& a, const incident_record& b) { return a.id < b.id; });
  return out;
}

void incident_log::trim() {
  while (all_.size() > policy_.keep) {
    auto victim = std::find_if(all_.begin(), all_.end(),
                               [](const auto& kv) { return kv.second.resolved_ns != 0; });
    if (victim == all_.end())
      return;
    all_.erase(victim);
  }
}

void incident_log::load(std::vector<incident_record> stored) {
  for (auto& r : stored) {
    next_id_ = std::max(next_id_, r.id + 1);
    if (r.resolved_ns == 0) {
      key k{r.kind, r.subject};
      open_[k] = r.id;
      persisted_[k] = r.last_ns;
    }
    all_[r.id] = std::move(r);
  }
  trim();
}

std::vector<incident_record> incident_log::list(size_t limit) const {
  std::vector<incident_record> out;
  for (auto it = all_.rbegin(); it != all_.rend(); ++it)
    if (it->second.resolved_ns == 0)
      out.push_back(it->second);
  for (auto it = all_.rbegin(); it != all_.rend() && out.size() < limit; ++it)
    if (it->second.resolved_ns != 0)
      out.push_back(it->second);
  if (out.size() > limit)
    out.resize(limit);
  return out;
}

size_t incident_log::open_count() const {
  return open_.size();
}

} // namespace om
