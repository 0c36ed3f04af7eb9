#define CAF_SUITE directory
#include <caf/test/dsl.hpp>

// The directory across nodes: imported entries, forgetting a lost node,
// entries vanishing on their down message, the epoch that tells handle
// holders to resolve again, and the subscription the node agent exports from.

#include "actors/directory/directory.hpp"
#include "runtime/error.hpp"

#include <caf/all.hpp>

using namespace om;

namespace {

caf::behavior idle() {
  return {[](int) {}};
}

struct fixture : test_coordinator_fixture<> {
  caf::actor dir;
  fixture() {
    dir = spawn_directory(sys, "n1");
    sched.run();
  }
  ~fixture() {
    self->send_exit(dir, caf::exit_reason::user_shutdown);
    sched.run();
  }

  std::vector<directory_entry> list(const std::string& kind) {
    std::vector<directory_entry> out;
    auto h = self->request(caf::actor_cast<directory_actor>(dir), caf::infinite, list_atom::value,
                           kind);
    sched.run();
    h.receive([&](std::vector<directory_entry>& v) { out = std::move(v); },
              [&](caf::error& e) { CAF_FAIL(describe(e)); });
    return out;
  }

  bool resolvable(const std::string& kind, const std::string& key) {
    bool ok = false;
    auto h = self->request(caf::actor_cast<directory_actor>(dir), caf::infinite,
                           resolve_atom::value, kind, key);
    sched.run();
    h.receive([&](caf::actor&) { ok = true; }, [&](caf::error&) { ok = false; });
    return ok;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(directory_tests, fixture)

CAF_TEST(imported entries resolve and carry their node) {
  auto remote_risk = sys.spawn(idle);
  auto before = directory_epoch();
  self->send(caf::actor_cast<directory_actor>(dir), import_atom::value,
             directory_entry{"risk", "AAPL.XNAS", remote_risk, "n2"});
  sched.run();
  CAF_CHECK(directory_epoch() > before); // holders of risk handles re-resolve
  CAF_CHECK(resolvable("risk", "AAPL.XNAS"));
  auto es = list("risk");
  CAF_REQUIRE_EQUAL(es.size(), 1u);
  CAF_CHECK_EQUAL(es[0].node, "n2");
  self->send_exit(remote_risk, caf::exit_reason::kill);
}

CAF_TEST(forgetting a lost node drops only its entries) {
  auto local_store = sys.spawn(idle);
  auto a = sys.spawn(idle);
  auto b = sys.spawn(idle);
  auto d = caf::actor_cast<directory_actor>(dir);
  self->send(d, register_atom::value, std::string{"store"}, std::string{}, local_store);
  self->send(d, import_atom::value, directory_entry{"risk", "AAPL.XNAS", a, "n2"});
  self->send(d, import_atom::value, directory_entry{"venue", "XSIM", b, "n3"});
  sched.run();
  auto before = directory_epoch();
  self->send(d, forget_atom::value, std::string{"n2"});
  self->send(d, forget_atom::value, std::string{"n1"}); // own entries are never forgotten
  sched.run();
  CAF_CHECK(directory_epoch() > before);
  CAF_CHECK(!resolvable("risk", "AAPL.XNAS"));
  CAF_CHECK(resolvable("venue", "XSIM"));
  CAF_CHECK(resolvable("store", ""));
  for (auto& h : {local_store, a, b})
    self->send_exit(h, caf::exit_reason::kill);
}

CAF_TEST(an entry vanishes on its down message and a successor takes its place) {
  auto old_risk = sys.spawn(idle);
  auto d = caf::actor_cast<directory_actor>(dir);
  self->send(d, import_atom::value, directory_entry{"risk", "MSFT.XNAS", old_risk, "n2"});
  sched.run();
  auto before = directory_epoch();
  self->send_exit(old_risk, caf::exit_reason::kill);
  sched.run();
  CAF_CHECK(directory_epoch() > before);
  CAF_CHECK(!resolvable("risk", "MSFT.XNAS"));
  // The restarted node's actor: same key, new handle.
  auto new_risk = sys.spawn(idle);
  self->send(d, import_atom::value, directory_entry{"risk", "MSFT.XNAS", new_risk, "n2"});
  sched.run();
  auto es = list("risk");
  CAF_REQUIRE_EQUAL(es.size(), 1u);
  CAF_CHECK_EQUAL(es[0].handle, new_risk);
  self->send_exit(new_risk, caf::exit_reason::kill);
}

CAF_TEST(the subscriber hears local registrations but not imports) {
  auto d = caf::actor_cast<directory_actor>(dir);
  self->send(d, subscribe_atom::value, caf::actor_cast<caf::actor>(self));
  auto g = sys.spawn(idle);
  auto r = sys.spawn(idle);
  self->send(d, register_atom::value, std::string{"gateway"}, std::string{}, g);
  self->send(d, import_atom::value, directory_entry{"risk", "KO.XNYS", r, "n2"});
  sched.run();
  std::vector<directory_entry> heard;
  bool more = true;
  while (more)
    self->receive([&](directory_entry& e) { heard.push_back(std::move(e)); },
                  caf::after(std::chrono::seconds(0)) >> [&] { more = false; });
  CAF_REQUIRE_EQUAL(heard.size(), 1u);
  CAF_CHECK_EQUAL(heard[0].kind, "gateway");
  CAF_CHECK_EQUAL(heard[0].node, "n1");
  for (auto& h : {g, r})
    self->send_exit(h, caf::exit_reason::kill);
}

CAF_TEST_FIXTURE_SCOPE_END()

// -- venue relay -----------------------------------------------------------------

#include "actors/venue/venue_relay.hpp"

namespace {

struct relay_fixture : test_coordinator_fixture<> {};

venue_report report_for(order_id id, uint64_t seq) {
  venue_report r;
  r.kind = venue_report_kind::ack;
  r.id = id;
  r.venue = venue_id{"XSIM"};
  r.seq = seq;
  return r;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(venue_relay_tests, relay_fixture)

CAF_TEST(the relay forwards reports by order id until the order actor ends) {
  auto relay = caf::actor_cast<venue_relay_actor>(spawn_venue_relay(sys));
  sched.run();
  std::vector<venue_report> got;
  auto order = sys.spawn([&](venue_report_sink::pointer) -> venue_report_sink::behavior_type {
    return {[&](venue_report& r) { got.push_back(r); }};
  });
  auto id = order_id::make(1, 42);
  self->send(relay, relay_bind{id, order});
  self->send(relay, report_for(id, 1));
  self->send(relay, report_for(order_id::make(1, 43), 1)); // nobody bound: dropped
  sched.run();
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(got[0].id, id);
  // The order actor ends: its binding goes with it.
  self->send_exit(order, caf::exit_reason::user_shutdown);
  sched.run();
  self->send(relay, report_for(id, 2));
  sched.run();
  CAF_CHECK_EQUAL(got.size(), 1u);
  // A restarted order actor binds the same id again and gets the replay.
  std::vector<venue_report> got2;
  auto again = sys.spawn([&](venue_report_sink::pointer) -> venue_report_sink::behavior_type {
    return {[&](venue_report& r) { got2.push_back(r); }};
  });
  self->send(relay, relay_bind{id, again});
  self->send(relay, report_for(id, 2));
  sched.run();
  CAF_REQUIRE_EQUAL(got2.size(), 1u);
  CAF_CHECK_EQUAL(got2[0].seq, 2u);
  self->send_exit(again, caf::exit_reason::user_shutdown);
  self->send_exit(relay, caf::exit_reason::user_shutdown);
  sched.run();
}

CAF_TEST_FIXTURE_SCOPE_END()
