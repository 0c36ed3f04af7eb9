#include "runtime/store/codec.hpp"

#include "schemas/store.capnp.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cstring>

namespace om {

std::string to_string(const fence& f) {
  return std::to_string(f.incarnation) + "/" + std::to_string(f.sequence);
}

namespace {

namespace s = om::schema;

// -- enum mapping (explicit: schema ordinals are a stable contract) -----------

s::OrdStatus enc(ord_status x) {
  switch (x) {
    case ord_status::pending_new: return s::OrdStatus::PENDING_NEW;
    case ord_status::new_order: return s::OrdStatus::NEW;
    case ord_status::partially_filled: return s::OrdStatus::PARTIALLY_FILLED;
    case ord_status::filled: return s::OrdStatus::FILLED;
    case ord_status::pending_cancel: return s::OrdStatus::PENDING_CANCEL;
    case ord_status::canceled: return s::OrdStatus::CANCELED;
    case ord_status::pending_replace: return s::OrdStatus::PENDING_REPLACE;
    case ord_status::replaced: return s::OrdStatus::REPLACED;
    case ord_status::rejected: return s::OrdStatus::REJECTED;
    case ord_status::expired: return s::OrdStatus::EXPIRED;
  }
  return s::OrdStatus::PENDING_NEW;
}

ord_status dec(s::OrdStatus x) {
  switch (x) {
    case s::OrdStatus::PENDING_NEW: return ord_status::pending_new;
    case s::OrdStatus::NEW: return ord_status::new_order;
    case s::OrdStatus::PARTIALLY_FILLED: return ord_status::partially_filled;
    case s::OrdStatus::FILLED: return ord_status::filled;
    case s::OrdStatus::PENDING_CANCEL: return ord_status::pending_cancel;
    case s::OrdStatus::CANCELED: return ord_status::canceled;
    case s::OrdStatus::PENDING_REPLACE: return ord_status::pending_replace;
    case s::OrdStatus::REPLACED: return ord_status::replaced;
    case s::OrdStatus::REJECTED: return ord_status::rejected;
    case s::OrdStatus::EXPIRED: return ord_status::expired;
  }
  // An enumerant from a newer schema: refuse rather than guess.
  throw kj::Exception(kj::Exception::Type::FAILED, __FILE__, __LINE__,
                      kj::str("unknown OrdStatus ", static_cast<uint16_t>(x)));
}

s::Side enc(side x) { return x == side::buy ? s::Side::BUY : s::Side::SELL; }

side dec(s::Side x) {
  if (x == s::Side::BUY)
    return side::buy;
  if (x == s::Side::SELL)
    return side::sell;
  throw kj::Exception(kj::Exception::Type::FAILED, __FILE__, __LINE__, kj::str("invalid Side"));
}

s::OrdType enc(ord_type x) { return x == ord_type::market ? s::OrdType::MARKET : s::OrdType::LIMIT; }

ord_type dec(s::OrdType x) {
  if (x == s::OrdType::MARKET)
    return ord_type::market;
  if (x == s::OrdType::LIMIT)
    return ord_type::limit;
  throw kj::Exception(kj::Exception::Type::FAILED, __FILE__, __LINE__,
                      kj::str("invalid OrdType"));
}

s::TimeInForce enc(time_in_force x) {
  switch (x) {
    case time_in_force::day: return s::TimeInForce::DAY;
    case time_in_force::gtc: return s::TimeInForce::GTC;
    case time_in_force::ioc: return s::TimeInForce::IOC;
    case time_in_force::fok: return s::TimeInForce::FOK;
  }
  return s::TimeInForce::DAY;
}

time_in_force dec(s::TimeInForce x) {
  switch (x) {
    case s::TimeInForce::DAY: return time_in_force::day;
    case s::TimeInForce::GTC: return time_in_force::gtc;
    case s::TimeInForce::IOC: return time_in_force::ioc;
    case s::TimeInForce::FOK: return time_in_force::fok;
  }
  throw kj::Exception(kj::Exception::Type::FAILED, __FILE__, __LINE__,
                      kj::str("invalid TimeInForce"));
}

std::string str(capnp::Text::Reader t) { return std::string{t.cStr(), t.size()}; }

// -- per-record builders/readers ---------------------------------------------

void write(s::OrderSnapshot::Builder b, const order_snapshot& x) {
  b.setOrderId(x.id.value);
  b.setClientOrderId(x.clordid.value);
  b.setStrategy(x.strategy.value);
  b.setInstrument(x.instrument.value);
  b.setSymbolAsSent(x.symbol_as_sent);
  b.setRefdataVersion(x.refdata_version);
  auto& st = x.state;
  b.setStatus(enc(st.status));
  b.setRestoreStatus(enc(st.restore_status));
  b.setSide(enc(st.side));
  b.setOrdType(enc(st.type));
  b.setTimeInForce(enc(st.tif));
  b.setOrderQty(st.order_qty.raw);
  b.setLimitPrice(st.limit_px.raw);
  b.setCumQty(st.cum_qty.raw);
  b.setLeavesQty(st.leaves_qty.raw);
  b.setCumValueHi(st.cum_value_hi);
  b.setCumValueLo(st.cum_value_lo);
  b.setPendingQty(st.pending_qty.raw);
  b.setPendingPrice(st.pending_px.raw);
  b.setFillCount(st.fill_count);
  b.setLateFillCount(st.late_fill_count);
  auto kids = b.initChildren(static_cast<unsigned>(x.children.size()));
  for (unsigned i = 0; i < x.children.size(); ++i) {
    auto& c = x.children[i];
    auto k = kids[i];
    k.setVenue(c.venue.value);
    k.setVenueOrderId(c.venue_order_id);
    k.setQty(c.qty.raw);
    k.setCumQty(c.cum_qty.raw);
    k.setStatus(enc(c.status));
    k.setLastSeq(c.last_seq);
  }
  auto t = b.initStages();
  t.setReceived(x.stages[stage::received]);
  t.setSyntaxChecked(x.stages[stage::syntax_checked]);
  t.setBusinessChecked(x.stages[stage::business_checked]);
  t.setRiskChecked(x.stages[stage::risk_checked]);
  t.setRouted(x.stages[stage::routed]);
  t.setSentToVenue(x.stages[stage::sent_to_venue]);
  t.setVenueAcked(x.stages[stage::venue_acked]);
  t.setFirstFill(x.stages[stage::first_fill]);
  t.setDone(x.stages[stage::done]);
  b.setFlaggedForReview(x.flagged_for_review);
  b.setReviewReason(x.review_reason);
  b.setRejectReason(x.reject_reason);
  b.setArrivalPrice(x.arrival_px.raw);
  b.setArrivalSource(static_cast<uint8_t>(x.arrival_source));
  b.setVenuePin(x.venue_pin.value);
}

void read(s::OrderSnapshot::Reader r, order_snapshot& x) {
  x.id = order_id{r.getOrderId()};
  x.clordid = client_order_id{str(r.getClientOrderId())};
  x.strategy = strategy_id{str(r.getStrategy())};
  x.instrument = instrument_id{str(r.getInstrument())};
  x.symbol_as_sent = str(r.getSymbolAsSent());
  x.refdata_version = str(r.getRefdataVersion());
  auto& st = x.state;
  st.status = dec(r.getStatus());
  st.restore_status = dec(r.getRestoreStatus());
  st.side = dec(r.getSide());
  st.type = dec(r.getOrdType());
  st.tif = dec(r.getTimeInForce());
  st.order_qty = quantity::from_raw(r.getOrderQty());
  st.limit_px = price::from_raw(r.getLimitPrice());
  st.cum_qty = quantity::from_raw(r.getCumQty());
  st.leaves_qty = quantity::from_raw(r.getLeavesQty());
  st.cum_value_hi = r.getCumValueHi();
  st.cum_value_lo = r.getCumValueLo();
  st.pending_qty = quantity::from_raw(r.getPendingQty());
  st.pending_px = price::from_raw(r.getPendingPrice());
  st.fill_count = r.getFillCount();
  st.late_fill_count = r.getLateFillCount();
  x.children.clear();
  for (auto k : r.getChildren())
    x.children.push_back(child_order{venue_id{str(k.getVenue())}, str(k.getVenueOrderId()),
                                     quantity::from_raw(k.getQty()),
                                     quantity::from_raw(k.getCumQty()), dec(k.getStatus()),
                                     k.getLastSeq()});
  auto t = r.getStages();
  x.stages[stage::received] = t.getReceived();
  x.stages[stage::syntax_checked] = t.getSyntaxChecked();
  x.stages[stage::business_checked] = t.getBusinessChecked();
  x.stages[stage::risk_checked] = t.getRiskChecked();
  x.stages[stage::routed] = t.getRouted();
  x.stages[stage::sent_to_venue] = t.getSentToVenue();
  x.stages[stage::venue_acked] = t.getVenueAcked();
  x.stages[stage::first_fill] = t.getFirstFill();
  x.stages[stage::done] = t.getDone();
  x.flagged_for_review = r.getFlaggedForReview();
  x.review_reason = str(r.getReviewReason());
  x.reject_reason = str(r.getRejectReason());
  x.arrival_px = price::from_raw(r.getArrivalPrice());
  x.arrival_source = r.getArrivalSource() <= 3 ? static_cast<price_source>(r.getArrivalSource())
                                               : price_source::unknown;
  x.venue_pin = venue_id{str(r.getVenuePin())};
}

void write(s::PositionSnapshot::Builder b, const position_snapshot& x) {
  b.setStrategy(x.strategy.value);
  b.setInstrument(x.instrument.value);
  b.setNetQty(x.net_qty.raw);
  b.setBoughtQty(x.bought_qty.raw);
  b.setSoldQty(x.sold_qty.raw);
  b.setBuyValue(x.buy_value.raw);
  b.setSellValue(x.sell_value.raw);
  b.setRealizedPnl(x.realized_pnl.raw);
  b.setReservedBuyQty(x.reserved_buy_qty.raw);
  b.setReservedSellQty(x.reserved_sell_qty.raw);
  b.setTradingDay(x.trading_day);
  b.setUpdatedAt(x.updated_ns);
}

void read(s::PositionSnapshot::Reader r, position_snapshot& x) {
  x.strategy = strategy_id{str(r.getStrategy())};
  x.instrument = instrument_id{str(r.getInstrument())};
  x.net_qty = quantity::from_raw(r.getNetQty());
  x.bought_qty = quantity::from_raw(r.getBoughtQty());
  x.sold_qty = quantity::from_raw(r.getSoldQty());
  x.buy_value = money::from_raw(r.getBuyValue());
  x.sell_value = money::from_raw(r.getSellValue());
  x.realized_pnl = money::from_raw(r.getRealizedPnl());
  x.reserved_buy_qty = quantity::from_raw(r.getReservedBuyQty());
  x.reserved_sell_qty = quantity::from_raw(r.getReservedSellQty());
  x.trading_day = r.getTradingDay();
  x.updated_ns = r.getUpdatedAt();
}

void write(s::IdempotencyRecord::Builder b, const idempotency_record& x) {
  b.setStrategy(x.strategy.value);
  b.setClientOrderId(x.clordid.value);
  b.setOrderId(x.order.value);
  b.setReceivedAt(x.received_ns);
  b.setTermsDigest(x.terms_digest);
}

void read(s::IdempotencyRecord::Reader r, idempotency_record& x) {
  x.strategy = strategy_id{str(r.getStrategy())};
  x.clordid = client_order_id{str(r.getClientOrderId())};
  x.order = order_id{r.getOrderId()};
  x.received_ns = r.getReceivedAt();
  x.terms_digest = r.getTermsDigest();
}

void write(s::AuditRecord::Builder b, const audit_record& x) {
  b.setSequence(x.sequence);
  b.setAt(x.at_ns);
  b.setKind(static_cast<s::AuditKind>(x.kind));
  b.setActor(x.actor);
  b.setOrderId(x.order.value);
  b.setStrategy(x.strategy.value);
  b.setInstrument(x.instrument.value);
  b.setDetail(x.detail);
}

void read(s::AuditRecord::Reader r, audit_record& x) {
  x.sequence = r.getSequence();
  x.at_ns = r.getAt();
  auto kind = static_cast<uint16_t>(r.getKind());
  if (kind > static_cast<uint16_t>(audit_kind::circuit_breaker))
    throw kj::Exception(kj::Exception::Type::FAILED, __FILE__, __LINE__,
                        kj::str("unknown AuditKind ", kind));
  x.kind = static_cast<audit_kind>(kind);
  x.actor = str(r.getActor());
  x.order = order_id{r.getOrderId()};
  x.strategy = strategy_id{str(r.getStrategy())};
  x.instrument = instrument_id{str(r.getInstrument())};
  x.detail = str(r.getDetail());
}

void write(s::FillRecord::Builder b, const fill_record& x) {
  b.setSequence(x.sequence);
  b.setExecId(x.exec_id);
  b.setOrderId(x.order.value);
  b.setVenue(x.venue.value);
  b.setStrategy(x.strategy.value);
  b.setInstrument(x.instrument.value);
  b.setSide(enc(x.side));
  b.setQty(x.qty.raw);
  b.setPrice(x.px.raw);
  b.setFee(x.fee.raw);
  b.setLiquidity(static_cast<s::Liquidity>(x.liq));
  b.setVenueTime(x.venue_ns);
  b.setReceivedAt(x.received_ns);
  b.setArrivalPrice(x.arrival_px.raw);
  b.setLate(x.late);
}

void read(s::FillRecord::Reader r, fill_record& x) {
  x.sequence = r.getSequence();
  x.exec_id = str(r.getExecId());
  x.order = order_id{r.getOrderId()};
  x.venue = venue_id{str(r.getVenue())};
  x.strategy = strategy_id{str(r.getStrategy())};
  x.instrument = instrument_id{str(r.getInstrument())};
  x.side = dec(r.getSide());
  x.qty = quantity::from_raw(r.getQty());
  x.px = price::from_raw(r.getPrice());
  x.fee = money::from_raw(r.getFee());
  auto liq = static_cast<uint16_t>(r.getLiquidity());
  if (liq > static_cast<uint16_t>(liquidity::taker))
    throw kj::Exception(kj::Exception::Type::FAILED, __FILE__, __LINE__,
                        kj::str("unknown Liquidity ", liq));
  x.liq = static_cast<liquidity>(liq);
  x.venue_ns = r.getVenueTime();
  x.received_ns = r.getReceivedAt();
  x.arrival_px = price::from_raw(r.getArrivalPrice());
  x.late = r.getLate();
}

void write(s::VenueStatsBucket::Builder b, const venue_stats_bucket& x) {
  b.setVenue(x.venue.value);
  b.setWidthS(x.width_s);
  b.setStartNs(x.start_ns);
  b.setLegs(x.totals.legs);
  b.setFilledLegs(x.totals.filled_legs);
  b.setFills(x.totals.fills);
  b.setNotional(x.totals.notional.raw);
  b.setFees(x.totals.fees.raw);
  b.setAckSumNs(x.totals.ack_sum_ns);
  b.setAckSamples(x.totals.ack_samples);
  b.setSlippageSumCentiBps(x.totals.slippage_sum_centi_bps);
  b.setSlippageSamples(x.totals.slippage_samples);
}

void read(s::VenueStatsBucket::Reader r, venue_stats_bucket& x) {
  x.venue = venue_id{str(r.getVenue())};
  x.width_s = r.getWidthS();
  x.start_ns = r.getStartNs();
  x.totals.legs = r.getLegs();
  x.totals.filled_legs = r.getFilledLegs();
  x.totals.fills = r.getFills();
  x.totals.notional = money::from_raw(r.getNotional());
  x.totals.fees = money::from_raw(r.getFees());
  x.totals.ack_sum_ns = r.getAckSumNs();
  x.totals.ack_samples = r.getAckSamples();
  x.totals.slippage_sum_centi_bps = r.getSlippageSumCentiBps();
  x.totals.slippage_samples = r.getSlippageSamples();
}

void write(s::Incident::Builder b, const incident_record& x) {
  b.setId(x.id);
  b.setNode(x.node);
  b.setKind(x.kind);
  b.setSubject(x.subject);
  b.setPaging(x.paging);
  b.setDetail(x.detail);
  b.setFirstNs(x.first_ns);
  b.setLastNs(x.last_ns);
  b.setResolvedNs(x.resolved_ns);
  b.setObservations(x.observations);
}

void read(s::Incident::Reader r, incident_record& x) {
  x.id = r.getId();
  x.node = str(r.getNode());
  x.kind = str(r.getKind());
  x.subject = str(r.getSubject());
  x.paging = r.getPaging();
  x.detail = str(r.getDetail());
  x.first_ns = r.getFirstNs();
  x.last_ns = r.getLastNs();
  x.resolved_ns = r.getResolvedNs();
  x.observations = r.getObservations();
}

// -- envelope ------------------------------------------------------------------

template <class Fill>
std::string encode_with(const envelope_info& env, Fill&& fill_body) {
  capnp::MallocMessageBuilder msg;
  auto e = msg.initRoot<s::Envelope>();
  e.setIncarnation(env.fence.incarnation);
  e.setSequence(env.fence.sequence);
  e.setWrittenAt(env.written_ns);
  fill_body(e.initBody());
  auto words = capnp::messageToFlatArray(msg);
  auto bytes = words.asBytes();
  return std::string{reinterpret_cast<const char*>(bytes.begin()), bytes.size()};
}

/// Parses `bytes` (copied into aligned words: Cap'n Proto 0.9 refuses
/// unaligned input) and hands the envelope reader to `f`. Any kj exception
/// becomes errc::corrupt_record naming `where`.
template <class F>
caf::error with_envelope(std::string_view bytes, const std::string& where, F&& f) {
  if (bytes.size() % sizeof(capnp::word) != 0 || bytes.empty())
    return make_error(errc::corrupt_record,
                      where + ": " + std::to_string(bytes.size())
                        + " bytes is not a whole number of 8-byte words");
  kj::Array<capnp::word> aligned = kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word));
  std::memcpy(aligned.begin(), bytes.data(), bytes.size());
  try {
    capnp::FlatArrayMessageReader reader{aligned.asPtr()};
    return f(reader.getRoot<s::Envelope>());
  } catch (const kj::Exception& e) {
    return make_error(errc::corrupt_record,
                      where + ": " + std::string{e.getDescription().cStr()});
  }
}

