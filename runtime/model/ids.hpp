#pragma once
// Strong id types. Distinct types so a venue id can never be passed where an
// instrument id is expected. All are cheap to copy and have `inspect` so they
// cross nodes.

#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

namespace om {

/// A string-valued id; `Tag` makes each use a distinct type.
template <class Tag>
struct string_id {
  std::string value;

  string_id() = default;
  explicit string_id(std::string v) : value(std::move(v)) {}

  bool empty() const noexcept { return value.empty(); }
  const std::string& str() const noexcept { return value; }

  friend bool operator==(const string_id& a, const string_id& b) { return a.value == b.value; }
  friend bool operator!=(const string_id& a, const string_id& b) { return a.value != b.value; }
  friend bool operator<(const string_id& a, const string_id& b) { return a.value < b.value; }

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, string_id& x) {
    return f(caf::meta::type_name(Tag::name), x.value);
  }
};

template <class Tag>
std::string to_string(const string_id<Tag>& x) {
  return x.value;
}

struct instrument_id_tag { static constexpr const char* name = "instrument_id"; };
struct client_order_id_tag { static constexpr const char* name = "client_order_id"; };
struct strategy_id_tag { static constexpr const char* name = "strategy_id"; };
struct venue_id_tag { static constexpr const char* name = "venue_id"; };
struct node_id_tag { static constexpr const char* name = "node_id"; };

/// Reference-data key of a tradable instrument, e.g. "AAPL.XNAS".
using instrument_id = string_id<instrument_id_tag>;
/// Order id chosen by the strategy; unique per strategy.
using client_order_id = string_id<client_order_id_tag>;
using strategy_id = string_id<strategy_id_tag>;
using venue_id = string_id<venue_id_tag>;
using node_id = string_id<node_id_tag>;

/// Order id assigned by the gateway that accepted the order. The top 16 bits
/// hold the node number, the low 48 bits a per-node sequence, so ids from
/// different nodes never collide.
struct order_id {
  uint64_t value = 0;

  static order_id make(uint16_t node, uint64_t seq) {
    return order_id{(uint64_t{node} << 48) | (seq & ((uint64_t{1} << 48) - 1))};
  }
  /// A gateway's ids: the sequence is the node incarnation (low 20 bits)
  /// over a counter (28 bits), so a new incarnation never reuses an id.
  static constexpr int counter_bits = 28;
  static constexpr uint64_t incarnation_mask = 0xFFFFF;
  static order_id mint(uint16_t node, uint64_t incarnation, uint64_t counter) {
    return make(node, ((incarnation & incarnation_mask) << counter_bits)
                        | (counter & ((uint64_t{1} << counter_bits) - 1)));
  }
  /// The incarnation (low 20 bits) that minted this id.
  uint64_t incarnation() const noexcept { return (sequence() >> counter_bits) & incarnation_mask; }
  uint16_t node() const noexcept { return static_cast<uint16_t>(value >> 48); }
  uint64_t sequence() const noexcept { return value & ((uint64_t{1} << 48) - 1); }

  friend bool operator==(order_id a, order_id b) { return a.value == b.value; }
  friend bool operator!=(order_id a, order_id b) { return a.value != b.value; }
  friend bool operator<(order_id a, order_id b) { return a.value < b.value; }

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, order_id& x) {
    return f(caf::meta::type_name("order_id"), x.value);
  }
};

/// "O<node>-<sequence>", e.g. "O1-42".
std::string to_string(order_id x);

/// Parses what to_string(order_id) prints, strictly: 'O', a node number in
/// 1..65535, '-', a sequence below 2^48; decimal digits only (no sign, no
/// spaces, no leading zeros). Returns false with `why` set otherwise.
bool parse_order_id(std::string_view text, order_id& out, std::string& why);

} // namespace om

namespace std {
template <class Tag>
struct hash<om::string_id<Tag>> {
  size_t operator()(const om::string_id<Tag>& x) const noexcept {
    return std::hash<std::string>{}(x.value);
  }
};
template <>
struct hash<om::order_id> {
  size_t operator()(om::order_id x) const noexcept { return std::hash<uint64_t>{}(x.value); }
};
} // namespace std
