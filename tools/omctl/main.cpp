// omctl: the operator's view of a running ordermesh cluster. Connects to any
// node's agent (its cluster port) and asks it; cluster-wide views are
// gathered by that node from the others.
//
//   omctl --node 127.0.0.1:7101 topology [--orders]
//   omctl --node HOST:PORT nodes | orders [--state S] | order ID | risk SYMBOL
//                           | venues | kill-switch [--strategy S] [--resume]
//
// Tables for people; --json prints the node's JSON answer unchanged.
// Exit codes: 0 ok, 2 usage, 3 node unreachable, 4 the node answered with an
// error (message on stderr).

#include "actors/cluster/node_agent.hpp"
#include "actors/wire/desk_types.hpp"

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iomanip>
#include <iostream>
#include <sstream>

using namespace om;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

struct target {
  std::string host;
  uint16_t port = 0;
};

bool parse_target(const std::string& text, target& t, std::string& why) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    why = "--node: expected HOST:PORT, got '" + text + "'";
    return false;
  }
  t.host = text.substr(0, colon);
  char* end = nullptr;
  auto p = std::strtoul(text.c_str() + colon + 1, &end, 10);
  if (*end != 0 || p == 0 || p > 65535) {
    why = "--node: port must be 1..65535, got '" + text.substr(colon + 1) + "'";
    return false;
  }
  t.port = static_cast<uint16_t>(p);
  return true;
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

