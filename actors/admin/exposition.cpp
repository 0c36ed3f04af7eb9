#include "actors/admin/exposition.hpp"

#include "actors/contract/reject.hpp"

#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

namespace om {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using labels = std::vector<std::pair<std::string, std::string>>;

/// Divisor from nanoseconds to seconds (dividing keeps 4500000 ns = 0.0045 s).
constexpr double ns_per_s = 1e9;

/// Families in first-use order; each metric gets the node label first.
class families {
public:
  explicit families(std::string node) : node_(std::move(node)) {}

  void counter(const std::string& name, const std::string& help, const labels& ls, double v) {
    add(name, help, MetricType::Counter, ls).counter.value = v;
  }
  void gauge(const std::string& name, const std::string& help, const labels& ls, double v) {
    add(name, help, MetricType::Gauge, ls).gauge.value = v;
  }
  /// A histogram_view with its bounds divided by `unit` (ns to s) and the
  /// +Inf bucket.
  void histogram(const std::string& name, const std::string& help, const labels& ls,
                 const histogram_view& h, double unit) {
    auto& m = add(name, help, MetricType::Histogram, ls);
    m.histogram.sample_count = h.count;
    m.histogram.sample_sum = static_cast<double>(h.sum) / unit;
    auto n = std::min(h.bounds.size(), h.cumulative.size());
    for (size_t i = 0; i < n; ++i)
      m.histogram.bucket.push_back({h.cumulative[i], static_cast<double>(h.bounds[i]) / unit});
    m.histogram.bucket.push_back({h.count, std::numeric_limits<double>::infinity()});
  }
  /// Sum and count only (a mean, no quantiles).
  void summary(const std::string& name, const std::string& help, const labels& ls,
               uint64_t count, double sum) {
    auto& m = add(name, help, MetricType::Summary, ls);
    m.summary.sample_count = count;
    m.summary.sample_sum = sum;
  }
  /// Declares a family with no sample yet, so it is listed (and
  /// Prometheus sees it) before the first event.
  void declare(const std::string& name, const std::string& help, MetricType t) {
    family(name, help, t);
  }

  std::vector<MetricFamily> take() { return std::move(out_); }

private:
  MetricFamily& family(const std::string& name, const std::string& help, MetricType t) {
    auto [it, fresh] = index_.emplace(name, out_.size());
    if (fresh)
      out_.push_back(MetricFamily{name, help, t, {}});
    return out_[it->second];
  }
  ClientMetric& add(const std::string& name, const std::string& help, MetricType t,
                    const labels& ls) {
    auto& f = family(name, help, t);
    ClientMetric m;
    m.label.push_back({"node", node_});
    for (auto& [k, v] : ls)
      m.label.push_back({k, v});
    f.metric.push_back(std::move(m));
    return f.metric.back();
  }

