// ordermesh-venue: a standalone FIX 4.2 / 4.4 acceptor around the desk's
// matching engine, for trading the desk against something it did not start
// in-process, with the faults real venues show.
//
//   ordermesh-venue --port 9880 --session FIX.4.4:XFIX->DESK
//                   --session FIX.4.2:XFIX->DESK2 --dictionary-dir config/fix
//
// Signals: SIGUSR1 moves every book by --jump-bps (a volatility spike);
// SIGUSR2 stops market-data updates, and a second SIGUSR2 resumes them (a
// stalled feed). SIGTERM prints the counters and exits.

#include "runtime/fix/fix_engine.hpp"
#include "runtime/refdata/refdata.hpp"
#include "tools/venue/exchange.hpp"

#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <deque>
#include <iostream>
#include <map>
#include <mutex>
#include <queue>
#include <thread>

namespace {

std::atomic<int> stop_signal{0};
std::atomic<int> jump_requests{0};
std::atomic<int> silence_toggles{0};

void on_signal(int sig) { stop_signal = sig; }
void on_jump(int) { ++jump_requests; }
void on_silence(int) { ++silence_toggles; }

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

struct inbound_item {
  std::string session;
  om::fix::message msg;
  int64_t at = 0;
  bool disconnected = false; // the session ended (no message)
};

struct due_item {
  int64_t due = 0;
  uint64_t order = 0;
  om::venue_sim::outbound out;
  bool operator>(const due_item& o) const {
    return due != o.due ? due > o.due : order > o.order;
  }
};

/// "FIX.4.4:SENDER->TARGET" -> spec
bool parse_session(const std::string& text, om::fix::session_spec& s) {
  auto colon = text.find(':');
  auto arrow = text.find("->");
  if (colon == std::string::npos || arrow == std::string::npos || arrow < colon)
    return false;
  s.begin_string = text.substr(0, colon);
  s.sender_comp_id = text.substr(colon + 1, arrow - colon - 1);
  s.target_comp_id = text.substr(arrow + 2);
  return (s.begin_string == "FIX.4.4" || s.begin_string == "FIX.4.2")
         && !s.sender_comp_id.empty() && !s.target_comp_id.empty();
}

void log_line(const std::string& s) {
  auto line = "ordermesh-venue: " + s + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"ordermesh-venue: a FIX 4.2/4.4 venue simulator around the matching engine"};
  uint16_t port = 0;
  std::vector<std::string> sessions;
  std::string refdata_path = "config/refdata.toml";
  std::string dictionary_dir;
  std::string store_dir;
  int flow_ms = 20;
  uint32_t levels = 8;
  uint64_t seed = 1;
  int64_t ack_latency_us = 0;
  int heartbeat_s = 30;
  int64_t clock_offset_ms = 0;
  bool refuse_logon = false;
  std::string maker_fee = "0", taker_fee = "0";
  om::venue_sim::faults f;
  std::string unsupported;
  app.add_option("--port", port, "TCP port to accept FIX sessions on")->required();
  app.add_option("--session", sessions,
                 "an accepted session, as BEGINSTRING:VENUE_COMPID->CLIENT_COMPID "
                 "(FIX.4.2 or FIX.4.4); repeat for several clients")
    ->required();
  app.add_option("--refdata", refdata_path, "instruments traded (reference data TOML)");
  app.add_option("--dictionary-dir", dictionary_dir,
                 "directory with FIX42.xml and FIX44.xml: inbound messages are validated "
                 "against the standard dictionary (empty: frame checks only)");
  app.add_option("--store-dir", store_dir, "QuickFIX message store (empty: memory)");
  app.add_option("--flow-ms", flow_ms, "outside order flow period in ms (0: none)");
  app.add_option("--levels", levels, "price levels of synthetic liquidity per side");
  app.add_option("--seed", seed, "random seed");
  app.add_option("--ack-latency-us", ack_latency_us, "delay before every answer, in us");
  app.add_option("--heartbeat-s", heartbeat_s, "heartbeat interval");
  app.add_option("--maker-fee-bps", maker_fee, "maker fee in bps (negative: rebate)");
  app.add_option("--taker-fee-bps", taker_fee, "taker fee in bps");
  app.add_option("--reject-probability", f.reject_probability, "share of new orders rejected");
  app.add_flag("--fault-ignore-cancels", f.ignore_cancels, "never answer F or G");
  app.add_flag("--fault-reject-cancels", f.reject_cancels, "answer every F with a cancel reject");
  app.add_flag("--fault-fill-before-ack", f.fill_before_ack, "send no New acknowledgement");
  app.add_flag("--fault-possdup-fills", f.possdup_fills,
               "send every fill report again with PossDupFlag=Y");
  app.add_option("--fault-silent-after", f.silent_after, "stop answering after N orders");
  app.add_option("--fault-drop-after", f.drop_after,
                 "drop the connection (no Logout) after N orders; the reports of order N are "
                 "produced while the session is down");
  app.add_option("--fault-skip-seq-after", f.skip_after,
                 "after N orders skip outbound sequence numbers (a gap the client must fill)");
  app.add_option("--fault-skip-seq-count", f.skip_count, "how many sequence numbers to skip");
  app.add_option("--fault-unsupported", unsupported,
                 "message types answered with BusinessMessageReject reason 3, e.g. F,G,H");
  app.add_flag("--fault-refuse-logon", refuse_logon, "refuse every logon");
  app.add_option("--fault-clock-offset-ms", clock_offset_ms,
                 "shift SendingTime of every message sent (a venue with a wrong clock)");
  int64_t jump_bps = 500;
  app.add_option("--jump-bps", jump_bps,
                 "how far SIGUSR1 moves every book, in bps (negative: down)");
  CLI11_PARSE(app, argc, argv);

