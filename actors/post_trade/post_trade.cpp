#include "actors/post_trade/post_trade.hpp"

#include "actors/directory/directory.hpp"
#include "actors/store/store_actor.hpp"
#include "runtime/clock.hpp"
#include "runtime/error.hpp"
#include "runtime/log/log.hpp"
#include "runtime/model/latency_histogram.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <map>

namespace om {

namespace {

struct post_trade_state {
  static inline const char* name = "om.post_trade";
  post_trade_report totals;
  int64_t slippage_sum = 0;
  std::map<std::string, venue_perf> venues;
  // Latency per stage pair (received->risk_checked, ...): fixed memory.
  std::vector<latency_histogram> stage_latency;
  // The venue matrix (1h/24h/7d) and where it is persisted: the store
  // actor, under post-trade's own incarnation, every persist_interval.
  venue_matrix matrix;
  store_actor store;
  fence persisted{0, 0};
  std::shared_ptr<spdlog::logger> log = log::get("post_trade");
};

using namespace std::chrono_literals;
constexpr auto persist_interval = 5s;

using pt_ptr = post_trade_actor::stateful_pointer<post_trade_state>;

// The stage pairs reported, in pipeline order.
constexpr std::pair<stage, stage> stage_pairs[] = {
  {stage::received, stage::risk_checked},  {stage::risk_checked, stage::routed},
  {stage::routed, stage::sent_to_venue},   {stage::sent_to_venue, stage::venue_acked},
  {stage::received, stage::venue_acked},   {stage::venue_acked, stage::first_fill},
  {stage::received, stage::done},
};
constexpr size_t stage_pair_count = sizeof(stage_pairs) / sizeof(stage_pairs[0]);


void on_fill(pt_ptr self, const fill_record& f, int64_t now) {
  auto& st = self->state;
  ++st.totals.fills;
  st.totals.late_fills += f.late ? 1 : 0;
  auto n = notional(f.px, f.qty);
  st.totals.notional += n;
  auto& v = st.venues[f.venue.value];
  v.venue = f.venue;
  ++v.fills;
  v.filled_qty += f.qty;
  v.notional += n;
  v.fees += f.fee;
  venue_totals d;
  d.fills = 1;
  d.notional = n;
  d.fees = f.fee;
  st.matrix.add(f.venue, now, d);
}

void on_ack(pt_ptr self, const venue_ack_sample& s, int64_t now) {
  auto& v = self->state.venues[s.venue.value];
  v.venue = s.venue;
  v.ack_latency_sum_ns += s.latency_ns;
  ++v.ack_samples;
  venue_totals d;
  d.ack_sum_ns = s.latency_ns;
  d.ack_samples = 1;
  self->state.matrix.add(s.venue, now, d);
}

void on_order_done(pt_ptr self, const order_snapshot& s, int64_t now) {
  auto& st = self->state;
  ++st.totals.orders_finished;
  for (auto& c : s.children) {
    auto& v = st.venues[c.venue.value];
    v.venue = c.venue;
    ++v.legs;
    v.filled_legs += c.cum_qty.is_positive() ? 1 : 0;
  }
  switch (s.arrival_source) {
    case price_source::live_mid: ++st.totals.arrival_live_mid; break;
    case price_source::prev_close: ++st.totals.arrival_prev_close; break;
    case price_source::last_trade: ++st.totals.arrival_last_trade; break;
    case price_source::unknown: break;
  }
  int64_t slip = 0;
  bool has_slip = s.state.cum_qty.is_positive() && s.arrival_px.is_positive();
  if (has_slip) {
    // Positive = paid more (buy) or received less (sell) than on arrival.
    auto d = diff_centi_bps(s.arrival_px, s.state.avg_px());
    slip = s.state.side == side::buy ? d : -d;
    st.slippage_sum += slip;
    ++st.totals.slippage_samples;
  }
  // The matrix: each leg to its venue; a filled leg carries the order's
  // slippage (the snapshot has no per-leg price: exact for one-leg orders).
  for (auto& c : s.children) {
    venue_totals d;
    d.legs = 1;
    if (c.cum_qty.is_positive()) {
      d.filled_legs = 1;
      if (has_slip) {
        d.slippage_sum_centi_bps = slip;
        d.slippage_samples = 1;
      }
    }
    st.matrix.add(c.venue, now, d);
  }
  if (st.stage_latency.empty())
    st.stage_latency.resize(stage_pair_count);
  for (size_t i = 0; i < stage_pair_count; ++i) {
    auto a = s.stages[stage_pairs[i].first];
    auto b = s.stages[stage_pairs[i].second];
    if (a > 0 && b >= a)
      st.stage_latency[i].record(b - a);
  }
}

void on_committed(pt_ptr self, const trades_committed& x) {
  // One clock read per commit: the matrix buckets by arrival here.
  auto now = wall_ns();
  for (auto& a : x.acks)
    on_ack(self, a, now);
  for (auto& f : x.fills)
    on_fill(self, f, now);
  for (auto& s : x.finished)
    on_order_done(self, s, now);
}

post_trade_report report(pt_ptr self) {
  auto& st = self->state;
  auto r = st.totals;
  r.avg_slippage_centi_bps = r.slippage_samples > 0
                               ? st.slippage_sum / static_cast<int64_t>(r.slippage_samples)
                               : 0;
  for (auto& [_, v] : st.venues)
    r.venues.push_back(v);
  r.windows = st.matrix.windows(wall_ns());
  if (!st.stage_latency.empty())
    for (size_t i = 0; i < stage_pair_count; ++i) {
      auto& v = st.stage_latency[i];
      stage_latency l;
      l.from = to_string(stage_pairs[i].first);
      l.to = to_string(stage_pairs[i].second);
      l.samples = v.count();
      l.p50_us = v.quantile_us(0.50);
      l.p99_us = v.quantile_us(0.99);
      l.p999_us = v.quantile_us(0.999);
      l.histogram = v.view(latency_bounds_ns());
      r.stages.push_back(std::move(l));
    }
  return r;
}

/// Sends the matrix buckets changed since the last persist to the store.
void persist_matrix(pt_ptr self) {
  auto& st = self->state;
  if (!st.store)
    return;
  auto d = st.matrix.take_dirty(wall_ns());
  if (d.changed.empty() && d.expired.empty())
    return;
  ++st.persisted.sequence;
  self->send(st.store, persist_venue_stats{st.persisted, std::move(d.changed),
                                           std::move(d.expired)});
}

/// Finds the store, takes an incarnation, loads the stored matrix and
/// starts the persist ticks; on any failure tries again in a second
/// (figures recorded meanwhile are kept and merged with what loads).
void connect_store(pt_ptr self) {
  auto retry = [self](const char* step, const caf::error& e) {
    self->state.log->warn("event=venue_stats_unavailable step={} error={} retry_ms=1000", step,
                          log::q(describe(e)));
    self->delayed_send(self, 1s, retry_atom::value);
  };
  auto dir = find_directory(self->system());
  if (!dir) {
    self->delayed_send(self, 1s, retry_atom::value);
    return;
  }
  self->request(dir, 2s, resolve_atom::value, std::string{svc::store}, std::string{})
    .then(
      [self, retry](caf::actor& h) {
        auto store = typed_entry<store_actor>(h);
        self->request(store, 5s, next_inc_atom::value, std::string{"post-trade"})
          .then(
            [self, retry, store](uint64_t inc) {
              self->request(store, 10s, load_vstats_atom::value)
                .then(
                  [self, store, inc](std::vector<venue_stats_bucket>& stored) {
                    auto& st = self->state;
                    auto n = st.matrix.load(stored, wall_ns());
                    st.store = store;
                    st.persisted = fence{inc, 0};
                    st.log->info("event=venue_stats_loaded buckets={} kept={} incarnation={}",
                                 stored.size(), n, inc);
                    self->delayed_send(self, persist_interval, tick_atom::value);
                  },
                  [retry](caf::error& e) { retry("load", e); });
            },
            [retry](caf::error& e) { retry("incarnation", e); });
      },
      [retry](caf::error& e) { retry("resolve", e); });
}

post_trade_actor::behavior_type post_trade_impl(pt_ptr self) {
  register_self(self, svc::post_trade, "");
  connect_store(self);
  // What changed since the last tick is written before it stops.
  self->set_exit_handler([self](caf::exit_msg& m) {
    persist_matrix(self);
    self->quit(m.reason);
  });
  return {
    [self](const trades_committed& x) { on_committed(self, x); },
    [self](stats_atom) { return report(self); },
    [self](tick_atom) {
      persist_matrix(self);
      self->delayed_send(self, persist_interval, tick_atom::value);
    },
    [self](retry_atom) { connect_store(self); },
  };
}

} // namespace

caf::actor spawn_post_trade(caf::actor_system& sys) {
  return caf::actor_cast<caf::actor>(sys.spawn(post_trade_impl));
}

} // namespace om
