#pragma once
// Fully populated sample records: every field set to a non-default value, so
// a field lost in encoding makes a round-trip comparison fail.

#include "runtime/model/records.hpp"

namespace om::test {

inline order_snapshot sample_order(uint64_t seq = 42) {
  order_snapshot x;
  x.id = order_id::make(3, seq);
  x.clordid = client_order_id{"c-" + std::to_string(seq)};
  x.strategy = strategy_id{"momo"};
  x.instrument = instrument_id{"AAPL.XNAS"};
  x.symbol_as_sent = "AAPL US";
  x.refdata_version = "2026-11-20.1";
  auto& s = x.state;
  s.status = ord_status::pending_replace;
  s.restore_status = ord_status::partially_filled;
  s.side = side::sell;
  s.type = ord_type::limit;
  s.tif = time_in_force::gtc;
  s.order_qty = quantity::from_units(1000);
  s.limit_px = price::from_raw(22852000000);
  s.cum_qty = quantity::from_units(300);
  s.leaves_qty = quantity::from_units(700);
  s.set_cum_value(static_cast<int128>(22852000000) * quantity::from_units(300).raw
                  * 1000003); // wide: exercises the high half
  s.pending_qty = quantity::from_units(800);
  s.pending_px = price::from_raw(22860000000);
  s.fill_count = 4;
  s.late_fill_count = 1;
  x.children = {child_order{venue_id{"XSIM"}, "v-1", quantity::from_units(600),
                            quantity::from_units(300), ord_status::partially_filled, 7},
                child_order{venue_id{"LITX"}, "v-2", quantity::from_units(400), quantity{},
                            ord_status::new_order, 1}};
  for (size_t i = 0; i < stage_count; ++i)
    x.stages.ns[i] = 1'700'000'000'000'000'000 + static_cast<int64_t>(i) * 1000;
  x.flagged_for_review = true;
  x.review_reason = "risk_timeout";
  x.reject_reason = "n/a";
  x.arrival_px = price::from_raw(22850000000);
  x.arrival_source = price_source::live_mid;
  x.venue_pin = venue_id{"FIXA"};
  return x;
}

inline position_snapshot sample_position() {
  position_snapshot x;
  x.strategy = strategy_id{"momo"};
  x.instrument = instrument_id{"ESZ6.XCME"};
  x.net_qty = quantity::from_units(-5);
  x.bought_qty = quantity::from_units(10);
  x.sold_qty = quantity::from_units(15);
  x.buy_value = money::from_raw(612025000000);
  x.sell_value = money::from_raw(918037500000);
  x.realized_pnl = money::from_raw(-1234500);
  x.reserved_buy_qty = quantity::from_units(2);
  x.reserved_sell_qty = quantity::from_units(3);
  x.trading_day = 20261120;
  x.updated_ns = 1'763'600'000'123'456'789;
  return x;
}

inline idempotency_record sample_idempotency() {
  return idempotency_record{strategy_id{"momo"}, client_order_id{"c-42"},
                            order_id::make(3, 42), 1'763'600'000'000'000'001,
                            0xfeedfacecafebeefULL};
}

inline audit_record sample_audit() {
  return audit_record{7,
                      1'763'600'000'000'000'002,
                      audit_kind::risk_bypass,
                      "gateway/n1",
                      order_id::make(1, 9),
                      strategy_id{"momo"},
                      instrument_id{"MSFT.XNAS"},
                      "risk check timed out after 50 ms; policy bypass_and_flag"};
}

inline venue_stats_bucket sample_venue_stats() {
  venue_stats_bucket b;
  b.venue = venue_id{"XSIM"};
  b.width_s = 3600;
  b.start_ns = 1'796'400'000'000'000'000;
  b.totals.legs = 40;
  b.totals.filled_legs = 31;
  b.totals.fills = 77;
  b.totals.notional = money::from_units(123456);
  b.totals.fees = money::from_raw(-4242);
  b.totals.ack_sum_ns = 9'000'000;
  b.totals.ack_samples = 40;
  b.totals.slippage_sum_centi_bps = -320;
  b.totals.slippage_samples = 31;
  return b;
}

inline incident_record sample_incident() {
  incident_record r;
  r.id = 12;
  r.node = "n1";
  r.kind = "unknown_legs";
  r.subject = "FIXA";
  r.paging = true;
  r.detail = "2 leg(s) in unknown state";
  r.first_ns = 1'796'400'000'000'000'000;
  r.last_ns = r.first_ns + 5'000'000'000;
  r.resolved_ns = r.last_ns + 1;
  r.observations = 6;
  return r;
}

inline fill_record sample_fill() {
  fill_record x;
  x.sequence = 99;
  x.exec_id = "XSIM-E-1001";
  x.order = order_id::make(1, 9);
  x.venue = venue_id{"XSIM"};
  x.strategy = strategy_id{"momo"};
  x.instrument = instrument_id{"MSFT.XNAS"};
  x.side = side::sell;
  x.qty = quantity::from_units(250);
  x.px = price::from_raw(43120000000);
  x.fee = money::from_raw(-3234);
  x.liq = liquidity::maker;
  x.venue_ns = 1'763'600'000'000'001'000;
  x.received_ns = 1'763'600'000'000'002'000;
  x.arrival_px = price::from_raw(43110000000);
  x.late = true;
  return x;
}

} // namespace om::test
