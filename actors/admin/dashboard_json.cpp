#include "actors/admin/dashboard.hpp"

#include "actors/contract/reject.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace om {

namespace {

using json = nlohmann::json;

double ms(int64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

double units(money m) {
  return static_cast<double>(m.raw) / 10000.0;
}

json member_json(const member_view& m) {
  return json{{"id", m.id},
              {"state", m.state},
              {"self", m.self},
              {"roles", m.roles},
              {"host", m.host},
              {"port", m.port},
              {"uptime_s", static_cast<double>(m.uptime_ns) / 1e9},
              {"clock_offset_ms", ms(m.clock_offset_ns)},
              {"rtt_ms", ms(m.rtt_ns)},
              {"ups", m.ups},
              {"downs", m.downs},
              {"last_down_reason", m.last_down_reason},
              {"error", m.error}};
}

json orders_json(const node_metrics& m) {
  auto& g = m.gateway;
  json finished = json::object();
  for (auto& [status, n] : g.finished)
    finished[status] = n;
  auto live = live_orders_of(m);
  json rejects = json::array();
  for (auto& r : g.rejects)
    rejects.push_back(
      json{{"stage", to_string(r.stage)}, {"reason", to_string(r.code)}, {"count", r.count}});
  return json{{"received", g.received},
              {"accepted", g.started},
              {"rejected", g.rejected},
              {"duplicates", g.duplicates},
              {"live", g.live},
              {"risk_timeouts", g.risk_timeouts},
              {"risk_bypassed", g.flagged_for_review},
              {"finished", finished},
              {"by_state", live.by_state},
              {"unacked", live.unacked},
              {"oldest_unacked_s", static_cast<double>(live.oldest_unacked_ns) / 1e9},
              {"rejects", rejects},
              {"held", g.queued},
              {"paused", g.paused},
              {"risk_check_p50_us", g.risk_check_p50_us},
              {"risk_check_p99_us", g.risk_check_p99_us},
              {"risk_rtt_p50_us", g.risk_rtt_p50_us},
              {"risk_rtt_p99_us", g.risk_rtt_p99_us}};
}

json venues_json(const node_metrics& m) {
  json out = json::array();
  std::map<std::string, const venue_perf*> perf;
  for (auto& p : m.post_trade.venues)
    perf[p.venue.value] = &p;
  std::map<std::string, json> rows;
  for (auto& v : m.venues) {
    rows[v.venue.value] = json{{"venue", v.venue.value},
                               {"hosted_here", true},
                               {"session_state", v.session_state.empty() ? "simulated"
                                                                         : v.session_state},
                               {"up", v.session_state.empty() || v.session_state == "logged_on"},
                               {"last_error", v.last_error},
                               {"orders", v.orders},
                               {"fills", v.fills},
                               {"rejects", v.rejects},
                               {"cancels", v.cancels},
                               {"reconnects", v.reconnects},
                               {"unknown_legs", v.unknown_legs.size()},
                               {"foreign_reports", v.foreign_reports},
                               {"refused", v.refused},
                               {"duplicates", v.duplicates},
                               {"unsupported", v.unsupported},
                               {"peer_skew_ms", v.peer_skew_ms}};
  }
  // What this node's orders did at each venue (post-trade), wherever the
  // venue is hosted.
  for (auto& [id, p] : perf) {
    auto& r = rows[id];
    if (r.is_null())
      r = json{{"venue", id}, {"hosted_here", false}};
    r["legs"] = p->legs;
    r["filled_legs"] = p->filled_legs;
    r["fill_rate"] = p->legs ? static_cast<double>(p->filled_legs) / p->legs : 0.0;
    r["filled_notional"] = units(p->notional);
    r["fees"] = units(p->fees);
    r["fee_bps"] = p->notional.raw ? 10000.0 * units(p->fees) / units(p->notional) : 0.0;
    r["ack_samples"] = p->ack_samples;
    r["ack_ms_avg"] = p->ack_samples ? ms(p->ack_latency_sum_ns) / p->ack_samples : 0.0;
  }
  // The persisted matrix: {"1h": {...}, "24h": {...}, "7d": {...}}.
  for (auto& w : m.post_trade.windows) {
    auto& r = rows[w.venue.value];
    if (r.is_null())
      r = json{{"venue", w.venue.value}, {"hosted_here", false}};
    r["windows"][w.window] = json{
      {"legs", w.totals.legs},
      {"filled_legs", w.totals.filled_legs},
      {"fill_rate", w.totals.legs ? static_cast<double>(w.totals.filled_legs) / w.totals.legs : 0.0},
      {"fills", w.totals.fills},
      {"notional", units(w.totals.notional)},
      {"slippage_bps", w.totals.slippage_samples ? static_cast<double>(w.totals.slippage_sum_centi_bps) / 100.0
                                              / w.totals.slippage_samples
                                          : 0.0},
      {"slippage_samples", w.totals.slippage_samples},
      {"ack_ms_avg", w.totals.ack_samples ? ms(w.totals.ack_sum_ns) / w.totals.ack_samples : 0.0},
      {"ack_samples", w.totals.ack_samples}};
  }
  for (auto& [id, r] : rows)
    out.push_back(r);
  return out;
}

json topology_json(const node_metrics& m) {
  json out = json::array();
  for (auto& sv : m.topology.supervisors) {
    json kids = json::array();
    for (auto& c : sv.children)
      kids.push_back(json{{"name", c.name},
                          {"kind", c.kind},
                          {"state", c.state},
                          {"restarts", c.restarts},
                          {"last_failure", c.last_failure}});
    out.push_back(json{{"name", sv.name},
                       {"restarts", sv.restarts},
                       {"pool", sv.pool},
                       {"live", sv.live},
                       {"mailbox", sv.mailbox},
                       {"children", kids},
                       {"error", sv.error}});
  }
  return out;
}

json node_json(const node_metrics& m) {
  json stages = json::array();
  for (auto& s : m.post_trade.stages)
    stages.push_back(json{{"from", s.from},
                          {"to", s.to},
                          {"samples", s.samples},
                          {"p50_us", s.p50_us},
                          {"p99_us", s.p99_us},
                          {"count", s.histogram.count},
                          {"sum_us", static_cast<double>(s.histogram.sum) / 1e3}});
  json breakers = json::array();
  for (auto& b : m.gateway.breakers)
    breakers.push_back(json{{"scope", b.scope}, {"open", b.open}, {"trips", b.trips}});
  json mailboxes = json::array();
  for (auto& b : m.mailboxes)
    mailboxes.push_back(
      json{{"actor", b.actor}, {"venue", b.venue}, {"depth", b.depth}, {"max", b.max}});
  json markets = json::array();
  for (auto& s : m.markets)
    markets.push_back(json{{"instrument", s.view.instrument.value},
                           {"fresh", s.fresh},
                           {"paused", s.view.paused},
                           {"mid", to_string(s.view.mid)},
                           {"updates", s.updates}});
  json incidents = json::array();
  for (auto& i : m.incidents)
    incidents.push_back(json{{"id", i.id},
                             {"node", i.node},
                             {"kind", i.kind},
                             {"subject", i.subject},
                             {"paging", i.paging},
                             {"detail", i.detail},
                             {"first_ms", ms(i.first_ns)},
                             {"last_ms", ms(i.last_ns)},
                             {"resolved_ms", ms(i.resolved_ns)},
                             {"open", i.resolved_ns == 0},
                             {"observations", i.observations}});
  auto& st = m.store;
  return json{{"node", m.node},
              {"incidents", incidents},
              {"taken_ms", ms(m.taken_ns)},
              {"started_ms", ms(m.started_ns)},
              {"clock_offset_alert_ms", ms(m.clock_offset_alert_ns)},
              {"errors", m.errors},
              {"has_gateway", m.has_gateway},
              {"orders", m.has_gateway ? orders_json(m) : json::object()},
              {"fills", m.post_trade.fills},
              {"late_fills", m.post_trade.late_fills},
              {"filled_notional", units(m.post_trade.notional)},
              {"slippage_bps", static_cast<double>(m.post_trade.avg_slippage_centi_bps) / 100.0},
              {"stages", stages},
              {"breakers", breakers},
              {"venues", venues_json(m)},
              {"store",
               m.has_store ? json{{"batches", st.batches},
                                  {"records", st.records},
                                  {"failed_batches", st.failed_batches},
                                  {"write_count", st.write_latency.count},
                                  {"write_sum_us",
                                   static_cast<double>(st.write_latency.sum) / 1e3}}
                           : json::object()},
              {"mailboxes", mailboxes},
              {"supervisors", topology_json(m)},
              {"markets", markets}};
}

} // namespace

std::string render_dashboard_json(const cluster_metrics& c) {
  json nodes = json::array();
  for (auto& n : c.nodes)
    nodes.push_back(node_json(n));
  json members = json::array();
  for (auto& m : c.members)
    members.push_back(member_json(m));
  return json{{"asked", c.asked}, {"nodes", nodes}, {"members", members}, {"errors", c.errors}}
    .dump();
}

} // namespace om
