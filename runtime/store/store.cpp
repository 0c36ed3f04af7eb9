#include "runtime/store/store.hpp"

#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <cstdarg>
#include <cstdio>
#include <algorithm>
#include <filesystem>
#include <regex>

namespace om {

const char* to_string(table t) {
  static constexpr const char* names[table_count] = {"orders", "idempotency", "positions",
                                                     "audit",  "journal",     "venue_stats",
                                                     "controls", "incidents"};
  return names[static_cast<size_t>(t)];
}

namespace {

constexpr const char* meta_cf = "meta";

caf::error from_status(errc code, const std::string& what, const rocksdb::Status& st) {
  return make_error(code, what + ": " + st.ToString());
}

/// Forwards RocksDB's info log to `base` (none: dropped) and keeps the lines
/// that speak of corruption: RocksDB names the bad file there ("<wal>:
/// dropping N bytes; Corruption: ...") but not always in the Status.
class capture_logger : public rocksdb::Logger {
public:
  explicit capture_logger(std::shared_ptr<rocksdb::Logger> base)
    : rocksdb::Logger(base ? base->GetInfoLogLevel() : rocksdb::InfoLogLevel::INFO_LEVEL),
      base_(std::move(base)) {
  }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    Logv(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
  }
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    va_list copy;
    va_copy(copy, ap);
    char buf[1024];
    std::vsnprintf(buf, sizeof buf, format, copy);
    va_end(copy);
    std::string line{buf};
    if (line.find("orrupt") != std::string::npos || line.find("dropping") != std::string::npos) {
      std::lock_guard<std::mutex> guard{mtx_};
      if (lines_.size() < 32)
        lines_.push_back(std::move(line));
    }
    if (base_)
      base_->Logv(level, format, ap);
  }
  void Flush() override {
    if (base_)
      base_->Flush();
  }
  std::vector<std::string> lines() const {
    std::lock_guard<std::mutex> guard{mtx_};
    return lines_;
  }

private:
  std::shared_ptr<rocksdb::Logger> base_;
  mutable std::mutex mtx_;
  std::vector<std::string> lines_;
};

/// The first RocksDB file named in `texts` (a WAL, a table file, a MANIFEST).
std::string named_file(const std::vector<std::string>& texts) {
  static const std::regex file_re{R"(([^\s:,;]*(MANIFEST-[0-9]+|[0-9]+\.(log|sst|ldb)|OPTIONS-[0-9]+|CURRENT)))"};
  for (auto& t : texts) {
    std::smatch m;
    if (std::regex_search(t, m, file_re))
      return m[1].str();
  }
  return {};
}

} // namespace

