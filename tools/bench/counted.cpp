// Counting method (CAF 0.17's test coordinator, caf/scheduler/test_coordinator.hpp):
//
// - Messages. The scheduler's jobs are actors; try_run_once() resumes the
//   front one with a throughput of 1, so a step processes exactly one
//   message of its mailbox, or, for an actor that has not run yet, runs its
//   initialization (plus its first message if one is waiting). Before each
//   step we peek at the job's mailbox: a non-null element is the message the
//   step processes (the mailbox serves its urgent queue first, as peek()
//   does). Steps with an empty mailbox are initializations only, not
//   messages. Messages to actors that are already gone are dropped by CAF
//   without a step and are not counted; messages to blocking actors would
//   not be scheduled, so no pass uses one (results go to a small sink actor).
// - Round trips: the peeked element's message id is a response
//   (mid.is_response(), errors included): one per request/response pair.
// - Timer pushes: what a threaded CAF sends to its clock thread for delayed
//   sends, request timeouts and receive timeouts. We count the entries that
//   are new in the test clock's schedule (clock().schedule(), a multimap of
//   time point -> event) after each step: the schedule is snapshotted as a
//   sorted set of entry keys (event address, due time, event kind, and the
//   actor id and message id / timer id / payload address of the event, so
//   a freed event whose memory is reused in the same step still differs),
//   and the keys absent from the previous snapshot are pushes, the ones
//   gone are cancellations (timers fire only when the pass advances the
//   clock, which happens between steps and re-snapshots without counting).
//   Cancellations are reported separately (timer_cancels): a threaded clock
//   also gets a push for each of them. (In CAF 0.17 a response does not
//   cancel its request's timeout: the entry stays until it fires and is
//   dropped, so requests show no cancellations here; an actor that exits
//   cancels its pending timeouts, which do show.) Pushes are also split by
//   kind: delayed messages, request timeouts, behavior (receive) timeouts.
// - Spawns: the actor system's latest actor id, before and after.
// - Durable writes and reads: deltas of om::io_counters().
//
// Nothing is subtracted: the driver's submits and the events it receives,
// its go message, its spawn and the result it reports count like the
// desk's own. The desk pass runs a warm-up window of orders first and
// reports it apart (count_desk), so the figures are those of a desk whose
// handle caches are filled, as in a long timed run.
//
// Time: the clock stands still while orders run, so timers count when they
// are armed and none fires (an order actor's deadline tick, a request's
// timeout). A periodic timer of a real run that would fire meanwhile (the
// gateway's deadline tick, about once a second) is not seen. If the orders
// ever waited on a timer, the pass would advance the clock by 1 ms at a
// time and say so (time_advances).

#include "tools/bench/counted.hpp"

#include "tools/bench/bare.hpp"
#include "tools/bench/driver.hpp"

#include "actors/directory/directory.hpp"
#include "actors/node/desk.hpp"
#include "actors/risk/risk_actor.hpp"
#include "actors/wire/desk_types.hpp"
#include "runtime/store/store.hpp"

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <algorithm>
#include <iostream>
#include <optional>
#include <tuple>

namespace om::bench {

namespace {

using namespace std::chrono_literals;
using clock_type = caf::detail::simple_actor_clock;

struct timer_key {
  const void* event;
  int64_t due;
  int kind;
  uint64_t actor;
  uint64_t id;

