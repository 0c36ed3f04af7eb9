#include "runtime/supervision/supervisor.hpp"
#include "runtime/clock.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <random>
#include <unordered_map>

namespace om::sup {

const char* to_string(strategy x) {
  static constexpr const char* names[] = {"one_for_one", "one_for_all", "rest_for_one",
                                          "simple_one_for_one"};
  return names[static_cast<size_t>(x)];
}

const char* to_string(child_kind x) {
  static constexpr const char* names[] = {"permanent", "transient", "temporary"};
  return names[static_cast<size_t>(x)];
}

const char* to_string(child_state x) {
  static constexpr const char* names[] = {"running", "restarting", "stopping", "stopped"};
  return names[static_cast<size_t>(x)];
}

bool operator==(const child_info& a, const child_info& b) {
  return a.name == b.name && a.kind == b.kind && a.state == b.state && a.actor_id == b.actor_id
         && a.node == b.node && a.restarts == b.restarts && a.last_failure == b.last_failure
         && a.last_failure_ns == b.last_failure_ns && a.is_supervisor == b.is_supervisor
         && a.handle == b.handle;
}

bool operator==(const supervisor_report& a, const supervisor_report& b) {
  return a.name == b.name && a.strat == b.strat && a.max_restarts == b.max_restarts
         && a.period_ns == b.period_ns && a.total_restarts == b.total_restarts
         && a.shutting_down == b.shutting_down && a.dynamic_started == b.dynamic_started
         && a.dynamic_ended == b.dynamic_ended && a.children == b.children;
}

caf::timespan backoff_delay(const backoff_policy& p, uint32_t n) {
  if (p.initial.count() <= 0 || n == 0)
    return caf::timespan{0};
  double d = static_cast<double>(p.initial.count());
  for (uint32_t i = 1; i < n && d < static_cast<double>(p.max.count()); ++i)
    d *= p.multiplier;
  d = std::min(d, static_cast<double>(p.max.count()));
  return caf::timespan{static_cast<caf::timespan::rep>(d)};
}

namespace {

using restart_tick_atom = caf::atom_constant<caf::atom("omrestart")>;
using stop_timeout_atom = caf::atom_constant<caf::atom("omstoptmo")>;

bool is_normal(const caf::error& reason) {
  return !reason || reason == caf::exit_reason::normal;
}

bool is_shutdown(const caf::error& reason) {
  return is_normal(reason) || reason == caf::exit_reason::user_shutdown;
}


struct child_rec {
  uint64_t key = 0; // start order
  std::string user_key; // keyed dynamic children: the caller's key
  size_t spec = 0;
  caf::message args;
  std::string name;
  caf::actor handle;
  child_state state = child_state::stopped;
  uint32_t restarts = 0;
  uint32_t consecutive = 0;
  caf::actor_clock::time_point started_at;
  std::string last_failure;
  int64_t last_failure_ns = 0;
  uint64_t gen = 0; // bumped on every start: stale timers and deferred events are ignored
};

class supervisor_state {
public:
  static inline const char* name = "om.supervisor";

  void init(caf::stateful_actor<supervisor_state>* self, supervisor_flags flags,
            std::vector<child_spec> specs) {
    self_ = self;
    flags_ = std::move(flags);
    specs_ = std::move(specs);
    rng_.seed(flags_.seed);
  }

  caf::behavior make_behavior() {
    self_->set_exit_handler([this](caf::exit_msg& m) { on_exit(m); });
    self_->set_down_handler([this](caf::down_msg& m) { on_down(m); });
    if (dynamic() && specs_.size() != 1) {
      self_->quit(make_error(errc::invalid_argument,
                             flags_.name + ": simple_one_for_one needs exactly one child spec"));
      return {};
    }
    if (!dynamic()) {
      for (size_t i = 0; i < specs_.size(); ++i) {
        child_rec rec;
        rec.key = i;
        rec.spec = i;
        rec.name = specs_[i].name;
        children_.emplace(rec.key, std::move(rec));
      }
      next_key_ = specs_.size();
      // Ordered start; a failure stops what already started, then fails upward.
      for (auto& [key, rec] : children_) {
        if (auto err = start(rec)) {
          auto reason = make_error(errc::child_start_failed,
                                   flags_.name + "/" + rec.name + ": " + describe(err));
          shutdown(std::move(reason));
          break;
        }
      }
    }
    return {
      [this](describe_atom) { return report(); },
      [this](start_child_atom, caf::message& args) -> caf::result<caf::actor> {
        return start_dynamic(std::move(args));
      },
      [this](start_keyed_atom, std::string& key, caf::message& args, caf::actor& notify) {
        start_keyed(std::move(key), std::move(args), notify);
      },
      [this](route_atom, const std::string& key, caf::message& msg) { route(key, msg); },
      [this](broadcast_atom, caf::message& msg) {
        uint64_t n = 0;
        for (auto& [k, rec] : children_)
          if (rec.handle) {
            rec.handle->enqueue(caf::make_mailbox_element(nullptr, caf::make_message_id(),
                                                          {}, msg),
                                nullptr);
            ++n;
          }
        return n;
      },
      [this](restart_tick_atom, uint64_t token) { on_restart_tick(token); },
      [this](stop_timeout_atom, uint64_t key, uint64_t gen) { on_stop_timeout(key, gen); },
    };
  }

private:
  bool dynamic() const { return flags_.strat == strategy::simple_one_for_one; }