  std::string node_;
  std::map<std::string, size_t> index_;
  std::vector<MetricFamily> out_;
};

double as_double(money m) {
  return static_cast<double>(m.raw) / 10000.0;
}

void gateway_metrics(families& f, const gateway_stats& g) {
  f.counter("ordermesh_orders_received_total", "Orders the gateway received", {},
            double(g.received));
  f.counter("ordermesh_orders_accepted_total",
            "Orders that passed intake validation and got an order actor", {},
            double(g.started));
  f.counter("ordermesh_orders_duplicate_total",
            "Submissions refused as duplicates of a known client order id", {},
            double(g.duplicates));
  f.declare("ordermesh_orders_rejected_total",
            "Orders rejected, by the stage that refused them and the reason code",
            MetricType::Counter);
  for (auto& r : g.rejects)
    f.counter("ordermesh_orders_rejected_total", "", {{"stage", to_string(r.stage)},
                                                      {"reason", to_string(r.code)}},
              double(r.count));
  f.declare("ordermesh_orders_finished_total", "Orders that ended, by final status",
            MetricType::Counter);
  for (auto& [status, n] : g.finished)
    f.counter("ordermesh_orders_finished_total", "", {{"status", status}}, double(n));
  f.gauge("ordermesh_orders_live", "Orders the gateway started that have not ended", {},
          double(g.live));
  f.counter("ordermesh_risk_timeouts_total", "Risk checks that did not answer in time", {},
            double(g.risk_timeouts));
  f.counter("ordermesh_risk_bypassed_total",
            "Orders sent without a risk answer (risk timeout policy bypass_and_flag)", {},
            double(g.flagged_for_review));
  f.histogram("ordermesh_risk_check_seconds", "Time inside the risk actor per check", {},
              g.risk_check, ns_per_s);
  f.histogram("ordermesh_risk_round_trip_seconds",
              "Gateway to risk actor and back, per check", {}, g.risk_rtt, ns_per_s);
  f.gauge("ordermesh_orders_held", "Orders held while a circuit breaker is open", {},
          double(g.queued));
  f.declare("ordermesh_circuit_breaker_open", "1 while the scope's circuit breaker is open",
            MetricType::Gauge);
  for (auto& b : g.breakers) {
    f.gauge("ordermesh_circuit_breaker_open", "", {{"scope", b.scope}}, b.open ? 1 : 0);
    f.counter("ordermesh_circuit_breaker_trips_total", "Times the scope's breaker opened",
              {{"scope", b.scope}}, double(b.trips));
  }
  f.gauge("ordermesh_volatility_held_orders", "Orders held by a volatility pause now", {},
          double(g.volatility_held));
  f.counter("ordermesh_volatility_released_total",
            "Orders held by a volatility pause, then released", {},
            double(g.volatility_released));
  f.counter("ordermesh_volatility_rejected_total",
            "Orders rejected (or held then rejected) by a volatility pause", {},
            double(g.volatility_rejected));
}

void post_trade_metrics(families& f, const post_trade_report& p) {
  f.counter("ordermesh_fills_total", "Fills booked", {}, double(p.fills));
  f.counter("ordermesh_late_fills_total", "Fills that arrived after their order ended", {},
            double(p.late_fills));
  f.counter("ordermesh_filled_notional_total", "Filled notional, in the price currency", {},
            as_double(p.notional));
  f.gauge("ordermesh_arrival_slippage_bps",
          "Average slippage of filled orders against the arrival price (+ = worse)", {},
          double(p.avg_slippage_centi_bps) / 100.0);
  f.declare("ordermesh_stage_latency_seconds",
            "Time from one stage of an order to the next, per finished order",
            MetricType::Histogram);
  for (auto& s : p.stages)
    f.histogram("ordermesh_stage_latency_seconds", "", {{"from", s.from}, {"to", s.to}},
                s.histogram, ns_per_s);
  for (auto& v : p.venues) {
    labels ls{{"venue", v.venue.value}};
    f.counter("ordermesh_venue_legs_total", "Legs of finished orders sent to the venue", ls,
              double(v.legs));
    f.counter("ordermesh_venue_filled_legs_total",
              "Legs of finished orders the venue filled at least partly (fill rate)", ls,
              double(v.filled_legs));
    f.counter("ordermesh_venue_filled_notional_total", "Notional filled at the venue", ls,
              as_double(v.notional));
    f.counter("ordermesh_venue_fees_total", "Fees charged by the venue (negative = rebates)",
              ls, as_double(v.fees));
    f.summary("ordermesh_venue_ack_latency_seconds",
              "Leg sent to the venue until it acknowledged", ls, v.ack_samples,
              double(v.ack_latency_sum_ns) / ns_per_s);
  }
  // The venue matrix: persisted windows that survive restarts.
  for (auto& w : p.windows) {
    labels ls{{"venue", w.venue.value}, {"window", w.window}};
    f.gauge("ordermesh_venue_window_legs", "Legs of orders that ended in the window", ls,
            double(w.totals.legs));
    f.gauge("ordermesh_venue_window_fill_ratio",
            "Share of the window's legs filled at least partly", ls,
            w.totals.legs ? double(w.totals.filled_legs) / double(w.totals.legs) : 0.0);
    f.gauge("ordermesh_venue_window_slippage_bps",
            "Mean arrival slippage of the window's filled legs (+ = worse)", ls,
            w.totals.slippage_samples ? double(w.totals.slippage_sum_centi_bps) / 100.0
                                   / double(w.totals.slippage_samples)
                               : 0.0);
    f.gauge("ordermesh_venue_window_ack_seconds", "Mean acknowledgement latency in the window",
            ls, w.totals.ack_samples ? double(w.totals.ack_sum_ns) / ns_per_s / double(w.totals.ack_samples) : 0.0);
    f.gauge("ordermesh_venue_window_fills", "Fills in the window", ls, double(w.totals.fills));
  }
}

void venue_metrics(families& f, const venue_counters& v) {
  labels ls{{"venue", v.venue.value}};
  f.counter("ordermesh_venue_orders_total", "New orders sent to the venue", ls,
            double(v.orders));
  f.counter("ordermesh_venue_fills_total", "Fill reports from the venue", ls, double(v.fills));
  f.counter("ordermesh_venue_rejects_total", "Orders the venue rejected", ls,
            double(v.rejects));
  f.counter("ordermesh_venue_cancels_total", "Cancel requests sent to the venue", ls,
            double(v.cancels));
  f.counter("ordermesh_venue_replaces_total", "Replace requests sent to the venue", ls,
            double(v.replaces));
  f.counter("ordermesh_venue_reconnects_total", "Session reconnects", ls,
            double(v.reconnects));
  f.counter("ordermesh_venue_foreign_reports_total",
            "Reports for orders this node does not know", ls, double(v.foreign_reports));
  f.counter("ordermesh_venue_refused_messages_total", "Inbound messages refused as malformed",
            ls, double(v.refused));
  f.counter("ordermesh_venue_duplicate_reports_total",
            "Duplicate reports ignored (PossDup or ExecID already booked)", ls,
            double(v.duplicates));
  f.counter("ordermesh_venue_md_updates_total", "Market-data updates from the venue", ls,
            double(v.md_updates));
  // Simulated venues have no session: they are up while they answer.
  auto state = v.session_state.empty() ? std::string{"simulated"} : v.session_state;
  bool up = v.session_state.empty() || v.session_state == "logged_on";
  f.gauge("ordermesh_venue_session_up", "1 while the venue session is logged on", ls,
          up ? 1 : 0);
  f.gauge("ordermesh_venue_session_state", "1 for the session's current state", 
          {{"venue", v.venue.value}, {"state", state}}, 1);
  f.gauge("ordermesh_venue_unknown_legs",
          "Legs whose state is unknown (unanswered cancel or status, disconnect)", ls,
          double(v.unknown_legs.size()));
  f.gauge("ordermesh_venue_unsupported_messages",
          "Message types the venue answered with BusinessMessageReject (unsupported)", ls,
          double(v.unsupported.size()));
  f.gauge("ordermesh_venue_peer_clock_skew_seconds",
          "The venue's SendingTime minus our clock at logon", ls,
          double(v.peer_skew_ms) / 1000.0);
}

void store_metrics(families& f, const store_actor_stats& s) {
  f.counter("ordermesh_store_batches_total", "RocksDB write batches committed", {},
            double(s.batches));
  f.counter("ordermesh_store_records_total", "Records written", {}, double(s.records));
  f.counter("ordermesh_store_failed_batches_total",
            "Write batches RocksDB refused (their callers were told)", {},
            double(s.failed_batches));
  f.histogram("ordermesh_store_write_seconds", "One RocksDB commit", {}, s.write_latency,
              ns_per_s);
  f.histogram("ordermesh_store_batch_records", "Records per committed batch", {},
              s.batch_size, 1.0);
}

void topology_metrics(families& f, const node_metrics& m) {
  f.declare("ordermesh_supervisor_restarts_total", "Restarts of a supervised child",
            MetricType::Counter);
  for (auto& sv : m.topology.supervisors)
    for (auto& c : sv.children)
      f.counter("ordermesh_supervisor_restarts_total", "",
                {{"supervisor", sv.name}, {"child", c.name}}, double(c.restarts));
  auto live = live_orders_of(m);
  f.declare("ordermesh_orders_by_state", "Live order actors by order state", MetricType::Gauge);
  for (auto& [state, n] : live.by_state)
    f.gauge("ordermesh_orders_by_state", "", {{"state", state}}, double(n));
  f.gauge("ordermesh_orders_unacked", "Orders sent to a venue and not acknowledged yet", {},
          double(live.unacked));
  f.gauge("ordermesh_orders_unacked_oldest_seconds",
          "How long the oldest unacknowledged order has waited (0 when none)", {},
          double(live.oldest_unacked_ns) / ns_per_s);
}

void cluster_metrics_of(families& f, const node_metrics& m) {
  f.gauge("ordermesh_cluster_clock_offset_alert_seconds",
          "Clock offset above which the shipped rules alert (network.clock_offset_alert_ms)",
          {}, double(m.clock_offset_alert_ns) / ns_per_s);
  f.declare("ordermesh_cluster_peer_up", "1 while the peer is up, seen from this node",
            MetricType::Gauge);
  for (auto& p : m.members) {
    if (p.self)
      continue;
    labels ls{{"peer", p.id}};
    f.gauge("ordermesh_cluster_peer_up", "", ls, p.state == "up" ? 1 : 0);
    f.gauge("ordermesh_cluster_clock_offset_seconds", "The peer's clock minus this node's", ls,
            double(p.clock_offset_ns) / ns_per_s);
    f.gauge("ordermesh_cluster_rtt_seconds", "Round trip to the peer", ls,
            double(p.rtt_ns) / ns_per_s);
    f.counter("ordermesh_cluster_peer_downs_total", "Times the peer was declared down", ls,
              double(p.downs));
  }
}

void market_metrics(families& f, const market_status& s) {
  labels ls{{"instrument", s.view.instrument.value}};
  f.gauge("ordermesh_market_data_fresh", "1 while the instrument's market data is fresh", ls,
          s.fresh ? 1 : 0);
  f.gauge("ordermesh_market_data_paused", "1 while the instrument is paused for volatility",
          ls, s.view.paused ? 1 : 0);
  f.counter("ordermesh_market_data_updates_total", "Market-data updates applied", ls,
            double(s.updates));
  f.counter("ordermesh_market_data_pauses_total", "Volatility pauses", ls, double(s.pauses));
}

} // namespace

