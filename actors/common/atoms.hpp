#pragma once
// Atoms shared by the desk's actor interfaces (at most 10 characters each).

#include <caf/atom.hpp>

namespace om {

using register_atom = caf::atom_constant<caf::atom("om_reg")>;
using resolve_atom = caf::atom_constant<caf::atom("om_resolve")>;
using list_atom = caf::atom_constant<caf::atom("om_list")>;
using load_order_atom = caf::atom_constant<caf::atom("om_ldord")>;
using load_open_atom = caf::atom_constant<caf::atom("om_ldopen")>;
using load_pos_atom = caf::atom_constant<caf::atom("om_ldpos")>;
using next_inc_atom = caf::atom_constant<caf::atom("om_nextinc")>;
using flush_atom = caf::atom_constant<caf::atom("om_flush")>;
using get_state_atom = caf::atom_constant<caf::atom("om_state")>;
using crash_atom = caf::atom_constant<caf::atom("om_crash")>;
using tick_atom = caf::atom_constant<caf::atom("om_tick")>;
using stats_atom = caf::atom_constant<caf::atom("om_stats")>;
using positions_atom = caf::atom_constant<caf::atom("om_pos")>;
using book_atom = caf::atom_constant<caf::atom("om_book")>;
using executions_atom = caf::atom_constant<caf::atom("om_execs")>;
// Cluster membership and admin.
using subscribe_atom = caf::atom_constant<caf::atom("om_subscr")>;
using import_atom = caf::atom_constant<caf::atom("om_import")>;
using forget_atom = caf::atom_constant<caf::atom("om_forget")>;
using export_atom = caf::atom_constant<caf::atom("om_export")>;
using ping_atom = caf::atom_constant<caf::atom("om_ping")>;
using nodes_atom = caf::atom_constant<caf::atom("om_nodes")>;
using topology_atom = caf::atom_constant<caf::atom("om_topo")>;
using local_topology_atom = caf::atom_constant<caf::atom("om_ltopo")>;
using orders_atom = caf::atom_constant<caf::atom("om_orders")>;
using local_orders_atom = caf::atom_constant<caf::atom("om_lorders")>;
using order_atom = caf::atom_constant<caf::atom("om_order")>;
using risk_atom = caf::atom_constant<caf::atom("om_risk")>;
using venues_atom = caf::atom_constant<caf::atom("om_venues")>;
using retry_atom = caf::atom_constant<caf::atom("om_retry")>;
using load_fills_atom = caf::atom_constant<caf::atom("om_ldfills")>;
using load_idem_atom = caf::atom_constant<caf::atom("om_ldidem")>;
using key_filter_atom = caf::atom_constant<caf::atom("om_keyflt")>;
using admin_atom = caf::atom_constant<caf::atom("om_admin")>;
using load_incidents_atom = caf::atom_constant<caf::atom("om_ldinc")>;
using load_vstats_atom = caf::atom_constant<caf::atom("om_ldvst")>;
using load_controls_atom = caf::atom_constant<caf::atom("om_ldctl")>;
using controls_atom = caf::atom_constant<caf::atom("om_ctls")>;
using reconcile_atom = caf::atom_constant<caf::atom("om_recon")>;
using pause_tick_atom = caf::atom_constant<caf::atom("om_pausetk")>;
using market_atom = caf::atom_constant<caf::atom("om_market")>;
// Observability: a node's metrics, every node's, an actor's mailbox depth.
using metrics_atom = caf::atom_constant<caf::atom("om_metrics")>;
using cluster_metrics_atom = caf::atom_constant<caf::atom("om_cmetric")>;
using mailbox_atom = caf::atom_constant<caf::atom("om_mbox")>;

/// Name under which a node's directory is in CAF's local registry.
constexpr caf::atom_value directory_name = caf::atom("om_dir");

} // namespace om
