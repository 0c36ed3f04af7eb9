#pragma once
// Spawns the market-data actor of one instrument (see market_data.hpp). It
// registers as (svc::market_data, instrument id); venue sessions find it
// there.

#include "actors/market_data/market_data.hpp"
#include "runtime/config/config.hpp"

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

namespace om {

caf::actor spawn_market_data(caf::actor_system& sys, instrument_id inst,
                             market_data_section cfg);

} // namespace om
