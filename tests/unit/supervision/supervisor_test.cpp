#define CAF_SUITE supervision
#include <caf/test/dsl.hpp>

#include "runtime/supervision/supervisor.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <stdexcept>

using namespace om;
using namespace om::sup;
using namespace std::chrono_literals;

namespace {

using started_atom = caf::atom_constant<caf::atom("started")>;
using stopped_atom = caf::atom_constant<caf::atom("stopped")>;
using crash_atom = caf::atom_constant<caf::atom("crash")>;
using finish_atom = caf::atom_constant<caf::atom("finish")>;
using throw_atom = caf::atom_constant<caf::atom("throw")>;
using name_atom = caf::atom_constant<caf::atom("name")>;

/// A test child: reports its start and its end (with the reason) to `obs`.
caf::behavior worker(caf::event_based_actor* self, std::string name, caf::actor obs,
                     bool ignore_shutdown) {
  keep_exception_text(self);
  self->send(obs, started_atom::value, name);
  self->attach_functor([obs, name](const caf::error& reason) {
    std::string why = !reason ? "normal"
                      : reason == caf::exit_reason::user_shutdown ? "shutdown"
                                                                  : describe(reason);
    caf::anon_send(obs, stopped_atom::value, name, why);
  });
  if (ignore_shutdown)
    self->set_exit_handler([](caf::exit_msg&) { /* refuses to stop */ });
  return {
    [self](crash_atom) { self->quit(make_error(errc::invalid_argument, "boom")); },
    [self](finish_atom) { self->quit(); },
    [](throw_atom) { throw std::runtime_error("kaboom"); },
    [name](name_atom) { return name; },
  };
}

child_spec spec(std::string name, caf::actor obs, child_kind kind = child_kind::permanent,
                bool ignore_shutdown = false) {
  child_spec s;
  s.name = name;
  s.kind = kind;
  s.shutdown_timeout = 2s;
  s.start = [=](caf::actor_system& sys, const caf::message& args) -> caf::expected<caf::actor> {
    auto n = name;
    if (args.match_elements<std::string>())
      n = args.get_as<std::string>(0);
    return sys.spawn(worker, n, obs, ignore_shutdown);
  };
  return s;
}

struct fixture : test_coordinator_fixture<> {
  caf::actor obs;

  fixture() { obs = caf::actor_cast<caf::actor>(self); }

  /// Events seen by the observer since the last call, e.g. "start:a", "stop:b:shutdown".
  std::vector<std::string> events() {
    sched.run();
    std::vector<std::string> out;
    bool more = true;
    while (more) {
      self->receive(
        [&](started_atom, const std::string& n) { out.push_back("start:" + n); },
        [&](stopped_atom, const std::string& n, const std::string& why) {
          out.push_back("stop:" + n + ":" + why);
        },
        [&](caf::down_msg& d) { out.push_back("down:" + describe(d.reason)); },
        caf::after(std::chrono::seconds(0)) >> [&] { more = false; });
    }
    return out;
  }

  supervisor_report report(const caf::actor& sup) {
    supervisor_report out;
    auto h = self->request(sup, caf::infinite, describe_atom::value);
    sched.run();
    h.receive([&](supervisor_report& r) { out = std::move(r); },
              [&](caf::error& e) { CAF_FAIL("describe failed: " << describe(e)); });
    return out;
  }

  caf::actor child(const caf::actor& sup, const std::string& name) {
    for (auto& c : report(sup).children)
      if (c.name == name)
        return c.handle;
    CAF_FAIL("no child named " << name);
    return {};
  }

  const child_info& info(const supervisor_report& r, const std::string& name) {
    for (auto& c : r.children)
      if (c.name == name)
        return c;
    CAF_FAIL("no child named " << name);
    return r.children.front();
  }

  caf::actor make(supervisor_flags flags, std::vector<child_spec> specs) {
    auto sup = spawn_supervisor(sys, std::move(flags), std::move(specs));
    self->monitor(sup);
    return sup;
  }

