#include "runtime/store/data_dir.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace om {

namespace fs = std::filesystem;

// -- pure -----------------------------------------------------------------------

namespace {

/// Calls `f(key, value)` for every "key=value" line of `text` (other lines:
/// titles, blanks, are skipped); stops at the first error `f` returns.
template <class F>
caf::error for_each_setting(std::string_view text, F f) {
  size_t pos = 0;
  while (pos <= text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos)
      end = text.size();
    auto line = text.substr(pos, end - pos);
    pos = end + 1;
    auto eq = line.find('=');
    if (eq == std::string_view::npos)
      continue;
    if (auto err = f(line.substr(0, eq), line.substr(eq + 1)))
      return err;
  }
  return caf::none;
}

/// `value` as a decimal of at most `max_digits` digits, or nothing.
std::optional<uint64_t> decimal(std::string_view value, size_t max_digits) {
  if (value.empty() || value.size() > max_digits
      || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  uint64_t v = 0;
  for (char c : value)
    v = v * 10 + static_cast<uint64_t>(c - '0');
  return v;
}

} // namespace

std::string render_marker(const data_dir_marker& m) {
  return "ordermesh data directory\nformat=" + std::to_string(m.format) + "\nnode=" + m.node
         + "\n";
}

caf::expected<data_dir_marker> parse_marker(std::string_view text, const std::string& where) {
  data_dir_marker out;
  bool have_format = false;
  auto err = for_each_setting(text, [&](std::string_view key, std::string_view value) {
    if (key == "format") {
      auto f = decimal(value, 6);
      if (!f)
        return make_error(errc::parse_error,
                          where + ": format=" + std::string{value} + " is not a number");
      out.format = static_cast<int>(*f);
      have_format = true;
    } else if (key == "node") {
      out.node = std::string{value};
    }
    return caf::error{};
  });
  if (err)
    return err;
  if (!have_format)
    return make_error(errc::parse_error, where + ": no format= line");
  if (out.format < 1)
    return make_error(errc::parse_error, where + ": format " + std::to_string(out.format));
  if (out.format > data_dir_format)
    return make_error(errc::not_supported, where + ": format " + std::to_string(out.format)
                                             + " is newer than this build's "
                                             + std::to_string(data_dir_format));
  return out;
}

bool is_ours(std::string_view name) {
  return name == data_dir_marker_file || name == data_dir_lock_file || name == data_dir_store_dir
         || name == data_dir_watermark_file || name == "ORDERMESH.tmp" || name == "WATERMARK.tmp";
}

const char* to_string(data_dir_state s) {
  switch (s) {
    case data_dir_state::absent: return "absent";
    case data_dir_state::empty: return "empty";
    case data_dir_state::ordermesh: return "ordermesh";
    case data_dir_state::legacy: return "legacy";
    case data_dir_state::foreign: return "foreign";
  }
  return "unknown";
}

std::vector<std::string> foreign_entries(const std::vector<std::string>& entries) {
  std::vector<std::string> out;
  for (auto& e : entries)
    if (!is_ours(e))
      out.push_back(e);
  return out;
}

data_dir_state classify(const dir_listing& l) {
  if (!l.exists)
    return data_dir_state::absent;
  if (!l.is_dir)
    return data_dir_state::foreign;
  // Our lock file or a marker half-written by a node that stopped before it
  // finished: nothing is stored yet, so the directory counts as empty.
  if (std::all_of(l.entries.begin(), l.entries.end(), [](const std::string& e) {
        return e == data_dir_lock_file || e == "ORDERMESH.tmp";
      }))
    return data_dir_state::empty;
  if (l.has_marker)
    return data_dir_state::ordermesh;
  // Written by a node from before the marker: nothing but our names, and a
  // RocksDB where ours lives.
  if (l.has_store && foreign_entries(l.entries).empty())
    return data_dir_state::legacy;
  return data_dir_state::foreign;
}

// -- file system ------------------------------------------------------------------

namespace {

std::string os_error(int e) {
  return std::strerror(e);
}

std::string join_some(const std::vector<std::string>& xs, size_t limit = 5) {
  std::string out;
  for (size_t i = 0; i < xs.size() && i < limit; ++i) {
    if (i > 0)
      out += ", ";
    out += "'" + xs[i] + "'";
  }
  if (xs.size() > limit)
    out += ", ... (" + std::to_string(xs.size()) + " in all)";
  return out;
}

/// The pid a lock file's holder wrote ("pid=N"), 0 if none.
pid_t read_pid(int fd) {
  char buf[64] = {};
  auto n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0)
    return 0;
  std::string_view s{buf, static_cast<size_t>(n)};
  if (s.substr(0, 4) != "pid=")
    return 0;
  pid_t pid = 0;
  for (size_t i = 4; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i)
    pid = pid * 10 + (s[i] - '0');
  return pid;
}

