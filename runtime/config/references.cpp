#include "runtime/config/references.hpp"

#include "runtime/error.hpp"
#include "runtime/refdata/refdata.hpp"

#include <string>

namespace om {

namespace {

caf::error refuse(const node_config& cfg, const std::string& key, const std::string& why) {
  return make_error(errc::config_invalid, cfg.source + ": " + key + ": " + why);
}

/// Why `name` is not an instrument id of `refdata`, or "" if it is one.
std::string not_an_id(const std::string& name, const refdata_set& refdata) {
  // Exact: settings are looked up by the id as written (find ignores case).
  if (auto* i = refdata.find(instrument_id{name}); i && i->id.value == name)
    return {};
  auto r = refdata.resolve(name);
  if (r)
    return "'" + name + "' is not an instrument id; it resolves to " + (*r)->id.value
           + ": write the id";
  return "'" + name + "' is not an instrument of reference data " + refdata.version() + " ("
         + detail_of(r.error()) + ")";
}

} // namespace

caf::error check_instrument_names(const node_config& cfg, const refdata_set& refdata) {
  for (auto& [name, _] : cfg.risk.by_instrument)
    if (auto why = not_an_id(name, refdata); !why.empty())
      return refuse(cfg, "risk.instrument.\"" + name + "\"", why);
  for (size_t i = 0; i < cfg.risk.restricted.size(); ++i)
    if (auto why = not_an_id(cfg.risk.restricted[i].value, refdata); !why.empty())
      return refuse(cfg, "risk.restricted[" + std::to_string(i) + "]", why);
  for (size_t i = 0; i < cfg.routes.size(); ++i)
    if (auto& inst = cfg.routes[i].instrument)
      if (auto why = not_an_id(inst->value, refdata); !why.empty())
        return refuse(cfg, "routing.rule[" + std::to_string(i) + "].instrument", why);
  for (auto& [name, _] : cfg.cluster.pins)
    if (auto why = not_an_id(name, refdata); !why.empty())
      return refuse(cfg, "cluster.pin(" + name + ").instrument", why);
  if (cfg.demo.enabled)
    for (size_t i = 0; i < cfg.demo.symbols.size(); ++i)
      if (auto r = refdata.resolve(cfg.demo.symbols[i]); !r)
        return refuse(cfg, "demo.symbols[" + std::to_string(i) + "]",
                      "'" + cfg.demo.symbols[i] + "' does not resolve in reference data "
                        + refdata.version() + " (" + detail_of(r.error()) + ")");
  return caf::none;
}

caf::error check_references(const node_config& cfg, const refdata_set& refdata) {
  return check_instrument_names(cfg, refdata);
}

} // namespace om