  supervisor_flags flags(strategy s, uint32_t max = 3, caf::timespan period = 5s) {
    supervisor_flags f;
    f.name = "test-sup";
    f.strat = s;
    f.max_restarts = max;
    f.period = period;
    return f;
  }
};

using ev = std::vector<std::string>;

} // namespace

CAF_TEST_FIXTURE_SCOPE(supervisor_tests, fixture)

CAF_TEST(children start in order and are described) {
  auto sup = make(flags(strategy::one_for_one),
                  {spec("a", obs), spec("b", obs, child_kind::transient),
                   spec("c", obs, child_kind::temporary)});
  CAF_CHECK_EQUAL(events(), (ev{"start:a", "start:b", "start:c"}));
  auto r = report(sup);
  CAF_CHECK_EQUAL(r.name, "test-sup");
  CAF_REQUIRE_EQUAL(r.children.size(), 3u);
  CAF_CHECK_EQUAL(r.children[1].name, "b");
  CAF_CHECK_EQUAL(r.children[1].kind, child_kind::transient);
  for (auto& c : r.children) {
    CAF_CHECK_EQUAL(c.state, child_state::running);
    CAF_CHECK_NOT_EQUAL(c.actor_id, 0u);
    CAF_CHECK(c.handle != nullptr);
  }
}

CAF_TEST(one for one restarts only the failed child) {
  auto sup = make(flags(strategy::one_for_one), {spec("a", obs), spec("b", obs), spec("c", obs)});
  events();
  auto old_b = child(sup, "b");
  self->send(old_b, crash_atom::value);
  CAF_CHECK_EQUAL(events(), (ev{"stop:b:invalid_argument: boom", "start:b"}));
  auto r = report(sup);
  auto& b = info(r, "b");
  CAF_CHECK_EQUAL(b.restarts, 1u);
  CAF_CHECK_EQUAL(b.last_failure, "invalid_argument: boom");
  CAF_CHECK_GREATER(b.last_failure_ns, 0);
  CAF_CHECK(b.handle != old_b);
  CAF_CHECK_EQUAL(info(r, "a").restarts, 0u);
  CAF_CHECK_EQUAL(r.total_restarts, 1u);
}

CAF_TEST(one for all restarts everyone in order after stopping in reverse) {
  auto sup = make(flags(strategy::one_for_all), {spec("a", obs), spec("b", obs), spec("c", obs)});
  events();
  self->send(child(sup, "b"), crash_atom::value);
  CAF_CHECK_EQUAL(events(), (ev{"stop:b:invalid_argument: boom", "stop:c:shutdown",
                                "stop:a:shutdown", "start:a", "start:b", "start:c"}));
}

CAF_TEST(rest for one restarts the failed child and those after it) {
  auto sup = make(flags(strategy::rest_for_one),
                  {spec("a", obs), spec("b", obs), spec("c", obs), spec("d", obs)});
  events();
  auto a = child(sup, "a");
  self->send(child(sup, "b"), crash_atom::value);
  CAF_CHECK_EQUAL(events(), (ev{"stop:b:invalid_argument: boom", "stop:d:shutdown",
                                "stop:c:shutdown", "start:b", "start:c", "start:d"}));
  CAF_CHECK(child(sup, "a") == a);
}

