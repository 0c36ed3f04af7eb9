#define CAF_SUITE data_dir
#include <caf/test/unit_test.hpp>

#include "runtime/store/data_dir.hpp"
#include "runtime/store/store.hpp"

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace om;
namespace fs = std::filesystem;

namespace {

dir_listing dir_of(std::vector<std::string> entries, bool marker = false, bool store = false) {
  dir_listing l;
  l.exists = true;
  l.is_dir = true;
  l.entries = std::move(entries);
  l.has_marker = marker;
  l.has_store = store;
  return l;
}

struct tmp_dir {
  fs::path path;
  tmp_dir() {
    path = fs::temp_directory_path()
           / ("om-data-dir-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(path);
  }
  ~tmp_dir() { fs::remove_all(path); }
  std::string str() const { return path.string(); }
  static inline int n = 0;
};

} // namespace

// -- pure ------------------------------------------------------------------------

CAF_TEST(a marker round-trips) {
  auto m = parse_marker(render_marker(data_dir_marker{1, "n7"}), "x/ORDERMESH");
  CAF_REQUIRE(m);
  CAF_CHECK_EQUAL(m->format, 1);
  CAF_CHECK_EQUAL(m->node, "n7");
}

CAF_TEST(a marker without a format or with a newer one is refused) {
  auto none = parse_marker("ordermesh data directory\nnode=n1\n", "d/ORDERMESH");
  CAF_REQUIRE(!none);
  CAF_CHECK_EQUAL(code_of(none.error()), errc::parse_error);
  CAF_CHECK(detail_of(none.error()).find("d/ORDERMESH") != std::string::npos);
  auto bad = parse_marker("format=one\n", "d/ORDERMESH");
  CAF_REQUIRE(!bad);
  CAF_CHECK_EQUAL(code_of(bad.error()), errc::parse_error);
  auto newer = parse_marker("format=2\nnode=n1\n", "d/ORDERMESH");
  CAF_REQUIRE(!newer);
  CAF_CHECK_EQUAL(code_of(newer.error()), errc::not_supported);
  auto zero = parse_marker("format=0\n", "d/ORDERMESH");
  CAF_CHECK(!zero);
}

CAF_TEST(only our own names are ours) {
  CAF_CHECK(is_ours("db"));
  CAF_CHECK(is_ours("ORDERMESH"));
  CAF_CHECK(is_ours("ordermesh.lock"));
  CAF_CHECK(!is_ours("notes.txt"));
  CAF_CHECK(!is_ours("DB"));
  CAF_CHECK(!is_ours("db2"));
  auto f = foreign_entries({"ORDERMESH", "a", "db", "b"});
  CAF_CHECK_EQUAL(f, (std::vector<std::string>{"a", "b"}));
}

CAF_TEST(classify covers every state) {
  dir_listing absent;
  CAF_CHECK_EQUAL(classify(absent), data_dir_state::absent);
  dir_listing file;
  file.exists = true;
  CAF_CHECK_EQUAL(classify(file), data_dir_state::foreign);
  CAF_CHECK_EQUAL(classify(dir_of({})), data_dir_state::empty);
  // a node that died before writing its marker left only its lock
  CAF_CHECK_EQUAL(classify(dir_of({"ordermesh.lock"})), data_dir_state::empty);
  CAF_CHECK_EQUAL(classify(dir_of({"ORDERMESH", "db", "ordermesh.lock"}, true, true)),
                  data_dir_state::ordermesh);
  // marked: unknown files do not make it foreign (they are kept by --fresh)
  CAF_CHECK_EQUAL(classify(dir_of({"ORDERMESH", "notes"}, true)), data_dir_state::ordermesh);
  CAF_CHECK_EQUAL(classify(dir_of({"db"}, false, true)), data_dir_state::legacy);
  // "db" that holds no RocksDB is not ours
  CAF_CHECK_EQUAL(classify(dir_of({"db"}, false, false)), data_dir_state::foreign);
  CAF_CHECK_EQUAL(classify(dir_of({"db", "notes"}, false, true)), data_dir_state::foreign);
  CAF_CHECK_EQUAL(classify(dir_of({"notes"})), data_dir_state::foreign);
}

// -- file system --------------------------------------------------------------------

CAF_TEST(claim refuses a foreign dir and touches nothing) {
  tmp_dir d;
  fs::create_directories(d.path);
  std::ofstream{d.path / "notes.txt"} << "keep";
  for (bool fresh : {false, true}) {
    auto c = claim_data_dir(d.str(), "n1", fresh);
    CAF_REQUIRE(!c);
    CAF_CHECK_EQUAL(code_of(c.error()), errc::not_a_data_dir);
    CAF_CHECK(detail_of(c.error()).find("notes.txt") != std::string::npos);
  }
  CAF_CHECK_EQUAL(std::distance(fs::directory_iterator{d.path}, fs::directory_iterator{}), 1);
}

CAF_TEST(claim marks a new dir and refuses a second claim and fresh keeps what is not ours) {
  tmp_dir d;
  {
    auto c = claim_data_dir(d.str(), "n1", false);
    CAF_REQUIRE(c);
    CAF_CHECK_EQUAL(c->found, data_dir_state::absent);
    auto m = read_marker(d.str());
    CAF_REQUIRE(m);
    CAF_CHECK_EQUAL(m->node, "n1");
    auto again = claim_data_dir(d.str(), "n1", true);
    CAF_REQUIRE(!again);
    CAF_CHECK_EQUAL(code_of(again.error()), errc::data_dir_locked);
    CAF_CHECK(detail_of(again.error()).find("pid " + std::to_string(::getpid()))
              != std::string::npos);
    auto h = find_holder(d.str());
    CAF_CHECK(h.locked);
    CAF_CHECK_EQUAL(h.pid, ::getpid());
  }
  CAF_CHECK(!find_holder(d.str()).locked);
  fs::create_directories(d.path / "db");
  std::ofstream{d.path / "db" / "CURRENT"} << "x";
  std::ofstream{d.path / "notes.txt"} << "keep";
  auto c = claim_data_dir(d.str(), "n2", true);
  CAF_REQUIRE(c);
  CAF_CHECK_EQUAL(c->found, data_dir_state::ordermesh);
  CAF_CHECK_EQUAL(c->marker_node, "n1");
  CAF_CHECK(!fs::exists(d.path / "db"));
  CAF_CHECK(fs::exists(d.path / "notes.txt"));
  CAF_CHECK_EQUAL(c->kept, (std::vector<std::string>{"notes.txt"}));
  CAF_CHECK_EQUAL(read_marker(d.str())->node, "n2");
}

CAF_TEST(a read-only open of a missing store creates nothing) {
  tmp_dir d;
  store_options o;
  o.path = (d.path / "db").string();
  o.read_only = true;
  auto st = store::open(o);
  CAF_REQUIRE(!st);
  CAF_CHECK_EQUAL(code_of(st.error()), errc::no_store);
  CAF_CHECK(!fs::exists(d.path));
}

CAF_TEST(a read-only store reads and refuses writers) {
  tmp_dir d;
  auto path = (d.path / "db").string();
  fs::create_directories(d.path);
  {
    auto rw = store::open(store_options{path});
    CAF_REQUIRE(rw);
    CAF_REQUIRE(!!(*rw)->next_incarnation("node"));
  }
  store_options o;
  o.path = path;
  o.read_only = true;
  auto ro = store::open(o);
  CAF_REQUIRE(ro);
  // no new info log: a read-write open would have rotated LOG to LOG.old.*
  for (auto& e : fs::directory_iterator{d.path / "db"})
    CAF_CHECK(e.path().filename().string().rfind("LOG.old", 0) != 0);
  auto w = (*ro)->claim(table::orders, "test");
  CAF_REQUIRE(!w);
  CAF_CHECK_EQUAL(code_of(w.error()), errc::not_supported);
  auto inc = (*ro)->next_incarnation("node");
  CAF_REQUIRE(!inc);
  CAF_CHECK_EQUAL(code_of(inc.error()), errc::not_supported);
  CAF_CHECK_EQUAL(code_of((*ro)->last_key(table::orders).error()), errc::not_found);
}

CAF_TEST(the watermark renders parses and refuses bad figures) {
  store_watermark w{42, 123456789};
  auto back = parse_watermark(render_watermark(w), "W");
  CAF_REQUIRE(back);
  CAF_CHECK_EQUAL(back->incarnation, 42u);
  CAF_CHECK_EQUAL(back->sequence, 123456789u);
  auto bad = parse_watermark("incarnation=x\nsequence=1\n", "W");
  CAF_REQUIRE(!bad);
  CAF_CHECK_EQUAL(code_of(bad.error()), errc::parse_error);
  CAF_CHECK(detail_of(bad.error()).find("W: incarnation=x is not a number") != std::string::npos);
  CAF_CHECK(!parse_watermark("incarnation=3\n", "W"));
}

CAF_TEST(next incarnation honours a floor from outside the counter) {
  auto path = std::filesystem::temp_directory_path() / ("om-inc-floor-" + std::to_string(::getpid()));
  std::filesystem::remove_all(path);
  {
    auto db = store::open(store_options{path.string()});
    CAF_REQUIRE(db);
    auto next = [&](uint64_t floor) {
      auto r = (*db)->next_incarnation("node", floor);
      return r ? *r : uint64_t{0};
    };
    CAF_CHECK_EQUAL(next(0), 1u);
    CAF_CHECK_EQUAL(next(7), 7u); // the floor wins
    CAF_CHECK_EQUAL(next(3), 8u); // the counter wins
  }
  std::filesystem::remove_all(path);
  // Order ids carry the incarnation that minted them.
  auto id = order_id::mint(3, 0x12345, 99);
  CAF_CHECK_EQUAL(id.node(), 3u);
  CAF_CHECK_EQUAL(id.incarnation(), 0x12345u);
  CAF_CHECK_EQUAL(id.sequence() & 0xFFFFFFF, 99u);
}
