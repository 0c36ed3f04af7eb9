#include "runtime/store/key_filter.hpp"

#include <cmath>

namespace om {

namespace {

// FNV-1a, then two independent mixes for double hashing (Kirsch-Mitzenmacher).
uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

key_filter::segment make_segment(uint64_t capacity, double fp_rate) {
  // m = -n ln p / (ln 2)^2, k = m/n ln 2.
  auto n = static_cast<double>(capacity);
  auto m = std::ceil(-n * std::log(fp_rate) / (std::log(2.0) * std::log(2.0)));
  auto words = std::max<uint64_t>(1, static_cast<uint64_t>(m) / 64 + 1);
  key_filter::segment s;
  s.capacity = capacity;
  s.hashes = static_cast<uint32_t>(
    std::max(1.0, std::round(static_cast<double>(words * 64) / n * std::log(2.0))));
  s.bits.assign(words, 0);
  return s;
}

template <class F>
void probe(const key_filter::segment& s, std::string_view key, F f) {
  auto h = fnv1a(key);
  auto a = mix(h);
  auto b = mix(h ^ 0x5bd1e9955bd1e995ull) | 1;
  auto nbits = s.bits.size() * 64;
  for (uint32_t i = 0; i < s.hashes; ++i) {
    auto bit = (a + i * b) % nbits;
    if (!f(bit / 64, uint64_t{1} << (bit % 64)))
      return;
  }
}

} // namespace

key_filter::key_filter(uint64_t first_capacity, double fp_rate)
  : first_capacity_(std::max<uint64_t>(first_capacity, 64)), fp_rate_(fp_rate) {
}

void key_filter::grow() {
  auto cap = segments_.empty() ? first_capacity_ : segments_.back().capacity * 2;
  segments_.push_back(make_segment(cap, fp_rate_));
}

void key_filter::add(std::string_view key) {
  if (segments_.empty() || segments_.back().count >= segments_.back().capacity)
    grow();
  auto& s = segments_.back();
  probe(s, key, [&s](size_t w, uint64_t m) {
    s.bits[w] |= m;
    return true;
  });
  ++s.count;
  ++count_;
}

bool key_filter::may_contain(std::string_view key) const {
  for (auto& s : segments_) {
    bool all = true;
    probe(s, key, [&](size_t w, uint64_t m) {
      all = (s.bits[w] & m) != 0;
      return all;
    });
    if (all)
      return true;
  }
  return false;
}

uint64_t key_filter::bytes() const {
  uint64_t n = 0;
  for (auto& s : segments_)
    n += s.bits.size() * sizeof(uint64_t);
  return n;
}

} // namespace om
