#include "actors/venue/venue_relay.hpp"

#include "actors/directory/directory.hpp"
#include "runtime/log/log.hpp"

#include <caf/all.hpp>

#include <unordered_map>

namespace om {

namespace {

struct relay_state {
  static inline const char* name = "om.venue_relay";
  std::unordered_map<uint64_t, venue_report_sink> orders;          // order id -> actor
  std::unordered_map<caf::actor_addr, uint64_t> ids;               // actor -> order id
  uint64_t unknown = 0;
  std::shared_ptr<spdlog::logger> log = log::get("venue");
};

using relay_ptr = venue_relay_actor::stateful_pointer<relay_state>;

venue_relay_actor::behavior_type relay_impl(relay_ptr self) {
  register_self(self, "venue_relay", "");
  self->set_down_handler([self](caf::down_msg& m) {
    auto& st = self->state;
    auto i = st.ids.find(m.source);
    if (i == st.ids.end())
      return;
    auto o = st.orders.find(i->second);
    if (o != st.orders.end() && o->second.address() == m.source)
      st.orders.erase(o);
    st.ids.erase(i);
  });
  return {
    [self](relay_bind& b) {
      auto& st = self->state;
      self->monitor(b.order);
      st.ids[b.order.address()] = b.id.value;
      st.orders[b.id.value] = std::move(b.order);
    },
    [self](venue_report& r) {
      auto& st = self->state;
      auto i = st.orders.find(r.id.value);
      if (i == st.orders.end()) {
        // The order ended, or is restarting: a rebind replays what it missed.
        if (st.unknown++ % 1000 == 0)
          st.log->debug("order_id={} event=report_for_unbound_order unknown={}", to_string(r.id),
                        st.unknown);
        return;
      }
      caf::anon_send(i->second, std::move(r));
    },
  };
}

} // namespace

caf::actor spawn_venue_relay(caf::actor_system& sys) {
  return caf::actor_cast<caf::actor>(sys.spawn(relay_impl));
}

} // namespace om
