#define CAF_SUITE store.rocksdb
#include <caf/test/unit_test.hpp>

#include "runtime/store/store.hpp"
#include "samples.hpp"

#include <rocksdb/db.h>

#include <filesystem>
#include <unistd.h>

using namespace om;
namespace fs = std::filesystem;

namespace {

struct fixture {
  std::string dir;
  std::shared_ptr<store> db;

  fixture() {
    static int n = 0;
    dir = (fs::temp_directory_path()
           / ("om_store_test_" + std::to_string(::getpid()) + "_" + std::to_string(++n)))
            .string();
    fs::remove_all(dir);
    reopen();
  }

  ~fixture() {
    db.reset();
    fs::remove_all(dir);
  }

  void reopen() {
    db.reset();
    auto st = store::open(store_options{dir});
    if (!st)
      CAF_FAIL("open failed: " << describe(st.error()));
    db = *st;
  }

  table_writer writer(table t) {
    auto w = db->claim(t, "test");
    if (!w)
      CAF_FAIL("claim failed: " << describe(w.error()));
    return std::move(*w);
  }

  /// Opens the closed store with RocksDB directly, every column family,
  /// and hands `f` each family's name and handle.
  template <class F>
  void with_raw_db(F f) {
    db.reset();
    rocksdb::DBOptions opts;
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    std::vector<std::string> names;
    CAF_REQUIRE(rocksdb::DB::ListColumnFamilies(opts, dir, &names).ok());
    for (auto& n : names)
      cfs.emplace_back(n, rocksdb::ColumnFamilyOptions{});
    std::vector<rocksdb::ColumnFamilyHandle*> hs;
    rocksdb::DB* raw = nullptr;
    CAF_REQUIRE(rocksdb::DB::Open(opts, dir, cfs, &hs, &raw).ok());
    for (size_t i = 0; i < names.size(); ++i)
      f(*raw, names[i], hs[i]);
    for (auto h : hs)
      raw->DestroyColumnFamilyHandle(h);
    delete raw;
  }

