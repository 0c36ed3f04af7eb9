#pragma once
// A simulated venue: one price-time priority book per instrument (the
// matching engine), seeded with liquidity from other participants around the
// instrument's reference price, and outside order flow every
// `flow_interval` that trades against resting orders (so the desk's passive
// orders fill partially and over time) before liquidity is replenished.
// Latency, fees and random rejects come from the venue's configuration.

#include "actors/venue/venue.hpp"
#include "runtime/config/config.hpp"
#include "runtime/refdata/refdata.hpp"

#include <chrono>
#include <memory>

namespace om {

struct sim_venue_options {
  venue_section cfg;
  std::shared_ptr<const refdata_set> refdata;
  /// Price levels of seeded liquidity per side.
  uint32_t levels = 8;
  /// Outside flow period; zero = no outside flow.
  caf::timespan flow_interval = std::chrono::milliseconds{10};
  /// Seed of the venue's random generator.
  uint64_t seed = 1;
  /// Part of every exec id, so ids stay unique across restarts.
  uint64_t incarnation = 1;
};

caf::actor spawn_sim_venue(caf::actor_system& sys, sim_venue_options opts);

} // namespace om
