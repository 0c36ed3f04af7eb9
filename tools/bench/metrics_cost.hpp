#pragma once
// --metrics-pairs K: what being observed costs the desk. K pairs of desk
// runs of the same size on the same desk, one unscraped and one with a
// scraper pulling /metrics over HTTP every `scrape_ms` (the node's real
// endpoint: collector, exposition, civetweb), alternating which goes first
// so drift (a growing RocksDB, a warming allocator) favours neither.

#include "actors/admin/metrics.hpp"
#include "tools/bench/driver.hpp"

#include <caf/scoped_actor.hpp>
#include <nlohmann/json.hpp>

#include <functional>

namespace om::bench {

struct metrics_cost_options {
  driver_options driver; // orders, window, instruments, gateway (report_to is set here)
  metrics_actor collector;
  unsigned pairs = 3;
  unsigned scrape_ms = 100;
  uint64_t clordid_base = 0; // first id; each run takes the next `orders`
  std::function<void()> wait_idle; // between runs
};

/// Runs the pairs; returns per-run figures, medians and the ratio
/// scraped / unscraped (1.0 = free).
nlohmann::json measure_metrics_cost(caf::actor_system& sys, caf::scoped_actor& self,
                                    metrics_cost_options opts);

} // namespace om::bench
