#pragma once
// One RocksDB per node, one column family per record kind.
//
// Ownership: every table (column family) has a single writer. store::claim()
// hands out the table_writer for a table once; a second claim fails with
// errc::already_owned until the first writer is destroyed. Reads are open to
// anyone. The store object itself is thread-safe (RocksDB is); a
// table_writer is not: it belongs to the one actor that owns the table.
//
// Fencing: every write carries a fence (incarnation, sequence). A write whose
// fence is not newer than the fence stored under the same key is refused with
// errc::stale_write, so an old incarnation of an actor (e.g. a zombie on a
// partitioned node) can never overwrite what its successor wrote. Owners get
// a fresh incarnation from next_incarnation(), which is durable.
//
// Failure: a failed RocksDB write returns errc::store_write_failed. Its
// outcome is unknown (it may have landed), so the writer forgets what it
// believed about those keys and re-reads them on the next write. Callers must
// not carry on as if the write succeeded.

#include "runtime/store/codec.hpp"

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
} // namespace rocksdb

namespace om {

/// `controls`: trading controls (halts) in force, the latest kill-switch
/// audit record per scope (a strategy id, or "*" for every strategy).
enum class table : uint8_t {
  orders, idempotency, positions, audit, journal, venue_stats, controls, incidents
};

/// Process-wide RocksDB I/O counters (all stores of the process), for the
/// bench's per-order figures and for metrics. Relaxed atomics: cheap, and
/// read only as totals.
struct store_io_counters {
  std::atomic<uint64_t> writes{0};  // RocksDB Write/Put calls (one per batch)
  std::atomic<uint64_t> records{0}; // records written (keys put)
  std::atomic<uint64_t> reads{0};   // point reads (Get), fence reads included
  std::atomic<uint64_t> scans{0};   // iterators opened
};
store_io_counters& io_counters();
constexpr size_t table_count = 8;
/// Column family name, e.g. "orders".
const char* to_string(table t);

struct store_options {
  /// Directory of the database. Required.
  std::string path;
  /// Create the database when missing. Default true. Ignored (false) when
  /// read_only.
  bool create_if_missing = true;
  /// Open read-only (RocksDB's OpenForReadOnly): nothing under `path` is
  /// created, written or locked, so it works while a node has the store open
  /// (it sees what was written up to the open). claim() and
  /// next_incarnation() fail with errc::not_supported. Default false.
  bool read_only = false;
  /// Refuse to open when any WAL record cannot be replayed
  /// (WALRecoveryMode::kAbsoluteConsistency), instead of RocksDB's default
  /// point-in-time recovery, which silently drops everything after the first
  /// bad record. For a system of record. Default false.
  bool absolute_consistency = false;
  /// fsync the WAL on every write. Default false: the WAL is written but a
  /// machine crash (not a process crash) can lose the last writes.
  bool sync = false;
  /// Fence cache entries per writer before it is cleared. Default 1'000'000.
  size_t fence_cache_limit = 1'000'000;
};

template <class Record>
struct stored {
  envelope_info envelope;
  Record record;
};

class table_writer;

class store : public std::enable_shared_from_this<store> {
public:
  /// Opens (or creates) the database with all column families.
  /// Errors: errc::store_corrupt when RocksDB reports Corruption (the detail
  /// names the file when RocksDB's log does), errc::no_store when read_only
  /// and `path` holds no database, errc::store_open_failed otherwise, each
  /// with RocksDB's reason.
  static caf::expected<std::shared_ptr<store>> open(store_options opts);

  ~store();
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  /// The single writer of `t`, owned by `owner` (a name for error messages).
  /// Errors: errc::already_owned naming the current owner.
  caf::expected<table_writer> claim(table t, std::string owner);

  /// Durably increments and returns the incarnation counter of `owner_key`
  /// (first call returns 1), never less than `at_least` (a floor the caller
  /// knows from outside the counter). Synced to disk regardless of
  /// options.sync.
  caf::expected<uint64_t> next_incarnation(const std::string& owner_key, uint64_t at_least = 0);

