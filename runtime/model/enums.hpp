#pragma once
// Order and instrument enumerations with stable text names. Each has
// to_string() and a parse_*() that returns a typed error naming the value.

#include "runtime/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace om {

enum class side : uint8_t { buy = 1, sell = 2 };
enum class ord_type : uint8_t { market = 1, limit = 2 };
enum class time_in_force : uint8_t { day = 0, gtc = 1, ioc = 3, fok = 4 }; // FIX 59 values
enum class asset_class : uint8_t { equity = 1, future = 2, fx = 3 };
/// Instrument trading status from reference data. `halted` resolves (the
/// gateway's real-time stage refuses it); `inactive` does not resolve.
enum class trading_status : uint8_t { active = 1, halted = 2, inactive = 3 };

/// FIX 4.4 OrdStatus (tag 39).
enum class ord_status : uint8_t {
  pending_new,
  new_order, // FIX "New"; `new` is a keyword
  partially_filled,
  filled,
  pending_cancel,
  canceled,
  pending_replace,
  replaced,
  rejected,
  expired,
};

/// What an accepted event did (FIX ExecType, tag 150, plus `none` for events
/// that change nothing, such as a cancel reject for an already filled order).
enum class exec_type : uint8_t {
  none,
  pending_new,
  new_order,
  trade,
  pending_cancel,
  canceled,
  cancel_rejected,
  pending_replace,
  replaced,
  replace_rejected,
  rejected,
  expired,
};

/// Where an order's reference (collar and arrival) price came from.
enum class price_source : uint8_t { unknown = 0, prev_close = 1, last_trade = 2, live_mid = 3 };

const char* to_string(side x);
const char* to_string(price_source x);
const char* to_string(ord_type x);
const char* to_string(time_in_force x);
const char* to_string(asset_class x);
const char* to_string(trading_status x);
const char* to_string(ord_status x);
const char* to_string(exec_type x);

caf::expected<side> parse_side(std::string_view text);
caf::expected<ord_type> parse_ord_type(std::string_view text);
caf::expected<time_in_force> parse_time_in_force(std::string_view text);
caf::expected<asset_class> parse_asset_class(std::string_view text);
caf::expected<trading_status> parse_trading_status(std::string_view text);
caf::expected<ord_status> parse_ord_status(std::string_view text);

/// True for states no further venue event can leave (late fills aside).
bool is_terminal(ord_status x);

/// +1 for buy, -1 for sell.
inline int sign(side s) { return s == side::buy ? 1 : -1; }

} // namespace om
