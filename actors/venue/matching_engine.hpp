#pragma once
// A price-time priority limit order book for one instrument. Plain code: no
// actors, no I/O, no clocks, so the simulated venue actor and the standalone
// FIX venue simulator share it. Not thread-safe: one owner.
//
//   input                                  events (in order)
//   submit limit, no cross                 accepted
//   submit limit, crosses                  accepted, fill(taker) + fill(maker) per match,
//                                          remainder rests (day/gtc)
//   submit IOC                             accepted, fills..., canceled(remainder) if any
//   submit FOK, fully fillable             accepted, fills...
//   submit FOK, not fully fillable         accepted, canceled (nothing trades)
//   submit market                          accepted, fills..., canceled(remainder) if any
//   submit with qty <= 0 / bad price       rejected
//   cancel resting                         canceled
//   cancel unknown/done                    cancel_rejected
//   replace: qty down, same price          replaced (keeps time priority)
//   replace: price change or qty up        replaced (loses priority; may then match: fills)
//   replace to qty <= filled               replaced, canceled (nothing left to work)
//   replace unknown/done, bad terms        replace_rejected
//
// Matching takes the best opposite price first, FIFO within a price, and
// trades at the resting (maker) order's price.

#include "runtime/model/enums.hpp"
#include "runtime/model/fixed_point.hpp"

#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace om::venue {

struct new_order_request {
  std::string owner;      // participant, e.g. "desk" or "liq-3"
  std::string client_ref; // the participant's own id for the order
  om::side side = side::buy;
  ord_type type = ord_type::limit;
  time_in_force tif = time_in_force::day;
  quantity qty;
  price px; // ignored for market orders
};

enum class exec_kind : uint8_t {
  accepted,
  rejected,
  fill,
  canceled,
  replaced,
  cancel_rejected,
  replace_rejected,
};
const char* to_string(exec_kind x);

struct exec {
  exec_kind kind = exec_kind::accepted;
  uint64_t order_id = 0; // engine id (0 for rejects of unknown orders)
  std::string owner;
  std::string client_ref;
  om::side side = side::buy;
  quantity last_qty;     // fills
  price last_px;         // fills
  quantity cum_qty;
  quantity leaves_qty;
  bool maker = false;    // fills: this order was resting
  uint64_t match_id = 0; // fills: same for both sides of a trade
  std::string reason;    // rejects and cancels
};

struct level_view {
  price px;
  quantity qty;
  size_t orders = 0;
};

class order_book {
public:
  order_book() = default;

  /// Adds an order; appends the resulting events to `out`. Returns its id
  /// (0 if rejected).
  uint64_t submit(const new_order_request& req, std::vector<exec>& out);

  void cancel(uint64_t id, std::vector<exec>& out, const std::string& reason = "canceled");

  /// New total quantity and price (price ignored for market orders).
  void replace(uint64_t id, quantity new_qty, price new_px, std::vector<exec>& out);

  std::optional<price> best_bid() const;
  std::optional<price> best_ask() const;
  /// Best `n` levels of one side, best first.
  std::vector<level_view> levels(om::side s, size_t n) const;
  /// Quantity available to a taker on side `s` at prices no worse than `limit`
  /// (limit zero: any price).
  quantity available_to(om::side taker, price limit) const;

  size_t resting_orders() const { return orders_.size(); }
  uint64_t trades() const { return next_match_ - 1; }
  /// Remaining quantity of a resting order, if it rests.
  std::optional<quantity> leaves(uint64_t id) const;

private:
  struct resting {
    uint64_t id;
    std::string owner;
    std::string client_ref;
    om::side side;
    ord_type type;
    time_in_force tif;
    price px;
    quantity qty;    // total order quantity
    quantity filled;
    quantity leaves() const { return qty - filled; }
  };
  using fifo = std::list<uint64_t>;
  struct level {
    fifo queue;
    quantity total;
  };
  struct locator {
    resting order;
    fifo::iterator pos;
  };

  exec make(exec_kind k, const resting& o) const;
  void match(resting& taker, std::vector<exec>& out);
  void rest(resting&& o);
  void unlink(uint64_t id);
  bool crosses(const resting& taker, int64_t level_px) const;

  std::map<int64_t, level, std::greater<int64_t>> bids_;
  std::map<int64_t, level> asks_;
  std::unordered_map<uint64_t, locator> orders_;
  uint64_t next_id_ = 1;
  uint64_t next_match_ = 1;
};

} // namespace om::venue
