// ordermesh-check: verifies a node's durable state after a run, independently
// of the node. It opens the store read-only (RocksDB's OpenForReadOnly):
// nothing in the directory is created, written or locked, so it also runs
// next to a live node (it reports "node running (pid N)" and sees the store
// as of its open). A directory without a store is an error (exit 3), left
// untouched.
//
//   every order: cum qty <= order qty; a rejected order has a reason
//   every (strategy, client order id): exactly one order and one idempotency
//     record pointing at it
//   fill journal: exec ids unique; per strategy and instrument the signed sum
//     of fills equals the stored position; positions hold no reservation
//     when no order is open
//   every order: its journaled fills add up to its cumulative quantity (the
//     journal is written atomically with the order: true even after a crash)
//   with --all-terminal: no order is still open
//   with --crashed: positions are not compared (a restart rebuilds them)
//   with --positions-dir (cluster): positions are read from those nodes'
//     data directories (the risk nodes) instead of this one
//
// Prints figures (JSON with --json) and exits 1 when an invariant fails;
// 2 usage or the store cannot be read; 3 no store in the directory.

#include "runtime/store/data_dir.hpp"
#include "runtime/store/store.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <map>
#include <set>

using namespace om;

int main(int argc, char** argv) {
  std::string data_dir;
  bool json = false;
  bool all_terminal = false;
  bool crashed = false;
  CLI::App app{"ordermesh state checker"};
  app.add_option("--data-dir", data_dir, "the node's data directory")->required();
  app.add_flag("--json", json, "print JSON");
  app.add_flag("--all-terminal", all_terminal, "require every order to be terminal");
  app.add_flag("--crashed", crashed, "the node was killed: skip position comparisons");
  std::vector<std::string> positions_dirs;
  app.add_option("--positions-dir", positions_dirs,
                 "cluster: data directories of the risk nodes holding the positions");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help is not an error; every usage error exits 2 (operations.md).
    return app.exit(e) == 0 ? 0 : 2;
  }

  auto open_ro = [](const std::string& dir) {
    store_options o;
    o.path = (std::filesystem::path{dir} / data_dir_store_dir).string();
    o.read_only = true;
    return store::open(std::move(o));
  };
  auto open_failed = [](const std::string& dir, const caf::error& e) {
    if (code_of(e) == errc::no_store) {
      std::cerr << "ordermesh-check: " << dir << " holds no ordermesh store (" << describe(e)
                << "); nothing checked, nothing written\n";
      return 3;
    }
    std::cerr << "ordermesh-check: " << describe(e) << "\n";
    return 2;
  };
  // Who holds the directory: only looked at, never taken.
  auto holder = find_holder(data_dir);
  auto db = open_ro(data_dir);
  if (!db)
    return open_failed(data_dir, db.error());
  nlohmann::json out;
  out["data_dir"] = data_dir;
  out["node_running"] = holder.locked;
  if (holder.locked)
    out["node_pid"] = holder.pid > 0 ? nlohmann::json(holder.pid) : nlohmann::json(nullptr);
  std::vector<std::string> violations;
  // -- orders
  uint64_t orders = 0, open = 0, overfills = 0, rejected_no_reason = 0;
  std::map<std::string, uint64_t> by_status;
  std::map<std::string, uint64_t> per_key; // strategy\0clordid -> orders
  std::map<std::string, quantity> open_leaves; // instrument\0strategy -> leaves of open orders
  std::map<uint64_t, quantity> order_cum;      // order id -> cum qty
  auto err = (*db)->scan<order_snapshot>(table::orders, "", [&](std::string_view, stored<order_snapshot>& r) {
    auto& s = r.record;
    ++orders;
    ++by_status[to_string(s.state.status)];
    if (!is_terminal(s.state.status)) {
      ++open;
      open_leaves[position_key(s.instrument, s.strategy)] += s.state.leaves_qty;
    }
    if (s.state.cum_qty > s.state.order_qty)
      ++overfills;
    if (s.state.status == ord_status::rejected && s.reject_reason.empty())
      ++rejected_no_reason;
    ++per_key[idempotency_key(s.strategy, s.clordid)];
    order_cum[s.id.value] = s.state.cum_qty;
    return true;
  });
  if (err) {
    std::cerr << "ordermesh-check: " << describe(err) << "\n";
    return 2;
  }
  uint64_t duplicate_orders = 0;
  for (auto& [k, n] : per_key)
    duplicate_orders += n > 1 ? n - 1 : 0;
  // -- idempotency
  uint64_t idem = 0, idem_dangling = 0;
  err = (*db)->scan<idempotency_record>(table::idempotency, "", [&](std::string_view k, stored<idempotency_record>& r) {
    ++idem;
    auto o = (*db)->get<order_snapshot>(table::orders, order_key(r.record.order));
    if (!o || idempotency_key(o->record.strategy, o->record.clordid) != std::string{k})
      ++idem_dangling;
    return true;
  });
  if (err) {
    std::cerr << "ordermesh-check: " << describe(err) << "\n";
    return 2;
  }
  // -- journal
  uint64_t fills = 0, dup_exec = 0;
  std::set<std::string> exec_ids;
  std::map<std::string, quantity> filled_net; // instrument\0strategy -> signed qty
  std::map<uint64_t, quantity> journal_per_order;
  err = (*db)->scan<fill_record>(table::journal, "", [&](std::string_view, stored<fill_record>& r) {
    auto& f = r.record;
    ++fills;
    if (!exec_ids.insert(f.exec_id).second)
      ++dup_exec;
    journal_per_order[f.order.value] += f.qty;
    auto& n = filled_net[position_key(f.instrument, f.strategy)];
    n += f.side == side::buy ? f.qty : -f.qty;
    return true;
  });
  if (err) {
    std::cerr << "ordermesh-check: " << describe(err) << "\n";
    return 2;
  }
  uint64_t journal_mismatches = 0;
  for (auto& [id, cum] : order_cum) {
    auto j = journal_per_order.count(id) ? journal_per_order[id] : quantity{};
    if (j != cum) {
      ++journal_mismatches;
      std::cerr << "order " << to_string(order_id{id}) << ": cum " << to_string(cum)
                << ", journal " << to_string(j) << "\n";
    }
  }
  for (auto& [id, q] : journal_per_order)
    if (order_cum.count(id) == 0)
      ++journal_mismatches;
  // -- positions
  uint64_t positions = 0, mismatches = 0, stale_reservations = 0;
  std::set<std::string> seen;
  std::vector<std::shared_ptr<store>> pos_dbs;
  if (positions_dirs.empty())
    pos_dbs.push_back(*db);
  for (auto& d : positions_dirs) {
    auto pdb = open_ro(d);
    if (!pdb)
      return open_failed(d, pdb.error());
    pos_dbs.push_back(*pdb);
  }
  for (auto& pdb : pos_dbs) {
  err = pdb->scan<position_snapshot>(table::positions, "", [&](std::string_view k, stored<position_snapshot>& r) {
    ++positions;
    std::string key{k};
    seen.insert(key);
    auto want = filled_net.count(key) ? filled_net[key] : quantity{};
    if (r.record.net_qty != want) {
      ++mismatches;
      std::cerr << "position mismatch " << r.record.instrument.value << "/" << r.record.strategy.value
                << ": stored " << to_string(r.record.net_qty) << ", fills " << to_string(want) << "\n";
    }
    if (open_leaves.count(key) == 0
        && (r.record.reserved_buy_qty.is_positive() || r.record.reserved_sell_qty.is_positive()))
    {
      ++stale_reservations;
      std::cerr << "stale reservation " << r.record.instrument.value << "/"
                << r.record.strategy.value << ": buy " << to_string(r.record.reserved_buy_qty)
                << ", sell " << to_string(r.record.reserved_sell_qty) << "\n";
    }
    return true;
  });
  if (err) {
    std::cerr << "ordermesh-check: " << describe(err) << "\n";
    return 2;
  }
  }
  for (auto& [k, q] : filled_net)
    if (!q.is_zero() && seen.count(k) == 0) {
      ++mismatches;
      std::cerr << "fills without a stored position for " << k << "\n";
    }
  out["orders"] = orders;
  out["by_status"] = by_status;
  out["open"] = open;
  out["overfills"] = overfills;
  out["rejected_without_reason"] = rejected_no_reason;
  out["duplicate_orders"] = duplicate_orders;
  out["idempotency_records"] = idem;
  out["idempotency_dangling"] = idem_dangling;
  out["fills"] = fills;
  out["duplicate_exec_ids"] = dup_exec;
  out["journal_mismatches"] = journal_mismatches;
  out["positions"] = positions;
  out["position_mismatches"] = mismatches;
  out["stale_reservations"] = stale_reservations;
  auto need = [&](bool ok, const char* what) {
    if (!ok)
      violations.push_back(what);
  };
  need(overfills == 0, "overfill");
  need(rejected_no_reason == 0, "rejected order without a reason");
  need(duplicate_orders == 0, "client order id with more than one order");
  need(idem == per_key.size() + (crashed ? idem_dangling : 0),
       "idempotency records do not match orders");
  // After a kill, a record may be durable without its order (the record is
  // written first); a retry of that id processes the order.
  if (!crashed)
    need(idem_dangling == 0, "idempotency record without its order");
  need(dup_exec == 0, "fill journaled twice");
  need(journal_mismatches == 0, "journal does not match an order's cumulative quantity");
  if (!crashed) {
    need(mismatches == 0, "position differs from the sum of fills");
    need(stale_reservations == 0, "reservation held without an open order");
  }
  if (all_terminal)
    need(open == 0, "order not terminal");
  out["violations"] = violations;
  if (json) {
    std::cout << out.dump(2) << "\n";
  } else {
    if (holder.locked)
      std::cout << "node running ("
                << (holder.pid > 0 ? "pid " + std::to_string(holder.pid) : std::string{"pid unknown"})
                << "): figures are as of this check's open\n";
    std::cout << "orders " << orders << " (open " << open << "), fills " << fills << ", positions "
              << positions << ", idempotency records " << idem << "\n";
    for (auto& v : violations)
      std::cout << "VIOLATION: " << v << "\n";
    if (violations.empty())
      std::cout << "all invariants hold\n";
  }
  return violations.empty() ? 0 : 1;
}
