@0xeef38bfd4d155a15;
# Durable record of a client order id, written before any other processing of
# the order so that a retried submit never creates a second order.

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("om::schema");

struct IdempotencyRecord {
  strategy @0 :Text;
  clientOrderId @1 :Text;
  orderId @2 :UInt64;
  receivedAt @3 :Int64;
  # Digest of the order terms: a reused id with different terms is refused.
  termsDigest @4 :UInt64;
}
