#include "tools/omctl/render.hpp"

#include <iomanip>
#include <iostream>
#include <sstream>

namespace om::omctl {

using json = nlohmann::json;

namespace {

double us(int64_t ns) {
  return static_cast<double>(ns) / 1e3;
}

double secs(int64_t ns) {
  return static_cast<double>(ns) / 1e9;
}

json order_json(const order_snapshot& s, bool full) {
  auto& o = s.state;
  json j{{"order_id", to_string(s.id)},
         {"clordid", s.clordid.value},
         {"strategy", s.strategy.value},
         {"instrument", s.instrument.value},
         {"side", to_string(o.side)},
         {"type", to_string(o.type)},
         {"qty", to_string(o.order_qty)},
         {"limit_px", to_string(o.limit_px)},
         {"cum_qty", to_string(o.cum_qty)},
         {"leaves_qty", to_string(o.leaves_qty)},
         {"avg_px", to_string(o.avg_px())},
         {"status", to_string(o.status)}};
  if (!full)
    return j;
  j["tif"] = to_string(o.tif);
  j["symbol_as_sent"] = s.symbol_as_sent;
  j["refdata_version"] = s.refdata_version;
  j["fills"] = o.fill_count;
  j["late_fills"] = o.late_fill_count;
  j["arrival_px"] = to_string(s.arrival_px);
  j["arrival_source"] = to_string(s.arrival_source);
  if (!s.venue_pin.value.empty())
    j["venue_pin"] = s.venue_pin.value;
  j["flagged_for_review"] = s.flagged_for_review;
  if (!s.review_reason.empty())
    j["review_reason"] = s.review_reason;
  if (!s.reject_reason.empty())
    j["reject_reason"] = s.reject_reason;
  json stages = json::array();
  int64_t first = s.stages[stage::received];
  for (size_t i = 0; i < stage_count; ++i) {
    auto ns = s.stages.ns[i];
    if (ns == 0)
      continue;
    stages.push_back({{"stage", to_string(static_cast<stage>(i))},
                      {"wall_ns", ns},
                      {"since_received_us", us(ns - first)}});
  }
  j["stages"] = stages;
  json legs = json::array();
  for (auto& c : s.children)
    legs.push_back({{"venue", c.venue.value},
                    {"venue_order_id", c.venue_order_id},
                    {"qty", to_string(c.qty)},
                    {"cum_qty", to_string(c.cum_qty)},
                    {"status", to_string(c.status)},
                    {"last_report_seq", c.last_seq}});
  j["legs"] = legs;
  return j;
}

json actor_json(const actor_view& a) {
  json j{{"name", a.name},
         {"kind", a.kind},
         {"state", a.state},
         {"actor_id", a.actor_id},
         {"restarts", a.restarts}};
  if (!a.last_failure.empty()) {
    j["last_failure"] = a.last_failure;
    j["last_failure_ns"] = a.last_failure_ns;
  }
  if (!a.order_id.empty()) {
    j["order_id"] = a.order_id;
    j["order_state"] = a.order_state;
    j["instrument"] = a.instrument;
  }
  return j;
}

/// The nested tree of supervisor `i` (children in start order).
json tree_json(const std::vector<supervisor_view>& sups, size_t i, int depth = 0) {
  auto& s = sups[i];
  json j{{"name", s.name},
         {"kind", "supervisor"},
         {"strategy", s.strategy},
         {"actor_id", s.actor_id},
         {"restarts", s.restarts},
         {"mailbox", s.mailbox},
         {"children", json::array()}};
  if (!s.error.empty())
    j["error"] = s.error;
  if (s.pool) {
    j["started"] = s.started;
    j["ended"] = s.ended;
    j["live"] = s.live;
    j["by_state"] = json::object();
    for (auto& [k, n] : s.by_state)
      j["by_state"][k] = n;
    j["orders"] = json::array();
    for (auto& o : s.orders)
      j["orders"].push_back(actor_json(o));
  }
  for (auto& c : s.children) {
    auto k = c.supervisor;
    // A supervisor index outside the table (or a cycle) is a malformed answer.
    if (k > 0 && static_cast<size_t>(k) < sups.size() && depth < 32)
      j["children"].push_back(tree_json(sups, static_cast<size_t>(k), depth + 1));
    else
      j["children"].push_back(actor_json(c));
  }
  return j;
}

std::string fmt(double x, int prec = 1) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(prec) << x;
  return os.str();
}

std::string str(const json& j, const char* k, const std::string& def = "-") {
  if (!j.contains(k) || j[k].is_null())
    return def;
  if (j[k].is_string())
    return j[k].get<std::string>();
  return j[k].dump();
}

std::string roles(const json& n) {
  std::string out;
  if (n.contains("roles"))
    for (auto& r : n["roles"])
      out += (out.empty() ? "" : ",") + r.get<std::string>();
  return out;
}

void table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> w(head.size());
  for (size_t i = 0; i < head.size(); ++i)
    w[i] = head[i].size();
  for (auto& r : rows)
    for (size_t i = 0; i < r.size() && i < w.size(); ++i)
      w[i] = std::max(w[i], r[i].size());
  auto line = [&](const std::vector<std::string>& r) {
    for (size_t i = 0; i < r.size(); ++i)
      std::cout << std::left << std::setw(static_cast<int>(w[i]) + 2) << r[i];
    std::cout << "\n";
  };
  line(head);
  for (auto& r : rows)
    line(r);
}

