// The FIX venue actor against scripted counterparties: a QuickFIX acceptor
// in this process, over loopback TCP, whose every answer the test writes by
// hand, doing what real venues and broker gateways do (fills before acks,
// changing OrderIDs, cancel confirmations without OrigClOrdID, silence,
// BusinessMessageRejects, session Rejects, reports without TransactTime,
// skewed clocks, logons dropped without a word).
#define CAF_SUITE fix_venue

#include "actors/venue/fix_venue.hpp"
#include "runtime/fix/fix_engine.hpp"

#include <caf/all.hpp>
#include <caf/test/unit_test.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

using namespace om;
using namespace std::chrono_literals;

namespace {

uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

template <class T>
struct inbox {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<T> items;

  void push(T x) {
    std::lock_guard<std::mutex> g(mu);
    items.push_back(std::move(x));
    cv.notify_all();
  }
  std::optional<T> pop(std::chrono::milliseconds within) {
    std::unique_lock<std::mutex> g(mu);
    if (!cv.wait_for(g, within, [&] { return !items.empty(); }))
      return std::nullopt;
    auto x = std::move(items.front());
    items.pop_front();
    return x;
  }
};

const std::string& field(const fix::message& m, int tag) {
  static const std::string none;
  auto v = m.find(tag);
  return v ? *v : none;
}

/// The scripted venue: a QuickFIX acceptor whose answers the test sends.
struct peer {
  fix::session_spec spec;
  std::unique_ptr<fix::engine> engine;
  inbox<fix::message> got;
  std::string key;

  peer(uint16_t port, const std::string& begin, const std::string& client_comp,
       int64_t clock_offset_ms = 0, std::string dictionary = {}) {
    spec.begin_string = begin;
    spec.sender_comp_id = "VENUE";
    spec.target_comp_id = client_comp;
    spec.port = port;
    spec.heartbeat_s = 5;
    spec.clock_offset_ms = clock_offset_ms;
    spec.data_dictionary = std::move(dictionary);
    key = fix::engine::key_of(spec);
    fix::handlers h;
    h.on_app = [this](const std::string&, const fix::message& m) {
      got.push(m);
      return fix::refusal{};
    };
    std::string err;
    engine = fix::engine::make(fix::role::acceptor, {spec}, h, &err);
    CAF_REQUIRE(engine != nullptr);
    CAF_REQUIRE(engine->start(&err));
  }
  ~peer() { engine->stop(); }

  /// The next message of type `type` (others are skipped), or a failure.
  fix::message expect(const std::string& type, std::chrono::milliseconds within = 10s) {
    auto until = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < until) {
      auto m = got.pop(std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now()));
      if (m && m->msg_type == type)
        return *m;
    }
    CAF_FAIL("peer: no " << type << " message within " << within.count() << " ms");
    return {};
  }
  /// True if no message of `type` arrives within `within`.
  bool none(const std::string& type, std::chrono::milliseconds within) {
    auto until = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < until) {
      auto m = got.pop(std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now()));
      if (m && m->msg_type == type)
        return false;
    }
    return true;
  }
  void send(const fix::message& m) {
    std::string err;
    CAF_REQUIRE(engine->send(key, m, &err));
  }

  /// An ExecutionReport as this peer's version writes it.
  fix::message report(const fix::message& order, char exec_type, char ord_status,
                      const std::string& cum, const std::string& leaves,
                      const std::string& exec_id, const std::string& order_id = "V-1",
                      bool transact_time = true) {
    fix::message r;
    r.msg_type = "8";
    r.add(37, order_id);
    r.add(11, field(order, 11));
    r.add(17, exec_id);
    if (spec.begin_string == "FIX.4.2")
      r.add(20, "0");
    r.add(150, std::string(1, exec_type));
    r.add(39, std::string(1, ord_status));
    r.add(55, field(order, 55));
    r.add(54, field(order, 54));
    r.add(38, field(order, 38));
    r.add(151, leaves);
    r.add(14, cum);
    r.add(6, cum == "0" ? "0" : "10");
    if (transact_time)
      r.add(60, fix::utc_timestamp(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count()));
    return r;
  }
  /// An order status answer: ExecType I in 4.4, ExecTransType 3 in 4.2.
  fix::message status(const fix::message& order, char ord_status, const std::string& cum,
                      const std::string& leaves) {
    bool v42 = spec.begin_string == "FIX.4.2";
    auto r = report(order, v42 ? ord_status : 'I', ord_status, cum, leaves, "E-st");
    for (auto& f : r.body)
      if (f.tag == 20)
        f.value = "3";
    return r;
  }
  fix::message fill(const fix::message& order, const std::string& last, const std::string& cum,
                    const std::string& leaves, const std::string& exec_id,
                    const std::string& order_id = "V-1") {
    bool v42 = spec.begin_string == "FIX.4.2";
    char et = v42 ? (leaves == "0" ? '2' : '1') : 'F';
    auto r = report(order, et, leaves == "0" ? '2' : '1', cum, leaves, exec_id, order_id);
    r.add(32, last);
    r.add(31, "10");
    return r;
  }
};

