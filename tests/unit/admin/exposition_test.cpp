#define CAF_SUITE observe
#include <caf/test/unit_test.hpp>

#include "actors/admin/dashboard.hpp"
#include "actors/admin/exposition.hpp"
#include "actors/admin/http_endpoint.hpp"
#include "actors/wire/desk_types.hpp"
#include "runtime/error.hpp"
#include "runtime/http/http_server.hpp"

#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <regex>
#include <set>
#include <sstream>

using namespace om;

namespace {

histogram_view hist(std::vector<uint64_t> cumulative, uint64_t count, int64_t sum) {
  histogram_view h;
  h.bounds = {1000, 10000, 100000};
  h.cumulative = std::move(cumulative);
  h.count = count;
  h.sum = sum;
  return h;
}

node_metrics sample() {
  node_metrics m;
  m.node = "n1";
  m.taken_ns = 2'000'000'000'000;
  m.started_ns = 1'000'000'000'000;
  m.clock_offset_alert_ns = 10'000'000;
  m.has_gateway = true;
  m.gateway.received = 100;
  m.gateway.started = 90;
  m.gateway.duplicates = 2;
  m.gateway.rejected = 9;
  m.gateway.rejects = {{reject_stage::syntax, reject_code::missing_strategy, 5},
                       {reject_stage::venue, reject_code::venue_rejected, 4}};
  m.gateway.finished = {{"filled", 70}, {"canceled", 16}, {"rejected", 4}};
  m.gateway.risk_check = hist({10, 20, 30}, 31, 123456);
  m.gateway.breakers = {{"store", true, 3, 10, 2}};
  m.has_post_trade = true;
  m.post_trade.fills = 140;
  m.post_trade.notional = money::from_units(1234567);
  stage_latency s;
  s.from = "received";
  s.to = "done";
  s.samples = 90;
  s.histogram = hist({50, 80, 89}, 90, 4'500'000);
  m.post_trade.stages = {s};
  venue_perf p;
  p.venue = venue_id{"XSIM"};
  p.legs = 80;
  p.filled_legs = 60;
  p.ack_samples = 80;
  p.ack_latency_sum_ns = 16'000'000;
  m.post_trade.venues = {p};
  venue_counters v;
  v.venue = venue_id{"FIXA"};
  v.orders = 12;
  v.session_state = "logon_refused";
  v.unknown_legs = {"O1-1/0", "O1-2/0"};
  m.venues = {v};
  m.has_store = true;
  m.store.batches = 7;
  m.store.failed_batches = 1;
  m.store.batch_size = hist({3, 5, 7}, 7, 40);
  m.mailboxes = {{"risk", "", 12, 9, 8}, {"venue", "FIXA", 3, 3, 1}};
  m.has_topology = true;
  supervisor_view root;
  root.name = "node/n1";
  actor_view child;
  child.name = "gate\"way";
  child.restarts = 2;
  root.children = {child};
  supervisor_view pool;
  pool.name = "orders";
  pool.pool = true;
  pool.by_state = {{"new", 3}, {"partially_filled", 1}};
  pool.unacked = 2;
  pool.oldest_unacked_ns = 7'500'000'000; // waited, not a time
  m.topology.supervisors = {root, pool};
  member_view self_view;
  self_view.id = "n1";
  self_view.self = true;
  self_view.state = "up";
  member_view peer;
  peer.id = "n2";
  peer.state = "down";
  peer.clock_offset_ns = -25'000'000;
  peer.downs = 1;
  m.members = {self_view, peer};
  m.errors = {"store: timeout"};
  return m;
}

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in{text};
  for (std::string l; std::getline(in, l);)
    if (l == line)
      return true;
  return false;
}

/// GET (or `method`) path from 127.0.0.1:port; the whole response.
std::string http_get(uint16_t port, const std::string& path, const std::string& method = "GET") {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    ::close(fd);
    return "connect failed";
  }
  auto req = method + " " + path + " HTTP/1.0\r\nHost: x\r\n\r\n";
  ::send(fd, req.data(), req.size(), 0);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

} // namespace

