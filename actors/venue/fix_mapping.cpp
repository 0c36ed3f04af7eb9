#include "actors/venue/fix_mapping.hpp"

#include <charconv>

namespace om::fixmap {

namespace {

// Tags used here.
constexpr int t_account = 1, t_avg_px = 6, t_cl_ord_id = 11, t_cum_qty = 14, t_exec_id = 17,
              t_exec_trans_type = 20, t_handl_inst = 21, t_last_px = 31, t_last_qty = 32,
              t_order_id = 37, t_order_qty = 38, t_ord_status = 39, t_ord_type = 40,
              t_orig_cl_ord_id = 41, t_price = 44, t_ref_seq_num = 45, t_side = 54,
              t_symbol = 55, t_text = 58, t_tif = 59, t_transact_time = 60,
              t_ex_destination = 100, t_cxl_rej_reason = 102, t_ord_rej_reason = 103,
              t_exec_type = 150, t_leaves_qty = 151, t_ref_tag = 371, t_ref_msg_type = 372,
              t_session_rej_reason = 373, t_business_ref_id = 379, t_business_reason = 380,
              t_cxl_rej_response_to = 434;

char side_char(om::side s) { return s == om::side::buy ? '1' : '2'; }
char ord_type_char(ord_type t) { return t == ord_type::market ? '1' : '2'; }
char tif_char(time_in_force t) { return static_cast<char>('0' + static_cast<int>(t)); }

void add_common(const venue_fields& v, fix::message& m) {
  if (!v.account.empty())
    m.add(t_account, v.account);
  if (!v.ex_destination.empty())
    m.add(t_ex_destination, v.ex_destination);
}

void add_handl_inst(const venue_fields& v, fix::message& m) {
  if (v.handl_inst != 0)
    m.add(t_handl_inst, std::string(1, v.handl_inst));
  else if (v.ver == version::fix42)
    m.add(t_handl_inst, "1");
}

void add_extra(const venue_fields& v, fix::message& m) {
  for (auto& f : v.extra)
    m.add(f.tag, f.value);
}

void add_order_terms(const order_terms& t, fix::message& m) {
  m.add(t_order_qty, fix_decimal(t.qty.raw, quantity::decimals));
  m.add(t_ord_type, std::string(1, ord_type_char(t.type)));
  if (t.type == ord_type::limit)
    m.add(t_price, fix_decimal(t.px.raw, price::decimals));
  m.add(t_tif, std::string(1, tif_char(t.tif)));
}

/// A field read from an inbound message, or the refusal naming it.
struct reader {
  const fix::message& m;
  std::optional<fix::refusal> failed;