struct fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  uint16_t port = free_port();
  std::unique_ptr<peer> p;
  venue_actor venue;
  venue_report_sink sink;
  std::shared_ptr<inbox<venue_report>> reports = std::make_shared<inbox<venue_report>>();
  venue_section vc;
  uint64_t next_order = 1;

  fixture() {
    vc.id = venue_id{"XFIX"};
    vc.kind = venue_kind::fix;
    vc.host = "127.0.0.1";
    vc.port = port;
    vc.sender_comp_id = "DESK";
    vc.target_comp_id = "VENUE";
    vc.heartbeat_s = 5;
    vc.reconnect_initial = 200ms;
    vc.reconnect_max = 1000ms;
    auto box = reports;
    sink = sys.spawn([box]() -> venue_report_sink::behavior_type {
      return {[box](const venue_report& r) { box->push(r); }};
    });
  }

  ~fixture() {
    if (venue)
      caf::anon_send_exit(venue, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(sink, caf::exit_reason::user_shutdown);
  }

  /// Starts peer and venue actor; waits for the logon.
  void start(const std::string& begin = "FIX.4.4", int64_t peer_clock_ms = 0,
             std::string dictionary = {}) {
    p = std::make_unique<peer>(port, begin, vc.sender_comp_id, peer_clock_ms,
                               std::move(dictionary));
    vc.begin_string = begin;
    fix_venue_options o;
    o.cfg = vc;
    auto rd = load_refdata_file(std::string{OM_SOURCE_DIR} + "/config/refdata.toml");
    CAF_REQUIRE(rd);
    o.refdata = *rd;
    venue = caf::actor_cast<venue_actor>(spawn_fix_venue(sys, o));
    wait_state("logged_on");
  }

  venue_counters stats() {
    caf::scoped_actor self{sys};
    venue_counters out;
    self->request(venue, 5s, stats_atom::value)
      .receive([&](venue_counters& c) { out = std::move(c); },
               [&](caf::error& e) { CAF_FAIL("stats: " << sys.render(e)); });
    return out;
  }

  void wait_state(const std::string& state) {
    for (int i = 0; i < 200; ++i) {
      if (stats().session_state == state)
        return;
      std::this_thread::sleep_for(50ms);
    }
    CAF_FAIL("session never reached " << state << " (is " << stats().session_state << ")");
  }

  order_id order(uint32_t leg_qty = 100, price px = price::from_units(10)) {
    auto id = order_id::make(1, next_order++);
    caf::anon_send(venue, venue_new_order{id, 0, instrument_id{"AAPL.XNAS"}, side::buy,
                                          ord_type::limit, time_in_force::day,
                                          quantity::from_units(leg_qty), px, sink, 0});
    return id;
  }

  venue_report next(std::chrono::milliseconds within = 10s) {
    auto r = reports->pop(within);
    if (!r)
      CAF_FAIL("no venue report within " << within.count() << " ms");
    return *r;
  }
  bool no_report(std::chrono::milliseconds within) { return !reports->pop(within); }

  /// An order acknowledged by the peer with a New.
  std::pair<order_id, fix::message> working_order() {
    if (!p)
      start();
    auto id = order();
    auto d = p->expect("D");
    p->send(p->report(d, '0', '0', "0", "100", "E-new"));
    auto r = next();
    CAF_REQUIRE_EQUAL(r.kind, venue_report_kind::ack);
    return {id, d};
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(fix_venue_tests, fixture)

CAF_TEST(a fill as the first answer is acknowledged then booked) {
  for (auto begin : {"FIX.4.4", "FIX.4.2"}) {
    fixture f;
    f.start(begin);
    f.order();
    auto d = f.p->expect("D");
    f.p->send(f.p->fill(d, "100", "100", "0", "E-1"));
    auto a = f.next();
    CAF_CHECK_EQUAL(a.kind, venue_report_kind::ack);
    auto x = f.next();
    CAF_CHECK_EQUAL(x.kind, venue_report_kind::fill);
    CAF_CHECK_EQUAL(x.last_qty, quantity::from_units(100));
    CAF_CHECK_EQUAL(x.last_px, price::from_units(10));
    CAF_CHECK(x.leaves_qty.is_zero());
    CAF_CHECK_EQUAL(x.exec_id, "E-1");
  }
}

CAF_TEST(an order id equal to the clordid then changing is followed) {
  start();
  order();
  auto d = p->expect("D");
  p->send(p->report(d, '0', '0', "0", "100", "E-new", field(d, 11)));
  CAF_CHECK_EQUAL(next().venue_order_id, field(d, 11));
  p->send(p->fill(d, "40", "40", "60", "E-1", "VENUE-77"));
  auto x = next();
  CAF_CHECK_EQUAL(x.kind, venue_report_kind::fill);
  CAF_CHECK_EQUAL(x.venue_order_id, "VENUE-77");
  // The cancel names the venue's latest OrderID.
  caf::anon_send(venue, venue_cancel_order{x.id, 0});
  auto c = p->expect("F");
  CAF_CHECK_EQUAL(field(c, 37), "VENUE-77");
}

CAF_TEST(a cancel confirmed with the original clordid and no origclordid ends the leg) {
  auto [id, d] = working_order();
  caf::anon_send(venue, venue_cancel_order{id, 0});
  auto c = p->expect("F");
  CAF_CHECK_EQUAL(field(c, 41), field(d, 11));
  CAF_CHECK_NOT_EQUAL(field(c, 11), field(d, 11));
  CAF_CHECK_EQUAL(field(c, 38), "100");
  CAF_CHECK(!field(c, 60).empty());
  // The venue answers on the original ClOrdID, without tag 41.
  p->send(p->report(d, '4', '4', "0", "0", "E-cxl"));
  auto r = next();
  CAF_CHECK_EQUAL(r.kind, venue_report_kind::canceled);
}

CAF_TEST(an unanswered cancel is resolved by a status request) {
  vc.cancel_timeout = 300ms;
  vc.status_timeout = 300ms;
  auto [id, d] = working_order();
  caf::anon_send(venue, venue_cancel_order{id, 0});
  p->expect("F");
  auto h = p->expect("H", 5s); // the timeout asks for the status
  CAF_CHECK_EQUAL(field(h, 11), field(d, 11));
  CAF_CHECK_EQUAL(field(h, 54), "1");
  CAF_CHECK_EQUAL(field(h, 55), "AAPL");
  p->send(p->status(d, '0', "0", "100"));
  auto r = next();
  CAF_CHECK_EQUAL(r.kind, venue_report_kind::cancel_rejected);
  CAF_CHECK(r.reason.find("did not answer") != std::string::npos);
  CAF_CHECK(stats().unknown_legs.empty());
}

CAF_TEST(a cancel and a status both unanswered leave the leg unknown not pending) {
  vc.cancel_timeout = 300ms;
  vc.status_timeout = 300ms;
  auto [id, d] = working_order();
  caf::anon_send(venue, venue_cancel_order{id, 0});
  p->expect("F");
  p->expect("H", 5s);
  auto r = next(5s);
  CAF_CHECK_EQUAL(r.kind, venue_report_kind::cancel_rejected);
  CAF_CHECK(r.reason.find("unknown") != std::string::npos);
  auto s = stats();
  CAF_REQUIRE_EQUAL(s.unknown_legs.size(), 1u);
  CAF_CHECK_EQUAL(s.unknown_legs[0], to_string(id) + "/0");
  // A late report from the venue settles it.
  p->send(p->fill(d, "100", "100", "0", "E-late"));
  CAF_CHECK_EQUAL(next().kind, venue_report_kind::fill);
  CAF_CHECK(stats().unknown_legs.empty());
}

CAF_TEST(a venue without cancel or replace answers with business rejects remembered) {
  auto [id, d] = working_order();
  caf::anon_send(venue, venue_cancel_order{id, 0});
  auto c = p->expect("F");
  fix::message j;
  j.msg_type = "j";
  j.add(45, std::to_string(c.seq_num));
  j.add(372, "F");
  j.add(379, field(c, 11));
  j.add(380, "3");
  j.add(58, "cancel not supported");
  p->send(j);
  auto r = next();
  CAF_CHECK_EQUAL(r.kind, venue_report_kind::cancel_rejected);
  CAF_CHECK(r.reason.find("unsupported message type") != std::string::npos);
  CAF_CHECK_EQUAL(stats().unsupported, std::vector<std::string>{"F"});
  // Remembered: the next cancel is refused here, not sent.
  caf::anon_send(venue, venue_cancel_order{id, 0});
  auto r2 = next();
  CAF_CHECK_EQUAL(r2.kind, venue_report_kind::cancel_rejected);
  CAF_CHECK(r2.reason.find("does not support") != std::string::npos);
  CAF_CHECK(p->none("F", 500ms));
  // Replace: the same, as a replace reject; the leg keeps working.
  caf::anon_send(venue, venue_replace_order{id, 0, quantity::from_units(50), price::from_units(10)});
  auto g = p->expect("G");
  j.body.clear();
  j.add(45, std::to_string(g.seq_num));
  j.add(372, "G");
  j.add(380, "3");
  p->send(j);
  CAF_CHECK_EQUAL(next().kind, venue_report_kind::replace_rejected);
  CAF_CHECK_EQUAL(stats().unsupported, (std::vector<std::string>{"F", "G"}));
  p->send(p->fill(d, "100", "100", "0", "E-after"));
  CAF_CHECK_EQUAL(next().kind, venue_report_kind::fill);
}

CAF_TEST(a session reject of an order names the tag and text) {
  start();
  order();
  auto d = p->expect("D");
  fix::message rej;
  rej.msg_type = "3";
  rej.add(45, std::to_string(d.seq_num));
  rej.add(371, "44");
  rej.add(372, "D");
  rej.add(373, "5");
  rej.add(58, "price outside the band");
  p->send(rej);
  auto r = next();
  CAF_CHECK_EQUAL(r.kind, venue_report_kind::reject);
  CAF_CHECK(r.reason.find("tag 44") != std::string::npos);
  CAF_CHECK(r.reason.find("price outside the band") != std::string::npos);
}

CAF_TEST(reports without transacttime and with unknown tags are read) {
  start();
  order();
  auto d = p->expect("D");
  auto f = p->report(d, 'F', '2', "100", "0", "E-1", "V-1", false);
  f.add(32, "100");
  f.add(31, "10.5");
  f.add(9999, "vendor-specific");
  f.add(20001, "x");
  p->send(f);
  CAF_CHECK_EQUAL(next().kind, venue_report_kind::ack);
  auto x = next();
  CAF_CHECK_EQUAL(x.kind, venue_report_kind::fill);
  CAF_CHECK_EQUAL(x.last_px, price::from_raw(1'050'000'000)); // 10.5
  CAF_CHECK_GREATER(x.venue_ns, 0);
}

CAF_TEST(a malformed report is refused with a session reject and the session lives) {
  auto [id, d] = working_order();
  auto bad = p->fill(d, "10", "10", "90", "E-x");
  bad.body.erase(std::remove_if(bad.body.begin(), bad.body.end(),
                                [](const fix::field& f) { return f.tag == 17; }),
                 bad.body.end());
  p->send(bad);
  // QuickFIX answers a missing field of an application message (4.2 and
  // later) with BusinessMessageReject 5, conditionally required field.
  auto rej = p->expect("j");
  CAF_CHECK_EQUAL(field(rej, 380), "5");
  CAF_CHECK_EQUAL(field(rej, 372), "8");
  // A value we cannot read gets a session Reject naming the tag.
  auto worse = p->fill(d, "10", "ten", "90", "E-y");
  p->send(worse);
  auto rej2 = p->expect("3");
  CAF_CHECK_EQUAL(field(rej2, 371), "14");
  CAF_CHECK(no_report(300ms));
  CAF_CHECK_EQUAL(stats().refused, 2u);
  p->send(p->fill(d, "10", "10", "90", "E-ok"));
  CAF_CHECK_EQUAL(next().kind, venue_report_kind::fill);
  (void) id;
}

CAF_TEST(duplicates by execid possdup or cumqty are never booked) {
  auto [id, d] = working_order();
  p->send(p->fill(d, "50", "50", "50", "E-1"));
  CAF_CHECK_EQUAL(next().last_qty, quantity::from_units(50));
  p->send(p->fill(d, "50", "50", "50", "E-1")); // same ExecID
  auto dup = p->fill(d, "50", "50", "50", "E-1b");
  dup.poss_dup = true; // a resend of a fill already booked
  p->send(dup);
  CAF_CHECK(no_report(500ms));
  CAF_CHECK_EQUAL(stats().duplicates, 2u);
  p->send(p->fill(d, "50", "100", "0", "E-2"));
  auto x = next();
  CAF_CHECK_EQUAL(x.last_qty, quantity::from_units(50));
  CAF_CHECK_EQUAL(x.cum_qty, quantity::from_units(100));
  (void) id;
}

CAF_TEST(a trade report that also ends the order ends the leg) {
  // An IOC filled in part, reported as one trade with OrdStatus canceled
  // and LeavesQty 0: the fill is booked and the rest is canceled.
  auto [id, d] = working_order();
  auto f = p->report(d, 'F', '4', "40", "0", "E-ioc");
  f.add(32, "40");
  f.add(31, "10");
  p->send(f);
  auto x = next();
  CAF_CHECK_EQUAL(x.kind, venue_report_kind::fill);
  CAF_CHECK_EQUAL(x.last_qty, quantity::from_units(40));
  auto c = next();
  CAF_CHECK_EQUAL(c.kind, venue_report_kind::canceled);
  CAF_CHECK(c.reason.find("LeavesQty 0") != std::string::npos);
  (void) id;
}

CAF_TEST(a cumqty gap asks for the status and books the missing fill once) {
  auto [id, d] = working_order();
  // The report for the first 30 never came; the next says CumQty 50.
  p->send(p->fill(d, "20", "50", "50", "E-2"));
  CAF_CHECK_EQUAL(next().last_qty, quantity::from_units(20));
  auto h = p->expect("H", 5s);
  CAF_CHECK_EQUAL(field(h, 11), field(d, 11));
  p->send(p->status(d, '1', "50", "50"));
  auto x = next();
  CAF_CHECK_EQUAL(x.kind, venue_report_kind::fill);
  CAF_CHECK_EQUAL(x.last_qty, quantity::from_units(30));
  CAF_CHECK_EQUAL(x.cum_qty, quantity::from_units(50));
  CAF_CHECK(no_report(300ms));
  (void) id;
}

CAF_TEST(a peer clock 90 seconds ahead trades and the skew is reported) {
  start("FIX.4.4", 90'000);
  auto s = stats();
  CAF_CHECK_GREATER(s.peer_skew_ms, 80'000);
  CAF_CHECK_LESS(s.peer_skew_ms, 100'000);
  order();
  auto d = p->expect("D");
  p->send(p->fill(d, "100", "100", "0", "E-1"));
  CAF_CHECK_EQUAL(next().kind, venue_report_kind::ack);
  CAF_CHECK_EQUAL(next().kind, venue_report_kind::fill);
}

CAF_TEST(a logon dropped without a word is reported and backed off) {
  // The peer knows only client "OTHER": our logon is dropped silently.
  p = std::make_unique<peer>(port, "FIX.4.4", "OTHER");
  vc.begin_string = "FIX.4.4";
  fix_venue_options o;
  o.cfg = vc;
  venue = caf::actor_cast<venue_actor>(spawn_fix_venue(sys, o));
  wait_state("logon_refused");
  auto s = stats();
  CAF_CHECK(s.last_error.find("SenderCompID/TargetCompID") != std::string::npos);
  CAF_CHECK_EQUAL(s.session, "FIX.4.4:DESK->VENUE");
  // New orders are refused while the session is down, with the reason.
  order();
  auto r = next();
  CAF_CHECK_EQUAL(r.kind, venue_report_kind::reject);
  CAF_CHECK(r.reason.find("venue down") != std::string::npos);
}

CAF_TEST(every outbound message is valid against the standard dictionary) {
  for (auto begin : {"FIX.4.4", "FIX.4.2"}) {
    fixture f;
    std::string dict = std::string{OM_SOURCE_DIR} + "/config/fix/"
                       + (std::string{begin} == "FIX.4.2" ? "FIX42.xml" : "FIX44.xml");
    f.vc.cancel_timeout = 300ms;
    f.start(begin, 0, dict);
    // Messages the dictionary refuses never reach the peer's application.
    auto [id, d] = f.working_order();
    caf::anon_send(f.venue, venue_replace_order{id, 0, quantity::from_units(60),
                                                price::from_units(11)});
    auto g = f.p->expect("G");
    CAF_CHECK_EQUAL(field(g, 38), "60");
    CAF_CHECK_EQUAL(field(g, 44), "11");
    caf::anon_send(f.venue, venue_cancel_order{id, 0});
    CAF_CHECK_EQUAL(f.next().kind, venue_report_kind::cancel_rejected); // replace in flight
    auto h = f.p->expect("H", 5s); // the unanswered replace asks for status
    CAF_CHECK_EQUAL(field(h, 11), field(d, 11));
    f.p->send(f.p->status(d, '0', "0", "100"));
    CAF_CHECK_EQUAL(f.next().kind, venue_report_kind::replace_rejected);
    caf::anon_send(f.venue, venue_cancel_order{id, 0});
    auto c = f.p->expect("F");
    CAF_CHECK_EQUAL(field(c, 41), field(d, 11));
    CAF_CHECK_EQUAL(f.stats().refused, 0u);
    CAF_CHECK(f.p->none("3", 200ms));
  }
}

CAF_TEST_FIXTURE_SCOPE_END()
