#include "runtime/http/http_server.hpp"

#include "runtime/error.hpp"

#include <civetweb.h>

#include <atomic>
#include <cstring>
#include <mutex>

namespace om::http {

struct server::impl {
  std::vector<route> routes;
  mg_context* ctx = nullptr;
  std::atomic<uint64_t> served{0};
};

namespace {

std::once_flag library_once;

void send(mg_connection* conn, const response& r, bool head) {
  mg_response_header_start(conn, r.status);
  mg_response_header_add(conn, "Content-Type", r.content_type.c_str(), -1);
  mg_response_header_add(conn, "Cache-Control", "no-store", -1);
  auto len = std::to_string(r.body.size());
  mg_response_header_add(conn, "Content-Length", len.c_str(), -1);
  mg_response_header_send(conn);
  if (!head && !r.body.empty())
    mg_write(conn, r.body.data(), r.body.size());
}

int dispatch(mg_connection* conn, void* cbdata) {
  auto* self = static_cast<server::impl*>(mg_get_user_data(mg_get_context(conn)));
  auto* rt = static_cast<route*>(cbdata);
  auto* info = mg_get_request_info(conn);
  ++self->served;
  request req{info->request_method ? info->request_method : "",
              info->local_uri ? info->local_uri : "",
              info->query_string ? info->query_string : ""};
  bool head = req.method == "HEAD";
  if (req.method != "GET" && !head) {
    send(conn, response{405, "text/plain; charset=utf-8", "method not allowed: " + req.method
                                                               + " (GET or HEAD only)\n"},
         false);
    return 405;
  }
  response r;
  try {
    r = rt->handler(req);
  } catch (const std::exception& e) {
    r = response{500, "text/plain; charset=utf-8", std::string{"internal error: "} + e.what()
                                                       + "\n"};
  }
  send(conn, r, head);
  return r.status;
}

int quiet(const mg_connection*, const char*) {
  return 1; // errors reach the caller through mg_start2's error text
}

} // namespace

server::server(std::unique_ptr<impl> p) : impl_(std::move(p)) {
}

server::~server() {
  if (impl_ && impl_->ctx)
    mg_stop(impl_->ctx);
}

uint64_t server::served() const {
  return impl_->served.load();
}

caf::expected<std::unique_ptr<server>> server::start(const std::string& host, uint16_t port,
                                                     std::vector<route> routes,
                                                     unsigned threads) {
  std::call_once(library_once, [] { mg_init_library(0); });
  auto p = std::make_unique<impl>();
  p->routes = std::move(routes);
  auto listen = host + ":" + std::to_string(port);
  auto nthreads = std::to_string(threads == 0 ? 1 : threads);
  const char* options[] = {"listening_ports", listen.c_str(), "num_threads", nthreads.c_str(),
                           "request_timeout_ms", "10000", "enable_keep_alive", "yes",
                           nullptr};
  mg_callbacks cb;
  std::memset(&cb, 0, sizeof(cb));
  cb.log_message = quiet;
  mg_init_data init{&cb, p.get(), options};
  char text[256] = {0};
  unsigned code = 0;
  mg_error_data err{&code, text, sizeof(text)};
  p->ctx = mg_start2(&init, &err);
  if (!p->ctx)
    return make_error(errc::invalid_argument,
                      "cannot serve HTTP on " + listen + ": "
                        + (text[0] ? std::string{text} : std::string{"civetweb refused"}));
  for (auto& r : p->routes)
    mg_set_request_handler(p->ctx, (r.path + "$").c_str(), dispatch, &r);
  mg_server_port ports[4];
  std::memset(ports, 0, sizeof(ports));
  int n = mg_get_server_ports(p->ctx, 4, ports);
  uint16_t actual = n > 0 ? static_cast<uint16_t>(ports[0].port) : port;
  std::unique_ptr<server> s{new server(std::move(p))};
  s->port_ = actual;
  return s;
}

} // namespace om::http
