#include "runtime/model/order_state.hpp"

namespace om {

const char* event_name(const lifecycle_event& ev) {
  static constexpr const char* names[] = {
    "venue_ack",      "venue_reject",  "fill",        "cancel_request",
    "cancel_ack",     "cancel_reject", "replace_request", "replace_ack",
    "replace_reject", "unsolicited_cancel", "expire"};
  return names[ev.index()];
}

namespace {

caf::error illegal(const order_state& s, const lifecycle_event& ev, const char* why = nullptr) {
  std::string msg = std::string{"event "} + event_name(ev) + " not allowed in state "
                    + to_string(s.status);
  if (why) {
    msg += " (";
    msg += why;
    msg += ")";
  }
  return make_error(errc::illegal_transition, std::move(msg));
}

caf::error check_price_for_type(ord_type type, price px, const char* field) {
  if (type == ord_type::limit && !px.is_positive())
    return make_error(errc::invalid_argument,
                      std::string{field} + ": limit order needs a positive price, got "
                        + to_string(px));
  if (type == ord_type::market && !px.is_zero())
    return make_error(errc::invalid_argument,
                      std::string{field} + ": market order must not carry a price, got "
                        + to_string(px));
  return caf::none;
}

ord_status working_status(const order_state& s) {
  return s.cum_qty.is_positive() ? ord_status::partially_filled : ord_status::new_order;
}

/// Books a fill; the status is left to the caller.
caf::expected<transition> book_fill(const order_state& s, const fill& f) {
  if (!f.qty.is_positive())
    return make_error(errc::invalid_argument,
                      "fill.qty: must be positive, got " + to_string(f.qty));
  if (s.cum_qty + f.qty > s.order_qty)
    return make_error(errc::overfill, "fill of " + to_string(f.qty) + " on cum "
                                        + to_string(s.cum_qty) + " exceeds order qty "
                                        + to_string(s.order_qty));
  transition t{s, exec_type::trade, f.qty, f.px, false};
  t.next.cum_qty += f.qty;
  t.next.set_cum_value(s.cum_value() + exact_value(f.px, f.qty));
  t.next.fill_count += 1;
  return t;
}

struct visitor {
  const order_state& s;

  transition move(ord_status to, exec_type ex) const {
    transition t{s, ex, {}, {}, false};
    t.next.status = to;
    return t;
  }

  transition no_op() const { return transition{s, exec_type::none, {}, {}, false}; }

  transition end(ord_status to, exec_type ex) const {
    auto t = move(to, ex);
    t.next.leaves_qty = quantity{};
    t.next.pending_qty = quantity{};
    t.next.pending_px = price{};
    return t;
  }

  caf::expected<transition> operator()(const venue_ack& ev) const {
    if (s.status == ord_status::pending_new)
      return move(ord_status::new_order, exec_type::new_order);
    if (s.status == ord_status::pending_cancel && s.restore_status == ord_status::pending_new) {
      // Ack of the original order overtaken by our cancel request: stays
      // pending_cancel, but a cancel reject must now restore `new`.
      auto t = move(ord_status::pending_cancel, exec_type::new_order);
      t.next.restore_status = ord_status::new_order;
      return t;
    }
    return illegal(s, ev, "order already acknowledged or done");
  }

  caf::expected<transition> operator()(const venue_reject& ev) const {
    if (s.status == ord_status::pending_new
        || (s.status == ord_status::pending_cancel
            && s.restore_status == ord_status::pending_new))
      return end(ord_status::rejected, exec_type::rejected);
    return illegal(s, ev, "only an unacknowledged order can be rejected");
  }

  caf::expected<transition> operator()(const fill& ev) const {
    switch (s.status) {
      case ord_status::pending_new:
      case ord_status::new_order:
      case ord_status::partially_filled: {
        auto t = book_fill(s, ev);
        if (!t)
          return t;
        t->next.leaves_qty = t->next.order_qty - t->next.cum_qty;
        t->next.status = t->next.leaves_qty.is_zero() ? ord_status::filled
                                                      : ord_status::partially_filled;
        return t;
      }
      case ord_status::pending_cancel:
      case ord_status::pending_replace: {
        auto t = book_fill(s, ev);
        if (!t)
          return t;
        t->next.leaves_qty = t->next.order_qty - t->next.cum_qty;
        if (t->next.leaves_qty.is_zero()) {
          // Fully filled while the cancel/replace was in flight: the order is
          // done; the venue's reject for our request will be a no-op.
          t->next.status = ord_status::filled;
          t->next.pending_qty = quantity{};
          t->next.pending_px = price{};
        } else {
          t->next.restore_status = ord_status::partially_filled;
        }
        return t;
      }
      case ord_status::canceled:
      case ord_status::expired: {
        auto t = book_fill(s, ev);
        if (!t)
          return t;
        t->late = true;
        t->next.late_fill_count += 1;
        return t;
      }
      case ord_status::filled:
        return book_fill(s, ev); // always refused: nothing is left to fill
      default:
        return illegal(s, ev, "order is done");
    }
  }

