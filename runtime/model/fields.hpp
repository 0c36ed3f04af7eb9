#pragma once
// OM_FIELDS names a struct's fields once and derives from that single list:
// CAF `inspect` (wire format, to_string), operator== and operator!=.
// Use inside the struct body, after the members:
//
//   struct fill_record { ...; OM_FIELDS("fill_record", fill_record, sequence, exec_id, ...) };

#include <caf/meta/type_name.hpp>

#include <tuple>

#define OM_FIELDS(name_str, Type, ...)                                                    \
  auto om_fields() { return std::tie(__VA_ARGS__); }                                      \
  auto om_fields() const { return std::tie(__VA_ARGS__); }                                \
  friend bool operator==(const Type& a, const Type& b) {                                  \
    return a.om_fields() == b.om_fields();                                                \
  }                                                                                       \
  friend bool operator!=(const Type& a, const Type& b) { return !(a == b); }              \
  template <class Inspector>                                                              \
  friend typename Inspector::result_type inspect(Inspector& f, Type& x) {                 \
    return std::apply(                                                                    \
      [&f](auto&... xs) { return f(caf::meta::type_name(name_str), xs...); },             \
      x.om_fields());                                                                     \
  }