  const std::string* get(int tag, bool required) {
    auto v = m.find(tag);
    if (v && v->empty())
      v = nullptr;
    if (!v && required && !failed)
      failed = fix::refusal{fix::refusal_kind::missing_tag, tag,
                            "required tag " + std::to_string(tag) + " missing"};
    return v;
  }
  std::string str(int tag, bool required) {
    auto v = get(tag, required);
    return v ? *v : std::string{};
  }
  char chr(int tag, bool required) {
    auto v = get(tag, required);
    if (!v)
      return 0;
    if (v->size() != 1) {
      bad(tag, fix::refusal_kind::bad_format, "'" + *v + "' is not a single character");
      return 0;
    }
    return (*v)[0];
  }
  template <class Fixed>
  Fixed num(int tag, bool required) {
    auto v = get(tag, required);
    if (!v)
      return Fixed{};
    auto x = Fixed::parse(*v);
    if (!x) {
      bad(tag, fix::refusal_kind::bad_format, "'" + *v + "' is not a decimal");
      return Fixed{};
    }
    if (x->raw < 0)
      bad(tag, fix::refusal_kind::bad_value, "'" + *v + "' is negative");
    return *x;
  }
  int integer(int tag, bool required, int fallback = -1) {
    auto v = get(tag, required);
    if (!v)
      return fallback;
    int out = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
    if (ec != std::errc{} || p != v->data() + v->size()) {
      bad(tag, fix::refusal_kind::bad_format, "'" + *v + "' is not an integer");
      return fallback;
    }
    return out;
  }
  void bad(int tag, fix::refusal_kind k, std::string why) {
    if (!failed)
      failed = fix::refusal{k, tag, "tag " + std::to_string(tag) + ": " + std::move(why)};
  }
};

std::optional<exec_kind> exec_kind_44(char c) {
  switch (c) {
    case 'A': return exec_kind::pending_new;
    case '0': return exec_kind::new_order;
    case 'F': return exec_kind::trade;
    case '4': return exec_kind::canceled;
    case '5': return exec_kind::replaced;
    case '6': return exec_kind::pending_cancel;
    case 'E': return exec_kind::pending_replace;
    case '8': return exec_kind::rejected;
    case 'C': return exec_kind::expired;
    case '3': return exec_kind::done_for_day;
    case 'I': return exec_kind::order_status;
    case 'D': return exec_kind::restated;
    case 'H': case 'G': return exec_kind::trade_bust;
    case '7': case '9': case 'B': case 'J': case 'K': case 'L': return exec_kind::other;
    default: return std::nullopt;
  }
}

std::optional<exec_kind> exec_kind_42(char c) {
  switch (c) {
    case 'A': return exec_kind::pending_new;
    case '0': return exec_kind::new_order;
    case '1': case '2': return exec_kind::trade;
    case '4': return exec_kind::canceled;
    case '5': return exec_kind::replaced;
    case '6': return exec_kind::pending_cancel;
    case 'E': return exec_kind::pending_replace;
    case '8': return exec_kind::rejected;
    case 'C': return exec_kind::expired;
    case '3': return exec_kind::done_for_day;
    case 'D': return exec_kind::restated;
    case '7': case '9': case 'B': return exec_kind::other;
    default: return std::nullopt;
  }
}

std::variant<inbound, fix::refusal> read_exec_report(version v, const fix::message& m) {
  reader rd{m, {}};
  exec_report r;
  r.poss_dup = m.poss_dup;
  r.order_id = rd.str(t_order_id, true);
  r.exec_id = rd.str(t_exec_id, true);
  // ClOrdID is optional in the standard (venue-originated orders have
  // none); this desk needs it to find the leg, so it is required here.
  r.cl_ord_id = rd.str(t_cl_ord_id, true);
  r.orig_cl_ord_id = rd.str(t_orig_cl_ord_id, false);
  char et = rd.chr(t_exec_type, true);
  r.ord_status = rd.chr(t_ord_status, true);
  rd.chr(t_side, true);
  r.cum_qty = rd.num<quantity>(t_cum_qty, true);
  r.leaves_qty = rd.num<quantity>(t_leaves_qty, true);
  r.avg_px = rd.num<price>(t_avg_px, v == version::fix42);
  r.text = rd.str(t_text, false);
  r.ord_rej_reason = rd.integer(t_ord_rej_reason, false);
  if (rd.failed)
    return *rd.failed;
  std::optional<exec_kind> k;
  if (v == version::fix44) {
    k = exec_kind_44(et);
  } else {
    char ett = rd.chr(t_exec_trans_type, true);
    if (rd.failed)
      return *rd.failed;
    switch (ett) {
      case '0': k = exec_kind_42(et); break;
      case '1': case '2': k = exec_kind::trade_bust; break;
      case '3': k = exec_kind::order_status; break;
      default:
        return fix::refusal{fix::refusal_kind::bad_value, t_exec_trans_type,
                            "tag 20: '" + std::string(1, ett) + "' is not an ExecTransType"};
    }
  }
  if (!k)
    return fix::refusal{fix::refusal_kind::bad_value, t_exec_type,
                        "tag 150: '" + std::string(1, et) + "' is not an ExecType of "
                          + begin_string(v)};
  r.kind = *k;
  if (r.kind == exec_kind::trade) {
    r.last_qty = rd.num<quantity>(t_last_qty, true);
    r.last_px = rd.num<price>(t_last_px, true);
    if (rd.failed)
      return *rd.failed;
    if (!r.last_qty.is_positive())
      return fix::refusal{fix::refusal_kind::bad_value, t_last_qty,
                          "tag 32: a trade needs a positive LastQty"};
    auto ct = m.find(13);
    if (auto c = m.find(12); c && ct && *ct == "3") {
      auto fee = money::parse(*c);
      if (!fee)
        return fix::refusal{fix::refusal_kind::bad_format, 12,
                            "tag 12: '" + *c + "' is not a decimal"};
      r.commission = *fee;
    }
  }
  if (auto tt = m.find(t_transact_time)) {
    int64_t ns = 0;
    if (fix::parse_utc_timestamp(*tt, &ns))
      r.transact_ns = ns;
    else
      return fix::refusal{fix::refusal_kind::bad_format, t_transact_time,
                          "tag 60: '" + *tt + "' is not a UTC timestamp"};
  }
  return inbound{std::move(r)};
}

} // namespace

std::optional<version> parse_version(const std::string& b) {
  if (b == "FIX.4.2")
    return version::fix42;
  if (b == "FIX.4.4")
    return version::fix44;
  return std::nullopt;
}

const char* begin_string(version v) { return v == version::fix42 ? "FIX.4.2" : "FIX.4.4"; }

std::string fix_decimal(int64_t raw, int decimals) {
  auto s = format_scaled(raw, decimals);
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0')
      s.pop_back();
    if (!s.empty() && s.back() == '.')
      s.pop_back();
  }
  return s;
}

