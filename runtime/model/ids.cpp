#include "runtime/model/ids.hpp"

namespace om {

std::string to_string(order_id x) {
  return "O" + std::to_string(x.node()) + "-" + std::to_string(x.sequence());
}

namespace {

/// Decimal digits only, no leading zero, value <= max.
bool parse_number(std::string_view t, uint64_t max, uint64_t& out) {
  if (t.empty() || t.size() > 20 || (t.size() > 1 && t[0] == '0'))
    return false;
  uint64_t v = 0;
  for (char c : t) {
    if (c < '0' || c > '9')
      return false;
    auto d = static_cast<uint64_t>(c - '0');
    if (v > (max - d) / 10)
      return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

} // namespace

bool parse_order_id(std::string_view text, order_id& out, std::string& why) {
  auto fail = [&](const char* what) {
    why = "order id '" + std::string{text} + "': " + what + " (expected O<node>-<sequence>, e.g. O1-42)";
    return false;
  };
  if (text.size() < 4 || text[0] != 'O')
    return fail("must start with 'O'");
  auto dash = text.find('-', 1);
  if (dash == std::string_view::npos)
    return fail("no '-' between node and sequence");
  uint64_t node = 0, seq = 0;
  if (!parse_number(text.substr(1, dash - 1), 65535, node) || node == 0)
    return fail("node must be a number in 1..65535");
  if (!parse_number(text.substr(dash + 1), (uint64_t{1} << 48) - 1, seq))
    return fail("sequence must be a number below 2^48");
  out = order_id::make(static_cast<uint16_t>(node), seq);
  return true;
}

} // namespace om
