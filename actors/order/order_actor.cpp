#include "actors/order/order_actor.hpp"
#include "runtime/clock.hpp"

#include "actors/directory/directory.hpp"
#include "actors/post_trade/post_trade.hpp"
#include "actors/risk/risk_actor.hpp"
#include "actors/venue/venue_relay.hpp"
#include "actors/router/router.hpp"
#include "actors/store/store_actor.hpp"
#include "runtime/log/log.hpp"
#include "runtime/model/order_state.hpp"
#include "runtime/supervision/supervisor.hpp"

#include <caf/all.hpp>

#include <stdexcept>
#include <variant>

namespace om {


namespace {

using namespace std::chrono_literals;
constexpr auto store_timeout = 10s;
constexpr auto peer_timeout = 5s;

struct leg_rt {
  venue_actor venue;
  caf::actor_addr lost; // a venue handle known dead: never rebind to it
  int64_t sent_ns = 0;
  bool cancel_sent = false;
};


struct order_actor_state {
  static inline const char* name = "om.order";
  order_start args;
  order_snapshot snap;
  fence f;
  std::vector<leg_rt> legs;
  // What runs once the write with that sequence is durable (its events and
  // post-trade's share are published by the store itself).
  std::vector<std::pair<uint64_t, std::function<void()>>> after_durable;
  uint64_t persisting = 0;
  std::vector<fill_record> pending_fills; // journaled with the next write
  std::vector<venue_ack_sample> pending_acks; // to post-trade with the next write
  bool finish_published = false; // a write carried the final snapshot to post-trade
  // State changes staged for the next write (an ack waits one mailbox turn
  // for the fill that usually follows it).
  std::vector<order_event> staged;
  bool flush_scheduled = false;
  bool staged_change = false;
  bool first_write = true; // the next write is this order's first
  bool finished = false;
  bool aborting = false; // a leg was rejected while others work: wind down
  bool accepted_sent = true; // false until the first durable write of a new order
  reject_code final_code = reject_code::none;
  deadline_set deadlines;
  std::optional<caf::actor_clock::time_point> deadline_armed;
  // Risk handle freshness (directory_epoch when args.risk was resolved) and
  // messages waiting while it is re-resolved.
  uint64_t risk_epoch = 0;
  bool risk_resolving = false;
  bool relay_bound = false;
  price last_fill_px; // of the last fill not yet reported to risk
  std::vector<std::variant<risk_fill, risk_release, risk_amend_request>> risk_queue;
  std::shared_ptr<spdlog::logger> log = log::get("order");
};

using order_ptr = order_actor::stateful_pointer<order_actor_state>;

bool leg_done(const child_order& c) {
  return c.status == ord_status::filled || c.status == ord_status::canceled
         || c.status == ord_status::rejected;
}

bool all_legs_done(const order_snapshot& s) {
  for (auto& c : s.children)
    if (!leg_done(c))
      return false;
  return true;
}

void stamp(order_ptr self, stage st) {
  auto& x = self->state.snap.stages[st];
  if (x == 0)
    x = wall_ns();
}

order_event reject_event(const order_snapshot& s, event_kind kind, reject_code code,
                         std::string msg) {
  auto e = make_event(kind, s);
  e.stage = stage_of(code);
  e.code = code;
  e.message = std::move(msg);
  return e;
}

void maybe_finish(order_ptr self);
void resume(order_ptr self, loaded_order& l);

void flush_risk_queue(order_ptr self) {
  auto& st = self->state;
  if (st.args.risk)
    for (auto& m : st.risk_queue)
      // One-way (an amend's verdict, if any, goes nowhere: the order has
      // already moved on).
      std::visit([&](auto& x) { caf::anon_send(st.args.risk, std::move(x)); }, m);
  st.risk_queue.clear();
}

/// Sends to the instrument's risk actor. If the directory changed since the
/// handle was resolved (a risk actor restarted or its node came and went)
/// the handle is resolved again first; messages queue meanwhile, in order.
/// Without a risk actor they are dropped: its rebuild from the orders table
/// accounts for this order's durable state.
template <class T>
void to_risk(order_ptr self, T msg) {
  auto& st = self->state;
  st.risk_queue.emplace_back(std::move(msg));
  if (st.risk_resolving)
    return;
  auto now = directory_epoch();
  if (st.args.risk && now == st.risk_epoch) {
    flush_risk_queue(self);
    return;
  }
  auto dir = find_directory(self->system());
  if (!dir) {
    flush_risk_queue(self);
    return;
  }
  st.risk_resolving = true;
  st.risk_epoch = now;
  self->request(dir, peer_timeout, resolve_atom::value, std::string{svc::risk},
                st.args.inst.id.value)
    .then(
      [self](caf::actor h) {
        auto& st = self->state;
        st.risk_resolving = false;
        st.args.risk = typed_entry<risk_actor>(h);
        flush_risk_queue(self);
      },
      [self](caf::error& err) {
        auto& st = self->state;
        st.risk_resolving = false;
        st.args.risk = nullptr;
        st.log->warn("order_id={} event=risk_unreachable dropped={} error={}",
                     to_string(st.snap.id), st.risk_queue.size(), log::q(describe(err)));
        st.risk_queue.clear();
      });
}

/// The reply_to for venue `v`: the node's relay for a venue on another node
/// (bound to this order on first use), this actor for a local one.
venue_report_sink reply_to_for(order_ptr self, const venue_actor& v) {
  auto& st = self->state;
  if (!st.args.venue_relay || !v || v.node() == self->node())
    return venue_report_sink{self};
  if (!st.relay_bound) {
    st.relay_bound = true;
    caf::anon_send(st.args.venue_relay, relay_bind{st.snap.id, venue_report_sink{self}});
  }
  return st.args.venue_relay;
}

/// Tells risk what this order has traded so far (idempotent there).
void sync_risk(order_ptr self, price last_px) {
  auto& st = self->state;
  if (st.snap.state.cum_qty.is_positive())
    to_risk(self, risk_fill{st.snap.id, st.snap.strategy, st.snap.state.side,
                            st.snap.state.cum_qty, order_value(st.snap.state), last_px});
}

bool finishing(const order_actor_state& st) {
  return is_terminal(st.snap.state.status) && all_legs_done(st.snap);
}

/// Writes the snapshot (and the fills it adds, atomically); once it is
/// durable the store publishes the events to the strategy and the fills to
/// post-trade, batched with the rest of its commit, and `then` runs here.
/// Changes staged by persist_soon() go with it.
void persist(order_ptr self, std::vector<order_event> evs, std::function<void()> then = {}) {
  auto& st = self->state;
  auto seq = ++st.f.sequence;
  st.staged_change = false;
  persist_order req;
  req.events = std::move(st.staged);
  st.staged.clear();
  req.events.insert(req.events.end(), std::make_move_iterator(evs.begin()),
                    std::make_move_iterator(evs.end()));
  req.notify = st.args.strategy;
  req.fills = std::move(st.pending_fills);
  st.pending_fills.clear();
  if (!req.fills.empty())
    st.after_durable.emplace_back(seq, [self, px = req.fills.back().px] {
      auto& st = self->state;
      // A finished order's last fill travels with its release.
      if (!finishing(st))
        sync_risk(self, px);
      else
        st.last_fill_px = px;
    });
  if (then)
    st.after_durable.emplace_back(seq, std::move(then));
  req.fence = st.f;
  req.snap = st.snap;
  if (st.args.post_trade) {
    req.post_trade = st.args.post_trade;
    req.acks = std::move(st.pending_acks);
    // The first write of the finished state carries the final snapshot. A
    // late fill written after it reaches post-trade as a fill, but the
    // snapshot post-trade holds (average price, slippage) predates it.
    if (!st.finish_published && finishing(st)) {
      st.finish_published = true;
      req.finished = true;
    }
  }
  st.pending_acks.clear();
  if (st.first_write) {
    // The id was minted for this order: nothing is stored under it, and its
    // idempotency record lands in the same batch.
    st.first_write = false;
    req.fresh = st.f.sequence == 1 && !st.args.recover;
    req.has_idempotency = st.args.has_idempotency;
    req.idempotency = st.args.idempotency;
  }
  ++st.persisting;
  timed_request<fence>(
    self, st.deadlines, st.deadline_armed, st.args.store, store_timeout,
      [self](fence done) {
        auto& st = self->state;
        --st.persisting;
        // A `then` may persist again: that appends a later sequence, which
        // this loop stops before (by index: the vector may reallocate).
        size_t due = 0;
        while (due < st.after_durable.size() && st.after_durable[due].first <= done.sequence) {
          auto f = std::move(st.after_durable[due++].second);
          f();
        }
        st.after_durable.erase(st.after_durable.begin(),
                               st.after_durable.begin() + static_cast<std::ptrdiff_t>(due));
        maybe_finish(self);
      },
      [self, seq](caf::error& err) {
        auto& st = self->state;
        if (seq == 1 && st.f.incarnation == st.args.node_incarnation << 32
            && code_of(err) == errc::stale_write) {
          // A restart: an earlier incarnation of this order already wrote.
          st.after_durable.clear();
          st.persisting = 0;
          st.finish_published = false;
          self->request(st.args.store, store_timeout,
                        load_order_atom::value, st.snap.id)
            .then([self](loaded_order& l) { resume(self, l); },
                  [self](caf::error& e) { self->quit(e); });
          return;
        }
        // Unknown outcome: never carry on past it. The supervisor restarts us
        // and we continue from the last durable snapshot.
        st.log->error("order_id={} event=persist_failed error={}", to_string(st.snap.id),
                      log::q(describe(err)));
        self->quit(err);
      },
      std::move(req));
}

/// Stages a state change for the next write: sent after what is queued now,
/// so a fill already waiting in the mailbox shares the write.
void persist_soon(order_ptr self, std::vector<order_event> evs) {
  auto& st = self->state;
  for (auto& e : evs)
    st.staged.push_back(std::move(e));
  st.staged_change = true;
  if (!st.flush_scheduled) {
    st.flush_scheduled = true;
    self->send(self, flush_atom::value);
  }
}

void on_flush(order_ptr self) {
  auto& st = self->state;
  st.flush_scheduled = false;
  if (st.staged_change)
    persist(self, {});
}

void maybe_finish(order_ptr self) {
  auto& st = self->state;
  if (st.finished || st.persisting > 0 || st.flush_scheduled || !finishing(st))
    return;
  st.finished = true;
  auto& s = st.snap;
  risk_release rel{s.id, false, {}};
  if (s.state.cum_qty.is_positive()) {
    rel.has_fill = true;
    rel.final_fill = risk_fill{s.id, s.strategy, s.state.side, s.state.cum_qty,
                               order_value(s.state), st.last_fill_px};
  }
  to_risk(self, std::move(rel));
  // Normally the final write carried the snapshot to post-trade; an order
  // that ended without one (recovered already terminal) reports here.
  if (st.args.post_trade && !st.finish_published)
    caf::anon_send(st.args.post_trade, trades_committed{{}, std::move(st.pending_acks), {s}});
  if (st.args.gateway)
    caf::anon_send(st.args.gateway,
                   order_ended{s.id, s.strategy, s.clordid, s.state.status, st.final_code, s.instrument});
  st.log->debug("order_id={} event=finished status={} cum_qty={} avg_px={}", to_string(s.id),
                to_string(s.state.status), to_string(s.state.cum_qty),
                to_string(s.state.avg_px()));
  self->quit();
}

/// Applies a lifecycle event to the order; false (logged) if refused.
bool apply(order_ptr self, const lifecycle_event& ev, transition* out = nullptr) {
  auto& st = self->state;
  auto t = apply_event(st.snap.state, ev);
  if (!t) {
    st.log->warn("order_id={} event=refused input={} status={} error={}", to_string(st.snap.id),
                 event_name(ev), to_string(st.snap.state.status), log::q(describe(t.error())));
    return false;
  }
  st.snap.state = t->next;
  if (out)
    *out = *t;
  return true;
}

void send_legs(order_ptr self) {
  auto& st = self->state;
  auto& s = st.snap;
  for (uint32_t i = 0; i < s.children.size(); ++i) {
    auto& leg = st.legs[i];
    if (!leg.venue || leg_done(s.children[i]))
      continue;
    leg.sent_ns = wall_ns();
    caf::anon_send(leg.venue,
               venue_new_order{s.id, i, s.instrument, s.state.side, s.state.type, s.state.tif,
                               s.children[i].qty, s.state.limit_px,
                               reply_to_for(self, leg.venue), leg.sent_ns});
  }
  stamp(self, stage::sent_to_venue);
}

void cancel_live_legs(order_ptr self) {
  auto& st = self->state;
  for (uint32_t i = 0; i < st.snap.children.size(); ++i) {
    auto& leg = st.legs[i];
    if (leg_done(st.snap.children[i]) || leg.cancel_sent || !leg.venue)
      continue;
    leg.cancel_sent = true;
    caf::anon_send(leg.venue, venue_cancel_order{st.snap.id, i});
  }
}

void reject_order(order_ptr self, reject_code code, std::string why) {
  auto& st = self->state;
  std::vector<order_event> evs;
  if (!st.accepted_sent) {
    st.accepted_sent = true;
    evs.push_back(make_event(event_kind::accepted, st.snap));
  }
  st.snap.reject_reason = why;
  st.final_code = code;
  if (!apply(self, venue_reject{why}))
    return;
  stamp(self, stage::done);
  evs.push_back(reject_event(st.snap, event_kind::rejected, code, std::move(why)));
  persist(self, std::move(evs));
}

void route(order_ptr self) {
  auto& st = self->state;
  auto& s = st.snap;
  route_request req{s.id, s.strategy, st.args.inst, s.state.type, s.state.tif,
                    s.state.order_qty, s.venue_pin};
  timed_request<route_reply>(
    self, st.deadlines, st.deadline_armed, st.args.router,
    peer_timeout,
      [self](route_reply& r) {
        auto& st = self->state;
        if (is_terminal(st.snap.state.status))
          return; // canceled while routing
        stamp(self, stage::routed);
        if (r.legs.empty()) {
          reject_order(self, reject_code::no_route, r.why);
          return;
        }
        st.legs.clear();
        st.snap.children.clear();
        for (auto& l : r.legs) {
          st.snap.children.push_back(child_order{l.venue, {}, l.qty, {}, ord_status::pending_new, 0});
          st.legs.push_back(leg_rt{l.handle, {}, 0, false});
        }
        // Write-ahead: the legs are durable before any venue hears of them.
        std::vector<order_event> evs;
        if (!st.accepted_sent) {
          st.accepted_sent = true;
          evs.push_back(make_event(event_kind::accepted, st.snap));
        }
        persist(self, std::move(evs), [self] {
          auto& st = self->state;
          if (st.snap.state.status == ord_status::pending_cancel) {
            // Canceled while the route was being written: nothing was sent.
            for (auto& c : st.snap.children)
              c.status = ord_status::canceled;
            if (apply(self, cancel_ack{})) {
              stamp(self, stage::done);
              persist(self, {make_event(event_kind::canceled, st.snap)});
            }
            return;
          }
          send_legs(self);
        });
      },
      [self](caf::error& err) {
        reject_order(self, reject_code::no_route, "router: " + describe(err));
      },
      req);
}

void on_report(order_ptr self, const venue_report& r) {
  auto& st = self->state;
  auto& s = st.snap;
  if (r.leg >= s.children.size()) {
    st.log->warn("order_id={} event=report_unknown_leg leg={}", to_string(s.id), r.leg);
    return;
  }
  auto& c = s.children[r.leg];
  if (r.seq <= c.last_seq)
    return; // already applied (a replay after a restart)
  c.last_seq = r.seq;
  if (c.venue_order_id.empty())
    c.venue_order_id = r.venue_order_id;
  std::vector<order_event> evs;
  transition t;
  switch (r.kind) {
    case venue_report_kind::ack: {
      if (c.status == ord_status::pending_new)
        c.status = ord_status::new_order;
      auto& leg = st.legs[r.leg];
      if (leg.sent_ns > 0)
        st.pending_acks.push_back(venue_ack_sample{c.venue, wall_ns() - leg.sent_ns});
      stamp(self, stage::venue_acked);
      if (s.state.status == ord_status::pending_new) {
        if (apply(self, venue_ack{}))
          evs.push_back(make_event(event_kind::acknowledged, s));
      } else if (s.state.status == ord_status::pending_cancel
                 && s.state.restore_status == ord_status::pending_new) {
        apply(self, venue_ack{});
      }
      break;
    }
    case venue_report_kind::reject: {
      c.status = ord_status::rejected;
      bool all_rejected = true;
      for (auto& k : s.children)
        all_rejected = all_rejected && k.status == ord_status::rejected;
      if (all_rejected) {
        s.reject_reason = r.reason;
        st.final_code = reject_code::venue_rejected;
        if (apply(self, venue_reject{r.reason})) {
          stamp(self, stage::done);
          evs.push_back(reject_event(s, event_kind::rejected, reject_code::venue_rejected,
                                     c.venue.value + ": " + r.reason));
        }
      } else {
        st.aborting = true; // a split order lost a leg: cancel the rest
      }
      break;
    }
    case venue_report_kind::fill: {
      c.cum_qty += r.last_qty;
      c.status = r.leaves_qty.is_zero() ? ord_status::filled : ord_status::partially_filled;
      stamp(self, stage::first_fill);
      if (apply(self, fill{r.last_qty, r.last_px}, &t)) {
        auto e = make_event(s.state.status == ord_status::filled ? event_kind::filled
                                                                  : event_kind::partially_filled,
                            s);
        e.last_qty = r.last_qty;
        e.last_px = r.last_px;
        e.late = t.late;
        evs.push_back(std::move(e));
        {
          fill_record f;
          f.exec_id = r.exec_id;
          f.order = s.id;
          f.venue = c.venue;
          f.strategy = s.strategy;
          f.instrument = s.instrument;
          f.side = s.state.side;
          f.qty = r.last_qty;
          f.px = r.last_px;
          f.fee = r.fee;
          f.liq = r.liq;
          f.venue_ns = r.venue_ns;
          f.received_ns = wall_ns();
          f.arrival_px = s.arrival_px;
          f.late = t.late;
          st.pending_fills.push_back(std::move(f));
        }
      }
      break;
    }
    case venue_report_kind::canceled:
      c.status = ord_status::canceled;
      break;
    case venue_report_kind::replaced:
      c.qty = r.cum_qty + r.leaves_qty;
      if (apply(self, replace_ack{})) {
        evs.push_back(make_event(event_kind::replaced, s));
        // Reservation follows the new working quantity (down after the fact).
        to_risk(self, risk_amend_request{s.id, s.strategy, s.state.side, s.state.type,
                                         s.state.leaves_qty, s.state.limit_px});
      }
      break;
    case venue_report_kind::cancel_rejected:
      // The venue refused (or never got) this cancel: a later cancel of the
      // order must be sent to this leg again.
      if (r.leg < st.legs.size())
        st.legs[r.leg].cancel_sent = false;
      if (!leg_done(c) && s.state.status == ord_status::pending_cancel) {
        if (apply(self, cancel_reject{r.reason}))
          evs.push_back(reject_event(s, event_kind::cancel_rejected, reject_code::venue_rejected,
                                     c.venue.value + ": " + r.reason));
      }
      break;
    case venue_report_kind::replace_rejected:
      if (s.state.status == ord_status::pending_replace) {
        if (apply(self, replace_reject{r.reason})) {
          evs.push_back(reject_event(s, event_kind::replace_rejected, reject_code::venue_rejected,
                                     c.venue.value + ": " + r.reason));
          // back to the working quantity
          to_risk(self, risk_amend_request{s.id, s.strategy, s.state.side, s.state.type,
                                           s.state.leaves_qty, s.state.limit_px});
        }
      }
      break;
  }
  if (st.aborting)
    cancel_live_legs(self);
  if (all_legs_done(s) && !is_terminal(s.state.status)) {
    if (s.state.status == ord_status::pending_cancel) {
      if (apply(self, cancel_ack{}))
        evs.push_back(make_event(event_kind::canceled, s));
    } else if (apply(self, unsolicited_cancel{r.reason})) {
      // The venue ended every leg on its own (IOC remainder, a split order
      // winding down after a rejected leg, a venue that lost the order).
      auto e = make_event(event_kind::canceled, s);
      e.message = r.reason;
      evs.push_back(std::move(e));
    }
  }
  if (is_terminal(s.state.status))
    stamp(self, stage::done);
  if (r.kind == venue_report_kind::ack && !is_terminal(s.state.status))
    persist_soon(self, std::move(evs)); // a fill often follows at once
  else
    persist(self, std::move(evs));
}

void on_cancel(order_ptr self, const order_cancel_cmd& in) {
  auto& st = self->state;
  auto& s = st.snap;
  // Operator cancels (kill switch) carry no reply address: tell the strategy.
  order_cancel_cmd cmd{in.reply_to ? in.reply_to : st.args.strategy};
  if (is_terminal(s.state.status)) {
    caf::anon_send(cmd.reply_to, reject_event(s, event_kind::cancel_rejected, reject_code::order_done,
                                          "order is " + std::string{to_string(s.state.status)}));
    return;
  }
  auto t = apply_event(s.state, cancel_request{});
  if (!t) {
    caf::anon_send(cmd.reply_to, reject_event(s, event_kind::cancel_rejected, reject_code::none,
                                          detail_of(t.error())));
    return;
  }
  s.state = t->next;
  if (s.children.empty()) {
    // Not at a venue yet: cancel here (the route reply will find it done).
    if (apply(self, cancel_ack{})) {
      stamp(self, stage::done);
      persist(self, {make_event(event_kind::canceled, s)});
    }
    return;
  }
  persist(self, {}, [self] { cancel_live_legs(self); });
}

void on_amend(order_ptr self, const order_amend_cmd& cmd) {
  auto& st = self->state;
  auto& s = st.snap;
  auto refuse = [&](reject_code code, std::string why) {
    caf::anon_send(cmd.reply_to, reject_event(s, event_kind::replace_rejected, code, std::move(why)));
  };
  if (is_terminal(s.state.status))
    return refuse(reject_code::order_done, "order is " + std::string{to_string(s.state.status)});
  if (s.children.size() != 1)
    return refuse(reject_code::not_amendable, s.children.empty()
                                                ? "order is not at a venue yet"
                                                : "split orders cannot be amended");
  auto t = apply_event(s.state, replace_request{cmd.qty, cmd.px});
  if (!t)
    return refuse(code_of(t.error()) == errc::invalid_argument ? reject_code::non_positive_quantity
                                                               : reject_code::not_amendable,
                  detail_of(t.error()));
  auto new_leaves = cmd.qty > s.state.cum_qty ? cmd.qty - s.state.cum_qty : quantity{};
  auto go = [self, cmd] {
    if (!apply(self, replace_request{cmd.qty, cmd.px}))
      return;
    persist(self, {}, [self, cmd] {
      auto& st = self->state;
      caf::anon_send(st.legs[0].venue,
                 venue_replace_order{st.snap.id, 0, cmd.qty, cmd.px});
    });
  };
  if (new_leaves <= s.state.leaves_qty) {
    go(); // less risk: the reservation shrinks once the venue confirms
    return;
  }
  if (!st.args.risk || st.risk_resolving) {
    // Its risk shard was lost: more quantity cannot be approved now.
    caf::anon_send(cmd.reply_to,
                   reject_event(s, event_kind::replace_rejected, reject_code::risk_unavailable,
                                "risk: the risk actor of " + st.args.inst.id.value
                                  + " is not reachable"));
    return;
  }
  // More quantity: risk must approve and reserve the difference first.
  timed_request<risk_verdict_msg>(
    self, st.deadlines, st.deadline_armed, st.args.risk, peer_timeout,
      [self, cmd, go](risk_verdict_msg& v) {
        if (v.code != reject_code::none) {
          caf::anon_send(cmd.reply_to, reject_event(self->state.snap, event_kind::replace_rejected,
                                                v.code, v.message));
          return;
        }
        go();
      },
      [self, cmd](caf::error& err) {
        caf::anon_send(cmd.reply_to,
                   reject_event(self->state.snap, event_kind::replace_rejected,
                                reject_code::risk_unavailable, "risk: " + describe(err)));
      },
      risk_amend_request{s.id, s.strategy, s.state.side, s.state.type, new_leaves, cmd.px});
}

/// Points the venue of leg `i` at this incarnation; it replays what we missed.
void rebind(order_ptr self, uint32_t i, int attempt) {
  auto dir = find_directory(self->system());
  if (!dir)
    return;
  self->request(dir, peer_timeout, resolve_atom::value, std::string{svc::venue},
                self->state.snap.children[i].venue.value)
    .then(
      [self, i, attempt](caf::actor found) {
        auto v = typed_entry<venue_actor>(found);
        auto& st = self->state;
        if (st.legs[i].lost && v.address() == st.legs[i].lost) {
          // The directory has not dropped the dead handle yet.
          self->delayed_send(self, 200ms, rebind_retry_atom::value, i, attempt + 1);
          return;
        }
        st.legs[i].venue = v;
        caf::anon_send(v,
                       venue_rebind{st.snap.id, i, st.snap.children[i].last_seq,
                                    reply_to_for(self, v), st.snap.instrument,
                                    st.snap.state.side, st.snap.children[i].qty,
                                    st.snap.children[i].cum_qty,
                                    st.snap.children[i].venue_order_id});
      },
      [self, i, attempt](caf::error& err) {
        // The venue may still be starting (node restart), or its node is
        // down: keep trying (the leg's state is unknown until the venue
        // answers), slower after the first 5 seconds.
        if (attempt == 50 || (attempt > 50 && attempt % 300 == 0))
          self->state.log->error("order_id={} leg={} venue={} event=venue_unreachable "
                                 "attempt={} error={}",
                                 to_string(self->state.snap.id), i,
                                 self->state.snap.children[i].venue.value, attempt,
                                 log::q(describe(err)));
        self->delayed_send(self, attempt < 50 ? 100ms : 1000ms, rebind_retry_atom::value, i,
                           attempt + 1);
      });
}

/// After a restart: continue from the last durable snapshot.
void resume(order_ptr self, loaded_order& l) {
  auto& st = self->state;
  st.snap = std::move(l.snap);
  st.f = fence{l.fence.incarnation + 1, 0};
  st.first_write = false; // its idempotency record landed with its first write
  st.legs.assign(st.snap.children.size(), leg_rt{});
  // A stored finished snapshot was written with `finished` set, so the store
  // already gave it to post-trade: ending now must not report it again.
  st.finish_published = finishing(st);
  st.log->info("order_id={} event=restored status={} legs={} incarnation={}",
               to_string(st.snap.id), to_string(st.snap.state.status), st.snap.children.size(),
               st.f.incarnation);
  auto& s = st.snap;
  // Fills durable before the crash may not have reached risk yet.
  sync_risk(self, price{});
  if (is_terminal(s.state.status) && all_legs_done(s)) {
    maybe_finish(self);
    return;
  }
  if (s.children.empty()) {
    if (s.state.status == ord_status::pending_new)
      route(self);
    return;
  }
  for (uint32_t i = 0; i < s.children.size(); ++i)
    if (!leg_done(s.children[i]))
      rebind(self, i, 0);
}

/// The node of some venues was lost: working legs there wait for the venue
/// to come back and are rebound (a restarted venue answers canceled).
void on_venues_lost(order_ptr self, const venues_lost& m) {
  auto& st = self->state;
  for (uint32_t i = 0; i < st.snap.children.size() && i < st.legs.size(); ++i) {
    auto& c = st.snap.children[i];
    if (leg_done(c) || std::find(m.venues.begin(), m.venues.end(), c.venue) == m.venues.end())
      continue;
    st.log->warn("order_id={} leg={} venue={} event=venue_lost status={}", to_string(st.snap.id),
                 i, c.venue.value, to_string(c.status));
    if (st.legs[i].venue)
      st.legs[i].lost = st.legs[i].venue.address();
    st.legs[i].venue = nullptr;
    rebind(self, i, 0);
  }
}

order_actor::behavior_type order_impl(order_ptr self, order_start args) {
  sup::keep_exception_text(self);
  auto& st = self->state;
  st.args = std::move(args);
  st.snap = std::move(st.args.snap);
  // The risk handle is as fresh as the directory now (the gateway resolved it
  // just before); any later change makes to_risk() resolve it again.
  st.risk_epoch = directory_epoch();
  st.f = fence{st.args.node_incarnation << 32, 0};
  if (st.args.recover) {
    self->request(st.args.store, store_timeout, load_order_atom::value, st.snap.id)
      .then([self](loaded_order& l) { resume(self, l); },
            [self](caf::error& e) {
              auto& st = self->state;
              if (code_of(e) == errc::not_found && st.args.has_idempotency) {
                // Restarted before its first write: nothing was durable, so
                // it begins as the new order it was.
                st.args.recover = false;
                st.accepted_sent = false;
                route(self);
                return;
              }
              self->quit(e);
            });
  } else {
    // New order: route first, then one durable write carries the order, its
    // legs and its idempotency record (and reports `accepted`).
    st.accepted_sent = false;
    route(self);
  }
  return {
    [self](const venue_report& r) { on_report(self, r); },
    [self](const order_cancel_cmd& c) { on_cancel(self, c); },
    [self](const order_amend_cmd& c) { on_amend(self, c); },
    [self](get_state_atom) { return self->state.snap; },
    [self](rebind_retry_atom, uint32_t leg, int attempt) { rebind(self, leg, attempt); },
    [self](const venues_lost& m) { on_venues_lost(self, m); },
    [self](deadline_tick_atom) {
      on_deadline_tick(self, self->state.deadlines, self->state.deadline_armed);
    },
    [self](flush_atom) { on_flush(self); },
    [self](crash_atom) {
      if (self->state.args.fault_injection)
        throw std::runtime_error("injected crash");
      self->state.log->warn("order_id={} event=crash_ignored reason=fault_injection_off",
                            to_string(self->state.snap.id));
    },
  };
}

} // namespace

caf::expected<caf::actor> start_order_actor(caf::actor_system& sys, const caf::message& args) {
  if (!args.match_elements<order_start>())
    return make_error(errc::invalid_argument, "order actor: expected order_start");
  auto h = sys.spawn(order_impl, args.get_as<order_start>(0));
  return caf::actor_cast<caf::actor>(h);
}

caf::expected<caf::actor> restart_order_actor(caf::actor_system& sys, const caf::message& args) {
  if (!args.match_elements<order_start>())
    return make_error(errc::invalid_argument, "order actor: expected order_start");
  auto a = args.get_as<order_start>(0);
  a.recover = true;
  auto h = sys.spawn(order_impl, std::move(a));
  return caf::actor_cast<caf::actor>(h);
}

} // namespace om