std::string node_line(const json& n) {
  std::string s = str(n, "id") + "  " + str(n, "state") + "  roles=" + roles(n);
  if (n.value("state", "") == "up")
    s += "  uptime=" + fmt(n.value("uptime_s", 0.0)) + "s  clock_offset="
         + fmt(n.value("clock_offset_us", 0.0)) + "us  rtt=" + fmt(n.value("rtt_us", 0.0))
         + "us  pid=" + str(n, "pid") + "  incarnation=" + str(n, "incarnation")
         + (n.contains("agent_actor_id") ? "  agent=" + str(n, "agent_actor_id") : "");
  else if (n.contains("last_down_reason"))
    s += "  down " + fmt(n.value("since_s", 0.0)) + "s (" + str(n, "last_down_reason") + ")";
  if (n.contains("error"))
    s += "  error: " + str(n, "error");
  return s;
}

void print_tree(const json& t, const std::string& indent, bool last) {
  std::string branch = indent + (last ? "└─ " : "├─ ");
  std::string next = indent + (last ? "   " : "│  ");
  if (t.value("kind", "") == "supervisor") {
    std::cout << branch << t.value("name", "?") << " (" << t.value("strategy", "?")
              << ") id=" << str(t, "actor_id") << " restarts=" << str(t, "restarts")
              << " mailbox=" << str(t, "mailbox");
    if (t.contains("live")) {
      std::cout << " live=" << str(t, "live") << " started=" << str(t, "started")
                << " ended=" << str(t, "ended");
      if (t.contains("by_state") && !t["by_state"].empty()) {
        std::cout << " by state:";
        for (auto& [k, v] : t["by_state"].items())
          std::cout << " " << k << "=" << v.dump();
      }
    }
    if (t.contains("error"))
      std::cout << " error: " << str(t, "error");
    std::cout << "\n";
    std::vector<json> kids;
    if (t.contains("children"))
      for (auto& c : t["children"])
        kids.push_back(c);
    if (t.contains("orders"))
      for (auto& o : t["orders"])
        kids.push_back(o);
    for (size_t i = 0; i < kids.size(); ++i)
      print_tree(kids[i], next, i + 1 == kids.size());
    return;
  }
  std::cout << branch << t.value("name", "?");
  if (t.contains("order_id"))
    std::cout << " " << str(t, "order_id") << " " << str(t, "instrument") << " "
              << str(t, "order_state");
  std::cout << " [" << str(t, "kind") << ", " << str(t, "state") << "] id=" << str(t, "actor_id")
            << " restarts=" << str(t, "restarts");
  if (t.contains("last_failure"))
    std::cout << " last_failure=\"" << str(t, "last_failure") << "\" at_ns="
              << str(t, "last_failure_ns");
  std::cout << "\n";
}

} // namespace

json to_json(const member_view& m) {
  json j{{"id", m.id},
         {"number", m.number},
         {"state", m.state},
         {"self", m.self},
         {"roles", m.roles},
         {"host", m.host},
         {"port", m.port},
         {"incarnation", m.incarnation},
         {"pid", m.pid},
         {"uptime_s", secs(m.uptime_ns)},
         {"clock_offset_us", us(m.clock_offset_ns)},
         {"rtt_us", us(m.rtt_ns)},
         {"ups", m.ups},
         {"downs", m.downs}};
  if (m.self) {
    j["agent_actor_id"] = m.agent_actor_id;
  } else {
    j["since_s"] = secs(m.since_ns);
    j["connect_attempts"] = m.connect_attempts;
  }
  if (!m.last_down_reason.empty())
    j["last_down_reason"] = m.last_down_reason;
  if (!m.error.empty())
    j["error"] = m.error;
  return j;
}

