@0xd1c3b5a7e9f20461;
# A venue's performance in one time bucket (minute or hour), owned by
# post-trade and written by the store actor: the dashboard's venue matrix
# and the router's future scoring data. Survives restarts.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("om::schema");

struct VenueStatsBucket {
  venue @0 :Text;
  widthS @1 :UInt32;
  startNs @2 :Int64;
  legs @3 :UInt64;
  filledLegs @4 :UInt64;
  fills @5 :UInt64;
  notional @6 :Int64;
  fees @7 :Int64;
  ackSumNs @8 :Int64;
  ackSamples @9 :UInt64;
  slippageSumCentiBps @10 :Int64;
  slippageSamples @11 :UInt64;
}