CAF_TEST(child kinds decide what is restarted) {
  auto sup = make(flags(strategy::one_for_one, 10),
                  {spec("perm", obs), spec("trans", obs, child_kind::transient),
                   spec("temp", obs, child_kind::temporary)});
  events();
  // permanent: restarted even after a normal exit
  self->send(child(sup, "perm"), finish_atom::value);
  CAF_CHECK_EQUAL(events(), (ev{"stop:perm:normal", "start:perm"}));
  // transient: restarted after a failure ...
  self->send(child(sup, "trans"), crash_atom::value);
  CAF_CHECK_EQUAL(events(), (ev{"stop:trans:invalid_argument: boom", "start:trans"}));
  // ... but not after a normal exit, and it stays on record as stopped
  self->send(child(sup, "trans"), finish_atom::value);
  CAF_CHECK_EQUAL(events(), (ev{"stop:trans:normal"}));
  auto after_finish = report(sup);
  CAF_CHECK_EQUAL(info(after_finish, "trans").state, child_state::stopped);
  // temporary: never restarted, and removed
  self->send(child(sup, "temp"), crash_atom::value);
  CAF_CHECK_EQUAL(events(), (ev{"stop:temp:invalid_argument: boom"}));
  auto r = report(sup);
  CAF_CHECK_EQUAL(r.children.size(), 2u);
  CAF_CHECK_EQUAL(r.total_restarts, 2u);
}

CAF_TEST(restart intensity escalates and stops children in reverse order) {
  auto sup = make(flags(strategy::one_for_one, 2, 5s),
                  {spec("a", obs), spec("b", obs), spec("c", obs)});
  events();
  self->send(child(sup, "b"), crash_atom::value);
  CAF_CHECK_EQUAL(events().size(), 2u);
  advance_time(1s);
  self->send(child(sup, "b"), crash_atom::value);
  CAF_CHECK_EQUAL(events().size(), 2u);
  advance_time(1s);
  self->send(child(sup, "b"), crash_atom::value); // third restart within 5 s: escalate
  auto e = events();
  CAF_REQUIRE_EQUAL(e.size(), 4u);
  CAF_CHECK_EQUAL(e[0], "stop:b:invalid_argument: boom");
  CAF_CHECK_EQUAL(e[1], "stop:c:shutdown");
  CAF_CHECK_EQUAL(e[2], "stop:a:shutdown");
  CAF_CHECK(e[3].rfind("down:restart_intensity_exceeded: test-sup: more than 2 restarts", 0)
            == 0);
}

CAF_TEST(restarts spread beyond the period do not escalate) {
  auto sup = make(flags(strategy::one_for_one, 2, 5s), {spec("a", obs)});
  events();
  for (int i = 0; i < 5; ++i) {
    self->send(child(sup, "a"), crash_atom::value);
    CAF_CHECK_EQUAL(events().size(), 2u);
    advance_time(3s);
  }
  CAF_CHECK_EQUAL(report(sup).total_restarts, 5u);
}

CAF_TEST(backoff delays restarts exponentially) {
  auto f = flags(strategy::one_for_one, 10, 60s);
  f.backoff.initial = 100ms;
  f.backoff.max = 300ms;
  f.backoff.multiplier = 2.0;
  auto sup = make(f, {spec("venue", obs)});
  events();
  self->send(child(sup, "venue"), crash_atom::value);
  CAF_CHECK_EQUAL(events(), (ev{"stop:venue:invalid_argument: boom"}));
  auto waiting = report(sup);
  CAF_CHECK_EQUAL(info(waiting, "venue").state, child_state::restarting);
  advance_time(99ms);
  CAF_CHECK_EQUAL(events(), ev{});
  advance_time(1ms);
  CAF_CHECK_EQUAL(events(), (ev{"start:venue"}));
  // second consecutive failure: 200 ms
  self->send(child(sup, "venue"), crash_atom::value);
  events();
  advance_time(199ms);
  CAF_CHECK_EQUAL(events(), ev{});
  advance_time(1ms);
  CAF_CHECK_EQUAL(events(), (ev{"start:venue"}));
  // third: 400 ms capped at 300 ms
  self->send(child(sup, "venue"), crash_atom::value);
  events();
  advance_time(299ms);
  CAF_CHECK_EQUAL(events(), ev{});
  advance_time(1ms);
  CAF_CHECK_EQUAL(events(), (ev{"start:venue"}));
}

