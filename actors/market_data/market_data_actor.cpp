#include "actors/market_data/market_data_actor.hpp"

#include "actors/directory/directory.hpp"
#include "actors/market_data/md_book.hpp"
#include "actors/risk/risk_actor.hpp"
#include "runtime/clock.hpp"
#include "runtime/log/log.hpp"

#include <caf/all.hpp>

#include <algorithm>

namespace om {

namespace {

using namespace std::chrono_literals;

struct md_state {
  static inline const char* name = "om.market_data";
  std::unique_ptr<md_book> book;
  instrument_id inst;
  market_data_section cfg;
  risk_actor risk; // this instrument's, on this node
  bool resolving = false;
  int64_t last_pause_notice_ns = 0;
  std::shared_ptr<spdlog::logger> log = log::get("market_data");
};

using md_ptr = market_data_actor::stateful_pointer<md_state>;

/// Pause leases last this long; a paused instrument renews them at half.
constexpr int64_t lease_ns = 2'000'000'000;

const std::string& inst_of(md_ptr self) { return self->state.inst.value; }

void find_risk(md_ptr self) {
  auto& st = self->state;
  auto dir = find_directory(self->system());
  if (!dir || st.resolving)
    return;
  st.resolving = true;
  self->request(dir, 2s, resolve_atom::value, std::string{svc::risk}, inst_of(self))
    .then(
      [self](caf::actor h) {
        auto& st = self->state;
        st.resolving = false;
        st.risk = caf::actor_cast<risk_actor>(h);
        self->monitor(st.risk);
        self->send(st.risk, st.book->view());
      },
      [self](caf::error&) { self->state.resolving = false; }); // next tick tries again
}

void push_view(md_ptr self) {
  auto& st = self->state;
  if (st.risk)
    self->send(st.risk, st.book->view());
  else
    find_risk(self);
}

/// Tells every gateway (one per gateway node) about a pause or its end.
template <class Event>
void tell_gateways(md_ptr self, Event e) {
  auto dir = find_directory(self->system());
  if (!dir)
    return;
  self->request(dir, 2s, list_atom::value, std::string{svc::gateway})
    .then(
      [e](const std::vector<directory_entry>& gws) {
        for (auto& g : gws)
          caf::anon_send(g.handle, e);
      },
      [self](caf::error& err) {
        self->state.log->warn("instrument={} event=gateways_not_told error={}", inst_of(self),
                              log::q(to_string(err)));
      });
}

void announce_pause(md_ptr self, int64_t now) {
  auto& st = self->state;
  st.last_pause_notice_ns = now;
  tell_gateways(self, instrument_paused{instrument_id{inst_of(self)}, st.book->range(),
                                        st.cfg.volatility_pause_bps, now + lease_ns});
}

void handle(md_ptr self, md_book::transition t, int64_t now) {
  auto& st = self->state;
  using tr = md_book::transition;
  auto v = st.book->view();
  switch (t) {
    case tr::none:
      break;
    case tr::paused:
      st.log->warn("instrument={} event=volatility_pause range_bps={} threshold_bps={} mid={} "
                   "policy={}",
                   inst_of(self), to_string(v.range_bps), to_string(st.cfg.volatility_pause_bps),
                   to_string(v.mid), to_string(st.cfg.on_volatility));
      announce_pause(self, now);
      break;
    case tr::resumed:
      st.log->info("instrument={} event=volatility_resumed range_bps={} mid={}", inst_of(self),
                   to_string(v.range_bps), to_string(v.mid));
      tell_gateways(self, instrument_resumed{instrument_id{inst_of(self)}});
      break;
    case tr::went_stale:
      st.log->warn("instrument={} event=market_data_stale last_update_ns={} policy={}",
                   inst_of(self), v.updated_ns, to_string(st.cfg.on_stale));
      break;
    case tr::went_fresh:
      st.log->info("instrument={} event=market_data_fresh bid={} ask={} mid={}", inst_of(self),
                   to_string(v.bid), to_string(v.ask), to_string(v.mid));
      break;
  }
}

void on_quote(md_ptr self, const md_quote& q) {
  auto now = wall_ns();
  auto t = self->state.book->on_quote(q, now);
  push_view(self);
  handle(self, t, now);
}

void on_feed_lost(md_ptr self, const md_feed_lost& f) {
  auto now = wall_ns();
  auto t = self->state.book->on_feed_lost(f.venue, f.why, now);
  self->state.log->warn("instrument={} venue={} event=feed_lost why={}", inst_of(self),
                        f.venue.value, log::q(f.why));
  push_view(self);
  handle(self, t, now);
}

void on_tick(md_ptr self) {
  auto& st = self->state;
  auto now = wall_ns();
  auto t = st.book->on_tick(now);
  // Every tick: a restarted risk actor catches up within one period.
  push_view(self);
  handle(self, t, now);
  if (st.book->paused() && now - st.last_pause_notice_ns >= lease_ns / 2)
    announce_pause(self, now);
}

std::chrono::milliseconds tick_period(const market_data_section& c) {
  auto p = std::min(c.stale_after, c.resume_after.count() > 0 ? c.resume_after : c.stale_after) / 4;
  return std::clamp(p, std::chrono::milliseconds{10}, std::chrono::milliseconds{250});
}

market_data_actor::behavior_type md_impl(md_ptr self, instrument_id inst,
                                         market_data_section cfg) {
  auto& st = self->state;
  st.cfg = cfg;
  st.inst = inst;
  st.book = std::make_unique<md_book>(inst, cfg);
  register_self(self, svc::market_data, inst.value);
  self->set_down_handler([self](const caf::down_msg& m) {
    if (m.source == self->state.risk.address())
      self->state.risk = nullptr;
  });
  find_risk(self);
  auto period = tick_period(cfg);
  self->delayed_send(self, period, tick_atom::value);
  return {
    [self](const md_quote& q) { on_quote(self, q); },
    [self](const md_feed_lost& f) { on_feed_lost(self, f); },
    [self](stats_atom) { return self->state.book->status(wall_ns()); },
    [self, period](tick_atom) {
      on_tick(self);
      self->delayed_send(self, period, tick_atom::value);
    },
  };
}

} // namespace

caf::actor spawn_market_data(caf::actor_system& sys, instrument_id inst,
                             market_data_section cfg) {
  return caf::actor_cast<caf::actor>(sys.spawn(md_impl, std::move(inst), std::move(cfg)));
}

} // namespace om
