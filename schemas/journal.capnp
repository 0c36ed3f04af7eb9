@0xf37a2015819ede54;
# Fill journal: one record per execution, the basis for positions and TCA.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("om::schema");

using Common = import "common.capnp";

enum Liquidity { unknown @0; maker @1; taker @2; }

struct FillRecord {
  sequence @0 :UInt64;
  execId @1 :Text;
  orderId @2 :UInt64;
  venue @3 :Text;
  strategy @4 :Text;
  instrument @5 :Text;
  side @6 :Common.Side;
  qty @7 :Int64;
  price @8 :Int64;
  fee @9 :Int64;
  liquidity @10 :Liquidity;
  venueTime @11 :Int64;
  receivedAt @12 :Int64;
  arrivalPrice @13 :Int64;
  late @14 :Bool;
}
