#define CAF_SUITE log
#include <caf/test/unit_test.hpp>

#include "runtime/log/log.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace om;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in{path};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace

CAF_TEST(loggers per context write key value lines at the configured level) {
  auto path = "/tmp/om_log_test_" + std::to_string(::getpid()) + ".log";
  std::remove(path.c_str());
  log_section cfg;
  cfg.level = log_level::warn;
  cfg.file = path;
  CAF_REQUIRE(!log::init(cfg));
  auto gw = log::get("gateway");
  auto risk = log::get("risk");
  CAF_CHECK(gw == log::get("gateway")); // one logger per context
  gw->info("order_id={} event=accepted", "O1-1"); // below warn: dropped
  gw->warn("order_id={} clordid={} event=rejected reason={}", "O1-2", "c-2",
           log::q("price 10.003 off tick"));
  risk->error("symbol={} event=limit_breach detail={}", "AAPL.XNAS", log::q("a\"b"));
  log::set_level(log_level::info);
  gw->info("order_id={} event=acked", "O1-3");
  log::shutdown();
  auto text = slurp(path);
  CAF_CHECK(text.find("O1-1") == std::string::npos);
  CAF_CHECK(text.find(" warning [gateway] order_id=O1-2 clordid=c-2 event=rejected "
                      "reason=\"price 10.003 off tick\"")
            != std::string::npos);
  CAF_CHECK(text.find(" error [risk] symbol=AAPL.XNAS event=limit_breach detail=\"a\\\"b\"")
            != std::string::npos);
  CAF_CHECK(text.find(" info [gateway] order_id=O1-3 event=acked") != std::string::npos);
  // UTC ISO-8601 timestamp first.
  CAF_CHECK(text.size() > 28 && text[4] == '-' && text[10] == 'T' && text[26] == 'Z');
  std::remove(path.c_str());
}

CAF_TEST(quoting leaves plain values alone) {
  CAF_CHECK_EQUAL(fmt::format("{}", log::q("O1-7")), "O1-7");
  CAF_CHECK_EQUAL(fmt::format("{}", log::q("")), "\"\"");
  CAF_CHECK_EQUAL(fmt::format("{}", log::q("a=b")), "\"a=b\"");
}

CAF_TEST(an unopenable log file is a typed error naming it) {
  log_section cfg;
  cfg.file = "/proc/om-no-such-dir/x.log";
  auto err = log::init(cfg);
  CAF_CHECK_EQUAL(code_of(err), errc::config_invalid);
  CAF_CHECK(detail_of(err).find("/proc/om-no-such-dir/x.log") != std::string::npos);
  log::shutdown();
}