CAF_TEST(counters carry the node label and follow the naming conventions) {
  auto text = render_prometheus(sample());
  CAF_CHECK(has_line(text, "ordermesh_orders_received_total{node=\"n1\"} 100"));
  CAF_CHECK(has_line(text, "ordermesh_orders_accepted_total{node=\"n1\"} 90"));
  CAF_CHECK(has_line(text, "ordermesh_orders_rejected_total{node=\"n1\",stage=\"syntax\","
                           "reason=\"missing_strategy\"} 5"));
  CAF_CHECK(has_line(text, "ordermesh_orders_rejected_total{node=\"n1\",stage=\"venue\","
                           "reason=\"venue_rejected\"} 4"));
  CAF_CHECK(has_line(text, "ordermesh_orders_finished_total{node=\"n1\",status=\"filled\"} 70"));
  CAF_CHECK(has_line(text, "ordermesh_filled_notional_total{node=\"n1\"} 1234567"));
  CAF_CHECK(has_line(text, "# TYPE ordermesh_fills_total counter"));
  // Every sample name starts with ordermesh_, every counter ends in _total.
  std::istringstream in{text};
  std::string type_of;
  for (std::string l; std::getline(in, l);) {
    if (l.rfind("# TYPE ", 0) == 0) {
      std::istringstream t{l.substr(7)};
      std::string name, type;
      t >> name >> type;
      CAF_CHECK(name.rfind("ordermesh_", 0) == 0);
      if (type == "counter" && name.size() > 6)
        CAF_CHECK_EQUAL(name.substr(name.size() - 6), "_total");
    } else if (!l.empty() && l[0] != '#') {
      CAF_CHECK(l.rfind("ordermesh_", 0) == 0);
      CAF_CHECK(l.find("node=\"n1\"") != std::string::npos);
    }
  }
}

CAF_TEST(labels are of bounded cardinality and escaped) {
  auto text = render_prometheus(sample());
  std::set<std::string> allowed{"node", "stage", "reason", "status", "scope", "from", "to", "le",
                                "venue", "state", "actor", "supervisor", "child", "peer", "window", "paging",
                                "instrument"};
  std::regex label{R"(([a-z_]+)=")"};
  std::istringstream in{text};
  for (std::string l; std::getline(in, l);) {
    if (l.empty() || l[0] == '#')
      continue;
    auto brace = l.find('{');
    auto labels = l.substr(brace, l.rfind('}') - brace);
    for (std::sregex_iterator it{labels.begin(), labels.end(), label}, end; it != end; ++it)
      if (!allowed.count((*it)[1].str()))
        CAF_FAIL("unexpected label " << (*it)[1].str() << " in " << l);
  }
  CAF_CHECK(has_line(text, "ordermesh_supervisor_restarts_total{node=\"n1\","
                           "supervisor=\"node/n1\",child=\"gate\\\"way\"} 2"));
}

CAF_TEST(histograms are cumulative in seconds and end with +Inf) {
  auto text = render_prometheus(sample());
  auto p = "ordermesh_stage_latency_seconds";
  auto lbl = std::string{"{node=\"n1\",from=\"received\",to=\"done\""};
  CAF_CHECK(has_line(text, p + std::string{"_count"} + lbl + "} 90"));
  CAF_CHECK(has_line(text, p + std::string{"_sum"} + lbl + "} 0.0045"));
  CAF_CHECK(has_line(text, p + std::string{"_bucket"} + lbl + ",le=\"1e-06\"} 50"));
  CAF_CHECK(has_line(text, p + std::string{"_bucket"} + lbl + ",le=\"0.0001\"} 89"));
  CAF_CHECK(has_line(text, p + std::string{"_bucket"} + lbl + ",le=\"+Inf\"} 90"));
  // Batch sizes are plain counts, not seconds.
  CAF_CHECK(has_line(text, "ordermesh_store_batch_records_bucket{node=\"n1\",le=\"1000\"} 3"));
  CAF_CHECK(has_line(text, "ordermesh_store_batch_records_bucket{node=\"n1\",le=\"+Inf\"} 7"));
}

