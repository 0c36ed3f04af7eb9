#pragma once
// The FIX venue simulator's exchange: the desk's matching engine behind FIX
// messages. Plain code, no sockets and no threads: a message in, the
// messages to send out; the process around it (main.cpp) owns the QuickFIX
// acceptor and calls it from one thread.
//
// Every client session trades against seeded liquidity and outside flow and
// against every other client session (they share the books). Faults make it
// behave like the venues a desk meets: slow, silent, rejecting, duplicating.

#include "actors/venue/matching_engine.hpp"
#include "runtime/fix/fix_engine.hpp"
#include "runtime/refdata/refdata.hpp"

#include <deque>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace om::venue_sim {

struct faults {
  /// Never answer cancels and replaces (a venue that goes quiet).
  bool ignore_cancels = false;
  /// Answer every OrderCancelRequest with OrderCancelReject.
  bool reject_cancels = false;
  /// No New acknowledgement: the first report of an order is its fill (or
  /// its rest, acknowledged only when it trades or is canceled).
  bool fill_before_ack = false;
  /// Send every fill report a second time with PossDupFlag=Y.
  bool possdup_fills = false;
  /// Stop acknowledging after this many orders (0 = never).
  uint64_t silent_after = 0;
  /// Drop the connection after this many orders (0 = never), once.
  uint64_t drop_after = 0;
  /// Skip this many outbound sequence numbers after `skip_after` orders.
  uint64_t skip_after = 0;
  int skip_count = 5;
  /// Message types answered with BusinessMessageReject, reason 3
  /// (unsupported), e.g. "F", "G", "H".
  std::vector<std::string> unsupported;
  /// Reject this share of new orders (0..1).
  double reject_probability = 0;
};

struct options {
  std::shared_ptr<const refdata_set> refdata;
  uint32_t levels = 8;
  uint64_t seed = 1;
  faults fault;
  /// Fees in basis points of notional, reported as Commission (12).
  int64_t maker_fee_bps_x100 = 0;
  int64_t taker_fee_bps_x100 = 0;
};

struct outbound {
  std::string session;
  fix::message msg;
};

/// What the process should do besides sending.
struct side_effects {
  std::vector<std::string> drop_sessions;
  std::vector<std::pair<std::string, int>> skip_seq;
};

struct stats {
  uint64_t orders = 0, fills = 0, cancels = 0, replaces = 0, rejects = 0, status = 0,
           trades_between_clients = 0, md_requests = 0, md_updates = 0, jumps = 0;
};

class exchange {
public:
  explicit exchange(options o);

  /// A client session's version ("FIX.4.2" / "FIX.4.4"), set at logon.
  void add_session(const std::string& session, const std::string& begin_string);

  /// Handles one inbound application message.
  std::vector<outbound> on_message(const std::string& session, const fix::message& m,
                                   int64_t now_ns, side_effects& fx);

  /// Outside flow: one aggressive order per book, then liquidity refills.
  std::vector<outbound> on_tick(int64_t now_ns);

  /// A session ended: its market-data subscriptions end with it.
  void on_disconnect(const std::string& session);

  /// Fault: every book's price moves by `bps` (signed) at once: outside flow
  /// sweeps the book up (or down) to the new level and liquidity rebuilds
  /// around it. Subscribers see the move in their next update.
  std::vector<outbound> jump(int64_t bps, int64_t now_ns);

  /// Fault: stop (or resume) sending market-data updates; subscriptions
  /// stay, so the feed goes silent as a stalled one does.
  void set_market_data_silent(bool on) { md_silent_ = on; }
  bool market_data_silent() const { return md_silent_; }

  const stats& counters() const { return stats_; }

private:
  struct order {
    std::string session;
    std::string cl_ord_id; // current
    std::string symbol;
    om::side side = side::buy;
    ord_type type = ord_type::limit;
    quantity qty;
    price px;
    quantity cum;
    __int128 value = 0;
    char status = '0';
    uint64_t engine_id = 0;
    std::string venue_order_id;
    bool acked = false;
  };
  struct top_of_book {
    price bid_px, ask_px;
    quantity bid_qty, ask_qty;
    bool operator==(const top_of_book& o) const {
      return bid_px == o.bid_px && ask_px == o.ask_px && bid_qty == o.bid_qty
             && ask_qty == o.ask_qty;
    }
  };
  struct subscription {
    std::string session;
    std::string req_id;
    std::string symbol; // as the session spelled it
  };
  struct book {
    venue::order_book b;
    const instrument* inst = nullptr;
    price anchor;
    std::vector<subscription> subs;
    top_of_book sent; // what subscribers last saw
    std::vector<std::pair<price, quantity>> trades; // since the last update
    std::vector<uint64_t> liq; // synthetic liquidity orders (may have traded away)
    bool dirty = true;         // changed since the last market-data flush
  };

  book* book_for(const std::string& symbol);
  void replenish(book& b);
  quantity level_size(const instrument& inst);
  void publish(book& b, std::vector<venue::exec>& ex, int64_t now, std::vector<outbound>& out,
               const std::string& req_clid = {}, const std::string& orig_clid = {});
  fix::message report(const order& o, char exec_type, int64_t now, const std::string& text = {});
  bool is42(const std::string& session) const;

  void on_new(const std::string& s, const fix::message& m, int64_t now,
              std::vector<outbound>& out);
  void on_cancel(const std::string& s, const fix::message& m, int64_t now,
                 std::vector<outbound>& out);
  void on_replace(const std::string& s, const fix::message& m, int64_t now,
                  std::vector<outbound>& out);
  void on_status(const std::string& s, const fix::message& m, int64_t now,
                 std::vector<outbound>& out);
  order* find(const std::string& session, const std::string& clid);
  void on_market_data_request(const std::string& s, const fix::message& m,
                              std::vector<outbound>& out);
  top_of_book top(const book& b) const;
  /// Incremental updates (X) for every book whose top changed or traded.
  void flush_market_data(std::vector<outbound>& out);

  options opts_;
  std::mt19937_64 rng_;
  std::unordered_map<std::string, std::string> versions_; // session -> BeginString
  std::unordered_map<std::string, book> books_;
  std::unordered_map<std::string, order> orders_; // by venue OrderID
  /// session + "|" + any ClOrdID of an order's chain -> venue OrderID.
  std::unordered_map<std::string, std::string> by_clid_;
  std::string exec_prefix_;
  uint64_t next_exec_ = 1;
  uint64_t next_order_ = 1;
  bool dropped_ = false;
  bool skipped_ = false;
  bool md_silent_ = false;
  stats stats_;
};

} // namespace om::venue_sim
