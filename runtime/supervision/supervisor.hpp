#pragma once
// Erlang/OTP-style supervisors on CAF 0.17 (which has none built in).
//
// A supervisor starts its children in order (spawn order: CAF runs each
// actor's init on its own, but every message to an earlier child is handled
// after that child's init), monitors and links to them, and traps exits. When a child ends it decides, from the child's kind and the exit
// reason, whether to restart, and what else to restart with it:
//
//   strategy            on a restartable child failure
//   one_for_one         restart that child
//   one_for_all         stop every other child (reverse start order), restart all
//   rest_for_one        stop the children started after it (reverse), restart them and it
//   simple_one_for_one  dynamic pool of children from one template; restart that child
//
//   kind        restarted when it exits with
//   permanent   any reason
//   transient   an abnormal reason (not normal, not user_shutdown)
//   temporary   never (and removed from the supervisor's records)
//
// Restart intensity: more than `max_restarts` restarts within `period` and
// the supervisor stops all children in reverse start order, then exits with
// errc::restart_intensity_exceeded, which its own supervisor sees as a
// failure. Optional exponential backoff with jitter delays restarts.
//
// Dynamic pools monitor but do not link their children (see start() in the
// .cpp: CAF 0.17 unlinks in linear time); they are stopped explicitly.
//
// Shutdown (an exit signal from any non-child, e.g. the parent): children
// are stopped one at a time in reverse start order with user_shutdown; a
// child still alive after its shutdown_timeout is killed.
//
// Keyed pools: start_keyed_atom starts a dynamic child under a caller's key
// (e.g. an order id) in one message, without a reply; route_atom then reaches
// that child by key. The pool is the single owner of the key -> child index,
// so callers keep no copies of child handles.
//
// Supervisors hold their children's handles (links alone do not keep an actor
// alive) and answer describe_atom with a supervisor_report, from which the
// operator CLI draws the topology.

#include "runtime/error.hpp"

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>
#include <caf/message.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/scheduled_actor.hpp>
#include <caf/timespan.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace om::sup {

enum class strategy : uint8_t { one_for_one, one_for_all, rest_for_one, simple_one_for_one };
enum class child_kind : uint8_t { permanent, transient, temporary };
enum class child_state : uint8_t {
  running,
  restarting, // waiting for its backoff delay
  stopping,   // asked to exit, waiting for it
  stopped,    // ended and not restarted
};

const char* to_string(strategy x);
const char* to_string(child_kind x);
const char* to_string(child_state x);

/// Starts one child. Receives the actor system and, for dynamic pools, the
/// arguments given to start_child_atom. Returns the child's handle or an
/// error. Must not link: the supervisor links itself.
using start_fn = std::function<caf::expected<caf::actor>(caf::actor_system&, const caf::message&)>;

struct child_spec {
  std::string name;
  child_kind kind = child_kind::permanent;
  start_fn start;
  /// How long a child may take to exit on shutdown before it is killed.
  caf::timespan shutdown_timeout = std::chrono::seconds{5};
  /// The child is itself a supervisor (the topology view descends into it).
  bool is_supervisor = false;
  /// Dynamic pools: used instead of `start` when a child is restarted after a
  /// failure (same arguments), so the child knows it must recover rather than
  /// begin afresh. Empty: `start` again.
  start_fn restart;
};

struct backoff_policy {
  /// First restart delay; zero disables backoff (restart at once).
  caf::timespan initial{0};
  /// Upper bound of the delay.
  caf::timespan max = std::chrono::seconds{30};
  /// Growth per consecutive failure of the same child.
  double multiplier = 2.0;
  /// Random spread as a fraction of the delay: 0.2 = +-20%.
  double jitter = 0.0;
  /// A child that ran at least this long has its consecutive count reset.
  caf::timespan reset_after = std::chrono::seconds{60};
};

struct supervisor_flags {
  std::string name;
  strategy strat = strategy::one_for_one;
  uint32_t max_restarts = 3;
  caf::timespan period = std::chrono::seconds{5};
  backoff_policy backoff;
  /// Seed of the jitter generator (fixed in tests for repeatable delays).
  uint64_t seed = 0;
};

/// Restart delay for the n-th consecutive failure (n >= 1), before jitter.
caf::timespan backoff_delay(const backoff_policy& p, uint32_t n);

// -- describe ----------------------------------------------------------------