  for (size_t i = 0; i < unsupported.size();) {
    auto j = unsupported.find(',', i);
    auto t = unsupported.substr(i, j == std::string::npos ? std::string::npos : j - i);
    if (!t.empty())
      f.unsupported.push_back(t);
    if (j == std::string::npos)
      break;
    i = j + 1;
  }
  auto refdata = om::load_refdata_file(refdata_path);
  if (!refdata) {
    log_line("cannot load refdata: " + om::detail_of(refdata.error()));
    return 2;
  }
  om::venue_sim::options o;
  o.refdata = *refdata;
  o.levels = levels;
  o.seed = seed;
  o.fault = f;
  for (auto [text, dst] : {std::pair{&maker_fee, &o.maker_fee_bps_x100},
                           std::pair{&taker_fee, &o.taker_fee_bps_x100}}) {
    auto bps = om::basis_points::parse(*text);
    if (!bps) {
      log_line("--maker-fee-bps/--taker-fee-bps: " + om::detail_of(bps.error()));
      return 2;
    }
    *dst = bps->raw;
  }
  om::venue_sim::exchange ex{o};

  std::vector<om::fix::session_spec> specs;
  for (auto& text : sessions) {
    om::fix::session_spec s;
    if (!parse_session(text, s)) {
      log_line("--session " + text + ": expected FIX.4.4:VENUE->CLIENT or FIX.4.2:...");
      return 2;
    }
    s.port = port;
    s.heartbeat_s = heartbeat_s;
    s.clock_offset_ms = clock_offset_ms;
    s.refuse_logon = refuse_logon;
    if (!store_dir.empty())
      s.store_dir = store_dir;
    if (!dictionary_dir.empty())
      s.data_dictionary = dictionary_dir + (s.begin_string == "FIX.4.2" ? "/FIX42.xml"
                                                                      : "/FIX44.xml");
    ex.add_session(om::fix::engine::key_of(s), s.begin_string);
    specs.push_back(s);
  }