CAF_TEST(order state and venues and mailboxes and the cluster are exported) {
  auto text = render_prometheus(sample());
  CAF_CHECK(has_line(text, "ordermesh_orders_unacked{node=\"n1\"} 2"));
  CAF_CHECK(has_line(text, "ordermesh_orders_unacked_oldest_seconds{node=\"n1\"} 7.5"));
  CAF_CHECK(has_line(text, "ordermesh_orders_by_state{node=\"n1\",state=\"new\"} 3"));
  CAF_CHECK(has_line(text, "ordermesh_venue_unknown_legs{node=\"n1\",venue=\"FIXA\"} 2"));
  CAF_CHECK(has_line(text, "ordermesh_venue_session_up{node=\"n1\",venue=\"FIXA\"} 0"));
  CAF_CHECK(has_line(text, "ordermesh_venue_session_state{node=\"n1\",venue=\"FIXA\","
                           "state=\"logon_refused\"} 1"));
  CAF_CHECK(has_line(text, "ordermesh_venue_ack_latency_seconds_count{node=\"n1\",venue=\"XSIM\"} 80"));
  CAF_CHECK(has_line(text, "ordermesh_mailbox_depth{node=\"n1\",actor=\"risk\"} 12"));
  CAF_CHECK(has_line(text, "ordermesh_mailbox_depth_max{node=\"n1\",actor=\"risk\"} 9"));
  CAF_CHECK(has_line(text, "ordermesh_mailbox_depth{node=\"n1\",actor=\"venue\",venue=\"FIXA\"} 3"));
  CAF_CHECK(has_line(text, "ordermesh_circuit_breaker_open{node=\"n1\",scope=\"store\"} 1"));
  CAF_CHECK(has_line(text, "ordermesh_cluster_peer_up{node=\"n1\",peer=\"n2\"} 0"));
  CAF_CHECK(has_line(text, "ordermesh_cluster_clock_offset_seconds{node=\"n1\",peer=\"n2\"} -0.025"));
  CAF_CHECK(has_line(text, "ordermesh_cluster_clock_offset_alert_seconds{node=\"n1\"} 0.01"));
  CAF_CHECK(has_line(text, "ordermesh_scrape_errors{node=\"n1\"} 1"));
  CAF_CHECK(has_line(text, "ordermesh_store_failed_batches_total{node=\"n1\"} 1"));
  // The node itself is not its own peer.
  CAF_CHECK(text.find("peer=\"n1\"") == std::string::npos);
}

CAF_TEST(a node without a gateway exports no intake metrics) {
  auto m = sample();
  m.has_gateway = false;
  auto text = render_prometheus(m);
  CAF_CHECK(text.find("ordermesh_orders_received_total") == std::string::npos);
  CAF_CHECK(text.find("ordermesh_stage_latency_seconds") != std::string::npos);
}

CAF_TEST(the dashboard JSON carries the widgets figures) {
  cluster_metrics c;
  c.asked = "n1";
  c.nodes = {sample()};
  c.members = c.nodes[0].members;
  c.errors = {"n3: timeout"};
  auto j = nlohmann::json::parse(render_dashboard_json(c));
  CAF_CHECK_EQUAL(j["asked"], "n1");
  auto& n = j["nodes"][0];
  CAF_CHECK_EQUAL(n["orders"]["received"], 100);
  CAF_CHECK_EQUAL(n["orders"]["unacked"], 2);
  CAF_CHECK_EQUAL(n["orders"]["oldest_unacked_s"], 7.5);
  CAF_CHECK_EQUAL(n["orders"]["rejects"][1]["reason"], "venue_rejected");
  CAF_CHECK_EQUAL(n["stages"][0]["count"], 90);
  // Venues: hosted here (FIXA) and traded from here (XSIM), fill rate.
  CAF_REQUIRE_EQUAL(n["venues"].size(), 2u);
  CAF_CHECK_EQUAL(n["venues"][0]["venue"], "FIXA");
  CAF_CHECK_EQUAL(n["venues"][0]["unknown_legs"], 2);
  CAF_CHECK_EQUAL(n["venues"][1]["venue"], "XSIM");
  CAF_CHECK_EQUAL(n["venues"][1]["fill_rate"], 0.75);
  CAF_CHECK_EQUAL(n["venues"][1]["ack_ms_avg"], 0.2);
  CAF_CHECK_EQUAL(j["members"][1]["clock_offset_ms"], -25.0);
  CAF_CHECK_EQUAL(j["errors"][0], "n3: timeout");
  CAF_CHECK_EQUAL(n["supervisors"][0]["children"][0]["restarts"], 2);
}