  /// RocksDB's last sequence number (grows with every write).
  uint64_t latest_sequence() const;

  /// Flushes and fsyncs the write-ahead log: everything written so far is
  /// on disk. Errors: store_write_failed.
  caf::error sync_wal();

  /// Raw bytes under `key`. Errors: errc::not_found, errc::store_read_failed.
  caf::expected<std::string> get_raw(table t, std::string_view key) const;

  /// Decoded record under `key`. Errors: errc::not_found,
  /// errc::store_read_failed, errc::corrupt_record ("<table>/<key>: why").
  template <class Record>
  caf::expected<stored<Record>> get(table t, std::string_view key) const {
    auto raw = get_raw(t, key);
    if (!raw)
      return std::move(raw.error());
    stored<Record> out;
    if (auto err = decode_record(*raw, describe_key(t, key), out.envelope, out.record))
      return err;
    return out;
  }

  /// Visits keys starting with `prefix` in key order until `f` returns false.
  caf::error scan_raw(table t, std::string_view prefix,
                      const std::function<bool(std::string_view key, std::string_view value)>& f) const;

  /// Visits decoded records under `prefix`. A corrupt record stops the scan
  /// with errc::corrupt_record naming its key.
  template <class Record>
  caf::error scan(table t, std::string_view prefix,
                  const std::function<bool(std::string_view key, stored<Record>&)>& f) const {
    caf::error failure;
    auto err = scan_raw(t, prefix, [&](std::string_view k, std::string_view v) {
      stored<Record> rec;
      failure = decode_record(v, describe_key(t, k), rec.envelope, rec.record);
      if (failure)
        return false;
      return f(k, rec);
    });
    return err ? err : failure;
  }

  /// The greatest key in `t` (errc::not_found when empty).
  caf::expected<std::string> last_key(table t) const;

  /// "<table>/<key>" with non-printable bytes as \xNN: used in errors.
  static std::string describe_key(table t, std::string_view key);

  const store_options& options() const { return opts_; }

  /// Fault injection for tests (nothing in the node calls it): the next `n`
  /// batch commits fail with store_write_failed as a refused RocksDB write
  /// would, writing nothing.
  void fail_next_commits(uint32_t n) { injected_failures_ = n; }

  // -- internal, used by table_writer -------------------------------------------
  /// True (and one fewer left) if an injected failure is due.
  bool take_injected_failure() {
    auto n = injected_failures_.load();
    while (n > 0 && !injected_failures_.compare_exchange_weak(n, n - 1)) {
    }
    return n > 0;
  }
  rocksdb::DB* db() const { return db_; }
  rocksdb::ColumnFamilyHandle* handle(table t) const { return handles_[static_cast<size_t>(t)]; }
  void release(table t);

private:
  explicit store(store_options opts) : opts_(std::move(opts)) {}

  store_options opts_;
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_; // per table, then meta, then default
  rocksdb::ColumnFamilyHandle* meta_ = nullptr;
  rocksdb::ColumnFamilyHandle* default_ = nullptr;
  std::mutex mtx_; // guards owners_ and the incarnation read-modify-write
  std::array<std::string, table_count> owners_;
  std::atomic<uint32_t> injected_failures_{0};
};

/// A batch of writes to one table, committed atomically.
class write_batch {
public:
  template <class Record>
  void put(std::string key, fence f, const Record& rec, int64_t now_ns) {
    entries_.push_back(entry{std::move(key), f, encode_record(envelope_info{f, now_ns}, rec)});
  }

  /// How a key's fence is treated (see put_with).
  enum class key_use : uint8_t {
    existing, // may be stored already: the fence is checked (read once, then cached)
    fresh,    // minted by the caller, cannot be stored yet: no read; cached after
    last,     // a last write: checked, then forgotten (nothing stays in memory)
    once,     // minted and never written again: no read, not cached
  };