std::string cl_ord_id(order_id id, uint32_t leg, uint32_t n) {
  return to_string(id) + "." + std::to_string(leg) + "." + std::to_string(n);
}

bool parse_cl_ord_id(const std::string& s, order_id& id, uint32_t& leg, uint32_t& n) {
  auto d1 = s.find('.');
  if (d1 == std::string::npos)
    return false;
  auto d2 = s.find('.', d1 + 1);
  if (d2 == std::string::npos)
    return false;
  std::string why;
  if (!parse_order_id(std::string_view{s}.substr(0, d1), id, why))
    return false;
  auto num = [&](size_t from, size_t to, uint32_t& out) {
    if (from >= to)
      return false;
    auto [p, ec] = std::from_chars(s.data() + from, s.data() + to, out);
    return ec == std::errc{} && p == s.data() + to;
  };
  return num(d1 + 1, d2, leg) && num(d2 + 1, s.size(), n);
}

namespace {

/// What D, F and G share: per-venue fields, the ClOrdID (and for F and G
/// the chain it continues), HandlInst where it applies, the instrument, the
/// side and TransactTime (required in 4.4, optional in 4.2: always sent).
fix::message order_message(const char* type, const venue_fields& v, const order_terms& t,
                           bool chain, bool handl_inst) {
  fix::message m;
  m.msg_type = type;
  add_common(v, m);
  if (chain) {
    m.add(t_orig_cl_ord_id, t.orig_cl_ord_id);
    if (!t.order_id.empty())
      m.add(t_order_id, t.order_id);
  }
  m.add(t_cl_ord_id, t.cl_ord_id);
  if (handl_inst)
    add_handl_inst(v, m);
  m.add(t_symbol, t.symbol);
  m.add(t_side, std::string(1, side_char(t.side)));
  m.add(t_transact_time, fix::utc_timestamp(t.transact_ns));
  return m;
}

} // namespace

fix::message new_order_single(const venue_fields& v, const order_terms& t) {
  auto m = order_message("D", v, t, false, true);
  add_order_terms(t, m);
  add_extra(v, m);
  return m;
}

fix::message cancel_request(const venue_fields& v, const order_terms& t) {
  auto m = order_message("F", v, t, true, false);
  // OrderQty is required in 4.2's cancel request and conditionally in 4.4's.
  m.add(t_order_qty, fix_decimal(t.qty.raw, quantity::decimals));
  add_extra(v, m);
  return m;
}

fix::message replace_request(const venue_fields& v, const order_terms& t) {
  auto m = order_message("G", v, t, true, true);
  add_order_terms(t, m);
  add_extra(v, m);
  return m;
}

fix::message status_request(const venue_fields& v, const order_terms& t) {
  fix::message m;
  m.msg_type = "H";
  if (!v.account.empty())
    m.add(t_account, v.account);
  if (!t.order_id.empty())
    m.add(t_order_id, t.order_id);
  m.add(t_cl_ord_id, t.cl_ord_id);
  m.add(t_symbol, t.symbol);
  m.add(t_side, std::string(1, side_char(t.side)));
  return m;
}

