#include "runtime/wire/registry.hpp"

#include <caf/actor_system_config.hpp>

namespace om {

void register_wire_types(caf::actor_system_config& cfg) {
#define OM_REGISTER(type, name) cfg.add_message_type<type>(name);
  OM_WIRE_TYPES(OM_REGISTER)
#undef OM_REGISTER
  add_error_category(cfg);
}

} // namespace om
