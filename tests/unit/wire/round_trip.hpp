#pragma once
// Serializes a type-erased message with CAF's binary serializer, as the
// middleman does between nodes, and reads it back.

#include <caf/all.hpp>

#include <memory>

namespace om::test {

struct wire_fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;

  template <class Register>
  explicit wire_fixture(Register reg) {
    cfg.set("scheduler.max-threads", 1);
    reg(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
  }

  caf::expected<caf::message> round_trip(const caf::message& in) {
    std::vector<char> buf;
    caf::binary_serializer sink{*sys, buf};
    auto copy = in;
    if (auto err = sink(copy))
      return err;
    caf::message out;
    caf::binary_deserializer source{*sys, buf};
    if (auto err = source(out))
      return err;
    return out;
  }
};

} // namespace om::test
