#pragma once
// Node configuration, loaded from TOML (see docs/configuration.md for every
// key, its meaning and its default). Plain structs; the loader refuses bad
// input with errc::config_invalid naming the file, the key and the reason.

#include "runtime/model/enums.hpp"
#include "runtime/model/fixed_point.hpp"
#include "runtime/model/ids.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace om {

struct node_section {
  /// Node name, unique in a cluster. Required.
  std::string id;
  /// Node number 1..65535, embedded in order ids. Default 1.
  uint16_t number = 1;
  /// RocksDB and other state live here. Default "data/<id>".
  std::string data_dir;
  /// Reference data file. Default "config/refdata.toml".
  std::string refdata = "config/refdata.toml";
  /// CAF scheduler threads; 0 = number of cores. Default 0.
  uint32_t scheduler_threads = 0;
  /// How long the node waits for its own desk (risk shards restored, the
  /// gateway registered) before it gives up, exit 3. Default 60 s.
  std::chrono::seconds ready_timeout{60};
};

struct network_section {
  /// Address to bind. Default "127.0.0.1".
  std::string host = "127.0.0.1";
  /// CAF middleman port for other nodes; 0 = not published. Default 0.
  uint16_t cluster_port = 0;
  /// Admin (omctl) port; 0 = off. Default 0.
  uint16_t admin_port = 0;
  /// Metrics (/metrics) and dashboard HTTP port; 0 = off. Default 0.
  uint16_t metrics_port = 0;
  /// Clock offset to a peer above which the shipped alert rules raise a
  /// (non-paging) alert; exported as a metric so the rule reads it. Default 10.
  uint32_t clock_offset_alert_ms = 10;
};

enum class log_level : uint8_t { trace, debug, info, warn, error, critical, off };
const char* to_string(log_level x);
caf::expected<log_level> parse_log_level(std::string_view text);

struct log_section {
  /// Minimum level. Default info.
  log_level level = log_level::info;
  /// Log file; empty = stderr. Default empty.
  std::string file;
  /// Async queue slots (messages). Default 8192.
  uint32_t queue_size = 8192;
};

enum class risk_timeout_policy : uint8_t { reject, bypass_and_flag };
const char* to_string(risk_timeout_policy x);

struct gateway_section {
  /// Risk check timeout. Default 50 ms.
  std::chrono::milliseconds risk_timeout{50};
  /// What a risk timeout does. Default reject.
  risk_timeout_policy on_risk_timeout = risk_timeout_policy::reject;
  /// Circuit breaker: downstream error share that trips it (0..1). Default 0.05.
  double breaker_error_ratio = 0.05;
  /// Circuit breaker window. Default 60 s.
  std::chrono::seconds breaker_window{60};
};

/// One level of the limit hierarchy; unset fields inherit from the level above.
struct limit_set {
  std::optional<quantity> max_order_qty;
  std::optional<money> max_order_notional;
  std::optional<quantity> max_gross_position;
  std::optional<quantity> max_net_position;
  std::optional<money> daily_loss_limit;
  std::optional<int64_t> max_orders_per_second;
  std::optional<basis_points> price_collar_bps;
};

/// Fully resolved limits (every field set).
struct effective_limits {
  quantity max_order_qty;
  money max_order_notional;
  quantity max_gross_position;
  quantity max_net_position;
  money daily_loss_limit;
  int64_t max_orders_per_second = 0;
  basis_points price_collar_bps;
};

struct strategy_permissions {
  /// Asset classes the strategy may trade; empty = all.
  std::vector<asset_class> allowed_asset_classes;
  /// Venues the strategy must never reach (do-not-trade list).
  std::vector<venue_id> do_not_trade;
};

struct risk_section {
  limit_set defaults; // [risk.default]: every field required
  std::map<asset_class, limit_set> by_asset_class;
  std::map<std::string, limit_set> by_instrument; // key: instrument id
  std::map<std::string, limit_set> by_strategy;   // key: strategy id
  std::map<std::string, strategy_permissions> permissions; // key: strategy id
  /// The strategies this desk admits; empty = any strategy id. Required
  /// when per-strategy tables are set, so a misspelt name cannot pass.
  std::vector<strategy_id> strategies;
  /// Restricted list: instrument ids nobody may trade.
  std::vector<instrument_id> restricted;
  /// Gross notional caps per sector and per country (instrument currency).
  std::map<std::string, money> sector_limits;
  std::map<std::string, money> country_limits;
  /// Slippage estimate above which an order is flagged or split. Default 20 bps.
  basis_points slippage_review_bps = basis_points::from_units(20);

