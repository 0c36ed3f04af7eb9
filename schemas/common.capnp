@0xc7272e58df8611ef;
# Types shared by every ordermesh record. Never renumber a field: add new
# ones at the end with the next ordinal.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("om::schema");

# Fixed-point values travel as their raw scaled integers:
#   price    = raw / 10^8
#   quantity = raw / 10^4
#   money    = raw / 10^4

enum Side { unknown @0; buy @1; sell @2; }
enum OrdType { unknown @0; market @1; limit @2; }
enum TimeInForce { day @0; gtc @1; ioc @2; fok @3; }

enum OrdStatus {
  pendingNew @0;
  new @1;
  partiallyFilled @2;
  filled @3;
  pendingCancel @4;
  canceled @5;
  pendingReplace @6;
  replaced @7;
  rejected @8;
  expired @9;
}

# Nanoseconds since the Unix epoch at each stage of an order's life; 0 = not
# reached. Taken on the node that did the work.
struct StageTimes {
  received @0 :Int64;
  syntaxChecked @1 :Int64;
  businessChecked @2 :Int64;
  riskChecked @3 :Int64;
  routed @4 :Int64;
  sentToVenue @5 :Int64;
  venueAcked @6 :Int64;
  firstFill @7 :Int64;
  done @8 :Int64;
}
