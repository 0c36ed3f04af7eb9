#define CAF_SUITE fix_mapping
#include <caf/test/unit_test.hpp>

#include "actors/venue/fix_mapping.hpp"

#include <algorithm>
#include <initializer_list>
#include <string>

using namespace om;
using namespace om::fixmap;

namespace {

constexpr version both[] = {version::fix44, version::fix42};

// 2023-11-14 22:13:20.123456789 UTC.
constexpr int64_t t0_ns = 1'700'000'000'123'456'789;
const char* t0_text = "20231114-22:13:20.123";

/// The value of `tag`, "" if absent (a copy: messages here are often temporaries).
std::string field(const fix::message& m, int tag) {
  auto v = m.find(tag);
  return v ? *v : std::string{};
}

bool has(const fix::message& m, int tag) { return m.find(tag) != nullptr; }

/// By value: CAF_CHECK_EQUAL must not hold a reference into a temporary.
price px(const char* s) {
  auto x = price::parse(s);
  CAF_REQUIRE(x);
  return *x;
}

/// The tags of `required` that `m` lacks or carries empty, as "11 54 ".
std::string missing(const fix::message& m, std::initializer_list<int> required) {
  std::string out;
  for (auto tag : required)
    if (field(m, tag).empty())
      out += std::to_string(tag) + " ";
  return out;
}

void set(fix::message& m, int tag, std::string value) {
  for (auto& f : m.body)
    if (f.tag == tag) {
      f.value = std::move(value);
      return;
    }
  m.add(tag, std::move(value));
}

void erase(fix::message& m, int tag) {
  m.body.erase(std::remove_if(m.body.begin(), m.body.end(),
                              [tag](const fix::field& f) { return f.tag == tag; }),
               m.body.end());
}

venue_fields venue(version v) {
  venue_fields f;
  f.ver = v;
  return f;
}

order_terms terms(ord_type type = ord_type::limit) {
  order_terms t;
  t.cl_ord_id = "O1-42.0.1";
  t.orig_cl_ord_id = "O1-42.0.0";
  t.symbol = "AAPL";
  t.side = side::sell;
  t.type = type;
  t.tif = time_in_force::day;
  t.qty = quantity::from_units(100);
  t.px = px("228.50");
  t.transact_ns = t0_ns;
  return t;
}

/// An ExecutionReport as a 4.4 venue writes it.
fix::message report(char exec_type, char ord_status) {
  fix::message m;
  m.msg_type = "8";
  m.add(37, "V-1");
  m.add(11, "O1-42.0.0");
  m.add(17, "E-1");
  m.add(150, std::string(1, exec_type));
  m.add(39, std::string(1, ord_status));
  m.add(55, "AAPL");
  m.add(54, "1");
  m.add(38, "100");
  m.add(14, "0");
  m.add(151, "100");
  m.add(6, "0");
  m.add(60, t0_text);
  return m;
}

/// The same, as a 4.2 venue writes it (ExecTransType first).
fix::message report42(char exec_trans_type, char exec_type, char ord_status) {
  auto m = report(exec_type, ord_status);
  m.add(20, std::string(1, exec_trans_type));
  return m;
}

/// A partial fill of 40 at 228.53 (ExecType F in 4.4).
fix::message trade(fix::message m) {
  set(m, 32, "40");
  set(m, 31, "228.53");
  set(m, 14, "40");
  set(m, 151, "60");
  set(m, 6, "228.53");
  return m;
}

std::string kind_name(fix::refusal_kind k) {
  switch (k) {
    case fix::refusal_kind::none: return "none";
    case fix::refusal_kind::missing_tag: return "missing_tag";
    case fix::refusal_kind::bad_value: return "bad_value";
    case fix::refusal_kind::bad_format: return "bad_format";
    case fix::refusal_kind::unsupported_type: return "unsupported_type";
  }
  return "?";
}

/// "accepted", or the refusal as "<kind> <tag>".
std::string refusal_of(version v, const fix::message& m) {
  auto r = read_inbound(v, m);
  auto ref = std::get_if<fix::refusal>(&r);
  if (!ref)
    return "accepted";
  return kind_name(ref->kind) + " " + std::to_string(ref->tag);
}

/// The message read as a T; fails the test if refused or of another kind.
template <class T>
T read_as(version v, const fix::message& m) {
  auto r = read_inbound(v, m);
  if (auto ref = std::get_if<fix::refusal>(&r))
    CAF_FAIL("refused: " << kind_name(ref->kind) << " " << ref->tag << ": " << ref->text);
  auto x = std::get_if<T>(&std::get<inbound>(r));
  CAF_REQUIRE(x != nullptr);
  return *x;
}

exec_report read_er(version v, const fix::message& m) { return read_as<exec_report>(v, m); }

} // namespace

