#define CAF_SUITE gateway.controls
#include <caf/test/unit_test.hpp>

#include "actors/gateway/controls.hpp"

using namespace om;

namespace {

kill_switch ks(const char* strategy, bool halt, const char* reason = "") {
  return kill_switch{strategy_id{strategy}, halt, "alice", reason};
}

audit_record stored(const kill_switch& k, uint64_t seq) {
  auto r = trading_controls::record_of(k, 1000 + static_cast<int64_t>(seq));
  r.sequence = seq;
  return r;
}

} // namespace

CAF_TEST(a halt blocks its strategy only and a resume lifts it) {
  trading_controls c;
  c.apply(stored(ks("s1", true, "runaway"), 1));
  CAF_REQUIRE(c.blocking(strategy_id{"s1"}) != nullptr);
  CAF_CHECK_EQUAL(c.blocking(strategy_id{"s1"})->actor, "alice");
  CAF_CHECK_EQUAL(c.blocking(strategy_id{"s1"})->detail, "halt s1: runaway");
  CAF_CHECK(c.blocking(strategy_id{"s2"}) == nullptr);
  c.apply(stored(ks("s1", false), 2));
  CAF_CHECK(c.blocking(strategy_id{"s1"}) == nullptr);
  CAF_CHECK(c.halts().empty());
}

CAF_TEST(resuming every strategy does not lift a halt by name) {
  trading_controls c;
  c.apply(stored(ks("s1", true), 1));
  c.apply(stored(ks("", true), 2));
  CAF_REQUIRE(c.blocking(strategy_id{"s2"}) != nullptr);
  CAF_CHECK(c.blocking(strategy_id{"s2"})->strategy.empty());
  CAF_CHECK_EQUAL(c.halts().size(), 2u);
  c.apply(stored(ks("", false), 3));
  CAF_CHECK(c.blocking(strategy_id{"s2"}) == nullptr);
  CAF_REQUIRE(c.blocking(strategy_id{"s1"}) != nullptr);
  CAF_CHECK_EQUAL(c.blocking(strategy_id{"s1"})->sequence, 1u);
}

CAF_TEST(restore rebuilds the state from the stored records) {
  // What the controls table holds: the latest record per scope.
  std::vector<audit_record> table{stored(ks("", false), 4), stored(ks("s1", true), 2),
                                  stored(ks("s3", false), 5)};
  trading_controls c;
  c.apply(stored(ks("s9", true), 1)); // forgotten: restore replaces
  c.restore(table);
  CAF_CHECK(c.blocking(strategy_id{"s9"}) == nullptr);
  CAF_CHECK(c.blocking(strategy_id{"s3"}) == nullptr);
  CAF_REQUIRE(c.blocking(strategy_id{"s1"}) != nullptr);
  CAF_CHECK_EQUAL(c.halts().size(), 1u);
  CAF_CHECK(trading_controls::is_halt(c.halts().front()));
  CAF_CHECK(!trading_controls::is_halt(stored(ks("s1", false), 6)));
}
