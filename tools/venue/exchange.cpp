#include "tools/venue/exchange.hpp"

#include "actors/venue/fix_mapping.hpp"

#include <algorithm>
#include <chrono>

namespace om::venue_sim {

namespace {

constexpr const char* liq_owner = "liq";
constexpr const char* flow_owner = "flow";

std::optional<om::side> side_of(const std::string* v) {
  if (v && *v == "1")
    return om::side::buy;
  if (v && *v == "2")
    return om::side::sell;
  return std::nullopt;
}

std::string dec(int64_t raw, int d) { return fixmap::fix_decimal(raw, d); }

fix::message business_reject(const fix::message& m, int reason, const std::string& text) {
  fix::message r;
  r.msg_type = "j";
  r.add(45, std::to_string(m.seq_num));
  r.add(372, m.msg_type);
  if (auto c = m.find(11))
    r.add(379, *c);
  r.add(380, std::to_string(reason));
  r.add(58, text);
  return r;
}

} // namespace

exchange::exchange(options o) : opts_(std::move(o)), rng_(opts_.seed) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
              std::chrono::system_clock::now().time_since_epoch())
              .count();
  exec_prefix_ = "E" + std::to_string(ms) + "-";
}

void exchange::add_session(const std::string& session, const std::string& begin_string) {
  versions_[session] = begin_string;
}

bool exchange::is42(const std::string& session) const {
  auto i = versions_.find(session);
  return i != versions_.end() && i->second == "FIX.4.2";
}

quantity exchange::level_size(const instrument& inst) {
  auto lot = inst.lot_size.raw > 0 ? inst.lot_size.raw : quantity::scale;
  std::uniform_int_distribution<int64_t> d{1, 10};
  return quantity::from_raw(lot * 100 * d(rng_));
}

/// Synthetic liquidity: up to `levels` price levels per side. A side left
/// empty restarts next to the other side's best (or the anchor); otherwise
/// new levels go beyond the furthest, so outside flow walks the book and
/// reaches resting client orders.
void exchange::replenish(book& b) {
  auto tick = b.inst->tick_size;
  bool both_empty = !b.b.best_bid() && !b.b.best_ask();
  for (auto s : {side::buy, side::sell}) {
    auto lv = b.b.levels(s, opts_.levels);
    price next;
    if (lv.empty()) {
      auto other = s == side::buy ? b.b.best_ask() : b.b.best_bid();
      if (both_empty || !other)
        next = s == side::buy ? b.anchor - tick : b.anchor + tick;
      else
        next = s == side::buy ? *other - tick - tick : *other + tick + tick;
    } else {
      next = s == side::buy ? lv.back().px - tick : lv.back().px + tick;
    }
    for (auto n = lv.size(); n < opts_.levels; ++n) {
      if (!next.is_positive())
        break;
      std::vector<venue::exec> sink;
      auto id = b.b.submit(
        {liq_owner, "", s, ord_type::limit, time_in_force::day, level_size(*b.inst), next}, sink);
      if (id != 0)
        b.liq.push_back(id);
      next = s == side::buy ? next - tick : next + tick;
    }
  }
  if (b.liq.size() > opts_.levels * 16) // forget the ones that traded away
    b.liq.erase(std::remove_if(b.liq.begin(), b.liq.end(),
                               [&](uint64_t id) { return !b.b.leaves(id); }),
                b.liq.end());
}

exchange::book* exchange::book_for(const std::string& symbol) {
  if (!opts_.refdata)
    return nullptr;
  // One book per instrument, however a session spells its symbol.
  const instrument* inst = opts_.refdata->find(instrument_id{symbol});
  if (!inst) {
    auto r = opts_.refdata->resolve(symbol);
    if (!r)
      return nullptr;
    inst = *r;
  }
  auto i = books_.find(inst->id.value);
  if (i != books_.end())
    return &i->second;
  auto& b = books_[inst->id.value];
  b.inst = inst;
  auto tick = inst->tick_size.raw;
  auto ref = inst->prev_close.is_positive() ? inst->prev_close.raw : 100 * tick;
  b.anchor = price::from_raw(ref / tick * tick);
  replenish(b);
  return &b;
}

