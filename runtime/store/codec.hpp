#pragma once
// Cap'n Proto encoding of the durable records (schemas/*.capnp). Every stored
// value is an Envelope: the writer's fence plus one record. This header does
// not include Cap'n Proto headers.
//
// Decoding never throws: bytes that fail to parse, or hold a different record
// kind than asked for, give errc::corrupt_record naming `where` (the key).

#include "runtime/model/records.hpp"

#include <string>
#include <string_view>

namespace om {

/// The writer's identity on a stored record: a stale incarnation (an old
/// instance of the owning actor) or an older sequence cannot overwrite a
/// newer record.
struct fence {
  uint64_t incarnation = 0;
  uint64_t sequence = 0;

  friend bool operator<(const fence& a, const fence& b) {
    return a.incarnation < b.incarnation
           || (a.incarnation == b.incarnation && a.sequence < b.sequence);
  }
  friend bool operator<=(const fence& a, const fence& b) { return !(b < a); }
  friend bool operator==(const fence& a, const fence& b) {
    return a.incarnation == b.incarnation && a.sequence == b.sequence;
  }
  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, fence& x) {
    return f(caf::meta::type_name("fence"), x.incarnation, x.sequence);
  }
};

std::string to_string(const fence& f); // "inc/seq"

struct envelope_info {
  om::fence fence;
  int64_t written_ns = 0;
};

std::string encode_record(const envelope_info& env, const order_snapshot& x);
std::string encode_record(const envelope_info& env, const position_snapshot& x);
std::string encode_record(const envelope_info& env, const idempotency_record& x);
std::string encode_record(const envelope_info& env, const audit_record& x);
std::string encode_record(const envelope_info& env, const fill_record& x);
std::string encode_record(const envelope_info& env, const venue_stats_bucket& x);
std::string encode_record(const envelope_info& env, const incident_record& x);

caf::error decode_record(std::string_view bytes, const std::string& where, envelope_info& env,
                         order_snapshot& out);
caf::error decode_record(std::string_view bytes, const std::string& where, envelope_info& env,
                         position_snapshot& out);
caf::error decode_record(std::string_view bytes, const std::string& where, envelope_info& env,
                         idempotency_record& out);
caf::error decode_record(std::string_view bytes, const std::string& where, envelope_info& env,
                         audit_record& out);
caf::error decode_record(std::string_view bytes, const std::string& where, envelope_info& env,
                         fill_record& out);
caf::error decode_record(std::string_view bytes, const std::string& where, envelope_info& env,
                         venue_stats_bucket& out);
caf::error decode_record(std::string_view bytes, const std::string& where, envelope_info& env,
                         incident_record& out);

/// Reads only the envelope (fence and write time) of any stored record.
caf::expected<envelope_info> decode_envelope(std::string_view bytes, const std::string& where);

} // namespace om
