#pragma once
// One actor per accepted order, a transient child of the node's order
// supervisor (dynamic pool). It drives the order state machine
// (runtime/model/order_state.hpp): routes, sends legs to venues, applies
// venue reports, handles cancels and amends, and ends the order.
//
// Durability: every state change is written to the store (batched there) and
// the matching event reaches the strategy only once the write is durable.
// The route is written before legs are sent (write-ahead), and each leg
// records the sequence of the last venue report applied.
//
// Restart: the supervisor restarts a crashed order actor with its original
// arguments. Its first write is then refused as stale (the store holds a
// newer fence), which tells it to load its last durable snapshot, take the
// next incarnation, and send venue_rebind to every working leg; venues replay
// the reports it had not made durable. Events between the last durable write
// and the crash that were durable but not yet delivered are not re-sent.
//
// The risk reservation is released on every terminal state (releases are
// idempotent at the risk actor).

#include "actors/common/deadlines.hpp"
#include "actors/gateway/strategy_api.hpp"
#include "actors/venue/venue.hpp"
#include "runtime/model/instrument.hpp"
#include "runtime/model/records.hpp"

#include <caf/typed_actor.hpp>

namespace om {

struct order_start {
  order_snapshot snap; // pending_new, stages received..risk_checked set
  instrument inst;
  caf::actor strategy; // receives order_event
  caf::actor gateway;
  caf::actor risk;
  caf::actor router;
  caf::actor store;
  caf::actor post_trade;
  /// Where remote venues send this order's reports (null: to the order itself).
  caf::actor venue_relay;
  uint64_t node_incarnation = 0;
  bool fault_injection = false;
  /// Restart of the node: load the snapshot from the store and carry on.
  bool recover = false;

  OM_FIELDS("om.order_start", order_start, snap, inst, strategy, gateway, risk, router, store,
            post_trade, venue_relay, node_incarnation, fault_injection, recover)
};

struct order_cancel_cmd {
  caf::actor reply_to;

  OM_FIELDS("om.order_cancel_cmd", order_cancel_cmd, reply_to)
};

struct order_amend_cmd {
  quantity qty;
  price px;
  caf::actor reply_to;

  OM_FIELDS("om.order_amend_cmd", order_amend_cmd, qty, px, reply_to)
};

/// To the gateway: the order's current actor (sent on every start).
struct order_bound {
  order_id id;
  strategy_id strategy;
  client_order_id clordid;
  caf::actor handle;

  OM_FIELDS("om.order_bound", order_bound, id, strategy, clordid, handle)
};

/// To the gateway: the order ended and its actor is going away.
struct order_gone {
  order_id id;
  strategy_id strategy;
  client_order_id clordid;
  ord_status status = ord_status::pending_new;
  /// Why it was rejected (none otherwise): feeds the gateway's circuit breaker.
  reject_code code = reject_code::none;

  OM_FIELDS("om.order_gone", order_gone, id, strategy, clordid, status, code)
};

using rebind_retry_atom = caf::atom_constant<caf::atom("om_rebind")>;

/// From the node agent, through the order supervisor: these venues' node was
/// lost. Working legs there are rebound once the venue is back (a venue that
/// lost the order answers canceled).
struct venues_lost {
  std::vector<venue_id> venues;

  OM_FIELDS("om.venues_lost", venues_lost, venues)
};

using order_actor = caf::typed_actor<
  caf::reacts_to<venue_report>,
  caf::reacts_to<order_cancel_cmd>,
  caf::reacts_to<order_amend_cmd>,
  caf::replies_to<get_state_atom>::with<order_snapshot>,
  // Fault injection (only when enabled in the node config): throws.
  caf::reacts_to<crash_atom>,
  // Internal: retry of a venue rebind after a restart.
  caf::reacts_to<rebind_retry_atom, uint32_t, int>,
  caf::reacts_to<venues_lost>,
  // Internal: request deadlines (actors/common/deadlines.hpp).
  caf::reacts_to<deadline_tick_atom>>;

/// Start function for the order supervisor's pool: args = make_message(order_start).
caf::expected<caf::actor> start_order_actor(caf::actor_system& sys, const caf::message& args);

/// Builds an order_event from a snapshot.
order_event make_event(event_kind kind, const order_snapshot& s);


} // namespace om