// ------------------------------------------------------------ basics

CAF_TEST(parse version accepts only 4.2 and 4.4) {
  CAF_CHECK(parse_version("FIX.4.2") == version::fix42);
  CAF_CHECK(parse_version("FIX.4.4") == version::fix44);
  CAF_CHECK(!parse_version("FIX.4.3"));
  CAF_CHECK(!parse_version("FIXT.1.1"));
  CAF_CHECK(!parse_version(""));
  CAF_CHECK_EQUAL(std::string{begin_string(version::fix42)}, "FIX.4.2");
  CAF_CHECK_EQUAL(std::string{begin_string(version::fix44)}, "FIX.4.4");
}

CAF_TEST(fix decimal has no trailing zeros) {
  CAF_CHECK_EQUAL(fix_decimal(px("228.50").raw, price::decimals), "228.5");
  CAF_CHECK_EQUAL(fix_decimal(px("228.00").raw, price::decimals), "228");
  CAF_CHECK_EQUAL(fix_decimal(px("0.00000001").raw, price::decimals), "0.00000001");
  CAF_CHECK_EQUAL(fix_decimal(px("-1.50").raw, price::decimals), "-1.5");
  CAF_CHECK_EQUAL(fix_decimal(quantity::from_units(100).raw, quantity::decimals), "100");
  CAF_CHECK_EQUAL(fix_decimal(quantity::from_units(1000).raw, quantity::decimals), "1000");
  CAF_CHECK_EQUAL(fix_decimal(quantity::from_raw(5000).raw, quantity::decimals), "0.5");
  CAF_CHECK_EQUAL(fix_decimal(0, price::decimals), "0");
}

// ------------------------------------------------------------ outbound

CAF_TEST(a new order single carries every field its version requires) {
  for (auto v : both) {
    auto d = new_order_single(venue(v), terms());
    CAF_CHECK_EQUAL(d.msg_type, "D");
    CAF_CHECK_EQUAL(missing(d, {11, 54, 60, 40, 38, 55}), "");
    CAF_CHECK_EQUAL(field(d, 11), "O1-42.0.1");
    CAF_CHECK_EQUAL(field(d, 55), "AAPL");
    CAF_CHECK_EQUAL(field(d, 54), "2");
    CAF_CHECK_EQUAL(field(d, 40), "2");
    CAF_CHECK_EQUAL(field(d, 38), "100");
    CAF_CHECK_EQUAL(field(d, 44), "228.5");
    CAF_CHECK_EQUAL(field(d, 59), "0");
    CAF_CHECK_EQUAL(field(d, 60), t0_text);
  }
}

CAF_TEST(handlinst defaults to 1 in 4.2 only and a configured one is sent in both) {
  auto d42 = new_order_single(venue(version::fix42), terms());
  CAF_CHECK_EQUAL(field(d42, 21), "1");
  auto d44 = new_order_single(venue(version::fix44), terms());
  CAF_CHECK(!has(d44, 21));
  for (auto v : both) {
    auto f = venue(v);
    f.handl_inst = '3';
    CAF_CHECK_EQUAL(field(new_order_single(f, terms()), 21), "3");
    CAF_CHECK_EQUAL(field(replace_request(f, terms()), 21), "3");
  }
}

