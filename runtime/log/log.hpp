#pragma once
// Structured logging on spdlog: one async logger per context ("gateway",
// "risk", "supervisor", ...), all sharing one sink and one background thread.
// Lines read `<utc time> <level> [<context>] key=value key=value ...` with the
// ids first, e.g.
//
//   2026-11-21T10:00:00.123456Z warning [gateway] order_id=O1-7 clordid=c-9 event=rejected stage=business reason=tick_size_violation
//
// Use om::log::q(x) for values that may contain blanks: it quotes them.
// Thread-safe. Without init() loggers write to stderr at info.

#include "runtime/config/config.hpp"

#include <spdlog/spdlog.h>

#include <memory>
#include <string>
#include <string_view>

namespace om::log {

/// (Re)configures level and sink. Errors: errc::config_invalid if the log
/// file cannot be opened (names the file).
caf::error init(const log_section& cfg);

/// The logger of `context`, created on first use with the current settings.
std::shared_ptr<spdlog::logger> get(const std::string& context);

/// Changes the level of every logger.
void set_level(log_level lv);

/// Waits until the queue has been handed to the sink, then flushes the sink.
/// (A line being written at that instant may still be in flight; shutdown()
/// is the hard barrier.)
void flush();

/// Writes every queued line, drops all loggers and joins the background
/// thread. Loggers obtained before must not be used afterwards.
void shutdown();

/// A value rendered for key=value logs: as-is when it has no blank, quote or
/// '='; otherwise in double quotes with \" and \\ escaped.
struct quoted {
  std::string_view text;
};
inline quoted q(std::string_view s) { return quoted{s}; }

} // namespace om::log

template <>
struct fmt::formatter<om::log::quoted> : fmt::formatter<std::string_view> {
  template <class Ctx>
  auto format(const om::log::quoted& x, Ctx& ctx) const -> decltype(ctx.out()) {
    bool plain = !x.text.empty();
    for (char c : x.text)
      plain = plain && c != ' ' && c != '"' && c != '=' && c != '\t' && c != '\n';
    auto out = ctx.out();
    if (plain)
      return std::copy(x.text.begin(), x.text.end(), out);
    *out++ = '"';
    for (char c : x.text) {
      if (c == '"' || c == '\\')
        *out++ = '\\';
      *out++ = (c == '\n' ? ' ' : c);
    }
    *out++ = '"';
    return out;
  }
};