json to_json(const cluster_view& v) {
  json arr = json::array();
  for (auto& m : v.nodes)
    arr.push_back(to_json(m));
  return json{{"asked", v.asked}, {"nodes", arr}};
}

json to_json(const topology_view& v) {
  json arr = json::array();
  for (auto& n : v.nodes) {
    auto j = to_json(n.member);
    if (!n.supervisors.empty())
      j["tree"] = tree_json(n.supervisors, 0);
    arr.push_back(j);
  }
  return json{{"asked", v.asked}, {"nodes", arr}};
}

json to_json(const orders_view& v) {
  json arr = json::array();
  for (auto& n : v.nodes) {
    auto j = to_json(n.member);
    if (n.member.error.empty() && n.member.state == "up") {
      j["matched"] = n.matched;
      j["orders"] = json::array();
      for (auto& o : n.orders)
        j["orders"].push_back(order_json(o, false));
    }
    arr.push_back(j);
  }
  return json{{"asked", v.asked}, {"nodes", arr}};
}

json to_json(const order_detail& d) {
  auto j = order_json(d.snap, true);
  j["node"] = d.node;
  j["fence"] = {{"incarnation", d.fence.incarnation}, {"sequence", d.fence.sequence}};
  if (!d.fills_error.empty()) {
    j["fills_journal_error"] = d.fills_error;
    return j;
  }
  json arr = json::array();
  for (auto& f : d.fills)
    arr.push_back({{"exec_id", f.exec_id},
                   {"venue", f.venue.value},
                   {"qty", to_string(f.qty)},
                   {"px", to_string(f.px)},
                   {"fee", to_string(f.fee)},
                   {"liquidity", to_string(f.liq)},
                   {"venue_ns", f.venue_ns},
                   {"received_ns", f.received_ns},
                   {"late", f.late}});
  j["fills_journal"] = arr;
  return j;
}

json to_json(const risk_view& v) {
  json j{{"instrument", v.instrument}, {"node", v.node}, {"actor_id", v.actor_id}};
  json arr = json::array();
  for (auto& p : v.positions)
    arr.push_back({{"strategy", p.strategy.value},
                   {"net_qty", to_string(p.net_qty)},
                   {"bought_qty", to_string(p.bought_qty)},
                   {"sold_qty", to_string(p.sold_qty)},
                   {"buy_value", to_string(p.buy_value)},
                   {"sell_value", to_string(p.sell_value)},
                   {"realized_pnl", to_string(p.realized_pnl)},
                   {"reserved_buy_qty", to_string(p.reserved_buy_qty)},
                   {"reserved_sell_qty", to_string(p.reserved_sell_qty)}});
  j["positions"] = arr;
  if (v.ready_known)
    j["ready"] = v.ready;
  return j;
}

json to_json(const markets_view& v) {
  json arr = json::array();
  for (auto& m : v.markets) {
    auto& x = m.view;
    json venues = json::array();
    for (auto& s : m.venues)
      venues.push_back({{"venue", s.venue.value},
                        {"bid", to_string(s.bid_px)},
                        {"bid_qty", to_string(s.bid_qty)},
                        {"ask", to_string(s.ask_px)},
                        {"ask_qty", to_string(s.ask_qty)},
                        {"updated_ns", s.updated_ns},
                        {"up", s.up},
                        {"why", s.why},
                        {"updates", s.updates}});
    arr.push_back({{"instrument", x.instrument.value},
                   {"bid", to_string(x.bid)},
                   {"ask", to_string(x.ask)},
                   {"mid", to_string(x.mid)},
                   {"last", to_string(x.last)},
                   {"fresh", m.fresh},
                   {"updated_ns", x.updated_ns},
                   {"fresh_until_ns", x.fresh_until_ns},
                   {"range_bps", to_string(x.range_bps)},
                   {"paused", x.paused},
                   {"updates", m.updates},
                   {"pauses", m.pauses},
                   {"stale_periods", m.stale_periods},
                   {"venues", venues}});
  }
  return json{{"markets", arr}, {"missing", v.missing}};
}

