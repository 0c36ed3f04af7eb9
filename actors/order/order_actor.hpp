#pragma once
// One actor per accepted order, a transient child of the node's order
// supervisor (dynamic pool). It drives the order state machine
// (runtime/model/order_state.hpp): routes, sends legs to venues, applies
// venue reports, handles cancels and amends, and ends the order.
//
// Durability: every state change is written to the store (batched there)
// with the events it causes; the store publishes them to the strategy (and
// the fills to post-trade) only once the write is durable, batched per
// commit.
// The route is written before legs are sent (write-ahead), and each leg
// records the sequence of the last venue report applied.
//
// First write: the route and the order's idempotency record in one batch
// (the id was minted by this node: no fence read). A venue's ack is staged
// for one mailbox turn, so an ack followed by a fill costs one write.
//
// Restart: the pool restarts a crashed order actor through
// restart_order_actor: it loads its last durable snapshot, takes the next
// incarnation, and sends venue_rebind to every working leg; venues replay
// the reports it had not made durable. Events of a durable write are
// delivered by the store even if the order actor crashed right after it. An
// order that crashed before its first write starts afresh.
//
// The order actor is the one releaser of its risk reservation once it runs:
// on every terminal state (releases are idempotent at the risk actor). The
// gateway releases only checks it gave up on, before an order actor exists.

#include "actors/common/deadlines.hpp"
#include "actors/contract/strategy_api.hpp"
#include "actors/post_trade/post_trade.hpp"
#include "actors/risk/risk_actor.hpp"
#include "actors/router/router.hpp"
#include "actors/store/store_actor.hpp"
#include "actors/venue/venue.hpp"
#include "actors/venue/venue_relay.hpp"
#include "runtime/model/instrument.hpp"
#include "runtime/model/records.hpp"

#include <caf/typed_actor.hpp>

namespace om {

/// What the gateway learns when an order ends (past tense: an event). Feeds
/// its intake (the key moves to history) and its circuit breaker.
struct order_ended {
  order_id id;
  strategy_id strategy;
  client_order_id clordid;
  ord_status status = ord_status::pending_new;
  /// Why it was rejected (none otherwise): feeds the gateway's circuit
  /// breaker of its instrument.
  reject_code code = reject_code::none;
  instrument_id instrument;

  OM_FIELDS("om.order_ended", order_ended, id, strategy, clordid, status, code, instrument)
};

/// Whom an order actor tells that it ended (the gateway that admitted it).
using order_listener = caf::typed_actor<caf::reacts_to<order_ended>>;

struct order_start {
  order_snapshot snap; // pending_new, stages received..risk_checked set
  instrument inst;
  caf::actor strategy; // receives order_event (a strategy is any actor)
  order_listener gateway;
  risk_actor risk;
  router_actor router;
  store_actor store;
  post_trade_actor post_trade;
  /// Where remote venues send this order's reports (null: to the order itself).
  venue_relay_actor venue_relay;
  uint64_t node_incarnation = 0;
  bool fault_injection = false;
  /// Restart of the node or of this actor: load the snapshot from the store
  /// and carry on (a new order that never wrote starts afresh).
  bool recover = false;
  /// New orders: the idempotency record, written with the first snapshot.
  bool has_idempotency = false;
  idempotency_record idempotency;

  OM_FIELDS("om.order_start", order_start, snap, inst, strategy, gateway, risk, router, store,
            post_trade, venue_relay, node_incarnation, fault_injection, recover,
            has_idempotency, idempotency)
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
  caf::reacts_to<deadline_tick_atom>,
  // Internal: writes the state changes staged since the last write.
  caf::reacts_to<flush_atom>>;

/// Start function for the order supervisor's pool: args = make_message(order_start).
caf::expected<caf::actor> start_order_actor(caf::actor_system& sys, const caf::message& args);

/// Restart function for the pool (child_spec::restart): the same arguments,
/// but the actor recovers its durable state instead of starting afresh.
caf::expected<caf::actor> restart_order_actor(caf::actor_system& sys, const caf::message& args);



} // namespace om
