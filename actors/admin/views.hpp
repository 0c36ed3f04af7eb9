#pragma once
// What the admin service answers: plain typed records, one per question an
// operator asks (omctl renders them as tables or JSON; nothing on a node
// renders text). Durations are measured on the answering node, in ns.

#include "actors/gateway/circuit_breaker.hpp"
#include "actors/store/store_actor.hpp"
#include "actors/market_data/market_data.hpp"
#include "actors/venue/venue.hpp"
#include "actors/contract/strategy_api.hpp"
#include "runtime/model/fields.hpp"
#include "runtime/model/records.hpp"

#include <map>
#include <string>
#include <vector>

namespace om {

/// One cluster member as some node sees it.
struct member_view {
  std::string id;
  uint16_t number = 0;
  std::string state; // "up", "joining", "down"
  bool self = false; // the node that answered
  std::vector<std::string> roles;
  std::string host;
  uint16_t port = 0;
  uint64_t incarnation = 0;
  int32_t pid = 0;
  int64_t uptime_ns = 0;   // 0 unless up
  int64_t since_ns = 0;    // time since its last state change (peers)
  int64_t clock_offset_ns = 0; // its clock minus the viewer's
  int64_t rtt_ns = 0;
  uint64_t ups = 0;
  uint64_t downs = 0;
  uint64_t connect_attempts = 0;
  std::string last_down_reason;
  uint64_t agent_actor_id = 0; // the membership actor (self only)
  std::string error;           // set when asking it failed

  OM_FIELDS("om.member_view", member_view, id, number, state, self, roles, host, port,
            incarnation, pid, uptime_ns, since_ns, clock_offset_ns, rtt_ns, ups, downs,
            connect_attempts, last_down_reason, agent_actor_id, error)
};

struct cluster_view {
  std::string asked;
  std::vector<member_view> nodes; // the answering node first

  OM_FIELDS("om.cluster_view", cluster_view, asked, nodes)
};

/// A child in a supervision tree. A child supervisor points at its own
/// entry in node_topology::supervisors.
struct actor_view {
  std::string name;
  std::string kind;  // permanent, transient, temporary
  std::string state; // running, restarting, ...
  uint64_t actor_id = 0;
  uint64_t restarts = 0;
  std::string last_failure;
  int64_t last_failure_ns = 0;
  int32_t supervisor = -1; // index into node_topology::supervisors, or -1
  // Order actors (when listed one by one).
  std::string order_id;
  std::string instrument;
  std::string order_state;

  OM_FIELDS("om.actor_view", actor_view, name, kind, state, actor_id, restarts, last_failure,
            last_failure_ns, supervisor, order_id, instrument, order_state)
};

struct supervisor_view {
  std::string name;
  std::string strategy;
  uint64_t actor_id = 0;
  uint64_t restarts = 0;
  uint64_t mailbox = 0;
  // Dynamic pools (order actors): counts, live by order state.
  bool pool = false;
  uint64_t started = 0;
  uint64_t ended = 0;
  uint64_t live = 0;
  std::map<std::string, uint64_t> by_state;
  /// Orders sent to a venue and not acknowledged yet, and how long the
  /// oldest of them has waited (wall clock, ns).
  uint64_t unacked = 0;
  int64_t oldest_unacked_ns = 0;
  std::vector<actor_view> children; // supervisors and workers, in start order
  std::vector<actor_view> orders;   // a pool's order actors, when asked for
  std::string error;                // set when it did not answer

  OM_FIELDS("om.supervisor_view", supervisor_view, name, strategy, actor_id, restarts, mailbox,
            pool, started, ended, live, by_state, unacked, oldest_unacked_ns, children, orders,
            error)
};

struct node_topology {
  member_view member;
  std::vector<supervisor_view> supervisors; // [0] is the node supervisor

  OM_FIELDS("om.node_topology", node_topology, member, supervisors)
};

struct topology_view {
  std::string asked;
  std::vector<node_topology> nodes;

  OM_FIELDS("om.topology_view", topology_view, asked, nodes)
};

/// Which orders to list. `state`: "" = all, "open" = not terminal, or a
/// status name; `strategy`: "" = all; `limit`: newest first, 0 = no limit.
struct order_query {
  std::string state;
  std::string strategy;
  uint32_t limit = 0;

  OM_FIELDS("om.order_query", order_query, state, strategy, limit)
};

struct node_orders {
  member_view member;
  uint64_t matched = 0;               // orders matching the query on the node
  std::vector<order_snapshot> orders; // at most `limit` of them, newest first

