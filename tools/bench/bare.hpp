#pragma once
// The minimal bare pipeline: the desk's shape with nothing but CAF and the
// store API, so bare_ratio = desk / bare shows what the desk's logic costs.
//
//   strategy -> gateway -> order -> risk -> router -> venue -> order
//            -> post-trade, and order -> strategy events
//
// Per order: the gateway spawns an order actor and sends it the order; the
// order asks risk and then the router (request/response each), sends the
// order to the venue, which answers ack and fill; the order sends the fill
// to post-trade and two events (acknowledged, filled) to the strategy: 12
// messages. Four small records (112 bytes, the smallest the store API
// encodes) are put per order (the gateway's before
// it spawns the order, the order's after routing, after the ack and after
// the fill), each a request/response to one store actor that group-commits
// whatever arrived together with the store/table_writer/write_batch API,
// like the desk's store: 8 more messages, plus one self-sent flush per
// batch. The strategy keeps its own fixed window of orders in flight
// (default 1000). No timeouts: every request is caf::infinite, no timers.

#include <caf/actor.hpp>
#include <caf/atom.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace caf {
class actor_system;
}

namespace om {
class store;
class write_batch;
struct fence;
}

namespace om::bench {

using bare_go_atom = caf::atom_constant<caf::atom("om_bbgo")>;
using bare_done_atom = caf::atom_constant<caf::atom("om_bbdone")>;
using store_put_atom = caf::atom_constant<caf::atom("om_bbput")>;

/// Puts one record under a numeric key into a batch.
using record_putter = std::function<void(write_batch&, uint64_t key, fence f)>;

/// The baselines' store actor: (store_put_atom, uint64_t key) batches a
/// record under `key` and is answered with 1 once the batch holding it is
/// committed (group commit: one RocksDB write for whatever arrived together).
/// It claims the orders table of `db` as `owner`; if that fails it says so
/// on stderr and ends.
caf::actor spawn_group_commit_store(caf::actor_system& sys, std::shared_ptr<store> db,
                                    std::string owner, record_putter put);

struct bare_options {
  /// Where the records go (the pipeline claims its orders table). Required.
  std::shared_ptr<store> db;
  /// Orders to send. Default 0.
  uint64_t orders = 0;
  /// Orders in flight. Default 1000.
  uint64_t window = 1000;
};

struct bare_pipeline {
  /// Starts on bare_go_atom; when every order filled it sends
  /// (bare_done_atom, uint64_t filled, int64_t start_ns, int64_t end_ns) to
  /// the report_to actor and quits.
  caf::actor strategy;
  /// Gateway, store, risk, router, venue, post-trade: the caller ends them
  /// (send_exit) once done.
  std::vector<caf::actor> fixed;
};

bare_pipeline spawn_bare_pipeline(caf::actor_system& sys, const bare_options& o,
                                  caf::actor report_to);

/// Runs the pipeline on `sys` (threaded scheduler; blocks the caller) and
/// returns orders per second, from the strategy's first submit to its last
/// fill. Exits with code 3 if it does not finish within 600 s.
double run_bare(caf::actor_system& sys, const bare_options& o);

/// Encoded size of the record the pipeline puts, bytes.
size_t bare_record_bytes();

/// One line for the report.
std::string bare_shape();

} // namespace om::bench