  // -- starting ----------------------------------------------------------------

  caf::error start(child_rec& rec, bool restarting = false) {
    auto& spec = specs_[rec.spec];
    caf::expected<caf::actor> h = caf::actor{};
    try {
      auto& fn = restarting && spec.restart ? spec.restart : spec.start;
      h = fn(self_->system(), rec.args);
    } catch (const std::exception& e) {
      h = make_error(errc::actor_exception, e.what());
    }
    ++rec.gen;
    if (!h || !*h) {
      rec.state = child_state::stopped;
      rec.handle = nullptr;
      return h ? make_error(errc::child_start_failed, "start function returned no actor")
               : h.error();
    }
    rec.handle = *h;
    rec.state = child_state::running;
    rec.started_at = self_->clock().now();
    by_addr_[rec.handle.address()] = rec.key;
    // The down message is what we act on: a child told to exit unlinks from
    // its sender first, so no exit message comes back for stops we ordered.
    // The link makes children die with a supervisor that is killed. Monitor
    // first: attachables fire newest first, so a crashing child's exit
    // message reaches us before its down message, never after.
    // Dynamic pools are not linked: CAF removes a link from this actor's
    // attachable list by a linear scan, which makes every child exit O(live
    // children). Pool children are stopped explicitly on shutdown; a pool
    // killed outright leaves them to finish on their own.
    self_->monitor(rec.handle);
    if (!dynamic())
      self_->link_to(rec.handle);
    return caf::none;
  }

  caf::result<caf::actor> start_dynamic(caf::message args) {
    if (!dynamic())
      return make_error(errc::not_supported, flags_.name + ": not a dynamic pool");
    if (shutting_down_)
      return make_error(errc::supervisor_shutting_down, flags_.name);
    child_rec rec;
    rec.key = next_key_++;
    rec.spec = 0;
    rec.args = std::move(args);
    rec.name = specs_[0].name + "#" + std::to_string(rec.key);
    auto [it, _] = children_.emplace(rec.key, std::move(rec));
    if (auto err = start(it->second)) {
      children_.erase(it);
      return make_error(errc::child_start_failed, flags_.name + "/" + specs_[0].name + ": "
                                                    + describe(err));
    }
    ++dynamic_started_;
    return it->second.handle;
  }

  void start_keyed(std::string key, caf::message args, const caf::actor& notify) {
    auto fail = [&](caf::error err) {
      if (notify)
        self_->send(notify, child_start_failed{key, std::move(err), args});
    };
    if (!dynamic())
      return fail(make_error(errc::not_supported, flags_.name + ": not a dynamic pool"));
    if (shutting_down_)
      return fail(make_error(errc::supervisor_shutting_down, flags_.name));
    if (by_user_key_.count(key) > 0)
      return fail(make_error(errc::already_exists, flags_.name + ": a child has key " + key));
    child_rec rec;
    rec.key = next_key_++;
    rec.spec = 0;
    rec.args = args;
    rec.user_key = key;
    rec.name = specs_[0].name + "#" + key;
    auto [it, _] = children_.emplace(rec.key, std::move(rec));
    if (auto err = start(it->second)) {
      children_.erase(it);
      return fail(make_error(errc::child_start_failed,
                             flags_.name + "/" + specs_[0].name + "#" + key + ": " + describe(err)));
    }
    by_user_key_.emplace(std::move(key), it->first);
    ++dynamic_started_;
  }