CAF_TEST(backoff jitter stays within its bounds) {
  backoff_policy p;
  p.initial = 100ms;
  p.max = 10s;
  CAF_CHECK(backoff_delay(p, 1) == caf::timespan{100ms});
  CAF_CHECK(backoff_delay(p, 4) == caf::timespan{800ms});
  CAF_CHECK(backoff_delay(p, 40) == caf::timespan{10s});
  CAF_CHECK(backoff_delay(backoff_policy{}, 3) == caf::timespan{0});
  auto f = flags(strategy::one_for_one, 10, 60s);
  f.backoff.initial = 100ms;
  f.backoff.jitter = 0.5;
  f.seed = 42;
  auto sup = make(f, {spec("venue", obs)});
  events();
  self->send(child(sup, "venue"), crash_atom::value);
  events();
  advance_time(49ms); // below the lowest possible delay
  CAF_CHECK_EQUAL(events(), ev{});
  advance_time(102ms); // past the highest possible delay (150 ms)
  CAF_CHECK_EQUAL(events(), (ev{"start:venue"}));
}

CAF_TEST(shutdown stops children in reverse start order) {
  auto sup = make(flags(strategy::one_for_one), {spec("a", obs), spec("b", obs), spec("c", obs)});
  events();
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  CAF_CHECK_EQUAL(events(), (ev{"stop:c:shutdown", "stop:b:shutdown", "stop:a:shutdown",
                                "down:exit: user_shutdown"}));
}

CAF_TEST(a child ignoring shutdown is killed after its timeout) {
  auto sup = make(flags(strategy::one_for_one),
                  {spec("a", obs), spec("stubborn", obs, child_kind::permanent, true),
                   spec("c", obs)});
  events();
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  CAF_CHECK_EQUAL(events(), (ev{"stop:c:shutdown"})); // waiting on "stubborn"
  advance_time(1999ms);
  CAF_CHECK_EQUAL(events(), ev{});
  advance_time(1ms);
  auto e = events();
  CAF_REQUIRE_EQUAL(e.size(), 3u);
  CAF_CHECK(e[0].rfind("stop:stubborn:", 0) == 0);
  CAF_CHECK_EQUAL(e[1], "stop:a:shutdown");
  CAF_CHECK_EQUAL(e[2], "down:exit: user_shutdown");
}

CAF_TEST(dynamic pool starts restarts and forgets children) {
  auto f = flags(strategy::simple_one_for_one, 10);
  auto sup = make(f, {spec("order", obs, child_kind::transient)});
  auto typed = caf::actor_cast<supervisor_actor>(sup);
  std::vector<caf::actor> kids;
  for (auto name : {"o1", "o2", "o3"}) {
    auto h = self->request(typed, caf::infinite, start_child_atom::value,
                           caf::make_message(std::string{name}));
    sched.run();
    h.receive([&](caf::actor& a) { kids.push_back(a); },
              [&](caf::error& e) { CAF_FAIL(describe(e)); });
  }
  CAF_CHECK_EQUAL(events(), (ev{"start:o1", "start:o2", "start:o3"}));
  self->send(kids[1], crash_atom::value); // restarted with the same arguments
  CAF_CHECK_EQUAL(events(), (ev{"stop:o2:invalid_argument: boom", "start:o2"}));
  self->send(kids[0], finish_atom::value); // done: forgotten
  CAF_CHECK_EQUAL(events(), (ev{"stop:o1:normal"}));
  auto r = report(sup);
  CAF_CHECK_EQUAL(r.children.size(), 2u);
  CAF_CHECK_EQUAL(r.dynamic_started, 3u);
  CAF_CHECK_EQUAL(r.dynamic_ended, 1u);
  CAF_CHECK_EQUAL(r.total_restarts, 1u);
  // Shutdown stops the live ones, newest first.
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  CAF_CHECK_EQUAL(events(), (ev{"stop:o3:shutdown", "stop:o2:shutdown",
                                "down:exit: user_shutdown"}));
}

