@0x93c001ee909596c5;
# Append-only audit trail: overrides, bypasses, kill switches, manual reviews,
# order state changes worth keeping.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("om::schema");

enum AuditKind {
  orderEvent @0;
  riskOverride @1;
  riskBypass @2;
  killSwitch @3;
  manualReview @4;
  configChange @5;
  refdataReload @6;
  circuitBreaker @7;
}

struct AuditRecord {
  sequence @0 :UInt64;
  at @1 :Int64;
  kind @2 :AuditKind;
  actor @3 :Text;        # who did it: an actor name or an operator
  orderId @4 :UInt64;    # 0 when not about one order
  strategy @5 :Text;
  instrument @6 :Text;
  detail @7 :Text;
}
