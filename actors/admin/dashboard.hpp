#pragma once
// The dashboard's edge: the page itself (compiled in from
// actors/admin/dashboard/index.html) and the JSON it polls, rendered from
// the collector's typed cluster_metrics. The page computes rates from the
// differences between two polls; the JSON carries totals only.

#include "actors/admin/metrics.hpp"

#include <string>

namespace om {

/// The dashboard page (HTML, CSS and script in one document).
const std::string& dashboard_html();

/// `c` as the JSON document /api/cluster serves (docs/observability.md).
std::string render_dashboard_json(const cluster_metrics& c);

} // namespace om
