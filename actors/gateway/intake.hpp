#pragma once
// The gateway's intake: the one owner of client-order-id idempotency.
//
// A (strategy, client order id) key is in one of three places:
//   live      admitted and not yet ended: its order id, the digest of its
//             terms, and whether its order actor was started. Answered from
//             memory (duplicates, cancels, amends, the kill switch).
//   history   ended (or recorded by an earlier run of the node): only its
//             bits in a key_filter. A hit means "read the durable record"
//             (errc-free false positives cost one read); a miss is certain.
//   nowhere   a new key: admitted with no read at all.
// The durable idempotency record is written with the order's first snapshot
// (or its rejection) by the store actor, in one atomic batch: an order is
// accepted only once both are on disk, so a crash before that leaves nothing
// and a retry is processed afresh.
//
// Pure: no actors, no I/O. Not thread-safe (owned by the gateway actor).

#include "runtime/model/ids.hpp"
#include "runtime/store/key_filter.hpp"

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace om {

class intake_index {
public:
  struct live_entry {
    order_id id;
    uint64_t digest = 0;
    bool started = false; // its order actor runs in the pool
    bool digest_known = true; // false for orders recovered at start
  };

  enum class verdict {
    fresh,           // never seen: admit it
    duplicate,       // live, same terms: answer with its state
    different_terms, // live or recorded with other terms: reject
    look_up,         // maybe recorded earlier: read the durable record
  };

  struct answer {
    verdict v = verdict::fresh;
    const live_entry* live = nullptr; // duplicate / different_terms of a live key
  };

  explicit intake_index(key_filter history = key_filter{}) : history_(std::move(history)) {}

  answer classify(const std::string& key, uint64_t digest) const;

  /// A fresh key becomes live under `id`.
  void admit(const std::string& key, order_id id, uint64_t digest);
  /// Its order actor was started (cancels can be routed to it).
  void mark_started(const std::string& key);
  /// A recovered order: its terms digest is in the durable record only, so
  /// a retry of its key is looked up.
  void mark_unknown_digest(const std::string& key);
  /// The order ended (or was rejected durably): live -> history.
  void end(const std::string& key);
  /// Forgets a live key whose admission failed before anything was durable
  /// (it goes nowhere: a retry is processed afresh).
  void drop(const std::string& key);
  /// A key recorded before (warming from the store, or a look-up that found it).
  void remember(const std::string& key) { history_.add(key); }

  const live_entry* find(const std::string& key) const;
  const std::unordered_map<std::string, live_entry>& live() const { return live_; }
  const key_filter& history() const { return history_; }

private:
  std::unordered_map<std::string, live_entry> live_;
  key_filter history_;
};

} // namespace om