CAF_TEST(keyed pool starts by key without a reply and routes by key) {
  auto f = flags(strategy::simple_one_for_one, 10);
  auto s = spec("order", obs, child_kind::transient);
  // A restart goes through `restart`: the child learns it is recovering.
  s.restart = [o = obs](caf::actor_system& sys, const caf::message& args) -> caf::expected<caf::actor> {
    return sys.spawn(worker, "re-" + args.get_as<std::string>(0), o, false);
  };
  auto sup = make(f, {s});
  auto typed = caf::actor_cast<supervisor_actor>(sup);
  self->send(typed, start_keyed_atom::value, std::string{"k1"},
             caf::make_message(std::string{"o1"}), obs);
  self->send(typed, start_keyed_atom::value, std::string{"k2"},
             caf::make_message(std::string{"o2"}), obs);
  CAF_CHECK_EQUAL(events(), (ev{"start:o1", "start:o2"}));
  // A second child for a key in use is refused, to the starter.
  self->send(typed, start_keyed_atom::value, std::string{"k1"},
             caf::make_message(std::string{"o1b"}), obs);
  sched.run();
  bool refused = false;
  self->receive([&](child_start_failed& x) {
    refused = x.key == "k1" && code_of(x.reason) == errc::already_exists
              && x.args.match_elements<std::string>();
  });
  CAF_CHECK(refused);
  // A request routed by key is answered by the child itself.
  auto ask = [&](const std::string& key) {
    std::string out;
    auto h = self->request(sup, caf::infinite, route_atom::value, key,
                           caf::make_message(name_atom::value));
    sched.run();
    h.receive([&](std::string& n) { out = n; }, [&](caf::error& e) { out = std::string{"error:"} + to_string(code_of(e)); });
    return out;
  };
  CAF_CHECK_EQUAL(ask("k2"), "o2");
  CAF_CHECK_EQUAL(ask("nope"), "error:not_found");
  // A one-way message reaches the child; the crash restarts it through
  // `restart`, under the same key.
  self->send(typed, route_atom::value, std::string{"k1"}, caf::make_message(crash_atom::value));
  CAF_CHECK_EQUAL(events(), (ev{"stop:o1:invalid_argument: boom", "start:re-o1"}));
  CAF_CHECK_EQUAL(ask("k1"), "re-o1");
  // Ended for good: the key is forgotten, and a one-way message for it
  // comes back to its sender.
  self->send(typed, route_atom::value, std::string{"k2"}, caf::make_message(finish_atom::value));
  CAF_CHECK_EQUAL(events(), (ev{"stop:o2:normal"}));
  self->send(typed, route_atom::value, std::string{"k2"}, caf::make_message(finish_atom::value));
  sched.run();
  bool bounced = false;
  self->receive([&](child_not_found& x) {
    bounced = x.key == "k2" && x.msg.match_elements<finish_atom>();
  });
  CAF_CHECK(bounced);
  auto r = report(sup);
  CAF_CHECK_EQUAL(r.children.size(), 1u);
  CAF_CHECK_EQUAL(info(r, "order#k1").restarts, 1u);
  // The key is free again once its child ended.
  self->send(typed, start_keyed_atom::value, std::string{"k2"},
             caf::make_message(std::string{"o2again"}), obs);
  CAF_CHECK_EQUAL(events(), (ev{"start:o2again"}));
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  events();
}

CAF_TEST(keyed start on a shutting-down or static supervisor is refused to the starter) {
  auto sup = make(flags(strategy::one_for_one, 3), {spec("a", obs)});
  CAF_CHECK_EQUAL(events(), (ev{"start:a"}));
  self->send(caf::actor_cast<supervisor_actor>(sup), start_keyed_atom::value, std::string{"k"},
             caf::make_message(std::string{"x"}), obs);
  sched.run();
  bool refused = false;
  self->receive([&](child_start_failed& x) { refused = code_of(x.reason) == errc::not_supported; });
  CAF_CHECK(refused);
  self->send_exit(sup, caf::exit_reason::user_shutdown);
  events();
}

