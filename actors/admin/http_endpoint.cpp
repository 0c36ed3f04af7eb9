#include "actors/admin/http_endpoint.hpp"

#include "actors/admin/dashboard.hpp"
#include "actors/admin/exposition.hpp"
#include "runtime/error.hpp"
#include "runtime/http/http_server.hpp"

#include <caf/all.hpp>

namespace om {

namespace {

using namespace std::chrono_literals;

constexpr auto ask_timeout = 5s;

http::response unavailable(const std::string& what, const caf::error& e) {
  return {503, "text/plain; charset=utf-8", what + " unavailable: " + describe(e) + "\n"};
}

http::response scrape(caf::actor_system& sys, const metrics_actor& m) {
  caf::scoped_actor self{sys};
  http::response r;
  self->request(m, ask_timeout, metrics_atom::value)
    .receive(
      [&](node_metrics& nm) {
        r = {200, "text/plain; version=0.0.4; charset=utf-8", render_prometheus(nm)};
      },
      [&](caf::error& e) { r = unavailable("metrics", e); });
  return r;
}

http::response cluster(caf::actor_system& sys, const metrics_actor& m) {
  caf::scoped_actor self{sys};
  http::response r;
  self->request(m, ask_timeout + 5s, cluster_metrics_atom::value)
    .receive(
      [&](cluster_metrics& c) {
        r = {200, "application/json", render_dashboard_json(c)};
      },
      [&](caf::error& e) { r = unavailable("cluster metrics", e); });
  return r;
}

} // namespace

caf::expected<std::unique_ptr<http_endpoint>>
http_endpoint::start(caf::actor_system& sys, metrics_actor metrics, const std::string& host,
                     uint16_t port) {
  std::vector<http::route> routes{
    {"/metrics", [&sys, metrics](const http::request&) { return scrape(sys, metrics); }},
    {"/api/cluster", [&sys, metrics](const http::request&) { return cluster(sys, metrics); }},
    {"/", [](const http::request&) {
       return http::response{200, "text/html; charset=utf-8", dashboard_html()};
     }},
  };
  auto s = http::server::start(host, port, std::move(routes), 4);
  if (!s)
    return s.error();
  std::unique_ptr<http_endpoint> out{new http_endpoint};
  out->server_ = std::move(*s);
  return out;
}

http_endpoint::~http_endpoint() = default;

uint16_t http_endpoint::port() const {
  return server_->port();
}

} // namespace om
