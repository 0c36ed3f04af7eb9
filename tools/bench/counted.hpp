#pragma once
// Counted passes: per-order messages, round trips, timer pushes and RocksDB
// I/O counted exactly (not estimated), in a second caf::actor_system whose
// scheduler is CAF's deterministic test coordinator, driven by hand one
// message at a time. See counted.cpp for the method.
//
// A pass runs against its own RocksDB (`data_dir`, created, not removed)
// and must not overlap another actor system's work in this process: the
// store's I/O counters are process-wide.

#include "runtime/config/config.hpp"
#include "runtime/refdata/refdata.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace om::bench {

/// Totals of one counted pass (divide by `orders` for per-order figures).
struct pass_counts {
  bool ok = false;
  std::string error;     // why not ok
  uint64_t orders = 0;   // orders completed (filled) in the pass
  uint64_t window = 0;   // orders in flight
  uint64_t steps = 0;    // scheduler steps (a message, or an actor's first run)
  uint64_t messages = 0; // messages processed, the driver's own included
  uint64_t responses = 0; // responses among them = request/response round trips
  uint64_t timer_pushes = 0;  // entries newly added to the clock's schedule, of which
  uint64_t timer_pushes_delayed_send = 0;    // delayed messages (delayed_send)
  uint64_t timer_pushes_request_timeout = 0; // timeouts of requests with a finite timeout
  uint64_t timer_pushes_receive_timeout = 0; // behavior timeouts (after(...))
  uint64_t timer_cancels = 0; // entries removed from it by a step (cancelled)
  uint64_t spawns = 0;        // actors spawned
  uint64_t writes = 0, records = 0, reads = 0, scans = 0; // om::io_counters() deltas
  uint64_t time_advances = 0; // 1 ms clock advances the orders needed (0 expected)
};

struct counted_desk_options {
  node_config cfg;
  std::shared_ptr<const refdata_set> refdata;
  /// Symbols the orders cycle through (as in the timed run).
  std::vector<std::string> symbols;
  /// Fresh directory for this pass's RocksDB. Required.
  std::string data_dir;
  /// Default 500 orders, 100 in flight.
  uint64_t orders = 500;
  uint64_t window = 100;
  /// Orders run first, counted apart (see count_desk). Default 100.
  uint64_t warmup_orders = 100;
};

/// The desk (spawn_desk) with the bench driver, filling pairs as in the
/// timed run. Start-up (directory registrations, risk restores, retries) is
/// run to completion, advancing simulated time, before counting starts.
/// Then `warmup_orders` orders run, counted into `*warmup` (if given): the
/// first orders in flight find the gateway's and router's handle caches
/// empty, which a long timed run pays once. The result counts the
/// `orders` that follow.
pass_counts count_desk(const counted_desk_options& o, pass_counts* warmup = nullptr);

/// The bare pipeline (bare.hpp) with its strategy.
pass_counts count_bare(const std::string& data_dir, uint64_t orders, uint64_t window);

} // namespace om::bench
