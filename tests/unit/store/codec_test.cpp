#define CAF_SUITE store.codec
#include <caf/test/unit_test.hpp>

#include "runtime/store/codec.hpp"
#include "samples.hpp"

using namespace om;

namespace {

template <class Record>
void round_trip(const Record& in) {
  envelope_info env{fence{5, 17}, 123456789};
  auto bytes = encode_record(env, in);
  CAF_CHECK_EQUAL(bytes.size() % 8, 0u);
  envelope_info env_out;
  Record out;
  auto err = decode_record(bytes, "k", env_out, out);
  CAF_REQUIRE(!err);
  CAF_CHECK(out == in);
  CAF_CHECK(env_out.fence == env.fence);
  CAF_CHECK_EQUAL(env_out.written_ns, 123456789);
}

} // namespace

CAF_TEST(every record round trips) {
  round_trip(test::sample_order());
  round_trip(test::sample_position());
  round_trip(test::sample_idempotency());
  round_trip(test::sample_audit());
  round_trip(test::sample_fill());
  round_trip(test::sample_venue_stats());
  round_trip(test::sample_incident());
  round_trip(order_snapshot{}); // defaults too
}

CAF_TEST(order snapshot keeps the exact 128-bit value) {
  auto in = test::sample_order();
  envelope_info env{fence{1, 1}, 0};
  order_snapshot out;
  CAF_REQUIRE(!decode_record(encode_record(env, in), "k", env, out));
  CAF_CHECK(out.state.cum_value() == in.state.cum_value());
  CAF_CHECK_EQUAL(out.state.avg_px(), in.state.avg_px());
}

CAF_TEST(garbage and wrong kinds are corrupt records naming the key) {
  envelope_info env;
  order_snapshot out;
  auto err = decode_record("not capnp", "orders/x", env, out);
  CAF_CHECK_EQUAL(code_of(err), errc::corrupt_record);
  CAF_CHECK(detail_of(err).rfind("orders/x: ", 0) == 0);
  std::string junk(64, '\xff');
  err = decode_record(junk, "orders/y", env, out);
  CAF_CHECK_EQUAL(code_of(err), errc::corrupt_record);
  CAF_CHECK(detail_of(err).rfind("orders/y: ", 0) == 0);
  auto fill_bytes = encode_record(envelope_info{fence{1, 1}, 0}, test::sample_fill());
  err = decode_record(fill_bytes, "orders/z", env, out);
  CAF_CHECK_EQUAL(code_of(err), errc::corrupt_record);
  CAF_CHECK(detail_of(err).find("not a order snapshot") != std::string::npos);
  // Truncation of a valid record.
  auto good = encode_record(envelope_info{fence{1, 1}, 0}, test::sample_order());
  err = decode_record(std::string_view{good}.substr(0, good.size() / 2 / 8 * 8), "orders/t",
                      env, out);
  CAF_CHECK_EQUAL(code_of(err), errc::corrupt_record);
}
