#pragma once
// A venue reached over FIX: one QuickFIX initiator session, mapped onto the
// venue interface so order actors cannot tell it from a simulated venue.
//
// The actor owns the session's legs: each leg's ClOrdID chain, the reports
// sent for it (replayed to a restarted order actor) and its cumulative
// quantity, which is the guard against a fill booked twice (a report whose
// CumQty does not move past what the leg has is a duplicate). QuickFIX owns
// the session: sequence numbers persist in the store directory, so a
// restarted node resumes where it stopped and gaps are resent.
//
// The actor decides when to reconnect: after a disconnect, a refused logon
// or a failed connect it waits a backoff that doubles from the venue's
// reconnect_initial_ms to reconnect_max_ms, with jitter. On logon every open
// leg is reconciled with an OrderStatusRequest.

#include "actors/venue/venue.hpp"
#include "runtime/config/config.hpp"
#include "runtime/refdata/refdata.hpp"

#include <memory>
#include <string>

namespace om {

struct fix_venue_options {
  venue_section cfg;
  std::shared_ptr<const refdata_set> refdata;
  /// QuickFIX message store (sequence numbers) for this session; empty:
  /// an in-memory store (tests, benches).
  std::string store_dir;
  /// Data dictionary to validate inbound messages with; empty: validated
  /// in code (fixmap::read_inbound).
  std::string data_dictionary;
  uint64_t seed = 1;
};

caf::actor spawn_fix_venue(caf::actor_system& sys, fix_venue_options opts);

} // namespace om
