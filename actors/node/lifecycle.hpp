#pragma once
// The life of one node, in the order it happens:
//
//   1. configure  the actor system from the node config: scheduler, remoting
//                 (heartbeats identical on every node), the wire types
//   2. open       the node's store and its next incarnation (durable)
//   3. start      the supervision tree (desk.hpp) and, when the node is
//                 published (a cluster member, or [network] cluster_port),
//                 its membership actor on the node's port and its admin
//                 service (actors/cluster/membership.hpp, actors/admin/)
//   4. ready      its risk shards restored and, where it plays gateway, its
//                 gateway registered (submits wait while it warms)
//   5. stop       in reverse: membership (unpublished), admin, then the tree, waiting
//                 for it to end
//
// ordermesh-node and ordermesh-bench run every node through these; the
// integration tests run ordermesh-node. Blocking calls: use from main, not
// from an actor.

#include "actors/admin/admin.hpp"
#include "actors/admin/metrics.hpp"
#include "actors/cluster/membership.hpp"
#include "actors/node/desk.hpp"
#include "runtime/config/config.hpp"

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <memory>
#include <optional>
#include <string>

namespace om {

class store;
class refdata_service;

/// Step 1. `remoting`: load the middleman (cluster members and published
/// single nodes).
void configure_node_system(caf::actor_system_config& sc, const node_config& cfg, bool remoting);

/// Whether the node publishes its agent (and so needs remoting).
bool node_publishes(const node_config& cfg);

struct opened_store {
  std::shared_ptr<store> db;
  uint64_t incarnation = 0;
};

/// Step 2: opens (creating) the RocksDB under `dir` with absolute WAL
/// consistency and takes the node's next incarnation. Errors:
/// store_corrupt (naming the file when known), store_open_failed,
/// store_read/write_failed, corrupt_record, each naming the path or key.
/// With `watermark_dir` (the node's data dir), the incarnation is also above
/// the one recorded in its WATERMARK, and a store whose last sequence is
/// below the one recorded at the last clean stop is refused (store_corrupt:
/// it lost writes). Either way it is above the incarnation of the highest
/// order id stored.
caf::expected<opened_store> open_node_store(const std::string& dir,
                                            const std::string& watermark_dir = "");

/// Steps 3-5 for one node in `sys`.
/// The outcome of a bounded wait: ok, or what was still missing when it
/// gave up (for the log and the operator).
struct readiness {
  bool ok = false;
  std::string why;
  explicit operator bool() const { return ok; }
};

class node_runtime {
public:
  node_runtime(caf::actor_system& sys, desk_options opts);
  ~node_runtime(); // stops if still running

  /// Step 3. Errors: errc::invalid_argument "cannot listen on HOST:PORT: why"
  /// when the agent cannot be published (the tree is started regardless;
  /// stop() ends it).
  caf::error start();

  /// Step 4: waits up to `limit`. Not ok when the time ran out (`why` says
  /// what was still missing) or the cluster refused the node (refusal()).
  readiness wait_ready(caf::timespan limit);

  /// Waits up to `limit` for this node's FIX venue sessions to log on (the
  /// desk trades without them, routing around; a strategy started before
  /// the logon would only see its first orders rejected). Not ok lists
  /// the sessions still down and their state.
  readiness wait_venue_sessions(caf::timespan limit);

  /// Why the cluster refused this node ("" if it did not, or no agent).
  std::string refusal();

  /// Step 5. Idempotent.
  void stop();

  const caf::actor& root() const { return root_; }
  /// The membership actor (published on the cluster port), if any.
  const membership_actor& agent() const { return agent_; }
  /// The node's metrics collector (what /metrics and the dashboard ask).
  const metrics_actor& metrics() const { return metrics_; }
  /// Forgets the agent (it died on its own: nothing to unpublish or stop).
  void agent_lost() { agent_ = nullptr; }
  /// Risk shards this node hosts (what ready waits for).
  size_t local_risk_shards() const;
  bool plays(node_role r) const;

private:
  caf::actor_system& sys_;
  desk_options opts_;
  caf::actor root_;
  membership_actor agent_;
  admin_actor admin_;
  metrics_actor metrics_;
  uint16_t listen_port_ = 0;
};

/// Waits until `expected` risk actors hosted by node `node` ("" = any) have
/// restored their state and, if `gateway_key` is set, a gateway is known
/// under that key ("" = this node's). Returns early, not ok, if `agent`
/// reports that the cluster refused the node.
readiness wait_desk_ready(caf::actor_system& sys, size_t expected, const std::string& node,
                     std::optional<std::string> gateway_key, caf::timespan limit,
                     const membership_actor& agent = {});

} // namespace om