  void route(const std::string& key, caf::message& msg) {
    auto* e = self_->current_mailbox_element();
    auto i = by_user_key_.find(key);
    caf::actor target;
    if (i != by_user_key_.end())
      if (auto c = children_.find(i->second); c != children_.end())
        target = c->second.handle;
    if (!target) {
      if (e->mid.is_request()) {
        // Answer in the requester's name: it waits for exactly one response.
        auto err = make_error(errc::not_found, flags_.name + ": no running child " + key);
        self_->make_response_promise().deliver(std::move(err));
        return;
      }
      if (auto to = caf::actor_cast<caf::actor>(e->sender))
        self_->send(to, child_not_found{key, std::move(msg)});
      return;
    }
    // Forward with the original sender and request id (a delegation): the
    // child answers the requester directly.
    auto mid = e->mid;
    target->enqueue(caf::make_mailbox_element(std::move(e->sender), mid, std::move(e->stages),
                                              std::move(msg)),
                    self_->context());
    if (mid.is_request())
      e->mid.mark_as_answered();
  }

  // -- exits -------------------------------------------------------------------

  void on_exit(caf::exit_msg& m) {
    // A child's own exit: its down message follows and is handled there.
    if (by_addr_.count(m.source) > 0)
      return;
    // Not a child: our parent or someone with authority tells us to stop.
    if (!shutting_down_)
      shutdown(m.reason ? m.reason : caf::error{caf::exit_reason::user_shutdown});
  }

  void on_down(caf::down_msg& m) {
    auto i = by_addr_.find(m.source);
    if (i == by_addr_.end())
      return;
    auto key = i->second;
    by_addr_.erase(i);
    auto c = children_.find(key);
    if (c == children_.end())
      return;
    auto& rec = c->second;
    bool expected = rec.state == child_state::stopping;
    rec.handle = nullptr;
    rec.state = child_state::stopped;
    if (!is_shutdown(m.reason) && !(expected && m.reason == caf::exit_reason::kill)) {
      rec.last_failure = describe(m.reason);
      rec.last_failure_ns = wall_ns();
    }
    if (expected) {
      if (awaiting_ == key)
        stop_next();
      return;
    }
    if (sequence_active_ || shutting_down_) {
      // Deal with it once the current stop sequence is done.
      deferred_.push_back(deferred{key, rec.gen, m.reason});
      return;
    }
    on_child_ended(rec, m.reason);
  }

  void on_child_ended(child_rec& rec, const caf::error& reason) {
    auto& spec = specs_[rec.spec];
    bool restart = spec.kind == child_kind::permanent
                   || (spec.kind == child_kind::transient && !is_shutdown(reason));
    if (!restart) {
      forget_if_done(rec);
      return;
    }
    if (!note_restart()) {
      auto why = make_error(errc::restart_intensity_exceeded,
                            flags_.name + ": more than " + std::to_string(flags_.max_restarts)
                              + " restarts in "
                              + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                 flags_.period)
                                                 .count())
                              + " ms; last: " + rec.name + " " + describe(reason));
      shutdown(std::move(why));
      return;
    }
    // Backoff grows with consecutive failures of a child that never got stable.
    if (self_->clock().now() - rec.started_at >= flags_.backoff.reset_after)
      rec.consecutive = 0;
    ++rec.consecutive;
    ++rec.restarts;
    ++total_restarts_;
    auto delay = jittered(backoff_delay(flags_.backoff, rec.consecutive));
    switch (flags_.strat) {
      case strategy::one_for_one:
      case strategy::simple_one_for_one:
        schedule_restart({rec.key}, delay);
        break;
      case strategy::one_for_all:
      case strategy::rest_for_one: {
        std::vector<uint64_t> group; // in start order
        for (auto& [k, r] : children_)
          if (flags_.strat == strategy::one_for_all || k >= rec.key)
            group.push_back(k);
        std::vector<uint64_t> to_stop(group.rbegin(), group.rend());
        stop_sequence(std::move(to_stop), [this, group, delay, failed = rec.key] {
          std::vector<uint64_t> again;
          for (auto k : group) {
            auto c = children_.find(k);
            if (c == children_.end())
              continue;
            // Siblings stopped by the group action: temporary ones are dropped.
            if (k != failed && specs_[c->second.spec].kind == child_kind::temporary) {
              children_.erase(c);
              continue;
            }
            again.push_back(k);
          }
          schedule_restart(std::move(again), delay);
        });
        break;
      }
    }
  }