json to_json(const venues_view& v) {
  json arr = json::array();
  for (auto& x : v.venues) {
    json j{{"venue", x.venue}, {"kind", x.kind}, {"node", x.node}, {"state", x.state}};
    if (x.actor_id)
      j["actor_id"] = x.actor_id;
    if (x.has_counters) {
      j["orders"] = x.counters.orders;
      j["fills"] = x.counters.fills;
      j["rejects"] = x.counters.rejects;
      j["cancels"] = x.counters.cancels;
      j["replaces"] = x.counters.replaces;
      auto& c = x.counters;
      if (!c.session.empty()) {
        j["session"] = c.session;
        j["session_state"] = c.session_state;
        j["last_error"] = c.last_error;
        j["reconnects"] = c.reconnects;
        j["unsupported"] = c.unsupported;
        j["unknown_legs"] = c.unknown_legs;
        j["foreign_reports"] = c.foreign_reports;
        j["refused"] = c.refused;
        j["duplicates"] = c.duplicates;
        j["peer_skew_ms"] = c.peer_skew_ms;
      }
    }
    if (!x.error.empty())
      j["error"] = x.error;
    arr.push_back(j);
  }
  return json{{"venues", arr}};
}

json to_json(const manual_result& r) {
  json j{{"action", r.action},   {"clordid", r.clordid}, {"strategy", r.strategy},
         {"event", r.event},     {"status", r.status},   {"message", r.message}};
  if (r.id.value != 0)
    j["order_id"] = to_string(r.id);
  return j;
}

json to_json(const kill_switch_report& r) {
  json gws = json::array();
  for (auto& g : r.gateways) {
    json j{{"node", g.node}};
    if (g.error.empty()) {
      j["orders_canceled"] = g.orders_canceled;
      j["durable"] = g.audit_sequence != 0;
      if (g.audit_sequence != 0)
        j["audit_sequence"] = g.audit_sequence;
    } else {
      j["error"] = g.error;
    }
    if (!g.warning.empty())
      j["warning"] = g.warning;
    gws.push_back(j);
  }
  return json{{"halt", r.halt},
              {"strategy", r.strategy},
              {"gateways", gws},
              {"orders_canceled", r.orders_canceled}};
}

json to_json(const controls_view& v) {
  json gws = json::array();
  for (auto& g : v.gateways) {
    json j{{"node", g.node}};
    if (!g.error.empty()) {
      j["error"] = g.error;
    } else {
      j["halts"] = json::array();
      for (auto& h : g.halts)
        j["halts"].push_back({{"scope", h.strategy.empty() ? std::string{"*"} : h.strategy.value},
                              {"detail", h.detail},
                              {"by", h.actor},
                              {"at_ns", h.at_ns},
                              {"audit_sequence", h.sequence}});
      j["breakers"] = json::array();
      for (auto& b : g.breakers)
        j["breakers"].push_back({{"scope", b.scope},
                                 {"open", b.open},
                                 {"errors", b.errors},
                                 {"outcomes", b.outcomes},
                                 {"trips", b.trips}});
    }
    gws.push_back(j);
  }
  return json{{"gateways", gws}};
}