const char* to_string(exec_kind k) {
  static constexpr const char* names[] = {
    "pending_new", "new",      "trade",        "canceled",     "replaced",
    "pending_cancel", "pending_replace", "rejected", "expired", "done_for_day",
    "order_status", "restated", "trade_bust",  "other"};
  return names[static_cast<size_t>(k)];
}

fix::message market_data_request(const venue_fields&, const std::string& req_id,
                                 const std::string& symbol, bool subscribe) {
  fix::message m;
  m.msg_type = "V";
  m.add(262, req_id);
  m.add(263, subscribe ? "1" : "2"); // snapshot + updates / disable
  m.add(264, "1");                   // top of book
  m.add(265, "1");                   // incremental refresh
  // Groups last (the engine builds them from here): entry types, then the
  // instrument.
  m.add(267, "3");
  for (const char* t : {"0", "1", "2"})
    m.add(269, t);
  m.add(146, "1");
  m.add(55, symbol);
  return m;
}

namespace {

/// Splits the flattened entries of NoMDEntries (268): each entry starts at
/// its delimiter (the engine puts it first).
std::variant<market_data, fix::refusal> read_market_data(const fix::message& m) {
  market_data md;
  md.snapshot = m.msg_type == "W";
  const int delim = md.snapshot ? 269 : 279;
  size_t i = 0;
  auto& b = m.body;
  int declared = -1;
  for (; i < b.size(); ++i) {
    if (b[i].tag == 262)
      md.req_id = b[i].value;
    else if (b[i].tag == 55 && md.snapshot)
      md.symbol = b[i].value;
    else if (b[i].tag == 268) {
      auto& v = b[i].value;
      int n = 0;
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc{} || p != v.data() + v.size() || n < 0)
        return fix::refusal{fix::refusal_kind::bad_format, 268,
                            "tag 268: '" + v + "' is not a count"};
      declared = n;
      ++i;
      break;
    }
  }
  if (declared < 0)
    return fix::refusal{fix::refusal_kind::missing_tag, 268, "required tag 268 missing"};
  auto bad = [](int tag, const std::string& why) {
    return fix::refusal{fix::refusal_kind::bad_value, tag,
                        "tag " + std::to_string(tag) + ": " + why};
  };
  for (; i < b.size(); ++i) {
    auto& f = b[i];
    if (f.tag == delim) {
      md.entries.emplace_back();
    } else if (md.entries.empty()) {
      continue; // fields after the count but before an entry: not ours
    }
    auto& e = md.entries.back();
    switch (f.tag) {
      case 279:
        if (f.value.size() != 1 || f.value[0] < '0' || f.value[0] > '2')
          return bad(279, "'" + f.value + "' is not 0, 1 or 2");
        e.action = f.value[0];
        break;
      case 269:
        if (f.value.size() != 1)
          return bad(269, "'" + f.value + "' is not a single character");
        e.type = f.value[0];
        break;
      case 55:
        e.symbol = f.value;
        break;
      case 270: {
        auto px = price::parse(f.value);
        if (!px || px->raw < 0)
          return bad(270, "'" + f.value + "' is not a price");
        e.px = *px;
        break;
      }
      case 271: {
        auto q = quantity::parse(f.value);
        if (!q || q->raw < 0)
          return bad(271, "'" + f.value + "' is not a size");
        e.qty = *q;
        break;
      }
      default:
        break;
    }
  }
  if (static_cast<int>(md.entries.size()) != declared)
    return fix::refusal{fix::refusal_kind::bad_value, 268,
                        "tag 268: says " + std::to_string(declared) + " entries, found "
                          + std::to_string(md.entries.size())};
  if (md.snapshot && md.symbol.empty())
    return fix::refusal{fix::refusal_kind::missing_tag, 55, "required tag 55 missing"};
  if (md.snapshot)
    for (auto& e : md.entries)
      e.symbol = md.symbol; // a snapshot is of one instrument
  for (auto& e : md.entries) {
    if (e.symbol.empty())
      return fix::refusal{fix::refusal_kind::missing_tag, 55,
                          "required tag 55 missing from an entry"};
    bool priced = e.type == '0' || e.type == '1' || e.type == '2';
    if (priced && e.action != '2' && !e.px.is_positive())
      return fix::refusal{fix::refusal_kind::missing_tag, 270,
                          "required tag 270 missing from a priced entry"};
  }
  return md;
}

} // namespace

