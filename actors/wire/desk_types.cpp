#include "actors/wire/desk_types.hpp"

#include "runtime/wire/registry.hpp"

#include <caf/actor_system_config.hpp>

namespace om {

void register_desk_types(caf::actor_system_config& cfg) {
  register_wire_types(cfg);
#define OM_REGISTER(type, name) cfg.add_message_type<type>(name);
  OM_DESK_WIRE_TYPES(OM_REGISTER)
#undef OM_REGISTER
}

} // namespace om