  /// Merges default < asset class < instrument < strategy.
  effective_limits resolve(asset_class cls, const instrument_id& inst,
                           const strategy_id& strat) const;
};

enum class venue_kind : uint8_t { simulated, fix };
const char* to_string(venue_kind x);

struct venue_section {
  venue_id id;
  venue_kind kind = venue_kind::simulated;
  std::vector<asset_class> asset_classes; // empty = all
  std::vector<ord_type> order_types{ord_type::limit, ord_type::market};
  std::vector<time_in_force> tifs{time_in_force::day, time_in_force::gtc, time_in_force::ioc,
                                  time_in_force::fok};
  /// Simulated venues: ack latency. Default 50 us.
  std::chrono::microseconds ack_latency{50};
  basis_points maker_fee_bps; // negative = rebate
  basis_points taker_fee_bps;
  /// Simulated venues: share of new orders rejected (0..1). Default 0.
  double reject_probability = 0.0;
  /// FIX venues: where to connect.
  std::string host;
  uint16_t port = 0;
  /// Cluster: the node hosting this venue (a node with the venue role).
  std::string node;
  /// Restart backoff for the venue connection (FIX: reconnects after a
  /// disconnect or a refused logon double from initial to max, with jitter).
  std::chrono::milliseconds reconnect_initial{100};
  std::chrono::milliseconds reconnect_max{10000};
  // FIX venues only.
  std::string begin_string = "FIX.4.4"; // or FIX.4.2
  std::string sender_comp_id;           // ours
  std::string target_comp_id;           // the venue's
  uint32_t heartbeat_s = 30;
  std::string account;        // tag 1 on every order message, if set
  std::string ex_destination; // tag 100
  char handl_inst = 0;        // tag 21: '1', '2' or '3'; 4.2 sends '1' when unset
  /// Tags a venue asks for on every order message (tag, value).
  std::vector<std::pair<int, std::string>> extra_tags;
  /// A cancel or replace unanswered this long is followed by a status
  /// request; a status request unanswered this long leaves the leg unknown.
  std::chrono::milliseconds cancel_timeout{5000};
  std::chrono::milliseconds status_timeout{5000};
  /// An amend the venue cannot replace (G unsupported) becomes a cancel and
  /// a new order for the new terms, instead of a replace reject.
  bool replace_by_cancel_new = false;
  /// Both sides restart sequence numbers at each logon (some test venues).
  bool reset_on_logon = false;
  /// Subscribe to market data (MarketDataRequest V) for every instrument
  /// this venue trades; the quotes feed the instruments' market-data actors.
  bool market_data = false;
};

struct route_target {
  venue_id venue;
  uint32_t weight = 1;
};

struct routing_rule {
  /// Match: an instrument id, or else an asset class (exactly one is set).
  std::optional<instrument_id> instrument;
  std::optional<asset_class> cls;
  std::vector<route_target> venues;
  /// Split across all candidate venues instead of picking one.
  bool split = false;
};

struct simulation_section {
  /// Simulated venues: outside order flow period; 0 = none. Default 5 ms.
  std::chrono::milliseconds flow_interval{5};
  /// Simulated venues: price levels of seeded liquidity per side. Default 8.
  uint32_t levels = 8;
  /// Seed of the venues' and router's random generators. Default 1.
  uint64_t seed = 1;
};

/// A stale market-data feed: reject orders for the instrument (fail closed)
/// or collar at the previous close, flagged on the order.
enum class stale_policy : uint8_t { reject, prev_close };
const char* to_string(stale_policy x);
/// A volatility spike: hold new orders until it calms (up to max_hold) or
/// reject them.
enum class volatility_policy : uint8_t { hold, reject };
const char* to_string(volatility_policy x);

/// [market_data]: how instruments quoted by a venue with market_data = true
/// are watched. Instruments nobody quotes keep the previous close (or the
/// last fill) as their reference, flagged on each order.
struct market_data_section {
  /// A feed with no update for this long is stale. Default 3000 ms.
  std::chrono::milliseconds stale_after{3000};
  stale_policy on_stale = stale_policy::reject;
  /// Volatility: the mid's range over this window, in bps of the mid.
  /// Default 1000 ms.
  std::chrono::milliseconds volatility_window{1000};
  /// Range above which new orders pause; 0 = never. Default 300 bps.
  basis_points volatility_pause_bps = basis_points::from_raw(30000);
  volatility_policy on_volatility = volatility_policy::hold;
  /// A paused instrument resumes after its range stayed under the
  /// threshold this long. Default 1000 ms.
  std::chrono::milliseconds resume_after{1000};
  /// Hold policy: the longest an order waits for a pause to end before it
  /// is rejected. Default 2000 ms.
  std::chrono::milliseconds max_hold{2000};
};

