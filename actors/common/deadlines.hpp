#pragma once
// Per-actor request deadlines without CAF's per-request timers.
//
// CAF 0.17 runs timers on one clock thread: a request with a timeout pushes
// an event there and its response cancels it, each waking that thread, and
// cancelling scans the actor's pending timeouts. On the order path that cost
// more than the work itself. Actors here send requests with
// caf::infinite and register a deadline in their own deadline_set; one
// self-addressed timer (armed only while deadlines are pending) expires them.
// A response that arrives after its deadline is ignored (complete() says so).
//
// Not thread-safe: owned by one actor.

#include <caf/actor_clock.hpp>
#include <caf/atom.hpp>
#include <caf/sec.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>

namespace om {

using deadline_tick_atom = caf::atom_constant<caf::atom("om_dltick")>;

class deadline_set {
public:
  using time_point = caf::actor_clock::time_point;

  /// Registers a deadline; `on_timeout` runs from expire() unless complete()
  /// was called first. Returns the token for complete().
  uint64_t add(time_point deadline, std::function<void()> on_timeout) {
    auto token = next_++;
    auto it = by_time_.emplace(deadline, token);
    pending_.emplace(token, entry{it, std::move(on_timeout)});
    return token;
  }

  /// Marks the request answered. False if it already timed out (ignore the
  /// answer then).
  bool complete(uint64_t token) {
    auto i = pending_.find(token);
    if (i == pending_.end())
      return false;
    by_time_.erase(i->second.pos);
    pending_.erase(i);
    return true;
  }

  /// Runs the callbacks of every deadline at or before `now`; returns the
  /// next deadline, if any.
  std::optional<time_point> expire(time_point now) {
    while (!by_time_.empty() && by_time_.begin()->first <= now) {
      auto token = by_time_.begin()->second;
      by_time_.erase(by_time_.begin());
      auto i = pending_.find(token);
      auto f = std::move(i->second.on_timeout);
      pending_.erase(i);
      f();
    }
    return next();
  }

  std::optional<time_point> next() const {
    if (by_time_.empty())
      return std::nullopt;
    return by_time_.begin()->first;
  }

  size_t size() const { return pending_.size(); }

private:
  struct entry {
    std::multimap<time_point, uint64_t>::iterator pos;
    std::function<void()> on_timeout;
  };
  std::multimap<time_point, uint64_t> by_time_;
  std::unordered_map<uint64_t, entry> pending_;
  uint64_t next_ = 1;
};

/// Arms `self`'s deadline timer if none is pending. `armed_until` remembers
/// the time the pending tick fires at.
template <class Self>
void arm_deadlines(Self* self, deadline_set& ds, std::optional<caf::actor_clock::time_point>& armed_until) {
  auto next = ds.next();
  if (!next || (armed_until && *armed_until <= *next))
    return;
  auto now = self->clock().now();
  auto delay = *next > now ? *next - now : caf::actor_clock::duration_type{0};
  armed_until = *next;
  self->delayed_send(self, std::chrono::duration_cast<caf::timespan>(delay),
                     deadline_tick_atom::value);
}

/// Handles the tick: expires what is due and re-arms for the rest.
template <class Self>
void on_deadline_tick(Self* self, deadline_set& ds, std::optional<caf::actor_clock::time_point>& armed_until) {
  armed_until.reset();
  ds.expire(self->clock().now());
  arm_deadlines(self, ds, armed_until);
}

} // namespace om

namespace om {

/// request(h, infinite, xs...) with a deadline tracked in `ds`: exactly one
/// of `ok(R&)` or `err(caf::error&)` runs; a timeout gives
/// sec::request_timeout.
template <class R, class Self, class Handle, class Ok, class Err, class... Ts>
void timed_request(Self* self, deadline_set& ds,
                   std::optional<caf::actor_clock::time_point>& armed, const Handle& h,
                   caf::timespan timeout, Ok ok, Err err, Ts&&... xs) {
  auto on_err = std::make_shared<Err>(std::move(err));
  auto token = ds.add(self->clock().now() + timeout, [on_err] {
    caf::error e = caf::make_error(caf::sec::request_timeout);
    (*on_err)(e);
  });
  arm_deadlines(self, ds, armed);
  auto* dsp = &ds; // lives in the actor's state, as long as these handlers
  self->request(h, caf::infinite, std::forward<Ts>(xs)...)
    .then(
      [dsp, token, ok](R& r) mutable {
        if (dsp->complete(token))
          ok(r);
      },
      [dsp, token, on_err](caf::error& e) {
        if (dsp->complete(token))
          (*on_err)(e);
      });
}

} // namespace om
