#pragma once
// Every desk message type that may cross a node boundary, in one list.
// register_desk_types() registers these plus the runtime's (OM_WIRE_TYPES)
// and the error category; the wire test round-trips each of them.

#include "actors/admin/metrics.hpp"
#include "actors/admin/views.hpp"
#include "actors/cluster/membership.hpp"
#include "actors/gateway/gateway.hpp"
#include "actors/market_data/market_data.hpp"
#include "actors/directory/directory.hpp"
#include "actors/order/order_actor.hpp"
#include "actors/post_trade/post_trade.hpp"
#include "actors/risk/risk_actor.hpp"
#include "actors/router/router.hpp"
#include "actors/store/store_actor.hpp"
#include "actors/strategy/demo_strategy.hpp"
#include "actors/venue/venue.hpp"
#include "actors/venue/venue_relay.hpp"

// X(type, "wire name")
#define OM_DESK_WIRE_TYPES(X)                                   \
  X(om::submit_order, "om.submit_order")                        \
  X(om::cancel_order, "om.cancel_order")                        \
  X(om::amend_order, "om.amend_order")                          \
  X(om::order_event, "om.order_event")                          \
  X(om::order_events, "om.order_events")                        \
  X(om::kill_switch, "om.kill_switch")                          \
  X(om::kill_switch_result, "om.kill_switch_result")            \
  X(om::directory_entry, "om.directory_entry")                  \
  X(om::persist_order, "om.persist_order")                      \
  X(om::persist_position, "om.persist_position")                \
  X(om::persist_positions, "om.persist_positions")              \
  X(om::loaded_order, "om.loaded_order")                        \
  X(om::set_control, "om.set_control")                          \
  X(std::vector<om::audit_record>, "om.audit_records")          \
  X(om::risk_check_request, "om.risk_check_request")            \
  X(om::risk_amend_request, "om.risk_amend_request")            \
  X(om::risk_verdict_msg, "om.risk_verdict")                    \
  X(om::risk_fill, "om.risk_fill")                              \
  X(om::risk_release, "om.risk_release")                        \
  X(om::route_request, "om.route_request")                      \
  X(om::routed_leg, "om.routed_leg")                            \
  X(om::route_reply, "om.route_reply")                          \
  X(om::venue_new_order, "om.venue_new_order")                  \
  X(om::venue_cancel_order, "om.venue_cancel_order")            \
  X(om::venue_replace_order, "om.venue_replace_order")          \
  X(om::venue_rebind, "om.venue_rebind")                        \
  X(om::venue_report, "om.venue_report")                        \
  X(om::book_level, "om.book_level")                            \
  X(om::book_view, "om.book_view")                              \
  X(om::venue_counters, "om.venue_counters")                    \
  X(om::venue_availability_changed, "om.venue_availability_changed") \
  X(om::md_quote, "om.md_quote")                                \
  X(om::md_feed_lost, "om.md_feed_lost")                        \
  X(om::market_view, "om.market_view")                          \
  X(om::instrument_paused, "om.instrument_paused")              \
  X(om::instrument_resumed, "om.instrument_resumed")            \
  X(om::md_venue_state, "om.md_venue_state")                    \
  X(om::market_status, "om.market_status")                      \
  X(std::vector<om::market_status>, "om.market_status_list")   \
  X(om::trades_committed, "om.trades_committed")                \
  X(om::venue_ack_sample, "om.venue_ack_sample")                \
  X(om::venue_perf, "om.venue_perf")                            \
  X(om::stage_latency, "om.stage_latency")                      \
  X(om::venue_window, "om.venue_window")                        \
  X(om::persist_venue_stats, "om.persist_venue_stats")          \
  X(om::persist_incident, "om.persist_incident")                \
  X(om::post_trade_report, "om.post_trade_report")              \
  X(om::order_start, "om.order_start")                          \
  X(om::order_cancel_cmd, "om.order_cancel_cmd")                \
  X(om::order_amend_cmd, "om.order_amend_cmd")                  \
  X(om::order_ended, "om.order_ended")                          \
  X(om::reject_count, "om.reject_count")                        \
  X(om::gateway_stats, "om.gateway_stats")                      \
  X(om::breaker_state, "om.breaker_state")                      \
  X(om::order_execution, "om.order_execution")                  \
  X(om::venue_executions, "om.venue_executions")                \
  X(om::gateway_controls_state, "om.gateway_controls_state")    \
  X(om::inject_crash, "om.inject_crash")                        \
  X(om::demo_result, "om.demo_result")                          \
  X(om::member_hello, "om.member_hello")                        \
  X(om::venues_lost, "om.venues_lost")                          \
  X(om::relay_bind, "om.relay_bind")                            \
  X(om::member_view, "om.member_view")                          \
  X(om::cluster_view, "om.cluster_view")                        \
  X(om::actor_view, "om.actor_view")                            \
  X(om::supervisor_view, "om.supervisor_view")                  \
  X(om::node_topology, "om.node_topology")                      \
  X(om::topology_view, "om.topology_view")                      \
  X(om::order_query, "om.order_query")                          \
  X(om::node_orders, "om.node_orders")                          \
  X(om::orders_view, "om.orders_view")                          \
  X(om::order_detail, "om.order_detail")                        \
  X(om::risk_view, "om.risk_view")                              \
  X(om::venue_view, "om.venue_view")                            \
  X(om::venues_view, "om.venues_view")                          \
  X(om::markets_view, "om.markets_view")                        \
  X(om::gateway_kill, "om.gateway_kill")                        \
  X(om::kill_switch_report, "om.kill_switch_report")            \
  X(om::manual_order, "om.manual_order")                        \
  X(om::manual_cancel, "om.manual_cancel")                      \
  X(om::manual_amend, "om.manual_amend")                        \
  X(om::manual_result, "om.manual_result")                      \
  X(om::gateway_controls, "om.gateway_controls")                \
  X(om::controls_view, "om.controls_view")                      \
  X(om::admin_actor, "om.admin_actor")                          \
  X(om::histogram_view, "om.histogram_view")                    \
  X(om::mailbox_depth, "om.mailbox_depth")                      \
  X(om::node_metrics, "om.node_metrics")                        \
  X(om::cluster_metrics, "om.cluster_metrics")                  \
  X(om::metrics_actor, "om.metrics_actor")                      \
  X(std::vector<om::order_snapshot>, "om.order_snapshots")      \
  X(std::vector<om::position_snapshot>, "om.position_snapshots") \
  X(std::vector<om::directory_entry>, "om.directory_entries")

namespace om {

/// Registers the runtime's and the desk's wire types and the error category.
void register_desk_types(caf::actor_system_config& cfg);

} // namespace om
