#include "actors/risk/risk_book.hpp"

#include <algorithm>

namespace om {

namespace {

constexpr int64_t one_second_ns = 1'000'000'000;

quantity abs(quantity q) { return q.is_negative() ? -q : q; }

} // namespace

risk_book::risk_book(instrument inst, const risk_section& limits)
  : inst_(std::move(inst)), cfg_(limits), reference_(inst_.prev_close) {
  for (auto& r : cfg_.restricted)
    restricted_ = restricted_ || r == inst_.id;
}

const effective_limits& risk_book::limits(const strategy_id& s) {
  auto i = limits_cache_.find(s.value);
  if (i == limits_cache_.end())
    i = limits_cache_.emplace(s.value, cfg_.resolve(inst_.cls, inst_.id, s)).first;
  return i->second;
}

risk_verdict risk_book::pick_reference(int64_t wall_ns) {
  if (!market_data_) {
    used_reference_ = reference_;
    used_source_ = reference_ == inst_.prev_close ? price_source::prev_close
                                                   : price_source::last_trade;
    return {};
  }
  if (mid_.is_positive() && wall_ns < fresh_until_ns_) {
    used_reference_ = mid_;
    used_source_ = price_source::live_mid;
    return {};
  }
  if (on_stale_ == stale_policy::prev_close) {
    used_reference_ = inst_.prev_close;
    used_source_ = price_source::prev_close;
    return {};
  }
  used_reference_ = price{};
  used_source_ = price_source::unknown;
  std::string why = !mid_.is_positive() && fresh_until_ns_ == 0
                      ? "no market data received yet"
                      : "no update for " + std::to_string((wall_ns - fresh_until_ns_) / 1'000'000)
                          + " ms past the staleness limit";
  return risk_verdict{reject_code::market_data_stale,
                      "market data for " + inst_.id.value + " is stale (" + why
                        + "): refusing (fail closed)"};
}

risk_verdict risk_book::check(const strategy_id& s, pos& p, side sd, ord_type type,
                              quantity qty, quantity size, price px, int64_t now_ns,
                              bool count_rate) {
  auto deny = [](reject_code c, std::string m) { return risk_verdict{c, std::move(m)}; };
  auto& lim = limits(s);
  if (restricted_)
    return deny(reject_code::restricted_instrument, inst_.id.value + " is on the restricted list");
  if (count_rate) {
    while (!p.recent.empty() && now_ns - p.recent.front() >= one_second_ns)
      p.recent.pop_front();
    if (static_cast<int64_t>(p.recent.size()) >= lim.max_orders_per_second)
      return deny(reject_code::rate_limit,
                  "more than " + std::to_string(lim.max_orders_per_second)
                    + " orders in one second for " + s.value + " on " + inst_.id.value);
  }
  if (size > lim.max_order_qty)
    return deny(reject_code::max_order_qty, "qty " + to_string(size) + " exceeds max order qty "
                                              + to_string(lim.max_order_qty) + " for " + inst_.id.value);
  const price ref = used_reference_; // chosen by pick_reference
  if (!ref.is_positive())
    return deny(reject_code::no_reference_price,
                "no reference price for " + inst_.id.value + ": refusing (fail closed)");
  auto value = notional(type == ord_type::limit ? px : ref, size);
  if (value > lim.max_order_notional)
    return deny(reject_code::max_order_notional,
                "notional " + to_string(value) + " exceeds max order notional "
                  + to_string(lim.max_order_notional) + " for " + inst_.id.value);
  if (type == ord_type::limit) {
    int128 diff = static_cast<int128>(px.raw) - ref.raw;
    if (diff < 0)
      diff = -diff;
    // |px - ref| / ref > collar_bps / 10000, with bps at 2 decimals.
    if (diff * 1'000'000 > static_cast<int128>(ref.raw) * lim.price_collar_bps.raw)
      return deny(reject_code::price_collar,
                  "price " + to_string(px) + " is more than " + to_string(lim.price_collar_bps)
                    + " bps from reference " + to_string(ref));
  }
  auto gross_after = abs(p.net) + p.reserved_buy + p.reserved_sell + qty;
  if (gross_after > lim.max_gross_position)
    return deny(reject_code::gross_position_limit,
                "gross " + to_string(gross_after) + " would exceed " + to_string(lim.max_gross_position)
                  + " for " + s.value + " on " + inst_.id.value);
  auto worst_net = sd == side::buy ? p.net + p.reserved_buy + qty : p.net - p.reserved_sell - qty;
  if (abs(worst_net) > lim.max_net_position)
    return deny(reject_code::net_position_limit,
                "net " + to_string(worst_net) + " would exceed " + to_string(lim.max_net_position)
                  + " for " + s.value + " on " + inst_.id.value);
  auto pl = pnl(s);
  if (pl.raw < -lim.daily_loss_limit.raw)
    return deny(reject_code::daily_loss_limit,
                "P&L " + to_string(pl) + " is past the daily loss limit " + to_string(lim.daily_loss_limit)
                  + " for " + s.value);
  if (count_rate)
    p.recent.push_back(now_ns);
  return {};
}

risk_verdict risk_book::check_and_reserve(const strategy_id& s, side sd, ord_type type,
                                          quantity qty, price px, int64_t now_ns,
                                          int64_t wall_ns) {
  if (auto stale = pick_reference(wall_ns); !stale.approved())
    return stale;
  auto& p = pos_[s.value];
  auto v = check(s, p, sd, type, qty, qty, px, now_ns, true);
  if (v.approved())
    (sd == side::buy ? p.reserved_buy : p.reserved_sell) += qty;
  return v;
}

risk_verdict risk_book::check_amend(const strategy_id& s, side sd, ord_type type, quantity extra,
                                    quantity new_leaves, price new_px, int64_t now_ns,
                                    int64_t wall_ns) {
  if (auto stale = pick_reference(wall_ns); !stale.approved())
    return stale;
  auto& p = pos_[s.value];
  auto v = check(s, p, sd, type, extra, new_leaves, new_px, now_ns, false);
  if (v.approved())
    (sd == side::buy ? p.reserved_buy : p.reserved_sell) += extra;
  return v;
}

void risk_book::on_fill(const strategy_id& s, side sd, quantity qty, price px) {
  apply_fill(s, sd, qty, notional(px, qty), px);
}

void risk_book::apply_fill(const strategy_id& s, side sd, quantity dqty, money dvalue,
                           price last_px) {
  auto& p = pos_[s.value];
  auto& reserved = sd == side::buy ? p.reserved_buy : p.reserved_sell;
  reserved = std::max(quantity{}, reserved - dqty);
  if (sd == side::buy) {
    p.net += dqty;
    p.bought += dqty;
    p.buy_value += dvalue;
  } else {
    p.net -= dqty;
    p.sold += dqty;
    p.sell_value += dvalue;
  }
  if (last_px.is_positive())
    reference_ = last_px;
}

void risk_book::release(const strategy_id& s, side sd, quantity qty) {
  auto& p = pos_[s.value];
  auto& reserved = sd == side::buy ? p.reserved_buy : p.reserved_sell;
  reserved = std::max(quantity{}, reserved - qty);
}

money risk_book::pnl(const strategy_id& s) const {
  auto i = pos_.find(s.value);
  if (i == pos_.end())
    return money{};
  auto& p = i->second;
  return p.sell_value - p.buy_value + notional(reference_, p.net);
}

position_snapshot risk_book::snapshot(const strategy_id& s) const {
  position_snapshot out;
  out.strategy = s;
  out.instrument = inst_.id;
  auto i = pos_.find(s.value);
  if (i == pos_.end())
    return out;
  auto& p = i->second;
  out.net_qty = p.net;
  out.bought_qty = p.bought;
  out.sold_qty = p.sold;
  out.buy_value = p.buy_value;
  out.sell_value = p.sell_value;
  out.realized_pnl = pnl(s);
  out.reserved_buy_qty = p.reserved_buy;
  out.reserved_sell_qty = p.reserved_sell;
  return out;
}

void risk_book::restore(const position_snapshot& x) {
  auto& p = pos_[x.strategy.value];
  p.net = x.net_qty;
  p.bought = x.bought_qty;
  p.sold = x.sold_qty;
  p.buy_value = x.buy_value;
  p.sell_value = x.sell_value;
  p.reserved_buy = x.reserved_buy_qty;
  p.reserved_sell = x.reserved_sell_qty;
}

std::vector<position_snapshot> risk_book::all() const {
  std::vector<position_snapshot> out;
  for (auto& [s, _] : pos_)
    out.push_back(snapshot(strategy_id{s}));
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.strategy < b.strategy; });
  return out;
}

} // namespace om
