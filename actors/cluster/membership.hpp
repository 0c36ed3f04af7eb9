#pragma once
// One membership actor per node: the cluster's membership. It is the actor
// published on the node's cluster port.
//
// The actor connects to every other node of the cluster file (full mesh,
// through CAF's middleman actor, retried every connect_retry), exchanges a
// hello with the peer's membership actor (node id, incarnation, roles, and
// the directory entries the peer hosts) and monitors it. CAF's BASP
// heartbeats (configured identically on every node) close a silent
// connection; the monitor's down message is the node-down event. On it the
// directory forgets the node's entries and working order legs at its venues
// are told (venues_lost). A hello from a node id that is already up with a
// different actor is refused (duplicate node id). It pings every up peer
// once a second for its clock offset and round trip.
//
// It registers itself ("membership") and the node's admin service ("admin")
// in the node's directory; like every per-node entry they are exported to
// the peers. omctl connects to the cluster port and asks for the admin.

#include "actors/admin/admin.hpp"
#include "actors/common/atoms.hpp"
#include "actors/directory/directory.hpp"
#include "runtime/config/config.hpp"

#include <caf/typed_actor.hpp>

namespace om {

struct member_hello {
  std::string node;
  uint64_t incarnation = 0;
  std::vector<std::string> roles;
  int64_t started_ns = 0;
  int32_t pid = 0;
  std::vector<directory_entry> entries; // services this node hosts
  caf::actor agent;                     // its membership actor

  OM_FIELDS("om.member_hello", member_hello, node, incarnation, roles, started_ns, pid, entries,
            agent)
};

using membership_actor = caf::typed_actor<
  // Errors: duplicate_node, not_found (id not in the file).
  caf::replies_to<member_hello>::with<member_hello>,
  caf::reacts_to<export_atom, directory_entry>,
  // Clock: replies with the receiver's wall clock (ns).
  caf::replies_to<ping_atom, int64_t>::with<int64_t>,
  // Every member as this node sees it, this node first.
  caf::replies_to<nodes_atom>::with<cluster_view>,
  // This node's admin service (what omctl talks to).
  caf::replies_to<admin_atom>::with<admin_actor>,
  // Start-up: why this node was refused by the cluster ("" = it was not).
  caf::replies_to<get_state_atom>::with<std::string>,
  // Local directory registrations (subscription).
  caf::reacts_to<directory_entry>,
  // Internal: connect / ping timer.
  caf::reacts_to<tick_atom>>;

struct membership_options {
  node_config cfg;
  uint64_t incarnation = 0;
  admin_actor admin;
};

/// Spawns the actor and starts joining the cluster (connects to peers).
membership_actor spawn_membership(caf::actor_system& sys, membership_options opts);

} // namespace om