  auto tie() const { return std::tie(event, due, kind, actor, id); }
  bool operator<(const timer_key& o) const { return tie() < o.tie(); }
  bool operator==(const timer_key& o) const { return tie() == o.tie(); }
};

uint64_t id_of(const caf::strong_actor_ptr& p) {
  return p ? p->id() : 0;
}

timer_key key_of(const clock_type::schedule_map::value_type& kv) {
  auto* ev = kv.second.get();
  timer_key k{ev, kv.first.time_since_epoch().count(), static_cast<int>(ev->subtype), 0, 0};
  switch (ev->subtype) {
    case clock_type::ordinary_timeout_type: {
      auto& x = static_cast<const clock_type::ordinary_timeout&>(*ev);
      k.actor = id_of(x.self);
      k.id = x.id ^ (static_cast<uint64_t>(x.type) << 1);
      break;
    }
    case clock_type::multi_timeout_type: {
      auto& x = static_cast<const clock_type::multi_timeout&>(*ev);
      k.actor = id_of(x.self);
      k.id = x.id ^ (static_cast<uint64_t>(x.type) << 1);
      break;
    }
    case clock_type::request_timeout_type: {
      auto& x = static_cast<const clock_type::request_timeout&>(*ev);
      k.actor = id_of(x.self);
      k.id = x.id.integer_value();
      break;
    }
    case clock_type::actor_msg_type: {
      auto& x = static_cast<const clock_type::actor_msg&>(*ev);
      k.actor = id_of(x.receiver);
      k.id = reinterpret_cast<uintptr_t>(x.content.get());
      break;
    }
    default: break;
  }
  return k;
}

/// Drives a test-coordinator actor system one message at a time, counting.
class stepper {
public:
  explicit stepper(caf::actor_system& sys)
    : sys_(sys), sched_(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())) {
    // As CAF's own test fixture: a clock that does not start at 0.
    sched_.clock().current_time += std::chrono::hours(1);
    reset();
  }

  caf::scheduler::test_coordinator& sched() { return sched_; }

  /// Runs one job (one message or an initialization); false if none.
  bool step() {
    if (!sched_.has_job())
      return false;
    auto* job = dynamic_cast<caf::scheduled_actor*>(sched_.jobs.front());
    const caf::mailbox_element* next = job ? job->mailbox().peek() : nullptr;
    if (next) {
      ++c_.messages;
      if (next->mid.is_response())
        ++c_.responses;
    }
    ++c_.steps;
    sched_.run_once();
    diff_schedule(true);
    return true;
  }

  /// Steps until `done()` or no job is left; true if `done()`.
  template <class Pred>
  bool run_until(Pred done) {
    while (!done())
      if (!step())
        return done();
    return true;
  }

  void run_until_idle() {
    while (step()) {
    }
  }

  /// Advances the clock (timers fire into mailboxes; not counted as pushes
  /// or cancellations).
  void advance(caf::timespan d) {
    sched_.advance_time(d);
    diff_schedule(false);
  }

  void trigger_all() {
    sched_.trigger_timeouts();
    diff_schedule(false);
  }

  /// Zeroes the counters (the schedule as it is now is the baseline).
  void reset() {
    c_ = pass_counts{};
    diff_schedule(false);
    first_id_ = sys_.latest_actor_id();
  }

  /// Counters since reset().
  pass_counts counts() const {
    auto out = c_;
    out.spawns = sys_.latest_actor_id() - first_id_;
    return out;
  }

private:
  void diff_schedule(bool count) {
    cur_.clear();
    for (auto& kv : sched_.clock().schedule())
      cur_.push_back(key_of(kv));
    std::sort(cur_.begin(), cur_.end());
    if (count) {
      // Sorted sets: one merge pass finds what is new and what is gone.
      auto i = cur_.begin(), j = prev_.begin();
      while (i != cur_.end() || j != prev_.end()) {
        if (j == prev_.end() || (i != cur_.end() && *i < *j)) {
          ++c_.timer_pushes;
          auto kind = static_cast<clock_type::event_type>(i->kind);
          if (kind == clock_type::actor_msg_type || kind == clock_type::group_msg_type)
            ++c_.timer_pushes_delayed_send;
          else if (kind == clock_type::request_timeout_type)
            ++c_.timer_pushes_request_timeout;
          else
            ++c_.timer_pushes_receive_timeout;
          ++i;
        } else if (i == cur_.end() || *j < *i) {
          ++c_.timer_cancels;
          ++j;
        } else {
          ++i;
          ++j;
        }
      }
    }
    prev_.swap(cur_);
  }

