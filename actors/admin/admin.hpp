#pragma once
// The node's admin service: operators' questions (omctl) arrive here on any
// node. Answers are typed records (views.hpp); omctl renders them. Cluster
// views fan out to the other nodes' admin services, found in the directory
// (kind "admin", keyed by node id), and are merged with this node's view of
// each member (membership.hpp owns that).
//
// The admin holds no state of its own: it asks the owners (membership, the
// supervision tree, the store, risk actors, venues, gateways) every time.

#include "actors/admin/views.hpp"
#include "actors/common/atoms.hpp"
#include "actors/contract/strategy_api.hpp"
#include "runtime/config/config.hpp"
#include "runtime/refdata/refdata.hpp"

#include <caf/typed_actor.hpp>

#include <memory>

namespace om {

using admin_actor = caf::typed_actor<
  caf::replies_to<nodes_atom>::with<cluster_view>,
  // The bool asks for order actors to be listed one by one.
  caf::replies_to<topology_atom, bool>::with<topology_view>,
  caf::replies_to<local_topology_atom, bool>::with<node_topology>,
  // Errors: invalid_argument (unknown state name).
  caf::replies_to<orders_atom, order_query>::with<orders_view>,
  caf::replies_to<local_orders_atom, order_query>::with<node_orders>,
  // Errors: not_found (no such node or order), node_unreachable.
  caf::replies_to<order_atom, order_id>::with<order_detail>,
  // Symbol, alias or instrument id. Errors: unknown_symbol, node_unreachable.
  caf::replies_to<risk_atom, std::string>::with<risk_view>,
  caf::replies_to<venues_atom>::with<venues_view>,
  // One instrument (symbol, alias or id) or "" for every quoted one.
  // Errors: unknown_symbol.
  caf::replies_to<market_atom, std::string>::with<markets_view>,
  caf::replies_to<kill_switch>::with<kill_switch_report>,
  // The halts in force at every gateway of the cluster.
  caf::replies_to<controls_atom>::with<controls_view>,
  // Manual trading through this node's gateway. Errors: invalid_argument
  // (no gateway here), not_found (no such order), node_unreachable.
  caf::replies_to<manual_order>::with<manual_result>,
  caf::replies_to<manual_cancel>::with<manual_result>,
  caf::replies_to<manual_amend>::with<manual_result>,
  // The manual strategy's events: the admin is its reply_to.
  caf::reacts_to<order_event>,
  caf::reacts_to<order_events>,
  // Internal: a manual command's wait ran out.
  caf::reacts_to<tick_atom, uint64_t>>;

struct admin_options {
  node_config cfg;
  caf::actor root; // the node supervisor
  std::shared_ptr<refdata_service> refdata;
};

admin_actor spawn_admin(caf::actor_system& sys, admin_options opts);

} // namespace om
