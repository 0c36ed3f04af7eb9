#define CAF_SUITE exchange
#include <caf/test/unit_test.hpp>

#include "actors/venue/fix_mapping.hpp"
#include "tools/venue/exchange.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

using namespace om;
using namespace om::venue_sim;

// The book every test trades in: AAPL.XNAS in config/refdata.toml has
// prev_close 228.52 and tick 0.01; with options.levels = 3 the exchange
// seeds bids at 228.51, 228.50, 228.49 and asks at 228.53, 228.54, 228.55,
// 100 to 1000 shares each (one liquidity order per level). 228.52 is free
// on both sides; 228.00 never trades.

namespace {

const std::string sa = "client-a";
const std::string sb = "client-b";
const char* buy = "1";
const char* sell = "2";

constexpr int64_t t0 = 1'700'000'000'000'000'000;

/// The value of `tag`, "" if absent (a copy: messages here are often temporaries).
std::string field(const fix::message& m, int tag) {
  auto v = m.find(tag);
  return v ? *v : std::string{};
}

bool has(const fix::message& m, int tag) { return m.find(tag) != nullptr; }

quantity q(const std::string& s) {
  auto x = quantity::parse(s);
  CAF_REQUIRE(x);
  return *x;
}

price p(const std::string& s) {
  auto x = price::parse(s);
  CAF_REQUIRE(x);
  return *x;
}

/// A NewOrderSingle as a client sends it (limit, day).
fix::message new_order(const std::string& clid, const char* side, int64_t qty,
                       const std::string& px, const std::string& symbol = "AAPL") {
  fix::message m;
  m.msg_type = "D";
  m.add(11, clid);
  m.add(21, "1");
  m.add(55, symbol);
  m.add(54, side);
  m.add(38, std::to_string(qty));
  m.add(40, "2");
  m.add(44, px);
  m.add(59, "0");
  m.add(60, fix::utc_timestamp(t0));
  return m;
}

fix::message cancel(const std::string& clid, const std::string& orig, const char* side = buy) {
  fix::message m;
  m.msg_type = "F";
  m.add(41, orig);
  m.add(11, clid);
  m.add(55, "AAPL");
  m.add(54, side);
  m.add(38, "100");
  m.add(60, fix::utc_timestamp(t0));
  return m;
}

fix::message replace(const std::string& clid, const std::string& orig, int64_t qty,
                     const std::string& px, const char* side = buy) {
  fix::message m;
  m.msg_type = "G";
  m.add(41, orig);
  m.add(11, clid);
  m.add(21, "1");
  m.add(55, "AAPL");
  m.add(54, side);
  m.add(38, std::to_string(qty));
  m.add(40, "2");
  m.add(44, px);
  m.add(59, "0");
  m.add(60, fix::utc_timestamp(t0));
  return m;
}

fix::message status(const std::string& clid, const char* side = buy) {
  fix::message m;
  m.msg_type = "H";
  m.add(11, clid);
  m.add(55, "AAPL");
  m.add(54, side);
  return m;
}

/// "8/0,8/F,9": each message's type, with ExecType for reports.
std::string kinds(const std::vector<outbound>& out) {
  std::string s;
  for (auto& o : out) {
    if (!s.empty())
      s += ",";
    s += o.msg.msg_type;
    if (o.msg.msg_type == "8")
      s += "/" + field(o.msg, 150);
  }
  return s;
}

/// What the desk's FIX mapping reads from a message the exchange sent;
/// fails the test if the desk would refuse it.
template <class T>
T desk_reads(const std::string& begin, const fix::message& m) {
  auto r = fixmap::read_inbound(*fixmap::parse_version(begin), m);
  if (auto ref = std::get_if<fix::refusal>(&r))
    CAF_FAIL("the desk refuses it: tag " << ref->tag << ": " << ref->text);
  auto x = std::get_if<T>(&std::get<fixmap::inbound>(r));
  CAF_REQUIRE(x != nullptr);
  return *x;
}

/// "" if the desk's FIX mapping reads `m`, else the refusal's tag and text.
std::string desk_refusal(const std::string& begin, const fix::message& m) {
  auto r = fixmap::read_inbound(*fixmap::parse_version(begin), m);
  auto ref = std::get_if<fix::refusal>(&r);
  return ref ? "tag " + std::to_string(ref->tag) + ": " + ref->text : std::string{};
}

struct fixture {
  options opts;
  std::unique_ptr<exchange> xch;
  side_effects fx;
  std::map<std::string, int> seq;
  int64_t now = t0;

