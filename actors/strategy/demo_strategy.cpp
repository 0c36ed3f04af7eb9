#include "actors/strategy/demo_strategy.hpp"
#include "runtime/clock.hpp"

#include "runtime/log/log.hpp"

#include <caf/all.hpp>

#include <random>
#include <unordered_map>

namespace om {

namespace {

using namespace std::chrono_literals;
using send_tick_atom = caf::atom_constant<caf::atom("om_dsend")>;
using wind_down_atom = caf::atom_constant<caf::atom("om_dwind")>;
using give_up_atom = caf::atom_constant<caf::atom("om_dgiveup")>;
using later_atom = caf::atom_constant<caf::atom("om_dlater")>;

struct tracked {
  submit_order order;
  ord_status status = ord_status::pending_new;
  quantity order_qty;
  quantity cum_qty;
  order_id id; // once accepted
  bool terminal = false;
  bool accepted = false;
};

struct demo_state {
  static inline const char* name = "om.demo_strategy";
  demo_options opts;
  std::mt19937_64 rng;       // order generation: same seed, same orders
  std::mt19937_64 rng_later; // cancels and amends: depends on event timing
  std::vector<const instrument*> instruments;
  std::unordered_map<std::string, tracked> orders; // by clordid
  std::vector<std::string> sent_ids;
  demo_result result;
  uint64_t next_id = 0;
  double credit = 0; // orders owed at the configured rate
  int64_t start_ns = 0;
  bool winding_down = false;
  bool cancel_all = false; // past wind-down: cancel whatever rests
  bool reported = false;
  std::shared_ptr<spdlog::logger> log = log::get("strategy");
};


double uniform(demo_state& st) {
  return std::uniform_real_distribution<double>{0.0, 1.0}(st.rng);
}

int64_t pick(demo_state& st, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>{lo, hi}(st.rng);
}

double uniform_later(demo_state& st) {
  return std::uniform_real_distribution<double>{0.0, 1.0}(st.rng_later);
}

int64_t pick_later(demo_state& st, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>{lo, hi}(st.rng_later);
}

submit_order make_good(caf::event_based_actor* self, demo_state& st) {
  auto& inst = *st.instruments[static_cast<size_t>(pick(st, 0, static_cast<int64_t>(st.instruments.size()) - 1))];
  submit_order x;
  x.strategy = strategy_id{st.opts.cfg.strategy};
  x.clordid = client_order_id{st.opts.cfg.strategy + "-" + st.opts.run_tag + "-"
                              + std::to_string(++st.next_id)};
  x.symbol = inst.symbol;
  x.side = pick(st, 0, 1) ? side::buy : side::sell;
  auto lot = inst.lot_size;
  auto lots = pick(st, 1, 10) * (lot.raw == quantity::scale ? 10 : 1);
  x.qty = quantity::from_raw(lot.raw * lots);
  if (uniform(st) < st.opts.cfg.market_ratio) {
    x.type = ord_type::market;
    x.tif = time_in_force::ioc;
  } else {
    x.type = ord_type::limit;
    x.tif = uniform(st) < st.opts.cfg.ioc_ratio ? time_in_force::ioc : time_in_force::day;
    // Around the reference: some cross the spread, most rest near the touch.
    auto k = pick(st, -2, 6);
    auto off = price::from_raw(inst.tick_size.raw * k);
    x.px = x.side == side::buy ? inst.prev_close - off : inst.prev_close + off;
  }
  x.reply_to = caf::actor_cast<caf::actor>(self);
  return x;
}

submit_order make_bad(caf::event_based_actor* self, demo_state& st) {
  auto x = make_good(self, st);
  x.type = ord_type::limit;
  x.tif = time_in_force::day;
  auto& inst = *st.opts.refdata->resolve(x.symbol).value();
  if (x.px.is_zero())
    x.px = inst.prev_close;
  switch (pick(st, 0, 11)) {
    case 0: x.symbol = "NOPE.XX"; break;
    case 1: x.qty = quantity{}; break;
    case 2: x.px = x.px + price::from_raw(inst.tick_size.raw / 2 > 0 ? inst.tick_size.raw / 2 : 1); break;
    case 3: x.symbol = "SMCI"; x.qty = quantity::from_units(10); x.px = *price::parse("33.16"); break;
    case 4: x.symbol = "TWTR"; break;
    case 5: x.symbol = "BRK"; break;
    case 6: x.qty = quantity::from_raw(inst.lot_size.raw * 100'000'000); break;
    case 7: x.type = ord_type::market; break; // market order with a price
    case 8: x.px = price::from_raw(inst.prev_close.raw / inst.tick_size.raw * 12 / 10 * inst.tick_size.raw); break;
    case 9: // a retry of an earlier order: same id, same terms
      if (!st.sent_ids.empty()) {
        auto& prev = st.orders[st.sent_ids[static_cast<size_t>(pick(st, 0, static_cast<int64_t>(st.sent_ids.size()) - 1))]];
        return prev.order;
      }
      break;
    case 10: // same id, different terms
      if (!st.sent_ids.empty()) {
        auto prev = st.orders[st.sent_ids[static_cast<size_t>(pick(st, 0, static_cast<int64_t>(st.sent_ids.size()) - 1))]].order;
        prev.qty = prev.qty + prev.qty;
        return prev;
      }
      break;
    default: x.strategy = strategy_id{}; break;
  }
  return x;
}

void maybe_report(caf::event_based_actor* self, demo_state& st);

void send_one(caf::event_based_actor* self, demo_state& st) {
  bool bad = uniform(st) < st.opts.cfg.bad_ratio;
  auto x = bad ? make_bad(self, st) : make_good(self, st);
  ++st.result.sent;
  st.result.bad_sent += bad ? 1 : 0;
  auto id = x.clordid.value;
  if (!x.strategy.empty() && !id.empty() && st.orders.count(id) == 0) {
    tracked t;
    t.order = x;
    t.order_qty = x.qty;
    st.orders.emplace(id, std::move(t));
    st.sent_ids.push_back(id);
  }
  caf::anon_send(st.opts.gateway, std::move(x));
}

void on_tick(caf::event_based_actor* self, demo_state& st) {
  if (st.winding_down)
    return;
  auto rate = st.opts.cfg.rate;
  // 1 ms ticks; flat out means 500 per tick.
  st.credit += rate == 0 ? 500.0 : static_cast<double>(rate) / 1000.0;
  while (st.credit >= 1.0 && st.result.sent < st.opts.cfg.orders) {
    send_one(self, st);
    st.credit -= 1.0;
  }
  if (st.result.sent >= st.opts.cfg.orders) {
    st.winding_down = true;
    self->delayed_send(self, st.opts.cancel_after, wind_down_atom::value);
    self->delayed_send(self, st.opts.settle_timeout, give_up_atom::value);
    return;
  }
  self->delayed_send(self, 1ms, send_tick_atom::value);
}

void schedule_followups(caf::event_based_actor* self, demo_state& st, const std::string& id) {
  if (uniform_later(st) < st.opts.cfg.cancel_ratio)
    self->delayed_send(self, std::chrono::milliseconds{pick_later(st, 1, 40)}, later_atom::value,
                       id, true);
  else if (uniform_later(st) < st.opts.cfg.amend_ratio)
    self->delayed_send(self, std::chrono::milliseconds{pick_later(st, 1, 30)}, later_atom::value,
                       id, false);
}

void on_later(caf::event_based_actor* self, demo_state& st, const std::string& id, bool cancel) {
  auto i = st.orders.find(id);
  if (i == st.orders.end() || i->second.terminal)
    return;
  auto& o = i->second.order;
  if (cancel) {
    ++st.result.cancels_sent;
    caf::anon_send(st.opts.gateway, cancel_order{o.strategy, o.clordid, caf::actor_cast<caf::actor>(self)});
    return;
  }
  if (o.type != ord_type::limit)
    return;
  ++st.result.amends_sent;
  amend_order a{o.strategy, o.clordid, i->second.order_qty, o.px, caf::actor_cast<caf::actor>(self)};
  auto inst = st.opts.refdata->resolve(o.symbol);
  if (inst && pick_later(st, 0, 1))
    a.px = o.side == side::buy ? o.px + (*inst)->tick_size : o.px - (*inst)->tick_size;
  else if (inst)
    a.qty = i->second.order_qty + (*inst)->lot_size;
  caf::anon_send(st.opts.gateway, std::move(a));
}

void on_event(caf::event_based_actor* self, demo_state& st, const order_event& e) {
  ++st.result.events;
  auto key = std::string{to_string(e.stage)} + "/" + to_string(e.code);
  switch (e.kind) {
    case event_kind::accepted: ++st.result.accepted; break;
    case event_kind::duplicate: ++st.result.duplicates; break;
    case event_kind::rejected:
      ++st.result.rejects[key];
      if (e.code == reject_code::none || e.message.empty())
        ++st.result.rejects_without_reason;
      break;
    case event_kind::partially_filled:
    case event_kind::filled:
      ++st.result.fills;
      st.result.late_fills += e.late ? 1 : 0;
      break;
    case event_kind::replaced: ++st.result.replaced; break;
    case event_kind::cancel_rejected: ++st.result.cancel_rejected; break;
    case event_kind::replace_rejected: ++st.result.replace_rejected; break;
    default: break;
  }
  auto i = st.orders.find(e.clordid.value);
  if (i == st.orders.end() || e.strategy.value != st.opts.cfg.strategy)
    return;
  auto& t = i->second;
  if (e.kind == event_kind::duplicate && !t.accepted) {
    // An order from an earlier run (or before a restart): its events go to
    // whoever sent it first, so do not wait for it.
    t.terminal = true;
    maybe_report(self, st);
    return;
  }
  if (e.kind == event_kind::duplicate || e.kind == event_kind::cancel_rejected
      || e.kind == event_kind::replace_rejected)
    return; // these report, they do not move the order
  if (e.kind == event_kind::rejected && e.stage == reject_stage::idempotency) {
    // A reuse of the id was refused; the original order is untouched. If we
    // never saw that original (an earlier run's), stop waiting for it.
    if (!t.accepted) {
      t.terminal = true;
      maybe_report(self, st);
    }
    return;
  }
  t.status = e.status;
  t.order_qty = e.order_qty;
  t.cum_qty = e.cum_qty;
  if (e.id.value != 0)
    t.id = e.id;
  if (e.cum_qty > e.order_qty)
    ++st.result.overfills;
  if (e.kind == event_kind::accepted) {
    t.accepted = true;
    if (st.cancel_all)
      caf::anon_send(st.opts.gateway, cancel_order{t.order.strategy, t.order.clordid,
                                                   caf::actor_cast<caf::actor>(self)});
    else
      schedule_followups(self, st, i->first);
  }
  if (is_terminal(e.status) && !t.terminal) {
    t.terminal = true;
    ++st.result.final_states[to_string(e.status)];
  }
  maybe_report(self, st);
}

/// The desk's filled quantity of every order of this run it accepted, for
/// reconciliation with the venues' ledgers.
void collect_filled(demo_state& st) {
  st.result.desk_filled.clear();
  for (auto& [_, t] : st.orders)
    if (t.accepted && t.id.value != 0)
      st.result.desk_filled.push_back(order_execution{t.id, t.cum_qty, 0});
}

void maybe_report(caf::event_based_actor* self, demo_state& st) {
  if (st.reported || !st.winding_down || st.result.sent < st.opts.cfg.orders)
    return;
  for (auto& [id, t] : st.orders)
    if (!t.terminal)
      return;
  st.reported = true;
  st.result.elapsed_ns = mono_ns() - st.start_ns;
  collect_filled(st);
  caf::anon_send(st.opts.report_to, st.result);
  self->quit();
}

} // namespace

caf::actor spawn_demo_strategy(caf::actor_system& sys, demo_options opts) {
  return sys.spawn([opts](caf::stateful_actor<demo_state>* self) -> caf::behavior {
    auto& st = self->state;
    st.opts = opts;
    st.rng.seed(opts.cfg.seed);
    st.rng_later.seed(opts.cfg.seed * 7919 + 1);
    for (auto& s : opts.cfg.symbols) {
      auto r = opts.refdata->resolve(s);
      if (r)
        st.instruments.push_back(*r);
      else
        st.log->warn("strategy={} event=symbol_skipped symbol={} error={}", opts.cfg.strategy,
                     log::q(s), log::q(describe(r.error())));
    }
    if (st.instruments.empty()) {
      self->quit(make_error(errc::invalid_argument, "demo.symbols: none resolves"));
      return {};
    }
    st.start_ns = mono_ns();
    // The gateway may sit on another node: if it (or its node) goes down,
    // no more events come; stop sending and report what is still open
    // (those orders are durable on the gateway's node and end there).
    self->monitor(opts.gateway);
    self->set_down_handler([self](caf::down_msg& m) {
      auto& st = self->state;
      if (m.source != st.opts.gateway.address() || st.reported)
        return;
      st.result.gateway_lost = true;
      st.log->error("strategy={} event=gateway_lost reason={} sent={}", st.opts.cfg.strategy,
                    log::q(describe(m.reason)), st.result.sent);
      self->send(self, give_up_atom::value);
    });
    self->send(self, send_tick_atom::value);
    return {
      [self](send_tick_atom) { on_tick(self, self->state); },
      [self](later_atom, const std::string& id, bool cancel) {
        on_later(self, self->state, id, cancel);
      },
      [self](const order_event& e) { on_event(self, self->state, e); },
      [self](const order_events& b) {
        for (auto& e : b.events)
          on_event(self, self->state, e);
      },
      [self](wind_down_atom) {
        auto& st = self->state;
        st.cancel_all = true;
        for (auto& [id, t] : st.orders)
          if (!t.terminal && t.accepted)
            caf::anon_send(st.opts.gateway, cancel_order{t.order.strategy, t.order.clordid,
                                                         caf::actor_cast<caf::actor>(self)});
        maybe_report(self, st);
      },
      [self](give_up_atom) {
        auto& st = self->state;
        if (st.reported)
          return;
        st.winding_down = true;
        for (auto& [id, t] : st.orders)
          if (!t.terminal) {
            ++st.result.open_at_end;
            st.log->warn("clordid={} event=not_terminal status={}", id, to_string(t.status));
          }
        st.reported = true;
        st.result.elapsed_ns = mono_ns() - st.start_ns;
        collect_filled(st);
        caf::anon_send(st.opts.report_to, st.result);
        self->quit();
      },
    };
  });
}

} // namespace om
