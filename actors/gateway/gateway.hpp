#pragma once
// The node's gateway: the one entry point for strategies.
//
// Order of work for a submit:
//   0. idempotency: the (strategy, client order id) key is looked up and, if
//      new, recorded durably (the gateway is the single writer of the
//      idempotency table) before anything else. Records of the submits that
//      arrive together are written in one batch (group commit); processing of
//      each continues once that write is durable. A retry gets the existing
//      order's current state as a `duplicate` event; the same id with other
//      terms is rejected.
//   1. syntax, 2. business (validation.hpp), 3. real time: trading status,
//      then the instrument's risk actor checks and reserves, within
//      gateway.risk_timeout; a timeout rejects or, with bypass_and_flag,
//      lets the order through flagged for review (and audited).
//   Then an order actor is started in the order supervisor's pool (found in
//   the directory as svc::orders); it
//   reports `accepted` once its first snapshot is durable.
// Rejections are written to the store too, so a retry sees them.
//
// Circuit breaker (circuit_breaker.hpp): when downstream errors exceed
// gateway.breaker_error_ratio of the outcomes in gateway.breaker_window_s,
// incoming orders are queued (not rejected), an alert is logged and audited;
// once the share is back under the ratio the queue is drained in order.

#include "actors/gateway/strategy_api.hpp"
#include "actors/common/deadlines.hpp"
#include "actors/order/order_actor.hpp"
#include "runtime/config/config.hpp"

#include <caf/typed_actor.hpp>

#include <memory>

namespace om {

class store;
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
  /// Circuit breaker: open now, times it opened, orders waiting in its queue.
  bool breaker_open = false;
  uint64_t breaker_trips = 0;
  uint64_t queued = 0;

  OM_FIELDS("om.gateway_stats", gateway_stats, received, started, rejected, duplicates, live,
            risk_timeouts, flagged_for_review, rejects, risk_rtt_p50_us, risk_rtt_p99_us,
            risk_check_p50_us, risk_check_p99_us, breaker_open, breaker_trips, queued)
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
  caf::reacts_to<order_bound>,
  caf::reacts_to<order_gone>,
  caf::replies_to<stats_atom>::with<gateway_stats>,
  caf::replies_to<inject_crash>::with<bool>,
  // Internal: request deadlines (actors/common/deadlines.hpp).
  caf::reacts_to<deadline_tick_atom>,
  // Internal: group commit of idempotency records.
  caf::reacts_to<flush_atom>,
  // Internal: circuit breaker re-evaluation while open.
  caf::reacts_to<tick_atom>,
  // Internal: another try for orders held for an unreachable risk shard.
  caf::reacts_to<retry_atom>,
  // Internal: another try at finding the store for start-up recovery.
  caf::reacts_to<load_open_atom, int>>;

struct gateway_options {
  node_config cfg;
  std::shared_ptr<refdata_service> refdata;
  std::shared_ptr<store> db;
  uint64_t node_incarnation = 1;
  bool fault_injection = false;
};

caf::actor spawn_gateway(caf::actor_system& sys, gateway_options opts);

} // namespace om