void print_table(const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows) {
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

void render(const std::string& cmd, const json& j) {
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
    print_table({"NODE", "ORDER", "CLORDID", "STRATEGY", "INSTRUMENT", "SIDE", "QTY", "CUM", "AVG_PX",
                 "STATUS"},
                rows);
    std::cout << rows.size() << " orders\n" << notes;
    return;
  }
  if (cmd == "order") {
    std::cout << "order " << str(j, "order_id") << " on node " << str(j, "node") << ": "
              << str(j, "status") << "\n";
    for (auto k : {"clordid", "strategy", "instrument", "symbol_as_sent", "side", "type", "tif",
                   "qty", "limit_px", "cum_qty", "leaves_qty", "avg_px", "arrival_px", "fills",
                   "late_fills", "refdata_version", "reject_reason", "review_reason"})
      if (j.contains(k))
        std::cout << "  " << std::left << std::setw(16) << k << str(j, k) << "\n";
    std::cout << "stages:\n";
    std::vector<std::vector<std::string>> rows;
    for (auto& s : j["stages"])
      rows.push_back({str(s, "stage"), str(s, "wall_ns"), fmt(s.value("since_received_us", 0.0))});
    print_table({"  STAGE", "WALL_NS", "US_SINCE_RECEIVED"}, rows);
    std::cout << "legs:\n";
    rows.clear();
    for (auto& l : j["legs"])
      rows.push_back({str(l, "venue"), str(l, "venue_order_id"), str(l, "qty"), str(l, "cum_qty"),
                      str(l, "status"), str(l, "last_report_seq")});
    print_table({"  VENUE", "VENUE_ORDER_ID", "QTY", "CUM", "STATUS", "LAST_SEQ"}, rows);
    std::cout << "fills:\n";
    rows.clear();
    if (j.contains("fills_journal"))
      for (auto& f : j["fills_journal"])
        rows.push_back({str(f, "exec_id"), str(f, "venue"), str(f, "qty"), str(f, "px"),
                        str(f, "fee"), str(f, "liquidity"), str(f, "received_ns"),
                        f.value("late", false) ? "late" : ""});
    print_table({"  EXEC_ID", "VENUE", "QTY", "PX", "FEE", "LIQUIDITY", "RECEIVED_NS", ""}, rows);
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
    print_table({"STRATEGY", "NET", "BOUGHT", "SOLD", "RESERVED_BUY", "RESERVED_SELL", "REALIZED_PNL"},
                rows);
    return;
  }
  if (cmd == "venues") {
    std::vector<std::vector<std::string>> rows;
    for (auto& v : j["venues"])
      rows.push_back({str(v, "venue"), str(v, "kind"), str(v, "node"), str(v, "state"),
                      str(v, "orders"), str(v, "fills"), str(v, "rejects"), str(v, "cancels"),
                      str(v, "replaces")});
    print_table({"VENUE", "KIND", "NODE", "STATE", "ORDERS", "FILLS", "REJECTS", "CANCELS",
                 "REPLACES"},
                rows);
    return;
  }
  if (cmd == "kill-switch") {
    std::cout << (j.value("halt", true) ? "halted" : "resumed") << " strategy '"
              << str(j, "strategy", "") << "' (empty = all); orders canceled "
              << str(j, "orders_canceled") << "\n";
    for (auto& g : j["gateways"])
      std::cout << "  gateway on " << str(g, "node") << ": "
                << (g.contains("error") ? "error " + str(g, "error")
                                        : str(g, "orders_canceled") + " canceled")
                << "\n";
    return;
  }
  std::cout << j.dump(2) << "\n";
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"omctl: inspect and steer a running ordermesh cluster"};
  std::string node_text;
  bool as_json = false;
  int timeout_s = 10;
  app.add_option("--node,-n", node_text, "HOST:PORT of any node's cluster port")->required();
  app.add_flag("--json", as_json, "print the node's JSON answer");
  app.add_option("--timeout", timeout_s, "seconds to wait for the node")->check(CLI::Range(1, 600));
  app.require_subcommand(1);
  bool list_orders = false;
  auto topo = app.add_subcommand("topology", "the cluster as a tree: nodes, supervisors, actors");
  topo->add_flag("--orders", list_orders, "list order actors one by one");
  app.add_subcommand("nodes", "cluster members, their state, uptime and clock offset");
  std::string state_filter;
  auto orders = app.add_subcommand("orders", "orders on the gateway nodes");
  orders->add_option("--state", state_filter, "open, or a status (new, partially_filled, ...)");
  std::string order_id_text;
  auto order = app.add_subcommand("order", "one order: state, legs, per-stage timestamps");
  order->add_option("id", order_id_text, "order id, e.g. O1-42")->required();
  std::string symbol;
  auto risk = app.add_subcommand("risk", "positions and reservations of one instrument");
  risk->add_option("symbol", symbol, "symbol, alias or instrument id")->required();
  app.add_subcommand("venues", "venues, where they run, their counters");
  std::string strategy, operator_name;
  bool resume = false;
  auto kill = app.add_subcommand("kill-switch", "halt (or --resume) a strategy, or all");
  kill->add_option("--strategy", strategy, "strategy id; empty = every strategy");
  kill->add_flag("--resume", resume, "lift the halt instead");
  kill->add_option("--operator", operator_name, "who is pulling it (audited)");
  CLI11_PARSE(app, argc, argv);

  target t;
  std::string why;
  if (!parse_target(node_text, t, why)) {
    std::cerr << "omctl: " << why << "\n";
    return 2;
  }
  auto cmd = app.get_subcommands().front()->get_name();
  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  cfg.set("logger.verbosity", caf::atom("quiet"));
  cfg.set("middleman.workers", size_t{0});
  cfg.set("scheduler.max-threads", size_t{2});
  register_desk_types(cfg);
  int rc = 0;
  {
    caf::actor_system sys{cfg};
    caf::scoped_actor self{sys};
    auto timeout = std::chrono::seconds{timeout_s};
    node_agent_actor agent;
    self->request(sys.middleman().actor_handle(), timeout, caf::connect_atom::value, t.host, t.port)
      .receive(
        [&](const caf::node_id&, caf::strong_actor_ptr& p, const std::set<std::string>&) {
          agent = caf::actor_cast<node_agent_actor>(p);
        },
        [&](caf::error& err) { why = sys.render(err); });
    if (!agent) {
      std::cerr << "omctl: cannot reach node " << t.host << ":" << t.port << ": "
                << (why.empty() ? "nothing published there" : why) << "\n";
      rc = 3;
    } else {
      std::string answer;
      caf::error err;
      auto ok = [&](std::string& s) { answer = std::move(s); };
      auto fail = [&](caf::error& e) { err = std::move(e); };
      if (cmd == "topology")
        self->request(agent, timeout, topology_atom::value, list_orders).receive(ok, fail);
      else if (cmd == "nodes")
        self->request(agent, timeout, nodes_atom::value).receive(ok, fail);
      else if (cmd == "orders")
        self->request(agent, timeout, orders_atom::value, state_filter).receive(ok, fail);
      else if (cmd == "order")
        self->request(agent, timeout, order_atom::value, order_id_text).receive(ok, fail);
      else if (cmd == "risk")
        self->request(agent, timeout, risk_atom::value, symbol).receive(ok, fail);
      else if (cmd == "venues")
        self->request(agent, timeout, venues_atom::value).receive(ok, fail);
      else if (cmd == "kill-switch")
        self->request(agent, timeout,
                      kill_switch{strategy_id{strategy}, !resume,
                                  operator_name.empty() ? std::string{"omctl"} : operator_name})
          .receive(ok, fail);
      if (err) {
        std::cerr << "omctl: " << t.host << ":" << t.port << " answered: " << describe(err) << "\n";
        rc = err == caf::sec::request_timeout ? 3 : 4;
      } else if (as_json) {
        std::cout << answer << "\n";
      } else {
        auto j = json::parse(answer, nullptr, false);
        if (j.is_discarded()) {
          std::cerr << "omctl: the node's answer is not JSON\n";
          rc = 4;
        } else {
          render(cmd, j);
        }
      }
    }
  }
  return rc;
}
