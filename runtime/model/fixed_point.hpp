#pragma once
// Fixed-point decimal types for money. Never double: a price, a quantity and
// an amount of money are signed 64-bit integers scaled by a power of ten.
//
//   price     8 decimals  (covers FX pips, JPY crosses, sub-penny equities)
//   quantity  4 decimals  (whole shares and contracts; fractional FX lots)
//   money     4 decimals  (notional, fees, P&L in instrument currency)
//
// Products are computed in 128 bits and rounded half away from zero.

#include "runtime/error.hpp"

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace om {

/// Parses a decimal string ("-12.345") into an integer scaled by 10^decimals.
/// Refuses exponents, more than `decimals` fractional digits and overflow.
caf::expected<int64_t> parse_scaled(std::string_view text, int decimals);

/// Formats a scaled integer as a decimal string with trailing zeros trimmed
/// (at least one fractional digit is never forced: "100", "1.25").
std::string format_scaled(int64_t raw, int decimals);

template <class Tag, int Decimals>
struct fixed {
  static constexpr int decimals = Decimals;
  static constexpr int64_t scale = [] {
    int64_t s = 1;
    for (int i = 0; i < Decimals; ++i)
      s *= 10;
    return s;
  }();

  int64_t raw = 0;

  static constexpr fixed from_raw(int64_t r) { return fixed{r}; }
  static constexpr fixed from_units(int64_t units) { return fixed{units * scale}; }
  static caf::expected<fixed> parse(std::string_view text) {
    auto r = parse_scaled(text, Decimals);
    if (!r)
      return std::move(r.error());
    return fixed{*r};
  }

  constexpr bool is_zero() const { return raw == 0; }
  constexpr bool is_positive() const { return raw > 0; }
  constexpr bool is_negative() const { return raw < 0; }
  /// True if this value is an exact multiple of `step` (step must be > 0).
  constexpr bool is_multiple_of(fixed step) const { return step.raw > 0 && raw % step.raw == 0; }

  constexpr fixed operator-() const { return fixed{-raw}; }
  constexpr fixed& operator+=(fixed o) { raw += o.raw; return *this; }
  constexpr fixed& operator-=(fixed o) { raw -= o.raw; return *this; }
  friend constexpr fixed operator+(fixed a, fixed b) { return fixed{a.raw + b.raw}; }
  friend constexpr fixed operator-(fixed a, fixed b) { return fixed{a.raw - b.raw}; }
  friend constexpr bool operator==(fixed a, fixed b) { return a.raw == b.raw; }
  friend constexpr bool operator!=(fixed a, fixed b) { return a.raw != b.raw; }
  friend constexpr bool operator<(fixed a, fixed b) { return a.raw < b.raw; }
  friend constexpr bool operator<=(fixed a, fixed b) { return a.raw <= b.raw; }
  friend constexpr bool operator>(fixed a, fixed b) { return a.raw > b.raw; }
  friend constexpr bool operator>=(fixed a, fixed b) { return a.raw >= b.raw; }

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, fixed& x) {
    return f(caf::meta::type_name(Tag::name), x.raw);
  }
};

template <class Tag, int D>
std::string to_string(fixed<Tag, D> x) {
  return format_scaled(x.raw, D);
}

struct price_tag { static constexpr const char* name = "price"; };
struct quantity_tag { static constexpr const char* name = "quantity"; };
struct money_tag { static constexpr const char* name = "money"; };
struct bps_tag { static constexpr const char* name = "basis_points"; };

using price = fixed<price_tag, 8>;
using quantity = fixed<quantity_tag, 4>;
using money = fixed<money_tag, 4>;
/// Basis points with 2 decimals (fees, collars, slippage thresholds).
using basis_points = fixed<bps_tag, 2>;

using int128 = __int128;

/// Divides rounding half away from zero. `den` must be non-zero.
int128 div_round(int128 num, int128 den);

/// An exact price*quantity value (raw units, see exact_value) as money,
/// rounded half away from zero.
money money_of_exact(int128 value);

/// price * quantity as money, rounded half away from zero.
money notional(price px, quantity qty);

/// Exact price*quantity product in raw units (scale 10^(8+4)); sums of these
/// give average prices without rounding drift.
inline int128 exact_value(price px, quantity qty) {
  return static_cast<int128>(px.raw) * qty.raw;
}

/// Average price from an exact value sum and a total quantity (rounded half
/// away from zero to the price's 8 decimals). Zero quantity gives zero.
price average_price(int128 value_sum, quantity total);

/// Signed difference (b - a) / a in basis points, times 100 (centi-bps), for
/// slippage reporting without floating point. `a` must be non-zero.
int64_t diff_centi_bps(price a, price b);

} // namespace om
