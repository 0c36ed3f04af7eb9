#include "actors/venue/sim_venue.hpp"
#include "runtime/clock.hpp"

#include "actors/directory/directory.hpp"
#include "actors/venue/matching_engine.hpp"
#include "runtime/log/log.hpp"

#include <caf/all.hpp>

#include <deque>
#include <random>
#include <unordered_map>

namespace om {

const char* to_string(venue_report_kind x) {
  static constexpr const char* names[] = {"ack",      "reject",          "fill",
                                          "canceled", "replaced",        "cancel_rejected",
                                          "replace_rejected"};
  return names[static_cast<size_t>(x)];
}

namespace {

constexpr const char* desk_owner = "desk";
constexpr size_t done_retention = 200'000; // finished orders kept for rebinds
constexpr size_t execution_retention = 1'000'000; // orders in the execution ledger


std::string leg_key(order_id id, uint32_t leg) {
  return std::to_string(id.value) + ":" + std::to_string(leg);
}

struct desk_order {
  order_id id;
  uint32_t leg = 0;
  std::string instrument;
  uint64_t engine_id = 0;
  venue_report_sink reply_to;
  uint64_t seq = 0;
  bool done = false;
  std::vector<venue_report> log; // every report sent, for rebinds
};

struct sim_book {
  venue::order_book book;
  const instrument* inst = nullptr;
  price anchor; // where liquidity is rebuilt when a side empties
};

struct venue_state {
  static inline const char* name = "om.sim_venue";
  sim_venue_options opts;
  std::mt19937_64 rng;
  std::unordered_map<std::string, sim_book> books;
  std::unordered_map<std::string, desk_order> orders; // by leg key
  std::deque<std::string> done;
  venue_counters counters;
  /// What this venue executed per desk order (executions_atom).
  std::unordered_map<uint64_t, order_execution> executed;
  bool executed_truncated = false;
  uint64_t next_exec = 1;
  std::shared_ptr<spdlog::logger> log = log::get("venue");
};

using venue_ptr = venue_actor::stateful_pointer<venue_state>;

quantity level_size(venue_state& st, const instrument& inst) {
  auto lot = inst.lot_size.raw > 0 ? inst.lot_size.raw : quantity::scale;
  int64_t adv_lots = inst.adv.raw / lot;
  int64_t unit = std::max<int64_t>(1, adv_lots / 1'000'000);
  std::uniform_int_distribution<int64_t> d{1, 10};
  return quantity::from_raw(lot * unit * d(st.rng));
}

void add_liquidity(venue_state& st, sim_book& b, side s, price px) {
  std::vector<venue::exec> sink;
  b.book.submit({"liq", "", s, ord_type::limit, time_in_force::day, level_size(st, *b.inst), px},
                sink);
}

/// Keeps `levels` price levels on each side.
void replenish(venue_state& st, sim_book& b) {
  auto tick = b.inst->tick_size;
  // An empty book is seeded one tick either side of its anchor; a side that
  // emptied is rebuilt two ticks from the other side's best.
  bool both_empty = !b.book.best_bid() && !b.book.best_ask();
  for (auto s : {side::buy, side::sell}) {
    auto lv = b.book.levels(s, st.opts.levels);
    price next;
    if (lv.empty()) {
      auto other = s == side::buy ? b.book.best_ask() : b.book.best_bid();
      if (both_empty || !other)
        next = s == side::buy ? b.anchor - tick : b.anchor + tick;
      else
        next = s == side::buy ? *other - tick - tick : *other + tick + tick;
    } else {
      next = s == side::buy ? lv.back().px - tick : lv.back().px + tick;
    }
    for (auto n = lv.size(); n < st.opts.levels; ++n) {
      if (!next.is_positive())
        break;
      add_liquidity(st, b, s, next);
      next = s == side::buy ? next - tick : next + tick;
    }
  }
}

sim_book* book_for(venue_state& st, const std::string& inst_id) {
  auto i = st.books.find(inst_id);
  if (i != st.books.end())
    return &i->second;
  auto inst = st.opts.refdata ? st.opts.refdata->find(instrument_id{inst_id}) : nullptr;
  if (!inst)
    return nullptr;
  auto& b = st.books[inst_id];
  b.inst = inst;
  // Anchor on the previous close, on the tick grid.
  auto tick = inst->tick_size.raw;
  auto ref = inst->prev_close.is_positive() ? inst->prev_close.raw : 100 * tick;
  b.anchor = price::from_raw(ref / tick * tick);
  replenish(st, b);
  return &b;
}

void send_report(venue_ptr self, desk_order& o, venue_report r) {
  auto& st = self->state;
  r.id = o.id;
  r.leg = o.leg;
  r.venue = st.opts.cfg.id;
  r.venue_order_id = st.opts.cfg.id.value + "-" + std::to_string(o.engine_id);
  r.seq = ++o.seq;
  r.venue_ns = wall_ns();
  o.log.push_back(r);
  auto lat = st.opts.cfg.ack_latency;
  if (lat.count() > 0)
    caf::delayed_anon_send(o.reply_to, lat, std::move(r));
  else
    caf::anon_send(o.reply_to, std::move(r));
}

void mark_done(venue_state& st, desk_order& o) {
  if (o.done)
    return;
  o.done = true;
  st.done.push_back(leg_key(o.id, o.leg));
  while (st.done.size() > done_retention) {
    st.orders.erase(st.done.front());
    st.done.pop_front();
  }
}

money fee_for(const venue_section& cfg, price px, quantity qty, bool maker) {
  auto n = notional(px, qty);
  auto bps = maker ? cfg.maker_fee_bps : cfg.taker_fee_bps;
  // bps has 2 decimals: fee = notional * bps / 10000.
  return money::from_raw(static_cast<int64_t>(div_round(static_cast<int128>(n.raw) * bps.raw, 1'000'000)));
}

void record_execution(venue_state& st, order_id id, quantity qty) {
  auto i = st.executed.find(id.value);
  if (i == st.executed.end()) {
    if (st.executed.size() >= execution_retention) {
      st.executed_truncated = true;
      return;
    }
    i = st.executed.emplace(id.value, order_execution{id, {}, 0}).first;
  }
  i->second.qty += qty;
  ++i->second.fills;
}

/// Turns engine events for desk orders into reports.
void publish(venue_ptr self, std::vector<venue::exec>& out) {
  auto& st = self->state;
  for (auto& e : out) {
    if (e.owner != desk_owner)
      continue;
    auto i = st.orders.find(e.client_ref);
    if (i == st.orders.end())
      continue;
    auto& o = i->second;
    if (e.order_id != 0)
      o.engine_id = e.order_id;
    venue_report r;
    r.cum_qty = e.cum_qty;
    r.leaves_qty = e.leaves_qty;
    r.reason = e.reason;
    switch (e.kind) {
      case venue::exec_kind::accepted:
        r.kind = venue_report_kind::ack;
        break;
      case venue::exec_kind::rejected:
        r.kind = venue_report_kind::reject;
        ++st.counters.rejects;
        mark_done(st, o);
        break;
      case venue::exec_kind::fill:
        r.kind = venue_report_kind::fill;
        r.last_qty = e.last_qty;
        r.last_px = e.last_px;
        r.liq = e.maker ? liquidity::maker : liquidity::taker;
        r.fee = fee_for(st.opts.cfg, e.last_px, e.last_qty, e.maker);
        r.exec_id = st.opts.cfg.id.value + "-" + std::to_string(st.opts.incarnation) + "-E"
                    + std::to_string(st.next_exec++);
        ++st.counters.fills;
        record_execution(st, o.id, e.last_qty);
        if (e.leaves_qty.is_zero())
          mark_done(st, o);
        break;
      case venue::exec_kind::canceled:
        r.kind = venue_report_kind::canceled;
        ++st.counters.cancels;
        mark_done(st, o);
        break;
      case venue::exec_kind::replaced:
        r.kind = venue_report_kind::replaced;
        ++st.counters.replaces;
        break;
      case venue::exec_kind::cancel_rejected:
        r.kind = venue_report_kind::cancel_rejected;
        break;
      case venue::exec_kind::replace_rejected:
        r.kind = venue_report_kind::replace_rejected;
        break;
    }
    send_report(self, o, std::move(r));
  }
  out.clear();
}

void on_new(venue_ptr self, const venue_new_order& req) {
  auto& st = self->state;
  ++st.counters.orders;
  auto key = leg_key(req.id, req.leg);
  if (st.orders.count(key) > 0) {
    st.log->warn("venue={} order_id={} leg={} event=duplicate_new", st.opts.cfg.id.value,
                 to_string(req.id), req.leg);
    return;
  }
  auto& o = st.orders[key];
  o.id = req.id;
  o.leg = req.leg;
  o.instrument = req.instrument.value;
  o.reply_to = req.reply_to;
  auto reject = [&](std::string why) {
    venue_report r;
    r.kind = venue_report_kind::reject;
    r.reason = std::move(why);
    ++st.counters.rejects;
    mark_done(st, o);
    send_report(self, o, std::move(r));
  };
  auto b = book_for(st, req.instrument.value);
  if (!b)
    return reject("unknown instrument " + req.instrument.value);
  if (st.opts.cfg.reject_probability > 0) {
    std::uniform_real_distribution<double> u{0.0, 1.0};
    if (u(st.rng) < st.opts.cfg.reject_probability)
      return reject("simulated venue reject");
  }
  std::vector<venue::exec> out;
  b->book.submit({desk_owner, key, req.side, req.type, req.tif, req.qty, req.px}, out);
  publish(self, out);
}

void on_cancel(venue_ptr self, const venue_cancel_order& req) {
  auto& st = self->state;
  auto i = st.orders.find(leg_key(req.id, req.leg));
  if (i == st.orders.end()) {
    st.log->warn("venue={} order_id={} leg={} event=cancel_unknown", st.opts.cfg.id.value,
                 to_string(req.id), req.leg);
    return;
  }
  auto& o = i->second;
  if (o.done) {
    venue_report r;
    r.kind = venue_report_kind::cancel_rejected;
    r.reason = "order already done";
    send_report(self, o, std::move(r));
    return;
  }
  std::vector<venue::exec> out;
  st.books.at(o.instrument).book.cancel(o.engine_id, out);
  for (auto& e : out)
    if (e.kind == venue::exec_kind::cancel_rejected) {
      e.owner = desk_owner;
      e.client_ref = i->first;
    }
  publish(self, out);
}

void on_replace(venue_ptr self, const venue_replace_order& req) {
  auto& st = self->state;
  auto i = st.orders.find(leg_key(req.id, req.leg));
  if (i == st.orders.end())
    return;
  auto& o = i->second;
  if (o.done) {
    venue_report r;
    r.kind = venue_report_kind::replace_rejected;
    r.reason = "order already done";
    send_report(self, o, std::move(r));
    return;
  }
  std::vector<venue::exec> out;
  st.books.at(o.instrument).book.replace(o.engine_id, req.qty, req.px, out);
  for (auto& e : out)
    if (e.kind == venue::exec_kind::replace_rejected) {
      e.owner = desk_owner;
      e.client_ref = i->first;
    }
  publish(self, out);
}

void on_rebind(venue_ptr self, const venue_rebind& req) {
  auto& st = self->state;
  auto key = leg_key(req.id, req.leg);
  auto i = st.orders.find(key);
  if (i == st.orders.end()) {
    // We do not know the order: it never arrived (lost between its
    // write-ahead and the send) or this venue restarted and lost its book.
    // Like cancel-on-disconnect, it is canceled so the order can end.
    st.log->warn("venue={} order_id={} leg={} event=rebind_unknown", st.opts.cfg.id.value,
                 to_string(req.id), req.leg);
    auto& o = st.orders[key];
    o.id = req.id;
    o.leg = req.leg;
    o.reply_to = req.reply_to;
    o.seq = req.last_seq;
    venue_report r;
    r.kind = venue_report_kind::canceled;
    r.reason = "venue has no such order (never received, or the venue restarted)";
    ++st.counters.cancels;
    mark_done(st, o);
    send_report(self, o, std::move(r));
    return;
  }
  auto& o = i->second;
  o.reply_to = req.reply_to;
  for (auto& r : o.log)
    if (r.seq > req.last_seq)
      caf::anon_send(o.reply_to, r);
}

/// Outside participants trade against the books, then liquidity refills.
void on_tick(venue_ptr self) {
  auto& st = self->state;
  std::uniform_int_distribution<int> coin{0, 1};
  for (auto& [id, b] : st.books) {
    auto s = coin(st.rng) ? side::buy : side::sell;
    auto opposite = s == side::buy ? b.book.best_ask() : b.book.best_bid();
    if (opposite) {
      auto tick = b.inst->tick_size;
      auto limit = s == side::buy ? *opposite + tick : *opposite - tick;
      if (limit.is_positive()) {
        std::vector<venue::exec> out;
        auto size = level_size(st, *b.inst);
        b.book.submit({"flow", "", s, ord_type::limit, time_in_force::ioc, size, limit}, out);
        publish(self, out);
      }
    }
    replenish(st, b);
  }
  if (st.opts.flow_interval.count() > 0)
    self->delayed_send(self, st.opts.flow_interval, tick_atom::value);
}

venue_actor::behavior_type sim_venue_impl(venue_ptr self, sim_venue_options opts) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.rng.seed(st.opts.seed);
  st.counters.venue = st.opts.cfg.id;
  register_self(self, svc::venue, st.opts.cfg.id.value);
  if (st.opts.flow_interval.count() > 0)
    self->delayed_send(self, st.opts.flow_interval, tick_atom::value);
  st.log->info("venue={} event=started kind=simulated ack_latency_us={} reject_probability={}",
               st.opts.cfg.id.value, st.opts.cfg.ack_latency.count(),
               st.opts.cfg.reject_probability);
  return {
    [self](const venue_new_order& x) { on_new(self, x); },
    [self](const venue_cancel_order& x) { on_cancel(self, x); },
    [self](const venue_replace_order& x) { on_replace(self, x); },
    [self](const venue_rebind& x) { on_rebind(self, x); },
    [self](book_atom, const instrument_id& inst) {
      book_view v;
      v.venue = self->state.opts.cfg.id;
      v.instrument = inst;
      if (auto b = book_for(self->state, inst.value)) {
        for (auto& l : b->book.levels(side::buy, 10))
          v.bids.push_back(book_level{l.px, l.qty, static_cast<uint32_t>(l.orders)});
        for (auto& l : b->book.levels(side::sell, 10))
          v.asks.push_back(book_level{l.px, l.qty, static_cast<uint32_t>(l.orders)});
      }
      return v;
    },
    [self](stats_atom) {
      auto c = self->state.counters;
      c.mailbox = self->mailbox().size();
      return c;
    },
    [self](executions_atom) {
      auto& st = self->state;
      venue_executions v;
      v.venue = st.opts.cfg.id;
      v.truncated = st.executed_truncated;
      v.orders.reserve(st.executed.size());
      for (auto& [_, x] : st.executed)
        v.orders.push_back(x);
      return v;
    },
    [self](tick_atom) { on_tick(self); },
  };
}

} // namespace

caf::actor spawn_sim_venue(caf::actor_system& sys, sim_venue_options opts) {
  return caf::actor_cast<caf::actor>(sys.spawn(sim_venue_impl, std::move(opts)));
}

} // namespace om
