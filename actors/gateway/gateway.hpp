#pragma once
// The node's gateway: the one entry point for strategies. Two concerns:
//
//   intake (intake.hpp)  the one owner of client-order-id idempotency: a
//        new key is admitted from memory (no read); a retry gets the order's
//        current state as `duplicate`; the same id with other terms is
//        rejected. The durable idempotency record is written by the store
//        actor together with the order's first snapshot (or its rejection),
//        so a key is taken exactly when its order exists.
//   admission  1. syntax, 2. business (validation.hpp, pure), 3. real time:
//        trading status, then the instrument's risk actor checks and
//        reserves within gateway.risk_timeout; a timeout rejects or, with
//        bypass_and_flag, lets the order through flagged for review (and
//        audited). A denial is an order_event `rejected` with stage, code
//        and message.
//   Then the order actor is started in the order pool with one message
//   (start_keyed, keyed by order id; no reply). The pool owns the
//   order id -> actor index: cancels, amends, duplicates' state and the kill
//   switch reach an order through it. The order reports `accepted` once its
//   first write is durable, and tells the gateway `order_ended` at the end.
//
// Phases: `warming` (loads the store's filter of recorded keys and the
// trading controls in force, restarts the orders a previous run left open;
// submits wait) -> `ready`.
//
// Circuit breakers (circuit_breaker.hpp), one per scope: when downstream
// errors of an instrument (risk timeouts or unavailability, venue rejects,
// no route) exceed gateway.breaker_error_ratio of its outcomes in
// gateway.breaker_window_s, that instrument's new orders are held (not
// rejected) after the business checks, an alert is logged and audited; once
// its share is back under the ratio they go on in order. Persistence
// failures open the store's breaker, which holds every order. Other
// instruments trade on.

#include "actors/contract/strategy_api.hpp"
#include "actors/common/deadlines.hpp"
#include "actors/gateway/circuit_breaker.hpp"
#include "actors/market_data/market_data.hpp"
#include "actors/order/order_actor.hpp"
#include "runtime/config/config.hpp"
#include "runtime/model/latency_histogram.hpp"
#include "runtime/supervision/supervisor.hpp"

#include <caf/typed_actor.hpp>

#include <map>
#include <memory>

namespace om {

class refdata_service;

struct reject_count {
  reject_stage stage = reject_stage::none;
  reject_code code = reject_code::none;
  uint64_t count = 0;

  OM_FIELDS("om.reject_count", reject_count, stage, code, count)
};

struct gateway_stats {
  uint64_t received = 0;
  uint64_t started = 0; // order actors started
  uint64_t rejected = 0;
  uint64_t duplicates = 0;
  uint64_t live = 0;
  uint64_t risk_timeouts = 0;
  uint64_t flagged_for_review = 0;
  std::vector<reject_count> rejects;
  /// Gateway -> risk actor -> gateway round trip, microseconds.
  double risk_rtt_p50_us = 0;
  double risk_rtt_p99_us = 0;
  /// Time inside the risk actor, microseconds.
  double risk_check_p50_us = 0;
  double risk_check_p99_us = 0;
  /// Circuit breakers: any open now, times they opened, orders held, and
  /// each scope's breaker (instrument:<id>, store).
  bool breaker_open = false;
  uint64_t breaker_trips = 0;
  uint64_t queued = 0;
  std::vector<breaker_state> breakers;
  /// Instruments paused by a volatility spike, orders held for one now,
  /// and orders held then released or rejected since start.
  std::vector<std::string> paused;
  uint64_t volatility_held = 0;
  uint64_t volatility_released = 0;
  uint64_t volatility_rejected = 0;
  /// Orders that ended after it started them, by final status name.
  std::map<std::string, uint64_t> finished;
  /// The two risk latencies as histograms (ns), for metrics.
  histogram_view risk_rtt;
  histogram_view risk_check;
  /// Messages waiting in its mailbox when it answered.
  uint64_t mailbox = 0;

  OM_FIELDS("om.gateway_stats", gateway_stats, received, started, rejected, duplicates, live,
            risk_timeouts, flagged_for_review, rejects, risk_rtt_p50_us, risk_rtt_p99_us,
            risk_check_p50_us, risk_check_p99_us, breaker_open, breaker_trips, queued, breakers,
            paused, volatility_held, volatility_released, volatility_rejected, finished, risk_rtt,
            risk_check, mailbox)
};

/// The trading controls in force at a gateway: kill-switch halts (audit
/// records, every strategy first) and the circuit breakers by scope.
struct gateway_controls_state {
  std::vector<audit_record> halts;
  std::vector<breaker_state> breakers;

  OM_FIELDS("om.gateway_controls_state", gateway_controls_state, halts, breakers)
};

/// Fault injection: crash the actor of a live order.
struct inject_crash {
  strategy_id strategy;
  client_order_id clordid;

  OM_FIELDS("om.inject_crash", inject_crash, strategy, clordid)
};

using gateway_actor = caf::typed_actor<
  caf::reacts_to<submit_order>,
  caf::reacts_to<cancel_order>,
  caf::reacts_to<amend_order>,
  caf::replies_to<kill_switch>::with<kill_switch_result>,
  // The halts in force and the breakers.
  caf::replies_to<controls_atom>::with<gateway_controls_state>,
  caf::reacts_to<order_ended>,
  // From the order pool: a start that failed, a command for an order whose
  // actor is gone.
  caf::reacts_to<sup::child_start_failed>,
  caf::reacts_to<sup::child_not_found>,
  caf::replies_to<stats_atom>::with<gateway_stats>,
  caf::replies_to<inject_crash>::with<bool>,
  // Internal: request deadlines (actors/common/deadlines.hpp).
  caf::reacts_to<deadline_tick_atom>,
  // Internal: circuit breaker re-evaluation while open.
  caf::reacts_to<tick_atom>,
  // Internal: another try for orders held for an unreachable risk shard.
  caf::reacts_to<retry_atom>,
  // Internal: another try at finding the store while warming.
  caf::reacts_to<load_open_atom, int>,
  // Market data: volatility pauses of an instrument and their end.
  caf::reacts_to<instrument_paused>,
  caf::reacts_to<instrument_resumed>,
  // Internal: pause leases and held orders' deadlines.
  caf::reacts_to<pause_tick_atom>>;

struct gateway_options {
  node_config cfg;
  std::shared_ptr<refdata_service> refdata;
  uint64_t node_incarnation = 1;
  bool fault_injection = false;
};

gateway_actor spawn_gateway(caf::actor_system& sys, gateway_options opts);

} // namespace om
