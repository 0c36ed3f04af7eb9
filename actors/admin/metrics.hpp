#pragma once
// The node's metrics collector: what Prometheus scrapes and the dashboard
// shows, gathered on demand. The actors keep owning their counters and
// histograms (the gateway its intake counts, post-trade its stage latencies,
// each venue its session, the store its commit timings); a scrape asks each
// of them once and the collector merges the answers into one typed
// node_metrics. Nothing is recorded twice and the order path pays nothing
// for being observed: the cost of a metric is the answer to a scrape.
//
// Rendering is at the edge: exposition.hpp turns node_metrics into the
// Prometheus text format, the HTTP server (runtime/http) serves it, and the
// dashboard's JSON is made from the same records.
//
// The collector registers as (svc::metrics, ""): other nodes find it under
// their id, so any node answers for the whole cluster (cluster_metrics_atom).

#include "actors/admin/admin.hpp"
#include "actors/admin/views.hpp"
#include "actors/common/atoms.hpp"
#include "actors/gateway/gateway.hpp"
#include "actors/market_data/market_data.hpp"
#include "actors/post_trade/post_trade.hpp"
#include "actors/store/store_actor.hpp"
#include "actors/venue/venue.hpp"
#include "runtime/config/config.hpp"

#include <caf/typed_actor.hpp>

#include <map>
#include <string>
#include <vector>

namespace om {

/// Messages waiting in an actor's mailbox. Risk actors (one per instrument)
/// are summed into one entry, with the deepest one beside it.
struct mailbox_depth {
  std::string actor; // gateway, router, risk, store, venue
  std::string venue; // venue actors only
  uint64_t depth = 0;
  uint64_t max = 0; // risk: the deepest shard's
  uint32_t actors = 1;

  OM_FIELDS("om.mailbox_depth", mailbox_depth, actor, venue, depth, max, actors)
};

/// One node's metrics at `taken_ns`. A part whose owner did not answer is
/// absent (its has_ flag false, or missing from a list) and named in
/// `errors`; a part the node does not run (no gateway on a risk node) is
/// just absent.
struct node_metrics {
  std::string node;
  int64_t taken_ns = 0;   // wall clock
  int64_t started_ns = 0; // when the collector started (the node's start)
  int64_t clock_offset_alert_ns = 0; // network.clock_offset_alert_ms
  bool has_gateway = false;
  gateway_stats gateway;
  bool has_post_trade = false;
  post_trade_report post_trade;
  bool has_store = false;
  store_actor_stats store;
  std::vector<venue_counters> venues; // the venues this node hosts
  std::vector<mailbox_depth> mailboxes;
  bool has_topology = false;
  node_topology topology;           // supervisors, restarts, live orders by state
  std::vector<member_view> members; // this node's view of the cluster
  std::vector<market_status> markets;
  /// The incident log (incidents.hpp): open ones first, newest first.
  std::vector<incident_record> incidents;
  std::vector<std::string> errors; // "part: why"

  OM_FIELDS("om.node_metrics", node_metrics, node, taken_ns, started_ns,
            clock_offset_alert_ns, has_gateway, gateway,
            has_post_trade, post_trade, has_store, store, venues, mailboxes, has_topology,
            topology, members, markets, incidents, errors)
};

/// Every reachable node's metrics, the answering node first, and the
/// answering node's view of the members (a node that is down has no
/// metrics, only its member record).
struct cluster_metrics {
  std::string asked;
  std::vector<node_metrics> nodes;
  std::vector<member_view> members;
  std::vector<std::string> errors; // "node: why" for nodes that did not answer

  OM_FIELDS("om.cluster_metrics", cluster_metrics, asked, nodes, members, errors)
};

/// The node's live orders summed over its order pools: by state, and the
/// orders sent and not acknowledged with the longest wait among them.
struct live_orders {
  std::map<std::string, uint64_t> by_state;
  uint64_t unacked = 0;
  int64_t oldest_unacked_ns = 0; // a wait, not a time
};
live_orders live_orders_of(const node_metrics& m);

using metrics_actor = caf::typed_actor<
  caf::replies_to<metrics_atom>::with<node_metrics>,
  caf::replies_to<cluster_metrics_atom>::with<cluster_metrics>,
  // Internal: registers with the node's directory (again, after a
  // directory restart), once a second.
  caf::reacts_to<tick_atom>>;

struct metrics_options {
  node_config cfg;
  admin_actor admin; // this node's (topology, members)
};

metrics_actor spawn_metrics(caf::actor_system& sys, metrics_options opts);

} // namespace om