struct demo_section {
  /// Run the demo strategy at start. Default false.
  bool enabled = false;
  /// Strategy id the demo trades as. Default "demo".
  std::string strategy = "demo";
  /// Orders to send. Default 2000.
  uint32_t orders = 2000;
  /// Orders per second; 0 = as fast as possible. Default 2000.
  uint32_t rate = 2000;
  /// Symbols (or aliases) to trade. Default a few liquid ones.
  std::vector<std::string> symbols{"AAPL", "MSFT US", "NVDA.OQ", "SAP.DE", "ESZ6", "EURUSD"};
  /// Shares of orders that are market orders, IOC, later canceled, later
  /// amended, and deliberately bad. Defaults 0.1, 0.15, 0.2, 0.1, 0.05.
  double market_ratio = 0.1;
  double ioc_ratio = 0.15;
  double cancel_ratio = 0.2;
  double amend_ratio = 0.1;
  double bad_ratio = 0.05;
  /// Random seed. Default 7.
  uint64_t seed = 7;
  /// Cluster: the node whose gateway the demo submits to. Default: this node.
  std::string gateway_node;
};

enum class node_role : uint8_t { gateway, risk, venue, strategy };
const char* to_string(node_role x);
caf::expected<node_role> parse_node_role(std::string_view text);

/// One node of a cluster ([[cluster.node]]).
struct cluster_member {
  std::string id;
  uint16_t number = 1;
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  /// Its /metrics and dashboard port; 0 = off. Default 0.
  uint16_t metrics_port = 0;
  std::vector<node_role> roles;
  bool has(node_role r) const;
};

/// What the gateway does with an order whose risk shard or venue sits on an
/// unreachable node.
enum class unreachable_policy : uint8_t { reject, hold };
const char* to_string(unreachable_policy x);

struct cluster_section {
  /// True when the file has a [cluster] table.
  bool enabled = false;
  std::vector<cluster_member> nodes;
  /// Risk shard pins: instrument id -> node id (overrides hashing).
  std::map<std::string, std::string> pins;
  /// BASP heartbeat period and the silence after which a peer is dropped;
  /// identical on every node (one file). Defaults 200 ms and 1000 ms.
  std::chrono::milliseconds heartbeat_interval{200};
  std::chrono::milliseconds connection_timeout{1000};
  /// Pause between connection attempts to a peer that is not up. Default 250 ms.
  std::chrono::milliseconds connect_retry{250};
  /// Orders needing an unreachable node: reject or hold. Default reject.
  unreachable_policy on_unreachable = unreachable_policy::reject;
  /// Hold policy: how long an order waits for its node. Default 2000 ms.
  std::chrono::milliseconds hold_timeout{2000};
  /// Points per risk node on the consistent-hash ring. Default 64.
  uint32_t virtual_nodes = 64;
  /// How long the demo's node waits for the whole cluster (every risk
  /// shard, the gateway, every node up) before it gives up, exit 3.
  /// Default 120 s.
  std::chrono::seconds ready_timeout{120};
  const cluster_member* find(const std::string& id) const;
};

struct testing_section {
  /// Accept fault-injection messages (crash an order actor). Default false.
  bool fault_injection = false;
};

struct node_config {
  std::string source; // file it was loaded from
  node_section node;
  network_section network;
  log_section log;
  gateway_section gateway;
  risk_section risk;
  std::vector<venue_section> venues;
  std::vector<routing_rule> routes;
  simulation_section simulation;
  market_data_section market_data;
  demo_section demo;
  cluster_section cluster;
  testing_section testing;

  const venue_section* find_venue(const venue_id& id) const;
};

/// Loads and validates a node configuration file. Relative paths inside the
/// file (data_dir, refdata, log.file) are kept as written.
/// Errors: errc::config_invalid "<file>: <key>: <reason>".
caf::expected<node_config> load_node_config(const std::string& path);

/// Cluster files: makes `cfg` the configuration of node `id` (node id and
/// number, cluster port and host, data_dir "<data_dir>/<id>").
/// Errors: errc::config_invalid naming the node.
caf::error select_node(node_config& cfg, const std::string& id);

} // namespace om