std::string render_prometheus(const node_metrics& m) {
  families f{m.node};
  f.gauge("ordermesh_node_start_time_seconds", "When the node started (Unix time)", {},
          double(m.started_ns) / ns_per_s);
  uint64_t open_paging = 0, open_ticket = 0;
  for (auto& i : m.incidents)
    if (i.resolved_ns == 0)
      ++(i.paging ? open_paging : open_ticket);
  f.gauge("ordermesh_incidents_open", "Open incidents of the node's error list", {{"paging", "true"}},
          double(open_paging));
  f.gauge("ordermesh_incidents_open", "", {{"paging", "false"}}, double(open_ticket));
  f.gauge("ordermesh_scrape_errors",
          "Parts of the node that did not answer this scrape (see the node's log)", {},
          double(m.errors.size()));
  if (m.has_gateway)
    gateway_metrics(f, m.gateway);
  if (m.has_post_trade)
    post_trade_metrics(f, m.post_trade);
  for (auto& v : m.venues)
    venue_metrics(f, v);
  if (m.has_store)
    store_metrics(f, m.store);
  f.declare("ordermesh_mailbox_depth",
            "Messages waiting in an actor's mailbox (risk: summed over its shards)",
            MetricType::Gauge);
  for (auto& b : m.mailboxes) {
    labels ls{{"actor", b.actor}};
    if (!b.venue.empty())
      ls.emplace_back("venue", b.venue);
    f.gauge("ordermesh_mailbox_depth", "", ls, double(b.depth));
    if (b.actors > 1)
      f.gauge("ordermesh_mailbox_depth_max", "The deepest mailbox of a sharded actor",
              {{"actor", b.actor}}, double(b.max));
  }
  if (m.has_topology)
    topology_metrics(f, m);
  cluster_metrics_of(f, m);
  for (auto& s : m.markets)
    market_metrics(f, s);
  prometheus::TextSerializer ser;
  return ser.Serialize(f.take());
}

} // namespace om
