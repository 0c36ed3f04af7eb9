#pragma once
// The gateway's first two stages as plain functions. Each returns the first
// failure with a typed code and a message naming the field and value.
//
//   stage 1, syntax:   strategy, client order id and symbol present; quantity
//                      positive; limit orders carry a positive price, market
//                      orders none; market orders are not GTC.
//   stage 2, business: the symbol resolves to exactly one active instrument;
//                      the strategy may trade its asset class; price on the
//                      tick grid; quantity in whole lots; quantity and
//                      notional within the static limits.

#include "actors/contract/strategy_api.hpp"
#include "runtime/config/config.hpp"
#include "runtime/refdata/refdata.hpp"

#include <string>

namespace om {

struct stage_verdict {
  reject_code code = reject_code::none;
  std::string message;
  const instrument* inst = nullptr; // business stage: the resolved instrument
  bool ok() const { return code == reject_code::none; }
};

stage_verdict check_syntax(const submit_order& x);

stage_verdict check_business(const submit_order& x, const refdata_set& refdata,
                             const risk_section& risk);

/// FNV-1a digest of the order terms, to spot a client order id reused for a
/// different order.
uint64_t terms_digest(const submit_order& x);

} // namespace om
