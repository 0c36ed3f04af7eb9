#include "tools/bench/bare.hpp"

#include "runtime/clock.hpp"
#include "runtime/error.hpp"
#include "runtime/store/store.hpp"

#include <caf/all.hpp>

#include <iostream>
#include <optional>

namespace om::bench {

namespace {

using submit_atom = caf::atom_constant<caf::atom("om_bbsub")>;
using start_atom = caf::atom_constant<caf::atom("om_bbstart")>;
using flush_atom = caf::atom_constant<caf::atom("om_bbflush")>;
using check_atom = caf::atom_constant<caf::atom("om_bbcheck")>;
using route_atom = caf::atom_constant<caf::atom("om_bbroute")>;
using new_atom = caf::atom_constant<caf::atom("om_bbnew")>;
using report_atom = caf::atom_constant<caf::atom("om_bbrep")>;
using fill_atom = caf::atom_constant<caf::atom("om_bbfill")>;
using event_atom = caf::atom_constant<caf::atom("om_bbevent")>;

/// The record put four times per order: the smallest the store API writes.
/// An idempotency record encodes to 112 bytes even with empty ids (an empty
/// Text still takes a word): 56 of them are the envelope every stored record
/// carries (segment table, root, fence, write time, union tag).
/// bare_record_bytes() says exactly.
idempotency_record sample_record() {
  return idempotency_record{strategy_id{}, client_order_id{}, order_id::make(1, 1), 1, 42};
}

// -- store: group commit ---------------------------------------------------------

struct store_state {
  std::optional<table_writer> w;
  record_putter put;
  write_batch batch;
  std::vector<caf::response_promise> waiting;
  bool scheduled = false;
  uint64_t seq = 0;
};

caf::behavior group_commit_store(caf::stateful_actor<store_state>* self, std::shared_ptr<store> db,
                                 std::string owner, record_putter put) {
  auto w = db->claim(table::orders, owner);
  if (!w) {
    std::cerr << "ordermesh-bench: " << owner << ": " << describe(w.error()) << "\n";
    self->quit(w.error());
    return {};
  }
  self->state.w.emplace(std::move(*w));
  self->state.put = std::move(put);
  return {
    [self](store_put_atom, uint64_t key) -> caf::result<uint64_t> {
      auto& st = self->state;
      st.put(st.batch, key, fence{1, ++st.seq});
      st.waiting.push_back(self->make_response_promise());
      if (!st.scheduled) {
        st.scheduled = true;
        // Behind every put already queued: one commit serves them all.
        self->send(self, flush_atom::value);
      }
      return caf::delegated<uint64_t>{};
    },
    [self](flush_atom) {
      auto& st = self->state;
      st.scheduled = false;
      auto err = st.w->commit(st.batch);
      st.batch.clear();
      for (auto& rp : st.waiting)
        err ? rp.deliver(err) : rp.deliver(uint64_t{1});
      st.waiting.clear();
    },
  };
}

// -- risk, router, venue, post-trade ---------------------------------------------

caf::behavior bare_risk() {
  return {[](check_atom, uint64_t id) { return id; }};
}

caf::behavior bare_router() {
  return {[](route_atom, uint64_t id) { return id; }};
}

/// Acknowledges and fills every order at once (two messages back).
caf::behavior bare_venue() {
  return {[](new_atom, uint64_t id, const caf::actor& order) {
    caf::anon_send(order, report_atom::value, id, false);
    caf::anon_send(order, report_atom::value, id, true);
  }};
}

caf::behavior bare_post_trade(caf::stateful_actor<uint64_t>* self) {
  return {[self](fill_atom, uint64_t) { ++self->state; }};
}

// -- order -----------------------------------------------------------------------

struct peers {
  caf::actor store, risk, router, venue, post_trade;
};

caf::behavior bare_order(caf::event_based_actor* self, peers p, caf::actor strategy) {
  return {
    [self, p](start_atom, uint64_t id) {
      self->request(p.risk, caf::infinite, check_atom::value, id).then([self, p, id](uint64_t) {
        self->request(p.router, caf::infinite, route_atom::value, id).then([self, p, id](uint64_t) {
          // Write-ahead: the route is durable before the venue hears of it.
          self->request(p.store, caf::infinite, store_put_atom::value, id * 4 + 1)
            .then([self, p, id](uint64_t) {
              caf::anon_send(p.venue, new_atom::value, id, caf::actor_cast<caf::actor>(self));
            });
        });
      });
    },
    [self, p, strategy](report_atom, uint64_t id, bool filled) {
      // The event goes out once its state is durable.
      self->request(p.store, caf::infinite, store_put_atom::value, id * 4 + (filled ? 3 : 2))
        .then([self, p, strategy, id, filled](uint64_t) {
          if (filled)
            caf::anon_send(p.post_trade, fill_atom::value, id);
          caf::anon_send(strategy, event_atom::value, id, filled);
          if (filled)
            self->quit();
        });
    },
  };
}

// -- gateway ---------------------------------------------------------------------

caf::behavior bare_gateway(caf::event_based_actor* self, peers p) {
  return {[self, p](submit_atom, uint64_t id, const caf::actor& strategy) {
    // Idempotency record first, then the order actor.
    self->request(p.store, caf::infinite, store_put_atom::value, id * 4).then([self, p, id, strategy](uint64_t) {
      auto order = self->system().spawn(bare_order, p, strategy);
      caf::anon_send(order, start_atom::value, id);
    });
  }};
}

// -- strategy --------------------------------------------------------------------

struct strategy_state {
  caf::actor gateway, report_to;
  uint64_t n = 0, window = 0, sent = 0, done = 0;
  int64_t start_ns = 0;
};

using strategy_ptr = caf::stateful_actor<strategy_state>*;

void submit_more(strategy_ptr self) {
  auto& st = self->state;
  while (st.sent < st.n && st.sent - st.done < st.window)
    caf::anon_send(st.gateway, submit_atom::value, st.sent++, caf::actor_cast<caf::actor>(self));
}

caf::behavior bare_strategy(strategy_ptr self, caf::actor gateway, caf::actor report_to, uint64_t n,
                            uint64_t window) {
  auto& st = self->state;
  st.gateway = std::move(gateway);
  st.report_to = std::move(report_to);
  st.n = n;
  st.window = std::max<uint64_t>(1, window);
  return {
    [self](bare_go_atom) {
      self->state.start_ns = wall_ns();
      submit_more(self);
    },
    [self](event_atom, uint64_t, bool filled) {
      auto& st = self->state;
      if (!filled)
        return;
      ++st.done;
      submit_more(self);
      if (st.done == st.n) {
        self->send(st.report_to, bare_done_atom::value, st.done, st.start_ns, wall_ns());
        self->quit();
      }
    },
  };
}

} // namespace

caf::actor spawn_group_commit_store(caf::actor_system& sys, std::shared_ptr<store> db,
                                    std::string owner, record_putter put) {
  return sys.spawn(group_commit_store, std::move(db), std::move(owner), std::move(put));
}

bare_pipeline spawn_bare_pipeline(caf::actor_system& sys, const bare_options& o,
                                  caf::actor report_to) {
  peers p;
  p.store = spawn_group_commit_store(sys, o.db, "bare-pipeline",
                                     [rec = sample_record()](write_batch& b, uint64_t key, fence f) {
                                       b.put(u64_key(key), f, rec, 0);
                                     });
  p.risk = sys.spawn(bare_risk);
  p.router = sys.spawn(bare_router);
  p.venue = sys.spawn(bare_venue);
  p.post_trade = sys.spawn(bare_post_trade);
  auto gw = sys.spawn(bare_gateway, p);
  bare_pipeline out;
  out.strategy = sys.spawn(bare_strategy, gw, std::move(report_to), o.orders, o.window);
  out.fixed = {gw, p.store, p.risk, p.router, p.venue, p.post_trade};
  return out;
}

double run_bare(caf::actor_system& sys, const bare_options& o) {
  caf::scoped_actor self{sys};
  auto bp = spawn_bare_pipeline(sys, o, caf::actor_cast<caf::actor>(self));
  self->send(bp.strategy, bare_go_atom::value);
  double ops = 0;
  self->receive(
    [&](bare_done_atom, uint64_t n, int64_t t0, int64_t t1) {
      ops = static_cast<double>(n) / (static_cast<double>(t1 - t0) / 1e9);
    },
    caf::after(std::chrono::seconds(600)) >> [] {
      std::cerr << "ordermesh-bench: bare pipeline timed out\n";
      std::exit(3);
    });
  for (auto& a : bp.fixed)
    self->send_exit(a, caf::exit_reason::user_shutdown);
  return ops;
}

size_t bare_record_bytes() {
  return encode_record(envelope_info{fence{1, 1}, 0}, sample_record()).size();
}

std::string bare_shape() {
  return "spawn + 12 pipeline messages + 4 store request/response pairs (8 messages, group "
         "commit) per order, " + std::to_string(bare_record_bytes()) + "-byte records, no timers";
}

} // namespace om::bench