std::string store::describe_key(table t, std::string_view key) {
  std::string out = to_string(t);
  out += '/';
  for (unsigned char c : key) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

caf::expected<std::shared_ptr<store>> store::open(store_options opts) {
  if (opts.path.empty())
    return make_error(errc::store_open_failed, "store path is empty");
  std::shared_ptr<store> st{new store(std::move(opts))};
  auto& path = st->opts_.path;
  bool ro = st->opts_.read_only;
  // Read-only: look before RocksDB does, so a directory without a store is
  // left exactly as it was (no LOG, no LOCK, no db dir).
  if (ro && !std::filesystem::exists(std::filesystem::path{path} / "CURRENT"))
    return make_error(errc::no_store, path + ": no store here (no RocksDB CURRENT file)");
  rocksdb::DBOptions db_opts;
  db_opts.create_if_missing = !ro && st->opts_.create_if_missing;
  db_opts.create_missing_column_families = !ro;
  db_opts.max_background_jobs = 2;
  if (st->opts_.absolute_consistency)
    db_opts.wal_recovery_mode = rocksdb::WALRecoveryMode::kAbsoluteConsistency;
  // Our logger in front of RocksDB's own file log (none when read-only: an
  // inspector writes nothing, not even db/LOG).
  std::shared_ptr<rocksdb::Logger> file_log;
  if (!ro && !rocksdb::CreateLoggerFromOptions(path, db_opts, &file_log).ok())
    file_log = nullptr;
  auto capture = std::make_shared<capture_logger>(file_log);
  if (ro || file_log)
    db_opts.info_log = capture;
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  rocksdb::ColumnFamilyOptions cf_opts;
  // Most lookups are for keys that do not exist yet (a new client order id,
  // the first write of an order): Bloom filters make those misses cheap.
  rocksdb::BlockBasedTableOptions table_opts;
  table_opts.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  cf_opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_opts));
  cf_opts.memtable_whole_key_filtering = true;
  cf_opts.memtable_prefix_bloom_size_ratio = 0.05;
  // Read-only opens what exists: a store written by an older version lacks
  // the newer tables (they read as empty); a read-write open creates them.
  std::vector<std::string> existing;
  if (ro)
    rocksdb::DB::ListColumnFamilies(db_opts, path, &existing);
  auto exists = [&](const std::string& name) {
    return !ro || std::find(existing.begin(), existing.end(), name) != existing.end();
  };
  std::vector<int> slot_of_table(table_count, -1);
  for (size_t i = 0; i < table_count; ++i) {
    std::string name = to_string(static_cast<table>(i));
    if (!exists(name))
      continue;
    slot_of_table[i] = static_cast<int>(cfs.size());
    cfs.emplace_back(name, cf_opts);
  }
  auto meta_slot = cfs.size();
  cfs.emplace_back(meta_cf, cf_opts);
  cfs.emplace_back(rocksdb::kDefaultColumnFamilyName, cf_opts);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  auto status = ro ? rocksdb::DB::OpenForReadOnly(db_opts, path, cfs, &handles, &db)
                   : rocksdb::DB::Open(db_opts, path, cfs, &handles, &db);
  auto corrupt = [&](const rocksdb::Status& s) {
    // Name the file: RocksDB's status, else the line its log wrote about it.
    auto texts = std::vector<std::string>{s.ToString()};
    for (auto& l : capture->lines())
      texts.push_back(l);
    auto file = named_file(texts);
    if (!file.empty() && file.find('/') == std::string::npos)
      file = (std::filesystem::path{path} / file).string();
    return make_error(errc::store_corrupt,
                      "store " + path + " is corrupt"
                        + (file.empty() ? std::string{" (file not named; see " + path + "/LOG)"}
                                        : " in " + file)
                        + ": " + s.ToString());
  };
  if (status.IsCorruption())
    return corrupt(status);
  if (!status.ok())
    return from_status(errc::store_open_failed, (ro ? "open read-only " : "open ") + path,
                       status);
  // A system of record (and its inspector) reads every table file once at
  // open: a damaged one is named now, not found a minute later by retries
  // of whatever first reads it. Costs one sequential read of the store.
  if (st->opts_.absolute_consistency || ro) {
    auto v = db->VerifyChecksum();
    if (!v.ok()) {
      for (auto h : handles)
        db->DestroyColumnFamilyHandle(h);
      delete db;
      if (v.IsCorruption())
        return corrupt(v);
      return from_status(errc::store_open_failed, "verify " + path, v);
    }
  }
  st->db_ = db;
  st->meta_ = handles[meta_slot];
  st->default_ = handles[meta_slot + 1];
  st->handles_.assign(table_count, nullptr);
  for (size_t i = 0; i < table_count; ++i)
    if (slot_of_table[i] >= 0)
      st->handles_[i] = handles[static_cast<size_t>(slot_of_table[i])];
  return st;
}

store::~store() {
  if (!db_)
    return;
  for (auto h : handles_)
    if (h)
      db_->DestroyColumnFamilyHandle(h);
  db_->DestroyColumnFamilyHandle(meta_);
  db_->DestroyColumnFamilyHandle(default_);
  db_->Close();
  delete db_;
}

caf::expected<table_writer> store::claim(table t, std::string owner) {
  if (opts_.read_only)
    return make_error(errc::not_supported, std::string{"table "} + to_string(t) + ": store "
                                             + opts_.path + " is open read-only");
  std::lock_guard<std::mutex> guard{mtx_};
  auto& cur = owners_[static_cast<size_t>(t)];
  if (!cur.empty())
    return make_error(errc::already_owned,
                      std::string{"table "} + to_string(t) + " is owned by " + cur);
  cur = owner.empty() ? "(unnamed)" : std::move(owner);
  return table_writer{shared_from_this(), t};
}

void store::release(table t) {
  std::lock_guard<std::mutex> guard{mtx_};
  owners_[static_cast<size_t>(t)].clear();
}

store_io_counters& io_counters() {
  static store_io_counters c;
  return c;
}

namespace {
void count(std::atomic<uint64_t>& c, uint64_t n = 1) { c.fetch_add(n, std::memory_order_relaxed); }
} // namespace

uint64_t store::latest_sequence() const {
  return db_->GetLatestSequenceNumber();
}

caf::error store::sync_wal() {
  auto st = db_->FlushWAL(true);
  if (!st.ok())
    return from_status(errc::store_write_failed, "WAL of " + opts_.path, st);
  return caf::none;
}