std::variant<inbound, fix::refusal> read_inbound(version v, const fix::message& m) {
  if (m.msg_type == "W" || m.msg_type == "X") {
    auto r = read_market_data(m);
    if (auto bad = std::get_if<fix::refusal>(&r))
      return *bad;
    return inbound{std::move(std::get<market_data>(r))};
  }
  if (m.msg_type == "Y") {
    reader rd{m, {}};
    md_reject r;
    r.req_id = rd.str(262, true);
    r.reason = rd.integer(281, false);
    r.text = rd.str(t_text, false);
    if (rd.failed)
      return *rd.failed;
    return inbound{std::move(r)};
  }
  if (m.msg_type == "8")
    return read_exec_report(v, m);
  reader rd{m, {}};
  if (m.msg_type == "9") {
    cancel_reject r;
    r.order_id = rd.str(t_order_id, true);
    r.cl_ord_id = rd.str(t_cl_ord_id, true);
    r.orig_cl_ord_id = rd.str(t_orig_cl_ord_id, false);
    rd.chr(t_ord_status, true);
    char to = rd.chr(t_cxl_rej_response_to, true);
    r.reason = rd.integer(t_cxl_rej_reason, false);
    r.text = rd.str(t_text, false);
    if (rd.failed)
      return *rd.failed;
    if (to != '1' && to != '2')
      return fix::refusal{fix::refusal_kind::bad_value, t_cxl_rej_response_to,
                          "tag 434: '" + std::string(1, to) + "' is not 1 or 2"};
    r.for_replace = to == '2';
    return inbound{std::move(r)};
  }
  if (m.msg_type == "j" || m.msg_type == "3") {
    message_reject r;
    r.session_level = m.msg_type == "3";
    r.ref_seq = rd.integer(t_ref_seq_num, r.session_level, 0);
    r.ref_msg_type = rd.str(t_ref_msg_type, !r.session_level);
    r.ref_tag = rd.integer(t_ref_tag, false, 0);
    r.reason = rd.integer(r.session_level ? t_session_rej_reason : t_business_reason,
                          !r.session_level);
    r.ref_id = rd.str(t_business_ref_id, false);
    r.text = rd.str(t_text, false);
    r.ref_cl_ord_id = m.ref_cl_ord_id;
    if (r.ref_cl_ord_id.empty() && !r.session_level)
      r.ref_cl_ord_id = r.ref_id; // BusinessRejectRefID names the ClOrdID
    if (rd.failed)
      return *rd.failed;
    return inbound{std::move(r)};
  }
  return fix::refusal{fix::refusal_kind::unsupported_type, 35,
                      "message type " + m.msg_type + " is not handled by this desk"};
}

std::string describe_reject(const message_reject& r) {
  std::string out;
  if (r.session_level) {
    static constexpr const char* names[] = {
      "invalid tag number", "required tag missing", "tag not defined for this message type",
      "undefined tag", "tag specified without a value", "value is incorrect for this tag",
      "incorrect data format", "decryption problem", "signature problem", "CompID problem",
      "SendingTime accuracy problem", "invalid MsgType"};
    out = "session reject";
    if (r.reason >= 0 && r.reason < 12)
      out += std::string(": ") + names[r.reason];
    else if (r.reason >= 0)
      out += ": reason " + std::to_string(r.reason) + (r.reason == 99 ? " (other)" : "");
    if (r.ref_tag > 0)
      out += " (tag " + std::to_string(r.ref_tag) + ")";
  } else {
    static constexpr const char* names[] = {
      "other", "unknown ID", "unknown security", "unsupported message type",
      "application not available", "conditionally required field missing",
      "not authorized", "DeliverTo firm not available"};
    out = "business reject";
    if (r.reason >= 0 && r.reason < 8)
      out += std::string(": ") + names[r.reason];
    if (!r.ref_msg_type.empty())
      out += " (MsgType " + r.ref_msg_type + ")";
  }
  if (!r.text.empty())
    out += ": " + r.text;
  return out;
}

} // namespace om::fixmap
