#pragma once
// The one place where message types are registered with CAF. Every type that
// may cross a node boundary is listed in OM_WIRE_TYPES; register_wire_types()
// registers all of them plus the ordermesh error category, and the wire test
// round-trips each listed type through CAF's binary serializer. An
// unregistered type fails only at run time and only remotely (the receiver
// gets an empty message), so new message types go on this list.

#include "runtime/model/instrument.hpp"
#include "runtime/model/records.hpp"
#include "runtime/store/codec.hpp"
#include "runtime/supervision/supervisor.hpp"

#include <caf/fwd.hpp>

// X(type, "wire name")
#define OM_WIRE_TYPES(X)                                                    \
  X(om::instrument_id, "om.instrument_id")                                  \
  X(om::client_order_id, "om.client_order_id")                              \
  X(om::strategy_id, "om.strategy_id")                                      \
  X(om::venue_id, "om.venue_id")                                            \
  X(om::node_id, "om.node_id")                                              \
  X(om::order_id, "om.order_id")                                            \
  X(om::price, "om.price")                                                  \
  X(om::quantity, "om.quantity")                                            \
  X(om::money, "om.money")                                                  \
  X(om::basis_points, "om.basis_points")                                    \
  X(om::side, "om.side")                                                    \
  X(om::ord_status, "om.ord_status")                                        \
  X(om::instrument, "om.instrument")                                        \
  X(om::order_state, "om.order_state")                                      \
  X(om::stage_times, "om.stage_times")                                      \
  X(om::child_order, "om.child_order")                                      \
  X(om::order_snapshot, "om.order_snapshot")                                \
  X(om::position_snapshot, "om.position_snapshot")                          \
  X(om::idempotency_record, "om.idempotency_record")                        \
  X(om::audit_record, "om.audit_record")                                    \
  X(om::fill_record, "om.fill_record")                                      \
  X(om::venue_totals, "om.venue_totals")                                    \
  X(om::venue_stats_bucket, "om.venue_stats_bucket")                        \
  X(om::incident_record, "om.incident_record")                              \
  X(om::fence, "om.fence")                                                  \
  X(om::sup::child_info, "om.child_info")                                   \
  X(om::sup::supervisor_report, "om.supervisor_report")

namespace om {

/// Registers every OM_WIRE_TYPES entry and the error category with `cfg`.
/// Call once per actor_system_config, before constructing the system.
void register_wire_types(caf::actor_system_config& cfg);

} // namespace om
