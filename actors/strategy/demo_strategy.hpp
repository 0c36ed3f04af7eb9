#pragma once
// A demo strategy: sends `orders` orders at `rate` to the gateway, mixing
// limit/market, day/IOC, cancels and amends of working orders, and
// deliberately bad orders (unknown, ambiguous, inactive and halted symbols,
// zero quantity, off-tick and out-of-collar prices, oversized orders, retries
// with the same and with different terms). When everything is sent it
// cancels what still rests, waits until every order is terminal and sends
// its demo_result to `report_to`.

#include "actors/contract/strategy_api.hpp"
#include "actors/venue/venue.hpp"
#include "runtime/config/config.hpp"
#include "runtime/refdata/refdata.hpp"

#include <caf/actor.hpp>

#include <map>
#include <memory>

namespace om {

struct demo_result {
  uint64_t sent = 0;
  uint64_t bad_sent = 0;
  uint64_t events = 0;
  uint64_t accepted = 0;
  uint64_t duplicates = 0;
  uint64_t fills = 0;
  uint64_t late_fills = 0;
  uint64_t cancels_sent = 0;
  uint64_t amends_sent = 0;
  uint64_t replaced = 0;
  uint64_t cancel_rejected = 0;
  uint64_t replace_rejected = 0;
  uint64_t overfills = 0;             // cum qty above order qty: must stay 0
  uint64_t rejects_without_reason = 0; // must stay 0
  uint64_t open_at_end = 0;           // not terminal when the demo gave up
  bool gateway_lost = false;          // its gateway (or the gateway's node) went down
  std::map<std::string, uint64_t> final_states;
  std::map<std::string, uint64_t> rejects; // "stage/code" -> count
  int64_t elapsed_ns = 0;
  /// Every order of this run the desk accepted, with its filled quantity as
  /// the desk reported it (reconciled with the venues at the end).
  std::vector<order_execution> desk_filled;

  OM_FIELDS("om.demo_result", demo_result, sent, bad_sent, events, accepted, duplicates, fills,
            late_fills, cancels_sent, amends_sent, replaced, cancel_rejected, replace_rejected,
            overfills, rejects_without_reason, open_at_end, gateway_lost, final_states, rejects,
            elapsed_ns, desk_filled)
};

struct demo_options {
  demo_section cfg;
  std::shared_ptr<const refdata_set> refdata;
  caf::actor gateway;
  caf::actor report_to;
  /// Client order ids are "<strategy>-<run>-<n>": distinct per run.
  std::string run_tag = "1";
  /// Give up waiting for terminal states this long after the last send.
  caf::timespan settle_timeout = std::chrono::seconds{20};
  /// Cancel still-resting orders this long after the last send.
  caf::timespan cancel_after = std::chrono::milliseconds{300};
};

caf::actor spawn_demo_strategy(caf::actor_system& sys, demo_options opts);

} // namespace om
