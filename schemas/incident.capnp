@0xe2a4c6b8d0f31572;
# An error needing investigation on a node (its incident log): what the
# dashboard's error ticker lists, durable across restarts.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("om::schema");

struct Incident {
  id @0 :UInt64;
  node @1 :Text;
  kind @2 :Text;
  subject @3 :Text;
  paging @4 :Bool;
  detail @5 :Text;
  firstNs @6 :Int64;
  lastNs @7 :Int64;
  resolvedNs @8 :Int64;
  observations @9 :UInt64;
}
