#pragma once
// Per-node directory: "risk actor for instrument X", "venue actor for venue
// V", "the router" ... resolved to a handle. Actors register themselves when
// they start (so a restarted actor re-points its entry); entries vanish when
// their actor goes down, so callers never get a handle past its down event.
// The directory itself is in CAF's local registry as `directory_name`.

#include "actors/common/atoms.hpp"
#include "runtime/model/fields.hpp"

#include <caf/actor.hpp>
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
} // namespace svc

struct directory_entry {
  std::string kind;
  std::string key;
  caf::actor handle;

  OM_FIELDS("om.directory_entry", directory_entry, kind, key, handle)
};

using directory_actor = caf::typed_actor<
  caf::reacts_to<register_atom, std::string, std::string, caf::actor>,
  // Errors: errc::not_found.
  caf::replies_to<resolve_atom, std::string, std::string>::with<caf::actor>,
  // All entries of a kind ("" = all kinds).
  caf::replies_to<list_atom, std::string>::with<std::vector<directory_entry>>>;

caf::actor spawn_directory(caf::actor_system& sys);

/// The node's directory from CAF's registry (null if not running).
directory_actor find_directory(caf::actor_system& sys);

/// Registers `self` under (kind, key) with the node's directory, if any.
void register_self(caf::local_actor* self, const std::string& kind, const std::string& key);

} // namespace om
