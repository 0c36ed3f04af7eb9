#define CAF_SUITE intake
#include <caf/test/unit_test.hpp>

#include "actors/gateway/intake.hpp"

using namespace om;
using verdict = intake_index::verdict;

namespace {
std::string key(const char* s) { return std::string{"strat"} + '\0' + s; }
} // namespace

CAF_TEST(a new key is fresh then live until its order ends) {
  intake_index in;
  CAF_CHECK(in.classify(key("a"), 7).v == verdict::fresh);
  in.admit(key("a"), order_id::make(1, 1), 7);
  auto same = in.classify(key("a"), 7);
  CAF_CHECK(same.v == verdict::duplicate);
  CAF_REQUIRE(same.live != nullptr);
  CAF_CHECK_EQUAL(same.live->id, order_id::make(1, 1));
  CAF_CHECK(!same.live->started);
  CAF_CHECK(in.classify(key("a"), 8).v == verdict::different_terms);
  in.mark_started(key("a"));
  CAF_CHECK(in.find(key("a"))->started);
  in.end(key("a"));
  CAF_CHECK(in.find(key("a")) == nullptr);
  CAF_CHECK(in.live().empty()); // a finished order leaves only filter bits
  // Ended: the durable record decides (same or other terms).
  CAF_CHECK(in.classify(key("a"), 7).v == verdict::look_up);
  CAF_CHECK(in.classify(key("b"), 7).v == verdict::fresh);
}

CAF_TEST(a dropped admission leaves no trace) {
  intake_index in;
  in.admit(key("a"), order_id::make(1, 1), 7);
  in.drop(key("a"));
  CAF_CHECK(in.classify(key("a"), 7).v == verdict::fresh);
}

CAF_TEST(keys recorded by an earlier run are looked up) {
  key_filter f;
  f.add(key("old"));
  intake_index in{std::move(f)};
  CAF_CHECK(in.classify(key("old"), 1).v == verdict::look_up);
  CAF_CHECK(in.classify(key("new"), 1).v == verdict::fresh);
}

CAF_TEST(a recovered order with an unknown digest is looked up while live) {
  intake_index in;
  in.admit(key("r"), order_id::make(1, 9), 0);
  in.mark_unknown_digest(key("r"));
  auto a = in.classify(key("r"), 42);
  CAF_CHECK(a.v == verdict::look_up);
  CAF_CHECK(a.live != nullptr);
}
