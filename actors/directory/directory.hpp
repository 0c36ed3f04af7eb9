#pragma once
// Per-node directory: "risk actor for instrument X", "venue actor for venue
// V", "the router" ... resolved to a handle. Local actors register
// themselves when they start (so a restarted actor re-points its entry); the
// node agent imports the entries of the other nodes of a cluster and exports
// this node's. Every entry is monitored and vanishes on its down message (a
// remote one also when its node is lost), so callers never get a handle past
// its down event. The directory is in CAF's local registry as
// `directory_name`.
//
// Keys: cluster-wide services (risk by instrument id, venue by venue id)
// keep their key everywhere. Per-node services (store, router, gateway, ...)
// are registered locally under key "" and imported from node N under key N.

#include "actors/common/atoms.hpp"
#include "runtime/model/fields.hpp"

#include <caf/actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/typed_actor.hpp>

#include <string>
#include <vector>

namespace om {

/// Kinds of service the directory knows.
namespace svc {
constexpr const char* risk = "risk";
constexpr const char* venue = "venue";
constexpr const char* router = "router";
constexpr const char* store = "store";
constexpr const char* post_trade = "post_trade";
constexpr const char* gateway = "gateway";
constexpr const char* orders = "orders"; // the order supervisor
constexpr const char* membership = "membership";
constexpr const char* admin = "admin";
constexpr const char* market_data = "market_data"; // one per quoted instrument
constexpr const char* metrics = "metrics";         // the node's metrics collector
/// True for kinds with one instance per node (keyed "" locally, by node id
/// when imported from another node).
bool per_node(const std::string& kind);
} // namespace svc

struct directory_entry {
  std::string kind;
  std::string key;
  caf::actor handle;
  std::string node; // node hosting the actor

  OM_FIELDS("om.directory_entry", directory_entry, kind, key, handle, node)
};

using directory_actor = caf::typed_actor<
  caf::reacts_to<register_atom, std::string, std::string, caf::actor>,
  // Errors: errc::not_found.
  caf::replies_to<resolve_atom, std::string, std::string>::with<caf::actor>,
  // All entries of a kind ("" = all kinds).
  caf::replies_to<list_atom, std::string>::with<std::vector<directory_entry>>,
  // The subscriber receives every local registration as a directory_entry.
  caf::reacts_to<subscribe_atom, caf::actor>,
  // An entry of another node (from the node agent).
  caf::reacts_to<import_atom, directory_entry>,
  // Drops every entry of a node (the node agent saw it go down).
  caf::reacts_to<forget_atom, std::string>>;

/// Bumped whenever a risk or venue entry changes anywhere in this process
/// (registered, imported, down, forgotten). Actors that keep such a handle
/// re-resolve it when the epoch moved: no monitor per holder needed.
uint64_t directory_epoch();

/// `node` names this node in the entries it registers locally.
caf::actor spawn_directory(caf::actor_system& sys, std::string node = "local");

/// The node's directory from CAF's registry (null if not running).
directory_actor find_directory(caf::actor_system& sys);

/// A directory entry as the typed interface its kind registers with: the one
/// place where lookups become typed handles (the directory holds any actor).
template <class Handle>
Handle typed_entry(const caf::actor& h) {
  return caf::actor_cast<Handle>(h);
}

/// Registers `self` under (kind, key) with the node's directory, if any.
void register_self(caf::local_actor* self, const std::string& kind, const std::string& key);

} // namespace om