exchange::order* exchange::find(const std::string& session, const std::string& clid) {
  auto i = by_clid_.find(session + "|" + clid);
  if (i == by_clid_.end())
    return nullptr;
  auto j = orders_.find(i->second);
  return j == orders_.end() ? nullptr : &j->second;
}

fix::message exchange::report(const order& o, char exec_type, int64_t now,
                              const std::string& text) {
  bool v42 = is42(o.session);
  fix::message r;
  r.msg_type = "8";
  r.add(6, dec(o.cum.is_positive() ? average_price(o.value, o.cum).raw : 0, price::decimals));
  r.add(11, o.cl_ord_id);
  r.add(14, dec(o.cum.raw, quantity::decimals));
  r.add(17, exec_prefix_ + std::to_string(next_exec_++));
  if (v42)
    r.add(20, "0");
  r.add(37, o.venue_order_id);
  r.add(38, dec(o.qty.raw, quantity::decimals));
  r.add(39, std::string(1, o.status));
  r.add(40, o.type == ord_type::market ? "1" : "2");
  if (o.type == ord_type::limit)
    r.add(44, dec(o.px.raw, price::decimals));
  r.add(54, o.side == om::side::buy ? "1" : "2");
  r.add(55, o.symbol);
  if (!text.empty())
    r.add(58, text);
  r.add(60, fix::utc_timestamp(now));
  r.add(150, std::string(1, exec_type));
  auto leaves = o.status == '2' || o.status == '4' || o.status == '8' || o.status == 'C'
                  ? quantity{}
                  : o.qty - o.cum;
  r.add(151, dec(leaves.raw, quantity::decimals));
  return r;
}

void exchange::publish(book& b, std::vector<venue::exec>& ex, int64_t now,
                       std::vector<outbound>& out, const std::string& req_clid,
                       const std::string& orig_clid) {
  b.dirty = true;
  for (auto& e : ex)
    if (e.kind == venue::exec_kind::fill && !e.maker)
      b.trades.emplace_back(e.last_px, e.last_qty); // one per match: the taker's side
  for (auto& e : ex) {
    if (e.owner == liq_owner || e.owner == flow_owner)
      continue;
    auto i = orders_.find(e.client_ref);
    if (i == orders_.end())
      continue;
    auto& o = i->second;
    if (e.order_id != 0)
      o.engine_id = e.order_id;
    bool v42 = is42(o.session);
    switch (e.kind) {
      case venue::exec_kind::accepted:
        if (opts_.fault.fill_before_ack)
          break;
        o.acked = true;
        out.push_back({o.session, report(o, '0', now)});
        break;
      case venue::exec_kind::rejected:
        o.status = '8';
        ++stats_.rejects;
        out.push_back({o.session, report(o, '8', now, e.reason)});
        break;
      case venue::exec_kind::fill: {
        o.cum += e.last_qty;
        o.value += exact_value(e.last_px, e.last_qty);
        o.status = o.cum >= o.qty ? '2' : '1';
        ++stats_.fills;
        if (!e.maker) {
          // Both sides clients of this venue: a trade between sessions.
          for (auto& other : ex)
            if (other.kind == venue::exec_kind::fill && other.match_id == e.match_id
                && other.maker && other.owner != liq_owner && other.owner != flow_owner
                && other.owner != e.owner)
              ++stats_.trades_between_clients;
        }
        auto r = report(o, v42 ? o.status : 'F', now);
        r.add(31, dec(e.last_px.raw, price::decimals));
        r.add(32, dec(e.last_qty.raw, quantity::decimals));
        auto bps = e.maker ? opts_.maker_fee_bps_x100 : opts_.taker_fee_bps_x100;
        if (bps != 0) {
          auto fee = money::from_raw(static_cast<int64_t>(
            div_round(static_cast<int128>(notional(e.last_px, e.last_qty).raw) * bps, 1'000'000)));
          r.add(12, dec(fee.raw, money::decimals));
          r.add(13, "3"); // absolute
        }
        out.push_back({o.session, r});
        if (opts_.fault.possdup_fills) {
          r.poss_dup = true;
          out.push_back({o.session, r});
        }
        break;
      }
      case venue::exec_kind::canceled: {
        o.status = '4';
        ++stats_.cancels;
        auto prev = o.cl_ord_id;
        bool solicited = !req_clid.empty();
        if (solicited)
          o.cl_ord_id = req_clid;
        auto r = report(o, '4', now, solicited ? "" : e.reason);
        if (solicited && !orig_clid.empty())
          r.add(41, orig_clid);
        out.push_back({o.session, r});
        break;
      }
      case venue::exec_kind::replaced: {
        ++stats_.replaces;
        auto r = report(o, '5', now);
        out.push_back({o.session, r});
        break;
      }
      case venue::exec_kind::cancel_rejected:
      case venue::exec_kind::replace_rejected: {
        fix::message r;
        r.msg_type = "9";
        r.add(11, req_clid.empty() ? o.cl_ord_id : req_clid);
        r.add(37, o.venue_order_id);
        r.add(39, std::string(1, o.status));
        r.add(41, orig_clid.empty() ? o.cl_ord_id : orig_clid);
        r.add(58, e.reason);
        r.add(102, "0");
        r.add(434, e.kind == venue::exec_kind::replace_rejected ? "2" : "1");
        out.push_back({o.session, r});
        break;
      }
    }
  }
  (void) b;
}