  caf::actor_system& sys_;
  caf::scheduler::test_coordinator& sched_;
  pass_counts c_;
  caf::actor_id first_id_ = 0;
  std::vector<timer_key> prev_, cur_;
};

struct io_snapshot {
  uint64_t writes, records, reads, scans;
  static io_snapshot now() {
    auto& c = io_counters();
    return {c.writes.load(), c.records.load(), c.reads.load(), c.scans.load()};
  }
};

void add_io(pass_counts& p, const io_snapshot& before) {
  auto after = io_snapshot::now();
  p.writes = after.writes - before.writes;
  p.records = after.records - before.records;
  p.reads = after.reads - before.reads;
  p.scans = after.scans - before.scans;
}

std::unique_ptr<caf::actor_system> make_test_system() {
  caf::actor_system_config cfg;
  cfg.set("scheduler.policy", caf::atom("testing"));
  cfg.set("logger.verbosity", caf::atom("quiet"));
  register_desk_types(cfg);
  return std::make_unique<caf::actor_system>(cfg);
}

/// Runs everything left (timers included) so every actor ends, then
/// destroys the system. If some actor is still running its destructor
/// would wait forever for it: the system is left behind instead (the
/// process is about to end anyway) and the pass says so.
void shut_down(std::unique_ptr<caf::actor_system> sys, stepper& s, pass_counts& p) {
  for (int i = 0; i < 1000; ++i) {
    s.run_until_idle();
    if (!s.sched().has_pending_timeout())
      break;
    s.trigger_all();
  }
  s.run_until_idle();
  if (sys->registry().running() != 0) {
    std::cerr << "ordermesh-bench: counted pass: " << sys->registry().running()
              << " actors did not end; leaving that actor system behind\n";
    if (p.error.empty())
      p.error = "actors left running at shutdown";
    (void) sys.release();
  }
}

// -- desk ------------------------------------------------------------------------

using probe_atom = caf::atom_constant<caf::atom("om_bprobe")>;

struct readiness {
  caf::actor gateway;
  size_t risk_ready = 0;
};

/// Asks the directory for the gateway and each instrument's risk actor, and
/// each risk actor whether it is ready (restored). No timeouts.
caf::behavior prober(caf::event_based_actor* self, std::shared_ptr<readiness> out,
                     std::vector<std::string> instruments) {
  return {[self, out, instruments](probe_atom) {
    out->gateway = nullptr;
    out->risk_ready = 0;
    auto dir = find_directory(self->system());
    if (!dir)
      return;
    self->request(dir, caf::infinite, resolve_atom::value, std::string{svc::gateway}, std::string{})
      .then([out](caf::actor& h) { out->gateway = h; }, [](caf::error&) {});
    for (auto& inst : instruments)
      self->request(dir, caf::infinite, resolve_atom::value, std::string{svc::risk}, inst)
        .then(
          [self, out](caf::actor& h) {
            self->request(caf::actor_cast<risk_actor>(h), caf::infinite, get_state_atom::value)
              .then([out](bool ready) { out->risk_ready += ready ? 1 : 0; }, [](caf::error&) {});
          },
          [](caf::error&) {});
  }};
}

template <class T>
caf::behavior sink(caf::event_based_actor* self, std::shared_ptr<std::optional<T>> out) {
  return {[self, out](T& r) {
    *out = std::move(r);
    self->quit();
  }};
}

} // namespace