CAF_TEST(side buy and time in force are mapped to their fix values) {
  auto t = terms();
  t.side = side::buy;
  t.tif = time_in_force::ioc;
  auto d = new_order_single(venue(version::fix44), t);
  CAF_CHECK_EQUAL(field(d, 54), "1");
  CAF_CHECK_EQUAL(field(d, 59), "3");
  t.tif = time_in_force::fok;
  CAF_CHECK_EQUAL(field(new_order_single(venue(version::fix44), t), 59), "4");
  t.tif = time_in_force::gtc;
  CAF_CHECK_EQUAL(field(new_order_single(venue(version::fix44), t), 59), "1");
}

CAF_TEST(price is sent only on limit orders) {
  for (auto v : both) {
    auto d = new_order_single(venue(v), terms(ord_type::market));
    CAF_CHECK_EQUAL(field(d, 40), "1");
    CAF_CHECK(!has(d, 44));
    auto g = replace_request(venue(v), terms(ord_type::market));
    CAF_CHECK_EQUAL(field(g, 40), "1");
    CAF_CHECK(!has(g, 44));
    CAF_CHECK(has(new_order_single(venue(v), terms()), 44));
    CAF_CHECK(has(replace_request(venue(v), terms()), 44));
    // A cancel names no price at all.
    CAF_CHECK(!has(cancel_request(venue(v), terms()), 44));
  }
}

CAF_TEST(account exdestination and extra tags are sent only when configured) {
  for (auto v : both) {
    auto plain = venue(v);
    for (auto& m : {new_order_single(plain, terms()), cancel_request(plain, terms()),
                    replace_request(plain, terms())}) {
      CAF_CHECK(!has(m, 1));
      CAF_CHECK(!has(m, 100));
      CAF_CHECK(!has(m, 9001));
    }
    auto conf = venue(v);
    conf.account = "ACC-7";
    conf.ex_destination = "XNAS";
    conf.extra = {{9001, "desk-a"}, {9002, "x"}};
    for (auto& m : {new_order_single(conf, terms()), cancel_request(conf, terms()),
                    replace_request(conf, terms())}) {
      CAF_CHECK_EQUAL(field(m, 1), "ACC-7");
      CAF_CHECK_EQUAL(field(m, 100), "XNAS");
      CAF_CHECK_EQUAL(field(m, 9001), "desk-a");
      CAF_CHECK_EQUAL(field(m, 9002), "x");
    }
  }
}

CAF_TEST(a cancel request carries every field its version requires) {
  for (auto v : both) {
    auto t = terms();
    auto f = cancel_request(venue(v), t);
    CAF_CHECK_EQUAL(f.msg_type, "F");
    CAF_CHECK_EQUAL(missing(f, {41, 11, 54, 60, 55, 38}), "");
    CAF_CHECK_EQUAL(field(f, 41), "O1-42.0.0");
    CAF_CHECK_EQUAL(field(f, 11), "O1-42.0.1");
    CAF_CHECK_EQUAL(field(f, 38), "100");
    CAF_CHECK_EQUAL(field(f, 60), t0_text);
    CAF_CHECK(!has(f, 37)); // OrderID not known yet
    t.order_id = "V-9";
    CAF_CHECK_EQUAL(field(cancel_request(venue(v), t), 37), "V-9");
  }
}

CAF_TEST(a replace request carries every field its version requires and the new terms) {
  for (auto v : both) {
    auto t = terms();
    t.qty = quantity::from_units(60);
    t.px = px("228.10");
    t.order_id = "V-9";
    auto g = replace_request(venue(v), t);
    CAF_CHECK_EQUAL(g.msg_type, "G");
    CAF_CHECK_EQUAL(missing(g, {41, 11, 54, 60, 40, 55, 38}), "");
    CAF_CHECK_EQUAL(field(g, 41), "O1-42.0.0");
    CAF_CHECK_EQUAL(field(g, 11), "O1-42.0.1");
    CAF_CHECK_EQUAL(field(g, 37), "V-9");
    CAF_CHECK_EQUAL(field(g, 38), "60");
    CAF_CHECK_EQUAL(field(g, 44), "228.1");
    CAF_CHECK_EQUAL(field(g, 60), t0_text);
    if (v == version::fix42)
      CAF_CHECK_EQUAL(field(g, 21), "1");
    else
      CAF_CHECK(!has(g, 21));
  }
}