std::vector<outbound> exchange::on_message(const std::string& s, const fix::message& m,
                                           int64_t now, side_effects& fx) {
  std::vector<outbound> out;
  auto& f = opts_.fault;
  if (std::find(f.unsupported.begin(), f.unsupported.end(), m.msg_type) != f.unsupported.end()) {
    out.push_back({s, business_reject(m, 3, "unsupported message type " + m.msg_type)});
    return out;
  }
  if (m.msg_type == "D") {
    ++stats_.orders;
    if (f.silent_after > 0 && stats_.orders > f.silent_after)
      return out;
    on_new(s, m, now, out);
    if (f.drop_after > 0 && stats_.orders == f.drop_after && !dropped_) {
      dropped_ = true;
      fx.drop_sessions.push_back(s);
    }
    if (f.skip_after > 0 && stats_.orders == f.skip_after && !skipped_) {
      skipped_ = true;
      fx.skip_seq.emplace_back(s, f.skip_count);
    }
  } else if (m.msg_type == "F") {
    if (!f.ignore_cancels)
      on_cancel(s, m, now, out);
  } else if (m.msg_type == "G") {
    if (!f.ignore_cancels)
      on_replace(s, m, now, out);
  } else if (m.msg_type == "H") {
    on_status(s, m, now, out);
  } else if (m.msg_type == "V") {
    on_market_data_request(s, m, out);
  } else {
    out.push_back({s, business_reject(m, 3, "unsupported message type " + m.msg_type)});
  }
  flush_market_data(out);
  return out;
}

// ------------------------------------------------------------ market data

exchange::top_of_book exchange::top(const book& b) const {
  top_of_book t;
  auto bids = b.b.levels(side::buy, 1);
  auto asks = b.b.levels(side::sell, 1);
  if (!bids.empty()) {
    t.bid_px = bids[0].px;
    t.bid_qty = bids[0].qty;
  }
  if (!asks.empty()) {
    t.ask_px = asks[0].px;
    t.ask_qty = asks[0].qty;
  }
  return t;
}

namespace {

fix::message md_reject(const std::string& req_id, int reason, const std::string& text) {
  fix::message r;
  r.msg_type = "Y";
  r.add(262, req_id);
  r.add(281, std::to_string(reason));
  r.add(58, text);
  return r;
}

} // namespace

