// Message helpers and FIX timestamps: plain code, no QuickFIX.
#include "runtime/fix/fix_engine.hpp"

#include <cstdio>
#include <ctime>

namespace om {
namespace fix {

const std::string* message::find(int tag) const {
  for (auto& f : body)
    if (f.tag == tag)
      return &f.value;
  return nullptr;
}

void message::add(int tag, std::string value) {
  body.push_back(field{tag, std::move(value)});
}


std::string utc_timestamp(int64_t ns) {
  time_t secs = static_cast<time_t>(ns / 1000000000);
  int ms = static_cast<int>((ns / 1000000) % 1000);
  struct tm t;
  gmtime_r(&secs, &t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d-%02d:%02d:%02d.%03d", t.tm_year + 1900,
                t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, ms);
  return buf;
}

bool parse_utc_timestamp(const std::string& s, int64_t* ns) {
  // YYYYMMDD-HH:MM:SS[.fff[fff[fff]]]
  if (s.size() < 17 || s[8] != '-' || s[11] != ':' || s[14] != ':')
    return false;
  auto digits = [&](size_t pos, size_t n, int* out) {
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9')
        return false;
      v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
  };
  int y, mo, d, h, mi, se;
  if (!digits(0, 4, &y) || !digits(4, 2, &mo) || !digits(6, 2, &d) || !digits(9, 2, &h)
      || !digits(12, 2, &mi) || !digits(15, 2, &se))
    return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
    return false;
  int64_t frac = 0;
  if (s.size() > 17) {
    if (s[17] != '.' || s.size() == 18 || s.size() > 27)
      return false;
    int64_t scale = 100000000;
    for (size_t i = 18; i < s.size(); ++i, scale /= 10) {
      if (s[i] < '0' || s[i] > '9')
        return false;
      frac += (s[i] - '0') * scale;
    }
  }
  struct tm t = {};
  t.tm_year = y - 1900;
  t.tm_mon = mo - 1;
  t.tm_mday = d;
  t.tm_hour = h;
  t.tm_min = mi;
  t.tm_sec = se;
  *ns = static_cast<int64_t>(timegm(&t)) * 1000000000 + frac;
  return true;
}

} // namespace fix
} // namespace om
