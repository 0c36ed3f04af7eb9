#pragma once
// One node agent per node: the cluster's membership and the node's admin
// endpoint. It is the actor published on the node's cluster port.
//
// Membership: the agent connects to every other node of the cluster file
// (full mesh, through CAF's middleman actor, retried every connect_retry),
// exchanges a hello with the peer's agent (node id, incarnation, roles, and
// the directory entries the peer hosts) and monitors it. CAF's BASP
// heartbeats (configured identically on every node) close a silent
// connection; the monitor's down message is the node-down event. On it the
// directory forgets the node's entries and working order legs at its venues
// are told (venues_lost). A hello from a node id that is already up with a
// different agent is refused (duplicate node id).
//
// Admin: operators' queries (omctl) arrive here on any node; cluster-wide
// views fan out to the other agents. Admin answers are JSON documents
// (docs/operations.md describes them); `omctl --json` prints them as is.

#include "actors/common/atoms.hpp"
#include "actors/directory/directory.hpp"
#include "actors/contract/strategy_api.hpp"
#include "runtime/config/config.hpp"
#include "runtime/refdata/refdata.hpp"

#include <caf/typed_actor.hpp>

#include <memory>

namespace om {

struct member_hello {
  std::string node;
  uint64_t incarnation = 0;
  std::vector<std::string> roles;
  int64_t started_ns = 0;
  int32_t pid = 0;
  std::vector<directory_entry> entries; // services this node hosts
  caf::actor agent;

  OM_FIELDS("om.member_hello", member_hello, node, incarnation, roles, started_ns, pid, entries,
            agent)
};

using node_agent_actor = caf::typed_actor<
  // Membership. Errors: duplicate_node, not_found (id not in the file).
  caf::replies_to<member_hello>::with<member_hello>,
  caf::reacts_to<export_atom, directory_entry>,
  // Clock: replies with the receiver's wall clock (ns).
  caf::replies_to<ping_atom, int64_t>::with<int64_t>,
  // Admin (JSON). The bool asks for order actors to be listed one by one.
  caf::replies_to<nodes_atom>::with<std::string>,
  caf::replies_to<topology_atom, bool>::with<std::string>,
  caf::replies_to<local_topology_atom, bool>::with<std::string>,
  // State filter: "" = all, "open" = not terminal, or a status name.
  caf::replies_to<orders_atom, std::string>::with<std::string>,
  caf::replies_to<local_orders_atom, std::string>::with<std::string>,
  // Order id as printed ("O1-42"). Errors: invalid_argument, not_found.
  caf::replies_to<order_atom, std::string>::with<std::string>,
  // Symbol or alias. Errors: unknown_symbol, node_unreachable.
  caf::replies_to<risk_atom, std::string>::with<std::string>,
  caf::replies_to<venues_atom>::with<std::string>,
  caf::replies_to<kill_switch>::with<std::string>,
  // Start-up: why this node was refused by the cluster ("" = it was not).
  caf::replies_to<get_state_atom>::with<std::string>,
  // Local directory registrations (subscription).
  caf::reacts_to<directory_entry>,
  // Internal: connect / ping timer.
  caf::reacts_to<tick_atom>>;

struct node_agent_options {
  node_config cfg;
  uint64_t incarnation = 0;
  caf::actor root; // the node supervisor
  std::shared_ptr<refdata_service> refdata;
};

/// Spawns the agent and starts joining the cluster (connects to peers).
caf::actor spawn_node_agent(caf::actor_system& sys, node_agent_options opts);

} // namespace om