CAF_TEST(a status request carries clordid side and symbol) {
  for (auto v : both) {
    auto t = terms();
    auto h = status_request(venue(v), t);
    CAF_CHECK_EQUAL(h.msg_type, "H");
    CAF_CHECK_EQUAL(missing(h, {11, 54, 55}), "");
    CAF_CHECK_EQUAL(field(h, 11), "O1-42.0.1");
    CAF_CHECK_EQUAL(field(h, 54), "2");
    CAF_CHECK(!has(h, 37));
    t.order_id = "V-9";
    CAF_CHECK_EQUAL(field(status_request(venue(v), t), 37), "V-9");
  }
}

CAF_TEST(transact time is yyyymmdd hh mm ss with milliseconds) {
  auto t = terms();
  t.transact_ns = 1'709'251'199'999'999'999; // 2024-02-29 23:59:59.999999999
  auto d = new_order_single(venue(version::fix44), t);
  CAF_CHECK_EQUAL(field(d, 60), "20240229-23:59:59.999"); // truncated, not rounded
  CAF_CHECK_EQUAL(field(cancel_request(venue(version::fix42), terms()), 60), t0_text);
  CAF_CHECK_EQUAL(field(replace_request(venue(version::fix42), terms()), 60), t0_text);
}

// ------------------------------------------------------------ ClOrdID

CAF_TEST(a clordid round trips and foreign clordids are refused) {
  auto id = order_id::make(3, 1234567);
  auto s = cl_ord_id(id, 2, 7);
  CAF_CHECK_EQUAL(s, "O3-1234567.2.7");
  order_id back;
  uint32_t leg = 99, n = 99;
  CAF_REQUIRE(parse_cl_ord_id(s, back, leg, n));
  CAF_CHECK(back == id);
  CAF_CHECK_EQUAL(leg, 2u);
  CAF_CHECK_EQUAL(n, 7u);
  CAF_CHECK_NOT_EQUAL(cl_ord_id(id, 2, 8), s); // every request has its own
  std::string accepted;
  for (auto foreign : {"", "ABC-1", "O3-1234567", "O3-1234567.2", "O3-1234567.2.7.1",
                       "X3-1234567.2.7", "O0-5.1.1", "O3-1234567..7", "O3-1234567.2.",
                       "O3-1234567.a.7", "O3-1234567.2.-7", "O3-1234567.99999999999.0"})
    if (parse_cl_ord_id(foreign, back, leg, n))
      accepted += std::string{"'"} + foreign + "' ";
  CAF_CHECK_EQUAL(accepted, "");
}

// ------------------------------------------------------------ inbound ER, 4.4

CAF_TEST(a 4.4 fill is read as a trade with last qty and last px) {
  auto m = trade(report('F', '1'));
  auto r = read_er(version::fix44, m);
  CAF_CHECK(r.kind == exec_kind::trade);
  CAF_CHECK_EQUAL(r.cl_ord_id, "O1-42.0.0");
  CAF_CHECK_EQUAL(r.order_id, "V-1");
  CAF_CHECK_EQUAL(r.exec_id, "E-1");
  CAF_CHECK_EQUAL(r.ord_status, '1');
  CAF_CHECK_EQUAL(r.last_qty, quantity::from_units(40));
  CAF_CHECK_EQUAL(r.last_px, px("228.53"));
  CAF_CHECK_EQUAL(r.cum_qty, quantity::from_units(40));
  CAF_CHECK_EQUAL(r.leaves_qty, quantity::from_units(60));
  CAF_CHECK_EQUAL(r.avg_px, px("228.53"));
  CAF_REQUIRE(r.transact_ns.has_value());
  CAF_CHECK_EQUAL(*r.transact_ns, 1'700'000'000'123'000'000);
  CAF_CHECK(!r.poss_dup);
  m.poss_dup = true;
  CAF_CHECK(read_er(version::fix44, m).poss_dup);
}