void exchange::on_market_data_request(const std::string& s, const fix::message& m,
                                      std::vector<outbound>& out) {
  ++stats_.md_requests;
  auto req = m.find(262);
  auto type = m.find(263);
  if (!req || !type) {
    out.push_back({s, business_reject(m, 5, "MarketDataRequest needs MDReqID (262) and "
                                            "SubscriptionRequestType (263)")});
    return;
  }
  std::vector<std::string> symbols;
  for (auto& f : m.body)
    if (f.tag == 55)
      symbols.push_back(f.value);
  if (symbols.empty()) {
    out.push_back({s, md_reject(*req, 0, "no symbol in the request")});
    return;
  }
  for (auto& sym : symbols) {
    auto* b = book_for(sym);
    if (!b) {
      out.push_back({s, md_reject(*req, 0, "unknown symbol " + sym)});
      continue;
    }
    // Others see what changed up to now; the newcomer starts from here.
    flush_market_data(out);
    auto& subs = b->subs;
    subs.erase(std::remove_if(subs.begin(), subs.end(),
                              [&](const subscription& x) {
                                return x.session == s && x.req_id == *req;
                              }),
               subs.end());
    if (*type == "2")
      continue; // unsubscribed
    if (*type == "1")
      subs.push_back({s, *req, sym});
    // The snapshot (W) answers both "1" and "0".
    auto t = top(*b);
    fix::message w;
    w.msg_type = "W";
    w.add(55, sym);
    w.add(262, *req);
    int n = (t.bid_qty.is_positive() ? 1 : 0) + (t.ask_qty.is_positive() ? 1 : 0);
    w.add(268, std::to_string(n));
    if (t.bid_qty.is_positive()) {
      w.add(269, "0");
      w.add(270, dec(t.bid_px.raw, price::decimals));
      w.add(271, dec(t.bid_qty.raw, quantity::decimals));
    }
    if (t.ask_qty.is_positive()) {
      w.add(269, "1");
      w.add(270, dec(t.ask_px.raw, price::decimals));
      w.add(271, dec(t.ask_qty.raw, quantity::decimals));
    }
    out.push_back({s, w});
  }
}

void exchange::flush_market_data(std::vector<outbound>& out) {
  for (auto& [_, b] : books_) {
    if (!b.dirty)
      continue; // only books something touched since the last flush
    if (md_silent_) { // stays dirty: what changed goes out once the feed resumes
      b.trades.clear();
      continue;
    }
    b.dirty = false;
    if (b.subs.empty()) {
      b.sent = top(b);
      b.trades.clear();
      continue;
    }
    auto t = top(b);
    if (t == b.sent && b.trades.empty())
      continue;
    for (auto& sub : b.subs) {
      fix::message x;
      x.msg_type = "X";
      x.add(262, sub.req_id);
      std::vector<fix::field> entries;
      auto side_entry = [&](char type, price px, quantity qty, price was) {
        if (qty.is_positive()) {
          entries.push_back({279, was.is_positive() ? "1" : "0"});
          entries.push_back({269, std::string(1, type)});
          entries.push_back({55, sub.symbol});
          entries.push_back({270, dec(px.raw, price::decimals)});
          entries.push_back({271, dec(qty.raw, quantity::decimals)});
        } else if (was.is_positive()) {
          entries.push_back({279, "2"});
          entries.push_back({269, std::string(1, type)});
          entries.push_back({55, sub.symbol});
          entries.push_back({270, dec(was.raw, price::decimals)});
        }
      };
      int n = 0;
      auto count = [&](size_t before) { n += entries.size() > before ? 1 : 0; };
      if (!(t.bid_px == b.sent.bid_px && t.bid_qty == b.sent.bid_qty)) {
        auto k = entries.size();
        side_entry('0', t.bid_px, t.bid_qty, b.sent.bid_qty.is_positive() ? b.sent.bid_px : price{});
        count(k);
      }
      if (!(t.ask_px == b.sent.ask_px && t.ask_qty == b.sent.ask_qty)) {
        auto k = entries.size();
        side_entry('1', t.ask_px, t.ask_qty, b.sent.ask_qty.is_positive() ? b.sent.ask_px : price{});
        count(k);
      }
      if (!b.trades.empty()) {
        auto& [px, qty] = b.trades.back(); // top-of-book feed: the latest trade
        entries.push_back({279, "0"});
        entries.push_back({269, "2"});
        entries.push_back({55, sub.symbol});
        entries.push_back({270, dec(px.raw, price::decimals)});
        entries.push_back({271, dec(qty.raw, quantity::decimals)});
        ++n;
      }
      if (n == 0)
        continue;
      x.add(268, std::to_string(n));
      for (auto& e : entries)
        x.body.push_back(e);
      out.push_back({sub.session, std::move(x)});
      ++stats_.md_updates;
    }
    b.sent = t;
    b.trades.clear();
  }
}

