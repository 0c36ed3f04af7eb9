#include "actors/gateway/gateway.hpp"
#include "runtime/clock.hpp"

#include "actors/directory/directory.hpp"
#include "actors/gateway/circuit_breaker.hpp"
#include "runtime/cluster/placement.hpp"
#include "actors/gateway/validation.hpp"
#include "actors/risk/risk_actor.hpp"
#include "actors/store/store_actor.hpp"
#include "runtime/log/log.hpp"
#include "runtime/refdata/refdata.hpp"
#include "runtime/store/store.hpp"
#include "runtime/supervision/supervisor.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <deque>
#include <type_traits>
#include <map>
#include <unordered_map>

namespace om {

namespace {

using namespace std::chrono_literals;


struct live_order {
  order_id id;
  caf::actor handle; // null while the order actor is being started
};

struct gateway_state {
  static inline const char* name = "om.gateway";
  gateway_options opts;
  std::optional<table_writer> idempotency;
  uint64_t next_seq = 0;
  std::unordered_map<std::string, live_order> live; // by idempotency key
  std::unordered_map<std::string, caf::actor> handles; // "kind/key" -> actor
  gateway_stats stats;
  std::map<std::pair<reject_stage, reject_code>, uint64_t> rejects;
  std::vector<int64_t> risk_rtt_ns, risk_check_ns;
  deadline_set deadlines;
  std::optional<caf::actor_clock::time_point> deadline_armed;
  // Group commit: records written together, then each submit continues.
  struct pending_submit {
    submit_order x;
    order_snapshot s;
    uint64_t digest;
  };
  write_batch idem_batch;
  std::vector<pending_submit> idem_waiting;
  std::unordered_map<std::string, uint64_t> idem_pending; // key -> digest
  bool idem_flush_scheduled = false;
  std::optional<circuit_breaker> breaker;
  std::deque<submit_order> queued; // while the breaker is open
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
  std::shared_ptr<spdlog::logger> log = log::get("gateway");
};

using gw_ptr = gateway_actor::stateful_pointer<gateway_state>;

constexpr size_t max_latency_samples = 2'000'000;

void sample(std::vector<int64_t>& v, int64_t x) {
  if (v.size() < max_latency_samples)
    v.push_back(x);
}

double pct_us(std::vector<int64_t> v, double q) {
  if (v.empty())
    return 0;
  auto k = static_cast<size_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return static_cast<double>(v[k]) / 1000.0;
}

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

void audit(gw_ptr self, audit_record a) {
  with_handle(
    self, svc::store, "",
    [self, a](caf::actor store) {
      self->request(caf::actor_cast<store_actor>(store), 10s, a)
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
  auto seq = ((st.opts.node_incarnation & 0xFFFFF) << 28) | (++st.next_seq & 0xFFFFFFF);
  s.id = order_id::make(st.opts.cfg.node.number, seq);
  s.clordid = x.clordid;
  s.strategy = x.strategy;
  s.symbol_as_sent = x.symbol;
  s.state.side = x.side;
  s.state.type = x.type;
  s.state.tif = x.tif;
  s.state.order_qty = x.qty;
  s.state.limit_px = x.type == ord_type::limit ? x.px : price{};
  s.state.leaves_qty = x.qty;
  s.stages[stage::received] = received;
  return s;
}

int64_t now_s(gw_ptr self) {
  return std::chrono::duration_cast<std::chrono::seconds>(
           self->clock().now().time_since_epoch())
    .count();
}

void audit(gw_ptr self, audit_record a);

/// An outcome of the pipeline below the gateway, for the circuit breaker.
void record_outcome(gw_ptr self, bool error) {
  auto& st = self->state;
  if (!st.breaker || !st.breaker->record(now_s(self), error))
    return;
  auto why = std::to_string(st.breaker->errors()) + " of the last " + std::to_string(st.breaker->outcomes())
             + " orders failed downstream";
  st.log->error("event=circuit_open detail={} action=queue_new_orders", log::q(why));
  audit_record a;
  a.kind = audit_kind::circuit_breaker;
  a.actor = "gateway/" + st.opts.cfg.node.id;
  a.detail = "opened: " + why;
  audit(self, std::move(a));
  self->delayed_send(self, std::chrono::seconds{1}, tick_atom::value);
}

void count_reject(gw_ptr self, reject_code code) {
  ++self->state.stats.rejected;
  ++self->state.rejects[{stage_of(code), code}];
  if (circuit_breaker::is_downstream_error(code))
    record_outcome(self, true);
}

/// Rejects an order that has an id and an idempotency record: its rejected
/// snapshot is written first, so a retry finds it.
void reject(gw_ptr self, order_snapshot s, const caf::actor& reply_to, reject_code code,
            std::string message) {
  auto& st = self->state;
  count_reject(self, code);
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
  with_handle(
    self, svc::store, "",
    [self, s, ev, reply_to, key](caf::actor store) {
      self->request(caf::actor_cast<store_actor>(store), 10s,
                    persist_order{fence{self->state.opts.node_incarnation << 32, 1}, s, {}})
        .then(
          [self, ev, reply_to, key](fence) {
            self->state.live.erase(key);
            caf::anon_send(reply_to, ev);
          },
          [self, ev, reply_to, key](caf::error& err) {
            self->state.live.erase(key);
            auto e = ev;
            e.message += " (not stored: " + describe(err) + ")";
            caf::anon_send(reply_to, e);
          });
    },
    [self, ev, reply_to, key](caf::error&) {
      self->state.live.erase(key);
      caf::anon_send(reply_to, ev);
    });
}

/// Without an id or a record: a syntax failure before the idempotency step.
void reject_unrecorded(gw_ptr self, const submit_order& x, reject_code code, std::string msg) {
  count_reject(self, code);
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

void reply_duplicate(gw_ptr self, const submit_order& x, const idempotency_record& rec) {
  auto& st = self->state;
  ++st.stats.duplicates;
  auto key = idempotency_key(x.strategy, x.clordid);
  auto send_snapshot = [self, reply_to = x.reply_to](const order_snapshot& s) {
    auto ev = make_event(event_kind::duplicate, s);
    if (s.state.status == ord_status::rejected)
      ev.message = s.reject_reason;
    caf::anon_send(reply_to, std::move(ev));
  };
  if (auto i = st.live.find(key); i != st.live.end() && i->second.handle) {
    self->request(caf::actor_cast<order_actor>(i->second.handle), 1s, get_state_atom::value)
      .then([send_snapshot](order_snapshot& s) { send_snapshot(s); },
            [self, x, rec](caf::error&) {
              // The actor just ended: read what it left in the store.
              self->state.live.erase(idempotency_key(x.strategy, x.clordid));
              reply_duplicate(self, x, rec);
            });
    return;
  }
  if (st.live.count(key) > 0) {
    // Being accepted right now: report it as pending.
    order_snapshot s;
    s.id = rec.order;
    s.clordid = x.clordid;
    s.strategy = x.strategy;
    s.state.order_qty = x.qty;
    s.state.leaves_qty = x.qty;
    send_snapshot(s);
    return;
  }
  with_handle(
    self, svc::store, "",
    [self, x, rec, send_snapshot](caf::actor store) {
      self->request(caf::actor_cast<store_actor>(store), 10s, load_order_atom::value, rec.order)
        .then([send_snapshot](loaded_order& l) { send_snapshot(l.snap); },
              [self, x, rec](caf::error& err) {
                if (code_of(err) == errc::not_found) {
                  // Recorded, then the node died before the order's first
                  // write: it never went further. Process it now, once,
                  // under the id it was given.
                  --self->state.stats.duplicates;
                  self->state.log->warn("order_id={} clordid={} event=resumed_unprocessed",
                                        to_string(rec.order), x.clordid.value);
                  auto s = new_snapshot(self, x, wall_ns());
                  s.id = rec.order;
                  self->state.live[idempotency_key(x.strategy, x.clordid)] = live_order{s.id, {}};
                  run_stages(self, x, std::move(s));
                  return;
                }
                reject_unrecorded(self, x, reject_code::persistence_failed,
                                  "clordid: recorded as " + to_string(rec.order)
                                    + " but its state cannot be read: " + describe(err));
              });
    },
    [self, x](caf::error& err) {
      reject_unrecorded(self, x, reject_code::persistence_failed, "store: " + describe(err));
    });
}

void start_order(gw_ptr self, order_snapshot s, const instrument& inst, const caf::actor& reply_to,
                 caf::actor risk, bool recover = false) {
  auto& st = self->state;
  auto key = idempotency_key(s.strategy, s.clordid);
  // Collect the handles the order actor needs, then start it.
  auto args = std::make_shared<order_start>();
  args->snap = std::move(s);
  args->inst = inst;
  args->strategy = reply_to;
  args->gateway = caf::actor_cast<caf::actor>(self);
  args->risk = std::move(risk);
  args->node_incarnation = st.opts.node_incarnation;
  args->fault_injection = st.opts.fault_injection;
  args->recover = recover;
  auto failed = [self, args, reply_to, recover](caf::error& err) {
    if (recover) {
      self->state.log->error("order_id={} event=recovery_failed error={}",
                             to_string(args->snap.id), log::q(describe(err)));
      return;
    }
    caf::anon_send(caf::actor_cast<risk_actor>(args->risk), risk_release{args->snap.id, false, {}});
    reject(self, args->snap, reply_to, reject_code::persistence_failed,
           "cannot start the order: " + describe(err));
  };
  with_handle(self, svc::store, "", [=](caf::actor store) {
    args->store = store;
    with_handle(self, svc::router, "", [=](caf::actor router) {
      args->router = router;
      with_handle(self, svc::post_trade, "", [=](caf::actor pt) mutable {
        args->post_trade = pt;
        auto start = [=] {
          with_handle(self, svc::orders, "", [=](caf::actor pool) {
            auto& st = self->state;
            timed_request<caf::actor>(
              self, st.deadlines, st.deadline_armed, caf::actor_cast<sup::supervisor_actor>(pool),
              5s,
              [self, key](caf::actor h) {
                ++self->state.stats.started;
                // The order may already have bound itself, or even ended.
                if (auto i = self->state.live.find(key);
                    i != self->state.live.end() && !i->second.handle)
                  i->second.handle = h;
              },
              failed, sup::start_child_atom::value, caf::make_message(*args));
          }, failed);
        };
        if (!self->state.opts.cfg.cluster.enabled) {
          start();
          return;
        }
        // Cluster: remote venues reply through the node's relay.
        with_handle(self, "venue_relay", "",
                    [=](caf::actor relay) {
                      args->venue_relay = relay;
                      start();
                    },
                    [=](caf::error&) { start(); });
      }, failed);
    }, failed);
  }, failed);
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
    [self, s, inst, req, reply_to, x, since](caf::actor risk) {
      auto t0 = mono_ns();
      auto& st = self->state;
      timed_request<risk_verdict_msg>(self, st.deadlines, st.deadline_armed,
                                      caf::actor_cast<risk_actor>(risk),
                                      st.opts.cfg.gateway.risk_timeout,
          [self, s, inst, reply_to, risk, t0, x, since](risk_verdict_msg& v) mutable {
            auto& st = self->state;
            sample(st.risk_rtt_ns, mono_ns() - t0);
            sample(st.risk_check_ns, v.check_ns);
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
              caf::anon_send(caf::actor_cast<risk_actor>(risk), risk_release{s.id, false, {}});
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
  if (st.breaker && st.breaker->open()) {
    st.queued.push_back(x); // processed in order once the breaker closes
    return;
  }
  // Without these two there is no key to make the submit idempotent.
  if (x.strategy.empty())
    return reject_unrecorded(self, x, reject_code::missing_strategy, "strategy: required");
  if (x.clordid.empty())
    return reject_unrecorded(self, x, reject_code::missing_client_order_id, "clordid: required");
  // 0. Idempotency, durably, before anything else.
  auto key = idempotency_key(x.strategy, x.clordid);
  auto digest = terms_digest(x);
  // A key waiting in the current group commit is answered from there.
  if (auto p = st.idem_pending.find(key); p != st.idem_pending.end()) {
    if (p->second != digest)
      return reject_unrecorded(self, x, reject_code::duplicate_different_terms,
                               "clordid: '" + x.clordid.value + "' is in use with other terms");
    idempotency_record rec{x.strategy, x.clordid, st.live[key].id, 0, digest};
    return reply_duplicate(self, x, rec);
  }
  auto existing = st.opts.db->get<idempotency_record>(table::idempotency, key);
  if (existing) {
    if (existing->record.terms_digest != digest)
      return reject_unrecorded(self, x, reject_code::duplicate_different_terms,
                               "clordid: '" + x.clordid.value + "' was used for "
                                 + to_string(existing->record.order) + " with other terms");
    return reply_duplicate(self, x, existing->record);
  }
  if (code_of(existing.error()) != errc::not_found)
    return reject_unrecorded(self, x, reject_code::persistence_failed,
                             "idempotency: " + describe(existing.error()));
  auto s = new_snapshot(self, x, received);
  idempotency_record rec{x.strategy, x.clordid, s.id, received, digest};
  st.idem_batch.put(key, fence{st.opts.node_incarnation, 1}, rec, received);
  st.idem_pending.emplace(key, digest);
  st.live[key] = live_order{s.id, {}};
  st.idem_waiting.push_back(gateway_state::pending_submit{x, std::move(s), digest});
  if (!st.idem_flush_scheduled) {
    st.idem_flush_scheduled = true;
    // Behind every submit already queued: one write records them all.
    self->send(self, flush_atom::value);
  }
}

/// Stages 1-3 of a submit whose idempotency record is durable.
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
  s.stages[stage::business_checked] = wall_ns();
  // 3. Real time.
  if (b.inst->status == trading_status::halted)
    return reject(self, s, x.reply_to, reject_code::instrument_halted,
                  "symbol: " + b.inst->id.value + " is halted");
  risk_stage(self, std::move(s), *b.inst, x);
}

void flush_idempotency(gw_ptr self) {
  auto& st = self->state;
  st.idem_flush_scheduled = false;
  auto err = st.idempotency->commit(st.idem_batch);
  st.idem_batch.clear();
  st.idem_pending.clear();
  auto waiting = std::move(st.idem_waiting);
  st.idem_waiting.clear();
  for (auto& p : waiting) {
    if (err) {
      st.live.erase(idempotency_key(p.x.strategy, p.x.clordid));
      reject_unrecorded(self, p.x, reject_code::persistence_failed,
                        "idempotency: " + describe(err));
      continue;
    }
    run_stages(self, p.x, std::move(p.s));
  }
}

template <class Cmd>
void forward(gw_ptr self, const Cmd& cmd, event_kind refused_kind) {
  auto& st = self->state;
  auto key = idempotency_key(cmd.strategy, cmd.clordid);
  order_event ev;
  ev.kind = refused_kind;
  ev.strategy = cmd.strategy;
  ev.clordid = cmd.clordid;
  ev.ts_ns = wall_ns();
  if (auto i = st.live.find(key); i != st.live.end()) {
    if (!i->second.handle) {
      ev.id = i->second.id;
      ev.code = reject_code::unknown_order;
      ev.message = "clordid: order is still being accepted; retry";
      caf::anon_send(cmd.reply_to, std::move(ev));
      return;
    }
    if constexpr (std::is_same<Cmd, cancel_order>::value)
      caf::anon_send(caf::actor_cast<order_actor>(i->second.handle), order_cancel_cmd{cmd.reply_to});
    else
      caf::anon_send(caf::actor_cast<order_actor>(i->second.handle),
                 order_amend_cmd{cmd.qty, cmd.px, cmd.reply_to});
    return;
  }
  auto rec = st.opts.db->get<idempotency_record>(table::idempotency, key);
  ev.code = rec ? reject_code::order_done : reject_code::unknown_order;
  ev.message = rec ? "clordid: order " + to_string(rec->record.order) + " is done"
                   : "clordid: no order '" + cmd.clordid.value + "' for " + cmd.strategy.value;
  if (rec)
    ev.id = rec->record.order;
  ev.stage = stage_of(ev.code);
  caf::anon_send(cmd.reply_to, std::move(ev));
}

caf::result<kill_switch_result> on_kill_switch(gw_ptr self, const kill_switch& k) {
  auto& st = self->state;
  auto rp = self->make_response_promise<kill_switch_result>();
  auto dir = find_directory(self->system());
  if (!dir)
    return make_error(errc::not_found, "no directory on this node");
  audit_record a;
  a.kind = audit_kind::kill_switch;
  a.actor = k.operator_name.empty() ? "operator" : k.operator_name;
  a.strategy = k.strategy;
  a.detail = std::string{k.halt ? "halt" : "resume"} + " "
             + (k.strategy.empty() ? "all strategies" : k.strategy.value);
  audit(self, a);
  st.log->warn("strategy={} event=kill_switch halt={} by={}",
               k.strategy.empty() ? "*" : k.strategy.value, k.halt, a.actor);
  self->request(dir, 5s, list_atom::value, std::string{svc::risk})
    .then(
      [self, k, rp](std::vector<directory_entry>& risks) mutable {
        for (auto& e : risks)
          caf::anon_send(caf::actor_cast<risk_actor>(e.handle), k);
        kill_switch_result r;
        if (k.halt) {
          auto prefix = k.strategy.value + '\0';
          for (auto& [key, lo] : self->state.live) {
            if (!lo.handle || (!k.strategy.empty() && key.rfind(prefix, 0) != 0))
              continue;
            // The order tells its strategy; nobody to tell the operator here.
            caf::anon_send(caf::actor_cast<order_actor>(lo.handle), order_cancel_cmd{caf::actor{}});
            ++r.orders_canceled;
          }
        }
        rp.deliver(r);
      },
      [rp](caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

gateway_stats stats(gw_ptr self) {
  auto& st = self->state;
  auto s = st.stats;
  s.live = st.live.size();
  for (auto& [k, n] : st.rejects)
    s.rejects.push_back(reject_count{k.first, k.second, n});
  s.risk_rtt_p50_us = pct_us(st.risk_rtt_ns, 0.5);
  s.risk_rtt_p99_us = pct_us(st.risk_rtt_ns, 0.99);
  s.risk_check_p50_us = pct_us(st.risk_check_ns, 0.5);
  s.risk_check_p99_us = pct_us(st.risk_check_ns, 0.99);
  s.breaker_open = st.breaker && st.breaker->open();
  s.breaker_trips = st.breaker ? st.breaker->trips() : 0;
  s.queued = st.queued.size();
  return s;
}

/// Node restart: every order that was not terminal gets its actor back.
/// The store registers itself asynchronously at start: retry finding it.
void recover_open_orders(gw_ptr self, int attempt = 0) {
  with_handle(
    self, svc::store, "",
    [self](caf::actor store) {
      self->request(caf::actor_cast<store_actor>(store), 60s, load_open_atom::value,
                    instrument_id{}, true)
        .then(
          [self](std::vector<order_snapshot>& open) {
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
              st.live[idempotency_key(s.strategy, s.clordid)] = live_order{s.id, {}};
              auto snap = s;
              auto i = *inst;
              with_handle(
                self, svc::risk, i.id.value,
                [self, snap, i](caf::actor risk) {
                  start_order(self, snap, i, caf::actor{}, risk, true);
                },
                [self, snap, i](caf::error&) {
                  start_order(self, snap, i, caf::actor{}, caf::actor{}, true);
                });
            }
            st.log->info("event=recovery open_orders={} restarted={}", open.size(), n);
          },
          [self](caf::error& err) {
            self->state.log->error("event=recovery_failed error={}", log::q(describe(err)));
          });
    },
    [self, attempt](caf::error& err) {
      if (attempt < 100) {
        self->delayed_send(self, 50ms, load_open_atom::value, attempt + 1);
        return;
      }
      self->state.log->error("event=recovery_failed error={}", log::q(describe(err)));
    });
}

gateway_actor::behavior_type gateway_impl(gw_ptr self, gateway_options opts) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.place = placement::from(st.opts.cfg.cluster);
  st.breaker.emplace(st.opts.cfg.gateway.breaker_error_ratio,
                     st.opts.cfg.gateway.breaker_window.count());
  auto w = st.opts.db->claim(table::idempotency, "gateway");
  if (!w) {
    // Ends the actor before it handles anything; its supervisor decides.
    st.log->error("event=claim_failed table=idempotency error={}", log::q(describe(w.error())));
    self->quit(w.error());
  } else {
    st.idempotency.emplace(std::move(*w));
  }
  register_self(self, svc::gateway, "");
  recover_open_orders(self);
  self->set_down_handler([self](caf::down_msg& m) {
    auto& hs = self->state.handles;
    for (auto i = hs.begin(); i != hs.end();)
      i = i->second.address() == m.source ? hs.erase(i) : std::next(i);
  });
  return {
    [self](const submit_order& x) { on_submit(self, x); },
    [self](const cancel_order& x) { forward(self, x, event_kind::cancel_rejected); },
    [self](const amend_order& x) { forward(self, x, event_kind::replace_rejected); },
    [self](const kill_switch& k) { return on_kill_switch(self, k); },
    [self](const order_bound& b) {
      auto& lo = self->state.live[idempotency_key(b.strategy, b.clordid)];
      lo.id = b.id;
      lo.handle = b.handle;
    },
    [self](const order_gone& g) {
      self->state.live.erase(idempotency_key(g.strategy, g.clordid));
      record_outcome(self, circuit_breaker::is_downstream_error(g.code));
    },
    [self](tick_atom) {
      auto& st = self->state;
      if (!st.breaker || !st.breaker->open())
        return;
      if (!st.breaker->poll(now_s(self))) {
        self->delayed_send(self, std::chrono::seconds{1}, tick_atom::value);
        return;
      }
      st.log->warn("event=circuit_closed queued={}", st.queued.size());
      audit_record a;
      a.kind = audit_kind::circuit_breaker;
      a.actor = "gateway/" + st.opts.cfg.node.id;
      a.detail = "closed; releasing " + std::to_string(st.queued.size()) + " queued orders";
      audit(self, std::move(a));
      auto q = std::move(st.queued);
      st.queued.clear();
      for (auto& x : q)
        on_submit(self, x);
    },
    [self](stats_atom) { return stats(self); },
    [self](deadline_tick_atom) {
      on_deadline_tick(self, self->state.deadlines, self->state.deadline_armed);
    },
    [self](flush_atom) { flush_idempotency(self); },
    [self](retry_atom) { retry_held(self); },
    [self](load_open_atom, int attempt) { recover_open_orders(self, attempt); },
    [self](const inject_crash& c) {
      auto& st = self->state;
      if (!st.opts.fault_injection)
        return false;
      auto i = st.live.find(idempotency_key(c.strategy, c.clordid));
      if (i == st.live.end() || !i->second.handle)
        return false;
      caf::anon_send(caf::actor_cast<order_actor>(i->second.handle), crash_atom::value);
      return true;
    },
  };
}

} // namespace

caf::actor spawn_gateway(caf::actor_system& sys, gateway_options opts) {
  return caf::actor_cast<caf::actor>(sys.spawn(gateway_impl, std::move(opts)));
}

} // namespace om
