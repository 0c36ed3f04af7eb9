#pragma once
// Generic helpers for the wire tests, so every listed type is checked
// without a hand-written sample that can fall behind its struct:
//
//   populate(x)       sets every field reachable through OM_FIELDS to a
//                     non-default value (numbers, enums, strings, ids,
//                     fixed-point, nested records, one element in each
//                     container and optional); caf::actor fields get
//                     sample_actor(), typed handles stay null.
//   layout_matches<T> lays the OM_FIELDS out as the compiler would (each at
//                     its alignment, in order) and compares with sizeof(T):
//                     a member left out of OM_FIELDS (and so out of the wire
//                     format and operator==) makes T larger than its fields.
//                     A member small enough to hide in padding can slip by;
//                     anything of 8 bytes or more cannot.

#include <caf/actor.hpp>

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace om::test {

template <class T>
struct type_tag {
  using type_t = T;
};

template <class T, class = void>
struct has_fields : std::false_type {};
template <class T>
struct has_fields<T, std::void_t<decltype(std::declval<T&>().om_fields())>> : std::true_type {};

template <class T, class = void>
struct has_raw : std::false_type {};
template <class T>
struct has_raw<T, std::void_t<decltype(std::declval<T&>().raw)>>
  : std::is_integral<decltype(std::declval<T&>().raw)> {};

template <class T, class = void>
struct has_value : std::false_type {};
template <class T>
struct has_value<T, std::void_t<decltype(std::declval<T&>().value)>> : std::true_type {};

template <class T>
void populate(T& x);

template <class T>
void populate(std::vector<T>& v) {
  v.resize(1);
  populate(v[0]);
}

template <class T, size_t N>
void populate(std::array<T, N>& a) {
  for (auto& x : a)
    populate(x);
}

template <class K, class V, class C, class A>
void populate(std::map<K, V, C, A>& m) {
  K k{};
  populate(k);
  V v{};
  populate(v);
  m.clear();
  m.emplace(std::move(k), std::move(v));
}

template <class T>
void populate(std::optional<T>& o) {
  o.emplace();
  populate(*o);
}

/// The handle populate() puts in caf::actor fields (set by the test: an
/// actor of its system, so the handle crosses the wire as a real one).
inline caf::actor& sample_actor() {
  static caf::actor a;
  return a;
}

inline void populate(caf::actor& a) { a = sample_actor(); }
inline void populate(std::string& s) { s = "populated"; }
inline void populate(bool& b) { b = true; }

template <class T>
void populate(T& x) {
  if constexpr (has_fields<T>::value) {
    std::apply([](auto&... fs) { (populate(fs), ...); }, x.om_fields());
  } else if constexpr (std::is_enum_v<T>) {
    x = static_cast<T>(1);
  } else if constexpr (std::is_floating_point_v<T>) {
    x = 1.5;
  } else if constexpr (std::is_integral_v<T>) {
    x = static_cast<T>(7);
  } else if constexpr (has_raw<T>::value) {
    x.raw = 7;
  } else if constexpr (has_value<T>::value) {
    populate(x.value);
  }
  // anything else (actor handles, messages) keeps its default
}

/// Whether populate() changed anything of `x` (compared with a default T).
template <class T>
bool populated_differs(const T& x) {
  return !(x == T{});
}

namespace detail {

template <class... Fs>
constexpr size_t laid_out(const std::tuple<Fs&...>*) {
  size_t off = 0;
  ((off = (off + alignof(std::decay_t<Fs>) - 1) / alignof(std::decay_t<Fs>) * alignof(std::decay_t<Fs>)
          + sizeof(std::decay_t<Fs>)),
   ...);
  return off;
}

} // namespace detail

template <class T>
constexpr size_t fields_size() {
  using tuple_t = decltype(std::declval<T&>().om_fields());
  auto n = detail::laid_out(static_cast<const tuple_t*>(nullptr));
  return (n + alignof(T) - 1) / alignof(T) * alignof(T);
}

template <class T>
constexpr bool layout_matches() {
  if constexpr (has_fields<T>::value && !std::is_empty_v<T>)
    return fields_size<T>() == sizeof(T);
  else
    return true;
}

} // namespace om::test
