#include "tools/bench/metrics_cost.hpp"

#include "actors/admin/http_endpoint.hpp"
#include "runtime/clock.hpp"

#include <caf/all.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <thread>

namespace om::bench {

namespace {

using namespace std::chrono_literals;

/// GET /metrics; the body size, or 0 on any failure.
size_t scrape_once(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  size_t got = 0;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    static const char req[] = "GET /metrics HTTP/1.0\r\nHost: bench\r\n\r\n";
    ::send(fd, req, sizeof req - 1, 0);
    std::string out;
    char buf[16384];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
      out.append(buf, static_cast<size_t>(n));
    if (out.rfind("HTTP/1.1 200", 0) == 0 || out.rfind("HTTP/1.0 200", 0) == 0)
      got = out.size();
  }
  ::close(fd);
  return got;
}

uint16_t pick_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

struct scraper {
  scraper(uint16_t p, unsigned ms) : port(p), every_ms(ms) {}
  uint16_t port;
  unsigned every_ms;
  std::atomic<bool> stop{false};
  uint64_t scrapes = 0, failures = 0, bytes = 0;
  int64_t busy_ns = 0;
  std::thread t;
  void start() {
    t = std::thread([this] {
      while (!stop.load()) {
        auto t0 = wall_ns();
        auto n = scrape_once(port);
        busy_ns += wall_ns() - t0;
        ++scrapes;
        failures += n == 0 ? 1 : 0;
        bytes = std::max<uint64_t>(bytes, n);
        std::this_thread::sleep_for(std::chrono::milliseconds(every_ms));
      }
    });
  }
  void finish() {
    stop = true;
    t.join();
  }
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

} // namespace

nlohmann::json measure_metrics_cost(caf::actor_system& sys, caf::scoped_actor& self,
                                    metrics_cost_options opts) {
  nlohmann::json out;
  auto port = pick_port();
  auto ep = http_endpoint::start(sys, opts.collector, "127.0.0.1", port);
  if (!ep) {
    out["error"] = "cannot serve /metrics on 127.0.0.1:" + std::to_string(port);
    return out;
  }
  std::vector<double> off, on;
  uint64_t base = opts.clordid_base;
  uint64_t scrapes = 0, failures = 0, bytes = 0;
  int64_t busy_ns = 0;
  for (unsigned pair = 0; pair < opts.pairs; ++pair) {
    for (int k = 0; k < 2; ++k) {
      bool scraped = (pair % 2 == 0) == (k == 1); // off-on, then on-off, ...
      auto d = opts.driver;
      d.report_to = caf::actor_cast<caf::actor>(self);
      d.clordid_base = base;
      d.record_latency = false;
      base += d.orders;
      scraper s(ep->get()->port(), opts.scrape_ms);
      if (scraped)
        s.start();
      auto drv = spawn_driver(sys, std::move(d));
      self->send(drv, go_atom::value);
      driver_result res;
      bool got = false;
      self->receive([&](driver_result& r) { res = std::move(r); got = true; },
                    caf::after(std::chrono::seconds(600)) >> [] {});
      if (scraped) {
        s.finish();
        scrapes += s.scrapes;
        failures += s.failures;
        bytes = std::max(bytes, s.bytes);
        busy_ns += s.busy_ns;
      }
      if (!got) {
        out["error"] = "a driver run did not report in 600 s";
        return out;
      }
      auto ops = static_cast<double>(opts.driver.orders)
                 / (static_cast<double>(res.end_ns - res.start_ns) / 1e9);
      (scraped ? on : off).push_back(ops);
      out["runs"].push_back({{"scraped", scraped}, {"orders_per_s", ops},
                             {"complete", res.complete}});
      if (opts.wait_idle)
        opts.wait_idle();
    }
  }
  auto m_off = median(off), m_on = median(on);
  out["pairs"] = opts.pairs;
  out["orders_per_run"] = opts.driver.orders;
  out["scrape_every_ms"] = opts.scrape_ms;
  out["scrapes"] = scrapes;
  out["scrape_failures"] = failures;
  out["scrape_bytes"] = bytes;
  out["scrape_mean_ms"] = scrapes ? static_cast<double>(busy_ns) / 1e6 / scrapes : 0.0;
  out["unscraped_median"] = m_off;
  out["scraped_median"] = m_on;
  out["ratio"] = m_off > 0 ? m_on / m_off : 0.0;
  return out;
}

} // namespace om::bench
