#include "actors/directory/directory.hpp"

#include "runtime/error.hpp"
#include "runtime/log/log.hpp"

#include <caf/all.hpp>

#include <atomic>
#include <map>

namespace om {

bool svc::per_node(const std::string& kind) {
  return kind != risk && kind != venue;
}

namespace {

std::atomic<uint64_t> epoch{1};

void bump(const std::string& kind) {
  if (!svc::per_node(kind))
    epoch.fetch_add(1, std::memory_order_release);
}

struct slot {
  caf::actor handle;
  std::string node;
};

struct directory_state {
  static inline const char* name = "om.directory";
  std::string node;
  std::map<std::pair<std::string, std::string>, slot> entries;
  std::vector<caf::actor> subscribers;
  std::shared_ptr<spdlog::logger> log = log::get("directory");
};

using directory_ptr = directory_actor::stateful_pointer<directory_state>;

void put(directory_ptr self, const std::string& kind, const std::string& key, caf::actor h,
         const std::string& node) {
  if (!h)
    return;
  self->monitor(h);
  self->state.log->debug("kind={} key={} node={} event=registered actor_id={}", kind, key, node,
                         h.id());
  self->state.entries[{kind, key}] = slot{std::move(h), node};
  bump(kind);
}

directory_actor::behavior_type directory_impl(directory_ptr self, std::string node) {
  self->state.node = std::move(node);
  self->set_down_handler([self](caf::down_msg& m) {
    auto& es = self->state.entries;
    for (auto i = es.begin(); i != es.end();) {
      if (i->second.handle.address() == m.source) {
        self->state.log->info("kind={} key={} node={} event=down reason={}", i->first.first,
                              i->first.second, i->second.node, log::q(describe(m.reason)));
        bump(i->first.first);
        i = es.erase(i);
      } else {
        ++i;
      }
    }
    auto& subs = self->state.subscribers;
    subs.erase(std::remove_if(subs.begin(), subs.end(),
                              [&](const caf::actor& s) { return s.address() == m.source; }),
               subs.end());
  });
  self->attach_functor([sys = &self->system(), addr = self->address()] {
    // Only remove the entry if it is still ours (a successor may be in).
    auto cur = sys->registry().get(directory_name);
    if (cur && cur->address() == addr)
      sys->registry().erase(directory_name);
  });
  return {
    [self](register_atom, const std::string& kind, const std::string& key, caf::actor h) {
      put(self, kind, key, h, self->state.node);
      for (auto& s : self->state.subscribers)
        caf::anon_send(s, directory_entry{kind, key, h, self->state.node});
    },
    [self](resolve_atom, const std::string& kind,
           const std::string& key) -> caf::result<caf::actor> {
      auto i = self->state.entries.find({kind, key});
      if (i == self->state.entries.end())
        return make_error(errc::not_found, "directory: no " + kind + " for '" + key + "'");
      return i->second.handle;
    },
    [self](list_atom, const std::string& kind) {
      std::vector<directory_entry> out;
      for (auto& [k, e] : self->state.entries)
        if (kind.empty() || k.first == kind)
          out.push_back(directory_entry{k.first, k.second, e.handle, e.node});
      return out;
    },
    [self](subscribe_atom, caf::actor s) {
      self->monitor(s);
      self->state.subscribers.push_back(s);
    },
    [self](import_atom, directory_entry& e) { put(self, e.kind, e.key, e.handle, e.node); },
    [self](forget_atom, const std::string& node) {
      auto& es = self->state.entries;
      size_t n = 0;
      for (auto i = es.begin(); i != es.end();) {
        if (i->second.node == node && node != self->state.node) {
          bump(i->first.first);
          i = es.erase(i);
          ++n;
        } else {
          ++i;
        }
      }
      if (n > 0)
        self->state.log->info("node={} event=forgotten entries={}", node, n);
    },
  };
}

} // namespace

uint64_t directory_epoch() {
  return epoch.load(std::memory_order_acquire);
}

caf::actor spawn_directory(caf::actor_system& sys, std::string node) {
  auto h = sys.spawn(directory_impl, std::move(node));
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
