#include "actors/directory/directory.hpp"

#include "runtime/error.hpp"
#include "runtime/log/log.hpp"

#include <caf/all.hpp>

#include <map>

namespace om {

namespace {

struct directory_state {
  static inline const char* name = "om.directory";
  std::map<std::pair<std::string, std::string>, caf::actor> entries;
  std::shared_ptr<spdlog::logger> log = log::get("directory");
};

using directory_ptr = directory_actor::stateful_pointer<directory_state>;

directory_actor::behavior_type directory_impl(directory_ptr self) {
  self->set_down_handler([self](caf::down_msg& m) {
    auto& es = self->state.entries;
    for (auto i = es.begin(); i != es.end();) {
      if (i->second.address() == m.source) {
        self->state.log->info("kind={} key={} event=down reason={}", i->first.first,
                              i->first.second, log::q(describe(m.reason)));
        i = es.erase(i);
      } else {
        ++i;
      }
    }
  });
  self->attach_functor([sys = &self->system(), addr = self->address()] {
    // Only remove the entry if it is still ours (a successor may be in).
    auto cur = sys->registry().get(directory_name);
    if (cur && cur->address() == addr)
      sys->registry().erase(directory_name);
  });
  return {
    [self](register_atom, const std::string& kind, const std::string& key, caf::actor h) {
      self->monitor(h);
      self->state.log->debug("kind={} key={} event=registered actor_id={}", kind, key, h.id());
      self->state.entries[{kind, key}] = std::move(h);
    },
    [self](resolve_atom, const std::string& kind,
           const std::string& key) -> caf::result<caf::actor> {
      auto i = self->state.entries.find({kind, key});
      if (i == self->state.entries.end())
        return make_error(errc::not_found, "directory: no " + kind + " for '" + key + "'");
      return i->second;
    },
    [self](list_atom, const std::string& kind) {
      std::vector<directory_entry> out;
      for (auto& [k, h] : self->state.entries)
        if (kind.empty() || k.first == kind)
          out.push_back(directory_entry{k.first, k.second, h});
      return out;
    },
  };
}

} // namespace

caf::actor spawn_directory(caf::actor_system& sys) {
  auto h = sys.spawn(directory_impl);
  // In the registry before anyone else starts: later start functions and
  // actors look it up right away (registrations queue in its mailbox).
  sys.registry().erase(directory_name);
  sys.registry().put(directory_name, caf::actor_cast<caf::strong_actor_ptr>(h));
  return caf::actor_cast<caf::actor>(h);
}

directory_actor find_directory(caf::actor_system& sys) {
  return caf::actor_cast<directory_actor>(sys.registry().get(directory_name));
}

void register_self(caf::local_actor* self, const std::string& kind, const std::string& key) {
  if (auto dir = find_directory(self->system()))
    caf::anon_send(dir, register_atom::value, kind, key, caf::actor_cast<caf::actor>(self));
}

} // namespace om
