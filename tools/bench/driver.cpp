#include "tools/bench/driver.hpp"

#include "runtime/clock.hpp"

#include <caf/all.hpp>

#include <string>

namespace om::bench {

namespace {

using namespace std::chrono_literals;

struct driver_state {
  driver_options o;
  uint64_t sent = 0, done = 0;
  uint64_t window = 0; // max orders in flight when flat out; 0 = no limit
  double credit = 0;
  int64_t last_tick_ns = 0;
  std::vector<int64_t> sent_at;
  /// Per order: finished (its outcome counted).
  std::vector<bool> finished;
  /// End-of-run bound: orders done at the last check, checks without
  /// progress, and whether the open orders were canceled.
  uint64_t done_at_check = 0;
  int64_t idle_since_ns = 0;
  bool canceling = false;
  bool reported = false;
  driver_result r;
};

using driver_ptr = caf::stateful_actor<driver_state>*;

void send_batch(driver_ptr self, uint64_t count) {
  auto& st = self->state;
  for (uint64_t k = 0; k < count && st.sent < st.o.orders; ++k) {
    if (st.window > 0 && st.sent - st.done >= st.window)
      break;
    auto i = st.sent++;
    auto& inst = *st.o.insts[(i / 2) % st.o.insts.size()];
    submit_order x;
    x.strategy = strategy_id{"bench"};
    x.clordid = client_order_id{std::to_string(st.o.clordid_base + i)};
    x.symbol = inst.id.value;
    x.side = i % 2 == 0 ? side::buy : side::sell;
    x.type = ord_type::limit;
    x.tif = time_in_force::day;
    x.qty = quantity::from_units(100);
    x.px = order_price(st.o, inst, i);
    x.reply_to = caf::actor_cast<caf::actor>(self);
    if (st.o.record_latency)
      st.sent_at[i] = wall_ns();
    caf::anon_send(st.o.gateway, std::move(x));
  }
}

void report(driver_ptr self) {
  auto& st = self->state;
  if (st.reported)
    return;
  st.reported = true;
  st.r.end_ns = wall_ns();
  st.r.unanswered = st.o.orders - st.done;
  self->send(st.o.report_to, std::move(st.r));
  self->quit();
}

void finish_one(driver_ptr self, uint64_t i) {
  auto& st = self->state;
  if (st.finished[i])
    return;
  st.finished[i] = true;
  ++st.done;
  if (st.window > 0 && st.sent < st.o.orders)
    send_batch(self, 1);
  if (st.done == st.o.orders)
    report(self);
}

void arm_settle(driver_ptr self) {
  if (self->state.o.settle.count() > 0)
    self->delayed_send(self, std::chrono::seconds{1}, settle_atom::value);
}

/// Once a second after the last order is sent: no progress for `settle`
/// cancels what is still open, and another `settle` gives up on the rest.
void on_settle(driver_ptr self) {
  auto& st = self->state;
  if (st.reported)
    return;
  auto now = wall_ns();
  if (st.done != st.done_at_check || st.idle_since_ns == 0 || st.sent < st.o.orders) {
    st.done_at_check = st.done;
    st.idle_since_ns = now;
  }
  auto idle = std::chrono::nanoseconds{now - st.idle_since_ns};
  if (idle < st.o.settle) {
    arm_settle(self);
    return;
  }
  if (st.canceling) {
    report(self);
    return;
  }
  st.canceling = true;
  st.r.complete = false;
  st.idle_since_ns = now;
  for (uint64_t i = 0; i < st.sent; ++i)
    if (!st.finished[i])
      caf::anon_send(st.o.gateway,
                     cancel_order{strategy_id{"bench"},
                                  client_order_id{std::to_string(st.o.clordid_base + i)},
                                  caf::actor_cast<caf::actor>(self)});
  arm_settle(self);
}

void on_event(driver_ptr self, const order_event& e) {
  auto& st = self->state;
  auto i = std::stoull(e.clordid.value) - st.o.clordid_base;
  if (i >= st.o.orders)
    return;
  int64_t dt = 0;
  if (st.o.record_latency)
    dt = wall_ns() - st.sent_at[i];
  auto sample = [&](std::vector<int64_t>& v) {
    if (st.o.record_latency)
      v.push_back(dt);
  };
  bool resting = st.o.mix == order_mix::resting;
  bool finished = false;
  switch (e.kind) {
    case event_kind::accepted: sample(st.r.to_accepted); break;
    case event_kind::acknowledged:
      sample(st.r.to_acked);
      ++st.r.acknowledged;
      finished = resting;
      break;
    case event_kind::partially_filled:
      if (resting)
        ++st.r.unexpected_fills;
      break;
    case event_kind::filled:
      sample(st.r.to_filled);
      ++st.r.filled;
      if (resting)
        ++st.r.unexpected_fills; // already counted done at its acknowledgement
      else
        finished = true;
      break;
    case event_kind::rejected:
      ++st.r.rejects[std::string{to_string(e.stage)} + "/" + to_string(e.code)];
      ++st.r.other_terminal;
      finished = true;
      break;
    case event_kind::canceled:
      if (st.canceling)
        ++st.r.resting_canceled;
      else
        ++st.r.other_terminal;
      finished = true;
      break;
    case event_kind::expired:
      ++st.r.other_terminal;
      finished = true;
      break;
    default: break;
  }
  if (finished && !st.finished[i])
    finish_one(self, i);
}

caf::behavior driver(driver_ptr self, driver_options opts) {
  auto& st = self->state;
  st.o = std::move(opts);
  st.window = st.o.rate == 0 ? st.o.window : 0;
  st.finished.assign(st.o.orders, false);
  if (st.o.record_latency) {
    st.sent_at.assign(st.o.orders, 0);
    st.r.to_accepted.reserve(st.o.orders);
    st.r.to_acked.reserve(st.o.orders);
    st.r.to_filled.reserve(st.o.orders);
  }
  return {
    [self](go_atom) {
      auto& st = self->state;
      st.r.start_ns = wall_ns();
      arm_settle(self);
      if (st.o.rate == 0 && st.window > 0) {
        send_batch(self, st.window); // then one more per finished order
      } else if (st.o.rate == 0) {
        // Flat out, in slices so events interleave with sending.
        send_batch(self, 2000);
        if (st.sent < st.o.orders)
          self->send(self, tick2_atom::value);
      } else {
        self->send(self, tick2_atom::value);
      }
    },
    [self](tick2_atom) {
      auto& st = self->state;
      if (st.o.rate == 0) {
        send_batch(self, 2000);
      } else {
        // Owed orders from the real time elapsed (timers fire late).
        auto t = wall_ns();
        if (st.last_tick_ns == 0)
          st.last_tick_ns = t;
        st.credit += static_cast<double>(st.o.rate) * static_cast<double>(t - st.last_tick_ns) / 1e9;
        st.last_tick_ns = t;
        auto k = static_cast<uint64_t>(st.credit);
        st.credit -= static_cast<double>(k);
        send_batch(self, k);
      }
      if (st.sent < st.o.orders) {
        if (st.o.rate == 0)
          self->send(self, tick2_atom::value);
        else
          self->delayed_send(self, 100us, tick2_atom::value);
      }
    },
    [self](const order_event& e) { on_event(self, e); },
    [self](const order_events& b) {
      for (auto& e : b.events)
        on_event(self, e);
    },
    [self](settle_atom) { on_settle(self); },
  };
}

} // namespace

price order_price(const driver_options& o, const instrument& inst, uint64_t i) {
  if (o.mix == order_mix::filling_pairs)
    return inst.prev_close;
  auto tick = inst.tick_size.raw > 0 ? inst.tick_size.raw : 1;
  auto ref = static_cast<__int128>(inst.prev_close.raw);
  bool buy = i % 2 == 0;
  auto bps = buy ? 10'000 - o.resting_offset_bps : 10'000 + o.resting_offset_bps;
  auto raw = static_cast<int64_t>(ref * bps / 10'000);
  // On the grid, rounded away from the market (down for buys, up for sells).
  raw = buy ? raw / tick * tick : (raw + tick - 1) / tick * tick;
  return price::from_raw(raw);
}

caf::actor spawn_driver(caf::actor_system& sys, driver_options opts) {
  return sys.spawn(driver, std::move(opts));
}

} // namespace om::bench
