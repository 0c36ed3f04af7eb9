#pragma once
// A Bloom filter over byte-string keys that grows with what it holds.
//
// "Might this key be stored?" without a read: a `false` is certain, a `true`
// means "look it up" (a false positive costs one read, never a wrong
// answer). Used by the gateway's intake for client order ids it has seen:
// the common case, a new id, is answered in memory, and an order that ended
// leaves only its bits behind (about 10 bits per key at the default rate).
//
// Growth: keys go into the newest segment; when it holds its capacity a new
// segment twice as large is added (same false-positive target), so the
// overall rate stays near `fp_rate` however many keys arrive. There is no
// removal.
//
// Plain data (inspect), not thread-safe: owned by one actor.

#include "runtime/model/fields.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace om {

class key_filter {
public:
  /// `first_capacity` keys in the first segment (default 1M: ~1.2 MB).
  explicit key_filter(uint64_t first_capacity = 1'000'000, double fp_rate = 0.01);

  void add(std::string_view key);
  bool may_contain(std::string_view key) const;

  uint64_t size() const { return count_; }
  /// Bytes of filter state (for memory figures).
  uint64_t bytes() const;

  struct segment {
    uint64_t capacity = 0;
    uint64_t count = 0;
    uint32_t hashes = 0;
    std::vector<uint64_t> bits;

    OM_FIELDS("om.key_filter_segment", segment, capacity, count, hashes, bits)
  };

  OM_FIELDS("om.key_filter", key_filter, first_capacity_, fp_rate_, count_, segments_)

private:
  void grow();

  uint64_t first_capacity_;
  double fp_rate_;
  uint64_t count_ = 0;
  std::vector<segment> segments_;
};

} // namespace om
