#pragma once
// The router actor: picks the venue(s) for an order from the configured rules
// (route_table) and hands back live venue handles resolved through the
// directory. Its scoring input (fill statistics) arrives in a later version;
// the weights in the rules are the scores today.

#include "actors/common/atoms.hpp"
#include "actors/venue/venue.hpp"
#include "runtime/config/config.hpp"
#include "runtime/model/instrument.hpp"

#include <caf/typed_actor.hpp>

namespace om {

struct route_request {
  order_id id;
  strategy_id strategy;
  instrument inst;
  ord_type type = ord_type::limit;
  time_in_force tif = time_in_force::day;
  quantity qty;
  /// Set: route to this venue only, or not at all.
  venue_id pin;

  OM_FIELDS("om.route_request", route_request, id, strategy, inst, type, tif, qty, pin)
};

struct routed_leg {
  venue_id venue;
  venue_actor handle;
  quantity qty;

  OM_FIELDS("om.routed_leg", routed_leg, venue, handle, qty)
};

struct route_reply {
  std::vector<routed_leg> legs; // empty: no route, see `why`
  std::string why;

  OM_FIELDS("om.route_reply", route_reply, legs, why)
};

using router_actor = caf::typed_actor<caf::replies_to<route_request>::with<route_reply>,
                                      caf::reacts_to<venue_availability_changed>,
                                      // The venues it avoids now (sessions down).
                                      caf::replies_to<venues_atom>::with<std::vector<std::string>>,
                                      // Messages waiting in its mailbox (metrics).
                                      caf::replies_to<mailbox_atom>::with<uint64_t>,
                                      // Internal: ask venues marked down how they are.
                                      caf::reacts_to<tick_atom>>;

/// `awaiting_logon`: venues (FIX sessions) not routed to until they say
/// they are up (venue_availability_changed).
caf::actor spawn_router(caf::actor_system& sys, node_config cfg, uint64_t seed,
                        std::vector<std::string> awaiting_logon = {});

} // namespace om