CAF_TEST(start child on a static supervisor is refused) {
  auto sup = make(flags(strategy::one_for_one), {spec("a", obs)});
  events();
  auto h = self->request(sup, caf::infinite, start_child_atom::value, caf::make_message());
  sched.run();
  h.receive([&](caf::actor&) { CAF_FAIL("expected an error"); },
            [&](caf::error& e) { CAF_CHECK_EQUAL(code_of(e), errc::not_supported); });
}

CAF_TEST(a child failing to start stops the started ones and fails upward) {
  child_spec broken;
  broken.name = "broken";
  broken.start = [](caf::actor_system&, const caf::message&) -> caf::expected<caf::actor> {
    return make_error(errc::store_open_failed, "disk gone");
  };
  make(flags(strategy::one_for_one), {spec("a", obs), spec("b", obs), broken, spec("d", obs)});
  auto e = events();
  CAF_REQUIRE_EQUAL(e.size(), 5u);
  CAF_CHECK_EQUAL(e[0], "start:a");
  CAF_CHECK_EQUAL(e[1], "start:b");
  CAF_CHECK_EQUAL(e[2], "stop:b:shutdown");
  CAF_CHECK_EQUAL(e[3], "stop:a:shutdown");
  CAF_CHECK_EQUAL(e[4], "down:child_start_failed: test-sup/broken: store_open_failed: disk gone");
}

CAF_TEST(an escalating child supervisor is restarted by its parent) {
  auto inner_flags = flags(strategy::one_for_one, 1, 5s);
  inner_flags.name = "inner";
  child_spec inner;
  inner.name = "inner";
  inner.is_supervisor = true;
  inner.start = supervisor_starter(inner_flags, {spec("x", obs)});
  auto outer_flags = flags(strategy::one_for_one, 5, 5s);
  outer_flags.name = "outer";
  auto outer = make(outer_flags, {inner, spec("y", obs)});
  // x is started by the inner supervisor's own init, which may run after y's.
  auto started = events();
  std::sort(started.begin(), started.end());
  CAF_CHECK_EQUAL(started, (ev{"start:x", "start:y"}));
  auto inner_h = child(outer, "inner");
  auto before = report(outer);
  CAF_CHECK(info(before, "inner").is_supervisor);
  CAF_CHECK_EQUAL(report(inner_h).name, "inner");
  self->send(child(inner_h, "x"), crash_atom::value);
  CAF_CHECK_EQUAL(events(), (ev{"stop:x:invalid_argument: boom", "start:x"}));
  self->send(child(inner_h, "x"), crash_atom::value); // inner exceeds 1 restart
  CAF_CHECK_EQUAL(events(), (ev{"stop:x:invalid_argument: boom", "start:x"}));
  auto r = report(outer);
  auto& in = info(r, "inner");
  CAF_CHECK_EQUAL(in.restarts, 1u);
  CAF_CHECK(in.last_failure.rfind("restart_intensity_exceeded: inner", 0) == 0);
  CAF_CHECK(in.handle != inner_h);
  CAF_CHECK_EQUAL(info(r, "y").restarts, 0u);
}

CAF_TEST(an exception keeps its text as the failure reason) {
  auto sup = make(flags(strategy::one_for_one), {spec("a", obs)});
  events();
  self->send(child(sup, "a"), throw_atom::value);
  CAF_CHECK_EQUAL(events(), (ev{"stop:a:actor_exception: kaboom", "start:a"}));
  auto r = report(sup);
  CAF_CHECK_EQUAL(info(r, "a").last_failure, "actor_exception: kaboom");
}

CAF_TEST_FIXTURE_SCOPE_END()
