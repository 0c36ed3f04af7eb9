#pragma once
// The bench's strategy: an actor that submits N orders to the desk's gateway
// and collects their events, flat out (all at once, in slices, or with a
// window of orders in flight) or at a target rate. It sends one
// driver_result to `report_to` once every order is done, then quits.
//
// Order mixes:
//   filling_pairs  buy/sell pairs at the instrument's previous close on the
//                  given instruments: the sell of a pair crosses its buy, so
//                  every order fills. Done = filled (or any other terminal).
//   resting        limit orders `resting_offset_bps` away from the previous
//                  close on the passive side (buys below, sells above), on
//                  the tick grid: they rest at the simulated venue, whose
//                  seeded liquidity sits one to `levels` ticks around the
//                  previous close. Done = acknowledged (or terminal).
//
// Used by the timed run (threaded scheduler) and by the counted pass (test
// coordinator): it has no timers except the 100 µs tick of a rate run and,
// when `settle` is set, the end-of-run bound below.
//
// The run always ends. With `settle` set, once every order is sent the
// driver checks each second for progress; after `settle` without any order
// finishing, it cancels every order still open (a filling pair's other side
// rests in the book when one side was rejected, e.g. by a risk timeout with
// every order in flight at once) and counts them as resting; after another
// `settle`, orders that still have not answered are counted as unanswered
// and the result goes out marked incomplete.

#include "actors/contract/strategy_api.hpp"
#include "runtime/model/instrument.hpp"

#include <caf/actor.hpp>
#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace caf {
class actor_system;
}

namespace om::bench {

using go_atom = caf::atom_constant<caf::atom("om_bgo")>;
using tick2_atom = caf::atom_constant<caf::atom("om_btick")>;
using settle_atom = caf::atom_constant<caf::atom("om_bsettl")>;

enum class order_mix : uint8_t { filling_pairs, resting };

struct driver_options {
  /// Instruments the orders cycle through (pointers into a refdata set the
  /// caller keeps alive). Required.
  std::vector<const instrument*> insts;
  /// The desk's gateway. Required.
  caf::actor gateway;
  /// Receives the driver_result. Required.
  caf::actor report_to;
  /// Orders to send. Default 0.
  uint64_t orders = 0;
  /// Client order ids are clordid_base + i (a second driver on the same desk
  /// must not reuse ids: the gateway would answer duplicate). Default 0.
  uint64_t clordid_base = 0;
  /// Orders per second; 0 = flat out. Default 0.
  uint32_t rate = 0;
  /// Flat out: at most this many orders in flight; 0 = all at once (in
  /// slices of 2000). Ignored at a target rate. Default 0.
  uint64_t window = 0;
  /// Default filling_pairs.
  order_mix mix = order_mix::filling_pairs;
  /// Distance from the previous close of resting orders, bps. Default 300.
  int64_t resting_offset_bps = 300;
  /// End-of-run bound (see above); 0 = wait for every order. Default 0.
  std::chrono::milliseconds settle{0};
  /// Keep per-order submit times and per-stage latencies (8 bytes per order
  /// and stage). Off for memory measurements. Default true.
  bool record_latency = true;
};

struct driver_result {
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  uint64_t filled = 0;
  uint64_t acknowledged = 0;
  uint64_t other_terminal = 0;
  /// Fills of orders meant to rest (resting mix); 0 expected.
  uint64_t unexpected_fills = 0;
  /// Rejects by "stage/code".
  std::map<std::string, uint64_t> rejects;
  /// Canceled by the driver at the end: they were resting, never filled.
  uint64_t resting_canceled = 0;
  /// No final answer even after the cancel.
  uint64_t unanswered = 0;
  /// Every order reached an outcome of its own (no end-of-run cancel).
  bool complete = true;
  std::vector<int64_t> to_accepted, to_acked, to_filled;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, driver_result& x) {
    return f(caf::meta::type_name("bench.driver_result"), x.start_ns, x.end_ns, x.filled,
             x.acknowledged, x.other_terminal, x.unexpected_fills, x.rejects,
             x.resting_canceled, x.unanswered, x.complete, x.to_accepted, x.to_acked,
             x.to_filled);
  }
};

/// The limit price of order `i` (see the mixes above).
price order_price(const driver_options& o, const instrument& inst, uint64_t i);

/// Spawns the driver; it starts on go_atom.
caf::actor spawn_driver(caf::actor_system& sys, driver_options opts);

} // namespace om::bench
