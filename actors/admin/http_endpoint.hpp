#pragma once
// The node's HTTP face (network.metrics_port): /metrics for Prometheus,
// /api/cluster for the dashboard, / for the dashboard page. Each request
// asks the metrics collector once, with a timeout; when it does not answer
// the endpoint says 503 with the reason rather than serving stale figures.

#include "actors/admin/metrics.hpp"

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

#include <memory>
#include <string>

namespace om {

namespace http {
class server;
}

class http_endpoint {
public:
  /// Serves on host:port. Errors: errc::invalid_argument (cannot listen).
  static caf::expected<std::unique_ptr<http_endpoint>>
  start(caf::actor_system& sys, metrics_actor metrics, const std::string& host, uint16_t port);
  ~http_endpoint();

  uint16_t port() const;

private:
  http_endpoint() = default;
  std::unique_ptr<http::server> server_;
};

} // namespace om
