@0xc654e156a26ddcfc;
# What the store writes under every key: the writer's fence plus one record.
# The fence (incarnation, sequence) lets the store refuse a write from a
# stale incarnation of the owning actor.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("om::schema");

using Order = import "order.capnp";
using Risk = import "risk.capnp";
using Idem = import "idempotency.capnp";
using Audit = import "audit.capnp";
using Journal = import "journal.capnp";
using VenueStats = import "venue_stats.capnp";
using Incident = import "incident.capnp";

struct Envelope {
  incarnation @0 :UInt64;
  sequence @1 :UInt64;
  writtenAt @2 :Int64;
  body :union {
    order @3 :Order.OrderSnapshot;
    position @4 :Risk.PositionSnapshot;
    idempotency @5 :Idem.IdempotencyRecord;
    audit @6 :Audit.AuditRecord;
    fill @7 :Journal.FillRecord;
    venueStats @8 :VenueStats.VenueStatsBucket;
    incident @9 :Incident.Incident;
  }
}
