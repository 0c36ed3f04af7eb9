#pragma once
// Pre-trade risk state of one instrument: positions and open-order
// reservations per strategy, and the checks run against them. Plain code
// owned by that instrument's risk actor; not thread-safe.
//
// Checks, in order (the first failure decides):
//   kill switch (strategy or all)      -> kill_switch
//   restricted list                    -> restricted_instrument
//   orders in the last second          -> rate_limit
//   quantity above max order qty       -> max_order_qty
//   market data stale (quoted instruments, policy reject) -> market_data_stale
//   reference price missing            -> no_reference_price (fail closed)
//   notional above max order notional  -> max_order_notional
//   limit price vs reference           -> price_collar
//   |net| + reserved buys + reserved sells + qty > max gross   -> gross_position_limit
//   worst-case net after the order > max net                   -> net_position_limit
//   P&L marked at the reference below -daily_loss_limit        -> daily_loss_limit
// An approved order reserves its quantity until it fills or is released.
//
// Reference price: for an instrument with market data, the live mid while
// the feed is fresh; when it is stale, the previous close (policy
// prev_close) or a market_data_stale denial (policy reject, the default).
// Without market data: the last fill price, else the previous close.

#include "actors/contract/reject.hpp"
#include "runtime/config/config.hpp"
#include "runtime/model/instrument.hpp"
#include "runtime/model/records.hpp"

#include <deque>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace om {

struct risk_verdict {
  reject_code code = reject_code::none; // none = approved
  std::string message;
  bool approved() const { return code == reject_code::none; }
};

class risk_book {
public:
  risk_book(instrument inst, const risk_section& limits);

  const instrument& inst() const { return inst_; }

  /// Runs every check; on approval reserves `qty` on the order's side.
  /// `now_ns` is monotonic (rate limits); `wall_ns` is compared with the
  /// market view's freshness.
  risk_verdict check_and_reserve(const strategy_id& s, side sd, ord_type type, quantity qty,
                                 price px, int64_t now_ns, int64_t wall_ns = 0);

  /// Re-checks an amend that raises the working quantity by `extra` to
  /// `new_leaves`; size limits apply to `new_leaves`, position limits to the
  /// extra. Reserves the extra on approval.
  risk_verdict check_amend(const strategy_id& s, side sd, ord_type type, quantity extra,
                           quantity new_leaves, price new_px, int64_t now_ns,
                           int64_t wall_ns = 0);

  /// A fill: moves quantity from reserved to the position.
  void on_fill(const strategy_id& s, side sd, quantity qty, price px);

  /// A fill given as what it adds to the order: `dqty` traded for `dvalue`
  /// in total; the last trade price becomes the reference.
  void apply_fill(const strategy_id& s, side sd, quantity dqty, money dvalue, price last_px);

  /// Adds a reservation without checks (rebuilding from open orders).
  void add_reservation(const strategy_id& s, side sd, quantity qty) {
    auto& p = pos_[s.value];
    (sd == side::buy ? p.reserved_buy : p.reserved_sell) += qty;
  }

  /// Drops `qty` of reservation (order ended or amended down).
  void release(const strategy_id& s, side sd, quantity qty);

  /// Reference price for collars and marking (last trade, else prev close).
  void set_reference(price px) { reference_ = px; }
  price reference() const { return reference_; }
  /// The reference the last check used, and where it came from.
  price used_reference() const { return used_reference_; }
  price_source used_source() const { return used_source_; }

  /// From now on the instrument is quoted: collars follow the market view.
  void use_market_data(stale_policy on_stale) {
    market_data_ = true;
    on_stale_ = on_stale;
  }
  bool market_data() const { return market_data_; }
  /// The market-data actor's latest view.
  void set_market(price mid, int64_t fresh_until_ns) {
    mid_ = mid;
    fresh_until_ns_ = fresh_until_ns;
  }

  position_snapshot snapshot(const strategy_id& s) const;
  void restore(const position_snapshot& p);
  std::vector<position_snapshot> all() const;

  /// Total P&L of a strategy in this instrument, marked at the reference.
  money pnl(const strategy_id& s) const;

private:
  struct pos {
    quantity net, bought, sold;
    money buy_value, sell_value;
    quantity reserved_buy, reserved_sell;
    std::deque<int64_t> recent; // submit times within the last second
  };

  risk_verdict check(const strategy_id& s, pos& p, side sd, ord_type type, quantity qty,
                     quantity size, price px, int64_t now_ns, bool count_rate);
  const effective_limits& limits(const strategy_id& s);

  /// Picks the reference for a check at `wall_ns`; a denial when the
  /// market is stale and the policy fails closed.
  risk_verdict pick_reference(int64_t wall_ns);

  instrument inst_;
  risk_section cfg_;
  bool restricted_ = false;
  price reference_;
  price used_reference_;
  price_source used_source_ = price_source::unknown;
  bool market_data_ = false;
  stale_policy on_stale_ = stale_policy::reject;
  price mid_;
  int64_t fresh_until_ns_ = 0;
  std::unordered_map<std::string, pos> pos_;
  std::unordered_map<std::string, effective_limits> limits_cache_;
};

} // namespace om
