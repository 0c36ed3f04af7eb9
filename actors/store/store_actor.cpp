#include "actors/store/store_actor.hpp"

#include "actors/post_trade/venue_matrix.hpp"
#include "runtime/clock.hpp"

#include "actors/directory/directory.hpp"
#include "runtime/log/log.hpp"
#include "runtime/store/store.hpp"

#include <caf/all.hpp>

#include <chrono>
#include <cstdio>
#include <unordered_set>

namespace om {

const std::vector<int64_t>& batch_size_bounds() {
  static const std::vector<int64_t> b{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000};
  return b;
}

namespace {


struct pending_write {
  table t;
  caf::typed_response_promise<fence> promise;
  fence f;
  uint64_t order = 0; // the order id of an orders write
};

struct store_state {
  static inline const char* name = "om.store";
  std::shared_ptr<store> db;
  std::optional<table_writer> orders, idempotency, journal, positions, audit, controls,
    venue_stats, incidents;
  write_batch order_batch, idempotency_batch, journal_batch, position_batch;
  uint64_t journal_seq = 0;
  std::vector<pending_write> pending;
  bool flush_scheduled = false;
  uint64_t audit_seq = 0;
  // What the open batch will publish once it is durable (dropped if it
  // fails): events per strategy, and post-trade's share per post-trade actor.
  std::vector<std::pair<caf::actor, order_events>> outbox;
  std::vector<std::pair<post_trade_actor, trades_committed>> pt_outbox;
  // Orders whose write failed: their later writes are refused until the
  // order is reloaded (its restarted incarnation), so nothing commits on
  // top of a state that never became durable.
  std::unordered_set<uint64_t> refused;
  store_actor_stats stats;
  latency_histogram write_latency; // ns per commit
  latency_histogram batch_size;    // records per commit
  std::shared_ptr<spdlog::logger> log = log::get("store");
};

using store_ptr = store_actor::stateful_pointer<store_state>;

/// The entry of `h` in a per-recipient outbox (a handful of recipients:
/// a linear search).
template <class Handle, class Batch>
Batch& slot(std::vector<std::pair<Handle, Batch>>& box, const Handle& h) {
  for (auto& [k, b] : box)
    if (k == h)
      return b;
  return box.emplace_back(h, Batch{}).second;
}

/// Sends what the commit made durable: before the callers' answers, so an
/// order actor's next message to its strategy comes after these events.
void publish(store_ptr self) {
  auto& st = self->state;
  for (auto& [to, batch] : st.outbox)
    caf::anon_send(to, std::move(batch));
  for (auto& [to, batch] : st.pt_outbox)
    caf::anon_send(to, std::move(batch));
  st.outbox.clear();
  st.pt_outbox.clear();
}

/// Commits both batches, publishes what became durable and answers every
/// waiting caller.
void flush(store_ptr self) {
  auto& st = self->state;
  st.flush_scheduled = false;
  // Orders, their keys and the fills they add, and positions: one RocksDB
  // write. Should it be refused (a stale position fence, say), the two
  // parts are committed on their own so each caller gets its own outcome.
  caf::error order_err, pos_err;
  auto t0 = mono_ns();
  auto all = table_writer::commit_all({{&*st.orders, &st.order_batch},
                                       {&*st.idempotency, &st.idempotency_batch},
                                       {&*st.journal, &st.journal_batch},
                                       {&*st.positions, &st.position_batch}});
  if (all && code_of(all) == errc::stale_write) {
    order_err = table_writer::commit_all({{&*st.orders, &st.order_batch},
                                          {&*st.idempotency, &st.idempotency_batch},
                                          {&*st.journal, &st.journal_batch}});
    pos_err = st.positions->commit(st.position_batch);
  } else {
    order_err = all;
    pos_err = all;
  }
  st.write_latency.record(mono_ns() - t0);
  st.batch_size.record(static_cast<int64_t>(st.order_batch.size() + st.position_batch.size()));
  if (order_err || pos_err)
    ++st.stats.failed_batches;
  if (!order_err)
    st.stats.fills += st.journal_batch.size();
  if (order_err)
    st.log->error("event=batch_failed table=orders records={} error={}", st.order_batch.size(),
                  log::q(describe(order_err)));
  if (pos_err)
    st.log->error("event=batch_failed table=positions records={} error={}",
                  st.position_batch.size(), log::q(describe(pos_err)));
  st.stats.records += st.order_batch.size() + st.position_batch.size();
  ++st.stats.batches;
  st.order_batch.clear();
  st.idempotency_batch.clear();
  st.journal_batch.clear();
  st.position_batch.clear();
  if (order_err) {
    st.outbox.clear();
    st.pt_outbox.clear();
    for (auto& w : st.pending)
      if (w.t == table::orders)
        st.refused.insert(w.order);
  } else {
    publish(self);
  }
  auto waiting = std::move(st.pending);
  st.pending.clear();
  for (auto& w : waiting) {
    auto& err = w.t == table::orders ? order_err : pos_err;
    if (err)
      w.promise.deliver(err);
    else
      w.promise.deliver(w.f);
  }
}

void schedule_flush(store_ptr self) {
  if (!self->state.flush_scheduled) {
    self->state.flush_scheduled = true;
    // Behind everything already queued: one commit serves all of it.
    self->send(self, flush_atom::value);
  }
}

bool is_open(ord_status s) { return !is_terminal(s); }

/// Batches an order's snapshot, the fills it adds and (first write or
/// rejection) its idempotency record; answered once the batch is durable.
caf::result<fence> add_order(store_ptr self, persist_order& x) {
  auto& st = self->state;
  auto id = x.snap.id.value;
  if (st.refused.count(id) > 0)
    return make_error(errc::store_write_failed,
                      "order " + to_string(x.snap.id)
                        + ": an earlier write failed; refused until the order is reloaded");
  auto key = order_key(x.snap.id);
  bool last = is_terminal(x.snap.state.status);
  // A stale fence is answered now, so it cannot spoil the batch. A freshly
  // minted id has nothing stored to compare with.
  if (!x.fresh)
    if (auto err = st.orders->check(key, x.fence))
      return err;
  using use = write_batch::key_use;
  auto how = x.fresh ? (last ? use::once : use::fresh) : (last ? use::last : use::existing);
  auto t = wall_ns();
  st.order_batch.put_with(how, std::move(key), x.fence, x.snap, t);
  if (x.has_idempotency)
    st.idempotency_batch.put_with(use::once,
                                  idempotency_key(x.idempotency.strategy, x.idempotency.clordid),
                                  fence{x.fence.incarnation, 1}, x.idempotency, t);
  for (auto& f : x.fills) {
    f.sequence = ++st.journal_seq;
    st.journal_batch.put_with(use::once, u64_key(f.sequence), fence{1, f.sequence}, f, t);
  }
  if (x.notify && !x.events.empty()) {
    auto& evs = slot(st.outbox, x.notify).events;
    evs.insert(evs.end(), std::make_move_iterator(x.events.begin()),
               std::make_move_iterator(x.events.end()));
  }
  if (x.post_trade && (!x.fills.empty() || !x.acks.empty() || x.finished)) {
    auto& pt = slot(st.pt_outbox, x.post_trade);
    pt.fills.insert(pt.fills.end(), std::make_move_iterator(x.fills.begin()),
                    std::make_move_iterator(x.fills.end()));
    pt.acks.insert(pt.acks.end(), x.acks.begin(), x.acks.end());
    if (x.finished)
      pt.finished.push_back(std::move(x.snap));
  }
  auto rp = self->make_response_promise<fence>();
  st.pending.push_back(pending_write{table::orders, rp, x.fence, id});
  schedule_flush(self);
  return rp;
}

void add_positions(store_ptr self, persist_positions& x) {
  auto& st = self->state;
  auto t = wall_ns();
  for (auto& p : x.items)
    st.position_batch.put(position_key(p.snap.instrument, p.snap.strategy), p.fence, p.snap, t);
  schedule_flush(self);
}

/// Post-trade's venue matrix: the changed buckets in one batch, then the
/// expired keys. A failure is logged and counted; post-trade resends a
/// bucket when it next changes.
void write_venue_stats(store_ptr self, const persist_venue_stats& x) {
  auto& st = self->state;
  auto t = wall_ns();
  write_batch b;
  for (auto& v : x.buckets)
    b.put(venue_matrix::key_of(v), x.fence, v, t);
  if (!b.empty())
    if (auto err = st.venue_stats->commit(b)) {
      ++st.stats.failed_batches;
      st.log->error("event=venue_stats_write_failed buckets={} error={}", b.size(),
                    log::q(describe(err)));
      return;
    }
  for (auto& k : x.expired)
    if (auto err = st.venue_stats->erase(k, x.fence))
      if (code_of(err) != errc::not_found)
        st.log->warn("event=venue_stats_erase_failed key={} error={}",
                     log::q(store::describe_key(table::venue_stats, k)), log::q(describe(err)));
}

caf::result<key_filter> idempotency_filter(store_ptr self) {
  key_filter f;
  auto err = self->state.db->scan_raw(table::idempotency, "",
                                      [&f](std::string_view k, std::string_view) {
                                        f.add(k);
                                        return true;
                                      });
  if (err) {
    self->state.log->error("event=idempotency_scan_failed error={}", log::q(describe(err)));
    return err;
  }
  return f;
}

/// The control record and its audit entry in one atomic write.
caf::result<uint64_t> record_control(store_ptr self, audit_record rec) {
  auto& st = self->state;
  rec.sequence = st.audit_seq + 1;
  if (rec.at_ns == 0)
    rec.at_ns = wall_ns();
  write_batch audit, control;
  audit.put_with(write_batch::key_use::once, u64_key(rec.sequence), fence{1, rec.sequence}, rec,
                 rec.at_ns);
  control.put(rec.strategy.empty() ? std::string{"*"} : rec.strategy.value,
              fence{1, rec.sequence}, rec, rec.at_ns);
  if (auto err = table_writer::commit_all({{&*st.audit, &audit}, {&*st.controls, &control}})) {
    st.log->error("event=control_write_failed strategy={} detail={} error={}",
                  log::q(rec.strategy.value), log::q(rec.detail), log::q(describe(err)));
    return err;
  }
  st.audit_seq = rec.sequence;
  st.log->warn("audit_seq={} kind={} actor={} strategy={} detail={}", rec.sequence,
               to_string(rec.kind), rec.actor, log::q(rec.strategy.value), log::q(rec.detail));
  return rec.sequence;
}

store_actor::behavior_type store_impl(store_ptr self, std::shared_ptr<store> db) {
  auto& st = self->state;
  st.db = std::move(db);
  for (auto [t, slot] : {std::pair{table::orders, &st.orders},
                         std::pair{table::idempotency, &st.idempotency},
                         std::pair{table::journal, &st.journal},
                         std::pair{table::positions, &st.positions},
                         std::pair{table::audit, &st.audit},
                         std::pair{table::controls, &st.controls},
                         std::pair{table::venue_stats, &st.venue_stats},
                         std::pair{table::incidents, &st.incidents}}) {
    auto w = st.db->claim(t, "store-actor");
    if (!w) {
      // Ends the actor before it handles anything; its supervisor decides.
      st.log->error("event=claim_failed table={} error={}", to_string(t), log::q(describe(w.error())));
      self->quit(w.error());
      break;
    }
    slot->emplace(std::move(*w));
  }
  if (auto last = st.db->last_key(table::audit))
    st.audit_seq = u64_from_key(*last);
  if (auto last = st.db->last_key(table::journal))
    st.journal_seq = u64_from_key(*last);
  register_self(self, svc::store, "");
  // Whatever is batched when we are told to stop is written first.
  self->set_exit_handler([self](caf::exit_msg& m) {
    auto& st = self->state;
    if (!st.pending.empty() || !st.position_batch.empty())
      flush(self);
    self->quit(m.reason);
  });
  return {
    [self](persist_order& x) -> caf::result<fence> { return add_order(self, x); },
    [self](persist_positions& x) { add_positions(self, x); },
    [self](load_idem_atom, const std::string& key) -> caf::result<idempotency_record> {
      auto r = self->state.db->get<idempotency_record>(table::idempotency, key);
      if (!r)
        return std::move(r.error());
      return std::move(r->record);
    },
    [self](key_filter_atom) -> caf::result<key_filter> { return idempotency_filter(self); },
    [self](audit_record& rec) -> caf::result<uint64_t> {
      auto& st = self->state;
      rec.sequence = ++st.audit_seq;
      if (rec.at_ns == 0)
        rec.at_ns = wall_ns();
      if (auto err = st.audit->put(u64_key(rec.sequence), fence{1, rec.sequence}, rec, rec.at_ns))
        return err;
      st.log->info("audit_seq={} kind={} actor={} order_id={} detail={}", rec.sequence,
                   to_string(rec.kind), rec.actor, to_string(rec.order), log::q(rec.detail));
      return rec.sequence;
    },
    [self](set_control& x) -> caf::result<uint64_t> { return record_control(self, x.rec); },
    [self](load_controls_atom) -> caf::result<std::vector<audit_record>> {
      std::vector<audit_record> out;
      auto err = self->state.db->scan<audit_record>(
        table::controls, "", [&out](std::string_view, stored<audit_record>& r) {
          out.push_back(std::move(r.record));
          return true;
        });
      if (err)
        return err;
      return out;
    },
    [self](load_order_atom, order_id id) -> caf::result<loaded_order> {
      // A restarted order actor reads what its last incarnation wrote: the
      // open batch may hold that write, so it is committed (and published)
      // first. Otherwise the load would miss a write that commits right
      // after, and the new incarnation would publish its events again.
      if (!self->state.pending.empty())
        flush(self);
      self->state.refused.erase(id.value);
      auto r = self->state.db->get<order_snapshot>(table::orders, order_key(id));
      if (!r)
        return std::move(r.error());
      return loaded_order{r->envelope.fence, std::move(r->record)};
    },
    [self](load_fills_atom, order_id id) -> caf::result<std::vector<fill_record>> {
      std::vector<fill_record> out;
      auto err = self->state.db->scan<fill_record>(
        table::journal, "", [&](std::string_view, stored<fill_record>& r) {
          if (r.record.order == id)
            out.push_back(std::move(r.record));
          return true;
        });
      if (err)
        return err;
      return out;
    },
    [self](load_open_atom, const instrument_id& inst,
           bool open_only) -> caf::result<std::vector<order_snapshot>> {
      std::vector<order_snapshot> out;
      auto err = self->state.db->scan<order_snapshot>(
        table::orders, "", [&](std::string_view, stored<order_snapshot>& r) {
          if ((!open_only || is_open(r.record.state.status))
              && (inst.empty() || r.record.instrument == inst))
            out.push_back(std::move(r.record));
          return true;
        });
      if (err)
        return err;
      return out;
    },
    [self](load_pos_atom, const instrument_id& inst) -> caf::result<std::vector<position_snapshot>> {
      std::vector<position_snapshot> out;
      auto prefix = inst.value + '\0';
      auto err = self->state.db->scan<position_snapshot>(
        table::positions, prefix, [&](std::string_view, stored<position_snapshot>& r) {
          out.push_back(std::move(r.record));
          return true;
        });
      if (err)
        return err;
      return out;
    },
    [self](persist_venue_stats& x) { write_venue_stats(self, x); },
    [self](persist_incident& x) {
      auto& st = self->state;
      char key[24];
      std::snprintf(key, sizeof key, "%016llx", static_cast<unsigned long long>(x.rec.id));
      if (auto err = st.incidents->put(key, x.fence, x.rec, wall_ns())) {
        ++st.stats.failed_batches;
        st.log->error("event=incident_write_failed id={} kind={} error={}", x.rec.id, x.rec.kind,
                      log::q(describe(err)));
      }
    },
    [self](load_incidents_atom) -> caf::result<std::vector<incident_record>> {
      std::vector<incident_record> out;
      auto err = self->state.db->scan<incident_record>(
        table::incidents, "", [&](std::string_view, stored<incident_record>& r) {
          out.push_back(std::move(r.record));
          return true;
        });
      if (err)
        return err;
      return out;
    },
    [self](load_vstats_atom) -> caf::result<std::vector<venue_stats_bucket>> {
      std::vector<venue_stats_bucket> out;
      auto err = self->state.db->scan<venue_stats_bucket>(
        table::venue_stats, "", [&](std::string_view, stored<venue_stats_bucket>& r) {
          out.push_back(std::move(r.record));
          return true;
        });
      if (err)
        return err;
      return out;
    },
    [self](next_inc_atom, const std::string& owner) -> caf::result<uint64_t> {
      auto r = self->state.db->next_incarnation(owner);
      if (!r)
        return std::move(r.error());
      return *r;
    },
    [self](flush_atom) {
      auto& st = self->state;
      if (st.pending.empty() && st.position_batch.empty()) {
        st.flush_scheduled = false; // committed early (a load), nothing since
        return;
      }
      flush(self);
    },
    [self](stats_atom) {
      auto& st = self->state;
      auto s = st.stats;
      s.write_latency = st.write_latency.view(latency_bounds_ns());
      s.batch_size = st.batch_size.view(batch_size_bounds());
      s.mailbox = self->mailbox().size();
      return s;
    },
  };
}

} // namespace

caf::actor spawn_store_actor(caf::actor_system& sys, std::shared_ptr<store> db) {
  return caf::actor_cast<caf::actor>(sys.spawn(store_impl, std::move(db)));
}

} // namespace om
