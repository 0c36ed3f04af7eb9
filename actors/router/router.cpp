#include "actors/router/router.hpp"

#include "actors/directory/directory.hpp"
#include "actors/router/route_table.hpp"
#include "runtime/log/log.hpp"

#include <caf/all.hpp>

#include <random>
#include <unordered_map>
#include <unordered_set>

namespace om {

namespace {

using namespace std::chrono_literals;

struct router_state {
  static inline const char* name = "om.router";
  std::unique_ptr<route_table> table;
  std::mt19937_64 rng;
  std::unordered_map<std::string, venue_actor> venues; // live handles by venue id
  // Venues seen down or unresolvable, and when: skipped while the mark is
  // fresh (then tried again: a failed resolve marks them anew).
  std::unordered_map<std::string, caf::actor_clock::time_point> down_since;
  // Venues that said their connection is down (until they say it is back).
  std::unordered_map<std::string, std::string> disconnected;
  bool polling = false; // a poll of the disconnected venues is scheduled
  std::shared_ptr<spdlog::logger> log = log::get("router");
};

using router_ptr = router_actor::stateful_pointer<router_state>;

constexpr auto down_mark = std::chrono::seconds{1};

void remember(router_ptr self, const std::string& venue, venue_actor h) {
  self->monitor(h);
  self->state.venues[venue] = std::move(h);
  self->state.down_since.erase(venue);
}

void mark_down(router_ptr self, const std::string& venue) {
  self->state.down_since[venue] = self->clock().now();
}

caf::result<route_reply> route(router_ptr self, const route_request& req) {
  auto& st = self->state;
  std::unordered_set<std::string> unavailable;
  auto now = self->clock().now();
  for (auto i = st.down_since.begin(); i != st.down_since.end();) {
    if (now - i->second < down_mark) {
      unavailable.insert(i->first);
      ++i;
    } else {
      i = st.down_since.erase(i);
    }
  }
  for (auto& [v, _] : st.disconnected)
    unavailable.insert(v);
  auto r = st.table->route(req.inst, req.strategy, req.type, req.tif, req.qty, st.rng,
                           &unavailable, &req.pin);
  route_reply out;
  if (r.legs.empty()) {
    out.why = std::move(r.why);
    st.log->warn("order_id={} event=no_route why={}", to_string(req.id), log::q(out.why));
    return out;
  }
  std::vector<std::string> missing;
  for (auto& l : r.legs) {
    auto i = st.venues.find(l.venue.value);
    if (i == st.venues.end())
      missing.push_back(l.venue.value);
    out.legs.push_back(routed_leg{l.venue, i == st.venues.end() ? venue_actor{} : i->second, l.qty});
  }
  if (missing.empty())
    return out;
  // Resolve what we do not know yet (first use, or after a venue restart).
  auto dir = find_directory(self->system());
  if (!dir) {
    out.legs.clear();
    out.why = "no directory to find venue " + missing.front();
    return out;
  }
  auto rp = self->make_response_promise<route_reply>();
  auto pending = std::make_shared<size_t>(missing.size());
  auto result = std::make_shared<route_reply>(std::move(out));
  for (auto& v : missing) {
    self->request(dir, 1s, resolve_atom::value, std::string{svc::venue}, v)
      .then(
        [self, v, rp, pending, result](caf::actor found) mutable {
          auto h = typed_entry<venue_actor>(found);
          remember(self, v, h);
          for (auto& l : result->legs)
            if (l.venue.value == v)
              l.handle = h;
          if (--*pending == 0)
            rp.deliver(std::move(*result));
        },
        [self, v, rp, pending, result](caf::error&) mutable {
          mark_down(self, v);
          result->legs.clear();
          result->why = "venue " + v + " is unavailable";
          if (--*pending == 0)
            rp.deliver(std::move(*result));
        });
  }
  return rp;
}

void on_availability(router_ptr self, const venue_availability_changed& e) {
  auto& st = self->state;
  if (e.up) {
    if (st.disconnected.erase(e.venue.value) > 0)
      st.log->info("venue={} event=venue_up", e.venue.value);
  } else {
    st.disconnected[e.venue.value] = e.why;
    if (!st.polling) {
      st.polling = true;
      self->delayed_send(self, 1s, tick_atom::value);
    }
    st.log->warn("venue={} event=venue_down why={} note=\"not routed to until it is back\"",
                 e.venue.value, log::q(e.why));
  }
}

/// Venues marked down are asked for their session state once a second, so
/// a lost event or a restarted router cannot leave a venue unused: the
/// venue actor owns its state, the router only caches it.
void poll_disconnected(router_ptr self) {
  auto& st = self->state;
  if (!st.disconnected.empty())
    if (auto dir = find_directory(self->system()))
      for (auto& [v, _] : st.disconnected)
        self->request(dir, 1s, resolve_atom::value, std::string{svc::venue}, v)
          .then(
            [self, v = v](caf::actor found) {
              self->request(typed_entry<venue_actor>(found), 1s, stats_atom::value)
                .then(
                  [self, v](const venue_counters& c) {
                    if (c.session_state == "logged_on")
                      on_availability(self, venue_availability_changed{venue_id{v}, true, ""});
                  },
                  [](caf::error&) {});
            },
            [](caf::error&) {});
  st.polling = !st.disconnected.empty();
  if (st.polling)
    self->delayed_send(self, 1s, tick_atom::value);
}

router_actor::behavior_type router_impl(router_ptr self, node_config cfg, uint64_t seed,
                                        std::vector<std::string> awaiting_logon) {
  auto& st = self->state;
  st.table = std::make_unique<route_table>(cfg);
  // A FIX venue is down until its session says it logged on.
  for (auto& v : awaiting_logon)
    st.disconnected[v] = "FIX session not logged on yet";
  st.rng.seed(seed);
  register_self(self, svc::router, "");
  if (!awaiting_logon.empty()) {
    st.polling = true;
    self->delayed_send(self, 1s, tick_atom::value);
  }
  self->set_down_handler([self](caf::down_msg& m) {
    auto& vs = self->state.venues;
    for (auto i = vs.begin(); i != vs.end();) {
      if (i->second.address() == m.source) {
        mark_down(self, i->first);
        i = vs.erase(i);
      } else {
        ++i;
      }
    }
  });
  return {
    [self](const route_request& req) { return route(self, req); },
    [self](const venue_availability_changed& e) { on_availability(self, e); },
    [self](tick_atom) { poll_disconnected(self); },
    [self](venues_atom) {
      std::vector<std::string> out;
      for (auto& [v, _] : self->state.disconnected)
        out.push_back(v);
      return out;
    },
    [self](mailbox_atom) { return static_cast<uint64_t>(self->mailbox().size()); },
  };
}

} // namespace

caf::actor spawn_router(caf::actor_system& sys, node_config cfg, uint64_t seed,
                        std::vector<std::string> awaiting_logon) {
  return caf::actor_cast<caf::actor>(
    sys.spawn(router_impl, std::move(cfg), seed, std::move(awaiting_logon)));
}

} // namespace om
