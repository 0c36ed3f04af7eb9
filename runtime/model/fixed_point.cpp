#include "runtime/model/fixed_point.hpp"

#include <limits>

namespace om {

caf::expected<int64_t> parse_scaled(std::string_view text, int decimals) {
  auto fail = [&](const char* why) {
    return make_error(errc::parse_error,
                      std::string{"'"} + std::string{text} + "': " + why);
  };
  if (text.empty())
    return fail("empty number");
  size_t i = 0;
  bool neg = false;
  if (text[0] == '-' || text[0] == '+') {
    neg = text[0] == '-';
    ++i;
  }
  if (i == text.size())
    return fail("sign without digits");
  int128 acc = 0;
  int frac_digits = -1; // -1: no decimal point seen yet
  bool any_digit = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (frac_digits >= 0)
        return fail("more than one decimal point");
      frac_digits = 0;
      continue;
    }
    if (c < '0' || c > '9')
      return fail("not a decimal number");
    any_digit = true;
    if (frac_digits >= 0 && ++frac_digits > decimals)
      return fail(decimals == 0 ? "fractional part not allowed"
                                : "too many decimal places");
    acc = acc * 10 + (c - '0');
    if (acc > static_cast<int128>(std::numeric_limits<int64_t>::max()))
      return fail("out of range");
  }
  if (!any_digit)
    return fail("no digits");
  for (int k = frac_digits < 0 ? 0 : frac_digits; k < decimals; ++k) {
    acc *= 10;
    if (acc > static_cast<int128>(std::numeric_limits<int64_t>::max()))
      return fail("out of range");
  }
  return static_cast<int64_t>(neg ? -acc : acc);
}

std::string format_scaled(int64_t raw, int decimals) {
  int128 v = raw;
  bool neg = v < 0;
  if (neg)
    v = -v;
  int128 scale = 1;
  for (int i = 0; i < decimals; ++i)
    scale *= 10;
  auto whole = static_cast<uint64_t>(v / scale);
  auto frac = static_cast<uint64_t>(v % scale);
  std::string out = neg ? "-" : "";
  out += std::to_string(whole);
  if (frac != 0) {
    std::string f = std::to_string(frac);
    f.insert(0, static_cast<size_t>(decimals) - f.size(), '0');
    while (!f.empty() && f.back() == '0')
      f.pop_back();
    out += '.';
    out += f;
  }
  return out;
}

int128 div_round(int128 num, int128 den) {
  int128 q = num / den;
  int128 r = num % den;
  int128 twice = (r < 0 ? -r : r) * 2;
  int128 absden = den < 0 ? -den : den;
  if (twice >= absden)
    q += ((num < 0) != (den < 0)) ? -1 : 1;
  return q;
}

money money_of_exact(int128 value) {
  // scale(px*qty) = 10^12, money scale 10^4.
  constexpr int128 down = static_cast<int128>(price::scale) * quantity::scale / money::scale;
  return money::from_raw(static_cast<int64_t>(div_round(value, down)));
}

money notional(price px, quantity qty) {
  return money_of_exact(exact_value(px, qty));
}

price average_price(int128 value_sum, quantity total) {
  if (total.raw == 0)
    return price{};
  return price::from_raw(static_cast<int64_t>(div_round(value_sum, total.raw)));
}

int64_t diff_centi_bps(price a, price b) {
  // (b - a) / a * 10000 bps * 100 centi.
  return static_cast<int64_t>(div_round(static_cast<int128>(b.raw - a.raw) * 1000000, a.raw));
}

} // namespace om
