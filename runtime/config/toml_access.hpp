#pragma once
// Internal: typed access to a parsed TOML document with errors that name the
// file, the full key path and the reason. Included only by the loaders
// (toml11 is heavy to compile); not part of the public runtime API.

#include "runtime/error.hpp"
#include "runtime/model/fixed_point.hpp"

#include <toml.hpp>

#include <initializer_list>
#include <optional>
#include <string>

/// Declares `var` from an expression returning caf::expected<T>; returns the
/// error from the enclosing function on failure.
#define OM_TRY(var, expr)                                                      \
  auto var = (expr);                                                           \
  if (!var)                                                                    \
    return std::move(var.error());

namespace om::detail {

class toml_reader {
public:
  toml_reader(std::string file, errc code) : file_(std::move(file)), code_(code) {}

  const std::string& file() const { return file_; }

  /// Parses the file; syntax and I/O errors are converted to typed errors.
  caf::expected<toml::value> parse() const {
    try {
      return toml::parse(file_);
    } catch (const toml::syntax_error& e) {
      return make_error(code_, file_ + ": syntax error: " + flatten(e.what()));
    } catch (const std::exception& e) {
      return make_error(code_, file_ + ": " + flatten(e.what()));
    }
  }

  caf::error fail(const std::string& key, const std::string& why) const {
    return make_error(code_, file_ + ": " + key + ": " + why);
  }

  static std::string join(const std::string& prefix, const std::string& key) {
    return prefix.empty() ? key : prefix + "." + key;
  }

  /// Refuses keys outside `allowed` (catches typos in operator-written files).
  caf::error check_keys(const toml::value& tbl, const std::string& prefix,
                        std::initializer_list<const char*> allowed) const {
    if (!tbl.is_table())
      return fail(prefix.empty() ? "(root)" : prefix, "must be a table");
    for (auto& [k, v] : tbl.as_table()) {
      bool ok = false;
      for (auto a : allowed)
        ok = ok || k == a;
      if (!ok)
        return fail(join(prefix, k), "unknown key");
    }
    return caf::none;
  }

  static const toml::value* find(const toml::value& tbl, const std::string& key) {
    if (!tbl.is_table())
      return nullptr;
    auto& t = tbl.as_table();
    auto i = t.find(key);
    return i == t.end() ? nullptr : &i->second;
  }

  caf::expected<std::string> str(const toml::value& tbl, const std::string& prefix,
                                 const std::string& key,
                                 std::optional<std::string> def = std::nullopt,
                                 bool allow_empty = false) const {
    auto v = find(tbl, key);
    if (!v) {
      if (def)
        return *def;
      return fail(join(prefix, key), "missing (required)");
    }
    if (!v->is_string())
      return fail(join(prefix, key), "must be a string");
    auto s = v->as_string().str;
    if (s.empty() && !allow_empty)
      return fail(join(prefix, key), "must not be empty");
    return s;
  }

  caf::expected<int64_t> integer(const toml::value& tbl, const std::string& prefix,
                                 const std::string& key, std::optional<int64_t> def,
                                 int64_t min, int64_t max) const {
    auto v = find(tbl, key);
    if (!v) {
      if (def)
        return *def;
      return fail(join(prefix, key), "missing (required)");
    }
    if (!v->is_integer())
      return fail(join(prefix, key), "must be an integer");
    auto x = v->as_integer();
    if (x < min || x > max)
      return fail(join(prefix, key), "must be between " + std::to_string(min) + " and "
                                       + std::to_string(max) + ", got " + std::to_string(x));
    return x;
  }

  caf::expected<bool> boolean(const toml::value& tbl, const std::string& prefix,
                              const std::string& key, bool def) const {
    auto v = find(tbl, key);
    if (!v)
      return def;
    if (!v->is_boolean())
      return fail(join(prefix, key), "must be true or false");
    return v->as_boolean();
  }

  caf::expected<double> ratio(const toml::value& tbl, const std::string& prefix,
                              const std::string& key, double def, double min,
                              double max) const {
    // Used only for probabilities and multipliers, never for money.
    auto v = find(tbl, key);
    if (!v)
      return def;
    double x;
    if (v->is_floating())
      x = v->as_floating();
    else if (v->is_integer())
      x = static_cast<double>(v->as_integer());
    else
      return fail(join(prefix, key), "must be a number");
    if (x < min || x > max)
      return fail(join(prefix, key), "must be between " + std::to_string(min) + " and "
                                       + std::to_string(max));
    return x;
  }

  /// A decimal value for money/quantities: a string ("0.01") or an integer.
  /// Floats are refused: they cannot hold most decimals exactly.
  template <class Fixed>
  caf::expected<Fixed> decimal(const toml::value& tbl, const std::string& prefix,
                               const std::string& key, std::optional<Fixed> def,
                               bool positive) const {
    auto v = find(tbl, key);
    if (!v) {
      if (def)
        return *def;
      return fail(join(prefix, key), "missing (required)");
    }
    caf::expected<Fixed> r{Fixed{}};
    if (v->is_string()) {
      r = Fixed::parse(v->as_string().str);
    } else if (v->is_integer()) {
      r = Fixed::parse(std::to_string(v->as_integer()));
    } else if (v->is_floating()) {
      return fail(join(prefix, key),
                  "write decimals as a string (e.g. \"0.01\"): floats are not exact");
    } else {
      return fail(join(prefix, key), "must be a decimal string or an integer");
    }
    if (!r)
      return fail(join(prefix, key), detail_of(r.error()));
    if (positive && !r->is_positive())
      return fail(join(prefix, key), "must be positive, got " + to_string(*r));
    if (!positive && r->is_negative())
      return fail(join(prefix, key), "must not be negative, got " + to_string(*r));
    return *r;
  }

  caf::expected<std::vector<std::string>> str_list(const toml::value& tbl,
                                                   const std::string& prefix,
                                                   const std::string& key) const {
    std::vector<std::string> out;
    auto v = find(tbl, key);
    if (!v)
      return out;
    if (!v->is_array())
      return fail(join(prefix, key), "must be an array of strings");
    size_t i = 0;
    for (auto& e : v->as_array()) {
      if (!e.is_string() || e.as_string().str.empty())
        return fail(join(prefix, key) + "[" + std::to_string(i) + "]",
                    "must be a non-empty string");
      out.push_back(e.as_string().str);
      ++i;
    }
    return out;
  }

  /// Array of tables at `key` (e.g. [[instrument]]); missing gives empty.
  caf::expected<std::vector<const toml::value*>>
  table_list(const toml::value& tbl, const std::string& prefix, const std::string& key) const {
    std::vector<const toml::value*> out;
    auto v = find(tbl, key);
    if (!v)
      return out;
    if (!v->is_array())
      return fail(join(prefix, key), "must be an array of tables ([[" + key + "]])");
    for (auto& e : v->as_array()) {
      if (!e.is_table())
        return fail(join(prefix, key), "must be an array of tables ([[" + key + "]])");
      out.push_back(&e);
    }
    return out;
  }

private:
  static std::string flatten(const std::string& s) {
    // toml11 messages span several lines with a source excerpt; keep them
    // but flatten for one-line logs.
    std::string out;
    for (char c : s)
      out += (c == '\n') ? ' ' : c;
    return out;
  }

  std::string file_;
  errc code_;
};

} // namespace om::detail
