#include "runtime/log/log.hpp"

#include <spdlog/async.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <mutex>
#include <thread>
#include <unordered_map>

namespace om::log {

namespace {

constexpr const char* pattern = "%Y-%m-%dT%H:%M:%S.%fZ %l [%n] %v";

spdlog::level::level_enum to_spdlog(log_level lv) {
  switch (lv) {
    case log_level::trace: return spdlog::level::trace;
    case log_level::debug: return spdlog::level::debug;
    case log_level::info: return spdlog::level::info;
    case log_level::warn: return spdlog::level::warn;
    case log_level::error: return spdlog::level::err;
    case log_level::critical: return spdlog::level::critical;
    case log_level::off: return spdlog::level::off;
  }
  return spdlog::level::info;
}

struct registry {
  std::mutex mtx;
  bool started = false;
  log_section cfg;
  spdlog::sink_ptr sink;
  std::shared_ptr<spdlog::details::thread_pool> pool;
  std::unordered_map<std::string, std::shared_ptr<spdlog::logger>> loggers;

  void ensure_started() {
    if (started)
      return;
    pool = std::make_shared<spdlog::details::thread_pool>(cfg.queue_size, 1);
    if (!sink)
      sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    started = true;
  }

  std::shared_ptr<spdlog::logger> make(const std::string& name) {
    auto lg = std::make_shared<spdlog::async_logger>(name, sink, pool,
                                                     spdlog::async_overflow_policy::block);
    lg->set_pattern(pattern, spdlog::pattern_time_type::utc);
    lg->set_level(to_spdlog(cfg.level));
    lg->flush_on(spdlog::level::err);
    return lg;
  }
};

registry& reg() {
  static registry r;
  return r;
}

} // namespace

caf::error init(const log_section& cfg) {
  spdlog::sink_ptr sink;
  if (cfg.file.empty()) {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  } else {
    try {
      sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(cfg.file, false);
    } catch (const spdlog::spdlog_ex& e) {
      return make_error(errc::config_invalid, "log.file: cannot open '" + cfg.file
                                                + "': " + e.what());
    }
  }
  auto& r = reg();
  std::lock_guard<std::mutex> guard{r.mtx};
  // Existing loggers keep their queued lines: flush, then rebuild on the new sink.
  for (auto& [_, lg] : r.loggers)
    lg->flush();
  r.cfg = cfg;
  r.sink = std::move(sink);
  r.started = false;
  r.pool.reset();
  r.ensure_started();
  for (auto& [name, lg] : r.loggers)
    lg = r.make(name);
  return caf::none;
}

std::shared_ptr<spdlog::logger> get(const std::string& context) {
  auto& r = reg();
  std::lock_guard<std::mutex> guard{r.mtx};
  if (auto i = r.loggers.find(context); i != r.loggers.end())
    return i->second;
  r.ensure_started();
  auto lg = r.make(context);
  r.loggers.emplace(context, lg);
  return lg;
}

void set_level(log_level lv) {
  auto& r = reg();
  std::lock_guard<std::mutex> guard{r.mtx};
  r.cfg.level = lv;
  for (auto& [_, lg] : r.loggers)
    lg->set_level(to_spdlog(lv));
}

void flush() {
  auto& r = reg();
  std::lock_guard<std::mutex> guard{r.mtx};
  for (auto& [_, lg] : r.loggers)
    lg->flush(); // async: enqueues a flush behind the queued lines
  if (r.pool)
    while (r.pool->queue_size() > 0)
      std::this_thread::yield();
  if (r.sink)
    r.sink->flush();
}

void shutdown() {
  auto& r = reg();
  std::lock_guard<std::mutex> guard{r.mtx};
  for (auto& [_, lg] : r.loggers)
    lg->flush();
  r.loggers.clear();
  r.pool.reset();
  r.sink.reset();
  r.started = false;
}

} // namespace om::log
