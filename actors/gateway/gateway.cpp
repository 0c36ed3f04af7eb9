#include "actors/gateway/gateway.hpp"
#include "runtime/clock.hpp"

#include "actors/directory/directory.hpp"
#include "actors/gateway/circuit_breaker.hpp"
#include "actors/gateway/controls.hpp"
#include "actors/gateway/intake.hpp"
#include "actors/gateway/validation.hpp"
#include "actors/risk/risk_actor.hpp"
#include "actors/store/store_actor.hpp"
#include "actors/venue/venue_relay.hpp"
#include "runtime/cluster/placement.hpp"
#include "runtime/log/log.hpp"
#include "runtime/model/latency_histogram.hpp"
#include "runtime/refdata/refdata.hpp"
#include "runtime/store/store.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <array>
#include <deque>
#include <map>
#include <type_traits>
#include <unordered_map>
#include <variant>

namespace om {

namespace {

using namespace std::chrono_literals;

/// A command that arrived while warming, handled once ready (in order).
using deferred_command = std::variant<submit_order, cancel_order, amend_order>;

struct gateway_state {
  static inline const char* name = "om.gateway";
  gateway_options opts;
  intake_index intake;
  trading_controls controls; // restored while warming, before any admission
  uint64_t next_seq = 0;
  std::unordered_map<std::string, caf::actor> handles; // "kind/key" -> actor
  gateway_stats stats;
  std::map<std::pair<reject_stage, reject_code>, uint64_t> rejects;
  // Orders ended, by final status (indexed by ord_status; named in stats()).
  std::array<uint64_t, static_cast<size_t>(ord_status::expired) + 1> finished{};
  latency_histogram risk_rtt, risk_check; // fixed memory, ns
  deadline_set deadlines;
  std::optional<caf::actor_clock::time_point> deadline_armed;
  // Submits waiting for the durable record of a key the intake may have seen.
  std::unordered_map<std::string, std::vector<submit_order>> lookups;
  // Warming: commands that arrived before the intake knew its history.
  std::vector<deferred_command> deferred;
  std::optional<breaker_board> breakers;
  // Admitted orders held while the breaker of their scope is open, by scope.
  std::map<std::string, std::deque<std::pair<submit_order, order_snapshot>>> breaker_held;
  bool breaker_tick_armed = false;
  // Cluster: where risk shards live, and orders held for an unreachable one.
  placement place;
  struct held_order {
    order_snapshot s;
    instrument inst;
    submit_order x;
    caf::actor_clock::time_point since; // first held (actor clock)
  };
  std::vector<held_order> held;
  bool hold_retry_scheduled = false;
  // Market data: instruments paused by a volatility spike (by id; the
  // pause lapses at until_ns unless renewed), and orders held for them.
  std::unordered_map<std::string, instrument_paused> paused;
  struct volatility_hold {
    submit_order x;
    order_snapshot s;
    instrument inst;
    int64_t since_ns;
  };
  std::unordered_map<std::string, std::deque<volatility_hold>> vol_held;
  bool pause_tick_armed = false;
  std::shared_ptr<spdlog::logger> log = log::get("gateway");
};

using gw_ptr = gateway_actor::stateful_pointer<gateway_state>;

/// Calls `f(handle)` with the directory's handle for (kind, key), cached
/// until the actor goes down; `fail(error)` if there is none.
template <class F, class G>
void with_handle(gw_ptr self, const std::string& kind, const std::string& key, F f, G fail) {
  auto ck = kind + "/" + key;
  if (auto i = self->state.handles.find(ck); i != self->state.handles.end()) {
    f(i->second);
    return;
  }
  auto dir = find_directory(self->system());
  if (!dir) {
    auto err = make_error(errc::not_found, "no directory on this node");
    fail(err);
    return;
  }
  self->request(dir, 1s, resolve_atom::value, kind, key)
    .then(
      [self, ck, f](caf::actor h) mutable {
        self->monitor(h);
        self->state.handles[ck] = h;
        f(h);
      },
      [fail](caf::error& err) mutable { fail(err); });
}


/// A cached handle of a per-node service (null until resolved).
template <class Handle>
Handle cached(gw_ptr self, const char* kind) {
  auto i = self->state.handles.find(std::string{kind} + "/");
  return i == self->state.handles.end() ? Handle{} : typed_entry<Handle>(i->second);
}

void audit(gw_ptr self, audit_record a) {
  with_handle(
    self, svc::store, "",
    [self, a](caf::actor store) {
      self->request(typed_entry<store_actor>(store), 10s, a)
        .then([](uint64_t) {},
              [self](caf::error& e) {
                self->state.log->error("event=audit_failed error={}", log::q(describe(e)));
              });
    },
    [self](caf::error& e) {
      self->state.log->error("event=audit_failed error={}", log::q(describe(e)));
    });
}


order_snapshot new_snapshot(gw_ptr self, const submit_order& x, int64_t received) {
  auto& st = self->state;
  order_snapshot s;
  // Unique across restarts: the node incarnation is part of the sequence.
  s.id = order_id::mint(st.opts.cfg.node.number, st.opts.node_incarnation, ++st.next_seq);
  s.clordid = x.clordid;
  s.strategy = x.strategy;
  s.symbol_as_sent = x.symbol;
  s.state.side = x.side;
  s.state.type = x.type;
  s.state.tif = x.tif;
  s.state.order_qty = x.qty;
  s.state.limit_px = x.type == ord_type::limit ? x.px : price{};
  s.state.leaves_qty = x.qty;
  s.venue_pin = x.venue;
  s.stages[stage::received] = received;
  return s;
}


int64_t now_s(gw_ptr self) {
  return std::chrono::duration_cast<std::chrono::seconds>(
           self->clock().now().time_since_epoch())
    .count();
}

/// Records an outcome in `scope`; a trip is logged, audited and re-checked
/// every second until the breaker closes.
void record_in(gw_ptr self, const std::string& scope, bool error) {
  auto& st = self->state;
  if (!st.breakers || !st.breakers->record(scope, now_s(self), error))
    return;
  auto* b = st.breakers->find(scope);
  auto why = std::to_string(b->errors()) + " of the last " + std::to_string(b->outcomes())
             + " orders failed downstream";
  st.log->error("scope={} event=circuit_open detail={} action=hold_new_orders", scope, log::q(why));
  audit_record a;
  a.kind = audit_kind::circuit_breaker;
  a.actor = "gateway/" + st.opts.cfg.node.id;
  a.detail = "opened " + scope + ": " + why;
  audit(self, std::move(a));
  if (!st.breaker_tick_armed) {
    st.breaker_tick_armed = true;
    self->delayed_send(self, std::chrono::seconds{1}, tick_atom::value);
  }
}

/// An outcome of the pipeline below the gateway, for the breakers of its
/// instrument and of the node's store. Only downstream errors count as
/// errors (circuit_breaker.hpp).
void record_outcome(gw_ptr self, reject_code code, const instrument_id& inst) {
  auto& b = self->state.breakers;
  if (!b)
    return;
  bool store_error = code == reject_code::persistence_failed;
  if (!inst.empty())
    record_in(self, b->instrument_scope(inst.value),
              circuit_breaker::is_downstream_error(code) && !store_error);
  static const std::string store_scope{"store"};
  record_in(self, store_scope, store_error);
}

/// The open breaker that holds new orders of `inst`, or "".
std::string holding_scope(gw_ptr self, const instrument_id& inst) {
  auto& b = self->state.breakers;
  if (!b || !b->any_open())
    return {};
  if (b->open("store"))
    return "store";
  auto& scope = b->instrument_scope(inst.value);
  return b->open(scope) ? scope : std::string{};
}

void count_reject(gw_ptr self, reject_code code, const instrument_id& inst) {
  ++self->state.stats.rejected;
  ++self->state.rejects[{stage_of(code), code}];
  if (circuit_breaker::is_downstream_error(code))
    record_outcome(self, code, inst);
}


/// The key's order id in the pool (the pool is keyed by order id).
std::string pool_key(order_id id) {
  return to_string(id);
}

/// Rejects an admitted order: its rejected snapshot and its idempotency
/// record are written together first, so a retry finds them.
void reject(gw_ptr self, order_snapshot s, const caf::actor& reply_to, reject_code code,
            std::string message, bool record_key = true) {
  auto& st = self->state;
  count_reject(self, code, s.instrument);
  s.state.status = ord_status::rejected;
  s.state.leaves_qty = quantity{};
  s.reject_reason = std::string{to_string(code)} + ": " + message;
  s.stages[stage::done] = wall_ns();
  st.log->warn("order_id={} strategy={} clordid={} event=rejected stage={} code={} message={}",
               to_string(s.id), s.strategy.value, s.clordid.value, to_string(stage_of(code)),
               to_string(code), log::q(message));
  auto ev = make_event(event_kind::rejected, s);
  ev.stage = stage_of(code);
  ev.code = code;
  ev.message = std::move(message);
  auto key = idempotency_key(s.strategy, s.clordid);
  persist_order req;
  req.fence = fence{st.opts.node_incarnation << 32, 1};
  req.snap = s;
  req.fresh = true;
  if (record_key) {
    req.has_idempotency = true;
    auto* live = st.intake.find(key);
    req.idempotency = idempotency_record{s.strategy, s.clordid, s.id, s.stages[stage::received],
                                         live ? live->digest : 0};
  }
  auto store = cached<store_actor>(self, svc::store);
  // Either way the key may be on disk now: a retry reads what landed.
  auto done = [self, key, reply_to](order_event e) {
    self->state.intake.end(key);
    caf::anon_send(reply_to, std::move(e));
  };
  if (!store) {
    ev.message += " (not stored: no store actor)";
    done(std::move(ev));
    return;
  }
  self->request(store, 10s, std::move(req))
    .then([done, ev](fence) { done(ev); },
          [done, ev](caf::error& err) {
            auto e = ev;
            e.message += " (not stored: " + describe(err) + ")";
            done(std::move(e));
          });
}

/// Without an id or a record: a syntax failure before the idempotency step.
void reject_unrecorded(gw_ptr self, const submit_order& x, reject_code code, std::string msg) {
  count_reject(self, code, instrument_id{});
  order_event ev;
  ev.kind = event_kind::rejected;
  ev.clordid = x.clordid;
  ev.strategy = x.strategy;
  ev.status = ord_status::rejected;
  ev.order_qty = x.qty;
  ev.stage = stage_of(code);
  ev.code = code;
  ev.message = std::move(msg);
  ev.ts_ns = wall_ns();
  self->state.log->warn("strategy={} clordid={} event=rejected stage={} code={} message={}",
                        x.strategy.value, x.clordid.value, to_string(ev.stage), to_string(code),
                        log::q(ev.message));
  caf::anon_send(x.reply_to, std::move(ev));
}


void run_stages(gw_ptr self, const submit_order& x, order_snapshot s);
void real_time_stage(gw_ptr self, const submit_order& x, order_snapshot s, const instrument& inst);
bool pause_blocks(gw_ptr self, const submit_order& x, order_snapshot& s, const instrument& inst);
void on_submit(gw_ptr self, const submit_order& x);

/// Answers a retry of a live order with its current state: from its actor
/// (through the pool), or as pending while it is being admitted.
void reply_duplicate_live(gw_ptr self, const submit_order& x, const intake_index::live_entry& e) {
  auto& st = self->state;
  ++st.stats.duplicates;
  auto send_snapshot = [reply_to = x.reply_to](const order_snapshot& s) {
    auto ev = make_event(event_kind::duplicate, s);
    if (s.state.status == ord_status::rejected)
      ev.message = s.reject_reason;
    caf::anon_send(reply_to, std::move(ev));
  };
  order_snapshot pending;
  pending.id = e.id;
  pending.clordid = x.clordid;
  pending.strategy = x.strategy;
  pending.state.order_qty = x.qty;
  pending.state.leaves_qty = x.qty;
  auto pool = cached<sup::supervisor_actor>(self, svc::orders);
  if (!e.started || !pool) {
    send_snapshot(pending);
    return;
  }
  // The pool delegates to the order actor, which answers us directly. This
  // one request is untyped: the pool forwards any message.
  self->request(caf::actor_cast<caf::actor>(pool), 1s, sup::route_atom::value, pool_key(e.id),
                caf::make_message(get_state_atom::value))
    .then([send_snapshot](order_snapshot& s) { send_snapshot(s); },
          [send_snapshot, pending](caf::error&) {
            // Ended or restarting this instant: its last state is on its way
            // to the store; report what the intake knows.
            send_snapshot(pending);
          });
}

/// A retry of a key recorded durably: the order's state from the store.
void reply_duplicate_stored(gw_ptr self, const submit_order& x, const idempotency_record& rec) {
  auto& st = self->state;
  ++st.stats.duplicates;
  auto store = cached<store_actor>(self, svc::store);
  self->request(store, 10s, load_order_atom::value, rec.order)
    .then(
      [reply_to = x.reply_to](loaded_order& l) {
        auto ev = make_event(event_kind::duplicate, l.snap);
        if (l.snap.state.status == ord_status::rejected)
          ev.message = l.snap.reject_reason;
        caf::anon_send(reply_to, std::move(ev));
      },
      [self, x, rec](caf::error& err) {
        auto& st = self->state;
        if (code_of(err) == errc::not_found) {
          // Recorded without its order (written by an older version, which
          // recorded keys before processing): process it now, once, under
          // the id it was given.
          --st.stats.duplicates;
          st.log->warn("order_id={} clordid={} event=resumed_unprocessed", to_string(rec.order),
                       x.clordid.value);
          auto s = new_snapshot(self, x, wall_ns());
          s.id = rec.order;
          auto key = idempotency_key(x.strategy, x.clordid);
          st.intake.admit(key, s.id, rec.terms_digest);
          s.review_reason.clear();
          run_stages(self, x, std::move(s));
          return;
        }
        reject_unrecorded(self, x, reject_code::persistence_failed,
                          "clordid: recorded as " + to_string(rec.order)
                            + " but its state cannot be read: " + describe(err));
      });
}

/// The intake may have seen the key: read its durable record. Submits of
/// the same key wait behind the first look-up.
void look_up(gw_ptr self, const submit_order& x, const std::string& key) {
  auto& st = self->state;
  auto& waiting = st.lookups[key];
  waiting.push_back(x);
  if (waiting.size() > 1)
    return;
  auto store = cached<store_actor>(self, svc::store);
  auto finish = [self, key](const caf::expected<idempotency_record>& rec) {
    auto& st = self->state;
    auto waiting = std::move(st.lookups[key]);
    st.lookups.erase(key);
    for (auto& w : waiting) {
      auto digest = terms_digest(w);
      if (rec) {
        if (rec->terms_digest != digest) {
          reject_unrecorded(self, w, reject_code::duplicate_different_terms,
                            "clordid: '" + w.clordid.value + "' was used for "
                              + to_string(rec->order) + " with other terms");
          continue;
        }
        if (auto* live = st.intake.find(key)) {
          reply_duplicate_live(self, w, *live);
          continue;
        }
        reply_duplicate_stored(self, w, *rec);
        continue;
      }
      if (code_of(rec.error()) == errc::not_found) {
        if (auto* live = st.intake.find(key)) {
          reply_duplicate_live(self, w, *live); // recovered, record missing
          continue;
        }
        on_submit(self, w); // a false positive of the filter: fresh
        continue;
      }
      reject_unrecorded(self, w, reject_code::persistence_failed,
                        "idempotency: " + describe(rec.error()));
    }
  };
  self->request(store, 10s, load_idem_atom::value, key)
    .then([finish](idempotency_record& rec) { finish(rec); },
          [finish](caf::error& err) { finish(caf::expected<idempotency_record>{err}); });
}

/// Starts the order actor in the pool: one message, no reply (a failure
/// comes back as child_start_failed).
void start_order(gw_ptr self, order_snapshot s, const instrument& inst, const caf::actor& reply_to,
                 const risk_actor& risk, bool recover = false) {
  auto& st = self->state;
  auto key = idempotency_key(s.strategy, s.clordid);
  auto pool = cached<sup::supervisor_actor>(self, svc::orders);
  order_start a;
  a.inst = inst;
  a.strategy = reply_to;
  a.gateway = self;
  a.risk = risk;
  a.router = cached<router_actor>(self, svc::router);
  a.store = cached<store_actor>(self, svc::store);
  a.post_trade = cached<post_trade_actor>(self, svc::post_trade);
  a.venue_relay = cached<venue_relay_actor>(self, "venue_relay");
  a.node_incarnation = st.opts.node_incarnation;
  a.fault_injection = st.opts.fault_injection;
  a.recover = recover;
  if (!recover) {
    auto* live = st.intake.find(key);
    a.has_idempotency = true;
    a.idempotency = idempotency_record{s.strategy, s.clordid, s.id, s.stages[stage::received],
                                       live ? live->digest : 0};
  }
  if (!pool || !a.store || !a.router) {
    if (!recover)
      caf::anon_send(risk, risk_release{s.id, false, {}});
    reject(self, std::move(s), reply_to, reject_code::persistence_failed,
           "cannot start the order: the order pool, store or router is not running");
    return;
  }
  auto id = s.id;
  a.snap = std::move(s);
  self->send(pool, sup::start_keyed_atom::value, pool_key(id), caf::make_message(std::move(a)),
             caf::actor_cast<caf::actor>(self));
  st.intake.mark_started(key);
  ++st.stats.started;
}

/// The pool could not start an order actor: the order never ran, so the
/// gateway gives its reservation back and rejects it.
void on_start_failed(gw_ptr self, const sup::child_start_failed& f) {
  auto& st = self->state;
  st.log->error("order_id={} event=start_failed error={}", f.key, log::q(describe(f.reason)));
  if (!f.args.match_elements<order_start>())
    return;
  auto& a = f.args.get_as<order_start>(0);
  if (a.recover)
    return; // a recovered order stays open in the store: the next start retries it
  if (a.risk)
    caf::anon_send(a.risk, risk_release{a.snap.id, false, {}});
  reject(self, a.snap, a.strategy, reject_code::persistence_failed,
         "cannot start the order: " + describe(f.reason));
}

/// No risk actor for the instrument: in a cluster its node is down or not
/// joined. Policy hold: the order waits (hold_timeout) for the shard to come
/// back; otherwise, or after that, it is rejected naming the node.
using held_since = std::optional<caf::actor_clock::time_point>;

void risk_unreachable(gw_ptr self, order_snapshot s, const instrument& inst,
                      const submit_order& x, const caf::error& err, held_since since,
                      bool restoring = false) {
  auto& st = self->state;
  auto& cl = st.opts.cfg.cluster;
  if (!cl.enabled) {
    reject(self, s, x.reply_to, reject_code::risk_unavailable, "risk: " + describe(err));
    return;
  }
  auto& node = st.place.risk_node(inst.id.value);
  auto what = restoring ? ", which is still restoring its state" : ", which is unreachable";
  auto now = self->clock().now();
  auto first = since ? *since : now;
  auto waited = now - first;
  if (cl.on_unreachable == unreachable_policy::hold && waited < cl.hold_timeout) {
    if (!since)
      st.log->warn("order_id={} instrument={} node={} event=held_for_risk_shard",
                   to_string(s.id), inst.id.value, node);
    st.held.push_back(gateway_state::held_order{std::move(s), inst, x, first});
    if (!st.hold_retry_scheduled) {
      st.hold_retry_scheduled = true;
      self->delayed_send(self, 100ms, retry_atom::value);
    }
    return;
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(waited).count();
  reject(self, s, x.reply_to, reject_code::node_unreachable,
         "risk: the risk shard of " + inst.id.value + " lives on node " + node + what
           + (cl.on_unreachable == unreachable_policy::hold
                ? " (held " + std::to_string(ms) + " ms)"
                : std::string{}));
}


void risk_stage(gw_ptr self, order_snapshot s, instrument inst, const submit_order& x,
                held_since since = std::nullopt);

void retry_held(gw_ptr self) {
  auto& st = self->state;
  st.hold_retry_scheduled = false;
  auto held = std::move(st.held);
  st.held.clear();
  for (auto& h : held)
    risk_stage(self, std::move(h.s), std::move(h.inst), h.x, h.since);
}


void risk_stage(gw_ptr self, order_snapshot s, instrument inst, const submit_order& x,
                held_since since) {
  auto reply_to = x.reply_to;
  risk_check_request req{s.id, x.strategy, x.side, x.type, x.qty, s.state.limit_px};
  with_handle(
    self, svc::risk, inst.id.value,
    [self, s, inst, req, reply_to, x, since](caf::actor h) {
      auto risk = typed_entry<risk_actor>(h);
      auto t0 = mono_ns();
      auto& st = self->state;
      timed_request<risk_verdict_msg>(self, st.deadlines, st.deadline_armed,
                                      risk,
                                      st.opts.cfg.gateway.risk_timeout,
          [self, s, inst, reply_to, risk, t0, x, since](risk_verdict_msg& v) mutable {
            auto& st = self->state;
            st.risk_rtt.record(mono_ns() - t0);
            st.risk_check.record(v.check_ns);
            s.stages[stage::risk_checked] = wall_ns();
            if (v.code == reject_code::risk_unavailable && st.opts.cfg.cluster.enabled) {
              // A shard that just came back and is rebuilding: like its node
              // being away a little longer (hold or reject, not a breaker trip).
              risk_unreachable(self, std::move(s), inst, x, caf::error{}, since, true);
              return;
            }
            if (v.code != reject_code::none) {
              reject(self, s, reply_to, v.code, v.message);
              return;
            }
            s.arrival_px = v.reference;
            s.arrival_source = v.source;
            start_order(self, std::move(s), inst, reply_to, risk);
          },
          [self, s, inst, reply_to, risk, x, since](caf::error& err) mutable {
            auto& st = self->state;
            bool timeout = err == caf::sec::request_timeout;
            bool trades_on = timeout
                             && st.opts.cfg.gateway.on_risk_timeout
                                  == risk_timeout_policy::bypass_and_flag;
            // The check may have reserved (late, or just before its node
            // went away): an order that will not trade gives that back.
            if (!trades_on)
              caf::anon_send(risk, risk_release{s.id, false, {}});
            if (!timeout && st.opts.cfg.cluster.enabled) {
              // The risk actor's node went away under the request.
              risk_unreachable(self, std::move(s), inst, x, err, since);
              return;
            }
            s.stages[stage::risk_checked] = wall_ns();
            if (!timeout) {
              reject(self, s, reply_to, reject_code::risk_unavailable, "risk: " + describe(err));
              return;
            }
            ++st.stats.risk_timeouts;
            auto ms = st.opts.cfg.gateway.risk_timeout.count();
            if (st.opts.cfg.gateway.on_risk_timeout == risk_timeout_policy::reject) {
              reject(self, s, reply_to, reject_code::risk_timeout,
                     "risk check for " + inst.id.value + " took longer than "
                       + std::to_string(ms) + " ms");
              return;
            }
            // Deliberate policy: trade on, flag for review, leave an audit trail.
            ++st.stats.flagged_for_review;
            s.flagged_for_review = true;
            s.review_reason = "risk check timed out after " + std::to_string(ms)
                              + " ms; policy bypass_and_flag";
            s.arrival_px = inst.prev_close;
            s.arrival_source = price_source::prev_close;
            audit_record a;
            a.kind = audit_kind::risk_bypass;
            a.actor = "gateway/" + st.opts.cfg.node.id;
            a.order = s.id;
            a.strategy = s.strategy;
            a.instrument = inst.id;
            a.detail = s.review_reason;
            audit(self, a);
            st.log->warn("order_id={} strategy={} event=risk_bypassed detail={}", to_string(s.id),
                         s.strategy.value, log::q(s.review_reason));
            start_order(self, std::move(s), inst, reply_to, risk);
          },
          req);
    },
    [self, s, inst, x, since](caf::error& err) { risk_unreachable(self, s, inst, x, err, since); });
}


void on_submit(gw_ptr self, const submit_order& x) {
  auto& st = self->state;
  auto received = wall_ns();
  ++st.stats.received;
  // Without these two there is no key to make the submit idempotent.
  if (x.strategy.empty())
    return reject_unrecorded(self, x, reject_code::missing_strategy, "strategy: required");
  if (x.clordid.empty())
    return reject_unrecorded(self, x, reject_code::missing_client_order_id, "clordid: required");
  // 0. Idempotency, from memory.
  auto key = idempotency_key(x.strategy, x.clordid);
  if (st.lookups.count(key) > 0)
    return look_up(self, x, key); // behind the look-up already under way
  auto digest = terms_digest(x);
  auto a = st.intake.classify(key, digest);
  switch (a.v) {
    case intake_index::verdict::duplicate:
      return reply_duplicate_live(self, x, *a.live);
    case intake_index::verdict::different_terms:
      return reject_unrecorded(self, x, reject_code::duplicate_different_terms,
                               "clordid: '" + x.clordid.value + "' is in use by "
                                 + to_string(a.live->id) + " with other terms");
    case intake_index::verdict::look_up:
      return look_up(self, x, key);
    case intake_index::verdict::fresh:
      break;
  }
  auto s = new_snapshot(self, x, received);
  st.intake.admit(key, s.id, digest);
  run_stages(self, x, std::move(s));
}

/// Stages 1-3 of an admitted submit.
void run_stages(gw_ptr self, const submit_order& x, order_snapshot s) {
  auto& st = self->state;
  // 1. Syntax.
  if (auto v = check_syntax(x); !v.ok())
    return reject(self, s, x.reply_to, v.code, v.message);
  s.stages[stage::syntax_checked] = wall_ns();
  // 2. Business.
  auto refdata = st.opts.refdata->current();
  auto b = check_business(x, *refdata, st.opts.cfg.risk);
  s.refdata_version = refdata->version();
  if (!b.ok())
    return reject(self, s, x.reply_to, b.code, b.message);
  s.instrument = b.inst->id;
  if (!x.venue.value.empty() && !st.opts.cfg.find_venue(x.venue))
    return reject(self, s, x.reply_to, reject_code::no_route,
                  "venue: '" + x.venue.value + "' is not a configured venue");
  s.stages[stage::business_checked] = wall_ns();
  // Held while its instrument's (or the store's) breaker is open; released
  // in order, through these stages again, when it closes.
  if (auto scope = holding_scope(self, s.instrument); !scope.empty()) {
    st.breaker_held[scope].emplace_back(x, std::move(s));
    return;
  }
  real_time_stage(self, x, std::move(s), *b.inst);
}

/// 3. Real time: trading controls, halts and volatility pauses, then risk.
void real_time_stage(gw_ptr self, const submit_order& x, order_snapshot s, const instrument& inst) {
  auto& st = self->state;
  if (auto* halt = st.controls.blocking(s.strategy))
    return reject(self, s, x.reply_to, reject_code::kill_switch,
                  "strategy: kill switch is on for "
                    + (halt->strategy.empty() ? std::string{"all strategies"} : halt->strategy.value)
                    + " (" + halt->detail + ", by " + halt->actor + ", audit "
                    + std::to_string(halt->sequence) + ")");
  if (inst.status == trading_status::halted)
    return reject(self, s, x.reply_to, reject_code::instrument_halted,
                  "symbol: " + inst.id.value + " is halted");
  if (!st.paused.empty() && pause_blocks(self, x, s, inst))
    return;
  risk_stage(self, std::move(s), inst, x);
}

// ------------------------------------------------------ volatility pauses

std::string pause_text(const instrument_paused& p) {
  return "symbol: " + p.instrument.value + " is paused: its mid moved " + to_string(p.range_bps)
         + " bps within the volatility window (threshold " + to_string(p.threshold_bps) + " bps)";
}

void arm_pause_tick(gw_ptr self) {
  auto& st = self->state;
  if (!st.pause_tick_armed) {
    st.pause_tick_armed = true;
    self->delayed_send(self, 50ms, pause_tick_atom::value);
  }
}

/// Holds or rejects an order for a paused instrument; false if the
/// instrument is not paused (or its pause lapsed).
bool pause_blocks(gw_ptr self, const submit_order& x, order_snapshot& s, const instrument& inst) {
  auto& st = self->state;
  auto i = st.paused.find(inst.id.value);
  if (i == st.paused.end())
    return false;
  auto now = wall_ns();
  if (now >= i->second.until_ns)
    return false; // lapsed: the tick releases what it held
  auto& md = st.opts.cfg.market_data;
  if (md.on_volatility == volatility_policy::reject) {
    ++st.stats.volatility_rejected;
    reject(self, s, x.reply_to, reject_code::volatility_pause, pause_text(i->second));
    return true;
  }
  st.log->info("order_id={} instrument={} event=held_for_volatility range_bps={}",
               to_string(s.id), inst.id.value, to_string(i->second.range_bps));
  ++st.stats.volatility_held;
  st.vol_held[inst.id.value].push_back(gateway_state::volatility_hold{x, std::move(s), inst, now});
  arm_pause_tick(self);
  return true;
}

/// Held orders of `inst` go on through the real-time stage again (a kill
/// switch set meanwhile still stops them), in arrival order.
void release_held(gw_ptr self, const std::string& inst) {
  auto& st = self->state;
  auto i = st.vol_held.find(inst);
  if (i == st.vol_held.end())
    return;
  auto q = std::move(i->second);
  st.vol_held.erase(i);
  if (!q.empty())
    st.log->info("instrument={} event=volatility_held_released orders={}", inst, q.size());
  for (auto& h : q) {
    ++st.stats.volatility_released;
    real_time_stage(self, h.x, std::move(h.s), h.inst);
  }
}

void on_paused(gw_ptr self, const instrument_paused& p) {
  auto& st = self->state;
  bool fresh = st.paused.find(p.instrument.value) == st.paused.end();
  st.paused[p.instrument.value] = p;
  if (fresh)
    st.log->warn("instrument={} event=volatility_pause range_bps={} threshold_bps={} policy={}",
                 p.instrument.value, to_string(p.range_bps), to_string(p.threshold_bps),
                 to_string(st.opts.cfg.market_data.on_volatility));
  arm_pause_tick(self);
}

void on_resumed(gw_ptr self, const instrument_resumed& r) {
  auto& st = self->state;
  if (st.paused.erase(r.instrument.value) > 0)
    st.log->info("instrument={} event=volatility_resumed", r.instrument.value);
  release_held(self, r.instrument.value);
}

/// Lapsed pauses end (their market-data actor stopped renewing them), and
/// orders held longer than max_hold are rejected.
void on_pause_tick(gw_ptr self) {
  auto& st = self->state;
  st.pause_tick_armed = false;
  auto now = wall_ns();
  std::vector<std::string> lapsed;
  for (auto& [inst, p] : st.paused)
    if (now >= p.until_ns)
      lapsed.push_back(inst);
  for (auto& inst : lapsed) {
    st.paused.erase(inst);
    st.log->warn("instrument={} event=volatility_pause_lapsed", inst);
    release_held(self, inst);
  }
  auto max_hold = static_cast<int64_t>(st.opts.cfg.market_data.max_hold.count()) * 1'000'000;
  for (auto& [inst, q] : st.vol_held) {
    while (!q.empty() && now - q.front().since_ns >= max_hold) {
      auto h = std::move(q.front());
      q.pop_front();
      ++st.stats.volatility_rejected;
      auto p = st.paused.find(inst);
      reject(self, h.s, h.x.reply_to, reject_code::volatility_pause,
             (p != st.paused.end() ? pause_text(p->second) : "symbol: " + inst + " is paused")
               + "; held " + std::to_string((now - h.since_ns) / 1'000'000)
               + " ms, longer than market_data.max_hold_ms");
    }
  }
  for (auto i = st.vol_held.begin(); i != st.vol_held.end();)
    i = i->second.empty() ? st.vol_held.erase(i) : std::next(i);
  if (!st.paused.empty() || !st.vol_held.empty())
    arm_pause_tick(self);
}


template <class Cmd>
order_event refusal(const Cmd& cmd, event_kind kind, reject_code code, std::string message,
                    order_id id = {}) {
  order_event ev;
  ev.kind = kind;
  ev.strategy = cmd.strategy;
  ev.clordid = cmd.clordid;
  ev.id = id;
  ev.code = code;
  ev.stage = stage_of(code);
  ev.message = std::move(message);
  ev.ts_ns = wall_ns();
  return ev;
}

/// Cancel and amend reach a live order's actor through the pool.
template <class Cmd>
void forward(gw_ptr self, const Cmd& cmd, event_kind refused_kind) {
  auto& st = self->state;
  auto key = idempotency_key(cmd.strategy, cmd.clordid);
  if (auto* e = st.intake.find(key)) {
    auto pool = cached<sup::supervisor_actor>(self, svc::orders);
    if (!e->started || !pool) {
      caf::anon_send(cmd.reply_to, refusal(cmd, refused_kind, reject_code::unknown_order,
                                           "clordid: order is still being accepted; retry",
                                           e->id));
      return;
    }
    caf::message m;
    if constexpr (std::is_same<Cmd, cancel_order>::value)
      m = caf::make_message(order_cancel_cmd{cmd.reply_to});
    else
      m = caf::make_message(order_amend_cmd{cmd.qty, cmd.px, cmd.reply_to});
    self->send(pool, sup::route_atom::value, pool_key(e->id), std::move(m));
    return;
  }
  auto unknown = "clordid: no order '" + cmd.clordid.value + "' for " + cmd.strategy.value;
  if (!st.intake.history().may_contain(key)) {
    caf::anon_send(cmd.reply_to, refusal(cmd, refused_kind, reject_code::unknown_order, unknown));
    return;
  }
  auto store = cached<store_actor>(self, svc::store);
  self->request(store, 10s, load_idem_atom::value, key)
    .then(
      [cmd, refused_kind](idempotency_record& rec) {
        caf::anon_send(cmd.reply_to,
                       refusal(cmd, refused_kind, reject_code::order_done,
                               "clordid: order " + to_string(rec.order) + " is done", rec.order));
      },
      [cmd, refused_kind, unknown](caf::error& err) {
        auto code = code_of(err) == errc::not_found ? reject_code::unknown_order
                                                     : reject_code::persistence_failed;
        caf::anon_send(cmd.reply_to,
                       refusal(cmd, refused_kind, code,
                               code == reject_code::unknown_order
                                 ? unknown
                                 : "idempotency: " + describe(err)));
      });
}

/// A command routed to an order whose actor had just ended (or is waiting
/// to be restarted): refused, never dropped.
void on_child_not_found(gw_ptr self, const sup::child_not_found& m) {
  auto why = "order " + m.key + " has no running actor (it just ended, or is restarting)";
  auto refuse = [&](event_kind kind, const caf::actor& to) {
    order_event ev;
    ev.kind = kind;
    ev.code = reject_code::unknown_order;
    ev.stage = stage_of(ev.code);
    ev.message = why + "; retry";
    ev.ts_ns = wall_ns();
    if (to)
      caf::anon_send(to, std::move(ev));
  };
  if (m.msg.match_elements<order_cancel_cmd>())
    refuse(event_kind::cancel_rejected, m.msg.get_as<order_cancel_cmd>(0).reply_to);
  else if (m.msg.match_elements<order_amend_cmd>())
    refuse(event_kind::replace_rejected, m.msg.get_as<order_amend_cmd>(0).reply_to);
  else
    self->state.log->warn("order_id={} event=command_not_delivered reason={}", m.key,
                          log::q(why));
}

/// Cancels the working orders a halt covers; returns how many were told.
uint64_t cancel_halted(gw_ptr self, const strategy_id& strategy) {
  auto pool = cached<sup::supervisor_actor>(self, svc::orders);
  if (!pool)
    return 0;
  uint64_t n = 0;
  auto prefix = strategy.value + '\0';
  for (auto& [key, e] : self->state.intake.live()) {
    if (!e.started || (!strategy.empty() && key.rfind(prefix, 0) != 0))
      continue;
    // The order tells its strategy; nobody to tell the operator here.
    self->send(pool, sup::route_atom::value, pool_key(e.id),
               caf::make_message(order_cancel_cmd{caf::actor{}}));
    ++n;
  }
  return n;
}

/// A halt is in force at once (fail closed) and then made durable; a resume
/// takes effect only once durable. Both are audited in the same write.
caf::result<kill_switch_result> on_kill_switch(gw_ptr self, const kill_switch& k) {
  auto& st = self->state;
  auto store = cached<store_actor>(self, svc::store);
  if (!store)
    return make_error(errc::node_unreachable, "gateway " + st.opts.cfg.node.id
                                                + ": its store is not reachable");
  auto rec = trading_controls::record_of(k, wall_ns());
  auto scope = k.strategy.empty() ? std::string{"*"} : k.strategy.value;
  st.log->warn("strategy={} event=kill_switch halt={} by={} reason={}", scope, k.halt, rec.actor,
               log::q(k.reason));
  kill_switch_result r;
  if (k.halt) {
    st.controls.apply(rec);
    r.orders_canceled = cancel_halted(self, k.strategy);
  }
  auto rp = self->make_response_promise<kill_switch_result>();
  self->request(store, 10s, set_control{rec})
    .then(
      [self, rec, r, rp](uint64_t seq) mutable {
        auto applied = rec;
        applied.sequence = seq;
        self->state.controls.apply(applied); // the halt again (with its sequence) or the resume
        r.audit_sequence = seq;
        rp.deliver(r);
      },
      [self, k, r, rp, scope](caf::error& err) mutable {
        self->state.log->error("strategy={} event=kill_switch_not_durable halt={} error={}", scope,
                               k.halt, log::q(describe(err)));
        if (!k.halt) {
          rp.deliver(make_error(errc::store_write_failed,
                                "resume of " + scope + " not applied: it could not be stored ("
                                  + describe(err) + "); the halt stays in force"));
          return;
        }
        r.warning = "halt in force but not durable (a restart would lift it): " + describe(err);
        rp.deliver(r);
      });
  return rp;
}

gateway_stats stats(gw_ptr self) {
  auto& st = self->state;
  auto s = st.stats;
  s.live = st.intake.live().size();
  for (auto& [k, n] : st.rejects)
    s.rejects.push_back(reject_count{k.first, k.second, n});
  for (size_t i = 0; i < st.finished.size(); ++i)
    if (st.finished[i] > 0)
      s.finished[to_string(static_cast<ord_status>(i))] = st.finished[i];
  s.risk_rtt_p50_us = st.risk_rtt.quantile_us(0.5);
  s.risk_rtt_p99_us = st.risk_rtt.quantile_us(0.99);
  s.risk_check_p50_us = st.risk_check.quantile_us(0.5);
  s.risk_check_p99_us = st.risk_check.quantile_us(0.99);
  s.risk_rtt = st.risk_rtt.view(latency_bounds_ns());
  s.risk_check = st.risk_check.view(latency_bounds_ns());
  s.mailbox = self->mailbox().size();
  s.breaker_open = st.breakers && st.breakers->any_open();
  s.breaker_trips = st.breakers ? st.breakers->trips() : 0;
  s.queued = 0;
  for (auto& [_, q] : st.breaker_held)
    s.queued += q.size();
  if (st.breakers)
    s.breakers = st.breakers->states();
  for (auto& [inst, _] : st.paused)
    s.paused.push_back(inst);
  std::sort(s.paused.begin(), s.paused.end());
  return s;
}


/// Restarts every order a previous run left open (recover: each loads its
/// snapshot). Their keys are live again; their digests are read on a retry.
void recover_open_orders(gw_ptr self, std::vector<order_snapshot>& open) {
  auto& st = self->state;
  auto refdata = st.opts.refdata->current();
  size_t n = 0;
  for (auto& s : open) {
    auto inst = refdata->find(s.instrument);
    if (!inst) {
      st.log->error("order_id={} instrument={} event=recovery_skipped reason={}",
                    to_string(s.id), s.instrument.value,
                    log::q("instrument not in refdata " + refdata->version()));
      continue;
    }
    ++n;
    auto key = idempotency_key(s.strategy, s.clordid);
    st.intake.admit(key, s.id, 0);
    st.intake.mark_unknown_digest(key);
    auto snap = s;
    auto i = *inst;
    with_handle(
      self, svc::risk, i.id.value,
      [self, snap, i](caf::actor risk) {
        start_order(self, snap, i, caf::actor{}, typed_entry<risk_actor>(risk), true);
      },
      [self, snap, i](caf::error&) { start_order(self, snap, i, caf::actor{}, risk_actor{}, true); });
  }
  st.log->info("event=recovery open_orders={} restarted={}", open.size(), n);
}

gateway_actor::behavior_type ready(gw_ptr self);

/// Warming, last step: the orders a previous run left open; then ready and
/// the commands that waited, in order.
template <class Retry>
void warm_orders(gw_ptr self, store_actor store, Retry retry) {
  self->request(store, 60s, load_open_atom::value, instrument_id{}, true)
    .then(
      [self](std::vector<order_snapshot>& open) {
        recover_open_orders(self, open);
        self->become(ready(self));
        auto waiting = std::move(self->state.deferred);
        self->state.deferred.clear();
        for (auto& c : waiting)
          std::visit(
            [self](auto& x) {
              using T = std::decay_t<decltype(x)>;
              if constexpr (std::is_same<T, submit_order>::value)
                on_submit(self, x);
              else if constexpr (std::is_same<T, cancel_order>::value)
                forward(self, x, event_kind::cancel_rejected);
              else
                forward(self, x, event_kind::replace_rejected);
            },
            c);
      },
      retry);
}

/// Warming: the services an order needs, the store's filter of recorded
/// keys, the trading controls in force, then the orders a previous run left
/// open; then ready. The store registers itself asynchronously at start:
/// retry finding it.
void warm(gw_ptr self, int attempt) {
  auto retry = [self, attempt](caf::error& err) {
    if (attempt < 200) {
      self->delayed_send(self, 50ms, load_open_atom::value, attempt + 1);
      return;
    }
    self->state.log->error("event=warm_failed error={}", log::q(describe(err)));
    self->quit(err);
  };
  std::vector<const char*> needed{svc::store, svc::router, svc::post_trade, svc::orders};
  if (self->state.opts.cfg.cluster.enabled)
    needed.push_back("venue_relay");
  for (auto kind : needed) {
    if (self->state.handles.count(std::string{kind} + "/") > 0)
      continue;
    with_handle(
      self, kind, "", [self, attempt](caf::actor) { warm(self, attempt); }, retry);
    return;
  }
  auto store = cached<store_actor>(self, svc::store);
  self->request(store, 60s, key_filter_atom::value)
    .then(
      [self, store, retry](key_filter& f) {
        auto& st = self->state;
        st.log->info("event=intake_warmed recorded_keys={} filter_bytes={}", f.size(), f.bytes());
        st.intake = intake_index{std::move(f)};
        self->request(store, 60s, load_controls_atom::value)
          .then(
            [self, store, retry](std::vector<audit_record>& controls) {
              auto& st = self->state;
              st.controls.restore(controls);
              for (auto& h : st.controls.halts())
                st.log->warn("strategy={} event=halt_restored audit_seq={} by={} detail={}",
                             h.strategy.empty() ? "*" : h.strategy.value, h.sequence, h.actor,
                             log::q(h.detail));
              warm_orders(self, store, retry);
            },
            retry);
      },
      retry);
}

void on_breaker_tick(gw_ptr self) {
  auto& st = self->state;
  st.breaker_tick_armed = false;
  if (!st.breakers)
    return;
  for (auto& scope : st.breakers->poll(now_s(self))) {
    auto q = std::move(st.breaker_held[scope]);
    st.breaker_held.erase(scope);
    st.log->warn("scope={} event=circuit_closed held={}", scope, q.size());
    audit_record a;
    a.kind = audit_kind::circuit_breaker;
    a.actor = "gateway/" + st.opts.cfg.node.id;
    a.detail = "closed " + scope + "; releasing " + std::to_string(q.size()) + " held orders";
    audit(self, std::move(a));
    for (auto& [x, snap] : q)
      run_stages(self, x, std::move(snap));
  }
  if (st.breakers->any_open()) {
    st.breaker_tick_armed = true;
    self->delayed_send(self, std::chrono::seconds{1}, tick_atom::value);
  }
}

bool on_inject_crash(gw_ptr self, const inject_crash& c) {
  auto& st = self->state;
  if (!st.opts.fault_injection)
    return false;
  auto* e = st.intake.find(idempotency_key(c.strategy, c.clordid));
  auto pool = cached<sup::supervisor_actor>(self, svc::orders);
  if (!e || !e->started || !pool)
    return false;
  self->send(pool, sup::route_atom::value, pool_key(e->id), caf::make_message(crash_atom::value));
  return true;
}

void on_order_ended(gw_ptr self, const order_ended& g) {
  auto& st = self->state;
  st.intake.end(idempotency_key(g.strategy, g.clordid));
  if (static_cast<size_t>(g.status) < st.finished.size())
    ++st.finished[static_cast<size_t>(g.status)];
  // Rejected after it was started (routing, venue, system): counted with
  // the gateway's own, by stage and code.
  if (g.status == ord_status::rejected && g.code != reject_code::none) {
    ++st.stats.rejected;
    ++st.rejects[{stage_of(g.code), g.code}];
  }
  record_outcome(self, g.code, g.instrument);
}

/// Handlers both phases share.
template <class... Fs>
gateway_actor::behavior_type behavior(gw_ptr self, Fs... phase_handlers) {
  return {
    std::move(phase_handlers)...,
    [self](const kill_switch& k) { return on_kill_switch(self, k); },
    [self](controls_atom) {
      auto& st = self->state;
      return gateway_controls_state{st.controls.halts(),
                                    st.breakers ? st.breakers->states() : std::vector<breaker_state>{}};
    },
    [self](const order_ended& g) { on_order_ended(self, g); },
    [self](const sup::child_start_failed& f) { on_start_failed(self, f); },
    [self](const sup::child_not_found& m) { on_child_not_found(self, m); },
    [self](tick_atom) { on_breaker_tick(self); },
    [self](stats_atom) { return stats(self); },
    [self](deadline_tick_atom) {
      on_deadline_tick(self, self->state.deadlines, self->state.deadline_armed);
    },
    [self](retry_atom) { retry_held(self); },
    [self](const inject_crash& c) { return on_inject_crash(self, c); },
    [self](const instrument_paused& p) { on_paused(self, p); },
    [self](const instrument_resumed& r) { on_resumed(self, r); },
    [self](pause_tick_atom) { on_pause_tick(self); },
  };
}

gateway_actor::behavior_type ready(gw_ptr self) {
  return behavior(
    self, [self](const submit_order& x) { on_submit(self, x); },
    [self](const cancel_order& x) { forward(self, x, event_kind::cancel_rejected); },
    [self](const amend_order& x) { forward(self, x, event_kind::replace_rejected); },
    [](load_open_atom, int) {});
}

gateway_actor::behavior_type warming(gw_ptr self) {
  auto defer = [self](auto& x) { self->state.deferred.emplace_back(x); };
  return behavior(
    self, [defer](const submit_order& x) mutable { defer(x); },
    [defer](const cancel_order& x) mutable { defer(x); },
    [defer](const amend_order& x) mutable { defer(x); },
    [self](load_open_atom, int attempt) { warm(self, attempt); });
}

gateway_actor::behavior_type gateway_impl(gw_ptr self, gateway_options opts) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.place = placement::from(st.opts.cfg.cluster);
  st.breakers.emplace(st.opts.cfg.gateway.breaker_error_ratio,
                      st.opts.cfg.gateway.breaker_window.count());
  register_self(self, svc::gateway, "");
  self->set_down_handler([self](caf::down_msg& m) {
    auto& hs = self->state.handles;
    for (auto i = hs.begin(); i != hs.end();)
      i = i->second.address() == m.source ? hs.erase(i) : std::next(i);
  });
  warm(self, 0);
  return warming(self);
}

} // namespace

gateway_actor spawn_gateway(caf::actor_system& sys, gateway_options opts) {
  return sys.spawn(gateway_impl, std::move(opts));
}

} // namespace om