CAF_TEST(4.4 exec types new canceled replaced rejected and status are folded) {
  CAF_CHECK(read_er(version::fix44, report('0', '0')).kind == exec_kind::new_order);
  CAF_CHECK(read_er(version::fix44, report('4', '4')).kind == exec_kind::canceled);
  CAF_CHECK(read_er(version::fix44, report('I', '1')).kind == exec_kind::order_status);
  CAF_CHECK(read_er(version::fix44, report('H', '0')).kind == exec_kind::trade_bust);
  auto rep = report('5', '0');
  rep.add(41, "O1-42.0.0");
  set(rep, 11, "O1-42.0.1");
  auto r5 = read_er(version::fix44, rep);
  CAF_CHECK(r5.kind == exec_kind::replaced);
  CAF_CHECK_EQUAL(r5.cl_ord_id, "O1-42.0.1");
  CAF_CHECK_EQUAL(r5.orig_cl_ord_id, "O1-42.0.0");
  auto rej = report('8', '8');
  rej.add(103, "6");
  rej.add(58, "duplicate order");
  auto r8 = read_er(version::fix44, rej);
  CAF_CHECK(r8.kind == exec_kind::rejected);
  CAF_CHECK_EQUAL(r8.ord_rej_reason, 6);
  CAF_CHECK_EQUAL(r8.text, "duplicate order");
  // Without OrdRejReason: -1, not 0 (0 is "broker option").
  CAF_CHECK_EQUAL(read_er(version::fix44, report('8', '8')).ord_rej_reason, -1);
}

// ------------------------------------------------------------ inbound ER, 4.2

CAF_TEST(4.2 exectranstype decides between trades status and busts) {
  auto partial = read_er(version::fix42, trade(report42('0', '1', '1')));
  CAF_CHECK(partial.kind == exec_kind::trade);
  CAF_CHECK_EQUAL(partial.last_qty, quantity::from_units(40));
  CAF_CHECK_EQUAL(partial.last_px, px("228.53"));
  CAF_CHECK(read_er(version::fix42, trade(report42('0', '2', '2'))).kind == exec_kind::trade);
  CAF_CHECK(read_er(version::fix42, report42('0', '0', '0')).kind == exec_kind::new_order);
  // Status: ExecTransType 3 whatever the ExecType says.
  CAF_CHECK(read_er(version::fix42, report42('3', '0', '0')).kind == exec_kind::order_status);
  CAF_CHECK(read_er(version::fix42, report42('3', '1', '1')).kind == exec_kind::order_status);
  // Cancel of an earlier execution: a bust, not a new trade.
  CAF_CHECK(read_er(version::fix42, trade(report42('1', '1', '0'))).kind
            == exec_kind::trade_bust);
  CAF_CHECK_EQUAL(refusal_of(version::fix42, report42('7', '0', '0')), "bad_value 20");
}

// ------------------------------------------------------------ refusals

CAF_TEST(a report without execid is refused as missing tag 17) {
  for (auto v : both) {
    auto m = v == version::fix42 ? report42('0', '0', '0') : report('0', '0');
    erase(m, 17);
    CAF_CHECK_EQUAL(refusal_of(v, m), "missing_tag 17");
    set(m, 17, ""); // present but empty is missing too
    CAF_CHECK_EQUAL(refusal_of(v, m), "missing_tag 17");
  }
}

CAF_TEST(a cumqty that is not a decimal is refused as bad format 14) {
  auto m = report('0', '0');
  set(m, 14, "ten");
  CAF_CHECK_EQUAL(refusal_of(version::fix44, m), "bad_format 14");
  set(m, 14, "1e3");
  CAF_CHECK_EQUAL(refusal_of(version::fix44, m), "bad_format 14");
  set(m, 14, "-5");
  CAF_CHECK_EQUAL(refusal_of(version::fix44, m), "bad_value 14");
}

CAF_TEST(an exectype unknown to the version is refused as bad value 150) {
  CAF_CHECK_EQUAL(refusal_of(version::fix44, report('Z', '0')), "bad_value 150");
  // 1 and 2 are 4.2's trade ExecTypes; F and I are 4.4's.
  CAF_CHECK_EQUAL(refusal_of(version::fix44, trade(report('1', '1'))), "bad_value 150");
  CAF_CHECK_EQUAL(refusal_of(version::fix42, trade(report42('0', 'F', '1'))), "bad_value 150");
  CAF_CHECK_EQUAL(refusal_of(version::fix42, report42('0', 'I', '1')), "bad_value 150");
  auto two = report('0', '0');
  set(two, 150, "00");
  CAF_CHECK_EQUAL(refusal_of(version::fix44, two), "bad_format 150");
}

