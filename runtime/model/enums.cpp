#include "runtime/model/enums.hpp"

#include <array>
#include <utility>

namespace om {

namespace {

template <class E, size_t N>
caf::expected<E> parse_enum(std::string_view text, const char* what,
                            const std::array<std::pair<const char*, E>, N>& names) {
  for (auto& [name, value] : names)
    if (text == name)
      return value;
  std::string allowed;
  for (auto& kv : names) {
    if (!allowed.empty())
      allowed += ", ";
    allowed += kv.first;
  }
  return make_error(errc::parse_error, std::string{what} + ": '" + std::string{text}
                                         + "' is not one of: " + allowed);
}

} // namespace

const char* to_string(side x) { return x == side::buy ? "buy" : "sell"; }
const char* to_string(ord_type x) { return x == ord_type::market ? "market" : "limit"; }

const char* to_string(time_in_force x) {
  switch (x) {
    case time_in_force::day: return "day";
    case time_in_force::gtc: return "gtc";
    case time_in_force::ioc: return "ioc";
    case time_in_force::fok: return "fok";
  }
  return "?";
}

const char* to_string(asset_class x) {
  switch (x) {
    case asset_class::equity: return "equity";
    case asset_class::future: return "future";
    case asset_class::fx: return "fx";
  }
  return "?";
}

const char* to_string(trading_status x) {
  switch (x) {
    case trading_status::active: return "active";
    case trading_status::halted: return "halted";
    case trading_status::inactive: return "inactive";
  }
  return "?";
}

const char* to_string(ord_status x) {
  switch (x) {
    case ord_status::pending_new: return "pending_new";
    case ord_status::new_order: return "new";
    case ord_status::partially_filled: return "partially_filled";
    case ord_status::filled: return "filled";
    case ord_status::pending_cancel: return "pending_cancel";
    case ord_status::canceled: return "canceled";
    case ord_status::pending_replace: return "pending_replace";
    case ord_status::replaced: return "replaced";
    case ord_status::rejected: return "rejected";
    case ord_status::expired: return "expired";
  }
  return "?";
}

const char* to_string(price_source x) {
  switch (x) {
    case price_source::unknown: return "unknown";
    case price_source::prev_close: return "prev_close";
    case price_source::last_trade: return "last_trade";
    case price_source::live_mid: return "live_mid";
  }
  return "?";
}

const char* to_string(exec_type x) {
  switch (x) {
    case exec_type::none: return "none";
    case exec_type::pending_new: return "pending_new";
    case exec_type::new_order: return "new";
    case exec_type::trade: return "trade";
    case exec_type::pending_cancel: return "pending_cancel";
    case exec_type::canceled: return "canceled";
    case exec_type::cancel_rejected: return "cancel_rejected";
    case exec_type::pending_replace: return "pending_replace";
    case exec_type::replaced: return "replaced";
    case exec_type::replace_rejected: return "replace_rejected";
    case exec_type::rejected: return "rejected";
    case exec_type::expired: return "expired";
  }
  return "?";
}

caf::expected<side> parse_side(std::string_view t) {
  static constexpr std::array<std::pair<const char*, side>, 2> names{
    {{"buy", side::buy}, {"sell", side::sell}}};
  return parse_enum(t, "side", names);
}

caf::expected<ord_type> parse_ord_type(std::string_view t) {
  static constexpr std::array<std::pair<const char*, ord_type>, 2> names{
    {{"market", ord_type::market}, {"limit", ord_type::limit}}};
  return parse_enum(t, "order type", names);
}

caf::expected<time_in_force> parse_time_in_force(std::string_view t) {
  static constexpr std::array<std::pair<const char*, time_in_force>, 4> names{
    {{"day", time_in_force::day}, {"gtc", time_in_force::gtc},
     {"ioc", time_in_force::ioc}, {"fok", time_in_force::fok}}};
  return parse_enum(t, "time in force", names);
}

caf::expected<asset_class> parse_asset_class(std::string_view t) {
  static constexpr std::array<std::pair<const char*, asset_class>, 3> names{
    {{"equity", asset_class::equity}, {"future", asset_class::future},
     {"fx", asset_class::fx}}};
  return parse_enum(t, "asset class", names);
}

caf::expected<trading_status> parse_trading_status(std::string_view t) {
  static constexpr std::array<std::pair<const char*, trading_status>, 3> names{
    {{"active", trading_status::active}, {"halted", trading_status::halted},
     {"inactive", trading_status::inactive}}};
  return parse_enum(t, "trading status", names);
}

caf::expected<ord_status> parse_ord_status(std::string_view t) {
  static constexpr std::array<std::pair<const char*, ord_status>, 10> names{
    {{"pending_new", ord_status::pending_new}, {"new", ord_status::new_order},
     {"partially_filled", ord_status::partially_filled}, {"filled", ord_status::filled},
     {"pending_cancel", ord_status::pending_cancel}, {"canceled", ord_status::canceled},
     {"pending_replace", ord_status::pending_replace}, {"replaced", ord_status::replaced},
     {"rejected", ord_status::rejected}, {"expired", ord_status::expired}}};
  return parse_enum(t, "order status", names);
}

bool is_terminal(ord_status x) {
  switch (x) {
    case ord_status::filled:
    case ord_status::canceled:
    case ord_status::replaced:
    case ord_status::rejected:
    case ord_status::expired:
      return true;
    default:
      return false;
  }
}

} // namespace om
