#include "actors/risk/risk_actor.hpp"
#include "runtime/clock.hpp"

#include "actors/directory/directory.hpp"
#include "actors/risk/risk_book.hpp"
#include "actors/store/store_actor.hpp"
#include "runtime/log/log.hpp"

#include <caf/all.hpp>

#include <chrono>
#include <map>
#include <set>
#include <unordered_map>

namespace om {

money order_value(const order_state& s) {
  return money_of_exact(s.cum_value());
}

namespace {

using namespace std::chrono_literals;

/// After a rebuild: when to look again at the orders it found open.
constexpr auto reconcile_delay = 2s;


struct reservation {
  strategy_id strategy;
  om::side side;
  quantity remaining;
  quantity applied_qty; // fills applied for this order
  money applied_value;
  bool from_rebuild = false; // found open by the rebuild: reconciled once
};

struct risk_state {
  static inline const char* name = "om.risk";
  std::unique_ptr<risk_book> book;
  std::unordered_map<uint64_t, reservation> reservations; // by order id
  store_actor store; // this node's: positions are persisted here
  fence next{0, 0};
  // Restore: stores holding this instrument's orders, and progress.
  std::vector<std::string> sources;
  size_t next_source = 0;
  std::vector<order_snapshot> loaded;
  uint32_t attempts = 0;
  uint32_t store_attempts = 0;
  // Fills and releases that arrive while restoring, applied afterwards.
  std::vector<risk_fill> early_fills;
  std::vector<risk_release> early_releases;
  // Positions changed since the last write (by strategy), and whether a
  // flush is queued.
  std::set<std::string> dirty;
  bool flush_scheduled = false;
  std::shared_ptr<spdlog::logger> log = log::get("risk");
};

using risk_ptr = risk_actor::stateful_pointer<risk_state>;

/// Marks a strategy's position changed; the changes of everything already
/// queued are written together (flush_positions), one-way.
void persist(risk_ptr self, const strategy_id& s) {
  auto& st = self->state;
  if (!st.store || st.next.incarnation == 0)
    return;
  st.dirty.insert(s.value);
  if (!st.flush_scheduled) {
    st.flush_scheduled = true;
    self->send(self, flush_atom::value); // behind what is queued now
  }
}

void flush_positions(risk_ptr self) {
  auto& st = self->state;
  st.flush_scheduled = false;
  if (st.dirty.empty() || !st.store)
    return;
  persist_positions out;
  out.items.reserve(st.dirty.size());
  for (auto& s : st.dirty) {
    ++st.next.sequence;
    out.items.push_back(persist_position{st.next, st.book->snapshot(strategy_id{s})});
  }
  st.dirty.clear();
  // No reply: a failed batch is logged by the store and repaired by the next
  // write of the position; the orders table is what a rebuild trusts.
  self->send(st.store, std::move(out));
}

risk_verdict_msg not_ready(risk_ptr self) {
  return risk_verdict_msg{reject_code::risk_unavailable,
                          "risk state of " + self->state.book->inst().id.value
                            + " is still being restored",
                          0, price{}, price_source::unknown};
}

/// The wall clock, read only where a market view's freshness needs it.
int64_t market_clock(const risk_state& st) { return st.book->market_data() ? wall_ns() : 0; }

risk_verdict_msg check(risk_ptr self, const risk_check_request& req) {
  auto t0 = mono_ns();
  auto& st = self->state;
  auto v = st.book->check_and_reserve(req.strategy, req.side, req.type, req.qty, req.px, t0,
                                      market_clock(st));
  if (v.approved())
    st.reservations[req.id.value] = reservation{req.strategy, req.side, req.qty, {}, {}};
  else
    st.log->warn("order_id={} strategy={} instrument={} event=risk_denied code={} detail={}",
                 to_string(req.id), req.strategy.value, st.book->inst().id.value,
                 to_string(v.code), log::q(v.message));
  return risk_verdict_msg{v.code, std::move(v.message), mono_ns() - t0, st.book->used_reference(),
                          st.book->used_source()};
}

risk_verdict_msg amend(risk_ptr self, const risk_amend_request& req) {
  auto t0 = mono_ns();
  auto& st = self->state;
  auto i = st.reservations.find(req.id.value);
  quantity current = i == st.reservations.end() ? quantity{} : i->second.remaining;
  risk_verdict v;
  if (req.new_leaves > current) {
    v = st.book->check_amend(req.strategy, req.side, req.type, req.new_leaves - current,
                             req.new_leaves, req.px, t0, market_clock(st));
  } else {
    st.book->release(req.strategy, req.side, current - req.new_leaves);
  }
  if (v.approved()) {
    auto& r = st.reservations[req.id.value];
    r.strategy = req.strategy;
    r.side = req.side;
    r.remaining = req.new_leaves;
  }
  return risk_verdict_msg{v.code, std::move(v.message), mono_ns() - t0, st.book->used_reference(),
                          st.book->used_source()};
}

void on_fill(risk_ptr self, const risk_fill& f) {
  auto& st = self->state;
  auto i = st.reservations.find(f.id.value);
  if (i == st.reservations.end()) // e.g. risk was bypassed: track it from here
    i = st.reservations.emplace(f.id.value, reservation{f.strategy, f.side, {}, {}, {}}).first;
  auto& r = i->second;
  auto dq = f.cum_qty - r.applied_qty;
  if (!dq.is_positive())
    return; // seen already
  auto dv = f.cum_value - r.applied_value;
  r.applied_qty = f.cum_qty;
  r.applied_value = f.cum_value;
  // The book takes the fill out of the aggregate reservation; mirror it here.
  st.book->apply_fill(f.strategy, f.side, dq, dv, f.last_px);
  r.remaining = std::max(quantity{}, r.remaining - dq);
  persist(self, f.strategy);
}

void on_release(risk_ptr self, const risk_release& r) {
  auto& st = self->state;
  if (r.has_fill)
    on_fill(self, r.final_fill);
  auto i = st.reservations.find(r.id.value);
  if (i == st.reservations.end())
    return; // already released: releases are idempotent
  st.book->release(i->second.strategy, i->second.side, i->second.remaining);
  auto s = i->second.strategy;
  st.reservations.erase(i);
  persist(self, s);
}

/// Rebuilds positions from every order of the instrument (the store's source
/// of truth) and reservations from the open ones, then writes the positions.
void become_ready(risk_ptr self);

void rebuild(risk_ptr self, std::vector<order_snapshot>& orders) {
  auto& st = self->state;
  std::map<std::string, position_snapshot> pos;
  for (auto& o : orders) {
    auto& s = o.state;
    auto& p = pos[o.strategy.value];
    p.strategy = o.strategy;
    p.instrument = st.book->inst().id;
    auto value = order_value(s);
    if (s.side == side::buy) {
      p.net_qty += s.cum_qty;
      p.bought_qty += s.cum_qty;
      p.buy_value += value;
    } else {
      p.net_qty -= s.cum_qty;
      p.sold_qty += s.cum_qty;
      p.sell_value += value;
    }
    if (is_terminal(s.status))
      continue;
    // What the order may still trade: its leaves, or more if a replace
    // raising the quantity is in flight.
    auto left = s.leaves_qty;
    if (s.status == ord_status::pending_replace && s.pending_qty - s.cum_qty > left)
      left = s.pending_qty - s.cum_qty;
    (s.side == side::buy ? p.reserved_buy_qty : p.reserved_sell_qty) += left;
    st.reservations[o.id.value] = reservation{o.strategy, s.side, left, s.cum_qty, value, true};
  }
  // Reference price: the average price of the latest order that traded
  // (the last trade price is not stored), so collars stay near the market.
  const order_snapshot* latest = nullptr;
  for (auto& o : orders)
    if (o.state.cum_qty.is_positive()
        && (!latest || o.stages[stage::received] > latest->stages[stage::received]))
      latest = &o;
  if (latest)
    st.book->set_reference(latest->state.avg_px());
  for (auto& [_, p] : pos) {
    st.book->restore(p);
    persist(self, p.strategy);
  }
  become_ready(self);
  st.log->info("instrument={} event=restored orders={} strategies={} open_orders={} "
               "early_fills={} early_releases={}",
               st.book->inst().id.value, orders.size(), pos.size(), st.reservations.size(),
               st.early_fills.size(), st.early_releases.size());
  // Cumulative fills and idempotent releases: replaying is safe.
  for (auto& f : st.early_fills)
    on_fill(self, f);
  for (auto& r : st.early_releases)
    on_release(self, r);
  st.early_fills.clear();
  st.early_releases.clear();
  // An order found open here may end before its gateway node knows this
  // actor, and then its release has nowhere to go. Look again once the
  // directories have caught up.
  if (!st.reservations.empty())
    self->delayed_send(self, reconcile_delay, reconcile_atom::value);
}

/// Replays the durable state of the orders the rebuild found open: their
/// cumulative fills (idempotent) and, for those that ended meanwhile, the
/// release that may have been lost.
void reconcile(risk_ptr self) {
  auto& st = self->state;
  auto inst = st.book->inst().id;
  auto dir = find_directory(self->system());
  if (!dir)
    return;
  for (auto& key : st.sources) {
    self->request(dir, 5s, resolve_atom::value, std::string{svc::store}, key)
      .then(
        [self, inst, key](caf::actor s) {
          self->request(caf::actor_cast<store_actor>(s), 60s, load_open_atom::value, inst, false)
            .then(
              [self](std::vector<order_snapshot>& orders) {
                auto& st = self->state;
                size_t ended = 0;
                for (auto& o : orders) {
                  auto i = st.reservations.find(o.id.value);
                  if (i == st.reservations.end() || !i->second.from_rebuild)
                    continue;
                  i->second.from_rebuild = false;
                  if (o.state.cum_qty.is_positive())
                    on_fill(self, risk_fill{o.id, o.strategy, o.state.side, o.state.cum_qty,
                                            order_value(o.state), o.state.avg_px()});
                  if (is_terminal(o.state.status)) {
                    ++ended;
                    on_release(self, risk_release{o.id, false, {}});
                  }
                }
                st.log->info("instrument={} event=reconciled ended_meanwhile={}",
                             st.book->inst().id.value, ended);
              },
              [self, key](caf::error& err) {
                self->state.log->warn("instrument={} event=reconcile_failed source={} error={}",
                                      self->state.book->inst().id.value, key,
                                      log::q(describe(err)));
              });
        },
        [self, key](caf::error& err) {
          self->state.log->warn("instrument={} event=reconcile_failed source={} error={}",
                                self->state.book->inst().id.value, key, log::q(describe(err)));
        });
  }
}

/// Loads the instrument's orders from the next order source; retries a
/// source that is not reachable yet (its node may be starting or down).
void load_sources(risk_ptr self) {
  auto& st = self->state;
  if (st.next_source == st.sources.size()) {
    auto orders = std::move(st.loaded);
    st.loaded.clear();
    rebuild(self, orders);
    return;
  }
  auto key = st.sources[st.next_source];
  auto retry = [self, key](const caf::error& err) {
    auto& st = self->state;
    if (st.attempts++ % 20 == 0)
      st.log->warn("instrument={} event=order_source_unreachable source={} attempt={} error={}",
                   st.book->inst().id.value, key.empty() ? "local" : key, st.attempts,
                   log::q(describe(err)));
    self->delayed_send(self, 250ms, retry_atom::value);
  };
  auto dir = find_directory(self->system());
  if (!dir) {
    retry(make_error(errc::not_found, "no directory on this node"));
    return;
  }
  self->request(dir, 5s, resolve_atom::value, std::string{svc::store}, key)
    .then(
      [self, retry](caf::actor s) {
        auto inst = self->state.book->inst().id;
        self->request(caf::actor_cast<store_actor>(s), 60s, load_open_atom::value, inst, false)
          .then(
            [self](std::vector<order_snapshot>& orders) {
              auto& st = self->state;
              st.loaded.insert(st.loaded.end(), std::make_move_iterator(orders.begin()),
                               std::make_move_iterator(orders.end()));
              ++st.next_source;
              load_sources(self);
            },
            retry);
      },
      retry);
}

void restore(risk_ptr self) {
  auto& st = self->state;
  auto inst = st.book->inst().id;
  self->request(st.store, 30s, next_inc_atom::value, "risk/" + inst.value)
    .then(
      [self](uint64_t inc) {
        self->state.next = fence{inc, 0};
        load_sources(self);
      },
      [self](caf::error& err) { self->quit(err); });
}

/// This node's store (positions are persisted there); it registers itself
/// asynchronously at start, so a miss is retried for a few seconds before
/// the actor settles for memory-only positions.
void find_store(risk_ptr self) {
  auto dir = find_directory(self->system());
  if (!dir) { // the directory is being restarted: look again shortly
    self->delayed_send(self, 50ms, retry_atom::value);
    return;
  }
  self->request(dir, 5s, resolve_atom::value, std::string{svc::store}, std::string{})
    .then(
      [self](caf::actor s) {
        self->state.store = caf::actor_cast<store_actor>(s);
        restore(self);
      },
      [self](caf::error& err) {
        auto& st = self->state;
        if (++st.store_attempts < 100) {
          self->delayed_send(self, 50ms, retry_atom::value);
          return;
        }
        st.log->error("instrument={} event=no_store error={} positions=memory_only",
                      st.book->inst().id.value, log::q(describe(err)));
        become_ready(self);
      });
}

// Phases:
//
//   restoring --(positions rebuilt from the orders tables, or no store)--> ready
//
// Restoring: checks and amends answer risk_unavailable (the book is not
// known yet); fills and releases wait and are applied once ready. Ready:
// the book decides.

/// Handlers both phases share.
template <class... Fs>
risk_actor::behavior_type behavior(risk_ptr self, Fs... phase_handlers) {
  return {
    std::move(phase_handlers)...,
    [self](positions_atom) { return self->state.book->all(); },
    [self](const market_view& v) { self->state.book->set_market(v.mid, v.fresh_until_ns); },
    [self](reconcile_atom) { reconcile(self); },
    [self](flush_atom) { flush_positions(self); },
    [self](mailbox_atom) { return static_cast<uint64_t>(self->mailbox().size()); },
  };
}

risk_actor::behavior_type ready(risk_ptr self) {
  return behavior(
    self, [self](const risk_check_request& req) { return check(self, req); },
    [self](const risk_amend_request& req) { return amend(self, req); },
    [self](const risk_fill& f) { on_fill(self, f); },
    [self](const risk_release& r) { on_release(self, r); },
    [](get_state_atom) { return true; },
    [](retry_atom) {});
}

risk_actor::behavior_type restoring(risk_ptr self) {
  return behavior(
    self, [self](const risk_check_request&) { return not_ready(self); },
    [self](const risk_amend_request&) { return not_ready(self); },
    [self](const risk_fill& f) { self->state.early_fills.push_back(f); },
    [self](const risk_release& r) { self->state.early_releases.push_back(r); },
    [](get_state_atom) { return false; },
    [self](retry_atom) {
      if (!self->state.store)
        find_store(self);
      else
        load_sources(self);
    });
}

void become_ready(risk_ptr self) {
  self->become(ready(self));
}

risk_actor::behavior_type risk_impl(risk_ptr self, instrument inst, risk_section limits,
                                    std::vector<std::string> sources, bool market_data,
                                    stale_policy on_stale) {
  auto& st = self->state;
  st.sources = std::move(sources);
  st.book = std::make_unique<risk_book>(std::move(inst), limits);
  if (market_data)
    st.book->use_market_data(on_stale);
  register_self(self, svc::risk, st.book->inst().id.value);
  if (!find_directory(self->system()))
    return ready(self); // no directory, no store: memory-only positions
  find_store(self);
  return restoring(self);
}

} // namespace

caf::actor spawn_risk_actor(caf::actor_system& sys, instrument inst, risk_section limits,
                            std::vector<std::string> order_sources, bool market_data,
                            stale_policy on_stale) {
  return caf::actor_cast<caf::actor>(sys.spawn(risk_impl, std::move(inst), std::move(limits),
                                               std::move(order_sources), market_data, on_stale));
}

} // namespace om