  /// Writes raw bytes with RocksDB directly (store closed), as corruption would.
  void corrupt(table t, const std::string& key, const std::string& bytes) {
    with_raw_db([&](rocksdb::DB& raw, const std::string& name, rocksdb::ColumnFamilyHandle* h) {
      if (name == to_string(t))
        CAF_REQUIRE(raw.Put(rocksdb::WriteOptions{}, h, key, bytes).ok());
    });
    reopen();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(store_tests, fixture)

CAF_TEST(every record kind round trips through its table) {
  auto o = test::sample_order();
  auto p = test::sample_position();
  auto i = test::sample_idempotency();
  auto a = test::sample_audit();
  auto f = test::sample_fill();
  { // writers keep the store open: drop them before reopening
  auto orders = writer(table::orders);
  auto positions = writer(table::positions);
  auto idem = writer(table::idempotency);
  auto audit = writer(table::audit);
  auto journal = writer(table::journal);
  CAF_REQUIRE(!orders.put(order_key(o.id), fence{1, 1}, o, 10));
  CAF_REQUIRE(!positions.put(position_key(p.instrument, p.strategy), fence{1, 1}, p, 11));
  CAF_REQUIRE(!idem.put_if_absent(idempotency_key(i.strategy, i.clordid), fence{1, 1}, i, 12));
  CAF_REQUIRE(!audit.put(u64_key(a.sequence), fence{1, a.sequence}, a, 13));
  CAF_REQUIRE(!journal.put(u64_key(f.sequence), fence{1, f.sequence}, f, 14));
  }
  reopen(); // from disk, not from any cache
  auto o2 = db->get<order_snapshot>(table::orders, order_key(o.id));
  CAF_REQUIRE(o2);
  CAF_CHECK(o2->record == o);
  CAF_CHECK(o2->envelope.fence == (fence{1, 1}));
  CAF_CHECK_EQUAL(o2->envelope.written_ns, 10);
  auto p2 = db->get<position_snapshot>(table::positions, position_key(p.instrument, p.strategy));
  CAF_REQUIRE(p2);
  CAF_CHECK(p2->record == p);
  auto i2 = db->get<idempotency_record>(table::idempotency,
                                        idempotency_key(i.strategy, i.clordid));
  CAF_REQUIRE(i2);
  CAF_CHECK(i2->record == i);
  auto a2 = db->get<audit_record>(table::audit, u64_key(a.sequence));
  CAF_REQUIRE(a2);
  CAF_CHECK(a2->record == a);
  auto f2 = db->get<fill_record>(table::journal, u64_key(f.sequence));
  CAF_REQUIRE(f2);
  CAF_CHECK(f2->record == f);
  auto missing = db->get<order_snapshot>(table::orders, order_key(order_id::make(9, 9)));
  CAF_REQUIRE(!missing);
  CAF_CHECK_EQUAL(code_of(missing.error()), errc::not_found);
}

CAF_TEST(each table has a single writer) {
  auto w = writer(table::orders);
  auto second = db->claim(table::orders, "intruder");
  CAF_REQUIRE(!second);
  CAF_CHECK_EQUAL(code_of(second.error()), errc::already_owned);
  CAF_CHECK(detail_of(second.error()).find("owned by test") != std::string::npos);
  CAF_CHECK(db->claim(table::audit, "other")); // other tables are free
  { auto moved = std::move(w); } // released when the owner goes away
  CAF_CHECK(db->claim(table::orders, "next"));
}

CAF_TEST(fencing refuses stale incarnations and sequences) {
  auto w = writer(table::orders);
  auto o = test::sample_order();
  auto key = order_key(o.id);
  CAF_CHECK(!w.put(key, fence{2, 1}, o, 0));
  CAF_CHECK_EQUAL(code_of(w.put(key, fence{2, 1}, o, 0)), errc::stale_write); // same fence
  CAF_CHECK(!w.put(key, fence{2, 2}, o, 0));
  CAF_CHECK_EQUAL(code_of(w.put(key, fence{1, 99}, o, 0)), errc::stale_write); // old incarnation
  CAF_CHECK(!w.put(key, fence{3, 1}, o, 0)); // newer incarnation restarts sequence
  // A fresh writer after a restart reads the stored fence from disk.
  { auto drop = std::move(w); }
  reopen();
  auto w2 = writer(table::orders);
  auto err = w2.put(key, fence{2, 50}, o, 0);
  CAF_CHECK_EQUAL(code_of(err), errc::stale_write);
  CAF_CHECK(detail_of(err).find("not newer than stored 3/1") != std::string::npos);
  CAF_CHECK_EQUAL(w2.fence_reads(), 1u);
  CAF_CHECK(!w2.put(key, fence{3, 2}, o, 0));
  CAF_CHECK_EQUAL(w2.fence_reads(), 1u); // cached after the first read
  auto back = db->get<order_snapshot>(table::orders, key);
  CAF_REQUIRE(back);
  CAF_CHECK(back->envelope.fence == (fence{3, 2}));
}

CAF_TEST(batches are atomic) {
  auto w = writer(table::orders);
  auto a = test::sample_order(1), b = test::sample_order(2);
  CAF_REQUIRE(!w.put(order_key(b.id), fence{1, 5}, b, 0));
  write_batch batch;
  batch.put(order_key(a.id), fence{1, 1}, a, 0);
  batch.put(order_key(b.id), fence{1, 3}, b, 0); // stale: stored is 1/5
  CAF_CHECK_EQUAL(code_of(w.commit(batch)), errc::stale_write);
  CAF_CHECK_EQUAL(code_of(db->get_raw(table::orders, order_key(a.id)).error()),
                  errc::not_found);
  write_batch ok;
  for (uint64_t s = 1; s <= 100; ++s) {
    auto o = test::sample_order(s + 10);
    ok.put(order_key(o.id), fence{1, s}, o, 0);
  }
  // The same key twice in one batch must move forward too.
  ok.put(order_key(a.id), fence{1, 1}, a, 0);
  ok.put(order_key(a.id), fence{1, 2}, a, 0);
  CAF_REQUIRE(!w.commit(ok));
  size_t n = 0;
  CAF_CHECK(!db->scan<order_snapshot>(table::orders, "",
                                      [&](std::string_view, stored<order_snapshot>&) {
                                        ++n;
                                        return true;
                                      }));
  CAF_CHECK_EQUAL(n, 102u);
  write_batch dup;
  dup.put(order_key(a.id), fence{1, 9}, a, 0);
  dup.put(order_key(a.id), fence{1, 8}, a, 0);
  CAF_CHECK_EQUAL(code_of(w.commit(dup)), errc::stale_write);
}

CAF_TEST(commits across tables land together or not at all) {
  auto orders = writer(table::orders);
  auto journal = writer(table::journal);
  auto o = test::sample_order(1);
  auto f = test::sample_fill();
  write_batch ob, jb;
  ob.put(order_key(o.id), fence{1, 1}, o, 0);
  jb.put(u64_key(1), fence{1, 1}, f, 0);
  CAF_REQUIRE(!table_writer::commit_all({{&orders, &ob}, {&journal, &jb}}));
  CAF_CHECK(db->get<order_snapshot>(table::orders, order_key(o.id)));
  CAF_CHECK(db->get<fill_record>(table::journal, u64_key(1)));
  // A stale order snapshot refuses its fills too.
  write_batch stale, fills;
  stale.put(order_key(o.id), fence{1, 1}, o, 0);
  fills.put(u64_key(2), fence{1, 1}, f, 0);
  CAF_CHECK_EQUAL(code_of(table_writer::commit_all({{&orders, &stale}, {&journal, &fills}})),
                  errc::stale_write);
  CAF_CHECK_EQUAL(code_of(db->get_raw(table::journal, u64_key(2)).error()), errc::not_found);
  CAF_CHECK_EQUAL(code_of(orders.check(order_key(o.id), fence{1, 1})), errc::stale_write);
  CAF_CHECK(!orders.check(order_key(o.id), fence{1, 2}));
}

CAF_TEST(put if absent refuses a second record) {
  auto w = writer(table::idempotency);
  auto i = test::sample_idempotency();
  auto key = idempotency_key(i.strategy, i.clordid);
  CAF_CHECK(!w.put_if_absent(key, fence{1, 1}, i, 0));
  auto again = w.put_if_absent(key, fence{1, 2}, i, 0);
  CAF_CHECK_EQUAL(code_of(again), errc::already_exists);
  { auto drop = std::move(w); }
  reopen();
  auto w2 = writer(table::idempotency);
  CAF_CHECK_EQUAL(code_of(w2.put_if_absent(key, fence{2, 1}, i, 0)), errc::already_exists);
}

CAF_TEST(incarnations are durable and increasing) {
  auto value = [&](const char* k) {
    auto r = db->next_incarnation(k);
    return r ? *r : uint64_t{0};
  };
  CAF_CHECK_EQUAL(value("order/O1-7"), 1u);
  CAF_CHECK_EQUAL(value("order/O1-7"), 2u);
  CAF_CHECK_EQUAL(value("risk/AAPL"), 1u);
  reopen();
  auto next = db->next_incarnation("order/O1-7");
  CAF_REQUIRE(next);
  CAF_CHECK_EQUAL(*next, 3u);
}

CAF_TEST(scan visits a prefix in key order) {
  auto w = writer(table::positions);
  for (auto i : {"X.ONE", "X.TWO"})
    for (auto s : {"b", "a", "c"}) {
      auto p = test::sample_position();
      p.strategy = strategy_id{s};
      p.instrument = instrument_id{i};
      CAF_REQUIRE(!w.put(position_key(p.instrument, p.strategy), fence{1, 1}, p, 0));
    }
  std::vector<std::string> seen;
  auto prefix = std::string{"X.TWO"} + '\0';
  CAF_CHECK(!db->scan<position_snapshot>(table::positions, prefix,
                                         [&](std::string_view, stored<position_snapshot>& r) {
                                           seen.push_back(r.record.strategy.value);
                                           return true;
                                         }));
  CAF_CHECK_EQUAL(seen, (std::vector<std::string>{"a", "b", "c"}));
  auto last = db->last_key(table::positions);
  CAF_REQUIRE(last);
  CAF_CHECK_EQUAL(*last, position_key(instrument_id{"X.TWO"}, strategy_id{"c"}));
  CAF_CHECK_EQUAL(code_of(db->last_key(table::journal).error()), errc::not_found);
}

CAF_TEST(a corrupt stored record is a typed error naming its key) {
  auto o = test::sample_order();
  {
    auto w = writer(table::orders);
    CAF_REQUIRE(!w.put(order_key(o.id), fence{1, 1}, o, 0));
  }
  std::string key = "bad-key";
  corrupt(table::orders, key, std::string(24, '\x7f'));
  auto r = db->get<order_snapshot>(table::orders, key);
  CAF_REQUIRE(!r);
  CAF_CHECK_EQUAL(code_of(r.error()), errc::corrupt_record);
  CAF_CHECK(detail_of(r.error()).rfind("orders/bad-key: ", 0) == 0);
  // The good record is still readable; a scan stops at the bad one with the key.
  CAF_CHECK(db->get<order_snapshot>(table::orders, order_key(o.id)));
  auto err = db->scan<order_snapshot>(table::orders, "",
                                      [](std::string_view, stored<order_snapshot>&) {
                                        return true;
                                      });
  CAF_CHECK_EQUAL(code_of(err), errc::corrupt_record);
  CAF_CHECK(detail_of(err).find("orders/bad-key") != std::string::npos);
  // Writing over it is refused: its fence cannot be read, so staleness is unknown.
  {
    auto w = writer(table::orders);
    CAF_CHECK_EQUAL(code_of(w.put(key, fence{9, 9}, o, 0)), errc::corrupt_record);
  }
  // Binary keys are rendered printable.
  corrupt(table::orders, std::string{"\x01\x02", 2}, "xyz");
  auto r2 = db->get<order_snapshot>(table::orders, std::string{"\x01\x02", 2});
  CAF_REQUIRE(!r2);
  CAF_CHECK(detail_of(r2.error()).rfind("orders/\\x01\\x02: ", 0) == 0);
}

CAF_TEST(opening an unusable path is a typed error) {
  auto st = store::open(store_options{"/proc/om-cannot-exist/db"});
  CAF_REQUIRE(!st);
  CAF_CHECK_EQUAL(code_of(st.error()), errc::store_open_failed);
  CAF_CHECK_EQUAL(code_of(store::open(store_options{""}).error()), errc::store_open_failed);
}

CAF_TEST(a store from an older version opens read only without its newer tables) {
  {
    auto w = writer(table::orders);
    CAF_REQUIRE(!w.put("o1", fence{1, 1}, test::sample_order(), 0));
  }
  // Drop the newest table, as a store written before it existed lacks it.
  with_raw_db([](rocksdb::DB& raw, const std::string& name, rocksdb::ColumnFamilyHandle* h) {
    if (name == "incidents")
      CAF_REQUIRE(raw.DropColumnFamily(h).ok());
  });
  store_options ro{dir};
  ro.read_only = true;
  auto old = store::open(ro);
  CAF_REQUIRE(old);
  CAF_CHECK((*old)->get<order_snapshot>(table::orders, "o1"));
  size_t seen = 0;
  CAF_CHECK(!(*old)->scan_raw(table::incidents, "", [&](auto, auto) { return ++seen, true; }));
  CAF_CHECK_EQUAL(seen, 0u);
  CAF_CHECK_EQUAL(code_of((*old)->get_raw(table::incidents, "k").error()), errc::not_found);
  old->reset();
  // A read-write open creates it again.
  reopen();
  auto w = writer(table::incidents);
  CAF_CHECK(!w.put("0000000000000001", fence{1, 1}, test::sample_incident(), 0));
}

CAF_TEST_FIXTURE_SCOPE_END()