pass_counts count_desk(const counted_desk_options& o, pass_counts* warmup) {
  pass_counts p;
  auto db = store::open(store_options{o.data_dir});
  if (!db) {
    p.error = "cannot open " + o.data_dir;
    return p;
  }
  std::vector<const instrument*> insts;
  std::vector<std::string> inst_ids;
  for (auto& sym : o.symbols) {
    auto i = o.refdata->resolve(sym);
    if (!i) {
      p.error = "unknown symbol " + sym;
      return p;
    }
    insts.push_back(*i);
    inst_ids.push_back((*i)->id.value);
  }
  auto sys = make_test_system();
  stepper s{*sys};
  auto refdata = std::make_shared<refdata_service>(o.refdata);
  auto root = spawn_desk(*sys, desk_options{o.cfg, refdata, *db, 1});
  // Start-up: run to idle, probe, let 10 ms of simulated time pass, again,
  // until the gateway is registered and every risk actor is restored.
  auto ready = std::make_shared<readiness>();
  auto probe = sys->spawn(prober, ready, inst_ids);
  bool up = false;
  for (int i = 0; i < 3000 && !up; ++i) {
    s.run_until_idle();
    caf::anon_send(probe, probe_atom::value);
    s.run_until_idle();
    up = ready->gateway && ready->risk_ready == insts.size();
    if (!up)
      s.advance(10ms);
  }
  if (!up) {
    p.error = "the desk did not start in 30 s of simulated time";
  } else {
    // As the timed run's pause after start: start-up timers settle.
    for (int i = 0; i < 30; ++i) {
      s.run_until_idle();
      s.advance(10ms);
    }
    s.run_until_idle();
    // One counted run of `n` orders (ids from `base`) with the driver.
    auto run_orders = [&](uint64_t n, uint64_t base) {
      auto io0 = io_snapshot::now();
      s.reset();
      auto result = std::make_shared<std::optional<driver_result>>();
      auto report = sys->spawn(sink<driver_result>, result);
      driver_options d;
      d.insts = insts;
      d.gateway = ready->gateway;
      d.report_to = report;
      d.orders = n;
      d.clordid_base = base;
      d.window = o.window;
      d.record_latency = false;
      auto drv = spawn_driver(*sys, std::move(d));
      caf::anon_send(drv, go_atom::value);
      uint64_t advances = 0;
      auto done = [&] { return result->has_value(); };
      while (!s.run_until(done) && s.sched().has_pending_timeout() && advances < 600'000) {
        s.advance(1ms);
        ++advances;
      }
      // The last order's own wind-down (its release to risk, order_gone to
      // the gateway, post-trade) follows its fill event: count it too.
      s.run_until_idle();
      auto c = s.counts();
      add_io(c, io0);
      c.time_advances = advances;
      c.window = o.window;
      if (!result->has_value()) {
        c.error = "the orders did not finish";
      } else {
        c.orders = (*result)->filled;
        c.ok = (*result)->filled == n;
        if (!c.ok)
          c.error = std::to_string((*result)->filled) + " of " + std::to_string(n)
                    + " orders filled";
      }
      return c;
    };
    // Warm-up, counted apart: the first orders fill the gateway's and the
    // router's handle caches (a directory look-up per order in flight, with
    // its timed request), which a long run pays once.
    auto w = run_orders(o.warmup_orders, 1'000'000'000);
    if (warmup)
      *warmup = w;
    p = run_orders(o.orders, 0);
    if (!w.ok && p.ok) {
      p.ok = false;
      p.error = "warm-up: " + w.error;
    }
  }
  caf::anon_send_exit(probe, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(root, caf::exit_reason::user_shutdown);
  ready->gateway = nullptr;
  root = nullptr;
  probe = nullptr;
  shut_down(std::move(sys), s, p);
  return p;
}

pass_counts count_bare(const std::string& data_dir, uint64_t orders, uint64_t window) {
  pass_counts p;
  auto db = store::open(store_options{data_dir});
  if (!db) {
    p.error = "cannot open " + data_dir;
    return p;
  }
  auto sys = make_test_system();
  stepper s{*sys};
  auto filled = std::make_shared<std::optional<uint64_t>>();
  auto report = sys->spawn([filled](caf::event_based_actor* self) -> caf::behavior {
    return {[self, filled](bare_done_atom, uint64_t n, int64_t, int64_t) {
      *filled = n;
      self->quit();
    }};
  });
  auto bp = spawn_bare_pipeline(*sys, bare_options{*db, orders, window}, report);
  s.run_until_idle(); // the pipeline's actors start
  // -- counted from here -----------------------------------------------------
  auto io0 = io_snapshot::now();
  s.reset();
  caf::anon_send(bp.strategy, bare_go_atom::value);
  s.run_until([&] { return filled->has_value(); });
  s.run_until_idle();
  p = s.counts();
  add_io(p, io0);
  p.window = window;
  if (filled->has_value()) {
    p.orders = **filled;
    p.ok = p.orders == orders;
  }
  if (!p.ok)
    p.error = "the bare pipeline did not finish";
  for (auto& a : bp.fixed)
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  bp = bare_pipeline{};
  report = nullptr;
  shut_down(std::move(sys), s, p);
  return p;
}

} // namespace om::bench