CAF_TEST(a 4.2 report without exectranstype is refused as missing tag 20) {
  auto m = report('0', '0');
  CAF_CHECK_EQUAL(refusal_of(version::fix42, m), "missing_tag 20");
  CAF_CHECK_EQUAL(refusal_of(version::fix44, m), "accepted"); // 4.4 has no tag 20
}

CAF_TEST(a trade with lastqty zero or without lastpx is refused) {
  auto m = trade(report('F', '1'));
  set(m, 32, "0");
  CAF_CHECK_EQUAL(refusal_of(version::fix44, m), "bad_value 32");
  auto no_px = trade(report('F', '1'));
  erase(no_px, 31);
  CAF_CHECK_EQUAL(refusal_of(version::fix44, no_px), "missing_tag 31");
  auto no_qty = trade(report42('0', '2', '2'));
  erase(no_qty, 32);
  CAF_CHECK_EQUAL(refusal_of(version::fix42, no_qty), "missing_tag 32");
}

CAF_TEST(a bad transacttime is refused as bad format 60) {
  for (auto bad : {"2023-11-14 22:13:20", "20231114-25:13:20", "20231114-22:13:20.", "yesterday"}) {
    auto m = report('0', '0');
    set(m, 60, bad);
    CAF_CHECK_EQUAL(refusal_of(version::fix44, m), "bad_format 60");
  }
}

CAF_TEST(a report without transacttime and with unknown tags is accepted) {
  auto m = trade(report('F', '1'));
  erase(m, 60);
  m.add(9999, "vendor-specific");
  m.add(20001, "x");
  auto r = read_er(version::fix44, m);
  CAF_CHECK(r.kind == exec_kind::trade);
  CAF_CHECK(!r.transact_ns.has_value());
  CAF_CHECK_EQUAL(r.last_qty, quantity::from_units(40));
  // Seconds only is a valid UTCTimestamp.
  set(m, 60, "20231114-22:13:20");
  auto s = read_er(version::fix44, m);
  CAF_REQUIRE(s.transact_ns.has_value());
  CAF_CHECK_EQUAL(*s.transact_ns, 1'700'000'000'000'000'000);
}

CAF_TEST(avgpx is required in 4.2 only) {
  auto m = report42('0', '0', '0');
  erase(m, 6);
  CAF_CHECK_EQUAL(refusal_of(version::fix42, m), "missing_tag 6");
  auto m44 = report('0', '0');
  erase(m44, 6);
  CAF_CHECK_EQUAL(refusal_of(version::fix44, m44), "accepted");
}

// ------------------------------------------------------------ other inbound

CAF_TEST(an order cancel reject says whether it answers a cancel or a replace) {
  fix::message m;
  m.msg_type = "9";
  m.add(37, "V-1");
  m.add(11, "O1-42.0.1");
  m.add(41, "O1-42.0.0");
  m.add(39, "0");
  m.add(102, "1");
  m.add(58, "unknown order");
  m.add(434, "1");
  auto c = read_as<cancel_reject>(version::fix44, m);
  CAF_CHECK(!c.for_replace);
  CAF_CHECK_EQUAL(c.cl_ord_id, "O1-42.0.1");
  CAF_CHECK_EQUAL(c.orig_cl_ord_id, "O1-42.0.0");
  CAF_CHECK_EQUAL(c.order_id, "V-1");
  CAF_CHECK_EQUAL(c.reason, 1);
  CAF_CHECK_EQUAL(c.text, "unknown order");
  set(m, 434, "2");
  CAF_CHECK(read_as<cancel_reject>(version::fix42, m).for_replace);
  set(m, 434, "3");
  CAF_CHECK_EQUAL(refusal_of(version::fix44, m), "bad_value 434");
  erase(m, 434);
  CAF_CHECK_EQUAL(refusal_of(version::fix44, m), "missing_tag 434");
}

