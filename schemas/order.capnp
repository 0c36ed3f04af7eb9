@0xfa41e3bbb4dcbd15;
# Order snapshot: written on every state change of an order actor; a restarted
# order actor rebuilds itself from the latest one.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("om::schema");

using Common = import "common.capnp";

struct ChildOrder {
  venue @0 :Text;
  venueOrderId @1 :Text;
  qty @2 :Int64;
  cumQty @3 :Int64;
  status @4 :Common.OrdStatus;
  # Sequence of the last venue report applied to this leg (durable).
  lastSeq @5 :UInt64;
}

struct OrderSnapshot {
  orderId @0 :UInt64;
  clientOrderId @1 :Text;
  strategy @2 :Text;
  instrument @3 :Text;
  symbolAsSent @4 :Text;
  refdataVersion @5 :Text;

  status @6 :Common.OrdStatus;
  restoreStatus @7 :Common.OrdStatus;
  side @8 :Common.Side;
  ordType @9 :Common.OrdType;
  timeInForce @10 :Common.TimeInForce;
  orderQty @11 :Int64;
  limitPrice @12 :Int64;
  cumQty @13 :Int64;
  leavesQty @14 :Int64;
  # Exact sum of fill price * fill quantity (128 bits, two halves).
  cumValueHi @15 :Int64;
  cumValueLo @16 :UInt64;
  pendingQty @17 :Int64;
  pendingPrice @18 :Int64;
  fillCount @19 :UInt32;
  lateFillCount @20 :UInt32;

  children @21 :List(ChildOrder);
  stages @22 :Common.StageTimes;

  # Set when the risk check timed out and policy let the order through.
  flaggedForReview @23 :Bool;
  reviewReason @24 :Text;
  # Why the order was rejected (empty unless status = rejected).
  rejectReason @25 :Text;
  # Arrival price (mid at receipt), for slippage; 0 = unknown.
  arrivalPrice @26 :Int64;
  # Where the arrival price came from (om::price_source): 0 unknown,
  # 1 previous close, 2 last trade, 3 live mid.
  arrivalSource @27 :UInt8;
  # The venue the order was pinned to; empty: routed by the rules.
  venuePin @28 :Text;
}
