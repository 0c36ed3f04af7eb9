#define CAF_SUITE key_filter
#include <caf/test/unit_test.hpp>

#include "runtime/store/key_filter.hpp"

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <string>

using namespace om;

CAF_TEST(a key added is always found and misses are rare) {
  key_filter f{1000, 0.01};
  for (int i = 0; i < 5000; ++i) // past the first segment: it grows
    f.add("bench\0" + std::to_string(i));
  CAF_CHECK_EQUAL(f.size(), 5000u);
  for (int i = 0; i < 5000; ++i)
    CAF_CHECK(f.may_contain("bench\0" + std::to_string(i)));
  int false_positives = 0;
  for (int i = 0; i < 20000; ++i)
    false_positives += f.may_contain("other\0" + std::to_string(i)) ? 1 : 0;
  // Three segments at 1% each: well under 5% overall.
  CAF_CHECK_LESS(false_positives, 1000);
  CAF_CHECK_GREATER(f.bytes(), 0u);
}

CAF_TEST(an empty filter contains nothing) {
  key_filter f;
  CAF_CHECK(!f.may_contain("x"));
  CAF_CHECK_EQUAL(f.bytes(), 0u);
}

CAF_TEST(a filter survives serialization) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  key_filter f{100, 0.01};
  for (int i = 0; i < 300; ++i)
    f.add(std::to_string(i));
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  CAF_CHECK(!inspect(sink, f));
  key_filter g;
  caf::binary_deserializer source{sys, buf};
  CAF_CHECK(!inspect(source, g));
  CAF_CHECK(g == f);
  for (int i = 0; i < 300; ++i)
    CAF_CHECK(g.may_contain(std::to_string(i)));
}
