#pragma once
// Resident memory of this process (VmRSS of /proc/self/status).

#include <fstream>
#include <string>

namespace om::bench {

/// VmRSS in bytes; 0 if unreadable (not Linux).
inline uint64_t rss_bytes() {
  std::ifstream in{"/proc/self/status"};
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stoull(line.substr(6)) * 1024; // "VmRSS:   123456 kB"
  return 0;
}

inline double rss_mb() {
  return static_cast<double>(rss_bytes()) / (1024.0 * 1024.0);
}

} // namespace om::bench
