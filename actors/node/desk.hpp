#pragma once
// Builds a node's supervision tree (DESIGN.md):
//
//   node (one_for_one)
//   ├── directory            permanent
//   ├── store                permanent   single writer of orders/positions/audit
//   ├── risk (one_for_one)   one permanent risk actor per instrument
//   ├── market-data (one_for_one)  one actor per quoted instrument, beside its risk actor
//   ├── venues (one_for_one, backoff)    one actor per configured venue
//   ├── router               permanent
//   ├── post-trade           permanent   single writer of the fill journal
//   ├── orders (simple_one_for_one)      transient order actors
//   └── gateway              permanent   single writer of idempotency records
//
// Children start in this order and stop in reverse.

#include "runtime/config/config.hpp"
#include "runtime/refdata/refdata.hpp"
#include "runtime/supervision/supervisor.hpp"

#include <caf/actor.hpp>

#include <memory>

namespace om {

class store;

struct desk_options {
  node_config cfg;
  std::shared_ptr<refdata_service> refdata;
  std::shared_ptr<store> db;
  /// Durable per-node counter, incremented at each node start.
  uint64_t node_incarnation = 1;
  /// Venues whose actor the embedding process provides and registers itself
  /// (a test standing in for a venue): the desk does not start them.
  std::vector<std::string> external_venues = {};
};

/// True if a FIX venue with market_data = true trades `inst`'s asset class.
bool quoted(const node_config& cfg, const instrument& inst);

/// Spawns the node supervisor with the whole tree below it.
caf::actor spawn_desk(caf::actor_system& sys, const desk_options& opts);

/// Walks a supervision tree; total restarts of every supervisor below `root`.
/// Blocking: call from outside actors only.
uint64_t total_restarts(caf::actor_system& sys, const caf::actor& root);

/// Renders a supervision tree as indented text (blocking, outside actors).
std::string render_tree(caf::actor_system& sys, const caf::actor& root);

} // namespace om