void exchange::on_disconnect(const std::string& session) {
  for (auto& [_, b] : books_)
    b.subs.erase(std::remove_if(b.subs.begin(), b.subs.end(),
                                [&](const subscription& x) { return x.session == session; }),
                 b.subs.end());
}

std::vector<outbound> exchange::jump(int64_t bps, int64_t now) {
  std::vector<outbound> out;
  ++stats_.jumps;
  for (auto& [_, b] : books_) {
    auto tick = b.inst->tick_size;
    int128 moved = static_cast<int128>(b.anchor.raw) * (10000 + bps) / 10000;
    auto target = price::from_raw(static_cast<int64_t>(moved / tick.raw * tick.raw));
    if (!target.is_positive() || target == b.anchor)
      continue;
    bool up = target > b.anchor;
    // Liquidity providers pull their quotes, outside flow takes whatever
    // rests between here and there, and quotes come back around the new level.
    std::vector<venue::exec> pulled;
    for (auto id : b.liq)
      if (b.b.leaves(id))
        b.b.cancel(id, pulled);
    b.liq.clear();
    auto s = up ? side::buy : side::sell;
    auto avail = b.b.available_to(s, target);
    if (avail.is_positive()) {
      std::vector<venue::exec> ex;
      b.b.submit({flow_owner, "", s, ord_type::limit, time_in_force::ioc, avail, target}, ex);
      publish(b, ex, now, out);
    }
    b.anchor = target;
    b.dirty = true;
    // Both sides rebuilt around the new level (the pulled quotes left the
    // book to client orders only).
    std::vector<venue::exec> sink;
    auto bid = target - tick, ask = target + tick;
    for (uint32_t n = 0; n < opts_.levels; ++n, bid = bid - tick, ask = ask + tick) {
      auto best_ask = b.b.best_ask();
      if (bid.is_positive() && (!best_ask || bid < *best_ask))
        if (auto id = b.b.submit({liq_owner, "", side::buy, ord_type::limit, time_in_force::day,
                                  level_size(*b.inst), bid},
                                 sink))
          b.liq.push_back(id);
      auto best_bid = b.b.best_bid();
      if (!best_bid || ask > *best_bid)
        if (auto id = b.b.submit({liq_owner, "", side::sell, ord_type::limit, time_in_force::day,
                                  level_size(*b.inst), ask},
                                 sink))
          b.liq.push_back(id);
    }
  }
  flush_market_data(out);
  return out;
}