CAF_TEST(the dashboard page is compiled in) {
  auto& page = dashboard_html();
  CAF_CHECK(page.find("<!doctype html>") == 0);
  for (auto id : {"order-rate", "reject-table", "heatmap", "venue-matrix", "error-ticker",
                  "topology", "/api/cluster"})
    CAF_CHECK(page.find(id) != std::string::npos);
}

CAF_TEST(the http server routes exact paths and refuses other methods) {
  auto port = free_port();
  std::vector<http::route> routes{
    {"/a", [](const http::request& r) { return http::response{200, "text/plain", "A:" + r.query}; }},
    {"/boom", [](const http::request&) -> http::response { throw std::runtime_error("x"); }}};
  auto s = http::server::start("127.0.0.1", port, routes, 1);
  CAF_REQUIRE(s);
  CAF_CHECK_EQUAL((*s)->port(), port);
  auto ok = http_get(port, "/a?x=1");
  CAF_CHECK(ok.find("200 OK") != std::string::npos);
  CAF_CHECK(ok.find("\r\n\r\nA:x=1") != std::string::npos);
  CAF_CHECK(http_get(port, "/a/b").find(" 404 ") != std::string::npos);
  CAF_CHECK(http_get(port, "/nope").find(" 404 ") != std::string::npos);
  auto post = http_get(port, "/a", "POST");
  CAF_CHECK(post.find(" 405 ") != std::string::npos);
  CAF_CHECK(post.find("GET or HEAD only") != std::string::npos);
  auto head = http_get(port, "/a", "HEAD");
  CAF_CHECK(head.find("200 OK") != std::string::npos);
  CAF_CHECK(head.find("A:") == std::string::npos);
  auto boom = http_get(port, "/boom");
  CAF_CHECK(boom.find(" 500 ") != std::string::npos);
  CAF_CHECK(boom.find("internal error: x") != std::string::npos);
  // A second server on the same port is refused with the address.
  auto again = http::server::start("127.0.0.1", port, routes, 1);
  CAF_REQUIRE(!again);
  CAF_CHECK(describe(again.error()).find("127.0.0.1:" + std::to_string(port))
            != std::string::npos);
}

namespace {

struct endpoint_fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  endpoint_fixture() {
    register_desk_types(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(endpoint_tests, endpoint_fixture)

CAF_TEST(the endpoint serves the collector answer and 503 when it fails) {
  auto fail = std::make_shared<std::atomic<bool>>(false);
  auto collector = sys->spawn([fail]() -> metrics_actor::behavior_type {
    return {
      [fail](metrics_atom) -> caf::result<node_metrics> {
        if (*fail)
          return make_error(errc::not_found, "the node is starting");
        return sample();
      },
      [](cluster_metrics_atom) -> caf::result<cluster_metrics> {
        cluster_metrics c;
        c.asked = "n1";
        c.nodes = {sample()};
        return c;
      },
      [](tick_atom) {},
    };
  });
  auto port = free_port();
  auto ep = http_endpoint::start(*sys, collector, "127.0.0.1", port);
  CAF_REQUIRE(ep);
  auto metrics = http_get(port, "/metrics");
  CAF_CHECK(metrics.find("200 OK") != std::string::npos);
  CAF_CHECK(metrics.find("text/plain; version=0.0.4") != std::string::npos);
  CAF_CHECK(metrics.find("ordermesh_orders_received_total{node=\"n1\"} 100") != std::string::npos);
  auto api = http_get(port, "/api/cluster");
  CAF_CHECK(api.find("application/json") != std::string::npos);
  CAF_CHECK(api.find("\"asked\":\"n1\"") != std::string::npos);
  CAF_CHECK(http_get(port, "/").find("<!doctype html>") != std::string::npos);
  *fail = true;
  auto down = http_get(port, "/metrics");
  CAF_CHECK(down.find(" 503 ") != std::string::npos);
  CAF_CHECK(down.find("metrics unavailable") != std::string::npos);
  CAF_CHECK(down.find("the node is starting") != std::string::npos);
  ep->reset();
  caf::anon_send_exit(collector, caf::exit_reason::user_shutdown);
}

CAF_TEST_FIXTURE_SCOPE_END()
