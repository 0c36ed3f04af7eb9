#include "actors/post_trade/post_trade.hpp"

#include "actors/directory/directory.hpp"
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
  std::shared_ptr<spdlog::logger> log = log::get("post_trade");
};

using pt_ptr = post_trade_actor::stateful_pointer<post_trade_state>;

// The stage pairs reported, in pipeline order.
constexpr std::pair<stage, stage> stage_pairs[] = {
  {stage::received, stage::risk_checked},  {stage::risk_checked, stage::routed},
  {stage::routed, stage::sent_to_venue},   {stage::sent_to_venue, stage::venue_acked},
  {stage::received, stage::venue_acked},   {stage::venue_acked, stage::first_fill},
  {stage::received, stage::done},
};
constexpr size_t stage_pair_count = sizeof(stage_pairs) / sizeof(stage_pairs[0]);


void on_fill(pt_ptr self, const fill_record& f) {
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
}

void on_ack(pt_ptr self, const venue_ack_sample& s) {
  auto& v = self->state.venues[s.venue.value];
  v.venue = s.venue;
  v.ack_latency_sum_ns += s.latency_ns;
  ++v.ack_samples;
}

void on_order_done(pt_ptr self, const order_snapshot& s) {
  auto& st = self->state;
  ++st.totals.orders_finished;
  for (auto& c : s.children) {
    auto& v = st.venues[c.venue.value];
    v.venue = c.venue;
    ++v.legs;
  }
  switch (s.arrival_source) {
    case price_source::live_mid: ++st.totals.arrival_live_mid; break;
    case price_source::prev_close: ++st.totals.arrival_prev_close; break;
    case price_source::last_trade: ++st.totals.arrival_last_trade; break;
    case price_source::unknown: break;
  }
  if (s.state.cum_qty.is_positive() && s.arrival_px.is_positive()) {
    // Positive = paid more (buy) or received less (sell) than on arrival.
    auto d = diff_centi_bps(s.arrival_px, s.state.avg_px());
    st.slippage_sum += s.state.side == side::buy ? d : -d;
    ++st.totals.slippage_samples;
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
  for (auto& a : x.acks)
    on_ack(self, a);
  for (auto& f : x.fills)
    on_fill(self, f);
  for (auto& s : x.finished)
    on_order_done(self, s);
}

post_trade_report report(pt_ptr self) {
  auto& st = self->state;
  auto r = st.totals;
  r.avg_slippage_centi_bps = r.slippage_samples > 0
                               ? st.slippage_sum / static_cast<int64_t>(r.slippage_samples)
                               : 0;
  for (auto& [_, v] : st.venues)
    r.venues.push_back(v);
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
      r.stages.push_back(std::move(l));
    }
  return r;
}

post_trade_actor::behavior_type post_trade_impl(pt_ptr self) {
  register_self(self, svc::post_trade, "");
  return {
    [self](const trades_committed& x) { on_committed(self, x); },
    [self](stats_atom) { return report(self); },
  };
}

} // namespace

caf::actor spawn_post_trade(caf::actor_system& sys) {
  return caf::actor_cast<caf::actor>(sys.spawn(post_trade_impl));
}

} // namespace om
