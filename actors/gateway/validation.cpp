#include "actors/gateway/validation.hpp"

#include <algorithm>

namespace om {

namespace {

stage_verdict fail(reject_code c, std::string m) {
  stage_verdict v;
  v.code = c;
  v.message = std::move(m);
  return v;
}

} // namespace

stage_verdict check_syntax(const submit_order& x) {
  if (x.strategy.empty())
    return fail(reject_code::missing_strategy, "strategy: required");
  if (x.clordid.empty())
    return fail(reject_code::missing_client_order_id, "clordid: required");
  if (x.symbol.empty())
    return fail(reject_code::missing_symbol, "symbol: required");
  if (!x.qty.is_positive())
    return fail(reject_code::non_positive_quantity,
                "qty: must be positive, got " + to_string(x.qty));
  if (x.type == ord_type::limit && !x.px.is_positive())
    return fail(reject_code::missing_limit_price,
                "price: a limit order needs a positive price, got " + to_string(x.px));
  if (x.type == ord_type::market && !x.px.is_zero())
    return fail(reject_code::price_on_market_order,
                "price: a market order must not carry one, got " + to_string(x.px));
  if (x.type == ord_type::market && x.tif == time_in_force::gtc)
    return fail(reject_code::invalid_market_tif, "tif: a market order cannot be gtc");
  return {};
}

stage_verdict check_business(const submit_order& x, const refdata_set& refdata,
                             const risk_section& risk) {
  auto r = refdata.resolve(x.symbol);
  if (!r) {
    auto code = code_of(r.error());
    auto rc = code == errc::ambiguous_symbol      ? reject_code::ambiguous_symbol
              : code == errc::inactive_instrument ? reject_code::inactive_instrument
                                                  : reject_code::unknown_symbol;
    return fail(rc, "symbol: " + detail_of(r.error()));
  }
  auto& inst = **r;
  if (!risk.strategies.empty()
      && std::find(risk.strategies.begin(), risk.strategies.end(), x.strategy)
           == risk.strategies.end())
    return fail(reject_code::unknown_strategy,
                "strategy: '" + x.strategy.value + "' is not one of risk.strategies");
  if (auto p = risk.permissions.find(x.strategy.value); p != risk.permissions.end()) {
    auto& allowed = p->second.allowed_asset_classes;
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), inst.cls) == allowed.end())
      return fail(reject_code::asset_class_not_permitted,
                  "symbol: strategy " + x.strategy.value + " may not trade "
                    + to_string(inst.cls) + " (" + inst.id.value + ")");
  }
  if (x.type == ord_type::limit)
    if (auto err = check_tick(inst, x.px))
      return fail(reject_code::tick_size, "price: " + detail_of(err));
  if (auto err = check_lot(inst, x.qty))
    return fail(reject_code::lot_size, "qty: " + detail_of(err));
  auto lim = risk.resolve(inst.cls, inst.id, x.strategy);
  if (x.qty > lim.max_order_qty)
    return fail(reject_code::max_order_qty, "qty: " + to_string(x.qty) + " exceeds max order qty "
                                              + to_string(lim.max_order_qty) + " for "
                                              + inst.id.value);
  auto px = x.type == ord_type::limit ? x.px : inst.prev_close;
  auto n = notional(px, x.qty);
  if (n > lim.max_order_notional)
    return fail(reject_code::max_order_notional,
                "qty: notional " + to_string(n) + " " + inst.currency + " exceeds max "
                  + to_string(lim.max_order_notional) + " for " + inst.id.value);
  stage_verdict ok;
  ok.inst = &inst;
  return ok;
}

uint64_t terms_digest(const submit_order& x) {
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&](const void* p, size_t n) {
    auto b = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; ++i) {
      h ^= b[i];
      h *= 1099511628211ULL;
    }
  };
  mix(x.symbol.data(), x.symbol.size());
  auto sd = static_cast<uint8_t>(x.side);
  auto ty = static_cast<uint8_t>(x.type);
  auto tf = static_cast<uint8_t>(x.tif);
  mix(&sd, 1);
  mix(&ty, 1);
  mix(&tf, 1);
  mix(&x.qty.raw, sizeof x.qty.raw);
  mix(&x.px.raw, sizeof x.px.raw);
  if (!x.venue.value.empty()) // unpinned orders keep the digests stored before pins existed
    mix(x.venue.value.data(), x.venue.value.size());
  return h;
}

} // namespace om
