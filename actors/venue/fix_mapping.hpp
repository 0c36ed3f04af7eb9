#pragma once
// The FIX mapping of the venue interface: pure functions, no I/O, no
// QuickFIX. Outbound: NewOrderSingle (D), OrderCancelRequest (F),
// OrderCancelReplaceRequest (G) and OrderStatusRequest (H) for FIX 4.2 and
// 4.4, each carrying every field its version's standard dictionary requires.
// Inbound: ExecutionReport (8), OrderCancelReject (9), BusinessMessageReject
// (j) and session Reject (3), validated field by field; a message missing a
// field we need, or with a value we cannot read, is refused with the tag and
// the reason (QuickFIX answers the peer with a session Reject).

#include "runtime/fix/fix_engine.hpp"
#include "runtime/model/enums.hpp"
#include "runtime/model/fixed_point.hpp"
#include "runtime/model/ids.hpp"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace om::fixmap {

enum class version : uint8_t { fix42, fix44 };

/// "FIX.4.2" / "FIX.4.4"; nullopt otherwise.
std::optional<version> parse_version(const std::string& begin_string);
const char* begin_string(version v);

/// Per-venue fields every order message carries (empty = not sent).
struct venue_fields {
  version ver = version::fix44;
  std::string account;        // 1
  std::string ex_destination; // 100
  /// HandlInst (21): required in 4.2 ('1' automated, private, no broker
  /// intervention, when not configured); optional in 4.4 (sent if set).
  char handl_inst = 0;
  /// Extra tags a venue's config adds to every order message.
  std::vector<fix::field> extra;
};

/// What an order message describes (the leg as it should be now).
struct order_terms {
  std::string cl_ord_id;
  std::string orig_cl_ord_id; // F, G
  std::string order_id;       // F, G, H: the venue's OrderID when known
  std::string symbol;
  om::side side = om::side::buy;
  ord_type type = ord_type::limit;
  time_in_force tif = time_in_force::day;
  quantity qty;
  price px;
  int64_t transact_ns = 0;
};

fix::message new_order_single(const venue_fields& v, const order_terms& t);
fix::message cancel_request(const venue_fields& v, const order_terms& t);
fix::message replace_request(const venue_fields& v, const order_terms& t);
fix::message status_request(const venue_fields& v, const order_terms& t);

/// MarketDataRequest (V) for the top of book and trades of one symbol:
/// snapshot plus incremental updates (subscribe) or the end of them.
fix::message market_data_request(const venue_fields& v, const std::string& req_id,
                                 const std::string& symbol, bool subscribe);

/// The ClOrdID of a leg's n-th message (0: the NewOrderSingle). Unique per
/// order, leg and request; the first part is the order id.
std::string cl_ord_id(order_id id, uint32_t leg, uint32_t n);
/// Reads a ClOrdID this desk made; false for anything else.
bool parse_cl_ord_id(const std::string& s, order_id& id, uint32_t& leg, uint32_t& n);

/// ExecutionReport, with both versions' ExecType folded into one.
enum class exec_kind : uint8_t {
  pending_new,
  new_order,
  trade,          // 4.4 F; 4.2 1 or 2
  canceled,       // 4
  replaced,       // 5
  pending_cancel, // 6
  pending_replace, // E
  rejected,       // 8
  expired,        // C
  done_for_day,   // 3
  order_status,   // 4.4 I; 4.2 ExecTransType 3
  restated,       // D
  trade_bust,     // 4.4 H/G; 4.2 ExecTransType 1/2
  other,
};
const char* to_string(exec_kind k);

struct exec_report {
  exec_kind kind = exec_kind::other;
  std::string cl_ord_id;
  std::string orig_cl_ord_id;
  std::string order_id;
  std::string exec_id;
  char ord_status = 0; // 39, raw
  quantity last_qty;
  price last_px;
  quantity cum_qty;
  quantity leaves_qty;
  price avg_px;
  std::string text;
  int ord_rej_reason = -1; // 103
  std::optional<int64_t> transact_ns;
  bool poss_dup = false;
  /// Commission (12) when CommType (13) is 3 (absolute): the fee charged.
  money commission;
};

struct cancel_reject {
  std::string cl_ord_id;
  std::string orig_cl_ord_id;
  std::string order_id;
  bool for_replace = false; // CxlRejResponseTo 434 = 2
  int reason = -1;          // CxlRejReason 102
  std::string text;
};

/// BusinessMessageReject (j) or session Reject (3).
struct message_reject {
  bool session_level = false;
  int ref_seq = 0;           // 45
  std::string ref_msg_type;  // 372
  int ref_tag = 0;           // 371 (session)
  int reason = -1;           // 380 (business) or 373 (session)
  std::string ref_id;        // 379 (business)
  std::string ref_cl_ord_id; // what the engine knows the referenced message by
  std::string text;
};

/// One entry of a market-data message, both versions: a top-of-book side
/// or a trade. Snapshots (W) report every entry as new.
struct md_entry {
  char action = '0'; // MDUpdateAction 279: 0 new, 1 change, 2 delete
  char type = '0';   // MDEntryType 269: 0 bid, 1 offer, 2 trade (others ignored)
  std::string symbol;
  price px;
  quantity qty;
};

/// MarketDataSnapshotFullRefresh (W) or MarketDataIncrementalRefresh (X).
struct market_data {
  bool snapshot = false;
  std::string req_id; // 262 (optional on X)
  std::string symbol; // W: the instrument; X: per entry
  std::vector<md_entry> entries;
};

/// MarketDataRequestReject (Y).
struct md_reject {
  std::string req_id;
  int reason = -1; // 281
  std::string text;
};

using inbound = std::variant<exec_report, cancel_reject, message_reject, market_data, md_reject>;

/// Reads an inbound application message, or says precisely why not.
std::variant<inbound, fix::refusal> read_inbound(version v, const fix::message& m);

/// A BusinessRejectReason (380) or SessionRejectReason (373) in words.
std::string describe_reject(const message_reject& r);

/// Price and quantity in FIX decimal form (no trailing zeros).
std::string fix_decimal(int64_t raw, int decimals);

} // namespace om::fixmap
