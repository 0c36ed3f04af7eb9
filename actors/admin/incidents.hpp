#pragma once
// The node's incident log: errors needing investigation, derived from the
// node's own metrics once a second, each kept until an operator has seen it
// (open while its condition lasts, then resolved, never silently dropped).
//
// Pure: `observe` compares one node_metrics with the previous one and says
// which incidents opened, changed or resolved; the metrics collector owns
// the log, persists what changed through the store actor and serves it to
// the dashboard's error ticker.
//
// Paging incidents are those that affect order state (the guide's policy,
// and the shipped alert rules'): an order without acknowledgement, a leg in
// unknown state, a reconciliation difference, a failed store write, a risk
// check bypassed. Everything else is a ticket.

#include "actors/admin/metrics.hpp"
#include "runtime/model/records.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace om {

struct incident_policy {
  /// An order unacknowledged longer than this opens unacked_orders.
  int64_t unacked_after_ns = 2'000'000'000;
  /// Counter incidents (a failure that happened) resolve after this long
  /// without a new occurrence.
  int64_t quiet_ns = int64_t{300} * 1'000'000'000;
  /// An open incident is written again at most this often (its last_ns).
  int64_t refresh_ns = int64_t{60} * 1'000'000'000;
  /// Incidents kept (open ones always; the oldest resolved dropped first).
  size_t keep = 500;
};

class incident_log {
public:
  explicit incident_log(std::string node, incident_policy p = {})
    : node_(std::move(node)), policy_(p) {}

  /// Applies one sample; returns the incidents to persist (opened,
  /// resolved, or refreshed after refresh_ns), in id order.
  std::vector<incident_record> observe(const node_metrics& cur);

  /// Stored incidents from an earlier run, before the first observe. Ids
  /// continue after the largest. Open ones stay open until the first
  /// observe finds their condition gone (then they resolve) or present
  /// (then they continue).
  void load(std::vector<incident_record> stored);

  /// Newest first: open ones, then resolved, at most `limit`.
  std::vector<incident_record> list(size_t limit) const;

  size_t open_count() const;

private:
  using key = std::pair<std::string, std::string>; // kind, subject
  struct seen {
    std::string detail;
    bool paging = false;
    bool event = false; // a counter rose (resolves after quiet_ns)
  };
  void raise(std::map<key, seen>& now, const std::string& kind, const std::string& subject,
             bool paging, std::string detail, bool event = false);
  void trim();

  std::string node_;
  incident_policy policy_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, incident_record> all_; // by id
  std::map<key, uint64_t> open_;            // open incident per condition
  std::map<key, int64_t> persisted_;        // last write of an open incident
  std::map<std::string, uint64_t> counters_; // previous values of rising counters
  bool first_ = true;
};

} // namespace om
