#pragma once
// Helpers for configuration tests: a TOML text in a temporary file, and the
// check that the loader refuses it naming the file, the key and the reason.

#include "runtime/config/config.hpp"

#include <caf/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

namespace om::test {

/// The smallest complete [risk.default] (every key is required there).
inline const std::string default_limits = R"(
[risk.default]
max_order_qty = "100"
max_order_notional = "1000"
max_gross_position = "1000"
max_net_position = "500"
daily_loss_limit = "100"
max_orders_per_second = 10
price_collar_bps = "50"
)";

/// A minimal valid node file: a node id and the default limits.
inline const std::string minimal_node = "\n[node]\nid = \"t1\"" + default_limits;

struct tmp_file {
  std::string path;
  explicit tmp_file(const std::string& text) {
    static int n = 0;
    path = "/tmp/om_config_test_" + std::to_string(::getpid()) + "_" + std::to_string(++n)
           + ".toml";
    std::ofstream{path} << text;
  }
  ~tmp_file() { std::remove(path.c_str()); }
};

inline void expect_refused(const std::string& text, const std::string& key_and_reason) {
  tmp_file f{text};
  auto r = load_node_config(f.path);
  if (r) {
    CAF_ERROR("accepted bad config; expected '" << key_and_reason << "'");
    return;
  }
  CAF_CHECK_EQUAL(code_of(r.error()), errc::config_invalid);
  auto d = detail_of(r.error());
  if (d.find(f.path + ": ") != 0 || d.find(key_and_reason) == std::string::npos)
    CAF_ERROR("error '" << d << "' does not name file and '" << key_and_reason << "'");
}

} // namespace om::test
