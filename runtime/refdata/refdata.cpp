#include "runtime/refdata/refdata.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <set>

namespace om {

std::string normalize_symbol(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
    ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
    --e;
  std::string out(s.substr(b, e - b));
  for (auto& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

namespace {

bool is_upper_code(const std::string& s, size_t len) {
  return s.size() == len
         && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

} // namespace

caf::expected<std::shared_ptr<const refdata_set>>
refdata_set::build(std::string version, std::vector<instrument> instruments) {
  auto fail = [](const std::string& where, const std::string& why) {
    return make_error(errc::refdata_invalid, where + ": " + why);
  };
  if (version.empty())
    return fail("version", "must not be empty");
  std::shared_ptr<refdata_set> set{new refdata_set};
  set->version_ = std::move(version);
  set->instruments_ = std::move(instruments);
  for (size_t i = 0; i < set->instruments_.size(); ++i) {
    auto& in = set->instruments_[i];
    auto where = "instrument " + (in.id.empty() ? "#" + std::to_string(i) : in.id.value);
    if (in.id.empty())
      return fail(where, "id must not be empty");
    if (in.symbol.empty())
      return fail(where, "symbol must not be empty");
    if (in.exchange.empty())
      return fail(where, "exchange must not be empty");
    if (!is_upper_code(in.currency, 3))
      return fail(where, "currency must be a 3-letter ISO code, got '" + in.currency + "'");
    if (!is_upper_code(in.country, 2))
      return fail(where, "country must be a 2-letter ISO code, got '" + in.country + "'");
    if (!in.tick_size.is_positive())
      return fail(where, "tick_size must be positive");
    if (!in.lot_size.is_positive())
      return fail(where, "lot_size must be positive");
    if (in.adv.is_negative())
      return fail(where, "adv must not be negative");
    if (!set->by_id_.emplace(normalize_symbol(in.id.value), i).second)
      return fail(where, "duplicate instrument id");
    std::set<std::string> names;
    names.insert(normalize_symbol(in.symbol));
    for (auto& a : in.aliases)
      names.insert(normalize_symbol(a));
    for (auto& n : names)
      set->by_name_[n].push_back(i);
  }
  return std::shared_ptr<const refdata_set>{std::move(set)};
}

caf::expected<const instrument*> refdata_set::resolve(std::string_view symbol) const {
  auto key = normalize_symbol(symbol);
  if (key.empty())
    return make_error(errc::unknown_symbol, "symbol: empty");
  std::vector<size_t> candidates;
  if (auto i = by_id_.find(key); i != by_id_.end())
    candidates.push_back(i->second);
  else if (auto j = by_name_.find(key); j != by_name_.end())
    candidates = j->second;
  if (candidates.empty())
    return make_error(errc::unknown_symbol, "symbol '" + std::string{symbol}
                                              + "' is not in refdata version " + version_);
  std::vector<size_t> live;
  for (auto c : candidates)
    if (instruments_[c].status != trading_status::inactive)
      live.push_back(c);
  if (live.empty())
    return make_error(errc::inactive_instrument,
                      "symbol '" + std::string{symbol} + "' resolves to inactive instrument "
                        + instruments_[candidates.front()].id.value);
  if (live.size() > 1) {
    std::string names;
    for (auto c : live)
      names += (names.empty() ? "" : ", ") + instruments_[c].id.value;
    return make_error(errc::ambiguous_symbol,
                      "symbol '" + std::string{symbol} + "' matches " + names);
  }
  return &instruments_[live.front()];
}

const instrument* refdata_set::find(const instrument_id& id) const {
  auto i = by_id_.find(normalize_symbol(id.value));
  return i == by_id_.end() ? nullptr : &instruments_[i->second];
}

refdata_service::refdata_service(std::shared_ptr<const refdata_set> initial)
  : current_(std::move(initial)) {
}

std::shared_ptr<const refdata_set> refdata_service::current() const {
  return std::atomic_load(&current_);
}

void refdata_service::swap_in(std::shared_ptr<const refdata_set> next) {
  std::atomic_store(&current_, std::move(next));
}

caf::error refdata_service::reload(const std::string& path) {
  auto next = load_refdata_file(path);
  if (!next)
    return std::move(next.error());
  swap_in(std::move(*next));
  return caf::none;
}

} // namespace om