  caf::expected<transition> operator()(const cancel_request& ev) const {
    switch (s.status) {
      case ord_status::pending_new:
      case ord_status::new_order:
      case ord_status::partially_filled: {
        auto t = move(ord_status::pending_cancel, exec_type::pending_cancel);
        t.next.restore_status = s.status;
        return t;
      }
      case ord_status::pending_cancel:
        return illegal(s, ev, "a cancel is already pending");
      case ord_status::pending_replace:
        return illegal(s, ev, "a replace is pending; cancel after its outcome");
      default:
        return illegal(s, ev, "order is done");
    }
  }

  caf::expected<transition> operator()(const cancel_ack& ev) const {
    if (s.status == ord_status::pending_cancel)
      return end(ord_status::canceled, exec_type::canceled);
    return illegal(s, ev, "no cancel pending");
  }

  caf::expected<transition> operator()(const cancel_reject& ev) const {
    if (s.status == ord_status::pending_cancel) {
      auto t = move(s.restore_status, exec_type::cancel_rejected);
      return t;
    }
    if (is_terminal(s.status))
      return no_op(); // the cancel lost a race against a fill or a venue cancel
    return illegal(s, ev, "no cancel pending");
  }

  caf::expected<transition> operator()(const replace_request& ev) const {
    if (s.status == ord_status::pending_new)
      return illegal(s, ev, "order not yet acknowledged");
    if (s.status == ord_status::pending_cancel)
      return illegal(s, ev, "a cancel is pending");
    if (s.status == ord_status::pending_replace)
      return illegal(s, ev, "a replace is already pending");
    if (s.status != ord_status::new_order && s.status != ord_status::partially_filled)
      return illegal(s, ev, "order is done");
    if (!ev.qty.is_positive())
      return make_error(errc::invalid_argument,
                        "replace.qty: must be positive, got " + to_string(ev.qty));
    if (auto err = check_price_for_type(s.type, ev.px, "replace.price"))
      return err;
    auto t = move(ord_status::pending_replace, exec_type::pending_replace);
    t.next.restore_status = s.status;
    t.next.pending_qty = ev.qty;
    t.next.pending_px = ev.px;
    return t;
  }

  caf::expected<transition> operator()(const replace_ack& ev) const {
    if (s.status != ord_status::pending_replace)
      return illegal(s, ev, "no replace pending");
    auto t = move(ord_status::new_order, exec_type::replaced);
    auto& n = t.next;
    n.limit_px = s.pending_px;
    n.pending_qty = quantity{};
    n.pending_px = price{};
    if (s.pending_qty <= s.cum_qty) {
      // Quantity lowered to (or below) what already traded: the order ends.
      n.order_qty = s.cum_qty;
      n.leaves_qty = quantity{};
      n.status = ord_status::filled;
    } else {
      n.order_qty = s.pending_qty;
      n.leaves_qty = n.order_qty - n.cum_qty;
      n.status = working_status(n);
    }
    return t;
  }

  caf::expected<transition> operator()(const replace_reject& ev) const {
    if (s.status == ord_status::pending_replace) {
      auto t = move(working_status(s), exec_type::replace_rejected);
      t.next.pending_qty = quantity{};
      t.next.pending_px = price{};
      return t;
    }
    if (is_terminal(s.status))
      return no_op();
    return illegal(s, ev, "no replace pending");
  }

  caf::expected<transition> operator()(const unsolicited_cancel& ev) const {
    if (is_terminal(s.status))
      return illegal(s, ev, "order is done");
    return end(ord_status::canceled, exec_type::canceled);
  }

  caf::expected<transition> operator()(const expire& ev) const {
    if (is_terminal(s.status))
      return illegal(s, ev, "order is done");
    return end(ord_status::expired, exec_type::expired);
  }
};

} // namespace

caf::expected<order_state> submit(const order_terms& terms) {
  if (!terms.qty.is_positive())
    return make_error(errc::invalid_argument,
                      "qty: must be positive, got " + to_string(terms.qty));
  if (auto err = check_price_for_type(terms.type, terms.limit_px, "price"))
    return err;
  order_state s;
  s.status = ord_status::pending_new;
  s.restore_status = ord_status::pending_new;
  s.side = terms.side;
  s.type = terms.type;
  s.tif = terms.tif;
  s.order_qty = terms.qty;
  s.limit_px = terms.limit_px;
  s.leaves_qty = terms.qty;
  return s;
}

caf::expected<transition> apply_event(const order_state& state, const lifecycle_event& ev) {
  if (state.status == ord_status::replaced)
    return illegal(state, ev, "replaced is not a resting state in ordermesh");
  return std::visit(visitor{state}, ev);
}

} // namespace om