  std::mutex mu;
  std::condition_variable cv;
  std::deque<inbound_item> queue;
  om::fix::handlers h;
  h.on_app = [&](const std::string& session, const om::fix::message& m) {
    std::lock_guard<std::mutex> g(mu);
    queue.push_back({session, m, now_ns()});
    cv.notify_one();
    return om::fix::refusal{};
  };
  h.on_event = [&](const om::fix::event& e) {
    switch (e.kind) {
      case om::fix::event_kind::logged_on:
        log_line("event=logged_on session=" + e.session);
        break;
      case om::fix::event_kind::disconnected: {
        log_line("event=disconnected session=" + e.session);
        std::lock_guard<std::mutex> g(mu);
        inbound_item gone;
        gone.session = e.session;
        gone.at = now_ns();
        gone.disconnected = true;
        queue.push_back(std::move(gone));
        cv.notify_one();
        break;
      }
      case om::fix::event_kind::note:
        if (e.text.find("Resend") != std::string::npos || e.text.find("refused") != std::string::npos
            || e.text.find("reject") != std::string::npos)
          log_line("session=" + e.session + " note=\"" + e.text + "\"");
        break;
      default:
        break;
    }
  };
  std::string err;
  auto engine = om::fix::engine::make(om::fix::role::acceptor, specs, h, &err);
  if (!engine || !engine->start(&err)) {
    log_line("cannot start the FIX acceptor: " + err);
    return 2;
  }
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  std::signal(SIGUSR1, on_jump);
  std::signal(SIGUSR2, on_silence);
  log_line("event=listening port=" + std::to_string(port) + " sessions="
           + std::to_string(specs.size()));

  std::priority_queue<due_item, std::vector<due_item>, std::greater<due_item>> due;
  uint64_t order = 0;
  auto schedule = [&](std::vector<om::venue_sim::outbound> out, int64_t at) {
    for (auto& x : out)
      due.push({at + ack_latency_us * 1000, ++order, std::move(x)});
  };
  int64_t next_tick = now_ns() + int64_t{flow_ms} * 1'000'000;
  while (stop_signal == 0) {
    std::deque<inbound_item> batch;
    {
      std::unique_lock<std::mutex> g(mu);
      auto wake = flow_ms > 0 ? next_tick : now_ns() + 100'000'000;
      if (!due.empty())
        wake = std::min(wake, due.top().due);
      auto wait = std::chrono::nanoseconds{std::max<int64_t>(0, wake - now_ns())};
      cv.wait_for(g, std::min<std::chrono::nanoseconds>(wait, std::chrono::milliseconds{100}),
                  [&] { return !queue.empty(); });
      batch.swap(queue);
    }
    for (; jump_requests > 0; --jump_requests) {
      log_line("event=fault_jump bps=" + std::to_string(jump_bps));
      auto now = now_ns();
      schedule(ex.jump(jump_bps, now), now);
    }
    for (; silence_toggles > 0; --silence_toggles) {
      ex.set_market_data_silent(!ex.market_data_silent());
      log_line(std::string("event=fault_market_data ") + (ex.market_data_silent() ? "silent" : "resumed"));
    }
    for (auto& in : batch) {
      if (in.disconnected) {
        ex.on_disconnect(in.session);
        continue;
      }
      om::venue_sim::side_effects fx;
      auto out = ex.on_message(in.session, in.msg, in.at, fx);
      for (auto& s : fx.drop_sessions) {
        log_line("event=fault_drop session=" + s);
        engine->drop(s);
      }
      for (auto& [s, n] : fx.skip_seq) {
        log_line("event=fault_skip_seq session=" + s + " count=" + std::to_string(n));
        engine->skip_seq(s, n);
      }
      schedule(std::move(out), in.at);
    }
    auto now = now_ns();
    if (flow_ms > 0 && now >= next_tick) {
      schedule(ex.on_tick(now), now);
      next_tick = now + int64_t{flow_ms} * 1'000'000;
    }
    while (!due.empty() && due.top().due <= now_ns()) {
      auto item = due.top();
      due.pop();
      std::string why;
      if (!engine->send(item.out.session, item.out.msg, &why))
        log_line("event=send_failed session=" + item.out.session + " reason=\"" + why + "\"");
    }
  }
  engine->stop();
  auto& c = ex.counters();
  std::printf("ordermesh-venue: orders=%llu fills=%llu cancels=%llu replaces=%llu rejects=%llu "
              "status=%llu trades_between_clients=%llu md_requests=%llu md_updates=%llu "
              "jumps=%llu\n",
              (unsigned long long) c.orders, (unsigned long long) c.fills,
              (unsigned long long) c.cancels, (unsigned long long) c.replaces,
              (unsigned long long) c.rejects, (unsigned long long) c.status,
              (unsigned long long) c.trades_between_clients,
              (unsigned long long) c.md_requests, (unsigned long long) c.md_updates,
              (unsigned long long) c.jumps);
  return 0;
}
