// ordermesh-fixbare: the bare QuickFIX baseline for the FIX path. A QuickFIX
// initiator sends NewOrderSingles in buy/sell pairs at the previous close
// (they cross each other, like ordermesh-bench's filling pairs) with at most
// --window in flight, and counts an order done at its filled report. Against
// --connect PORT it trades with an ordermesh-venue (the same acceptor the
// desk's FIX venue uses in the same run); with --echo it starts its own
// minimal acceptor that answers every order with one fill (QuickFIX alone).
// Prints orders/s and the latency to the fill (p50/p99, us).

#include "actors/venue/fix_mapping.hpp"
#include "runtime/fix/fix_engine.hpp"
#include "runtime/refdata/refdata.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::steady_clock::now().time_since_epoch())
    .count();
}

int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"ordermesh-fixbare: bare QuickFIX initiator baseline"};
  uint16_t port = 0;
  bool echo = false;
  uint64_t orders = 20000;
  uint64_t window = 100;
  std::string sender = "BARE", target = "FIXA", begin = "FIX.4.4";
  // ordermesh-bench's instruments, at their previous close on the tick grid.
  std::vector<std::string> symbols{"AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "JPM", "XOM"};
  std::string refdata_path = "config/refdata.toml";
  app.add_option("--connect", port, "port of the acceptor (ordermesh-venue), or --echo's port")
    ->required();
  app.add_flag("--echo", echo, "start a minimal acceptor here that fills every order");
  app.add_option("--orders,-n", orders, "orders to send (even)");
  app.add_option("--window,-w", window, "at most this many in flight");
  app.add_option("--sender", sender, "our SenderCompID");
  app.add_option("--target", target, "the acceptor's CompID");
  app.add_option("--symbols", symbols, "symbols traded, in pairs");
  app.add_option("--refdata", refdata_path, "reference data (prices)");
  CLI11_PARSE(app, argc, argv);
  auto rd = om::load_refdata_file(refdata_path);
  if (!rd) {
    std::fprintf(stderr, "ordermesh-fixbare: %s\n", om::detail_of(rd.error()).c_str());
    return 2;
  }
  std::vector<std::string> prices;
  for (auto& sym : symbols) {
    auto inst = (*rd)->resolve(sym);
    if (!inst) {
      std::fprintf(stderr, "ordermesh-fixbare: %s\n", om::detail_of(inst.error()).c_str());
      return 2;
    }
    auto tick = (*inst)->tick_size.raw;
    prices.push_back(om::fixmap::fix_decimal((*inst)->prev_close.raw / tick * tick,
                                             om::price::decimals));
  }

  std::unique_ptr<om::fix::engine> acceptor;
  if (echo) {
    om::fix::session_spec a;
    a.begin_string = begin;
    a.sender_comp_id = target;
    a.target_comp_id = sender;
    a.port = port;
    auto key = om::fix::engine::key_of(a);
    auto* self = &acceptor;
    auto exec = std::make_shared<uint64_t>(0);
    om::fix::handlers h;
    h.on_app = [self, key, exec](const std::string&, const om::fix::message& m) {
      om::fix::message r;
      r.msg_type = "8";
      r.add(6, *m.find(44));
      r.add(11, *m.find(11));
      r.add(14, *m.find(38));
      r.add(17, "X" + std::to_string(++*exec));
      r.add(31, *m.find(44));
      r.add(32, *m.find(38));
      r.add(37, *m.find(11));
      r.add(39, "2");
      r.add(54, *m.find(54));
      r.add(55, *m.find(55));
      r.add(150, "F");
      r.add(151, "0");
      std::string err;
      (*self)->send(key, r, &err);
      return om::fix::refusal{};
    };
    std::string err;
    acceptor = om::fix::engine::make(om::fix::role::acceptor, {a}, h, &err);
    if (!acceptor || !acceptor->start(&err)) {
      std::fprintf(stderr, "ordermesh-fixbare: echo acceptor: %s\n", err.c_str());
      return 2;
    }
  }

  om::fix::session_spec s;
  s.begin_string = begin;
  s.sender_comp_id = sender;
  s.target_comp_id = target;
  s.port = port;
  s.reset_on_logon = true;
  auto key = om::fix::engine::key_of(s);
  std::mutex mu;
  std::condition_variable cv;
  uint64_t done = 0;
  bool logged_on = false;
  std::unordered_map<std::string, int64_t> sent_at;
  std::vector<int64_t> lat;
  lat.reserve(orders);
  om::fix::handlers h;
  h.on_app = [&](const std::string&, const om::fix::message& m) {
    if (m.msg_type != "8")
      return om::fix::refusal{};
    auto st = m.find(39);
    if (!st || *st != "2")
      return om::fix::refusal{};
    auto t = now_ns();
    std::lock_guard<std::mutex> g(mu);
    auto i = sent_at.find(*m.find(11));
    if (i != sent_at.end()) {
      lat.push_back(t - i->second);
      sent_at.erase(i);
      ++done;
      cv.notify_all();
    }
    return om::fix::refusal{};
  };
  h.on_event = [&](const om::fix::event& e) {
    if (e.kind == om::fix::event_kind::logged_on) {
      std::lock_guard<std::mutex> g(mu);
      logged_on = true;
      cv.notify_all();
    }
  };
  std::string err;
  auto ini = om::fix::engine::make(om::fix::role::initiator, {s}, h, &err);
  if (!ini || !ini->start(&err)) {
    std::fprintf(stderr, "ordermesh-fixbare: initiator: %s\n", err.c_str());
    return 2;
  }
  {
    std::unique_lock<std::mutex> g(mu);
    if (!cv.wait_for(g, std::chrono::seconds{10}, [&] { return logged_on; })) {
      std::fprintf(stderr, "ordermesh-fixbare: no logon in 10 s\n");
      return 3;
    }
  }
  auto run_tag = std::to_string(wall_ns() / 1000000);
  auto start = now_ns();
  for (uint64_t i = 0; i < orders; ++i) {
    {
      std::unique_lock<std::mutex> g(mu);
      // Pairs: wait until the pair's first order can go with its partner.
      if (!cv.wait_for(g, std::chrono::seconds{10}, [&] { return i - done < window; })) {
        std::fprintf(stderr, "ordermesh-fixbare: stalled at %llu sent, %llu done\n",
                     (unsigned long long) i, (unsigned long long) done);
        return 3;
      }
    }
    auto k = (i / 2) % symbols.size();
    om::fix::message d;
    d.msg_type = "D";
    auto clid = "B" + run_tag + "-" + std::to_string(i);
    d.add(11, clid);
    d.add(21, "1");
    d.add(38, "100");
    d.add(40, "2");
    d.add(44, prices[k]);
    d.add(54, i % 2 == 0 ? "1" : "2");
    d.add(55, symbols[k]);
    d.add(59, "0");
    d.add(60, om::fix::utc_timestamp(wall_ns()));
    {
      std::lock_guard<std::mutex> g(mu);
      sent_at[clid] = now_ns();
    }
    if (!ini->send(key, d, &err)) {
      std::fprintf(stderr, "ordermesh-fixbare: send: %s\n", err.c_str());
      return 3;
    }
  }
  {
    std::unique_lock<std::mutex> g(mu);
    if (!cv.wait_for(g, std::chrono::seconds{30}, [&] { return done == orders; }))
      std::fprintf(stderr, "ordermesh-fixbare: %llu of %llu orders not filled\n",
                   (unsigned long long) (orders - done), (unsigned long long) orders);
  }
  auto secs = (now_ns() - start) / 1e9;
  std::sort(lat.begin(), lat.end());
  auto pct = [&](double p) {
    return lat.empty() ? 0.0 : lat[std::min(lat.size() - 1, size_t(p * lat.size()))] / 1000.0;
  };
  std::printf("{\"orders\": %llu, \"filled\": %llu, \"window\": %llu, \"orders_per_s\": %.0f, "
              "\"fill_p50_us\": %.1f, \"fill_p99_us\": %.1f, \"acceptor\": \"%s\"}\n",
              (unsigned long long) orders, (unsigned long long) done,
              (unsigned long long) window, done / secs, pct(0.5), pct(0.99),
              echo ? "echo" : "ordermesh-venue");
  ini->stop();
  if (acceptor)
    acceptor->stop();
  return done == orders ? 0 : 3;
}
