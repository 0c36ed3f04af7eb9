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
