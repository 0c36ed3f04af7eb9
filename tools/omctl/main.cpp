// omctl: the operator's view of a running ordermesh cluster. Connects to any
// node's cluster port, asks that node's admin service, and renders its
// typed answer; cluster-wide views are gathered by that node from the
// others.
//
//   omctl [--node HOST:PORT] [--json] [--timeout S] VERB ... (flags before or after the verb)
//     topology [--orders] | nodes | orders [--state S] [--strategy S] [--limit N]
//     | order ID | risk SYMBOL | venues | market [SYMBOL] | controls (alias halts)
//     | kill-switch [--strategy S] [--resume] [--operator NAME] [--reason TEXT]
//
// Tables for people; --json prints one JSON document (errors too, as
// {"error": {"code": ..., "detail": ...}}).
// Exit codes: 0 ok, 2 usage, 3 node unreachable or no answer in time,
// 4 the node answered with an error.

#include "actors/cluster/membership.hpp"
#include "actors/wire/desk_types.hpp"
#include "tools/omctl/render.hpp"

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>

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
  auto digits = text.substr(colon + 1);
  unsigned long p = 0;
  bool ok = digits.size() <= 5 && digits.find_first_not_of("0123456789") == std::string::npos;
  if (ok)
    p = std::stoul(digits);
  if (!ok || p == 0 || p > 65535) {
    why = "--node: port must be 1..65535, got '" + text.substr(colon + 1) + "'";
    return false;
  }
  t.port = static_cast<uint16_t>(p);
  return true;
}

enum exit_code : int { ok = 0, usage = 2, unreachable = 3, node_error = 4 };

/// Reports a failure on stderr (or as JSON on stdout under --json).
int fail(bool as_json, int rc, const std::string& code, const std::string& detail) {
  if (as_json)
    std::cout << json{{"error", {{"code", code}, {"detail", detail}}}}.dump() << "\n";
  else
    std::cerr << "omctl: " << detail << "\n";
  return rc;
}

