@0xaed908b51f2d9966;
# Position and reservation state of one strategy in one instrument, owned by
# that instrument's risk actor.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("om::schema");

struct PositionSnapshot {
  strategy @0 :Text;
  instrument @1 :Text;
  # Executed quantities today and the signed net position.
  netQty @2 :Int64;
  boughtQty @3 :Int64;
  soldQty @4 :Int64;
  # Money paid for buys and received for sells today (for P&L).
  buyValue @5 :Int64;
  sellValue @6 :Int64;
  realizedPnl @7 :Int64;
  # Open-order reservations not yet filled.
  reservedBuyQty @8 :Int64;
  reservedSellQty @9 :Int64;
  # Trading day (YYYYMMDD) these figures belong to.
  tradingDay @10 :UInt32;
  updatedAt @11 :Int64;
}