void read_env(s::Envelope::Reader e, envelope_info& env) {
  env.fence.incarnation = e.getIncarnation();
  env.fence.sequence = e.getSequence();
  env.written_ns = e.getWrittenAt();
}

caf::error wrong_kind(const std::string& where, const char* want) {
  return make_error(errc::corrupt_record, where + ": record is not a " + want);
}

} // namespace

std::string encode_record(const envelope_info& env, const order_snapshot& x) {
  return encode_with(env, [&](s::Envelope::Body::Builder b) { write(b.initOrder(), x); });
}
std::string encode_record(const envelope_info& env, const position_snapshot& x) {
  return encode_with(env, [&](s::Envelope::Body::Builder b) { write(b.initPosition(), x); });
}
std::string encode_record(const envelope_info& env, const idempotency_record& x) {
  return encode_with(env, [&](s::Envelope::Body::Builder b) { write(b.initIdempotency(), x); });
}
std::string encode_record(const envelope_info& env, const audit_record& x) {
  return encode_with(env, [&](s::Envelope::Body::Builder b) { write(b.initAudit(), x); });
}
std::string encode_record(const envelope_info& env, const fill_record& x) {
  return encode_with(env, [&](s::Envelope::Body::Builder b) { write(b.initFill(), x); });
}
std::string encode_record(const envelope_info& env, const venue_stats_bucket& x) {
  return encode_with(env, [&](s::Envelope::Body::Builder b) { write(b.initVenueStats(), x); });
}
std::string encode_record(const envelope_info& env, const incident_record& x) {
  return encode_with(env, [&](s::Envelope::Body::Builder b) { write(b.initIncident(), x); });
}

