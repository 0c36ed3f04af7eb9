#pragma once
// One risk actor per instrument: the single owner of that instrument's
// positions and reservations. Gateways ask it to check and reserve; order
// actors report fills (as cumulative figures per order) and releases. When it
// starts it rebuilds positions from the instrument's orders in the store (the
// source of truth) and reservations from the open ones.

#include "actors/common/atoms.hpp"
#include "actors/contract/reject.hpp"
#include "actors/contract/strategy_api.hpp"
#include "actors/market_data/market_data.hpp"
#include "runtime/config/config.hpp"
#include "runtime/model/instrument.hpp"
#include "runtime/model/order_state.hpp"
#include "runtime/model/records.hpp"

#include <caf/typed_actor.hpp>

namespace om {

struct risk_check_request {
  order_id id;
  strategy_id strategy;
  om::side side = side::buy;
  ord_type type = ord_type::limit;
  quantity qty;
  price px;

  OM_FIELDS("om.risk_check_request", risk_check_request, id, strategy, side, type, qty, px)
};

/// An amend: the order's working quantity becomes `new_leaves` at `px`.
struct risk_amend_request {
  order_id id;
  strategy_id strategy;
  om::side side = side::buy;
  ord_type type = ord_type::limit;
  quantity new_leaves;
  price px;

  OM_FIELDS("om.risk_amend_request", risk_amend_request, id, strategy, side, type, new_leaves, px)
};

struct risk_verdict_msg {
  reject_code code = reject_code::none; // none = approved
  std::string message;
  int64_t check_ns = 0; // time spent inside the risk actor
  price reference;      // the risk actor's reference price (arrival price)
  price_source source = price_source::unknown; // where `reference` came from

  OM_FIELDS("om.risk_verdict", risk_verdict_msg, code, message, check_ns, reference, source)
};

/// An order's fills so far: the risk actor applies what it has not seen yet
/// (cum_qty and cum_value minus what it applied for this order), so
/// duplicates and catch-ups after a restart are harmless.
struct risk_fill {
  order_id id;
  strategy_id strategy;
  om::side side = side::buy;
  quantity cum_qty;
  money cum_value;
  price last_px;

  OM_FIELDS("om.risk_fill", risk_fill, id, strategy, side, cum_qty, cum_value, last_px)
};

/// Money value of an order's exact fill value (price raw * qty raw).
money order_value(const order_state& s);

/// The order ended: its reservation goes. A finished order that traded
/// carries its final cumulative fill too (one message instead of two).
struct risk_release {
  order_id id;
  bool has_fill = false;
  risk_fill final_fill;

  OM_FIELDS("om.risk_release", risk_release, id, has_fill, final_fill)
};

using risk_actor = caf::typed_actor<
  caf::replies_to<risk_check_request>::with<risk_verdict_msg>,
  caf::replies_to<risk_amend_request>::with<risk_verdict_msg>,
  caf::reacts_to<risk_fill>,
  caf::reacts_to<risk_release>,
  // The instrument's market-data actor: the live mid for collars.
  caf::reacts_to<market_view>,
  caf::replies_to<positions_atom>::with<std::vector<position_snapshot>>,
  // Readiness: true once positions and reservations are restored.
  caf::replies_to<get_state_atom>::with<bool>,
  // Messages waiting in its mailbox (metrics).
  caf::replies_to<mailbox_atom>::with<uint64_t>,
  // Internal: next attempt to reach an order source while restoring.
  caf::reacts_to<retry_atom>,
  // Internal: second look at the orders the rebuild found open.
  caf::reacts_to<reconcile_atom>,
  // Internal: writes the positions changed since the last flush.
  caf::reacts_to<flush_atom>>;

/// Spawns the risk actor of `inst`; it registers as (svc::risk, inst.id).
/// It rebuilds from the orders in the stores registered in the directory
/// under (svc::store, key) for each key of `order_sources` ("" = this node's
/// store; in a cluster, the ids of the gateway nodes), waiting until each is
/// reachable; until then checks answer risk_unavailable. With
/// `market_data`, the instrument is quoted: collars follow the market views
/// its market-data actor sends, and a stale feed is handled per `on_stale`.
caf::actor spawn_risk_actor(caf::actor_system& sys, instrument inst, risk_section limits,
                            std::vector<std::string> order_sources = {""},
                            bool market_data = false,
                            stale_policy on_stale = stale_policy::reject);

} // namespace om