caf::expected<uint64_t> store::next_incarnation(const std::string& owner_key, uint64_t at_least) {
  if (opts_.read_only)
    return make_error(errc::not_supported, "incarnation " + owner_key + ": store " + opts_.path
                                             + " is open read-only");
  std::lock_guard<std::mutex> guard{mtx_};
  auto key = "incarnation/" + owner_key;
  std::string value;
  uint64_t current = 0;
  count(io_counters().reads);
  auto st = db_->Get(rocksdb::ReadOptions{}, meta_, key, &value);
  if (st.ok()) {
    if (value.size() != 8)
      return make_error(errc::corrupt_record, "meta/" + key + ": expected 8 bytes, got "
                                                + std::to_string(value.size()));
    current = u64_from_key(value);
  } else if (!st.IsNotFound()) {
    return from_status(errc::store_read_failed, "meta/" + key, st);
  }
  rocksdb::WriteOptions wo;
  wo.sync = true;
  count(io_counters().writes);
  count(io_counters().records);
  auto next = std::max(current + 1, at_least);
  st = db_->Put(wo, meta_, key, u64_key(next));
  if (!st.ok())
    return from_status(errc::store_write_failed, "meta/" + key, st);
  return next;
}

caf::expected<std::string> store::get_raw(table t, std::string_view key) const {
  std::string value;
  count(io_counters().reads);
  if (!handle(t)) // a table an older version did not have (read-only)
    return make_error(errc::not_found, describe_key(t, key));
  auto st = db_->Get(rocksdb::ReadOptions{}, handle(t), rocksdb::Slice{key.data(), key.size()},
                     &value);
  if (st.IsNotFound())
    return make_error(errc::not_found, describe_key(t, key));
  if (!st.ok())
    return from_status(errc::store_read_failed, describe_key(t, key), st);
  return value;
}

caf::error store::scan_raw(
  table t, std::string_view prefix,
  const std::function<bool(std::string_view key, std::string_view value)>& f) const {
  count(io_counters().scans);
  if (!handle(t))
    return caf::none;
  std::unique_ptr<rocksdb::Iterator> it{db_->NewIterator(rocksdb::ReadOptions{}, handle(t))};
  rocksdb::Slice p{prefix.data(), prefix.size()};
  for (it->Seek(p); it->Valid() && it->key().starts_with(p); it->Next()) {
    auto k = it->key();
    auto v = it->value();
    if (!f(std::string_view{k.data(), k.size()}, std::string_view{v.data(), v.size()}))
      break;
  }
  if (!it->status().ok())
    return from_status(errc::store_read_failed, std::string{"scan "} + to_string(t),
                       it->status());
  return caf::none;
}

caf::expected<std::string> store::last_key(table t) const {
  count(io_counters().scans);
  if (!handle(t))
    return make_error(errc::not_found, std::string{to_string(t)} + " is empty");
  std::unique_ptr<rocksdb::Iterator> it{db_->NewIterator(rocksdb::ReadOptions{}, handle(t))};
  it->SeekToLast();
  if (!it->status().ok())
    return from_status(errc::store_read_failed, std::string{"last key of "} + to_string(t),
                       it->status());
  if (!it->Valid())
    return make_error(errc::not_found, std::string{to_string(t)} + " is empty");
  return it->key().ToString();
}

// -- table_writer ---------------------------------------------------------------

table_writer::table_writer(table_writer&& other) noexcept
  : store_(std::move(other.store_)),
    table_(other.table_),
    fences_(std::move(other.fences_)),
    writes_(other.writes_),
    fence_reads_(other.fence_reads_) {
}

table_writer& table_writer::operator=(table_writer&& other) noexcept {
  if (this != &other) {
    if (store_)
      store_->release(table_);
    store_ = std::move(other.store_);
    table_ = other.table_;
    fences_ = std::move(other.fences_);
    writes_ = other.writes_;
    fence_reads_ = other.fence_reads_;
  }
  return *this;
}

table_writer::~table_writer() {
  if (store_)
    store_->release(table_);
}

caf::expected<fence> table_writer::current_fence(const std::string& key) {
  if (auto i = fences_.find(key); i != fences_.end())
    return i->second;
  ++fence_reads_;
  auto raw = store_->get_raw(table_, key);
  fence f{};
  if (raw) {
    auto env = decode_envelope(*raw, store::describe_key(table_, key));
    if (!env)
      return std::move(env.error());
    f = env->fence;
  } else if (code_of(raw.error()) != errc::not_found) {
    return std::move(raw.error());
  }
  if (fences_.size() >= store_->options().fence_cache_limit)
    fences_.clear();
  fences_.emplace(key, f);
  return f;
}

caf::error table_writer::check_fences(const write_batch& b,
                                      std::unordered_map<std::string, fence>& pending) {
  // Repeats of a key inside the batch must move forward too.
  for (auto& e : b.entries_) {
    fence prev;
    if (auto i = pending.find(e.key); i != pending.end()) {
      prev = i->second;
    } else if (e.use == write_batch::key_use::fresh || e.use == write_batch::key_use::once) {
      // Minted by the caller (an id unique to this incarnation): nothing
      // can be stored under it, so there is nothing to read.
      prev = fence{};
    } else {
      auto cur = current_fence(e.key);
      if (!cur)
        return std::move(cur.error());
      prev = *cur;
    }
    if (!(prev < e.f))
      return make_error(errc::stale_write,
                        store::describe_key(table_, e.key) + ": fence " + to_string(e.f)
                          + " is not newer than stored " + to_string(prev));
    pending[e.key] = e.f;
  }
  return caf::none;
}