  void forget_if_done(child_rec& rec) {
    if (dynamic()) {
      ++dynamic_ended_;
      if (!rec.user_key.empty())
        by_user_key_.erase(rec.user_key);
      children_.erase(rec.key);
    } else if (specs_[rec.spec].kind == child_kind::temporary) {
      children_.erase(rec.key);
    }
  }

  bool note_restart() {
    auto now = self_->clock().now();
    restart_times_.push_back(now);
    while (!restart_times_.empty() && now - restart_times_.front() > flags_.period)
      restart_times_.pop_front();
    return restart_times_.size() <= flags_.max_restarts;
  }

  caf::timespan jittered(caf::timespan d) {
    if (d.count() <= 0 || flags_.backoff.jitter <= 0)
      return d;
    std::uniform_real_distribution<double> dist{-flags_.backoff.jitter, flags_.backoff.jitter};
    auto x = static_cast<double>(d.count()) * (1.0 + dist(rng_));
    return caf::timespan{static_cast<caf::timespan::rep>(std::max(0.0, x))};
  }

  // -- restarting ----------------------------------------------------------------

  void schedule_restart(std::vector<uint64_t> keys, caf::timespan delay) {
    for (auto k : keys)
      if (auto c = children_.find(k); c != children_.end())
        c->second.state = child_state::restarting;
    if (delay.count() <= 0) {
      restart(keys);
      return;
    }
    auto token = next_token_++;
    pending_restarts_.emplace(token, std::move(keys));
    self_->delayed_send(self_, delay, restart_tick_atom::value, token);
  }

  void on_restart_tick(uint64_t token) {
    auto i = pending_restarts_.find(token);
    if (i == pending_restarts_.end())
      return;
    auto keys = std::move(i->second);
    pending_restarts_.erase(i);
    if (!shutting_down_)
      restart(keys);
  }

  void restart(const std::vector<uint64_t>& keys) {
    for (auto k : keys) {
      auto c = children_.find(k);
      if (c == children_.end() || c->second.state != child_state::restarting)
        continue;
      if (auto err = start(c->second, true)) {
        // A failed restart counts as another failure of the child.
        c->second.last_failure = describe(err);
        c->second.last_failure_ns = wall_ns();
        on_child_ended(c->second, err);
        if (shutting_down_)
          return;
      }
    }
  }

  // -- stopping ----------------------------------------------------------------

  /// Stops `keys` one at a time in the given order, then runs `then`.
  void stop_sequence(std::vector<uint64_t> keys, std::function<void()> then) {
    sequence_active_ = true;
    stop_queue_.assign(keys.begin(), keys.end());
    then_ = std::move(then);
    stop_next();
  }

  void stop_next() {
    awaiting_.reset();
    while (!stop_queue_.empty()) {
      auto key = stop_queue_.front();
      stop_queue_.pop_front();
      auto c = children_.find(key);
      if (c == children_.end())
        continue;
      auto& rec = c->second;
      if (rec.state == child_state::restarting) {
        rec.state = child_state::stopped; // its pending restart is void
        continue;
      }
      if (rec.state != child_state::running)
        continue;
      rec.state = child_state::stopping;
      awaiting_ = key;
      self_->send_exit(rec.handle, caf::exit_reason::user_shutdown);
      self_->delayed_send(self_, specs_[rec.spec].shutdown_timeout, stop_timeout_atom::value,
                          key, rec.gen);
      return;
    }
    sequence_active_ = false;
    auto then = std::move(then_);
    then_ = nullptr;
    if (then)
      then();
    if (!sequence_active_ && !shutting_down_)
      replay_deferred();
  }

  void on_stop_timeout(uint64_t key, uint64_t gen) {
    auto c = children_.find(key);
    if (c == children_.end() || c->second.gen != gen || c->second.state != child_state::stopping)
      return;
    c->second.last_failure = "killed after shutdown timeout";
    c->second.last_failure_ns = wall_ns();
    self_->send_exit(c->second.handle, caf::exit_reason::kill);
  }

  void replay_deferred() {
    auto items = std::move(deferred_);
    deferred_.clear();
    for (auto& d : items) {
      auto c = children_.find(d.key);
      if (c == children_.end() || c->second.gen != d.gen
          || c->second.state != child_state::stopped)
        continue; // restarted or dropped by a group action meanwhile
      on_child_ended(c->second, d.reason);
      if (sequence_active_ || shutting_down_)
        return;
    }
  }