struct flock whole_file(short type) {
  struct flock fl;
  std::memset(&fl, 0, sizeof fl);
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 0;
  fl.l_pid = 0;
  return fl;
}

std::string holder_text(pid_t pid) {
  return pid > 0 ? "pid " + std::to_string(pid) : "pid unknown";
}

} // namespace

caf::expected<dir_listing> list_data_dir(const std::string& dir) {
  dir_listing out;
  std::error_code ec;
  auto st = fs::status(dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory)
    return make_error(errc::invalid_argument, dir + ": " + ec.message());
  if (!fs::exists(st))
    return out;
  out.exists = true;
  out.is_dir = fs::is_directory(st);
  if (!out.is_dir)
    return out;
  for (auto it = fs::directory_iterator{dir, ec}; !ec && it != fs::directory_iterator{};
       it.increment(ec))
    out.entries.push_back(it->path().filename().string());
  if (ec)
    return make_error(errc::invalid_argument, dir + ": cannot list: " + ec.message());
  std::sort(out.entries.begin(), out.entries.end());
  out.has_marker = fs::exists(fs::path{dir} / data_dir_marker_file, ec);
  out.has_store = fs::exists(fs::path{dir} / data_dir_store_dir / "CURRENT", ec);
  return out;
}

caf::expected<data_dir_marker> read_marker(const std::string& dir) {
  auto path = (fs::path{dir} / data_dir_marker_file).string();
  std::ifstream in{path};
  if (!in)
    return make_error(errc::not_found, path);
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_marker(ss.str(), path);
}

data_dir_holder find_holder(const std::string& dir) {
  data_dir_holder out;
  auto lock_path = (fs::path{dir} / data_dir_lock_file).string();
  if (int fd = ::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
    auto fl = whole_file(F_WRLCK);
    if (::fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type != F_UNLCK) {
      out.locked = true;
      out.pid = fl.l_pid > 0 ? fl.l_pid : read_pid(fd);
      out.file = lock_path;
    }
    ::close(fd);
    if (out.locked)
      return out;
  }
  return find_store_holder(dir);
}

data_dir_holder find_store_holder(const std::string& dir) {
  data_dir_holder out;
  // RocksDB's own lock (a POSIX lock): held by any process with the store
  // open read-write, ours or not (a node from before the lock, a bench).
  auto db_lock = (fs::path{dir} / data_dir_store_dir / "LOCK").string();
  if (int fd = ::open(db_lock.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
    auto fl = whole_file(F_WRLCK);
    if (::fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK) {
      out.locked = true;
      out.pid = fl.l_pid > 0 ? fl.l_pid : 0;
      out.file = db_lock;
    }
    ::close(fd);
  }
  return out;
}

caf::expected<data_dir_lock> data_dir_lock::acquire(const std::string& dir) {
  auto path = (fs::path{dir} / data_dir_lock_file).string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return make_error(errc::invalid_argument, path + ": cannot open the lock file: "
                                                + os_error(errno));
  // An open-file-description lock: unlike a POSIX lock it is not dropped
  // when some other descriptor of the file in this process is closed, and
  // it is released by the kernel when the process dies, however it dies.
  auto fl = whole_file(F_WRLCK);
  if (::fcntl(fd, F_OFD_SETLK, &fl) != 0) {
    int e = errno;
    pid_t pid = 0;
    if (e == EAGAIN || e == EACCES)
      pid = read_pid(fd);
    ::close(fd);
    if (e == EAGAIN || e == EACCES)
      return make_error(errc::data_dir_locked,
                        "data dir " + dir + " is in use by another ordermesh node ("
                          + holder_text(pid) + ", lock " + path + ")");
    return make_error(errc::invalid_argument, path + ": cannot lock: " + os_error(e));
  }
  auto text = "pid=" + std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0
      || ::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
    // The lock holds; only the pid shown to others is missing.
  }
  return data_dir_lock{fd};
}

data_dir_lock::data_dir_lock(data_dir_lock&& other) noexcept : fd_(other.fd_) {
  other.fd_ = -1;
}