void exchange::on_new(const std::string& s, const fix::message& m, int64_t now,
                      std::vector<outbound>& out) {
  order o;
  o.session = s;
  o.venue_order_id = "V" + std::to_string(next_order_++);
  auto clid = m.find(11);
  auto sym = m.find(55);
  auto sd = side_of(m.find(54));
  o.cl_ord_id = clid ? *clid : "";
  o.symbol = sym ? *sym : "";
  o.side = sd ? *sd : om::side::buy;
  auto reject = [&](const std::string& why, int reason) {
    o.status = '8';
    ++stats_.rejects;
    auto r = report(o, '8', now, why);
    r.add(103, std::to_string(reason));
    out.push_back({s, r});
  };
  if (!clid || !sym || !sd)
    return reject("ClOrdID, Symbol and Side are required", 99);
  if (find(s, *clid))
    return reject("duplicate ClOrdID " + *clid, 6);
  auto qty = m.find(38) ? quantity::parse(*m.find(38)) : caf::expected<quantity>{quantity{}};
  if (!qty || !qty->is_positive())
    return reject("OrderQty must be a positive decimal", 13);
  o.qty = *qty;
  auto type = m.find(40);
  if (!type || (*type != "1" && *type != "2"))
    return reject("OrdType must be 1 (market) or 2 (limit)", 99);
  o.type = *type == "1" ? ord_type::market : ord_type::limit;
  if (o.type == ord_type::limit) {
    auto px = m.find(44) ? price::parse(*m.find(44)) : caf::expected<price>{price{}};
    if (!px || !px->is_positive())
      return reject("a limit order needs a positive Price", 99);
    o.px = *px;
  }
  auto tif = time_in_force::day;
  if (auto t = m.find(59)) {
    if (*t == "0") tif = time_in_force::day;
    else if (*t == "1") tif = time_in_force::gtc;
    else if (*t == "3") tif = time_in_force::ioc;
    else if (*t == "4") tif = time_in_force::fok;
    else return reject("TimeInForce " + *t + " is not supported", 99);
  }
  auto b = book_for(o.symbol);
  if (!b)
    return reject("unknown symbol " + o.symbol, 1);
  if (opts_.fault.reject_probability > 0) {
    std::uniform_real_distribution<double> u{0.0, 1.0};
    if (u(rng_) < opts_.fault.reject_probability)
      return reject("simulated venue reject", 99);
  }
  auto key = o.venue_order_id;
  by_clid_[s + "|" + o.cl_ord_id] = key;
  auto& stored = orders_[key] = std::move(o);
  std::vector<venue::exec> ex;
  b->b.submit({s, key, stored.side, stored.type, tif, stored.qty, stored.px}, ex);
  publish(*b, ex, now, out);
}

void exchange::on_cancel(const std::string& s, const fix::message& m, int64_t now,
                         std::vector<outbound>& out) {
  auto clid = m.find(11);
  auto orig = m.find(41);
  order* o = orig ? find(s, *orig) : nullptr;
  if (!o || !clid) {
    fix::message r;
    r.msg_type = "9";
    r.add(11, clid ? *clid : "NONE");
    r.add(37, "NONE");
    r.add(39, "8");
    r.add(41, orig ? *orig : "NONE");
    r.add(58, "unknown order");
    r.add(102, "1");
    r.add(434, m.msg_type == "G" ? "2" : "1");
    out.push_back({s, r});
    return;
  }
  if (opts_.fault.reject_cancels) {
    fix::message r;
    r.msg_type = "9";
    r.add(11, *clid);
    r.add(37, o->venue_order_id);
    r.add(39, std::string(1, o->status));
    r.add(41, *orig);
    r.add(58, "cancels are refused by this venue (fault injection)");
    r.add(102, "0");
    r.add(434, "1");
    out.push_back({s, r});
    return;
  }
  by_clid_[s + "|" + *clid] = o->venue_order_id;
  auto b = book_for(o->symbol);
  std::vector<venue::exec> ex;
  if (o->status == '2' || o->status == '4' || o->status == '8' || o->status == 'C') {
    ex.push_back({venue::exec_kind::cancel_rejected, o->engine_id, s, o->venue_order_id, o->side,
                  {}, {}, o->cum, {}, false, 0, "order already done"});
  } else {
    b->b.cancel(o->engine_id, ex);
    for (auto& e : ex)
      if (e.kind == venue::exec_kind::cancel_rejected) {
        e.owner = s;
        e.client_ref = o->venue_order_id;
      }
  }
  publish(*b, ex, now, out, *clid, *orig);
}

