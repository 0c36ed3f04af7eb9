#define CAF_SUITE model.ids
#include <caf/test/unit_test.hpp>

#include "runtime/model/ids.hpp"

using namespace om;

namespace {

bool parses(const std::string& text, order_id& out) {
  std::string why;
  return parse_order_id(text, out, why);
}

std::string why_not(const std::string& text) {
  order_id out;
  std::string why;
  if (parse_order_id(text, out, why))
    return "parsed as " + to_string(out);
  return why;
}

} // namespace

CAF_TEST(order ids round trip through their printed form) {
  for (auto id : {order_id::make(1, 42), order_id::make(65535, (uint64_t{1} << 48) - 1),
                  order_id::make(7, 0)}) {
    order_id back;
    CAF_REQUIRE(parses(to_string(id), back));
    CAF_CHECK_EQUAL(back.value, id.value);
  }
}

CAF_TEST(malformed order ids are refused with the reason) {
  // Signs, spaces, other letters, missing parts.
  for (auto bad : {"O-1-42", "O1--42", "O+1-42", "O1-+42", "o1-42", "O1-42 ", " O1-42", "O1_42",
                   "O1-", "O-42", "O", "", "1-42", "O1-4x2", "O01-42", "O1-042"})
    CAF_CHECK_NOT_EQUAL(why_not(bad).find("order id"), std::string::npos);
  // Overflow past the id's bit widths would map to another order.
  CAF_CHECK_NOT_EQUAL(why_not("O65536-1").find("1..65535"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(why_not("O0-1").find("1..65535"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(why_not("O1-281474976710656").find("2^48"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(why_not("O1-99999999999999999999999").find("2^48"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(why_not("O18446744073709551617-1").find("1..65535"), std::string::npos);
}
