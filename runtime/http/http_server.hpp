#pragma once
// A small HTTP server for the node's read-only endpoints (/metrics, the
// dashboard and its JSON). civetweb (Debian's libcivetweb) does the
// protocol on its own threads; this header includes none of it.
//
// Routes are exact paths. A handler runs on a civetweb worker thread and
// returns the whole response; it must be thread-safe and bounded in time
// (the node's handlers ask actors with a timeout). Methods other than GET
// and HEAD are answered 405; unknown paths 404.

#include <caf/expected.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace om::http {

struct request {
  std::string method;
  std::string path;
  std::string query; // after '?', undecoded; empty if none
};

struct response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

struct route {
  std::string path; // exact, e.g. "/metrics"
  std::function<response(const request&)> handler;
};

class server {
public:
  /// Listens on host:port (port 0 picks a free one) with `threads` workers.
  /// Errors: errc::invalid_argument naming the address and civetweb's reason.
  static caf::expected<std::unique_ptr<server>> start(const std::string& host, uint16_t port,
                                                      std::vector<route> routes,
                                                      unsigned threads = 2);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// The port it listens on.
  uint16_t port() const { return port_; }
  /// Requests answered since start (any status).
  uint64_t served() const;

  struct impl;

private:
  explicit server(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
  uint16_t port_ = 0;
};

} // namespace om::http