caf::error table_writer::commit(const write_batch& b) {
  return commit_all({{this, &b}});
}

caf::error table_writer::commit_all(
  std::vector<std::pair<table_writer*, const write_batch*>> parts) {
  // Check every fence first: the write lands whole or not at all.
  std::vector<std::unordered_map<std::string, fence>> pending(parts.size());
  size_t total = 0;
  store* st = nullptr;
  for (size_t i = 0; i < parts.size(); ++i) {
    auto [w, b] = parts[i];
    if (st && w->store_.get() != st)
      return make_error(errc::invalid_argument, "commit_all: writers of different stores");
    st = w->store_.get();
    total += b->size();
    if (auto err = w->check_fences(*b, pending[i]))
      return err;
  }
  if (total == 0)
    return caf::none;
  rocksdb::WriteBatch wb;
  for (auto [w, b] : parts) {
    auto h = st->handle(w->table_);
    for (auto& e : b->entries_)
      wb.Put(h, e.key, e.bytes);
  }
  rocksdb::WriteOptions wo;
  wo.sync = st->options().sync;
  count(io_counters().writes);
  count(io_counters().records, total);
  auto status = st->take_injected_failure() ? rocksdb::Status::IOError("injected write failure")
                                            : st->db()->Write(wo, &wb);
  if (!status.ok()) {
    // Unknown outcome: forget what we believed about these keys.
    for (auto [w, b] : parts)
      for (auto& e : b->entries_)
        w->fences_.erase(e.key);
    return from_status(errc::store_write_failed,
                       "write " + std::to_string(total) + " record(s)", status);
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    auto w = parts[i].first;
    for (auto& [k, f] : pending[i])
      w->fences_[k] = f;
    // Keys written for the last time leave nothing behind in the cache.
    for (auto& e : parts[i].second->entries_)
      if (e.use == write_batch::key_use::last || e.use == write_batch::key_use::once)
        w->fences_.erase(e.key);
    w->writes_ += parts[i].second->size();
  }
  return caf::none;
}

caf::error table_writer::put_new(std::string_view key, fence f, std::string bytes) {
  if (!(fence{} < f))
    return make_error(errc::invalid_argument, store::describe_key(table_, key)
                                                + ": fence must be newer than 0/0");
  std::string k{key};
  auto cur = current_fence(k);
  if (!cur)
    return std::move(cur.error());
  if (!(*cur == fence{}))
    return make_error(errc::already_exists, store::describe_key(table_, key));
  rocksdb::WriteOptions wo;
  wo.sync = store_->options().sync;
  count(io_counters().writes);
  count(io_counters().records);
  auto st = store_->db()->Put(wo, store_->handle(table_), k, bytes);
  if (!st.ok()) {
    fences_.erase(k);
    return from_status(errc::store_write_failed, store::describe_key(table_, key), st);
  }
  fences_[k] = f;
  ++writes_;
  return caf::none;
}

caf::error table_writer::erase(std::string_view key, fence f) {
  std::string k{key};
  auto cur = current_fence(k);
  if (!cur)
    return std::move(cur.error());
  if (!(*cur < f))
    return make_error(errc::stale_write, store::describe_key(table_, key) + ": fence "
                                           + to_string(f) + " is not newer than stored "
                                           + to_string(*cur));
  rocksdb::WriteOptions wo;
  wo.sync = store_->options().sync;
  auto st = store_->db()->Delete(wo, store_->handle(table_), k);
  if (!st.ok()) {
    fences_.erase(k);
    return from_status(errc::store_write_failed, store::describe_key(table_, key), st);
  }
  // A deleted key reads as absent; the deleting fence is not kept on disk, so
  // the cache forgets too (a stale writer could then recreate it: callers
  // erase only records whose owner has ended).
  fences_.erase(k);
  return caf::none;
}

std::string u64_key(uint64_t x) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(x & 0xff);
    x >>= 8;
  }
  return out;
}

uint64_t u64_from_key(std::string_view k) {
  uint64_t x = 0;
  for (size_t i = 0; i < 8 && i < k.size(); ++i)
    x = (x << 8) | static_cast<unsigned char>(k[i]);
  return x;
}

std::string idempotency_key(const strategy_id& s, const client_order_id& c) {
  std::string out = s.value;
  out += '\0';
  out += c.value;
  return out;
}

std::string position_key(const instrument_id& i, const strategy_id& s) {
  std::string out = i.value;
  out += '\0';
  out += s.value;
  return out;
}

} // namespace om