#define OM_DECODE(Type, Which, Getter, name)                                              \
  caf::error decode_record(std::string_view bytes, const std::string& where,              \
                           envelope_info& env, Type& out) {                               \
    return with_envelope(bytes, where, [&](s::Envelope::Reader e) -> caf::error {         \
      if (e.getBody().which() != s::Envelope::Body::Which)                                \
        return wrong_kind(where, name);                                                   \
      read_env(e, env);                                                                   \
      read(e.getBody().Getter(), out);                                                    \
      return caf::none;                                                                   \
    });                                                                                   \
  }

OM_DECODE(order_snapshot, ORDER, getOrder, "order snapshot")
OM_DECODE(position_snapshot, POSITION, getPosition, "position snapshot")
OM_DECODE(idempotency_record, IDEMPOTENCY, getIdempotency, "idempotency record")
OM_DECODE(audit_record, AUDIT, getAudit, "audit record")
OM_DECODE(fill_record, FILL, getFill, "fill record")
OM_DECODE(venue_stats_bucket, VENUE_STATS, getVenueStats, "venue stats bucket")
OM_DECODE(incident_record, INCIDENT, getIncident, "incident record")

#undef OM_DECODE

caf::expected<envelope_info> decode_envelope(std::string_view bytes, const std::string& where) {
  envelope_info env;
  auto err = with_envelope(bytes, where, [&](s::Envelope::Reader e) -> caf::error {
    read_env(e, env);
    return caf::none;
  });
  if (err)
    return err;
  return env;
}

} // namespace om