void print_table(const std::string& cmd, const json& j) {
  if (cmd == "nodes" || cmd == "topology") {
    auto& nodes = j["nodes"];
    std::cout << "cluster as seen from " << str(j, "asked") << " (" << nodes.size()
              << " nodes)\n";
    for (auto& n : nodes) {
      std::cout << node_line(n) << "\n";
      if (cmd == "topology" && n.contains("tree") && !n["tree"].empty())
        print_tree(n["tree"], "", true);
    }
    return;
  }
  if (cmd == "orders") {
    std::vector<std::vector<std::string>> rows;
    std::string notes;
    for (auto& n : j["nodes"]) {
      if (!n.contains("orders")) {
        notes += "node " + str(n, "id") + ": " + (n.contains("error") ? str(n, "error") : str(n, "state")) + "\n";
        continue;
      }
      for (auto& o : n["orders"])
        rows.push_back({str(n, "id"), str(o, "order_id"), str(o, "clordid"), str(o, "strategy"),
                        str(o, "instrument"), str(o, "side"), str(o, "qty"), str(o, "cum_qty"),
                        str(o, "avg_px"), str(o, "status")});
    }
    table({"NODE", "ORDER", "CLORDID", "STRATEGY", "INSTRUMENT", "SIDE", "QTY", "CUM", "AVG_PX",
                 "STATUS"},
                rows);
    uint64_t matched = 0;
    for (auto& n : j["nodes"])
      matched += n.value("matched", uint64_t{0});
    std::cout << rows.size() << " orders shown";
    if (matched > rows.size())
      std::cout << " of " << matched << " matching (newest first; raise --limit to see more)";
    std::cout << "\n" << notes;
    return;
  }
  if (cmd == "order") {
    std::cout << "order " << str(j, "order_id") << " on node " << str(j, "node") << ": "
              << str(j, "status") << "\n";
    for (auto k : {"clordid", "strategy", "instrument", "symbol_as_sent", "side", "type", "tif",
                   "qty", "limit_px", "cum_qty", "leaves_qty", "avg_px", "arrival_px", "arrival_source", "venue_pin", "fills",
                   "late_fills", "refdata_version", "reject_reason", "review_reason"})
      if (j.contains(k))
        std::cout << "  " << std::left << std::setw(16) << k << str(j, k) << "\n";
    std::cout << "stages:\n";
    std::vector<std::vector<std::string>> rows;
    for (auto& s : j["stages"])
      rows.push_back({str(s, "stage"), str(s, "wall_ns"), fmt(s.value("since_received_us", 0.0))});
    table({"  STAGE", "WALL_NS", "US_SINCE_RECEIVED"}, rows);
    std::cout << "legs:\n";
    rows.clear();
    for (auto& l : j["legs"])
      rows.push_back({str(l, "venue"), str(l, "venue_order_id"), str(l, "qty"), str(l, "cum_qty"),
                      str(l, "status"), str(l, "last_report_seq")});
    table({"  VENUE", "VENUE_ORDER_ID", "QTY", "CUM", "STATUS", "LAST_SEQ"}, rows);
    std::cout << "fills:\n";
    rows.clear();
    if (j.contains("fills_journal"))
      for (auto& f : j["fills_journal"])
        rows.push_back({str(f, "exec_id"), str(f, "venue"), str(f, "qty"), str(f, "px"),
                        str(f, "fee"), str(f, "liquidity"), str(f, "received_ns"),
                        f.value("late", false) ? "late" : ""});
    table({"  EXEC_ID", "VENUE", "QTY", "PX", "FEE", "LIQUIDITY", "RECEIVED_NS", ""}, rows);
    return;
  }
  if (cmd == "market") {
    std::vector<std::vector<std::string>> rows;
    for (auto& m : j["markets"]) {
      std::string state = m["paused"].get<bool>() ? "paused" : m["fresh"].get<bool>() ? "fresh" : "stale";
      std::string venues;
      for (auto& v : m["venues"])
        venues += (venues.empty() ? "" : " ") + str(v, "venue") + (v["up"].get<bool>() ? "" : "(down)");
      rows.push_back({str(m, "instrument"), str(m, "bid"), str(m, "ask"), str(m, "mid"),
                      str(m, "last"), str(m, "range_bps"), state, str(m, "updates"), venues});
    }
    table({"INSTRUMENT", "BID", "ASK", "MID", "LAST", "RANGE_BPS", "STATE", "UPDATES", "VENUES"},
          rows);
    for (auto& x : j["missing"])
      std::cout << "no market data for " << x.get<std::string>() << "\n";
    return;
  }
  if (cmd == "risk") {
    std::cout << "risk " << str(j, "instrument") << " on node " << str(j, "node") << " (actor "
              << str(j, "actor_id") << ", ready " << str(j, "ready") << ")\n";
    std::vector<std::vector<std::string>> rows;
    for (auto& p : j["positions"])
      rows.push_back({str(p, "strategy"), str(p, "net_qty"), str(p, "bought_qty"),
                      str(p, "sold_qty"), str(p, "reserved_buy_qty"), str(p, "reserved_sell_qty"),
                      str(p, "realized_pnl")});
    table({"STRATEGY", "NET", "BOUGHT", "SOLD", "RESERVED_BUY", "RESERVED_SELL", "REALIZED_PNL"},
                rows);
    return;
  }
  if (cmd == "manual") {
    std::cout << str(j, "action") << " " << str(j, "order_id") << " (" << str(j, "strategy") << " "
              << str(j, "clordid") << "): " << str(j, "event") << ", status " << str(j, "status");
    if (!str(j, "message", "").empty())
      std::cout << ": " << str(j, "message");
    std::cout << "\n";
    return;
  }
  if (cmd == "venues") {
    std::vector<std::vector<std::string>> rows;
    std::string notes;
    for (auto& v : j["venues"]) {
      rows.push_back({str(v, "venue"), str(v, "kind"), str(v, "node"), str(v, "state"),
                      v.contains("session_state") ? str(v, "session_state") : "-",
                      str(v, "orders"), str(v, "fills"), str(v, "rejects"), str(v, "cancels"),
                      str(v, "replaces")});
      if (!v.contains("session"))
        continue;
      // What an operator must act on, per FIX session.
      std::string n = str(v, "venue") + ": " + str(v, "session") + " " + str(v, "session_state")
                      + ", reconnects " + str(v, "reconnects") + ", peer clock skew "
                      + str(v, "peer_skew_ms") + " ms";
      auto list = [](const json& a) {
        std::string out;
        for (auto& x : a)
          out += (out.empty() ? "" : ",") + x.get<std::string>();
        return out;
      };
      if (!v["unsupported"].empty())
        n += "\n  unsupported by the venue: " + list(v["unsupported"]);
      if (!v["unknown_legs"].empty())
        n += "\n  legs in unknown state (check with the venue): " + list(v["unknown_legs"]);
      if (v["foreign_reports"].get<uint64_t>() > 0)
        n += "\n  reports for orders this node does not know: " + str(v, "foreign_reports");
      if (v["refused"].get<uint64_t>() > 0 || v["duplicates"].get<uint64_t>() > 0)
        n += "\n  refused malformed " + str(v, "refused") + ", duplicates ignored "
             + str(v, "duplicates");
      if (!str(v, "last_error").empty())
        n += "\n  last error: " + str(v, "last_error");
      notes += n + "\n";
    }
    table({"VENUE", "KIND", "NODE", "STATE", "SESSION", "ORDERS", "FILLS", "REJECTS", "CANCELS",
                 "REPLACES"},
                rows);
    if (!notes.empty())
      std::cout << "\n" << notes;
    return;
  }
  if (cmd == "controls") {
    std::vector<std::vector<std::string>> rows, breakers;
    std::string notes;
    size_t open = 0;
    for (auto& g : j["gateways"]) {
      if (g.contains("error")) {
        notes += "gateway on " + str(g, "node") + ": error " + str(g, "error") + "\n";
        continue;
      }
      for (auto& h : g["halts"])
        rows.push_back({str(g, "node"), str(h, "scope"), str(h, "by"), str(h, "audit_sequence"),
                        str(h, "detail")});
      for (auto& b : g["breakers"]) {
        open += b.value("open", false) ? 1 : 0;
        breakers.push_back({str(g, "node"), str(b, "scope"),
                            b.value("open", false) ? "OPEN" : "closed", str(b, "errors"),
                            str(b, "outcomes"), str(b, "trips")});
      }
    }
    if (rows.empty()) {
      std::cout << "no halts in force (" << j["gateways"].size() << " gateways)\n";
    } else {
      table({"GATEWAY", "SCOPE", "BY", "AUDIT", "DETAIL"}, rows);
      std::cout << rows.size() << " halts in force (scope * = every strategy)\n";
    }
    if (!breakers.empty()) {
      std::cout << "\n";
      table({"GATEWAY", "BREAKER", "STATE", "ERRORS", "OUTCOMES", "TRIPS"}, breakers);
      std::cout << open << " of " << breakers.size()
                << " breakers open (errors and outcomes in the current window)\n";
    }
    std::cout << notes;
    return;
  }
  if (cmd == "kill-switch") {
    std::cout << (j.value("halt", true) ? "halted" : "resumed") << " strategy '"
              << str(j, "strategy", "") << "' (empty = all); orders canceled "
              << str(j, "orders_canceled") << "\n";
    for (auto& g : j["gateways"])
      std::cout << "  gateway on " << str(g, "node") << ": "
                << (g.contains("error") ? "error " + str(g, "error")
                                        : str(g, "orders_canceled") + " canceled, "
                                            + (g.value("durable", false)
                                                 ? "audit " + str(g, "audit_sequence")
                                                 : std::string{"NOT DURABLE"}))
                << (g.contains("warning") ? " (" + str(g, "warning") + ")" : "") << "\n";
    return;
  }
  std::cout << j.dump(2) << "\n";
}

} // namespace om::omctl