  OM_FIELDS("om.node_orders", node_orders, member, matched, orders)
};

struct orders_view {
  std::string asked;
  std::vector<node_orders> nodes; // gateway nodes only

  OM_FIELDS("om.orders_view", orders_view, asked, nodes)
};

struct order_detail {
  std::string node;
  om::fence fence;
  order_snapshot snap;
  std::vector<fill_record> fills; // its journal entries
  std::string fills_error;        // set when the journal could not be read

  OM_FIELDS("om.order_detail", order_detail, node, fence, snap, fills, fills_error)
};

struct risk_view {
  std::string instrument;
  std::string node;
  uint64_t actor_id = 0;
  bool ready = false;
  bool ready_known = false; // false when the readiness question went unanswered
  std::vector<position_snapshot> positions;

  OM_FIELDS("om.risk_view", risk_view, instrument, node, actor_id, ready, ready_known, positions)
};

struct venue_view {
  std::string venue;
  std::string kind;
  std::string node;
  std::string state; // "up" or "unreachable"
  uint64_t actor_id = 0;
  bool has_counters = false;
  venue_counters counters;
  std::string error;

  OM_FIELDS("om.venue_view", venue_view, venue, kind, node, state, actor_id, has_counters,
            counters, error)
};

/// `omctl market [SYMBOL]`: the market-data actors' state.
struct markets_view {
  std::vector<market_status> markets;
  /// Instruments asked for that no reachable market-data actor covers.
  std::vector<std::string> missing;

  OM_FIELDS("om.markets_view", markets_view, markets, missing)
};

struct venues_view {
  std::vector<venue_view> venues;

  OM_FIELDS("om.venues_view", venues_view, venues)
};

struct gateway_kill {
  std::string node;
  uint64_t orders_canceled = 0;
  uint64_t audit_sequence = 0; // 0: not stored (see warning or error)
  std::string warning;
  std::string error;

  OM_FIELDS("om.gateway_kill", gateway_kill, node, orders_canceled, audit_sequence, warning,
            error)
};

struct kill_switch_report {
  bool halt = true;
  std::string strategy;
  uint64_t orders_canceled = 0;
  std::vector<gateway_kill> gateways;

  OM_FIELDS("om.kill_switch_report", kill_switch_report, halt, strategy, orders_canceled,
            gateways)
};

/// The controls in force at one gateway: kill-switch halts (audit records)
/// and circuit breakers by scope.
struct gateway_controls {
  std::string node;
  std::vector<audit_record> halts;
  std::vector<breaker_state> breakers;
  std::string error;

  OM_FIELDS("om.gateway_controls", gateway_controls, node, halts, breakers, error)
};

struct controls_view {
  std::vector<gateway_controls> gateways;

  OM_FIELDS("om.controls_view", controls_view, gateways)
};

/// Commands: an operator's order, cancel or amend (omctl order new/cancel/
/// amend). Manual orders go through a gateway like any strategy's, under
/// the strategy named here ("manual" by default, which must be one of
/// risk.strategies).
struct manual_order {
  std::string strategy = "manual";
  std::string symbol;
  om::side side = side::buy;
  ord_type type = ord_type::limit;
  time_in_force tif = time_in_force::day;
  quantity qty;
  price px;
  std::string requested_by;
  /// Empty: the routing rules choose; else this venue only.
  std::string venue;

  OM_FIELDS("om.manual_order", manual_order, strategy, symbol, side, type, tif, qty, px,
            requested_by, venue)
};

struct manual_cancel {
  order_id id;
  std::string requested_by;

  OM_FIELDS("om.manual_cancel", manual_cancel, id, requested_by)
};

struct manual_amend {
  order_id id;
  quantity qty;
  price px;
  std::string requested_by;

  OM_FIELDS("om.manual_amend", manual_amend, id, qty, px, requested_by)
};

/// What the gateway answered first (accepted / rejected for a new order,
/// canceled / replaced or their rejects for the others), or that nothing
/// came within the wait (`event` "no_answer": the order may still act).
struct manual_result {
  std::string action; // new, cancel, amend
  order_id id;
  std::string clordid;
  std::string strategy;
  std::string event;
  std::string status;
  std::string message;

  OM_FIELDS("om.manual_result", manual_result, action, id, clordid, strategy, event, status,
            message)
};

} // namespace om
