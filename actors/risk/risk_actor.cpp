#include "actors/risk/risk_actor.hpp"

#include "actors/directory/directory.hpp"
#include "actors/risk/risk_book.hpp"
#include "actors/store/store_actor.hpp"
#include "runtime/log/log.hpp"

#include <caf/all.hpp>

#include <chrono>
#include <unordered_map>

namespace om {

namespace {

using namespace std::chrono_literals;

int64_t mono_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

struct reservation {
  strategy_id strategy;
  om::side side;
  quantity remaining;
};

struct risk_state {
  static inline const char* name = "om.risk";
  std::unique_ptr<risk_book> book;
  std::unordered_map<uint64_t, reservation> reservations; // by order id
  store_actor store;
  fence next{0, 0};
  bool ready = false; // incarnation known and state restored
  std::shared_ptr<spdlog::logger> log = log::get("risk");
};

using risk_ptr = risk_actor::stateful_pointer<risk_state>;

void persist(risk_ptr self, const strategy_id& s) {
  auto& st = self->state;
  if (!st.store || st.next.incarnation == 0)
    return;
  ++st.next.sequence;
  auto snap = st.book->snapshot(s);
  self->request(st.store, 5s, persist_position{st.next, snap})
    .then([](fence) {},
          [self, s](caf::error& err) {
            // The next fill persists the position again; the fill journal
            // (post-trade) stays the source of truth for recovery.
            self->state.log->error("instrument={} strategy={} event=persist_failed error={}",
                                   self->state.book->inst().id.value, s.value,
                                   log::q(describe(err)));
          });
}

risk_verdict_msg not_ready(risk_ptr self) {
  return risk_verdict_msg{reject_code::risk_unavailable,
                          "risk state of " + self->state.book->inst().id.value
                            + " is still being restored",
                          0, price{}};
}

risk_verdict_msg check(risk_ptr self, const risk_check_request& req) {
  auto t0 = mono_ns();
  auto& st = self->state;
  if (!st.ready)
    return not_ready(self);
  auto v = st.book->check_and_reserve(req.strategy, req.side, req.type, req.qty, req.px, t0);
  if (v.approved())
    st.reservations[req.id.value] = reservation{req.strategy, req.side, req.qty};
  else
    st.log->warn("order_id={} strategy={} instrument={} event=risk_denied code={} detail={}",
                 to_string(req.id), req.strategy.value, st.book->inst().id.value,
                 to_string(v.code), log::q(v.message));
  return risk_verdict_msg{v.code, std::move(v.message), mono_ns() - t0, st.book->reference()};
}

risk_verdict_msg amend(risk_ptr self, const risk_amend_request& req) {
  auto t0 = mono_ns();
  auto& st = self->state;
  if (!st.ready)
    return not_ready(self);
  auto i = st.reservations.find(req.id.value);
  quantity current = i == st.reservations.end() ? quantity{} : i->second.remaining;
  risk_verdict v;
  if (req.new_leaves > current) {
    v = st.book->check_amend(req.strategy, req.side, req.type, req.new_leaves - current, req.px, t0);
  } else {
    st.book->release(req.strategy, req.side, current - req.new_leaves);
  }
  if (v.approved())
    st.reservations[req.id.value] = reservation{req.strategy, req.side, req.new_leaves};
  return risk_verdict_msg{v.code, std::move(v.message), mono_ns() - t0, st.book->reference()};
}

void on_fill(risk_ptr self, const risk_fill& f) {
  auto& st = self->state;
  st.book->on_fill(f.strategy, f.side, f.qty, f.px);
  // The book took the fill out of the aggregate reservation; mirror it here.
  if (auto i = st.reservations.find(f.id.value); i != st.reservations.end())
    i->second.remaining = std::max(quantity{}, i->second.remaining - f.qty);
  persist(self, f.strategy);
}

void on_release(risk_ptr self, const risk_release& r) {
  auto& st = self->state;
  auto i = st.reservations.find(r.id.value);
  if (i == st.reservations.end())
    return; // already released: releases are idempotent
  st.book->release(i->second.strategy, i->second.side, i->second.remaining);
  auto s = i->second.strategy;
  st.reservations.erase(i);
  persist(self, s);
}

/// Restores positions and rebuilds reservations from open orders.
void restore(risk_ptr self) {
  auto& st = self->state;
  auto inst = st.book->inst().id;
  self->request(st.store, 30s, next_inc_atom::value, "risk/" + inst.value)
    .then(
      [self, inst](uint64_t inc) {
        self->state.next = fence{inc, 0};
        self->request(self->state.store, 30s, load_pos_atom::value, inst)
          .then(
            [self, inst](std::vector<position_snapshot>& ps) {
              for (auto& p : ps) {
                // Reservations are rebuilt from open orders below.
                p.reserved_buy_qty = quantity{};
                p.reserved_sell_qty = quantity{};
                self->state.book->restore(p);
              }
              self->request(self->state.store, 30s, load_open_atom::value, inst)
                .then(
                  [self, n = ps.size()](std::vector<order_snapshot>& open) {
                    auto& st = self->state;
                    for (auto& o : open) {
                      // What the order may still trade: its leaves, or more
                      // if a replace raising the quantity is in flight.
                      auto left = o.state.leaves_qty;
                      if (o.state.status == ord_status::pending_replace
                          && o.state.pending_qty - o.state.cum_qty > left)
                        left = o.state.pending_qty - o.state.cum_qty;
                      st.book->add_reservation(o.strategy, o.state.side, left);
                      st.reservations[o.id.value] = reservation{o.strategy, o.state.side, left};
                    }
                    st.ready = true;
                    st.log->info("instrument={} event=restored positions={} open_orders={}",
                                 st.book->inst().id.value, n, open.size());
                  },
                  [self](caf::error& err) { self->quit(err); });
            },
            [self](caf::error& err) { self->quit(err); });
      },
      [self](caf::error& err) { self->quit(err); });
}

risk_actor::behavior_type risk_impl(risk_ptr self, instrument inst, risk_section limits) {
  auto& st = self->state;
  st.book = std::make_unique<risk_book>(std::move(inst), limits);
  register_self(self, svc::risk, st.book->inst().id.value);
  if (auto dir = find_directory(self->system())) {
    self->request(dir, 30s, resolve_atom::value, std::string{svc::store}, std::string{})
      .then(
        [self](caf::actor s) {
          self->state.store = caf::actor_cast<store_actor>(s);
          restore(self);
        },
        [self](caf::error& err) {
          // No store on this node: positions live in memory only.
          self->state.log->warn("instrument={} event=no_store error={}",
                                self->state.book->inst().id.value, log::q(describe(err)));
          self->state.ready = true;
        });
  } else {
    st.ready = true;
  }
  return {
    [self](const risk_check_request& req) { return check(self, req); },
    [self](const risk_amend_request& req) { return amend(self, req); },
    [self](const risk_fill& f) { on_fill(self, f); },
    [self](const risk_release& r) { on_release(self, r); },
    [self](const kill_switch& k) {
      if (k.halt)
        self->state.book->halt(k.strategy);
      else
        self->state.book->resume(k.strategy);
      return kill_switch_result{};
    },
    [self](positions_atom) { return self->state.book->all(); },
    [self](get_state_atom) { return self->state.ready; },
  };
}

} // namespace

caf::actor spawn_risk_actor(caf::actor_system& sys, instrument inst, risk_section limits) {
  return caf::actor_cast<caf::actor>(sys.spawn(risk_impl, std::move(inst), std::move(limits)));
}

} // namespace om
