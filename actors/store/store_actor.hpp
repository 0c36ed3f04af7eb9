#pragma once
// The single writer of the orders, idempotency, journal, positions and audit
// tables of a node. Order and risk actors send it their snapshots; it batches every write
// that arrived before it gets to flush (a message it sends itself when a
// batch opens), commits the batch in one RocksDB write and only then replies,
// so callers report a state only once it is durable. An order snapshot and
// the fills it adds to the journal land in the same atomic write, so the
// journal always matches the orders. A stale fence is answered at once
// (the batch is not spoiled); a failed RocksDB write fails every caller of
// that batch, and refuses later writes of those orders until each is
// reloaded (its restarted incarnation's load_order), so nothing commits on
// top of a state that never became durable. What a commit made durable is published after it, batched:
// one order_events per strategy and one trades_committed to post-trade, so
// with many orders in flight a strategy gets one message per commit, not
// one per event.

#include "actors/common/atoms.hpp"
#include "actors/contract/strategy_api.hpp"
#include "actors/post_trade/post_trade.hpp"
#include "runtime/model/latency_histogram.hpp"
#include "runtime/model/records.hpp"
#include "runtime/store/codec.hpp"
#include "runtime/store/key_filter.hpp"

#include <caf/typed_actor.hpp>

#include <memory>

namespace om {

class store;

struct persist_order {
  om::fence fence;
  order_snapshot snap;
  /// Fills this state change adds (journaled with the snapshot).
  std::vector<fill_record> fills;
  /// First write of an order id this node minted (nothing can be stored
  /// under it yet): written without reading the stored fence.
  bool fresh = false;
  /// The order's idempotency record, written in the same atomic batch (its
  /// first write, or its rejection): the key is taken exactly when the
  /// order exists.
  bool has_idempotency = false;
  idempotency_record idempotency;
  /// Published once this write is durable, never if it fails: `events` to
  /// `notify` (the order's strategy) in one order_events per strategy per
  /// commit, and to `post_trade` one trades_committed per commit carrying
  /// these fills, `acks` and, when `finished`, this final snapshot.
  std::vector<order_event> events;
  caf::actor notify;
  std::vector<venue_ack_sample> acks;
  bool finished = false;
  post_trade_actor post_trade;

  OM_FIELDS("om.persist_order", persist_order, fence, snap, fills, fresh, has_idempotency,
            idempotency, events, notify, acks, finished, post_trade)
};

struct persist_position {
  om::fence fence;
  position_snapshot snap;

  OM_FIELDS("om.persist_position", persist_position, fence, snap)
};

/// One-way: the latest positions of a risk actor, written with the store's
/// next batch (no reply: a lost write is repaired by the next one, and the
/// orders table stays the source of truth a risk actor rebuilds from).
struct persist_positions {
  std::vector<persist_position> items;

  OM_FIELDS("om.persist_positions", persist_positions, items)
};

/// One-way, from post-trade: the venue-matrix buckets changed since its
/// last persist (their totals) and the keys of buckets past retention,
/// written at once in one batch, then the expired keys erased. `fence` is
/// post-trade's (incarnation, persist sequence).
struct persist_venue_stats {
  om::fence fence;
  std::vector<venue_stats_bucket> buckets;
  std::vector<std::string> expired;

  OM_FIELDS("om.persist_venue_stats", persist_venue_stats, fence, buckets, expired)
};

/// One-way, from the node's metrics collector: an incident opened,
/// refreshed or resolved (written at once; `fence` is the collector's).
struct persist_incident {
  om::fence fence;
  incident_record rec;

  OM_FIELDS("om.persist_incident", persist_incident, fence, rec)
};

/// Records a trading control (a halt or a resume, as its kill-switch audit
/// record) as the one in force for its scope, with its audit entry, in one
/// atomic write. Scope: the record's strategy, or every strategy if empty.
struct set_control {
  audit_record rec;

  OM_FIELDS("om.set_control", set_control, rec)
};

struct loaded_order {
  om::fence fence;
  order_snapshot snap;

  OM_FIELDS("om.loaded_order", loaded_order, fence, snap)
};

struct store_actor_stats {
  uint64_t batches = 0;
  uint64_t records = 0;
  uint64_t fills = 0;
  /// Batches RocksDB refused (every caller of the batch failed).
  uint64_t failed_batches = 0;
  /// One RocksDB commit (ns), and its size (records), per batch.
  histogram_view write_latency;
  histogram_view batch_size;
  /// Messages waiting in its mailbox when it answered.
  uint64_t mailbox = 0;

  OM_FIELDS("om.store_actor_stats", store_actor_stats, batches, records, fills, failed_batches,
            write_latency, batch_size, mailbox)
};

/// The bounds batch sizes are exposed with (records).
const std::vector<int64_t>& batch_size_bounds();

using store_actor = caf::typed_actor<
  // Replies with the committed fence. Errors: stale_write, store_write_failed.
  caf::replies_to<persist_order>::with<fence>,
  caf::reacts_to<persist_positions>,
  // The durable idempotency record under a key. Errors: not_found,
  // corrupt_record.
  caf::replies_to<load_idem_atom, std::string>::with<idempotency_record>,
  // A filter of every idempotency key stored, for the gateway's intake.
  caf::replies_to<key_filter_atom>::with<key_filter>,
  // Appends; replies with the audit sequence number.
  caf::replies_to<audit_record>::with<uint64_t>,
  // Replies with the audit sequence number. Errors: store_write_failed.
  caf::replies_to<set_control>::with<uint64_t>,
  // The controls in force (latest record per scope). Errors: corrupt_record.
  caf::replies_to<load_controls_atom>::with<std::vector<audit_record>>,
  // Errors: not_found, corrupt_record.
  caf::replies_to<load_order_atom, order_id>::with<loaded_order>,
  // Orders of an instrument (all instruments when the id is empty); only the
  // non-terminal ones when the flag is set.
  caf::replies_to<load_open_atom, instrument_id, bool>::with<std::vector<order_snapshot>>,
  caf::replies_to<load_pos_atom, instrument_id>::with<std::vector<position_snapshot>>,
  // An order's journaled fills, in journal order (operator queries: scans).
  caf::replies_to<load_fills_atom, order_id>::with<std::vector<fill_record>>,
  caf::replies_to<next_inc_atom, std::string>::with<uint64_t>,
  caf::reacts_to<persist_venue_stats>,
  caf::reacts_to<persist_incident>,
  // Every stored incident, oldest first. Errors: corrupt_record.
  caf::replies_to<load_incidents_atom>::with<std::vector<incident_record>>,
  // Every stored venue-matrix bucket. Errors: corrupt_record.
  caf::replies_to<load_vstats_atom>::with<std::vector<venue_stats_bucket>>,
  caf::reacts_to<flush_atom>,
  // Fills journaled so far (sequence order), for post-trade queries.
  caf::replies_to<stats_atom>::with<store_actor_stats>>;


/// Spawns the store actor; it claims the orders, idempotency, journal,
/// positions, audit and controls tables of `db` (fails with already_owned if another owner holds one).
caf::actor spawn_store_actor(caf::actor_system& sys, std::shared_ptr<store> db);

} // namespace om
