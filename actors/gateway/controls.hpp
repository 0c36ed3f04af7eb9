#pragma once
// Trading controls: which strategies may not send new orders (the kill
// switch), owned by the gateway that admits the orders. Pure: no I/O. The
// gateway persists every change through the store actor (the record below
// is both the audit entry and the stored state of its scope) and restores
// the controls before it admits its first order.
//
// Scopes: one strategy, or every strategy (the empty strategy id, stored as
// "*"). A halt of every strategy and the halts of single strategies are
// independent: resuming "every strategy" lifts only the halt of every
// strategy; a strategy halted by name stays halted until resumed by name
// (fail closed: no command lifts more than it names).

#include "actors/contract/strategy_api.hpp"
#include "runtime/model/records.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace om {

class trading_controls {
public:
  /// The audit record of a halt or resume command (what gets stored).
  static audit_record record_of(const kill_switch& k, int64_t now_ns);

  /// True if `rec` (a stored control) is a halt.
  static bool is_halt(const audit_record& rec);

  /// Replaces the state by the stored controls (latest record per scope).
  void restore(const std::vector<audit_record>& stored);

  /// Applies one control record (a halt or a resume of its scope).
  void apply(const audit_record& rec);

  /// The halt that blocks new orders of `s`, if any (the halt of every
  /// strategy first).
  const audit_record* blocking(const strategy_id& s) const;

  /// Halts in force, the halt of every strategy first.
  std::vector<audit_record> halts() const;

private:
  std::optional<audit_record> all_;
  std::map<std::string, audit_record> strategies_;
};

} // namespace om