data_dir_lock& data_dir_lock::operator=(data_dir_lock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

data_dir_lock::~data_dir_lock() {
  // Closing the last descriptor of the open file description releases the
  // lock; the file stays (its stale pid is never read without the lock held).
  if (fd_ >= 0)
    ::close(fd_);
}

namespace {

/// Replaces `<dir>/<name>` with `text`: written to <name>.tmp, synced,
/// renamed over, and the directory synced.
caf::error write_atomically(const std::string& dir, const std::string& name,
                            const std::string& text) {
  auto tmp = (fs::path{dir} / (name + ".tmp")).string();
  auto path = (fs::path{dir} / name).string();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return make_error(errc::invalid_argument, tmp + ": " + os_error(errno));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size())
            && ::fsync(fd) == 0;
  int e = errno;
  ::close(fd);
  if (!ok)
    return make_error(errc::invalid_argument, tmp + ": " + os_error(e));
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return make_error(errc::invalid_argument, path + ": " + os_error(errno));
  if (int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return caf::none;
}

caf::error write_marker(const std::string& dir, const std::string& node) {
  return write_atomically(dir, data_dir_marker_file,
                          render_marker(data_dir_marker{data_dir_format, node}));
}

caf::error refuse_foreign(const std::string& dir, const dir_listing& l, bool fresh) {
  auto verb = fresh ? "refusing to clear it" : "refusing to use it";
  if (!l.is_dir)
    return make_error(errc::not_a_data_dir, dir + " exists and is not a directory; " + verb);
  auto others = foreign_entries(l.entries);
  return make_error(errc::not_a_data_dir,
                    dir + " is not an ordermesh data dir (no " + data_dir_marker_file
                      + " marker; it holds " + join_some(others.empty() ? l.entries : others)
                      + "); " + verb);
}

} // namespace

caf::expected<claimed_data_dir> claim_data_dir(const std::string& dir, const std::string& node,
                                               bool fresh) {
  auto listing = list_data_dir(dir);
  if (!listing)
    return std::move(listing.error());
  claimed_data_dir out;
  out.found = classify(*listing);
  if (out.found == data_dir_state::foreign)
    return refuse_foreign(dir, *listing, fresh);
  if (out.found == data_dir_state::ordermesh) {
    auto m = read_marker(dir);
    if (!m)
      return make_error(errc::not_a_data_dir, describe(m.error()) + "; refusing to "
                                                + (fresh ? "clear" : "use") + " " + dir);
    out.marker_node = m->node;
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return make_error(errc::invalid_argument, dir + ": cannot create: " + ec.message());
  auto lock = data_dir_lock::acquire(dir);
  if (!lock)
    return std::move(lock.error());
  out.lock = std::move(*lock);
  // Our lock is free, but a process without it (a node from before the
  // lock, a bench) may still have the RocksDB open: RocksDB's lock says so.
  if (auto h = find_store_holder(dir); h.locked)
    return make_error(errc::data_dir_locked, "data dir " + dir + ": its store is open in "
                                               + holder_text(h.pid) + " (lock " + h.file + ")");
  if (fresh) {
    // Re-read under the lock: only what is ours now is removed.
    listing = list_data_dir(dir);
    if (!listing)
      return std::move(listing.error());
    for (auto& e : listing->entries) {
      if (e == data_dir_lock_file)
        continue; // we hold it
      if (!is_ours(e)) {
        out.kept.push_back(e);
        continue;
      }
      fs::remove_all(fs::path{dir} / e, ec);
      if (ec)
        return make_error(errc::invalid_argument,
                          (fs::path{dir} / e).string() + ": cannot remove: " + ec.message());
      out.cleared.push_back(e);
    }
  }
  if (fresh || out.found != data_dir_state::ordermesh)
    if (auto err = write_marker(dir, node))
      return err;
  return out;
}

std::string render_watermark(const store_watermark& w) {
  return "ordermesh store watermark\nincarnation=" + std::to_string(w.incarnation)
         + "\nsequence=" + std::to_string(w.sequence) + "\n";
}

caf::expected<store_watermark> parse_watermark(std::string_view text, const std::string& where) {
  store_watermark out;
  bool inc = false, seq = false;
  auto err = for_each_setting(text, [&](std::string_view key, std::string_view value) {
    if (key != "incarnation" && key != "sequence")
      return caf::error{};
    auto v = decimal(value, 19);
    if (!v)
      return make_error(errc::parse_error, where + ": " + std::string{key} + "="
                                             + std::string{value} + " is not a number");
    (key == "incarnation" ? out.incarnation : out.sequence) = *v;
    (key == "incarnation" ? inc : seq) = true;
    return caf::error{};
  });
  if (err)
    return err;
  if (!inc || !seq)
    return make_error(errc::parse_error, where + ": missing " + (inc ? "sequence=" : "incarnation="));
  return out;
}

caf::expected<store_watermark> read_watermark(const std::string& dir) {
  auto path = (fs::path{dir} / data_dir_watermark_file).string();
  std::error_code ec;
  if (!fs::exists(path, ec))
    return store_watermark{};
  std::ifstream in{path};
  if (!in)
    return make_error(errc::invalid_argument, path + ": cannot read");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_watermark(ss.str(), path);
}

caf::error write_watermark(const std::string& dir, const store_watermark& w) {
  return write_atomically(dir, data_dir_watermark_file, render_watermark(w));
}

} // namespace om
