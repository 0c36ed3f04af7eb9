#include "actors/gateway/controls.hpp"

namespace om {

namespace {

constexpr const char* halt_word = "halt";
constexpr const char* resume_word = "resume";

} // namespace

audit_record trading_controls::record_of(const kill_switch& k, int64_t now_ns) {
  audit_record a;
  a.kind = audit_kind::kill_switch;
  a.at_ns = now_ns;
  a.actor = k.operator_name.empty() ? "operator" : k.operator_name;
  a.strategy = k.strategy;
  // "<halt|resume> <scope>[: <reason>]": the first word is the control.
  a.detail = std::string{k.halt ? halt_word : resume_word} + " "
             + (k.strategy.empty() ? "all strategies" : k.strategy.value);
  if (!k.reason.empty())
    a.detail += ": " + k.reason;
  return a;
}

bool trading_controls::is_halt(const audit_record& rec) {
  return rec.kind == audit_kind::kill_switch && rec.detail.rfind(std::string{halt_word} + " ", 0) == 0;
}

void trading_controls::restore(const std::vector<audit_record>& stored) {
  all_.reset();
  strategies_.clear();
  for (auto& r : stored)
    apply(r);
}

void trading_controls::apply(const audit_record& rec) {
  bool halt = is_halt(rec);
  if (rec.strategy.empty()) {
    if (halt)
      all_ = rec;
    else
      all_.reset();
    return;
  }
  if (halt)
    strategies_[rec.strategy.value] = rec;
  else
    strategies_.erase(rec.strategy.value);
}

const audit_record* trading_controls::blocking(const strategy_id& s) const {
  if (all_)
    return &*all_;
  auto i = strategies_.find(s.value);
  return i == strategies_.end() ? nullptr : &i->second;
}

std::vector<audit_record> trading_controls::halts() const {
  std::vector<audit_record> out;
  if (all_)
    out.push_back(*all_);
  for (auto& [_, r] : strategies_)
    out.push_back(r);
  return out;
}

} // namespace om
