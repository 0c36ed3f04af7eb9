#pragma once
// The Prometheus text exposition (format 0.0.4) of a node's metrics.
//
// A pure function of a node_metrics record: the collector gathers, this
// renders, the HTTP server serves. Every metric carries a `node` label;
// variable parts are labels of bounded cardinality (stage, reason, status,
// venue, instrument, supervisor, child, peer) and never an order id.
// docs/observability.md lists every metric with its meaning.

#include "actors/admin/metrics.hpp"

#include <string>

namespace om {

/// `m` in the Prometheus text format. prometheus-cpp's serializer does the
/// escaping and number formatting.
std::string render_prometheus(const node_metrics& m);

} // namespace om