/// Asks `admin` one question and renders the answer; returns the exit code.
template <class View, class... Ts>
int ask(caf::scoped_actor& self, const admin_actor& admin, caf::timespan timeout,
        const std::string& cmd, bool as_json, const std::string& where, Ts&&... xs) {
  int rc = ok;
  self->request(admin, timeout, std::forward<Ts>(xs)...)
    .receive(
      [&](View& v) {
        auto j = omctl::to_json(v);
        if (as_json)
          std::cout << j.dump() << "\n";
        else
          omctl::print_table(cmd, j);
      },
      [&](caf::error& e) {
        bool timed_out = e == caf::sec::request_timeout;
        rc = fail(as_json, timed_out ? unreachable : node_error,
                  timed_out ? "request_timeout" : to_string(code_of(e)),
                  where + " answered: " + describe(e));
      });
  return rc;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"omctl: inspect and steer a running ordermesh cluster"};
  app.fallthrough(); // global flags are accepted after the verb too
  std::string node_text;
  bool as_json = false;
  int timeout_s = 10;
  app.add_option("--node,-n", node_text, "HOST:PORT of any node's cluster port")->required();
  app.add_flag("--json", as_json, "print the answer (or the error) as one JSON document");
  app.add_option("--timeout", timeout_s, "seconds to wait for the node")->check(CLI::Range(1, 600));
  app.require_subcommand(1);
  app.footer("Exit codes: 0 ok, 2 usage, 3 node unreachable or no answer in time, "
             "4 the node answered with an error.");
  bool list_orders = false;
  auto topo = app.add_subcommand("topology", "the cluster as a tree: nodes, supervisors, actors");
  topo->add_flag("--orders", list_orders, "list order actors one by one");
  app.add_subcommand("nodes", "cluster members, their state, uptime and clock offset");
  order_query q;
  q.limit = 200;
  auto orders = app.add_subcommand("orders", "orders on the gateway nodes, newest first");
  orders->add_option("--state", q.state, "open, or a status (new, partially_filled, ...)");
  orders->add_option("--strategy", q.strategy, "only this strategy's orders");
  orders->add_option("--limit", q.limit, "at most this many per node (0 = all; default 200)")
    ->check(CLI::Range(0u, 1000000u));
  std::string order_id_text;
  auto order = app.add_subcommand("order", "one order: state, legs, per-stage timestamps; "
                                           "or trade by hand: order new|cancel|amend");
  order->add_option("id", order_id_text, "order id, e.g. O1-42");
  order->require_subcommand(0, 1);
  // Manual trading: the operator's orders go through the node's gateway,
  // checks and audit like a strategy's (strategy "manual" by default).
  manual_order mo;
  std::string side_text, type_text = "limit", tif_text = "day", qty_text, px_text;
  std::string by = std::getenv("USER") ? std::getenv("USER") : "omctl";
  auto onew = order->add_subcommand("new", "send an order by hand");
  onew->add_option("symbol", mo.symbol, "symbol, alias or instrument id")->required();
  onew->add_option("side", side_text, "buy or sell")->required();
  onew->add_option("qty", qty_text, "quantity")->required();
  onew->add_option("--px", px_text, "limit price (limit orders)");
  onew->add_option("--type", type_text, "limit or market");
  onew->add_option("--tif", tif_text, "day, gtc, ioc or fok");
  onew->add_option("--strategy", mo.strategy, "strategy to trade as (one of risk.strategies)");
  onew->add_option("--venue", mo.venue, "trade at this venue only (default: the routing rules)");
  auto ocancel = order->add_subcommand("cancel", "cancel an order by hand");
  ocancel->add_option("id", order_id_text, "order id")->required();
  auto oamend = order->add_subcommand("amend", "change an order's quantity and price");
  oamend->add_option("id", order_id_text, "order id")->required();
  oamend->add_option("--qty", qty_text, "new total quantity")->required();
  oamend->add_option("--px", px_text, "new limit price")->required();
  for (auto* c : {onew, ocancel, oamend})
    c->add_option("--by", by, "who asks (audited; default $USER)");
  std::string symbol;
  auto risk = app.add_subcommand("risk", "positions and reservations of one instrument");
  risk->add_option("symbol", symbol, "symbol, alias or instrument id")->required();
  app.add_subcommand("venues", "venues, where they run, their counters");
  std::string md_symbol;
  auto market = app.add_subcommand("market", "market data: top of book, staleness, volatility pauses");
  market->add_option("symbol", md_symbol, "symbol, alias or instrument id (default: all quoted)");
  app.add_subcommand("controls", "kill-switch halts and circuit breakers at every gateway")
    ->alias("halts");
  std::string strategy, operator_name, reason;
  bool resume = false;
  auto kill = app.add_subcommand("kill-switch", "halt (or --resume) a strategy, or all");
  kill->add_option("--strategy", strategy, "strategy id; empty = every strategy");
  kill->add_flag("--resume", resume, "lift the halt instead");
  kill->add_option("--operator", operator_name, "who is pulling it (audited)");
  kill->add_option("--reason", reason, "why (audited)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (!as_json)
      return app.exit(e) == 0 ? 0 : usage;
    return fail(true, usage, "usage", e.what());
  }
  target t;
  std::string why;
  if (!parse_target(node_text, t, why))
    return fail(as_json, usage, "usage", why);
  auto cmd = app.get_subcommands().front()->get_name();
  order_id oid;
  std::string manual;
  if (cmd == "order" && !order->get_subcommands().empty())
    manual = order->get_subcommands().front()->get_name();
  if (cmd == "order" && manual.empty() && order_id_text.empty())
    return fail(as_json, usage, "usage", "order: give an order id, or new|cancel|amend");
  if (cmd == "order" && manual != "new" && !parse_order_id(order_id_text, oid, why))
    return fail(as_json, usage, "usage", why);
  manual_amend ma;
  if (manual == "new") {
    auto s = parse_side(side_text);
    auto ty = parse_ord_type(type_text);
    auto tf = parse_time_in_force(tif_text);
    auto q = quantity::parse(qty_text);
    if (!s)
      return fail(as_json, usage, "usage", "side: '" + side_text + "' is not buy or sell");
    if (!ty)
      return fail(as_json, usage, "usage", "--type: '" + type_text + "' is not limit or market");
    if (!tf)
      return fail(as_json, usage, "usage", "--tif: '" + tif_text + "' is not day, gtc, ioc or fok");
    if (!q)
      return fail(as_json, usage, "usage", "qty: " + detail_of(q.error()));
    mo.side = *s;
    mo.type = *ty;
    mo.tif = *tf;
    mo.qty = *q;
    if (!px_text.empty()) {
      auto p = price::parse(px_text);
      if (!p)
        return fail(as_json, usage, "usage", "--px: " + detail_of(p.error()));
      mo.px = *p;
    }
    mo.requested_by = by;
  } else if (manual == "amend") {
    auto q = quantity::parse(qty_text);
    auto p = price::parse(px_text);
    if (!q)
      return fail(as_json, usage, "usage", "--qty: " + detail_of(q.error()));
    if (!p)
      return fail(as_json, usage, "usage", "--px: " + detail_of(p.error()));
    ma = manual_amend{oid, *q, *p, by};
  }
  if (cmd == "orders" && !q.state.empty() && q.state != "open" && !parse_ord_status(q.state))
    return fail(as_json, usage, "usage",
                "--state '" + q.state + "': expected open or an order status (pending_new, new, "
                "partially_filled, filled, pending_cancel, canceled, pending_replace, replaced, "
                "rejected, expired)");
  caf::actor_system_config cfg;
  cfg.load<caf::io::middleman>();
  cfg.set("logger.verbosity", caf::atom("quiet"));
  cfg.set("middleman.workers", size_t{0});
  // Nodes drop a peer silent for longer than cluster.connection_timeout
  // (1 s by default): without heartbeats of its own, omctl would lose every
  // answer that takes longer (an order held through a volatility pause).
  cfg.set("middleman.heartbeat-interval", caf::timespan{std::chrono::milliseconds{100}});
  cfg.set("scheduler.max-threads", size_t{2});
  register_desk_types(cfg);
  int rc = ok;
  {
    caf::actor_system sys{cfg};
    caf::scoped_actor self{sys};
    auto timeout = std::chrono::seconds{timeout_s};
    auto where = t.host + ":" + std::to_string(t.port);
    membership_actor membership;
    self->request(sys.middleman().actor_handle(), timeout, caf::connect_atom::value, t.host, t.port)
      .receive(
        [&](const caf::node_id&, caf::strong_actor_ptr& p, const std::set<std::string>&) {
          membership = caf::actor_cast<membership_actor>(p);
        },
        [&](caf::error& err) { why = sys.render(err); });
    admin_actor admin;
    if (membership)
      self->request(membership, timeout, admin_atom::value)
        .receive([&](admin_actor& a) { admin = std::move(a); },
                 [&](caf::error& err) { why = describe(err); });
    if (!admin) {
      rc = fail(as_json, unreachable, "unreachable",
                "cannot reach node " + where + ": "
                  + (why.empty() ? "nothing published there" : why));
    } else if (cmd == "topology") {
      rc = ask<topology_view>(self, admin, timeout, cmd, as_json, where, topology_atom::value,
                              list_orders);
    } else if (cmd == "nodes") {
      rc = ask<cluster_view>(self, admin, timeout, cmd, as_json, where, nodes_atom::value);
    } else if (cmd == "orders") {
      rc = ask<orders_view>(self, admin, timeout, cmd, as_json, where, orders_atom::value, q);
    } else if (cmd == "order" && manual == "new") {
      rc = ask<manual_result>(self, admin, timeout, "manual", as_json, where, mo);
    } else if (cmd == "order" && manual == "cancel") {
      rc = ask<manual_result>(self, admin, timeout, "manual", as_json, where,
                              manual_cancel{oid, by});
    } else if (cmd == "order" && manual == "amend") {
      rc = ask<manual_result>(self, admin, timeout, "manual", as_json, where, ma);
    } else if (cmd == "order") {
      rc = ask<order_detail>(self, admin, timeout, cmd, as_json, where, order_atom::value, oid);
    } else if (cmd == "risk") {
      rc = ask<risk_view>(self, admin, timeout, cmd, as_json, where, risk_atom::value, symbol);
    } else if (cmd == "market") {
      rc = ask<markets_view>(self, admin, timeout, cmd, as_json, where, market_atom::value,
                             md_symbol);
    } else if (cmd == "venues") {
      rc = ask<venues_view>(self, admin, timeout, cmd, as_json, where, venues_atom::value);
    } else if (cmd == "controls") {
      rc = ask<controls_view>(self, admin, timeout, cmd, as_json, where, controls_atom::value);
    } else if (cmd == "kill-switch") {
      rc = ask<kill_switch_report>(
        self, admin, timeout, cmd, as_json, where,
        kill_switch{strategy_id{strategy}, !resume,
                    operator_name.empty() ? std::string{"omctl"} : operator_name, reason});
    }
  }
  return rc;
}

