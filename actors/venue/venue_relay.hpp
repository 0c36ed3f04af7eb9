#pragma once
// Per gateway node: the address remote venues send their reports to. An
// order actor whose venue sits on another node binds its order id here and
// gives the relay as reply_to, so a venue node holds one long-lived proxy per
// gateway node instead of one per order (each of which costs CAF a registry
// entry, a proxy announcement and a kill message). Reports are forwarded by
// order id; bindings end with the order actor (monitored). Local venues keep
// replying to the order actor directly.

#include "actors/venue/venue.hpp"

#include <caf/typed_actor.hpp>

namespace om {

struct relay_bind {
  order_id id;
  venue_report_sink order;

  OM_FIELDS("om.relay_bind", relay_bind, id, order)
};

using venue_relay_actor = caf::typed_actor<caf::reacts_to<venue_report>,
                                           caf::reacts_to<relay_bind>>;

/// Spawns the relay; it registers as ("venue_relay", "").
caf::actor spawn_venue_relay(caf::actor_system& sys);

} // namespace om
