#include "actors/gateway/intake.hpp"

namespace om {

intake_index::answer intake_index::classify(const std::string& key, uint64_t digest) const {
  if (auto i = live_.find(key); i != live_.end()) {
    if (!i->second.digest_known)
      return {verdict::look_up, &i->second};
    return {i->second.digest == digest ? verdict::duplicate : verdict::different_terms,
            &i->second};
  }
  if (history_.may_contain(key))
    return {verdict::look_up, nullptr};
  return {verdict::fresh, nullptr};
}

void intake_index::admit(const std::string& key, order_id id, uint64_t digest) {
  live_[key] = live_entry{id, digest, false};
}

void intake_index::mark_started(const std::string& key) {
  if (auto i = live_.find(key); i != live_.end())
    i->second.started = true;
}

void intake_index::mark_unknown_digest(const std::string& key) {
  if (auto i = live_.find(key); i != live_.end())
    i->second.digest_known = false;
}

void intake_index::end(const std::string& key) {
  if (live_.erase(key) > 0)
    history_.add(key);
}

void intake_index::drop(const std::string& key) {
  live_.erase(key);
}

const intake_index::live_entry* intake_index::find(const std::string& key) const {
  auto i = live_.find(key);
  return i == live_.end() ? nullptr : &i->second;
}

} // namespace om
