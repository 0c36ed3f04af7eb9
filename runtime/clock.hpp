#pragma once
// Nanosecond clocks. wall_ns() is for timestamps that are stored or shown
// (stage times, fills, audit); mono_ns() for measuring durations.

#include <chrono>
#include <cstdint>

namespace om {

/// Nanoseconds since the Unix epoch (system clock).
inline int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

/// Nanoseconds of a monotonic clock (steady clock), for durations.
inline int64_t mono_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

} // namespace om