CAF_TEST(a business reject of an unsupported cancel names its clordid by businessrejectrefid) {
  fix::message j;
  j.msg_type = "j";
  j.add(45, "17");
  j.add(372, "F");
  j.add(379, "O1-42.0.1");
  j.add(380, "3");
  j.add(58, "cancel not supported");
  auto r = read_as<message_reject>(version::fix44, j);
  CAF_CHECK(!r.session_level);
  CAF_CHECK_EQUAL(r.ref_seq, 17);
  CAF_CHECK_EQUAL(r.ref_msg_type, "F");
  CAF_CHECK_EQUAL(r.reason, 3);
  CAF_CHECK_EQUAL(r.ref_id, "O1-42.0.1");
  CAF_CHECK_EQUAL(r.ref_cl_ord_id, "O1-42.0.1"); // the engine knew nothing: 379
  CAF_CHECK(describe_reject(r).find("unsupported message type") != std::string::npos);
  CAF_CHECK(describe_reject(r).find("cancel not supported") != std::string::npos);
  // What the engine knows by RefSeqNum wins over 379.
  j.ref_cl_ord_id = "O1-42.0.9";
  CAF_CHECK_EQUAL(read_as<message_reject>(version::fix44, j).ref_cl_ord_id, "O1-42.0.9");
  erase(j, 380);
  CAF_CHECK_EQUAL(refusal_of(version::fix44, j), "missing_tag 380");
}

CAF_TEST(a session reject names the tag it refused) {
  fix::message m;
  m.msg_type = "3";
  m.add(45, "5");
  m.add(371, "44");
  m.add(372, "D");
  m.add(373, "5");
  m.add(58, "price outside the band");
  auto r = read_as<message_reject>(version::fix42, m);
  CAF_CHECK(r.session_level);
  CAF_CHECK_EQUAL(r.ref_seq, 5);
  CAF_CHECK_EQUAL(r.ref_tag, 44);
  CAF_CHECK_EQUAL(r.ref_msg_type, "D");
  CAF_CHECK_EQUAL(r.reason, 5);
  auto text = describe_reject(r);
  CAF_CHECK(text.find("value is incorrect for this tag") != std::string::npos);
  CAF_CHECK(text.find("tag 44") != std::string::npos);
  CAF_CHECK(text.find("price outside the band") != std::string::npos);
  erase(m, 45);
  CAF_CHECK_EQUAL(refusal_of(version::fix42, m), "missing_tag 45");
}

CAF_TEST(an unknown message type is refused as unsupported) {
  fix::message m;
  m.msg_type = "AE";
  m.add(571, "T-1");
  CAF_CHECK_EQUAL(refusal_of(version::fix44, m), "unsupported_type 35");
  m.msg_type = "D"; // our own outbound type is not an inbound one
  CAF_CHECK_EQUAL(refusal_of(version::fix42, m), "unsupported_type 35");
}

CAF_TEST(describe reject names the reason in words) {
  message_reject b;
  b.reason = 1;
  b.ref_msg_type = "G";
  auto text = describe_reject(b);
  CAF_CHECK(text.find("business reject") != std::string::npos);
  CAF_CHECK(text.find("unknown ID") != std::string::npos);
  CAF_CHECK(text.find("MsgType G") != std::string::npos);
  b.reason = 2;
  CAF_CHECK(describe_reject(b).find("unknown security") != std::string::npos);
  message_reject s;
  s.session_level = true;
  s.reason = 1;
  s.ref_tag = 38;
  text = describe_reject(s);
  CAF_CHECK(text.find("session reject") != std::string::npos);
  CAF_CHECK(text.find("required tag missing") != std::string::npos);
  CAF_CHECK(text.find("tag 38") != std::string::npos);
  s.reason = 6;
  CAF_CHECK(describe_reject(s).find("incorrect data format") != std::string::npos);
  // A reason outside the table is given by number (99 is "other").
  s.reason = 99;
  s.ref_tag = 0;
  CAF_CHECK_EQUAL(describe_reject(s), "session reject: reason 99 (other)");
}

// ------------------------------------------------------------ market data