  fixture() {
    auto rd = load_refdata_file(std::string(OM_SOURCE_DIR) + "/config/refdata.toml");
    CAF_REQUIRE(rd);
    opts.refdata = *rd;
    opts.levels = 3;
  }

  /// (Re)creates the exchange with `opts` as they are now.
  void open(const std::string& va = "FIX.4.4", const std::string& vb = "FIX.4.4") {
    xch = std::make_unique<exchange>(opts);
    xch->add_session(sa, va);
    xch->add_session(sb, vb);
    seq.clear();
  }

  std::vector<outbound> send(const std::string& session, fix::message m) {
    if (!xch)
      open();
    m.seq_num = ++seq[session];
    fx = side_effects{};
    now += 1'000'000;
    return xch->on_message(session, m, now, fx);
  }

  const stats& counters() { return xch->counters(); }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(exchange_tests, fixture)

// ------------------------------------------------------------ orders

CAF_TEST(a resting limit order is acknowledged as new) {
  auto out = send(sa, new_order("C1", buy, 100, "228.00"));
  CAF_REQUIRE_EQUAL(kinds(out), "8/0");
  auto& ack = out[0].msg;
  CAF_CHECK_EQUAL(out[0].session, sa);
  CAF_CHECK_EQUAL(field(ack, 39), "0");
  CAF_CHECK_EQUAL(field(ack, 11), "C1");
  CAF_CHECK_EQUAL(field(ack, 38), "100");
  CAF_CHECK_EQUAL(field(ack, 44), "228");
  CAF_CHECK_EQUAL(field(ack, 14), "0");
  CAF_CHECK_EQUAL(field(ack, 151), "100");
  CAF_CHECK_EQUAL(field(ack, 55), "AAPL");
  CAF_CHECK_EQUAL(field(ack, 54), "1");
  CAF_CHECK(!field(ack, 37).empty());
  CAF_CHECK(!field(ack, 17).empty());
  CAF_CHECK(!has(ack, 20)); // 4.4 has no ExecTransType
  CAF_CHECK(desk_reads<fixmap::exec_report>("FIX.4.4", ack).kind == fixmap::exec_kind::new_order);
  CAF_CHECK_EQUAL(counters().orders, 1u);
  CAF_CHECK_EQUAL(counters().fills, 0u);
}

CAF_TEST(a marketable order fills against seeded liquidity with exectype F in 4.4) {
  auto out = send(sa, new_order("C1", buy, 50, "228.53"));
  CAF_REQUIRE_EQUAL(kinds(out), "8/0,8/F");
  auto& ack = out[0].msg;
  auto& fill = out[1].msg;
  CAF_CHECK_EQUAL(out[1].session, sa);
  CAF_CHECK_EQUAL(field(fill, 11), "C1");
  CAF_CHECK_EQUAL(field(fill, 37), field(ack, 37));
  CAF_CHECK_NOT_EQUAL(field(fill, 17), field(ack, 17));
  CAF_CHECK_EQUAL(field(fill, 39), "2");
  CAF_CHECK_EQUAL(field(fill, 32), "50");
  CAF_CHECK_EQUAL(field(fill, 31), "228.53");
  CAF_CHECK_EQUAL(field(fill, 14), "50");
  CAF_CHECK_EQUAL(field(fill, 151), "0");
  CAF_CHECK_EQUAL(field(fill, 6), "228.53");
  auto r = desk_reads<fixmap::exec_report>("FIX.4.4", fill);
  CAF_CHECK(r.kind == fixmap::exec_kind::trade);
  CAF_CHECK_EQUAL(r.last_qty, quantity::from_units(50));
  CAF_CHECK_EQUAL(counters().fills, 1u);
  CAF_CHECK_EQUAL(counters().trades_between_clients, 0u);
}

CAF_TEST(a sweep of three levels keeps cumqty leavesqty and avgpx consistent) {
  auto out = send(sa, new_order("C1", buy, 5000, "228.55"));
  // Three levels of at most 1000 each: three fills, the rest rests.
  CAF_REQUIRE_EQUAL(kinds(out), "8/0,8/F,8/F,8/F");
  const char* levels[] = {"228.53", "228.54", "228.55"};
  quantity cum;
  int128 value = 0;
  for (size_t i = 1; i < out.size(); ++i) {
    auto& f = out[i].msg;
    auto last = q(field(f, 32));
    CAF_CHECK(last.is_positive());
    CAF_CHECK_EQUAL(field(f, 31), levels[i - 1]);
    cum += last;
    value += exact_value(p(field(f, 31)), last);
    CAF_CHECK_EQUAL(q(field(f, 14)), cum);
    CAF_CHECK_EQUAL(q(field(f, 151)), quantity::from_units(5000) - cum);
    CAF_CHECK_EQUAL(p(field(f, 6)), average_price(value, cum));
    CAF_CHECK_EQUAL(field(f, 39), "1");
    CAF_CHECK_EQUAL(field(f, 38), "5000");
  }
  CAF_CHECK_EQUAL(counters().fills, 3u);
}

CAF_TEST(a 4.2 session gets fills as exectype 1 or 2 with exectranstype 0) {
  open("FIX.4.2");
  auto full = send(sa, new_order("C1", buy, 50, "228.53"));
  CAF_REQUIRE_EQUAL(kinds(full), "8/0,8/2");
  CAF_CHECK_EQUAL(field(full[0].msg, 20), "0");
  CAF_CHECK_EQUAL(field(full[0].msg, 39), "0");
  auto& f = full[1].msg;
  CAF_CHECK_EQUAL(field(f, 20), "0");
  CAF_CHECK_EQUAL(field(f, 39), "2");
  CAF_CHECK_EQUAL(field(f, 32), "50");
  CAF_CHECK_EQUAL(field(f, 31), "228.53");
  CAF_CHECK_EQUAL(field(f, 14), "50");
  CAF_CHECK_EQUAL(field(f, 151), "0");
  CAF_CHECK_EQUAL(field(f, 6), "228.53");
  CAF_CHECK(desk_reads<fixmap::exec_report>("FIX.4.2", f).kind == fixmap::exec_kind::trade);
  // What is left at 228.53 (50 to 950) fills 2000 only partially.
  auto part = send(sa, new_order("C2", buy, 2000, "228.53"));
  CAF_REQUIRE_EQUAL(kinds(part), "8/0,8/1");
  auto& pf = part[1].msg;
  CAF_CHECK_EQUAL(field(pf, 20), "0");
  CAF_CHECK_EQUAL(field(pf, 39), "1");
  auto last = q(field(pf, 32));
  CAF_CHECK(last.is_positive());
  CAF_CHECK(last < quantity::from_units(1000));
  CAF_CHECK_EQUAL(q(field(pf, 14)), last);
  CAF_CHECK_EQUAL(q(field(pf, 151)), quantity::from_units(2000) - last);
  auto r = desk_reads<fixmap::exec_report>("FIX.4.2", pf);
  CAF_CHECK(r.kind == fixmap::exec_kind::trade);
  CAF_CHECK_EQUAL(r.last_qty, last);
}

// ------------------------------------------------------------ cancel, replace, status

CAF_TEST(a cancel is confirmed with its own clordid and the original in 41) {
  auto ack = send(sa, new_order("C1", buy, 100, "228.00"));
  auto out = send(sa, cancel("C2", "C1"));
  CAF_REQUIRE_EQUAL(kinds(out), "8/4");
  auto& c = out[0].msg;
  CAF_CHECK_EQUAL(field(c, 11), "C2");
  CAF_CHECK_EQUAL(field(c, 41), "C1");
  CAF_CHECK_EQUAL(field(c, 37), field(ack[0].msg, 37));
  CAF_CHECK_EQUAL(field(c, 39), "4");
  CAF_CHECK_EQUAL(field(c, 14), "0");
  CAF_CHECK_EQUAL(field(c, 151), "0");
  auto r = desk_reads<fixmap::exec_report>("FIX.4.4", c);
  CAF_CHECK(r.kind == fixmap::exec_kind::canceled);
  CAF_CHECK_EQUAL(r.orig_cl_ord_id, "C1");
  CAF_CHECK_EQUAL(counters().cancels, 1u);
  // A second cancel is too late.
  auto again = send(sa, cancel("C3", "C2"));
  CAF_REQUIRE_EQUAL(kinds(again), "9");
  CAF_CHECK_EQUAL(field(again[0].msg, 102), "0");
  CAF_CHECK_EQUAL(field(again[0].msg, 39), "4");
  CAF_CHECK_EQUAL(field(again[0].msg, 11), "C3");
}

CAF_TEST(a replace is confirmed with the new clordid 41 and the new terms) {
  send(sa, new_order("C1", buy, 100, "228.00"));
  auto out = send(sa, replace("C2", "C1", 60, "228.10"));
  CAF_REQUIRE_EQUAL(kinds(out), "8/5");
  auto& r = out[0].msg;
  CAF_CHECK_EQUAL(field(r, 11), "C2");
  CAF_CHECK_EQUAL(field(r, 41), "C1");
  CAF_CHECK_EQUAL(field(r, 38), "60");
  CAF_CHECK_EQUAL(field(r, 44), "228.1");
  CAF_CHECK_EQUAL(field(r, 151), "60");
  CAF_CHECK_EQUAL(field(r, 39), "0");
  CAF_CHECK(desk_reads<fixmap::exec_report>("FIX.4.4", r).kind == fixmap::exec_kind::replaced);
  CAF_CHECK_EQUAL(counters().replaces, 1u);
  // The order now goes by the new ClOrdID with the new terms.
  auto st = send(sa, status("C2"));
  CAF_REQUIRE_EQUAL(kinds(st), "8/I");
  CAF_CHECK_EQUAL(field(st[0].msg, 38), "60");
  CAF_CHECK_EQUAL(field(st[0].msg, 44), "228.1");
}

CAF_TEST(a replace to a crossing price is confirmed then filled) {
  send(sa, new_order("C1", buy, 100, "228.00"));
  auto out = send(sa, replace("C2", "C1", 100, "228.53"));
  CAF_REQUIRE_EQUAL(kinds(out), "8/5,8/F");
  CAF_CHECK_EQUAL(field(out[0].msg, 44), "228.53");
  auto& f = out[1].msg;
  CAF_CHECK_EQUAL(field(f, 11), "C2");
  CAF_CHECK_EQUAL(field(f, 32), "100");
  CAF_CHECK_EQUAL(field(f, 31), "228.53");
  CAF_CHECK_EQUAL(field(f, 39), "2");
  CAF_CHECK(!has(f, 41)); // only the replaced report names the original
}

CAF_TEST(a cancel or replace of an unknown order is rejected as unknown order) {
  auto out = send(sa, cancel("C9", "NOPE"));
  CAF_REQUIRE_EQUAL(kinds(out), "9");
  auto& c = out[0].msg;
  CAF_CHECK_EQUAL(field(c, 102), "1");
  CAF_CHECK_EQUAL(field(c, 434), "1");
  CAF_CHECK_EQUAL(field(c, 11), "C9");
  CAF_CHECK_EQUAL(field(c, 41), "NOPE");
  CAF_CHECK_EQUAL(field(c, 39), "8");
  auto cr = desk_reads<fixmap::cancel_reject>("FIX.4.4", c);
  CAF_CHECK(!cr.for_replace);
  CAF_CHECK_EQUAL(cr.reason, 1);
  auto g = send(sa, replace("C10", "NOPE", 50, "228.00"));
  CAF_REQUIRE_EQUAL(kinds(g), "9");
  CAF_CHECK_EQUAL(field(g[0].msg, 434), "2");
  CAF_CHECK_EQUAL(field(g[0].msg, 102), "1");
  // Another session's order is unknown too.
  send(sb, new_order("B1", buy, 100, "228.00"));
  CAF_CHECK_EQUAL(kinds(send(sa, cancel("C11", "B1"))), "9");
}

CAF_TEST(a status request reports the order status and quantities) {
  for (auto v : {"FIX.4.4", "FIX.4.2"}) {
    open(v);
    bool v42 = std::string{v} == "FIX.4.2";
    auto fill = send(sa, new_order("C1", buy, 2000, "228.53"));
    CAF_REQUIRE_EQUAL(fill.size(), 2u); // ack and a partial fill of the level
    auto cum = q(field(fill[1].msg, 14));
    auto out = send(sa, status("C1"));
    CAF_REQUIRE_EQUAL(out.size(), 1u);
    auto& s = out[0].msg;
    CAF_CHECK_EQUAL(field(s, 150), v42 ? "1" : "I");
    if (v42)
      CAF_CHECK_EQUAL(field(s, 20), "3");
    CAF_CHECK_EQUAL(field(s, 11), "C1");
    CAF_CHECK_EQUAL(field(s, 37), field(fill[0].msg, 37));
    CAF_CHECK_EQUAL(field(s, 39), "1");
    CAF_CHECK_EQUAL(q(field(s, 14)), cum);
    CAF_CHECK_EQUAL(q(field(s, 151)), quantity::from_units(2000) - cum);
    CAF_CHECK(desk_reads<fixmap::exec_report>(v, s).kind == fixmap::exec_kind::order_status);
    CAF_CHECK_EQUAL(counters().status, 1u);
  }
}

CAF_TEST(a status request for an unknown order reports status rejected and reason 5) {
  for (auto v : {"FIX.4.4", "FIX.4.2"}) {
    open(v);
    bool v42 = std::string{v} == "FIX.4.2";
    auto out = send(sa, status("C9"));
    CAF_REQUIRE_EQUAL(out.size(), 1u);
    auto& s = out[0].msg;
    CAF_CHECK_EQUAL(s.msg_type, "8");
    CAF_CHECK_EQUAL(field(s, 150), v42 ? "8" : "I");
    if (v42)
      CAF_CHECK_EQUAL(field(s, 20), "3");
    CAF_CHECK_EQUAL(field(s, 11), "C9");
    CAF_CHECK_EQUAL(field(s, 39), "8");
    CAF_CHECK_EQUAL(field(s, 103), "5");
    auto r = desk_reads<fixmap::exec_report>(v, s);
    CAF_CHECK(r.kind == fixmap::exec_kind::order_status);
    CAF_CHECK_EQUAL(r.ord_rej_reason, 5);
  }
}

CAF_TEST(a duplicate clordid is rejected) {
  send(sa, new_order("C1", buy, 100, "228.00"));
  auto dup = send(sa, new_order("C1", buy, 100, "228.00"));
  CAF_REQUIRE_EQUAL(kinds(dup), "8/8");
  CAF_CHECK_EQUAL(field(dup[0].msg, 39), "8");
  CAF_CHECK_EQUAL(field(dup[0].msg, 103), "6");
  CAF_CHECK(field(dup[0].msg, 58).find("duplicate") != std::string::npos);
  CAF_CHECK_EQUAL(counters().rejects, 1u);
  // A ClOrdID a cancel used is taken too.
  send(sa, cancel("C2", "C1"));
  CAF_CHECK_EQUAL(kinds(send(sa, new_order("C2", buy, 100, "228.00"))), "8/8");
  // ClOrdIDs are per session.
  CAF_CHECK_EQUAL(kinds(send(sb, new_order("C1", buy, 100, "228.00"))), "8/0");
}

// ------------------------------------------------------------ sessions

CAF_TEST(two sessions trade with each other) {
  open("FIX.4.4", "FIX.4.2");
  CAF_REQUIRE_EQUAL(kinds(send(sa, new_order("A1", sell, 100, "228.52"))), "8/0");
  auto out = send(sb, new_order("B1", buy, 100, "228.52"));
  CAF_REQUIRE_EQUAL(kinds(out), "8/0,8/2,8/F");
  CAF_CHECK_EQUAL(out[0].session, sb);
  auto& bf = out[1].msg;
  CAF_CHECK_EQUAL(out[1].session, sb);
  CAF_CHECK_EQUAL(field(bf, 11), "B1");
  CAF_CHECK_EQUAL(field(bf, 20), "0");
  CAF_CHECK_EQUAL(field(bf, 32), "100");
  CAF_CHECK_EQUAL(field(bf, 31), "228.52");
  CAF_CHECK_EQUAL(field(bf, 39), "2");
  auto& af = out[2].msg;
  CAF_CHECK_EQUAL(out[2].session, sa);
  CAF_CHECK_EQUAL(field(af, 11), "A1");
  CAF_CHECK_EQUAL(field(af, 54), "2");
  CAF_CHECK_EQUAL(field(af, 32), "100");
  CAF_CHECK_EQUAL(field(af, 31), "228.52");
  CAF_CHECK_EQUAL(field(af, 39), "2");
  CAF_CHECK_EQUAL(counters().trades_between_clients, 1u);
  CAF_CHECK_EQUAL(counters().fills, 2u);
  // A trade against seeded liquidity is not between clients.
  send(sb, new_order("B2", buy, 50, "228.53"));
  CAF_CHECK_EQUAL(counters().fills, 3u);
  CAF_CHECK_EQUAL(counters().trades_between_clients, 1u);
}

CAF_TEST(a session crossing its own order is not a trade between clients) {
  send(sa, new_order("A1", sell, 100, "228.52"));
  auto out = send(sa, new_order("A2", buy, 100, "228.52"));
  CAF_REQUIRE_EQUAL(kinds(out), "8/0,8/F,8/F");
  CAF_CHECK_EQUAL(out[1].session, sa);
  CAF_CHECK_EQUAL(out[2].session, sa);
  CAF_CHECK_EQUAL(field(out[1].msg, 11), "A2");
  CAF_CHECK_EQUAL(field(out[2].msg, 11), "A1");
  CAF_CHECK_EQUAL(counters().fills, 2u);
  CAF_CHECK_EQUAL(counters().trades_between_clients, 0u);
}

// ------------------------------------------------------------ faults

CAF_TEST(fill before ack sends the fill without a new first) {
  opts.fault.fill_before_ack = true;
  open();
  auto out = send(sa, new_order("C1", buy, 50, "228.53"));
  CAF_CHECK_EQUAL(kinds(out), "8/F");
  // A resting order gets no New; its cancel is still confirmed.
  CAF_CHECK_EQUAL(kinds(send(sa, new_order("C2", buy, 100, "228.00"))), "");
  CAF_CHECK_EQUAL(kinds(send(sa, cancel("C3", "C2"))), "8/4");
}

CAF_TEST(possdup fills sends each fill twice with the same execid) {
  opts.fault.possdup_fills = true;
  open();
  auto out = send(sa, new_order("C1", buy, 50, "228.53"));
  CAF_REQUIRE_EQUAL(kinds(out), "8/0,8/F,8/F");
  CAF_CHECK(!out[0].msg.poss_dup); // acks are not repeated
  CAF_CHECK(!out[1].msg.poss_dup);
  CAF_CHECK(out[2].msg.poss_dup);
  CAF_CHECK_EQUAL(field(out[2].msg, 17), field(out[1].msg, 17));
  CAF_CHECK_EQUAL(field(out[2].msg, 32), field(out[1].msg, 32));
  CAF_CHECK_EQUAL(field(out[2].msg, 14), field(out[1].msg, 14));
  CAF_CHECK_EQUAL(counters().fills, 1u);
}

CAF_TEST(reject cancels answers a cancel with an order cancel reject) {
  opts.fault.reject_cancels = true;
  open();
  send(sa, new_order("C1", buy, 100, "228.00"));
  auto out = send(sa, cancel("C2", "C1"));
  CAF_REQUIRE_EQUAL(kinds(out), "9");
  CAF_CHECK_EQUAL(field(out[0].msg, 11), "C2");
  CAF_CHECK_EQUAL(field(out[0].msg, 41), "C1");
  CAF_CHECK_EQUAL(field(out[0].msg, 434), "1");
  CAF_CHECK_EQUAL(field(out[0].msg, 39), "0");
  CAF_CHECK_EQUAL(counters().cancels, 0u);
  // The order keeps working.
  CAF_CHECK_EQUAL(field(send(sa, status("C1"))[0].msg, 39), "0");
}

CAF_TEST(an unsupported message type is answered with a business reject) {
  opts.fault.unsupported = {"F"};
  open();
  send(sa, new_order("C1", buy, 100, "228.00"));
  auto out = send(sa, cancel("C2", "C1")); // MsgSeqNum 2 of this session
  CAF_REQUIRE_EQUAL(kinds(out), "j");
  auto& j = out[0].msg;
  CAF_CHECK_EQUAL(field(j, 380), "3");
  CAF_CHECK_EQUAL(field(j, 372), "F");
  CAF_CHECK_EQUAL(field(j, 45), "2");
  CAF_CHECK_EQUAL(field(j, 379), "C2");
  auto r = desk_reads<fixmap::message_reject>("FIX.4.4", j);
  CAF_CHECK_EQUAL(r.ref_cl_ord_id, "C2");
  CAF_CHECK_EQUAL(counters().cancels, 0u);
  // Other types are still served.
  CAF_CHECK_EQUAL(kinds(send(sa, replace("C3", "C1", 50, "228.00"))), "8/5");
}

CAF_TEST(silent after n leaves order n plus 1 unanswered) {
  opts.fault.silent_after = 2;
  open();
  CAF_CHECK_EQUAL(kinds(send(sa, new_order("C1", buy, 100, "228.00"))), "8/0");
  CAF_CHECK_EQUAL(kinds(send(sa, new_order("C2", buy, 100, "228.00"))), "8/0");
  CAF_CHECK_EQUAL(kinds(send(sa, new_order("C3", buy, 100, "228.00"))), "");
  CAF_CHECK_EQUAL(kinds(send(sb, new_order("B1", buy, 100, "228.00"))), "");
  CAF_CHECK_EQUAL(counters().orders, 4u);
}

CAF_TEST(drop after n names the session once at order n) {
  opts.fault.drop_after = 2;
  open();
  send(sa, new_order("C1", buy, 100, "228.00"));
  CAF_CHECK(fx.drop_sessions.empty());
  auto out = send(sa, new_order("C2", buy, 100, "228.00"));
  CAF_CHECK_EQUAL(kinds(out), "8/0"); // answered, then dropped
  CAF_CHECK_EQUAL(fx.drop_sessions, std::vector<std::string>{sa});
  send(sa, new_order("C3", buy, 100, "228.00"));
  CAF_CHECK(fx.drop_sessions.empty());
  send(sb, new_order("B1", buy, 100, "228.00"));
  CAF_CHECK(fx.drop_sessions.empty());
  CAF_CHECK(fx.skip_seq.empty());
}

CAF_TEST(skip after n asks for a sequence gap once) {
  opts.fault.skip_after = 1;
  opts.fault.skip_count = 7;
  open();
  send(sa, new_order("C1", buy, 100, "228.00"));
  CAF_REQUIRE_EQUAL(fx.skip_seq.size(), 1u);
  CAF_CHECK_EQUAL(fx.skip_seq[0].first, sa);
  CAF_CHECK_EQUAL(fx.skip_seq[0].second, 7);
  CAF_CHECK(fx.drop_sessions.empty());
  send(sa, new_order("C2", buy, 100, "228.00"));
  CAF_CHECK(fx.skip_seq.empty());
}

// ------------------------------------------------------------ bugs

CAF_TEST(a replace below the filled quantity reports no negative leavesqty) {
  // A replace down to or below the filled quantity ends the order at what
  // has filled: OrderQty never falls below CumQty, LeavesQty never below 0.
  auto fill = send(sa, new_order("C1", buy, 2000, "228.53"));
  CAF_REQUIRE_EQUAL(kinds(fill), "8/0,8/F");
  CAF_REQUIRE(q(field(fill[1].msg, 14)) > quantity::from_units(50)); // a level is >= 100
  auto out = send(sa, replace("C2", "C1", 50, "228.53"));
  CAF_REQUIRE_EQUAL(kinds(out), "8/5,8/4");
  auto& r = out[0].msg;
  CAF_CHECK_EQUAL(field(r, 151), "0");
  CAF_CHECK(q(field(r, 14)) <= q(field(r, 38)));
  CAF_CHECK_EQUAL(desk_refusal("FIX.4.4", r), "");
  CAF_CHECK_EQUAL(field(out[1].msg, 151), "0");
}

CAF_TEST(sessions naming one instrument differently share its book) {
  // Books are per instrument, however a session spells its Symbol (55).
  send(sa, new_order("A1", sell, 100, "228.52", "AAPL.XNAS"));
  auto out = send(sb, new_order("B1", buy, 100, "228.52", "AAPL"));
  CAF_CHECK_EQUAL(kinds(out), "8/0,8/F,8/F");
  CAF_CHECK_EQUAL(counters().trades_between_clients, 1u);
}

// ------------------------------------------------------------ market data

namespace {

fix::message md_request(const std::string& req, const char* type, const std::string& symbol) {
  return fixmap::market_data_request(fixmap::venue_fields{}, req, symbol, std::string(type) == "1");
}

} // namespace

CAF_TEST(a market data request is answered by a snapshot of the top of book) {
  auto out = send(sa, md_request("r1", "1", "AAPL"));
  CAF_REQUIRE_EQUAL(kinds(out), "W");
  auto w = desk_reads<fixmap::market_data>("FIX.4.4", out[0].msg);
  CAF_CHECK(w.snapshot);
  CAF_CHECK_EQUAL(w.req_id, "r1");
  CAF_REQUIRE_EQUAL(w.entries.size(), 2u);
  CAF_CHECK_EQUAL(w.entries[0].type, '0');
  CAF_CHECK_EQUAL(w.entries[0].px, p("228.51"));
  CAF_CHECK_EQUAL(w.entries[1].type, '1');
  CAF_CHECK_EQUAL(w.entries[1].px, p("228.53"));
  CAF_CHECK_EQUAL(w.entries[1].symbol, "AAPL");
}

CAF_TEST(a new best bid and a trade reach subscribers as incremental updates) {
  send(sa, md_request("r1", "1", "AAPL"));
  // A new best bid at 228.52 (client b), then client b's buy takes the offer.
  auto out = send(sb, new_order("b1", buy, 100, "228.52"));
  CAF_REQUIRE_EQUAL(kinds(out), "8/0,X");
  CAF_CHECK_EQUAL(out[1].session, sa);
  auto x = desk_reads<fixmap::market_data>("FIX.4.4", out[1].msg);
  CAF_CHECK(!x.snapshot);
  CAF_REQUIRE_EQUAL(x.entries.size(), 1u);
  CAF_CHECK_EQUAL(x.entries[0].action, '1');
  CAF_CHECK_EQUAL(x.entries[0].type, '0');
  CAF_CHECK_EQUAL(x.entries[0].px, p("228.52"));
  CAF_CHECK_EQUAL(x.entries[0].qty, q("100"));
  out = send(sb, new_order("b2", buy, 10, "228.53"));
  auto last = desk_reads<fixmap::market_data>("FIX.4.4", out.back().msg);
  bool traded = false;
  for (auto& e : last.entries)
    traded = traded || (e.type == '2' && e.px == p("228.53") && e.qty == q("10"));
  CAF_CHECK(traded);
  // Unchanged tops send nothing: an unsubscribed session gets no X.
  send(sa, md_request("r1", "2", "AAPL"));
  out = send(sb, new_order("b3", buy, 5, "228.00"));
  CAF_CHECK_EQUAL(kinds(out), "8/0");
}

CAF_TEST(an unknown symbol is refused with a market data request reject) {
  auto out = send(sa, md_request("r9", "1", "NOPE"));
  CAF_REQUIRE_EQUAL(kinds(out), "Y");
  auto y = desk_reads<fixmap::md_reject>("FIX.4.4", out[0].msg);
  CAF_CHECK_EQUAL(y.req_id, "r9");
  CAF_CHECK_EQUAL(y.reason, 0);
}

CAF_TEST(a jump moves the market and a silent feed sends nothing) {
  send(sa, md_request("r1", "1", "AAPL"));
  auto out = xch->jump(500, now);
  // 228.52 + 5% = 239.94: the offers below it were taken, the book rebuilt there.
  fixmap::market_data last;
  for (auto& o : out)
    if (o.msg.msg_type == "X")
      last = desk_reads<fixmap::market_data>("FIX.4.4", o.msg);
  price bid, ask;
  for (auto& e : last.entries) {
    if (e.type == '0' && e.action != '2')
      bid = e.px;
    if (e.type == '1' && e.action != '2')
      ask = e.px;
  }
  CAF_CHECK_EQUAL(bid, p("239.93"));
  CAF_CHECK_EQUAL(ask, p("239.95"));
  xch->set_market_data_silent(true);
  out = send(sb, new_order("b1", sell, 100, "239.94"));
  CAF_CHECK_EQUAL(kinds(out), "8/0");
  xch->set_market_data_silent(false);
  out = send(sb, new_order("b2", sell, 100, "239.94"));
  CAF_CHECK_EQUAL(kinds(out), "8/0,X");
  // A session that went away has no subscription left.
  xch->on_disconnect(sa);
  out = send(sb, new_order("b3", sell, 100, "239.95"));
  CAF_CHECK_EQUAL(kinds(out), "8/0");
}

CAF_TEST_FIXTURE_SCOPE_END()
