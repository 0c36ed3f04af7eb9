#pragma once
// A node's data directory: what in it is ordermesh's, who holds it, and how
// it is claimed, cleared and inspected.
//
//   <data_dir>/ORDERMESH       marker: "format=1", "node=<id>"; written when a
//                              node first takes the directory
//   <data_dir>/ordermesh.lock  the node's lock (an open-file-description lock
//                              held for the node's whole life) and its pid
//   <data_dir>/db/             the RocksDB (which has its own db/LOCK)
//   <data_dir>/WATERMARK       floors kept outside the store, so losing the
//                              store's newest log cannot lower them:
//                              "incarnation=<last taken>", "sequence=<the
//                              store's last sequence at the last clean stop>"
//
// Nothing here deletes an entry it does not own: clearing removes `db` and
// the marker, never an unknown file. A directory that is not empty and has
// no marker is not ordermesh's (errc::not_a_data_dir), except a pre-marker
// data dir holding nothing but ordermesh's entries and a RocksDB in `db`.
//
// Thread-safety: free functions are; a data_dir_lock belongs to one owner.

#include "runtime/error.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace om {

/// Entry names inside a data dir.
constexpr const char* data_dir_marker_file = "ORDERMESH";
constexpr const char* data_dir_lock_file = "ordermesh.lock";
constexpr const char* data_dir_store_dir = "db";
constexpr const char* data_dir_watermark_file = "WATERMARK";
/// The marker's format this build writes and reads. Default 1.
constexpr int data_dir_format = 1;

struct data_dir_marker {
  int format = data_dir_format;
  std::string node; // the node id that created the directory
};

// -- pure -----------------------------------------------------------------------

/// "ordermesh data directory\nformat=1\nnode=<id>\n".
std::string render_marker(const data_dir_marker& m);

/// Parses a marker's text; `where` names the file in errors. Unknown keys are
/// ignored. Errors: errc::parse_error (no or bad format=), errc::not_supported
/// (a format newer than data_dir_format).
caf::expected<data_dir_marker> parse_marker(std::string_view text, const std::string& where);

/// Whether `name` is an entry ordermesh creates in a data dir.
bool is_ours(std::string_view name);

/// What is found at a data dir's path, read without changing anything.
struct dir_listing {
  bool exists = false;
  bool is_dir = false;
  std::vector<std::string> entries; // names, sorted
  bool has_marker = false;          // ORDERMESH exists (parsed or not)
  bool has_store = false;           // db/CURRENT exists
};

enum class data_dir_state : uint8_t {
  absent,    // nothing at the path: it is created
  empty,     // an empty directory (or only our lock file): fine to take
  ordermesh, // has the marker
  legacy,    // no marker, only ordermesh's entries and a RocksDB in db/: taken
  foreign,   // anything else (not a directory, or unknown files and no marker)
};
const char* to_string(data_dir_state s);

/// Classifies a listing (the rules in the header comment).
data_dir_state classify(const dir_listing& l);

/// Names of `entries` that are not ordermesh's.
std::vector<std::string> foreign_entries(const std::vector<std::string>& entries);

struct store_watermark {
  uint64_t incarnation = 0; // the last node incarnation taken
  uint64_t sequence = 0;    // RocksDB's last sequence at the last clean stop
};

/// "ordermesh store watermark\nincarnation=N\nsequence=S\n".
std::string render_watermark(const store_watermark& w);

/// Errors: errc::parse_error naming `where` and the key.
caf::expected<store_watermark> parse_watermark(std::string_view text, const std::string& where);

// -- file system ------------------------------------------------------------------

/// Reads `<dir>/WATERMARK`; a missing file is a zero watermark. Errors:
/// parse_error, invalid_argument (unreadable), naming the file.
caf::expected<store_watermark> read_watermark(const std::string& dir);

/// Replaces `<dir>/WATERMARK` atomically (write, fsync, rename, fsync dir).
caf::error write_watermark(const std::string& dir, const store_watermark& w);

/// Lists `dir` read-only. Errors: errc::invalid_argument naming the path.
caf::expected<dir_listing> list_data_dir(const std::string& dir);

/// Reads and parses `<dir>/ORDERMESH`. Errors: not_found, parse_error,
/// not_supported, each naming the file.
caf::expected<data_dir_marker> read_marker(const std::string& dir);

/// Who holds `dir`, without taking or creating anything (safe for a
/// read-only inspector). `locked`: ordermesh.lock is held by a live node, or
/// db/LOCK by a process that has the RocksDB open read-write. `pid` is 0 when
/// unknown. Never call it from a process that has `dir`'s RocksDB open
/// read-write: probing db/LOCK opens and closes that file, which drops the
/// process's own POSIX lock on it.
struct data_dir_holder {
  bool locked = false;
  pid_t pid = 0;
  std::string file; // the lock file found held
};
data_dir_holder find_holder(const std::string& dir);
/// Only the RocksDB half of find_holder (db/LOCK): usable by a process that
/// holds the data dir's own lock (an OFD lock conflicts with a probe from
/// its own process, a POSIX lock does not).
data_dir_holder find_store_holder(const std::string& dir);

/// The node's exclusive lock on its data dir, held until destroyed.
/// Move-only. Errors of acquire: errc::data_dir_locked naming the directory
/// and the holder's pid when known; errc::invalid_argument (cannot create
/// the lock file, with the OS reason).
class data_dir_lock {
public:
  static caf::expected<data_dir_lock> acquire(const std::string& dir);
  data_dir_lock() = default;
  data_dir_lock(data_dir_lock&& other) noexcept;
  data_dir_lock& operator=(data_dir_lock&& other) noexcept;
  ~data_dir_lock();
  bool held() const { return fd_ >= 0; }

private:
  explicit data_dir_lock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

/// What claim_data_dir found and did, for the node's log.
struct claimed_data_dir {
  data_dir_lock lock;
  data_dir_state found = data_dir_state::absent;
  std::string marker_node;          // node id in an existing marker ("" if none)
  std::vector<std::string> cleared; // entries removed by --fresh
  std::vector<std::string> kept;    // entries --fresh left (not ours)
};

/// The node's start: refuses a foreign directory (not_a_data_dir), creates
/// it if absent, takes the lock (data_dir_locked if another node has it, or
/// if another process has the RocksDB open), with `fresh` clears what is
/// ours, and writes the marker if missing. The lock is taken before anything
/// is deleted or written, and kept in the result.
caf::expected<claimed_data_dir> claim_data_dir(const std::string& dir, const std::string& node,
                                               bool fresh);

} // namespace om
