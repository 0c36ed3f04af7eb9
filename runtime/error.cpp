#include "runtime/error.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/message.hpp>
#include <caf/exit_reason.hpp>
#include <caf/sec.hpp>

namespace om {

const char* to_string(errc x) {
  switch (x) {
    case errc::ok: return "ok";
    case errc::invalid_argument: return "invalid_argument";
    case errc::parse_error: return "parse_error";
    case errc::illegal_transition: return "illegal_transition";
    case errc::overfill: return "overfill";
    case errc::tick_size_violation: return "tick_size_violation";
    case errc::lot_size_violation: return "lot_size_violation";
    case errc::unknown_symbol: return "unknown_symbol";
    case errc::ambiguous_symbol: return "ambiguous_symbol";
    case errc::inactive_instrument: return "inactive_instrument";
    case errc::refdata_invalid: return "refdata_invalid";
    case errc::config_invalid: return "config_invalid";
    case errc::store_open_failed: return "store_open_failed";
    case errc::store_write_failed: return "store_write_failed";
    case errc::store_read_failed: return "store_read_failed";
    case errc::stale_write: return "stale_write";
    case errc::corrupt_record: return "corrupt_record";
    case errc::not_found: return "not_found";
    case errc::already_exists: return "already_exists";
    case errc::already_owned: return "already_owned";
    case errc::child_start_failed: return "child_start_failed";
    case errc::restart_intensity_exceeded: return "restart_intensity_exceeded";
    case errc::unknown_child: return "unknown_child";
    case errc::supervisor_shutting_down: return "supervisor_shutting_down";
    case errc::actor_exception: return "actor_exception";
    case errc::not_supported: return "not_supported";
    case errc::node_unreachable: return "node_unreachable";
    case errc::duplicate_node: return "duplicate_node";
    case errc::data_dir_locked: return "data_dir_locked";
    case errc::not_a_data_dir: return "not_a_data_dir";
    case errc::store_corrupt: return "store_corrupt";
    case errc::no_store: return "no_store";
  }
  return "unknown_errc";
}

caf::error make_error(errc code, std::string detail) {
  return caf::error{static_cast<uint8_t>(code), error_category,
                    caf::make_message(std::move(detail))};
}

errc code_of(const caf::error& err) {
  if (!err)
    return errc::ok;
  if (err.category() != error_category)
    return errc::invalid_argument;
  return static_cast<errc>(err.code());
}

std::string detail_of(const caf::error& err) {
  if (err && err.context().match_elements<std::string>())
    return err.context().get_as<std::string>(0);
  return {};
}

std::string describe(const caf::error& err) {
  if (!err)
    return "ok";
  if (err.category() == error_category) {
    std::string out = to_string(static_cast<errc>(err.code()));
    auto detail = detail_of(err);
    if (!detail.empty()) {
      out += ": ";
      out += detail;
    }
    return out;
  }
  if (err.category() == caf::atom("exit"))
    return std::string{"exit: "} + caf::to_string(static_cast<caf::exit_reason>(err.code()));
  if (err.category() == caf::atom("system"))
    return std::string{"system: "} + caf::to_string(static_cast<caf::sec>(err.code()));
  return caf::to_string(err);
}

void add_error_category(caf::actor_system_config& cfg) {
  cfg.add_error_category(error_category,
                         [](uint8_t code, caf::atom_value, const caf::message& ctx) {
                           std::string out = to_string(static_cast<errc>(code));
                           if (ctx.match_elements<std::string>()) {
                             out += ": ";
                             out += ctx.get_as<std::string>(0);
                           }
                           return out;
                         });
}

} // namespace om
