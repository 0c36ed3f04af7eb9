#include "actors/venue/matching_engine.hpp"

namespace om::venue {

const char* to_string(exec_kind x) {
  static constexpr const char* names[] = {"accepted",        "rejected", "fill",
                                          "canceled",        "replaced", "cancel_rejected",
                                          "replace_rejected"};
  return names[static_cast<size_t>(x)];
}

exec order_book::make(exec_kind k, const resting& o) const {
  exec e;
  e.kind = k;
  e.order_id = o.id;
  e.owner = o.owner;
  e.client_ref = o.client_ref;
  e.side = o.side;
  e.cum_qty = o.filled;
  e.leaves_qty = o.leaves();
  return e;
}

bool order_book::crosses(const resting& taker, int64_t level_px) const {
  if (taker.type == ord_type::market)
    return true;
  return taker.side == side::buy ? level_px <= taker.px.raw : level_px >= taker.px.raw;
}

quantity order_book::available_to(om::side taker, price limit) const {
  quantity sum;
  auto take = [&](const auto& book) {
    for (auto& [px, lvl] : book) {
      bool ok = limit.is_zero()
                || (taker == side::buy ? px <= limit.raw : px >= limit.raw);
      if (!ok)
        break;
      sum += lvl.total;
    }
  };
  if (taker == side::buy)
    take(asks_);
  else
    take(bids_);
  return sum;
}

uint64_t order_book::submit(const new_order_request& req, std::vector<exec>& out) {
  resting o{0, req.owner, req.client_ref, req.side, req.type, req.tif,
            req.type == ord_type::market ? price{} : req.px, req.qty, quantity{}};
  auto reject = [&](const char* why) {
    auto e = make(exec_kind::rejected, o);
    e.leaves_qty = quantity{};
    e.reason = why;
    out.push_back(std::move(e));
    return uint64_t{0};
  };
  if (!req.qty.is_positive())
    return reject("quantity must be positive");
  if (req.type == ord_type::limit && !req.px.is_positive())
    return reject("limit price must be positive");
  o.id = next_id_++;
  out.push_back(make(exec_kind::accepted, o));
  if (req.tif == time_in_force::fok
      && available_to(req.side, o.type == ord_type::market ? price{} : o.px) < o.qty) {
    auto e = make(exec_kind::canceled, o);
    e.leaves_qty = quantity{};
    e.reason = "fok: not fully fillable";
    out.push_back(std::move(e));
    return o.id;
  }
  match(o, out);
  if (o.leaves().is_zero())
    return o.id;
  if (o.type == ord_type::market || o.tif == time_in_force::ioc
      || o.tif == time_in_force::fok) {
    auto e = make(exec_kind::canceled, o);
    e.leaves_qty = quantity{};
    e.reason = o.type == ord_type::market ? "market: no more liquidity" : "ioc: remainder";
    out.push_back(std::move(e));
    return o.id;
  }
  auto id = o.id;
  rest(std::move(o));
  return id;
}

void order_book::match(resting& taker, std::vector<exec>& out) {
  auto run = [&](auto& book) {
    while (!taker.leaves().is_zero() && !book.empty()) {
      auto lvl_it = book.begin();
      if (!crosses(taker, lvl_it->first))
        break;
      auto& lvl = lvl_it->second;
      while (!taker.leaves().is_zero() && !lvl.queue.empty()) {
        auto maker_id = lvl.queue.front();
        auto& mk = orders_.at(maker_id).order;
        auto qty = std::min(taker.leaves(), mk.leaves());
        auto px = mk.px;
        auto match_id = next_match_++;
        taker.filled += qty;
        mk.filled += qty;
        lvl.total -= qty;
        auto t = make(exec_kind::fill, taker);
        t.last_qty = qty;
        t.last_px = px;
        t.maker = false;
        t.match_id = match_id;
        auto m = make(exec_kind::fill, mk);
        m.last_qty = qty;
        m.last_px = px;
        m.maker = true;
        m.match_id = match_id;
        out.push_back(std::move(t));
        out.push_back(std::move(m));
        if (mk.leaves().is_zero()) {
          lvl.queue.pop_front();
          orders_.erase(maker_id);
        }
      }
      if (lvl.queue.empty())
        book.erase(lvl_it);
    }
  };
  if (taker.side == side::buy)
    run(asks_);
  else
    run(bids_);
}

void order_book::rest(resting&& o) {
  auto add = [&](auto& book) {
    auto& lvl = book[o.px.raw];
    lvl.queue.push_back(o.id);
    lvl.total += o.leaves();
    auto pos = std::prev(lvl.queue.end());
    auto id = o.id;
    orders_.emplace(id, locator{std::move(o), pos});
  };
  if (o.side == side::buy)
    add(bids_);
  else
    add(asks_);
}

void order_book::unlink(uint64_t id) {
  auto& loc = orders_.at(id);
  auto drop = [&](auto& book) {
    auto it = book.find(loc.order.px.raw);
    it->second.total -= loc.order.leaves();
    it->second.queue.erase(loc.pos);
    if (it->second.queue.empty())
      book.erase(it);
  };
  if (loc.order.side == side::buy)
    drop(bids_);
  else
    drop(asks_);
}

void order_book::cancel(uint64_t id, std::vector<exec>& out, const std::string& reason) {
  auto it = orders_.find(id);
  if (it == orders_.end()) {
    exec e;
    e.kind = exec_kind::cancel_rejected;
    e.order_id = id;
    e.reason = "unknown order or already done";
    out.push_back(std::move(e));
    return;
  }
  unlink(id);
  auto o = std::move(it->second.order);
  orders_.erase(it);
  auto e = make(exec_kind::canceled, o);
  e.leaves_qty = quantity{};
  e.reason = reason;
  out.push_back(std::move(e));
}

void order_book::replace(uint64_t id, quantity new_qty, price new_px, std::vector<exec>& out) {
  auto it = orders_.find(id);
  auto refuse = [&](const char* why) {
    exec e;
    if (it != orders_.end())
      e = make(exec_kind::replace_rejected, it->second.order);
    e.kind = exec_kind::replace_rejected;
    e.order_id = id;
    e.reason = why;
    out.push_back(std::move(e));
  };
  if (it == orders_.end())
    return refuse("unknown order or already done");
  auto& cur = it->second.order;
  if (!new_qty.is_positive())
    return refuse("quantity must be positive");
  if (cur.type == ord_type::limit && !new_px.is_positive())
    return refuse("limit price must be positive");
  if (cur.type == ord_type::market)
    new_px = price{};
  if (new_qty <= cur.filled) {
    // Nothing left to work: the order ends.
    unlink(id);
    auto o = std::move(cur);
    orders_.erase(it);
    o.qty = o.filled;
    out.push_back(make(exec_kind::replaced, o));
    auto e = make(exec_kind::canceled, o);
    e.reason = "replaced to filled quantity";
    out.push_back(std::move(e));
    return;
  }
  bool keeps_priority = new_px == cur.px && new_qty <= cur.qty;
  if (keeps_priority) {
    auto delta = cur.qty - new_qty;
    cur.qty = new_qty;
    auto& book_total = cur.side == side::buy ? bids_.at(cur.px.raw).total
                                             : asks_.at(cur.px.raw).total;
    book_total -= delta;
    out.push_back(make(exec_kind::replaced, cur));
    return;
  }
  unlink(id);
  auto o = std::move(cur);
  orders_.erase(it);
  o.qty = new_qty;
  o.px = new_px;
  out.push_back(make(exec_kind::replaced, o));
  match(o, out);
  if (!o.leaves().is_zero())
    rest(std::move(o));
}

std::optional<price> order_book::best_bid() const {
  if (bids_.empty())
    return std::nullopt;
  return price::from_raw(bids_.begin()->first);
}

std::optional<price> order_book::best_ask() const {
  if (asks_.empty())
    return std::nullopt;
  return price::from_raw(asks_.begin()->first);
}

std::vector<level_view> order_book::levels(om::side s, size_t n) const {
  std::vector<level_view> out;
  auto take = [&](const auto& book) {
    for (auto& [px, lvl] : book) {
      if (out.size() == n)
        break;
      out.push_back(level_view{price::from_raw(px), lvl.total, lvl.queue.size()});
    }
  };
  if (s == side::buy)
    take(bids_);
  else
    take(asks_);
  return out;
}

std::optional<quantity> order_book::leaves(uint64_t id) const {
  auto it = orders_.find(id);
  if (it == orders_.end())
    return std::nullopt;
  return it->second.order.leaves();
}

} // namespace om::venue