  template <class Record>
  void put_with(key_use use, std::string key, fence f, const Record& rec, int64_t now_ns) {
    entries_.push_back(
      entry{std::move(key), f, encode_record(envelope_info{f, now_ns}, rec), use});
  }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void clear() { entries_.clear(); }

private:
  friend class table_writer;
  struct entry {
    std::string key;
    fence f;
    std::string bytes;
    key_use use = key_use::existing;
  };
  std::vector<entry> entries_;
};

/// The single writer of one table. Move-only; releases the table when
/// destroyed. Not thread-safe: owned by one actor.
class table_writer {
public:
  table_writer(table_writer&&) noexcept;
  table_writer& operator=(table_writer&&) noexcept;
  ~table_writer();

  table which() const { return table_; }

  /// Writes one record. Errors: errc::stale_write, errc::store_write_failed,
  /// errc::corrupt_record (the stored fence could not be read).
  template <class Record>
  caf::error put(std::string_view key, fence f, const Record& rec, int64_t now_ns) {
    write_batch b;
    b.put(std::string{key}, f, rec, now_ns);
    return commit(b);
  }

  /// Writes only if nothing is stored under `key` yet (idempotency records).
  /// Errors: errc::already_exists, errc::store_write_failed.
  template <class Record>
  caf::error put_if_absent(std::string_view key, fence f, const Record& rec, int64_t now_ns) {
    return put_new(key, f, encode_record(envelope_info{f, now_ns}, rec));
  }

  /// Commits every entry of `b` in one atomic RocksDB write after checking
  /// each fence; if any fence is stale nothing is written. `b` is left intact.
  caf::error commit(const write_batch& b);

  /// Commits several writers' batches in one atomic RocksDB write (e.g. an
  /// order snapshot and the fills it adds). All fences are checked first;
  /// one stale entry refuses everything. The writers must share one store.
  static caf::error commit_all(std::vector<std::pair<table_writer*, const write_batch*>> parts);

  /// errc::stale_write if `f` would be refused for `key` now (no write).
  caf::error check(std::string_view key, fence f) {
    auto cur = current_fence(std::string{key});
    if (!cur)
      return std::move(cur.error());
    if (!(*cur < f))
      return make_error(errc::stale_write, store::describe_key(table_, key) + ": fence "
                                             + to_string(f) + " is not newer than stored "
                                             + to_string(*cur));
    return caf::none;
  }

  /// Deletes `key` (fence-checked like a write).
  caf::error erase(std::string_view key, fence f);

  /// Forgets cached fences (e.g. for keys whose owner ended).
  void forget(std::string_view key) { fences_.erase(std::string{key}); }

  /// Counters for metrics and benchmarks.
  uint64_t writes() const { return writes_; }
  uint64_t fence_reads() const { return fence_reads_; }

private:
  friend class store;
  table_writer(std::shared_ptr<store> st, table t) : store_(std::move(st)), table_(t) {}
  caf::expected<fence> current_fence(const std::string& key);
  /// Checks the fences of `b`; on success fills `pending` with the new ones.
  caf::error check_fences(const write_batch& b, std::unordered_map<std::string, fence>& pending);
  caf::error put_new(std::string_view key, fence f, std::string bytes);

  std::shared_ptr<store> store_;
  table table_;
  std::unordered_map<std::string, fence> fences_; // known stored fences; {0,0} = absent
  uint64_t writes_ = 0;
  uint64_t fence_reads_ = 0;
};

// -- keys ---------------------------------------------------------------------

/// Big-endian 8 bytes: keys sort in numeric order.
std::string u64_key(uint64_t x);
uint64_t u64_from_key(std::string_view k);
inline std::string order_key(order_id id) { return u64_key(id.value); }
/// "<strategy>\0<client order id>"
std::string idempotency_key(const strategy_id& s, const client_order_id& c);
/// "<instrument>\0<strategy>": one instrument's positions share a prefix.
std::string position_key(const instrument_id& i, const strategy_id& s);

} // namespace om