CAF_TEST(a market data request carries its groups after the other fields) {
  auto m = market_data_request(venue_fields{}, "md-AAPL.XNAS", "AAPL", true);
  CAF_CHECK_EQUAL(m.msg_type, "V");
  std::string tags;
  for (auto& f : m.body)
    tags += std::to_string(f.tag) + "=" + f.value + " ";
  CAF_CHECK_EQUAL(tags, "262=md-AAPL.XNAS 263=1 264=1 265=1 267=3 269=0 269=1 269=2 146=1 55=AAPL ");
  auto off = market_data_request(venue_fields{}, "md-AAPL.XNAS", "AAPL", false);
  CAF_CHECK_EQUAL(*off.find(263), "2");
}

namespace {

fix::message md(const std::string& type, std::vector<std::pair<int, std::string>> fields) {
  fix::message m;
  m.msg_type = type;
  for (auto& [t, v] : fields)
    m.add(t, v);
  return m;
}

} // namespace

CAF_TEST(snapshots and incremental updates are read entry by entry) {
  auto w = read_as<market_data>(version::fix44,
                                md("W", {{55, "AAPL"}, {262, "r"}, {268, "2"}, {269, "0"},
                                         {270, "228.51"}, {271, "300"}, {269, "1"},
                                         {270, "228.53"}, {271, "200"}}));
  CAF_CHECK(w.snapshot);
  CAF_REQUIRE_EQUAL(w.entries.size(), 2u);
  CAF_CHECK_EQUAL(w.entries[1].symbol, "AAPL");
  const price offer = *price::parse("228.53");
  CAF_CHECK_EQUAL(w.entries[1].px, offer);
  CAF_CHECK_EQUAL(w.entries[0].qty, quantity::from_units(300));
  // X as QuickFIX hands it over: each entry's delimiter first, the rest in
  // tag order; a delete without a size; an entry type the desk ignores.
  auto x = read_as<market_data>(version::fix42,
                                md("X", {{262, "r"}, {268, "3"}, {279, "2"}, {55, "AAPL"},
                                         {269, "0"}, {270, "228.51"}, {279, "0"}, {55, "AAPL"},
                                         {269, "2"}, {270, "228.53"}, {271, "10"}, {279, "0"},
                                         {55, "AAPL"}, {269, "4"}, {270, "228"}}));
  CAF_REQUIRE_EQUAL(x.entries.size(), 3u);
  CAF_CHECK_EQUAL(x.entries[0].action, '2');
  CAF_CHECK_EQUAL(x.entries[1].type, '2');
  CAF_CHECK_EQUAL(x.entries[1].qty, quantity::from_units(10));
  CAF_CHECK_EQUAL(x.entries[2].type, '4');
  auto y = read_as<md_reject>(version::fix44, md("Y", {{262, "r"}, {281, "0"}, {58, "unknown"}}));
  CAF_CHECK_EQUAL(y.reason, 0);
  CAF_CHECK_EQUAL(y.text, "unknown");
}

CAF_TEST(malformed market data is refused naming the tag) {
  CAF_CHECK_EQUAL(refusal_of(version::fix44, md("W", {{55, "AAPL"}, {262, "r"}})),
                  "missing_tag 268");
  CAF_CHECK_EQUAL(refusal_of(version::fix44, md("W", {{55, "AAPL"}, {268, "2"}, {269, "0"},
                                                      {270, "1"}, {271, "1"}})),
                  "bad_value 268");
  CAF_CHECK_EQUAL(refusal_of(version::fix44, md("X", {{268, "1"}, {279, "0"}, {55, "AAPL"},
                                                      {269, "0"}, {271, "5"}})),
                  "missing_tag 270");
  CAF_CHECK_EQUAL(refusal_of(version::fix44, md("X", {{268, "1"}, {279, "7"}, {55, "AAPL"}})),
                  "bad_value 279");
  CAF_CHECK_EQUAL(refusal_of(version::fix44, md("X", {{268, "1"}, {279, "0"}, {269, "0"},
                                                      {270, "1"}})),
                  "missing_tag 55");
  CAF_CHECK_EQUAL(refusal_of(version::fix44, md("W", {{55, "AAPL"}, {268, "1"}, {269, "0"},
                                                      {270, "abc"}})),
                  "bad_value 270");
  CAF_CHECK_EQUAL(refusal_of(version::fix44, md("Y", {{281, "0"}})), "missing_tag 262");
}