struct child_info {
  std::string name;
  child_kind kind = child_kind::permanent;
  child_state state = child_state::stopped;
  uint64_t actor_id = 0;   // 0 when not running
  std::string node;        // node of the child actor
  uint32_t restarts = 0;
  std::string last_failure;       // rendered exit reason; empty if none
  int64_t last_failure_ns = 0;    // wall clock, ns since epoch
  bool is_supervisor = false;
  caf::actor handle;              // for descending into child supervisors

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, child_info& x) {
    return f(caf::meta::type_name("om.child_info"), x.name, x.kind, x.state, x.actor_id, x.node,
             x.restarts, x.last_failure, x.last_failure_ns, x.is_supervisor, x.handle);
  }
};

struct supervisor_report {
  std::string name;
  strategy strat = strategy::one_for_one;
  uint32_t max_restarts = 0;
  int64_t period_ns = 0;
  uint64_t total_restarts = 0;
  bool shutting_down = false;
  /// Dynamic pools: children started and ended over the supervisor's life.
  uint64_t dynamic_started = 0;
  uint64_t dynamic_ended = 0;
  /// Messages waiting in the supervisor's own mailbox when it answered.
  uint64_t mailbox = 0;
  std::vector<child_info> children;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, supervisor_report& x) {
    return f(caf::meta::type_name("om.supervisor_report"), x.name, x.strat, x.max_restarts,
             x.period_ns, x.total_restarts, x.shutting_down, x.dynamic_started,
             x.dynamic_ended, x.mailbox, x.children);
  }
};

bool operator==(const child_info& a, const child_info& b);
bool operator==(const supervisor_report& a, const supervisor_report& b);

// -- interface ---------------------------------------------------------------

using describe_atom = caf::atom_constant<caf::atom("describe")>;
using start_child_atom = caf::atom_constant<caf::atom("startchild")>;
using broadcast_atom = caf::atom_constant<caf::atom("broadcast")>;
using start_keyed_atom = caf::atom_constant<caf::atom("startkeyed")>;
using route_atom = caf::atom_constant<caf::atom("routechild")>;

/// From a dynamic pool to the starter given in start_keyed_atom: the child
/// for `key` could not be started (pool shutting down, start function failed).
struct child_start_failed {
  std::string key;
  caf::error reason;
  caf::message args; // as given to start_keyed_atom

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, child_start_failed& x) {
    return f(caf::meta::type_name("om.child_start_failed"), x.key, x.reason, x.args);
  }
};

/// From a dynamic pool to the sender of a one-way route_atom message: no
/// running child has that key (it ended, or is waiting to be restarted).
/// Carries the message back so the sender can answer for it.
struct child_not_found {
  std::string key;
  caf::message msg;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, child_not_found& x) {
    return f(caf::meta::type_name("om.child_not_found"), x.key, x.msg);
  }
};

/// Typed view of a supervisor for its clients.
using supervisor_actor = caf::typed_actor<
  caf::replies_to<describe_atom>::with<supervisor_report>,
  // Dynamic pools only (errc::not_supported otherwise): starts a child from
  // the template with these arguments.
  caf::replies_to<start_child_atom, caf::message>::with<caf::actor>,
  // Sends the message to every running child; replies with how many.
  caf::replies_to<broadcast_atom, caf::message>::with<uint64_t>,
  // Dynamic pools, keyed children: starts a child for `key` (unique among
  // the pool's children) without a reply. A failure goes to the third
  // argument as child_start_failed (dropped if it is null). The pool is the
  // one owner of the key -> child index; it forgets a key when its child ends
  // for good.
  caf::reacts_to<start_keyed_atom, std::string, caf::message, caf::actor>,
  // Dynamic pools: delivers the message to the child with `key`, keeping the
  // original sender and request id, so a request is answered by the child
  // itself. No such child: a request gets errc::not_found, a one-way message
  // comes back to its sender as child_not_found.
  caf::reacts_to<route_atom, std::string, caf::message>>;

/// Spawns a supervisor. For simple_one_for_one, `children` holds exactly one
/// template spec and starts empty. If a child fails to start the supervisor
/// stops the ones already started and exits with errc::child_start_failed.
caf::actor spawn_supervisor(caf::actor_system& sys, supervisor_flags flags,
                            std::vector<child_spec> children);

/// A start_fn that spawns a nested supervisor.
start_fn supervisor_starter(supervisor_flags flags, std::vector<child_spec> children);

/// Makes `self` turn a thrown exception into errc::actor_exception carrying
/// what(), so supervisors and operators see why it died.
void keep_exception_text(caf::scheduled_actor* self);

} // namespace om::sup