void exchange::on_replace(const std::string& s, const fix::message& m, int64_t now,
                          std::vector<outbound>& out) {
  auto clid = m.find(11);
  auto orig = m.find(41);
  order* o = orig ? find(s, *orig) : nullptr;
  if (!o || !clid)
    return on_cancel(s, m, now, out); // answers "unknown order" for G
  auto qty = m.find(38) ? quantity::parse(*m.find(38)) : caf::expected<quantity>{o->qty};
  auto px = m.find(44) ? price::parse(*m.find(44)) : caf::expected<price>{o->px};
  by_clid_[s + "|" + *clid] = o->venue_order_id;
  auto b = book_for(o->symbol);
  std::vector<venue::exec> ex;
  bool done = o->status == '2' || o->status == '4' || o->status == '8' || o->status == 'C';
  if (!qty || !px || done) {
    ex.push_back({venue::exec_kind::replace_rejected, o->engine_id, s, o->venue_order_id,
                  o->side, {}, {}, o->cum, {}, false, 0,
                  done ? "order already done" : "bad OrderQty or Price"});
    return publish(*b, ex, now, out, *clid, *orig);
  }
  b->b.replace(o->engine_id, *qty, *px, ex);
  // The replaced report carries the new ClOrdID and terms; fills that the
  // new terms cause follow it.
  for (auto& e : ex)
    if (e.kind == venue::exec_kind::replaced) {
      o->cl_ord_id = *clid;
      // Down to or below the filled quantity the order ends: it is then
      // worth exactly what has filled.
      o->qty = std::max(*qty, o->cum);
      o->px = *px;
    } else if (e.kind == venue::exec_kind::replace_rejected) {
      e.owner = s;
      e.client_ref = o->venue_order_id;
    }
  std::vector<outbound> tmp;
  publish(*b, ex, now, tmp, *clid, *orig);
  for (auto& x : tmp) {
    if (x.msg.msg_type == "8" && x.msg.find(150) && *x.msg.find(150) == "5")
      x.msg.add(41, *orig);
    out.push_back(std::move(x));
  }
}

void exchange::on_status(const std::string& s, const fix::message& m, int64_t now,
                         std::vector<outbound>& out) {
  ++stats_.status;
  auto clid = m.find(11);
  order* o = clid ? find(s, *clid) : nullptr;
  bool v42 = is42(s);
  if (!o) {
    order ghost;
    ghost.session = s;
    ghost.cl_ord_id = clid ? *clid : "NONE";
    ghost.venue_order_id = "NONE";
    ghost.symbol = m.find(55) ? *m.find(55) : "";
    auto sd = side_of(m.find(54));
    ghost.side = sd ? *sd : om::side::buy;
    ghost.status = '8';
    auto r = report(ghost, v42 ? '8' : 'I', now, "unknown order");
    if (v42)
      for (auto& f : r.body)
        if (f.tag == 20)
          f.value = "3";
    r.add(103, "5");
    out.push_back({s, r});
    return;
  }
  auto r = report(*o, v42 ? o->status : 'I', now);
  if (v42)
    for (auto& f : r.body)
      if (f.tag == 20)
        f.value = "3";
  out.push_back({s, r});
}

std::vector<outbound> exchange::on_tick(int64_t now) {
  std::vector<outbound> out;
  std::uniform_int_distribution<int> coin{0, 1};
  for (auto& [sym, b] : books_) {
    auto s = coin(rng_) ? side::buy : side::sell;
    auto opposite = s == side::buy ? b.b.best_ask() : b.b.best_bid();
    if (opposite) {
      auto tick = b.inst->tick_size;
      auto limit = s == side::buy ? *opposite + tick : *opposite - tick;
      if (limit.is_positive()) {
        std::vector<venue::exec> ex;
        b.b.submit({flow_owner, "", s, ord_type::limit, time_in_force::ioc, level_size(*b.inst),
                    limit},
                   ex);
        publish(b, ex, now, out);
      }
    }
    replenish(b);
    b.dirty = true;
  }
  flush_market_data(out);
  return out;
}

} // namespace om::venue_sim
