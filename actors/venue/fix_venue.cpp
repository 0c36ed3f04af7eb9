#include "actors/venue/fix_venue.hpp"

#include "actors/directory/directory.hpp"
#include "actors/market_data/market_data.hpp"
#include "actors/venue/fix_mapping.hpp"
#include "runtime/clock.hpp"
#include "runtime/fix/fix_engine.hpp"
#include "runtime/log/log.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <deque>
#include <random>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace om {
namespace {

/// An inbound application message the mapping read, posted from a
/// QuickFIX thread.
struct fix_inbound {
  fixmap::inbound msg;
  int64_t received_ns = 0;
};

/// An inbound message refused as malformed (QuickFIX rejected it).
struct fix_refused {
  std::string msg_type;
  fix::refusal why;
};

struct fix_session_event {
  fix::event e;
};

} // namespace
} // namespace om

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(om::fix_inbound)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(om::fix_refused)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(om::fix_session_event)

namespace om {
namespace {

using fix_reconnect_atom = caf::atom_constant<caf::atom("fixrecon")>;
using fix_timeout_atom = caf::atom_constant<caf::atom("fixtmo")>;
using fix_availability_atom = caf::atom_constant<caf::atom("fixavail")>;

using fix_venue_actor = venue_actor::extend<caf::reacts_to<fix_inbound>,
                                            caf::reacts_to<fix_refused>,
                                            caf::reacts_to<fix_session_event>,
                                            caf::reacts_to<fix_reconnect_atom>,
                                            caf::reacts_to<fix_availability_atom, int>,
                                            caf::reacts_to<fix_timeout_atom, std::string, uint64_t>>;

constexpr size_t done_retention = 200'000;
constexpr size_t exec_id_retention = 2'000'000;
constexpr size_t execution_retention = 1'000'000; // orders in the execution ledger

enum class pending_kind : uint8_t { none, cancel, replace, status };

struct fix_leg {
  order_id id;
  uint32_t leg = 0;
  venue_report_sink reply_to;
  std::string symbol;
  om::side side = side::buy;
  ord_type type = ord_type::limit;
  time_in_force tif = time_in_force::day;
  quantity qty;
  price px;
  /// The ClOrdID the venue knows the leg by now (the last accepted one).
  std::string live_clid;
  uint32_t next_n = 1;
  pending_kind pending = pending_kind::none;
  /// What the status request in flight answers: a timed-out cancel or
  /// replace, or a reconciliation.
  pending_kind status_for = pending_kind::none;
  std::string pending_clid;
  quantity pending_qty;
  price pending_px;
  uint64_t generation = 0; // of the timer guarding `pending`
  std::string venue_order_id;
  uint64_t seq = 0;
  bool acked = false;
  bool done = false;
  bool unknown = false;
  quantity cum;
  int128 value = 0; // exact sum of last_px * last_qty
  /// The highest CumQty the venue reported for the leg (its own ledger).
  quantity venue_cum;
  /// Filled quantity of venue orders this leg replaced by cancel and new:
  /// the venue's current order counts its CumQty from zero, on top of it.
  quantity base;
  /// Every ClOrdID of the leg (forgotten with the leg).
  std::vector<std::string> clids;
  std::vector<venue_report> log;
};

std::string leg_key(order_id id, uint32_t leg) {
  return std::to_string(id.value) + ":" + std::to_string(leg);
}

struct fix_venue_state {
  static inline const char* name = "om.fix_venue";
  fix_venue_options opts;
  fixmap::venue_fields fields;
  std::string session;
  std::unique_ptr<fix::engine> engine;
  std::unordered_map<std::string, fix_leg> legs;        // by leg key
  std::unordered_map<std::string, std::string> clids;   // ClOrdID -> leg key
  std::deque<std::string> done;
  std::unordered_set<std::string> exec_ids;
  std::deque<std::string> exec_order;
  /// Reports for legs not bound yet (after a restart, before the order
  /// actor's rebind): kept by leg key and applied at the rebind.
  std::unordered_map<std::string, std::vector<fixmap::exec_report>> early;
  std::set<std::string> unsupported; // MsgTypes refused with reason 3
  /// What the venue reported executed per desk order (max CumQty per leg,
  /// summed), the venue side of the end-of-day reconciliation.
  std::unordered_map<uint64_t, order_execution> executed;
  bool executed_truncated = false;
  venue_counters counters;
  std::chrono::milliseconds backoff{0};
  bool reconnect_scheduled = false;
  /// What routers were last told (they take a FIX venue as down until its
  /// first logon).
  bool published_up = false;
  std::string availability_why;
  /// The text of the peer's last Logout, if it gave one.
  std::string peer_logout;
  /// Market data (cfg.market_data): one subscription per instrument this
  /// venue trades, by FIX symbol, with the top of book the session keeps.
  struct md_sub {
    instrument_id inst;
    std::string req_id;
    md_quote top;
    market_data_actor sink; // the instrument's market-data actor
    bool resolving = false;
    bool refused = false;
  };
  std::unordered_map<std::string, md_sub> md;
  std::unordered_map<std::string, std::string> md_by_req; // MDReqID -> symbol
  std::mt19937_64 rng;
  std::shared_ptr<spdlog::logger> log = log::get("fix");
};

using fix_ptr = fix_venue_actor::stateful_pointer<fix_venue_state>;

// ------------------------------------------------------------------ reports

void send_report(fix_ptr self, fix_leg& l, venue_report r) {
  auto& st = self->state;
  r.id = l.id;
  r.leg = l.leg;
  r.venue = st.opts.cfg.id;
  r.venue_order_id = l.venue_order_id;
  r.seq = ++l.seq;
  if (r.venue_ns == 0)
    r.venue_ns = wall_ns();
  l.log.push_back(r);
  if (l.reply_to)
    caf::anon_send(l.reply_to, std::move(r));
}

void mark_done(fix_venue_state& st, fix_leg& l) {
  if (l.done)
    return;
  l.done = true;
  l.unknown = false;
  st.done.push_back(leg_key(l.id, l.leg));
  while (st.done.size() > done_retention) {
    auto i = st.legs.find(st.done.front());
    if (i != st.legs.end()) {
      for (auto& c : i->second.clids)
        st.clids.erase(c);
      st.early.erase(i->first);
      st.legs.erase(i);
    }
    st.done.pop_front();
  }
}

void report_simple(fix_ptr self, fix_leg& l, venue_report_kind k, std::string reason) {
  venue_report r;
  r.kind = k;
  r.cum_qty = l.cum;
  r.leaves_qty = l.done ? quantity{} : l.qty - l.cum;
  r.reason = std::move(reason);
  send_report(self, l, std::move(r));
}

void ensure_acked(fix_ptr self, fix_leg& l) {
  if (l.acked)
    return;
  l.acked = true;
  report_simple(self, l, venue_report_kind::ack, "");
}

/// Books the part of a report's CumQty this leg has not booked yet; false
/// if there is none (a duplicate, or a report behind one already applied).
bool book_fill(fix_ptr self, fix_leg& l, quantity venue_cum, quantity last_qty, price last_px,
               quantity leaves, const std::string& exec_id, int64_t venue_ns,
               money fee = {}) {
  auto& st = self->state;
  if (venue_cum <= l.cum)
    return false;
  auto qty = venue_cum - l.cum;
  if (last_qty.is_positive() && last_qty < qty)
    qty = last_qty; // CumQty jumped past this fill: later fills come on their own
  if (l.cum + qty > l.qty) {
    st.log->error("venue={} order_id={} leg={} event=overfill_refused cum={} fill={} qty={}",
                  st.opts.cfg.id.value, to_string(l.id), l.leg, to_string(l.cum),
                  to_string(qty), to_string(l.qty));
    qty = l.qty - l.cum;
    if (!qty.is_positive())
      return false;
  }
  ensure_acked(self, l);
  l.cum += qty;
  l.value += exact_value(last_px, qty);
  venue_report r;
  r.kind = venue_report_kind::fill;
  r.last_qty = qty;
  r.last_px = last_px;
  r.cum_qty = l.cum;
  r.leaves_qty = l.cum >= l.qty ? quantity{} : (leaves.is_positive() ? leaves : l.qty - l.cum);
  r.exec_id = exec_id;
  r.venue_ns = venue_ns;
  r.fee = fee;
  ++st.counters.fills;
  bool filled = r.leaves_qty.is_zero();
  if (filled)
    mark_done(st, l);
  send_report(self, l, std::move(r));
  return true;
}

// ------------------------------------------------------------------ sending

fixmap::order_terms terms_of(const fix_leg& l) {
  fixmap::order_terms t;
  t.cl_ord_id = l.live_clid;
  t.order_id = l.venue_order_id;
  t.symbol = l.symbol;
  t.side = l.side;
  t.type = l.type;
  t.tif = l.tif;
  t.qty = l.qty;
  t.px = l.px;
  t.transact_ns = wall_ns();
  return t;
}

bool logged_on(fix_ptr self) {
  return self->state.counters.session_state == "logged_on";
}

bool send_fix(fix_ptr self, const fix::message& m, std::string& why) {
  auto& st = self->state;
  if (!st.engine->send(st.session, m, &why)) {
    st.log->warn("venue={} event=send_failed msg_type={} reason=\"{}\"", st.opts.cfg.id.value,
                 m.msg_type, why);
    return false;
  }
  return true;
}

void arm_timer(fix_ptr self, fix_leg& l, std::chrono::milliseconds d) {
  ++l.generation;
  self->delayed_send(self, d, fix_timeout_atom::value, leg_key(l.id, l.leg), l.generation);
}

void add_clid(fix_venue_state& st, fix_leg& l, const std::string& c) {
  if (st.clids.emplace(c, leg_key(l.id, l.leg)).second)
    l.clids.push_back(c);
}

std::string next_clid(fix_venue_state& st, fix_leg& l) {
  auto c = fixmap::cl_ord_id(l.id, l.leg, l.next_n++);
  add_clid(st, l, c);
  return c;
}

void request_status(fix_ptr self, fix_leg& l, pending_kind why) {
  auto& st = self->state;
  if (st.unsupported.count("H") > 0 || !logged_on(self)) {
    l.unknown = true;
    return;
  }
  std::string err;
  if (!send_fix(self, fixmap::status_request(st.fields, terms_of(l)), err)) {
    l.unknown = true;
    return;
  }
  l.status_for = why;
  if (l.pending == pending_kind::none)
    l.pending = pending_kind::status;
  arm_timer(self, l, st.opts.cfg.status_timeout);
}

/// Ends a cancel or replace in flight with a reject (the leg keeps working).
void fail_pending(fix_ptr self, fix_leg& l, pending_kind what, std::string reason) {
  l.pending = pending_kind::none;
  l.status_for = pending_kind::none;
  l.pending_clid.clear();
  ++l.generation;
  report_simple(self, l,
                what == pending_kind::replace ? venue_report_kind::replace_rejected
                                              : venue_report_kind::cancel_rejected,
                std::move(reason));
}

/// Symbol (55) as venues know it: the instrument's primary symbol.
std::string symbol_of(const fix_venue_state& st, const instrument_id& id) {
  if (st.opts.refdata)
    if (auto inst = st.opts.refdata->find(id))
      return inst->symbol;
  return id.value;
}

/// A new leg with what both its starts know (a new order, or a rebind after
/// a restart), under its first ClOrdID.
fix_leg& start_leg(fix_venue_state& st, const std::string& key, order_id id, uint32_t leg,
                   venue_report_sink reply_to, const instrument_id& inst, om::side side,
                   quantity qty) {
  auto& l = st.legs[key];
  l.id = id;
  l.leg = leg;
  l.reply_to = std::move(reply_to);
  l.symbol = symbol_of(st, inst);
  l.side = side;
  l.qty = qty;
  l.live_clid = fixmap::cl_ord_id(id, leg, 0);
  add_clid(st, l, l.live_clid);
  return l;
}

void on_new(fix_ptr self, const venue_new_order& req) {
  auto& st = self->state;
  ++st.counters.orders;
  auto key = leg_key(req.id, req.leg);
  if (st.legs.count(key) > 0) {
    st.log->warn("venue={} order_id={} leg={} event=duplicate_new", st.opts.cfg.id.value,
                 to_string(req.id), req.leg);
    return;
  }
  auto& l = start_leg(st, key, req.id, req.leg, req.reply_to, req.instrument, req.side, req.qty);
  l.type = req.type;
  l.tif = req.tif;
  l.px = req.px;
  auto reject = [&](std::string why) {
    ++st.counters.rejects;
    mark_done(st, l);
    report_simple(self, l, venue_report_kind::reject, std::move(why));
  };
  if (!logged_on(self))
    return reject("venue down: FIX session " + st.counters.session_state);
  std::string err;
  if (!send_fix(self, fixmap::new_order_single(st.fields, terms_of(l)), err))
    return reject("venue down: " + err);
}

void on_cancel(fix_ptr self, const venue_cancel_order& req) {
  auto& st = self->state;
  auto i = st.legs.find(leg_key(req.id, req.leg));
  if (i == st.legs.end()) {
    st.log->warn("venue={} order_id={} leg={} event=cancel_unknown", st.opts.cfg.id.value,
                 to_string(req.id), req.leg);
    return;
  }
  auto& l = i->second;
  if (l.done)
    return report_simple(self, l, venue_report_kind::cancel_rejected, "order already done");
  if (l.pending == pending_kind::cancel || l.pending == pending_kind::replace)
    return report_simple(self, l, venue_report_kind::cancel_rejected,
                         "a cancel or replace is already in flight at the venue");
  if (st.unsupported.count("F") > 0)
    return report_simple(self, l, venue_report_kind::cancel_rejected,
                         "venue does not support OrderCancelRequest (F)");
  if (!logged_on(self))
    return report_simple(self, l, venue_report_kind::cancel_rejected,
                         "venue down: FIX session " + st.counters.session_state);
  auto t = terms_of(l);
  t.orig_cl_ord_id = l.live_clid;
  t.cl_ord_id = next_clid(st, l);
  std::string err;
  if (!send_fix(self, fixmap::cancel_request(st.fields, t), err))
    return report_simple(self, l, venue_report_kind::cancel_rejected, "venue down: " + err);
  l.pending = pending_kind::cancel;
  l.pending_clid = t.cl_ord_id;
  arm_timer(self, l, st.opts.cfg.cancel_timeout);
}

void send_replacement_new(fix_ptr self, fix_leg& l);

void on_replace(fix_ptr self, const venue_replace_order& req) {
  auto& st = self->state;
  auto i = st.legs.find(leg_key(req.id, req.leg));
  if (i == st.legs.end())
    return;
  auto& l = i->second;
  if (l.done)
    return report_simple(self, l, venue_report_kind::replace_rejected, "order already done");
  if (l.pending == pending_kind::cancel || l.pending == pending_kind::replace)
    return report_simple(self, l, venue_report_kind::replace_rejected,
                         "a cancel or replace is already in flight at the venue");
  if (!logged_on(self))
    return report_simple(self, l, venue_report_kind::replace_rejected,
                         "venue down: FIX session " + st.counters.session_state);
  if (st.unsupported.count("G") > 0 && !st.opts.cfg.replace_by_cancel_new)
    return report_simple(self, l, venue_report_kind::replace_rejected,
                         "venue does not support OrderCancelReplaceRequest (G)");
  auto t = terms_of(l);
  t.orig_cl_ord_id = l.live_clid;
  t.cl_ord_id = next_clid(st, l);
  t.qty = req.qty;
  t.px = req.px;
  l.pending_qty = req.qty;
  l.pending_px = req.px;
  std::string err;
  bool by_cancel = st.unsupported.count("G") > 0;
  auto m = by_cancel ? fixmap::cancel_request(st.fields, [&] {
    auto c = t;
    c.qty = l.qty;
    return c;
  }())
                     : fixmap::replace_request(st.fields, t);
  if (!send_fix(self, m, err))
    return report_simple(self, l, venue_report_kind::replace_rejected, "venue down: " + err);
  l.pending = pending_kind::replace;
  l.pending_clid = t.cl_ord_id;
  arm_timer(self, l, st.opts.cfg.cancel_timeout);
}

// ------------------------------------------------------------------ inbound

fix_leg* leg_of(fix_venue_state& st, const std::string& clid) {
  auto i = st.clids.find(clid);
  if (i == st.clids.end())
    return nullptr;
  auto j = st.legs.find(i->second);
  return j == st.legs.end() ? nullptr : &j->second;
}

bool seen_exec(fix_venue_state& st, const std::string& exec_id) {
  if (exec_id.empty())
    return false;
  if (!st.exec_ids.insert(exec_id).second)
    return true;
  st.exec_order.push_back(exec_id);
  while (st.exec_order.size() > exec_id_retention) {
    st.exec_ids.erase(st.exec_order.front());
    st.exec_order.pop_front();
  }
  return false;
}

void note_venue_cum(fix_venue_state& st, fix_leg& l, const fixmap::exec_report& r) {
  auto cum = r.cum_qty + l.base;
  if (cum <= l.venue_cum)
    return;
  if (st.executed.size() >= execution_retention && st.executed.count(l.id.value) == 0) {
    st.executed_truncated = true; // the ledger is full: reconciliation says partial
    l.venue_cum = cum;
    return;
  }
  auto& x = st.executed[l.id.value];
  x.id = l.id;
  x.qty += cum - l.venue_cum;
  if (r.kind == fixmap::exec_kind::trade)
    ++x.fills;
  l.venue_cum = cum;
}

void note_duplicate(fix_venue_state& st, const fix_leg& l, const fixmap::exec_report& r) {
  ++st.counters.duplicates;
  st.log->info("venue={} order_id={} leg={} event=duplicate_ignored exec_id={} poss_dup={} "
               "cum_qty={} booked={}",
               st.opts.cfg.id.value, to_string(l.id), l.leg, r.exec_id, r.poss_dup,
               to_string(r.cum_qty), to_string(l.cum));
}

/// A replace the venue confirmed: the leg's terms and ClOrdID move on.
void apply_replaced(fix_ptr self, fix_leg& l, const fixmap::exec_report& r) {
  l.live_clid = r.cl_ord_id.empty() ? l.pending_clid : r.cl_ord_id;
  l.qty = l.pending_qty.is_positive() ? l.pending_qty : r.cum_qty + r.leaves_qty;
  if (l.pending_px.is_positive())
    l.px = l.pending_px;
  l.pending = pending_kind::none;
  l.pending_clid.clear();
  ++l.generation;
  ++self->state.counters.replaces;
  venue_report out;
  out.kind = venue_report_kind::replaced;
  out.cum_qty = l.cum;
  out.leaves_qty = l.qty > l.cum ? l.qty - l.cum : quantity{};
  send_report(self, l, std::move(out));
}

void apply_status(fix_ptr self, fix_leg& l, const fixmap::exec_report& r, int64_t now) {
  auto& st = self->state;
  auto why = l.status_for;
  l.status_for = pending_kind::none;
  // Only a status request's own timer ends here: a cancel sent after it
  // keeps its timer.
  bool owned = l.pending == pending_kind::status || why != pending_kind::none;
  if (l.pending == pending_kind::status)
    l.pending = pending_kind::none;
  if (owned)
    ++l.generation;
  l.unknown = false;
  auto vcum = r.cum_qty + l.base;
  // Fills the venue booked that we have not: booked now, at the price that
  // makes our average equal the venue's.
  if (vcum > l.cum) {
    auto missing = vcum - l.cum;
    auto px = r.avg_px;
    if (l.base.is_zero()) {
      auto venue_value = exact_value(r.avg_px, r.cum_qty);
      px = average_price(venue_value - l.value, missing);
      if (!px.is_positive())
        px = r.avg_px;
    }
    st.log->warn("venue={} order_id={} leg={} event=reconciled_fill qty={} px={}",
                 st.opts.cfg.id.value, to_string(l.id), l.leg, to_string(missing),
                 to_string(px));
    book_fill(self, l, vcum, missing, px, r.leaves_qty,
              "recon-" + r.order_id + "-" + to_string(r.cum_qty), now);
  }
  if (l.done)
    return;
  switch (r.ord_status) {
    case '2':
      return; // filled: booked above
    case '4':
    case 'C':
    case '3':
      ++st.counters.cancels;
      mark_done(st, l);
      return report_simple(self, l, venue_report_kind::canceled,
                           r.ord_status == 'C' ? "expired at the venue" : "canceled at the venue");
    case '8':
      if (r.ord_rej_reason == 5 || !l.acked) {
        // The venue does not know the order (never received, or its book
        // was lost): closed so the order can end.
        mark_done(st, l);
        if (!l.acked) {
          ++st.counters.rejects;
          return report_simple(self, l, venue_report_kind::reject,
                               "venue has no such order: " + r.text);
        }
        ++st.counters.cancels;
        return report_simple(self, l, venue_report_kind::canceled,
                             "venue has no such order: " + r.text);
      }
      return;
    default:
      ensure_acked(self, l);
      if (why == pending_kind::cancel || why == pending_kind::replace)
        fail_pending(self, l, why,
                     std::string{"venue did not answer the "}
                       + (why == pending_kind::cancel ? "cancel" : "replace")
                       + "; it reports the order still working");
  }
}

void apply_exec(fix_ptr self, const fixmap::exec_report& r, int64_t now) {
  auto& st = self->state;
  auto l = leg_of(st, r.cl_ord_id);
  if (!l && !r.orig_cl_ord_id.empty())
    l = leg_of(st, r.orig_cl_ord_id);
  if (!l) {
    order_id id;
    uint32_t leg = 0, n = 0;
    if (fixmap::parse_cl_ord_id(r.cl_ord_id, id, leg, n)) {
      auto known = st.legs.find(leg_key(id, leg));
      if (known != st.legs.end()) {
        // A ClOrdID of this leg from before a restart (a replace the
        // venue knows it by): learn it and apply the report.
        auto& k = known->second;
        add_clid(st, k, r.cl_ord_id);
        if (n >= k.next_n)
          k.next_n = n + 1;
        if (r.kind == fixmap::exec_kind::replaced || r.kind == fixmap::exec_kind::trade
            || r.kind == fixmap::exec_kind::new_order)
          k.live_clid = r.cl_ord_id;
        return apply_exec(self, r, now);
      }
      // Ours, not bound yet: kept for the order actor's rebind (bounded).
      auto& q = st.early[leg_key(id, leg)];
      if (st.early.size() <= 100'000 && q.size() < 1000)
        q.push_back(r);
      return;
    }
    ++st.counters.foreign_reports;
    st.log->warn("venue={} event=foreign_report cl_ord_id={} order_id={} exec_type={} "
                 "note=\"an order this node does not know; check it with the venue\"",
                 st.opts.cfg.id.value, r.cl_ord_id, r.order_id, to_string(r.kind));
    return;
  }
  if (r.kind != fixmap::exec_kind::order_status && r.kind != fixmap::exec_kind::restated
      && seen_exec(st, r.exec_id))
    return note_duplicate(st, *l, r);
  if (!r.order_id.empty())
    l->venue_order_id = r.order_id; // venues may change it between reports
  note_venue_cum(st, *l, r);
  int64_t venue_ns = r.transact_ns ? *r.transact_ns : now;
  bool pending_for = !l->pending_clid.empty() && r.cl_ord_id == l->pending_clid;
  switch (r.kind) {
    case fixmap::exec_kind::pending_new:
    case fixmap::exec_kind::pending_cancel:
    case fixmap::exec_kind::pending_replace:
      return;
    case fixmap::exec_kind::new_order:
      if (l->done)
        return;
      return ensure_acked(self, *l);
    case fixmap::exec_kind::trade: {
      auto vcum = r.cum_qty + l->base;
      if (r.poss_dup && vcum <= l->cum)
        return note_duplicate(st, *l, r);
      if (!book_fill(self, *l, vcum, r.last_qty, r.last_px, r.leaves_qty, r.exec_id,
                     venue_ns, r.commission))
        note_duplicate(st, *l, r);
      if (!l->done && vcum > l->cum) {
        // CumQty is ahead of what we booked: a report was missed. The
        // status answer books the rest at the venue's average price.
        st.log->warn("venue={} order_id={} leg={} event=cum_gap venue_cum={} booked={}",
                     st.opts.cfg.id.value, to_string(l->id), l->leg, to_string(vcum),
                     to_string(l->cum));
        if (l->pending == pending_kind::none)
          request_status(self, *l, pending_kind::none);
      } else if (!l->done && r.leaves_qty.is_zero()
                 && (r.ord_status == '4' || r.ord_status == 'C' || r.ord_status == '3')) {
        // An IOC's last trade that also ends it: the rest is canceled.
        ++st.counters.cancels;
        mark_done(st, *l);
        report_simple(self, *l, venue_report_kind::canceled,
                      "the venue ended the order after this fill (LeavesQty 0)");
        return;
      }
      // A fill can carry the replace's new ClOrdID: the replace went through.
      if (pending_for && l->pending == pending_kind::replace && !l->done)
        apply_replaced(self, *l, r);
      return;
    }
    case fixmap::exec_kind::canceled:
    case fixmap::exec_kind::expired:
    case fixmap::exec_kind::done_for_day: {
      if (l->done)
        return;
      // Fills the cancel report shows but we have not seen come first.
      if (auto vcum = r.cum_qty + l->base; vcum > l->cum)
        book_fill(self, *l, vcum, vcum - l->cum, r.avg_px, quantity{}, r.exec_id + "-cum",
                  venue_ns);
      if (l->done)
        return;
      if (l->pending == pending_kind::replace && st.unsupported.count("G") > 0 && pending_for) {
        // Cancel-and-resend: the cancel half is done; send the new terms.
        return send_replacement_new(self, *l);
      }
      l->pending = pending_kind::none;
      ++l->generation;
      ++st.counters.cancels;
      mark_done(st, *l);
      std::string why = r.kind == fixmap::exec_kind::expired    ? "expired at the venue"
                        : r.kind == fixmap::exec_kind::done_for_day ? "done for day"
                                                                    : r.text;
      return report_simple(self, *l, venue_report_kind::canceled, why);
    }
    case fixmap::exec_kind::replaced:
      if (l->done)
        return;
      if (auto vcum = r.cum_qty + l->base; vcum > l->cum)
        book_fill(self, *l, vcum, vcum - l->cum, r.avg_px, r.leaves_qty, r.exec_id + "-cum",
                  venue_ns);
      return apply_replaced(self, *l, r);
    case fixmap::exec_kind::rejected:
      if (pending_for && l->pending != pending_kind::none)
        return fail_pending(self, *l, l->pending, "venue rejected: " + r.text);
      if (l->base.is_positive() && r.cl_ord_id == l->live_clid && !l->done) {
        // The new order of a cancel-and-resend amend was refused: the leg
        // ends with what it filled.
        ++st.counters.cancels;
        mark_done(st, *l);
        return report_simple(self, *l, venue_report_kind::canceled,
                             "the venue rejected the amended order: " + r.text);
      }
      if (l->acked || l->done) {
        st.log->warn("venue={} order_id={} leg={} event=late_reject text=\"{}\"",
                     st.opts.cfg.id.value, to_string(l->id), l->leg, r.text);
        return;
      }
      ++st.counters.rejects;
      mark_done(st, *l);
      return report_simple(self, *l, venue_report_kind::reject,
                           r.text.empty() ? "rejected by venue" : r.text);
    case fixmap::exec_kind::order_status:
      return apply_status(self, *l, r, now);
    case fixmap::exec_kind::restated:
      st.log->info("venue={} order_id={} leg={} event=restated text=\"{}\"",
                   st.opts.cfg.id.value, to_string(l->id), l->leg, r.text);
      return;
    case fixmap::exec_kind::trade_bust:
      // Busts and corrections change booked fills: an operator's call.
      st.log->error("venue={} order_id={} leg={} event=trade_bust exec_id={} "
                    "note=\"venue busted or corrected a fill; review with the venue\"",
                    st.opts.cfg.id.value, to_string(l->id), l->leg, r.exec_id);
      l->unknown = true;
      return;
    case fixmap::exec_kind::other:
      return;
  }
}

void send_replacement_new(fix_ptr self, fix_leg& l) {
  // The venue canceled the old order; the leg continues as a new one with
  // the amended terms (its fills so far stay booked).
  auto& st = self->state;
  l.qty = l.pending_qty;
  l.px = l.pending_px;
  auto remaining = l.qty > l.cum ? l.qty - l.cum : quantity{};
  // A ClOrdID of its own (the cancel's is taken), and the new venue order
  // counts CumQty from zero on top of what the leg has.
  l.live_clid = next_clid(st, l);
  l.base = l.cum;
  l.pending = pending_kind::none;
  l.pending_clid.clear();
  ++l.generation;
  if (!remaining.is_positive()) {
    mark_done(st, l);
    return report_simple(self, l, venue_report_kind::canceled, "amended below the filled quantity");
  }
  auto t = terms_of(l);
  t.qty = remaining;
  std::string err;
  if (!send_fix(self, fixmap::new_order_single(st.fields, t), err)) {
    mark_done(st, l);
    return report_simple(self, l, venue_report_kind::canceled, "venue down: " + err);
  }
  // The venue's new order counts from zero; the leg keeps its cum.
  l.qty = l.cum + remaining;
  ++st.counters.replaces;
  report_simple(self, l, venue_report_kind::replaced, "");
}

void apply_cancel_reject(fix_ptr self, const fixmap::cancel_reject& r) {
  auto& st = self->state;
  auto l = leg_of(st, r.cl_ord_id);
  if (!l)
    l = leg_of(st, r.orig_cl_ord_id);
  if (!l) {
    ++st.counters.foreign_reports;
    return;
  }
  if (l->pending != pending_kind::cancel && l->pending != pending_kind::replace)
    return;
  auto what = r.for_replace ? pending_kind::replace : pending_kind::cancel;
  if (l->pending != what && !(l->pending == pending_kind::replace && !r.for_replace))
    return;
  std::string why = r.text.empty() ? "venue refused" : r.text;
  if (r.reason >= 0)
    why += " (CxlRejReason " + std::to_string(r.reason) + ")";
  fail_pending(self, *l, l->pending, why);
}

void feed_lost(fix_ptr self, fix_venue_state::md_sub& sub, const std::string& why);

void apply_message_reject(fix_ptr self, const fixmap::message_reject& r) {
  auto& st = self->state;
  auto text = fixmap::describe_reject(r);
  st.log->warn("venue={} event=message_reject ref_msg_type={} ref_seq={} cl_ord_id={} "
               "text=\"{}\"",
               st.opts.cfg.id.value, r.ref_msg_type, r.ref_seq, r.ref_cl_ord_id, text);
  if (!r.session_level && r.reason == 3 && !r.ref_msg_type.empty()
      && st.unsupported.insert(r.ref_msg_type).second) {
    st.counters.unsupported.assign(st.unsupported.begin(), st.unsupported.end());
    st.log->warn("venue={} event=capability_missing msg_type={}", st.opts.cfg.id.value,
                 r.ref_msg_type);
  }
  if (r.ref_msg_type == "V") {
    // No market data from this venue (one reject per subscription).
    auto i = st.md_by_req.find(r.ref_id);
    for (auto& [_, sub] : st.md)
      if (i == st.md_by_req.end() || sub.req_id == r.ref_id) {
        sub.refused = true;
        feed_lost(self, sub, "market data refused: " + text);
      }
    ++st.counters.md_refused;
    return;
  }
  auto l = leg_of(st, r.ref_cl_ord_id);
  if (!l)
    return;
  auto type = r.ref_msg_type;
  if (type.empty()) {
    // A session Reject may omit RefMsgType: it is what the ClOrdID was for.
    type = r.ref_cl_ord_id == fixmap::cl_ord_id(l->id, l->leg, 0) ? "D"
           : l->pending == pending_kind::cancel                    ? "F"
           : l->pending == pending_kind::replace                   ? "G"
                                                                   : "H";
  }
  if (type == "D") {
    if (l->done || l->acked)
      return;
    ++st.counters.rejects;
    mark_done(st, *l);
    return report_simple(self, *l, venue_report_kind::reject, text);
  }
  if (type == "G" && l->pending == pending_kind::replace && st.opts.cfg.replace_by_cancel_new
      && !r.session_level && r.reason == 3) {
    // Retried as a cancel and a new order.
    l->pending = pending_kind::none;
    venue_replace_order again{l->id, l->leg, l->pending_qty, l->pending_px};
    return on_replace(self, again);
  }
  if ((type == "F" && l->pending == pending_kind::cancel)
      || (type == "G" && l->pending == pending_kind::replace))
    return fail_pending(self, *l, l->pending, text);
  if (type == "F" && l->pending == pending_kind::replace && st.unsupported.count("G") > 0)
    return fail_pending(self, *l, l->pending, text);
  if (type == "H") {
    auto why = l->status_for;
    l->status_for = pending_kind::none;
    if (l->pending == pending_kind::status)
      l->pending = pending_kind::none;
    l->unknown = true;
    if (why == pending_kind::cancel || why == pending_kind::replace)
      fail_pending(self, *l, why, "venue did not answer and cannot report status: leg state unknown");
  }
}

void on_timeout(fix_ptr self, const std::string& key, uint64_t generation) {
  auto& st = self->state;
  auto i = st.legs.find(key);
  if (i == st.legs.end())
    return;
  auto& l = i->second;
  if (l.generation != generation || l.done)
    return;
  if (l.status_for != pending_kind::none || l.pending == pending_kind::status) {
    // No status answer either: the leg is unknown until the venue reports.
    auto why = l.status_for;
    l.status_for = pending_kind::none;
    if (l.pending == pending_kind::status)
      l.pending = pending_kind::none;
    l.unknown = true;
    st.log->error("venue={} order_id={} leg={} event=leg_unknown "
                  "note=\"no answer to a status request\"",
                  st.opts.cfg.id.value, to_string(l.id), l.leg);
    if (why == pending_kind::cancel || why == pending_kind::replace)
      fail_pending(self, l, why, "venue did not answer; leg state unknown");
    return;
  }
  if (l.pending == pending_kind::cancel || l.pending == pending_kind::replace) {
    st.log->warn("venue={} order_id={} leg={} event=request_timeout kind={}",
                 st.opts.cfg.id.value, to_string(l.id), l.leg,
                 l.pending == pending_kind::cancel ? "cancel" : "replace");
    auto what = l.pending;
    if (st.unsupported.count("H") > 0 || !logged_on(self)) {
      l.unknown = true;
      return fail_pending(self, l, what, "venue did not answer; leg state unknown");
    }
    request_status(self, l, what);
  }
}

void on_rebind(fix_ptr self, const venue_rebind& req) {
  auto& st = self->state;
  auto key = leg_key(req.id, req.leg);
  auto i = st.legs.find(key);
  if (i != st.legs.end()) {
    auto& l = i->second;
    l.reply_to = req.reply_to;
    for (auto& r : l.log)
      if (r.seq > req.last_seq)
        caf::anon_send(l.reply_to, r);
    return;
  }
  // A leg this actor never saw (the node restarted): rebuilt from what the
  // order actor knows, then reconciled with the venue.
  auto& l = start_leg(st, key, req.id, req.leg, req.reply_to, req.instrument, req.side, req.qty);
  l.cum = req.cum_qty;
  l.seq = req.last_seq;
  l.acked = req.last_seq > 0;
  l.venue_order_id = req.venue_order_id;
  // Past any ClOrdID an earlier incarnation used: ten per second of wall
  // clock, so restarts a second or more apart never reuse one.
  l.next_n = static_cast<uint32_t>((wall_ns() / 1'000'000'000) % 400'000'000 * 10);
  l.unknown = true;
  auto e = st.early.find(key);
  if (e != st.early.end()) {
    auto reports = std::move(e->second);
    st.early.erase(e);
    for (auto& r : reports) {
      add_clid(st, l, r.cl_ord_id);
      apply_exec(self, r, wall_ns());
    }
  }
  if (!l.done)
    request_status(self, l, pending_kind::none);
}

// ------------------------------------------------------------------ session

/// Tells every router whether this venue can take orders. Routers start
/// with FIX venues down, so "up" is retried until a router has heard it (a
/// logon can come before the router registers).
void send_availability(fix_ptr self, venue_availability_changed e, int attempt) {
  auto dir = find_directory(self->system());
  if (!dir)
    return;
  self->request(dir, std::chrono::seconds{2}, list_atom::value, std::string{svc::router})
    .then(
      [self, e, attempt](const std::vector<directory_entry>& routers) {
        for (auto& r : routers)
          caf::anon_send(r.handle, e);
        if (routers.empty() && attempt < 120 && self->state.published_up == e.up)
          self->delayed_send(self, std::chrono::milliseconds{500}, fix_availability_atom::value,
                             attempt + 1);
      },
      [self](caf::error& err) {
        self->state.log->warn("venue={} event=availability_not_published reason=\"{}\"",
                              self->state.opts.cfg.id.value, to_string(err));
      });
}

void publish_availability(fix_ptr self, bool up, const std::string& why) {
  auto& st = self->state;
  if (st.published_up == up)
    return; // routers know already
  st.published_up = up;
  st.availability_why = why;
  send_availability(self, venue_availability_changed{st.opts.cfg.id, up, why}, 0);
}

void schedule_reconnect(fix_ptr self) {
  auto& st = self->state;
  if (st.reconnect_scheduled)
    return;
  st.reconnect_scheduled = true;
  auto& cfg = st.opts.cfg;
  st.backoff = st.backoff.count() == 0 ? cfg.reconnect_initial
                                       : std::min(cfg.reconnect_max, st.backoff * 2);
  std::uniform_real_distribution<double> jitter{0.8, 1.2};
  auto wait = std::chrono::milliseconds{
    static_cast<int64_t>(static_cast<double>(st.backoff.count()) * jitter(st.rng))};
  st.log->info("venue={} event=reconnect_scheduled in_ms={}", cfg.id.value, wait.count());
  self->delayed_send(self, wait, fix_reconnect_atom::value);
}

/// At logon: every open leg is asked for. A request that was in flight
/// when the session dropped may never have reached the venue (this engine
/// gap-fills order messages instead of resending them), so a pending cancel
/// is sent again under a new ClOrdID, and a pending replace or status is
/// settled by a fresh status request.
void reconcile_open_legs(fix_ptr self) {
  auto& st = self->state;
  size_t n = 0, cancels = 0;
  std::vector<venue_cancel_order> again;
  for (auto& [_, l] : st.legs) {
    if (l.done)
      continue;
    ++n;
    switch (l.pending) {
      case pending_kind::none:
      case pending_kind::status:
        l.pending = pending_kind::none;
        request_status(self, l, l.status_for);
        break;
      case pending_kind::cancel:
        l.pending = pending_kind::none;
        l.pending_clid.clear();
        ++l.generation;
        again.push_back(venue_cancel_order{l.id, l.leg});
        break;
      case pending_kind::replace:
        request_status(self, l, pending_kind::replace);
        break;
    }
  }
  for (auto& c : again) {
    on_cancel(self, c);
    ++cancels;
  }
  if (n > 0)
    st.log->info("venue={} event=reconcile legs={} cancels_sent_again={}", st.opts.cfg.id.value,
                 n, cancels);
}

// -------------------------------------------------------------- market data

/// One subscription per instrument of the venue's asset classes.
void plan_market_data(fix_venue_state& st) {
  auto& cfg = st.opts.cfg;
  if (!cfg.market_data || !st.opts.refdata)
    return;
  for (auto& inst : st.opts.refdata->instruments()) {
    if (inst.status == trading_status::inactive)
      continue;
    if (!cfg.asset_classes.empty()
        && std::find(cfg.asset_classes.begin(), cfg.asset_classes.end(), inst.cls)
             == cfg.asset_classes.end())
      continue;
    auto& sub = st.md[inst.symbol];
    sub.inst = inst.id;
    sub.req_id = "md-" + inst.id.value;
    sub.top.instrument = inst.id;
    sub.top.venue = cfg.id;
    st.md_by_req[sub.req_id] = inst.symbol;
  }
}

void subscribe_market_data(fix_ptr self) {
  auto& st = self->state;
  size_t n = 0;
  for (auto& [symbol, sub] : st.md) {
    sub.refused = false;
    std::string why;
    if (send_fix(self, fixmap::market_data_request(st.fields, sub.req_id, symbol, true), why))
      ++n;
  }
  if (n > 0)
    st.log->info("venue={} event=market_data_subscribed instruments={}", st.opts.cfg.id.value, n);
}

/// Sends a subscription's top to its market-data actor, finding the actor
/// first if needed (an update that finds none is dropped: the next one,
/// seconds later at most, carries the whole top again).
void forward_quote(fix_ptr self, fix_venue_state::md_sub& sub) {
  auto& st = self->state;
  if (sub.sink) {
    self->send(sub.sink, sub.top);
    return;
  }
  auto dir = find_directory(self->system());
  if (!dir || sub.resolving)
    return;
  sub.resolving = true;
  auto symbol = st.md_by_req[sub.req_id];
  self->request(dir, std::chrono::seconds{2}, resolve_atom::value, std::string{svc::market_data}, sub.inst.value)
    .then(
      [self, symbol](caf::actor h) {
        auto i = self->state.md.find(symbol);
        if (i == self->state.md.end())
          return;
        i->second.resolving = false;
        i->second.sink = caf::actor_cast<market_data_actor>(h);
        self->monitor(i->second.sink);
        self->send(i->second.sink, i->second.top);
      },
      [self, symbol](caf::error&) {
        auto i = self->state.md.find(symbol);
        if (i != self->state.md.end())
          i->second.resolving = false;
      });
}

void feed_lost(fix_ptr self, fix_venue_state::md_sub& sub, const std::string& why) {
  sub.top.bid_qty = quantity{};
  sub.top.ask_qty = quantity{};
  sub.top.last_qty = quantity{};
  if (sub.sink)
    self->send(sub.sink, md_feed_lost{sub.inst, self->state.opts.cfg.id, why});
}

void apply_market_data(fix_ptr self, const fixmap::market_data& m, int64_t received_ns) {
  auto& st = self->state;
  std::vector<fix_venue_state::md_sub*> touched;
  for (auto& e : m.entries) {
    auto i = st.md.find(e.symbol);
    if (i == st.md.end()) {
      st.log->debug("venue={} event=md_unknown_symbol symbol={}", st.opts.cfg.id.value, e.symbol);
      continue;
    }
    auto& sub = i->second;
    auto& q = sub.top;
    if (std::find(touched.begin(), touched.end(), &sub) == touched.end()) {
      touched.push_back(&sub);
      q.last_qty = quantity{}; // a trade belongs to the update that reports it
      if (m.snapshot) {
        q.bid_qty = quantity{};
        q.ask_qty = quantity{};
      }
    }
    bool del = e.action == '2';
    switch (e.type) {
      case '0':
        q.bid_px = del ? price{} : e.px;
        q.bid_qty = del ? quantity{} : e.qty;
        break;
      case '1':
        q.ask_px = del ? price{} : e.px;
        q.ask_qty = del ? quantity{} : e.qty;
        break;
      case '2':
        if (!del) {
          q.last_px = e.px;
          q.last_qty = e.qty;
        }
        break;
      default:
        break; // other entry types (opening, closing, imbalance, ...) are not used
    }
  }
  for (auto* sub : touched) {
    sub->top.received_ns = received_ns;
    sub->top.venue_ns = received_ns;
    ++st.counters.md_updates;
    forward_quote(self, *sub);
  }
}

void apply_md_reject(fix_ptr self, const fixmap::md_reject& r) {
  auto& st = self->state;
  auto i = st.md_by_req.find(r.req_id);
  std::string why = "the venue refused the market data request"
                    + (r.reason >= 0 ? " (reason " + std::to_string(r.reason) + ")" : std::string{})
                    + (r.text.empty() ? std::string{} : ": " + r.text);
  st.counters.last_error = why;
  st.log->warn("venue={} event=market_data_refused req_id={} text=\"{}\"", st.opts.cfg.id.value,
               r.req_id, why);
  if (i == st.md_by_req.end())
    return;
  auto& sub = st.md[i->second];
  sub.refused = true;
  ++st.counters.md_refused;
  feed_lost(self, sub, why);
}

/// A failed logon or connect stays the session's state, for operators to
/// see, until a logon succeeds (retries go on meanwhile).
bool failing(const venue_counters& c) {
  return c.session_state == "logon_refused" || c.session_state == "connect_failed";
}

void on_session_event(fix_ptr self, const fix::event& e) {
  auto& st = self->state;
  auto& c = st.counters;
  auto& id = st.opts.cfg.id.value;
  switch (e.kind) {
    case fix::event_kind::created:
      return;
    case fix::event_kind::logon_sent:
      if (!failing(c))
        c.session_state = "logon_sent";
      return;
    case fix::event_kind::logged_on: {
      c.session_state = "logged_on";
      c.last_error.clear();
      st.peer_logout.clear();
      c.peer_skew_ms = e.peer_skew_ns / 1'000'000;
      st.backoff = std::chrono::milliseconds{0};
      auto seqs = st.engine->seq_nums(st.session);
      st.log->info("venue={} event=logged_on session={} next_out={} next_in={} "
                   "peer_clock_skew_ms={}",
                   id, st.session, seqs.first, seqs.second, c.peer_skew_ms);
      if (std::abs(c.peer_skew_ms) > 1000)
        st.log->warn("venue={} event=clock_skew peer_clock_skew_ms={} "
                     "note=\"the venue's clock differs from ours; timestamps compare badly\"",
                     id, c.peer_skew_ms);
      publish_availability(self, true, "");
      subscribe_market_data(self);
      return reconcile_open_legs(self);
    }
    case fix::event_kind::disconnected:
      if (e.was_logged_on) {
        c.session_state = "disconnected";
        ++c.reconnects;
        size_t open = 0;
        for (auto& [_, l] : st.legs)
          if (!l.done) {
            l.unknown = true;
            ++open;
          }
        st.log->warn("venue={} event=disconnected open_legs={} "
                     "note=\"open legs are unknown until reconciled at logon\"",
                     id, open);
        publish_availability(self, false, "FIX session disconnected");
        for (auto& [_, sub] : st.md)
          feed_lost(self, sub, "FIX session disconnected");
      } else {
        c.session_state = "logon_refused";
        c.last_error = st.peer_logout.empty()
                         ? "the venue closed the connection after our Logon without answering: "
                           "check SenderCompID/TargetCompID and BeginString "
                           "(sent " + st.session + ")"
                         : "the venue refused our Logon: " + st.peer_logout;
        st.log->error("venue={} event=logon_refused session={} note=\"{}\"", id, st.session,
                      c.last_error);
        publish_availability(self, false, "logon refused");
      }
      return schedule_reconnect(self);
    case fix::event_kind::note:
      if (e.text.rfind("peer logout: ", 0) == 0) {
        st.peer_logout = e.text.substr(13);
        st.log->warn("venue={} event=peer_logout text=\"{}\"", id, st.peer_logout);
        return;
      }
      if (e.text.rfind("Connection failed", 0) == 0) {
        c.session_state = "connect_failed";
        c.last_error = e.text;
        st.engine->enable(st.session, false);
        publish_availability(self, false, "cannot connect: " + e.text);
        st.log->warn("venue={} event=connect_failed host={} port={} text=\"{}\"", id,
                     st.opts.cfg.host, st.opts.cfg.port, e.text);
        return schedule_reconnect(self);
      }
      if (e.text.rfind("Connection succeeded", 0) == 0 && !failing(c))
        c.session_state = "connecting";
      if (e.text.find("Resend") != std::string::npos
          || e.text.find("SequenceReset") != std::string::npos
          || e.text.find("MsgSeqNum") != std::string::npos) {
        // Gaps and their repair: worth an operator's eye.
        st.log->info("venue={} event=sequence note=\"{}\"", id, e.text);
        return;
      }
      st.log->debug("venue={} event=session_note text=\"{}\"", id, e.text);
      return;
  }
}

void on_reconnect(fix_ptr self) {
  auto& st = self->state;
  st.reconnect_scheduled = false;
  if (logged_on(self))
    return;
  if (!failing(st.counters))
    st.counters.session_state = "connecting";
  st.engine->enable(st.session, true);
}

fix_venue_actor::behavior_type fix_venue_impl(fix_ptr self, fix_venue_options opts) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.rng.seed(st.opts.seed);
  auto& cfg = st.opts.cfg;
  st.counters.venue = cfg.id;
  st.fields.ver = *fixmap::parse_version(cfg.begin_string);
  st.fields.account = cfg.account;
  st.fields.ex_destination = cfg.ex_destination;
  st.fields.handl_inst = cfg.handl_inst;
  for (auto& [tag, value] : cfg.extra_tags)
    st.fields.extra.push_back(fix::field{tag, value});
  fix::session_spec spec;
  spec.begin_string = cfg.begin_string;
  spec.sender_comp_id = cfg.sender_comp_id;
  spec.target_comp_id = cfg.target_comp_id;
  spec.host = cfg.host;
  spec.port = cfg.port;
  spec.heartbeat_s = static_cast<int>(cfg.heartbeat_s);
  spec.store_dir = st.opts.store_dir;
  spec.data_dictionary = st.opts.data_dictionary;
  spec.reset_on_logon = cfg.reset_on_logon;
  st.session = fix::engine::key_of(spec);
  st.counters.session = st.session;
  plan_market_data(st);
  st.counters.md_subscriptions = static_cast<uint32_t>(st.md.size());
  self->set_down_handler([self](const caf::down_msg& m) {
    for (auto& [_, sub] : self->state.md)
      if (sub.sink && sub.sink.address() == m.source)
        sub.sink = nullptr; // restarted: found again at the next update
  });
  st.counters.session_state = "connecting";
  fix::handlers h;
  auto me = caf::actor_cast<caf::actor>(self);
  auto ver = st.fields.ver;
  h.on_app = [me, ver](const std::string&, const fix::message& m) -> fix::refusal {
    auto r = fixmap::read_inbound(ver, m);
    if (auto bad = std::get_if<fix::refusal>(&r)) {
      caf::anon_send(me, fix_refused{m.msg_type, *bad});
      return *bad;
    }
    caf::anon_send(me, fix_inbound{std::move(std::get<fixmap::inbound>(r)), wall_ns()});
    return {};
  };
  h.on_event = [me](const fix::event& e) { caf::anon_send(me, fix_session_event{e}); };
  std::string err;
  st.engine = fix::engine::make(fix::role::initiator, {spec}, std::move(h), &err);
  if (!st.engine || !st.engine->start(&err)) {
    st.log->error("venue={} event=start_failed reason=\"{}\"", cfg.id.value, err);
    self->quit(make_error(errc::config_invalid, "venue " + cfg.id.value + ": " + err));
    return fix_venue_actor::behavior_type::make_empty_behavior();
  }
  register_self(self, svc::venue, cfg.id.value);
  st.log->info("venue={} event=started kind=fix session={} host={} port={} store={}",
               cfg.id.value, st.session, cfg.host, cfg.port,
               st.opts.store_dir.empty() ? "memory" : st.opts.store_dir);
  // The state's destructor stops the engine (joins QuickFIX's threads):
  // this actor is detached, so that blocks no scheduler thread.
  return {
    [self](const venue_new_order& x) { on_new(self, x); },
    [self](const venue_cancel_order& x) { on_cancel(self, x); },
    [self](const venue_replace_order& x) { on_replace(self, x); },
    [self](const venue_rebind& x) { on_rebind(self, x); },
    [self](book_atom, const instrument_id& inst) {
      // The top of book from market data, when subscribed.
      book_view v;
      v.venue = self->state.opts.cfg.id;
      v.instrument = inst;
      for (auto& [_, sub] : self->state.md) {
        if (sub.inst != inst)
          continue;
        if (sub.top.bid_qty.is_positive())
          v.bids.push_back(book_level{sub.top.bid_px, sub.top.bid_qty, 0});
        if (sub.top.ask_qty.is_positive())
          v.asks.push_back(book_level{sub.top.ask_px, sub.top.ask_qty, 0});
      }
      return v;
    },
    [self](stats_atom) {
      auto& st = self->state;
      auto c = st.counters;
      c.mailbox = self->mailbox().size();
      for (auto& [_, l] : st.legs)
        if (l.unknown && !l.done)
          c.unknown_legs.push_back(to_string(l.id) + "/" + std::to_string(l.leg));
      return c;
    },
    [self](executions_atom) {
      // The venue's word, not our booking: the CumQty it reported per leg.
      auto& st = self->state;
      venue_executions v;
      v.venue = st.opts.cfg.id;
      v.truncated = st.executed_truncated;
      v.orders.reserve(st.executed.size());
      for (auto& [_, x] : st.executed)
        v.orders.push_back(x);
      return v;
    },
    [](tick_atom) {},
    [self](fix_inbound& in) {
      std::visit(
        [&](auto& m) {
          using T = std::decay_t<decltype(m)>;
          if constexpr (std::is_same_v<T, fixmap::exec_report>)
            apply_exec(self, m, in.received_ns);
          else if constexpr (std::is_same_v<T, fixmap::cancel_reject>)
            apply_cancel_reject(self, m);
          else if constexpr (std::is_same_v<T, fixmap::market_data>)
            apply_market_data(self, m, in.received_ns);
          else if constexpr (std::is_same_v<T, fixmap::md_reject>)
            apply_md_reject(self, m);
          else
            apply_message_reject(self, m);
        },
        in.msg);
    },
    [self](const fix_refused& r) {
      auto& st = self->state;
      ++st.counters.refused;
      st.counters.last_error = "refused a " + r.msg_type + ": " + r.why.text;
      st.log->warn("venue={} event=inbound_refused msg_type={} tag={} reason=\"{}\"",
                   st.opts.cfg.id.value, r.msg_type, r.why.tag, r.why.text);
    },
    [self](const fix_session_event& e) { on_session_event(self, e.e); },
    [self](fix_reconnect_atom) { on_reconnect(self); },
    [self](fix_availability_atom, int attempt) {
      auto& st = self->state;
      send_availability(self, venue_availability_changed{st.opts.cfg.id, st.published_up,
                                                         st.availability_why},
                        attempt);
    },
    [self](fix_timeout_atom, const std::string& key, uint64_t gen) { on_timeout(self, key, gen); },
  };
}

} // namespace

caf::actor spawn_fix_venue(caf::actor_system& sys, fix_venue_options opts) {
  return caf::actor_cast<caf::actor>(sys.spawn<caf::detached>(fix_venue_impl, std::move(opts)));
}

} // namespace om
