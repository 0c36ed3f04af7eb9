#pragma once
// omctl's edge: the admin service's typed answers rendered as JSON (the
// documented shapes, docs/operations.md) and as tables for people. The
// tables are drawn from the JSON, so both always show the same thing.

#include "actors/admin/views.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace om::omctl {

nlohmann::json to_json(const member_view& m);
nlohmann::json to_json(const cluster_view& v);
nlohmann::json to_json(const topology_view& v);
nlohmann::json to_json(const orders_view& v);
nlohmann::json to_json(const order_detail& d);
nlohmann::json to_json(const risk_view& v);
nlohmann::json to_json(const venues_view& v);
nlohmann::json to_json(const markets_view& v);
nlohmann::json to_json(const kill_switch_report& r);
nlohmann::json to_json(const controls_view& v);
nlohmann::json to_json(const manual_result& r);

/// Prints the table for `cmd` ("nodes", "topology", "orders", ...).
void print_table(const std::string& cmd, const nlohmann::json& j);

} // namespace om::omctl
