#pragma once
// Versioned reference data: resolves a symbol or alias to exactly one
// instrument, or a typed error (unknown, ambiguous, inactive).
//
// A refdata_set is immutable once built and safe to share across threads.
// refdata_service holds the current set; reload() builds a new set off to the
// side and swaps it in atomically, so a reader sees the old set or the new
// one, never a mix. Each order records the version it was resolved against.

#include "runtime/model/instrument.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace om {

class refdata_set {
public:
  /// Validates and indexes `instruments`. Errors (errc::refdata_invalid):
  /// duplicate id, missing field, non-positive tick/lot, bad currency/country.
  static caf::expected<std::shared_ptr<const refdata_set>>
  build(std::string version, std::vector<instrument> instruments);

  const std::string& version() const noexcept { return version_; }
  const std::vector<instrument>& instruments() const noexcept { return instruments_; }
  size_t size() const noexcept { return instruments_.size(); }

  /// Resolution is case-insensitive and ignores surrounding blanks. It tries
  /// the instrument id, the primary symbol and every alias. When several
  /// instruments match and exactly one is not inactive (a ticker reused after
  /// a delisting), that one wins.
  /// Errors: errc::unknown_symbol, errc::ambiguous_symbol (candidates named),
  /// errc::inactive_instrument.
  caf::expected<const instrument*> resolve(std::string_view symbol) const;

  /// Exact lookup by id; nullptr if absent.
  const instrument* find(const instrument_id& id) const;

private:
  refdata_set() = default;
  std::string version_;
  std::vector<instrument> instruments_;
  std::unordered_map<std::string, size_t> by_id_;
  std::unordered_map<std::string, std::vector<size_t>> by_name_; // symbol + aliases
};

/// Normalised lookup key: trimmed, upper case.
std::string normalize_symbol(std::string_view s);

/// Loads a refdata TOML file (see docs/configuration.md, "Reference data").
/// Errors name the file, the instrument index and key, and the reason.
caf::expected<std::shared_ptr<const refdata_set>> load_refdata_file(const std::string& path);

/// Holder of the current refdata set. Thread-safe.
class refdata_service {
public:
  refdata_service() = default;
  explicit refdata_service(std::shared_ptr<const refdata_set> initial);

  /// The set in force; callers keep the shared_ptr for as long as they use it.
  std::shared_ptr<const refdata_set> current() const;

  /// Replaces the set in force.
  void swap_in(std::shared_ptr<const refdata_set> next);

  /// Loads `path` and swaps it in; on error the current set stays in force.
  caf::error reload(const std::string& path);

private:
  std::shared_ptr<const refdata_set> current_;
};

} // namespace om