  /// Stops every child in reverse start order, then exits with `reason`.
  void shutdown(caf::error reason) {
    shutting_down_ = true;
    exit_reason_ = std::move(reason);
    pending_restarts_.clear();
    std::vector<uint64_t> all;
    for (auto i = children_.rbegin(); i != children_.rend(); ++i)
      if (!awaiting_ || i->first != *awaiting_)
        all.push_back(i->first);
    auto finish = [this] { self_->quit(exit_reason_); };
    if (sequence_active_ && awaiting_) {
      // Keep waiting for the child being stopped, then continue with the rest.
      stop_queue_.assign(all.begin(), all.end());
      then_ = finish;
      return;
    }
    stop_sequence(std::move(all), finish);
  }

  // -- describe ------------------------------------------------------------------

  supervisor_report report() const {
    supervisor_report r;
    r.name = flags_.name;
    r.strat = flags_.strat;
    r.max_restarts = flags_.max_restarts;
    r.period_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(flags_.period).count();
    r.total_restarts = total_restarts_;
    r.shutting_down = shutting_down_;
    r.dynamic_started = dynamic_started_;
    r.dynamic_ended = dynamic_ended_;
    r.mailbox = self_->mailbox().size();
    for (auto& [k, rec] : children_) {
      child_info ci;
      ci.name = rec.name;
      ci.kind = specs_[rec.spec].kind;
      ci.state = rec.state;
      ci.actor_id = rec.handle ? rec.handle.id() : 0;
      ci.node = rec.handle ? caf::to_string(rec.handle.node()) : std::string{};
      ci.restarts = rec.restarts;
      ci.last_failure = rec.last_failure;
      ci.last_failure_ns = rec.last_failure_ns;
      ci.is_supervisor = specs_[rec.spec].is_supervisor;
      ci.handle = rec.handle;
      r.children.push_back(std::move(ci));
    }
    return r;
  }

  struct deferred {
    uint64_t key;
    uint64_t gen;
    caf::error reason;
  };

  caf::stateful_actor<supervisor_state>* self_ = nullptr;
  supervisor_flags flags_;
  std::vector<child_spec> specs_;
  std::map<uint64_t, child_rec> children_; // key order = start order
  std::unordered_map<caf::actor_addr, uint64_t> by_addr_;
  std::unordered_map<std::string, uint64_t> by_user_key_; // keyed dynamic children
  uint64_t next_key_ = 0;
  std::deque<caf::actor_clock::time_point> restart_times_;
  uint64_t total_restarts_ = 0;
  uint64_t dynamic_started_ = 0;
  uint64_t dynamic_ended_ = 0;
  std::mt19937_64 rng_;
  std::map<uint64_t, std::vector<uint64_t>> pending_restarts_;
  uint64_t next_token_ = 1;
  bool sequence_active_ = false;
  std::deque<uint64_t> stop_queue_;
  std::optional<uint64_t> awaiting_;
  std::function<void()> then_;
  std::vector<deferred> deferred_;
  bool shutting_down_ = false;
  caf::error exit_reason_;
};

caf::behavior supervisor_impl(caf::stateful_actor<supervisor_state>* self,
                              supervisor_flags flags, std::vector<child_spec> children) {
  self->state.init(self, std::move(flags), std::move(children));
  return self->state.make_behavior();
}

} // namespace

caf::actor spawn_supervisor(caf::actor_system& sys, supervisor_flags flags,
                            std::vector<child_spec> children) {
  return sys.spawn(supervisor_impl, std::move(flags), std::move(children));
}

start_fn supervisor_starter(supervisor_flags flags, std::vector<child_spec> children) {
  return [flags, children](caf::actor_system& sys,
                           const caf::message&) -> caf::expected<caf::actor> {
    return spawn_supervisor(sys, flags, children);
  };
}

void keep_exception_text(caf::scheduled_actor* self) {
  self->set_exception_handler([](caf::scheduled_actor*, std::exception_ptr& eptr) -> caf::error {
    try {
      std::rethrow_exception(eptr);
    } catch (const std::exception& e) {
      return make_error(errc::actor_exception, e.what());
    } catch (...) {
      return make_error(errc::actor_exception, "non-standard exception");
    }
  });
}

} // namespace om::sup
