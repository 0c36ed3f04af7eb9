// Node configuration loader. The only translation unit besides the refdata
// loader that includes toml11.

#include "runtime/config/config.hpp"

#include <charconv>
#include "runtime/config/toml_access.hpp"

#include <algorithm>
#include <charconv>
#include <array>
#include <limits>
#include <tuple>
#include <utility>

namespace om {

const char* to_string(log_level x) {
  static constexpr const char* names[] = {"trace", "debug", "info", "warn",
                                          "error", "critical", "off"};
  return names[static_cast<int>(x)];
}

caf::expected<log_level> parse_log_level(std::string_view text) {
  for (int i = 0; i <= static_cast<int>(log_level::off); ++i)
    if (text == to_string(static_cast<log_level>(i)))
      return static_cast<log_level>(i);
  return make_error(errc::parse_error,
                    "log level '" + std::string{text}
                      + "' is not one of: trace, debug, info, warn, error, critical, off");
}

const char* to_string(risk_timeout_policy x) {
  return x == risk_timeout_policy::reject ? "reject" : "bypass_and_flag";
}

const char* to_string(stale_policy x) {
  return x == stale_policy::reject ? "reject" : "prev_close";
}

const char* to_string(volatility_policy x) {
  return x == volatility_policy::hold ? "hold" : "reject";
}

const char* to_string(venue_kind x) {
  return x == venue_kind::simulated ? "simulated" : "fix";
}

effective_limits risk_section::resolve(asset_class cls, const instrument_id& inst,
                                       const strategy_id& strat) const {
  limit_set merged = defaults;
  auto overlay = [&merged](const limit_set& l) {
    auto take = [](auto& dst, const auto& src) {
      if (src)
        dst = src;
    };
    take(merged.max_order_qty, l.max_order_qty);
    take(merged.max_order_notional, l.max_order_notional);
    take(merged.max_gross_position, l.max_gross_position);
    take(merged.max_net_position, l.max_net_position);
    take(merged.daily_loss_limit, l.daily_loss_limit);
    take(merged.max_orders_per_second, l.max_orders_per_second);
    take(merged.price_collar_bps, l.price_collar_bps);
  };
  if (auto i = by_asset_class.find(cls); i != by_asset_class.end())
    overlay(i->second);
  if (auto i = by_instrument.find(inst.value); i != by_instrument.end())
    overlay(i->second);
  if (auto i = by_strategy.find(strat.value); i != by_strategy.end())
    overlay(i->second);
  // The loader guarantees every default is set.
  return effective_limits{*merged.max_order_qty,      *merged.max_order_notional,
                          *merged.max_gross_position, *merged.max_net_position,
                          *merged.daily_loss_limit,   *merged.max_orders_per_second,
                          *merged.price_collar_bps};
}

const char* to_string(node_role x) {
  switch (x) {
    case node_role::gateway: return "gateway";
    case node_role::risk: return "risk";
    case node_role::venue: return "venue";
    case node_role::strategy: return "strategy";
  }
  return "?";
}

caf::expected<node_role> parse_node_role(std::string_view text) {
  for (auto r : {node_role::gateway, node_role::risk, node_role::venue, node_role::strategy})
    if (text == to_string(r))
      return r;
  return make_error(errc::parse_error, "'" + std::string{text}
                                         + "' is not one of: gateway, risk, venue, strategy");
}

const char* to_string(unreachable_policy x) {
  return x == unreachable_policy::hold ? "hold" : "reject";
}

bool cluster_member::has(node_role r) const {
  return std::find(roles.begin(), roles.end(), r) != roles.end();
}

const cluster_member* cluster_section::find(const std::string& id) const {
  for (auto& m : nodes)
    if (m.id == id)
      return &m;
  return nullptr;
}

caf::error select_node(node_config& cfg, const std::string& id) {
  if (!cfg.cluster.enabled)
    return make_error(errc::config_invalid, cfg.source + ": --node " + id
                                              + ": the file has no [cluster] table");
  auto m = cfg.cluster.find(id);
  if (!m) {
    std::string known;
    for (auto& n : cfg.cluster.nodes)
      known += (known.empty() ? "" : ", ") + n.id;
    return make_error(errc::config_invalid, cfg.source + ": --node " + id
                                              + ": not a [[cluster.node]] (known: " + known + ")");
  }
  cfg.node.id = m->id;
  cfg.node.number = m->number;
  cfg.network.host = m->host;
  cfg.network.cluster_port = m->port;
  cfg.network.metrics_port = m->metrics_port;
  cfg.node.data_dir = (cfg.node.data_dir.empty() ? std::string{"data"} : cfg.node.data_dir) + "/"
                      + m->id;
  return caf::none;
}

const venue_section* node_config::find_venue(const venue_id& id) const {
  for (auto& v : venues)
    if (v.id == id)
      return &v;
  return nullptr;
}

namespace {

using detail::toml_reader;

const toml::value empty_table = toml::value(toml::table{});

const toml::value& section(const toml::value& doc, const char* key) {
  auto v = toml_reader::find(doc, key);
  return v ? *v : empty_table;
}

caf::expected<limit_set> load_limits(const toml_reader& rd, const toml::value& t,
                                     const std::string& p, bool all_required) {
  if (auto err = rd.check_keys(t, p,
                               {"max_order_qty", "max_order_notional", "max_gross_position",
                                "max_net_position", "daily_loss_limit",
                                "max_orders_per_second", "price_collar_bps"}))
    return err;
  limit_set l;
  auto present = [&](const char* k) { return toml_reader::find(t, k) != nullptr; };
  auto need = [&](const char* k) -> caf::error {
    if (all_required && !present(k))
      return rd.fail(toml_reader::join(p, k), "missing (required in [risk.default])");
    return caf::none;
  };
  for (auto k : {"max_order_qty", "max_order_notional", "max_gross_position",
                 "max_net_position", "daily_loss_limit", "max_orders_per_second",
                 "price_collar_bps"})
    if (auto err = need(k))
      return err;
  if (present("max_order_qty")) {
    OM_TRY(v, rd.decimal<quantity>(t, p, "max_order_qty", std::nullopt, true));
    l.max_order_qty = *v;
  }
  if (present("max_order_notional")) {
    OM_TRY(v, rd.decimal<money>(t, p, "max_order_notional", std::nullopt, true));
    l.max_order_notional = *v;
  }
  if (present("max_gross_position")) {
    OM_TRY(v, rd.decimal<quantity>(t, p, "max_gross_position", std::nullopt, true));
    l.max_gross_position = *v;
  }
  if (present("max_net_position")) {
    OM_TRY(v, rd.decimal<quantity>(t, p, "max_net_position", std::nullopt, true));
    l.max_net_position = *v;
  }
  if (present("daily_loss_limit")) {
    OM_TRY(v, rd.decimal<money>(t, p, "daily_loss_limit", std::nullopt, true));
    l.daily_loss_limit = *v;
  }
  if (present("max_orders_per_second")) {
    OM_TRY(v, rd.integer(t, p, "max_orders_per_second", std::nullopt, 1, 10'000'000));
    l.max_orders_per_second = *v;
  }
  if (present("price_collar_bps")) {
    OM_TRY(v, rd.decimal<basis_points>(t, p, "price_collar_bps", std::nullopt, true));
    l.price_collar_bps = *v;
  }
  return l;
}

template <class T, class Parse>
caf::expected<std::vector<T>> enum_list(const toml_reader& rd, const toml::value& t,
                                        const std::string& p, const char* key, Parse parse) {
  OM_TRY(names, rd.str_list(t, p, key));
  std::vector<T> out;
  for (size_t i = 0; i < names->size(); ++i) {
    auto v = parse((*names)[i]);
    if (!v)
      return rd.fail(toml_reader::join(p, key) + "[" + std::to_string(i) + "]",
                     detail_of(v.error()));
    out.push_back(*v);
  }
  return out;
}

caf::error load_node(const toml_reader& rd, const toml::value& doc, node_config& cfg) {
  auto& t = section(doc, "node");
  if (auto err = rd.check_keys(t, "node",
                               {"id", "number", "data_dir", "refdata", "scheduler_threads",
                                "ready_timeout_s"}))
    return err;
  // A cluster file names its nodes in [[cluster.node]]; --node picks one.
  bool cluster = toml_reader::find(doc, "cluster") != nullptr;
  OM_TRY(id, rd.str(t, "node", "id", cluster ? std::optional<std::string>{""} : std::nullopt,
                    cluster));
  cfg.node.id = *id;
  OM_TRY(number, rd.integer(t, "node", "number", 1, 1, 65535));
  cfg.node.number = static_cast<uint16_t>(*number);
  OM_TRY(dir, rd.str(t, "node", "data_dir", cluster ? std::string{"data"} : "data/" + *id));
  cfg.node.data_dir = *dir;
  OM_TRY(refdata, rd.str(t, "node", "refdata", cfg.node.refdata));
  cfg.node.refdata = *refdata;
  OM_TRY(threads, rd.integer(t, "node", "scheduler_threads", 0, 0, 256));
  cfg.node.scheduler_threads = static_cast<uint32_t>(*threads);
  OM_TRY(ready, rd.integer(t, "node", "ready_timeout_s", 60, 1, 3600));
  cfg.node.ready_timeout = std::chrono::seconds{*ready};
  return caf::none;
}

caf::error load_network(const toml_reader& rd, const toml::value& doc, node_config& cfg) {
  auto& t = section(doc, "network");
  if (auto err = rd.check_keys(t, "network",
                               {"host", "cluster_port", "admin_port", "metrics_port",
                                "clock_offset_alert_ms"}))
    return err;
  OM_TRY(host, rd.str(t, "network", "host", cfg.network.host));
  cfg.network.host = *host;
  OM_TRY(cp, rd.integer(t, "network", "cluster_port", 0, 0, 65535));
  OM_TRY(ap, rd.integer(t, "network", "admin_port", 0, 0, 65535));
  OM_TRY(mp, rd.integer(t, "network", "metrics_port", 0, 0, 65535));
  cfg.network.cluster_port = static_cast<uint16_t>(*cp);
  cfg.network.admin_port = static_cast<uint16_t>(*ap);
  cfg.network.metrics_port = static_cast<uint16_t>(*mp);
  OM_TRY(offset, rd.integer(t, "network", "clock_offset_alert_ms", 10, 1, 600000));
  cfg.network.clock_offset_alert_ms = static_cast<uint32_t>(*offset);
  std::array<std::pair<const char*, uint16_t>, 3> ports{
    {{"cluster_port", cfg.network.cluster_port},
     {"admin_port", cfg.network.admin_port},
     {"metrics_port", cfg.network.metrics_port}}};
  for (size_t i = 0; i < ports.size(); ++i)
    for (size_t j = i + 1; j < ports.size(); ++j)
      if (ports[i].second != 0 && ports[i].second == ports[j].second)
        return rd.fail(std::string{"network."} + ports[j].first,
                       std::string{"same port as network."} + ports[i].first);
  return caf::none;
}

caf::error load_log(const toml_reader& rd, const toml::value& doc, node_config& cfg) {
  auto& t = section(doc, "log");
  if (auto err = rd.check_keys(t, "log", {"level", "file", "queue_size"}))
    return err;
  OM_TRY(level, rd.str(t, "log", "level", std::string{"info"}));
  auto lv = parse_log_level(*level);
  if (!lv)
    return rd.fail("log.level", detail_of(lv.error()));
  cfg.log.level = *lv;
  OM_TRY(file, rd.str(t, "log", "file", std::string{}, true));
  cfg.log.file = *file;
  OM_TRY(q, rd.integer(t, "log", "queue_size", 8192, 64, 1 << 20));
  cfg.log.queue_size = static_cast<uint32_t>(*q);
  return caf::none;
}

caf::error load_gateway(const toml_reader& rd, const toml::value& doc, node_config& cfg) {
  auto& t = section(doc, "gateway");
  const std::string p = "gateway";
  if (auto err = rd.check_keys(t, p,
                               {"risk_timeout_ms", "risk_timeout_policy", "breaker_error_ratio",
                                "breaker_window_s"}))
    return err;
  OM_TRY(ms, rd.integer(t, p, "risk_timeout_ms", 50, 1, 60000));
  cfg.gateway.risk_timeout = std::chrono::milliseconds{*ms};
  OM_TRY(policy, rd.str(t, p, "risk_timeout_policy", std::string{"reject"}));
  if (*policy == "reject")
    cfg.gateway.on_risk_timeout = risk_timeout_policy::reject;
  else if (*policy == "bypass_and_flag")
    cfg.gateway.on_risk_timeout = risk_timeout_policy::bypass_and_flag;
  else
    return rd.fail("gateway.risk_timeout_policy",
                   "'" + *policy + "' is not one of: reject, bypass_and_flag");
  OM_TRY(ratio, rd.ratio(t, p, "breaker_error_ratio", 0.05, 0.0001, 1.0));
  cfg.gateway.breaker_error_ratio = *ratio;
  OM_TRY(win, rd.integer(t, p, "breaker_window_s", 60, 1, 3600));
  cfg.gateway.breaker_window = std::chrono::seconds{*win};
  return caf::none;
}

caf::error load_risk(const toml_reader& rd, const toml::value& doc, node_config& cfg) {
  auto& t = section(doc, "risk");
  const std::string p = "risk";
  if (auto err = rd.check_keys(t, p,
                               {"default", "asset_class", "instrument", "strategy",
                                "permissions", "restricted", "strategies", "sector_limits",
                                "country_limits", "slippage_review_bps"}))
    return err;
  auto def = toml_reader::find(t, "default");
  if (!def)
    return rd.fail("risk.default", "missing (required)");
  OM_TRY(defaults, load_limits(rd, *def, "risk.default", true));
  cfg.risk.defaults = *defaults;
  auto level = [&](const char* key, auto&& insert) -> caf::error {
    auto v = toml_reader::find(t, key);
    if (!v)
      return caf::none;
    if (!v->is_table())
      return rd.fail(p + "." + key, "must be a table");
    for (auto& [name, sub] : v->as_table()) {
      auto sp = p + "." + key + "." + name;
      OM_TRY(l, load_limits(rd, sub, sp, false));
      if (auto err = insert(name, sp, *l))
        return err;
    }
    return caf::none;
  };
  if (auto err = level("asset_class",
                       [&](const std::string& name, const std::string& sp, limit_set& l) {
                         auto cls = parse_asset_class(name);
                         if (!cls)
                           return rd.fail(sp, detail_of(cls.error()));
                         cfg.risk.by_asset_class[*cls] = l;
                         return caf::error{};
                       }))
    return err;
  if (auto err = level("instrument", [&](const std::string& name, const std::string&,
                                         limit_set& l) {
        cfg.risk.by_instrument[name] = l;
        return caf::error{};
      }))
    return err;
  if (auto err = level("strategy", [&](const std::string& name, const std::string&,
                                       limit_set& l) {
        cfg.risk.by_strategy[name] = l;
        return caf::error{};
      }))
    return err;
  if (auto perms = toml_reader::find(t, "permissions")) {
    if (!perms->is_table())
      return rd.fail("risk.permissions", "must be a table");
    for (auto& [name, sub] : perms->as_table()) {
      auto sp = "risk.permissions." + name;
      if (auto err = rd.check_keys(sub, sp, {"allowed_asset_classes", "do_not_trade"}))
        return err;
      strategy_permissions sp_out;
      OM_TRY(classes, enum_list<asset_class>(rd, sub, sp, "allowed_asset_classes",
                                             parse_asset_class));
      sp_out.allowed_asset_classes = *classes;
      OM_TRY(dnt, rd.str_list(sub, sp, "do_not_trade"));
      for (auto& v : *dnt)
        sp_out.do_not_trade.emplace_back(v);
      cfg.risk.permissions[name] = std::move(sp_out);
    }
  }
  OM_TRY(strategies, rd.str_list(t, p, "strategies"));
  for (size_t i = 0; i < strategies->size(); ++i) {
    auto& s = (*strategies)[i];
    strategy_id id{s};
    if (std::find(cfg.risk.strategies.begin(), cfg.risk.strategies.end(), id)
        != cfg.risk.strategies.end())
      return rd.fail("risk.strategies[" + std::to_string(i) + "]", "'" + s + "' is listed twice");
    cfg.risk.strategies.push_back(std::move(id));
  }
  OM_TRY(restricted, rd.str_list(t, p, "restricted"));
  for (auto& r : *restricted)
    cfg.risk.restricted.emplace_back(r);
  auto money_map = [&](const char* key, std::map<std::string, money>& out) -> caf::error {
    auto v = toml_reader::find(t, key);
    if (!v)
      return caf::none;
    if (!v->is_table())
      return rd.fail(p + "." + key, "must be a table of name = \"amount\"");
    for (auto& [name, _] : v->as_table()) {
      OM_TRY(amount, rd.decimal<money>(*v, p + "." + key, name, std::nullopt, true));
      out[name] = *amount;
    }
    return caf::none;
  };
  if (auto err = money_map("sector_limits", cfg.risk.sector_limits))
    return err;
  if (auto err = money_map("country_limits", cfg.risk.country_limits))
    return err;
  OM_TRY(slip, rd.decimal<basis_points>(t, p, "slippage_review_bps",
                                        cfg.risk.slippage_review_bps, true));
  cfg.risk.slippage_review_bps = *slip;
  return caf::none;
}

/// The FIX keys of a [[venue]]; refused on a simulated venue, where they
/// would silently do nothing.
caf::error load_fix_venue(const toml_reader& rd, const toml::value& t, const std::string& p,
                          venue_section& v) {
  static const char* fix_keys[] = {"begin_string", "sender_comp_id", "target_comp_id",
                                   "heartbeat_s", "account", "ex_destination", "handl_inst",
                                   "extra_tags", "cancel_timeout_ms", "status_timeout_ms",
                                   "replace_by_cancel_new", "reset_on_logon", "market_data"};
  if (v.kind != venue_kind::fix) {
    for (auto k : fix_keys)
      if (toml_reader::find(t, k))
        return rd.fail(p + "." + k, "only a fix venue takes this key");
    return caf::none;
  }
  OM_TRY(bs, rd.str(t, p, "begin_string", std::string{"FIX.4.4"}));
  if (*bs != "FIX.4.4" && *bs != "FIX.4.2")
    return rd.fail(p + ".begin_string", "'" + *bs + "' is not one of: FIX.4.2, FIX.4.4");
  v.begin_string = *bs;
  OM_TRY(sender, rd.str(t, p, "sender_comp_id"));
  OM_TRY(target, rd.str(t, p, "target_comp_id"));
  for (auto [key, val] : {std::pair{"sender_comp_id", &*sender}, {"target_comp_id", &*target}})
    for (char c : *val)
      if (c <= ' ' || c == '\x01' || c == 127)
        return rd.fail(p + "." + key, "must not contain spaces or control characters");
  v.sender_comp_id = *sender;
  v.target_comp_id = *target;
  OM_TRY(hb, rd.integer(t, p, "heartbeat_s", 30, 1, 3600));
  v.heartbeat_s = static_cast<uint32_t>(*hb);
  OM_TRY(acct, rd.str(t, p, "account", std::string{}, true));
  v.account = *acct;
  OM_TRY(exd, rd.str(t, p, "ex_destination", std::string{}, true));
  v.ex_destination = *exd;
  OM_TRY(hi, rd.str(t, p, "handl_inst", std::string{}, true));
  if (!hi->empty()) {
    if (*hi != "1" && *hi != "2" && *hi != "3")
      return rd.fail(p + ".handl_inst", "'" + *hi + "' is not one of: 1, 2, 3");
    v.handl_inst = (*hi)[0];
  }
  if (auto x = toml_reader::find(t, "extra_tags")) {
    if (!x->is_table())
      return rd.fail(p + ".extra_tags", "must be a table of tag = \"value\"");
    for (auto& [k, val] : x->as_table()) {
      auto key = p + ".extra_tags." + k;
      int tag = 0;
      auto [ptr, ec] = std::from_chars(k.data(), k.data() + k.size(), tag);
      if (ec != std::errc{} || ptr != k.data() + k.size() || tag <= 0)
        return rd.fail(key, "a tag must be a positive number");
      // Tags the mapping owns would be sent twice or contradict it.
      static const int owned[] = {1, 11, 21, 35, 37, 38, 40, 41, 44, 54, 55, 59, 60, 100};
      for (int o : owned)
        if (tag == o)
          return rd.fail(key, "tag " + k + " is set by the FIX mapping; configure it by name");
      if (tag < 1000 && tag != 18 && tag != 47 && tag != 109 && tag != 528 && tag != 529)
        return rd.fail(key, "standard tags below 1000 other than 18, 47, 109, 528 and 529 "
                            "would change the message's meaning; use a custom tag (>= 5000)");
      if (!val.is_string() || val.as_string().str.empty())
        return rd.fail(key, "must be a non-empty string");
      v.extra_tags.emplace_back(tag, val.as_string().str);
    }
  }
  OM_TRY(ct, rd.integer(t, p, "cancel_timeout_ms", 5000, 10, 600000));
  v.cancel_timeout = std::chrono::milliseconds{*ct};
  OM_TRY(stt, rd.integer(t, p, "status_timeout_ms", 5000, 10, 600000));
  v.status_timeout = std::chrono::milliseconds{*stt};
  OM_TRY(rcn, rd.boolean(t, p, "replace_by_cancel_new", false));
  v.replace_by_cancel_new = *rcn;
  OM_TRY(rol, rd.boolean(t, p, "reset_on_logon", false));
  v.reset_on_logon = *rol;
  OM_TRY(md, rd.boolean(t, p, "market_data", false));
  v.market_data = *md;
  return caf::none;
}

caf::error load_venues(const toml_reader& rd, const toml::value& doc, node_config& cfg) {
  OM_TRY(tables, rd.table_list(doc, "", "venue"));
  for (size_t i = 0; i < tables->size(); ++i) {
    auto& t = *(*tables)[i];
    std::string p = "venue[" + std::to_string(i) + "]";
    if (auto err = rd.check_keys(t, p,
                                 {"id", "kind", "asset_classes", "order_types", "tifs",
                                  "ack_latency_us", "maker_fee_bps", "taker_fee_bps",
                                  "reject_probability", "host", "port",
                                  "reconnect_initial_ms", "reconnect_max_ms", "node",
                                  "begin_string", "sender_comp_id", "target_comp_id",
                                  "heartbeat_s", "account", "ex_destination", "handl_inst",
                                  "extra_tags", "cancel_timeout_ms", "status_timeout_ms",
                                  "replace_by_cancel_new", "reset_on_logon", "market_data"}))
      return err;
    venue_section v;
    OM_TRY(id, rd.str(t, p, "id"));
    v.id = venue_id{*id};
    p += "(" + *id + ")";
    if (cfg.find_venue(v.id))
      return rd.fail(p + ".id", "duplicate venue id");
    OM_TRY(kind, rd.str(t, p, "kind", std::string{"simulated"}));
    if (*kind == "simulated")
      v.kind = venue_kind::simulated;
    else if (*kind == "fix")
      v.kind = venue_kind::fix;
    else
      return rd.fail(p + ".kind", "'" + *kind + "' is not one of: simulated, fix");
    OM_TRY(classes, enum_list<asset_class>(rd, t, p, "asset_classes", parse_asset_class));
    v.asset_classes = *classes;
    if (toml_reader::find(t, "order_types")) {
      OM_TRY(types, enum_list<ord_type>(rd, t, p, "order_types", parse_ord_type));
      if (types->empty())
        return rd.fail(p + ".order_types", "must not be empty");
      v.order_types = *types;
    }
    if (toml_reader::find(t, "tifs")) {
      OM_TRY(tifs, enum_list<time_in_force>(rd, t, p, "tifs", parse_time_in_force));
      if (tifs->empty())
        return rd.fail(p + ".tifs", "must not be empty");
      v.tifs = *tifs;
    }
    OM_TRY(lat, rd.integer(t, p, "ack_latency_us", 50, 0, 10'000'000));
    v.ack_latency = std::chrono::microseconds{*lat};
    // Fees may be negative (maker rebates): parse as text, no sign check.
    for (auto [key, dst] : {std::pair{"maker_fee_bps", &v.maker_fee_bps},
                            std::pair{"taker_fee_bps", &v.taker_fee_bps}}) {
      auto f = toml_reader::find(t, key);
      if (!f)
        continue;
      if (!f->is_string())
        return rd.fail(p + "." + key, "write as a decimal string, e.g. \"-0.20\"");
      auto bps = basis_points::parse(f->as_string().str);
      if (!bps)
        return rd.fail(p + "." + key, detail_of(bps.error()));
      *dst = *bps;
    }
    OM_TRY(rej, rd.ratio(t, p, "reject_probability", 0.0, 0.0, 1.0));
    v.reject_probability = *rej;
    OM_TRY(host, rd.str(t, p, "host", std::string{}, true));
    v.host = *host;
    OM_TRY(port, rd.integer(t, p, "port", 0, 0, 65535));
    v.port = static_cast<uint16_t>(*port);
    if (v.kind == venue_kind::fix && (v.host.empty() || v.port == 0))
      return rd.fail(p + ".host", "a fix venue needs host and port");
    OM_TRY(vnode, rd.str(t, p, "node", std::string{}, true));
    v.node = *vnode;
    OM_TRY(ri, rd.integer(t, p, "reconnect_initial_ms", 100, 1, 600000));
    OM_TRY(rm, rd.integer(t, p, "reconnect_max_ms", 10000, 1, 3600000));
    if (*rm < *ri)
      return rd.fail(p + ".reconnect_max_ms", "must be >= reconnect_initial_ms");
    v.reconnect_initial = std::chrono::milliseconds{*ri};
    v.reconnect_max = std::chrono::milliseconds{*rm};
    if (auto err = load_fix_venue(rd, t, p, v))
      return err;
    cfg.venues.push_back(std::move(v));
  }
  return caf::none;
}

caf::error load_routes(const toml_reader& rd, const toml::value& doc, node_config& cfg) {
  auto& routing = section(doc, "routing");
  if (auto err = rd.check_keys(routing, "routing", {"rule"}))
    return err;
  OM_TRY(tables, rd.table_list(routing, "routing", "rule"));
  for (size_t i = 0; i < tables->size(); ++i) {
    auto& t = *(*tables)[i];
    std::string p = "routing.rule[" + std::to_string(i) + "]";
    if (auto err = rd.check_keys(t, p, {"instrument", "asset_class", "venues", "split"}))
      return err;
    routing_rule r;
    bool has_inst = toml_reader::find(t, "instrument") != nullptr;
    bool has_cls = toml_reader::find(t, "asset_class") != nullptr;
    if (has_inst == has_cls)
      return rd.fail(p, "set exactly one of instrument, asset_class");
    if (has_inst) {
      OM_TRY(inst, rd.str(t, p, "instrument"));
      r.instrument = instrument_id{*inst};
    } else {
      OM_TRY(cls_text, rd.str(t, p, "asset_class"));
      auto cls = parse_asset_class(*cls_text);
      if (!cls)
        return rd.fail(p + ".asset_class", detail_of(cls.error()));
      r.cls = *cls;
    }
    OM_TRY(split, rd.boolean(t, p, "split", false));
    r.split = *split;
    OM_TRY(targets, rd.table_list(t, p, "venues"));
    if (targets->empty())
      return rd.fail(p + ".venues", "must list at least one venue");
    for (size_t j = 0; j < targets->size(); ++j) {
      auto& vt = *(*targets)[j];
      auto vp = p + ".venues[" + std::to_string(j) + "]";
      if (auto err = rd.check_keys(vt, vp, {"venue", "weight"}))
        return err;
      OM_TRY(vid, rd.str(vt, vp, "venue"));
      if (!cfg.find_venue(venue_id{*vid}))
        return rd.fail(vp + ".venue", "'" + *vid + "' is not a configured [[venue]]");
      OM_TRY(w, rd.integer(vt, vp, "weight", 1, 1, 1'000'000));
      r.venues.push_back(route_target{venue_id{*vid}, static_cast<uint32_t>(*w)});
    }
    cfg.routes.push_back(std::move(r));
  }
  return caf::none;
}

caf::error load_market_data(const toml_reader& rd, const toml::value& doc, node_config& cfg) {
  auto& t = section(doc, "market_data");
  const std::string p = "market_data";
  if (auto err = rd.check_keys(t, p,
                               {"stale_after_ms", "on_stale", "volatility_window_ms",
                                "volatility_pause_bps", "on_volatility", "resume_after_ms",
                                "max_hold_ms"}))
    return err;
  auto& md = cfg.market_data;
  OM_TRY(stale, rd.integer(t, p, "stale_after_ms", 3000, 10, 3600000));
  md.stale_after = std::chrono::milliseconds{*stale};
  OM_TRY(os, rd.str(t, p, "on_stale", std::string{"reject"}));
  if (*os == "reject")
    md.on_stale = stale_policy::reject;
  else if (*os == "prev_close")
    md.on_stale = stale_policy::prev_close;
  else
    return rd.fail(p + ".on_stale", "'" + *os + "' is not one of: reject, prev_close");
  OM_TRY(win, rd.integer(t, p, "volatility_window_ms", 1000, 10, 3600000));
  md.volatility_window = std::chrono::milliseconds{*win};
  OM_TRY(bps, rd.decimal<basis_points>(t, p, "volatility_pause_bps", basis_points::from_raw(30000),
                                       false));
  md.volatility_pause_bps = *bps;
  OM_TRY(ov, rd.str(t, p, "on_volatility", std::string{"hold"}));
  if (*ov == "hold")
    md.on_volatility = volatility_policy::hold;
  else if (*ov == "reject")
    md.on_volatility = volatility_policy::reject;
  else
    return rd.fail(p + ".on_volatility", "'" + *ov + "' is not one of: hold, reject");
  OM_TRY(ra, rd.integer(t, p, "resume_after_ms", 1000, 0, 3600000));
  md.resume_after = std::chrono::milliseconds{*ra};
  OM_TRY(mh, rd.integer(t, p, "max_hold_ms", 2000, 1, 600000));
  md.max_hold = std::chrono::milliseconds{*mh};
  return caf::none;
}

caf::error load_simulation(const toml_reader& rd, const toml::value& doc, node_config& cfg) {
  auto& t = section(doc, "simulation");
  const std::string p = "simulation";
  if (auto err = rd.check_keys(t, p, {"flow_interval_ms", "levels", "seed"}))
    return err;
  OM_TRY(flow, rd.integer(t, p, "flow_interval_ms", 5, 0, 60000));
  cfg.simulation.flow_interval = std::chrono::milliseconds{*flow};
  OM_TRY(levels, rd.integer(t, p, "levels", 8, 1, 100));
  cfg.simulation.levels = static_cast<uint32_t>(*levels);
  OM_TRY(seed, rd.integer(t, p, "seed", 1, 0, std::numeric_limits<int64_t>::max()));
  cfg.simulation.seed = static_cast<uint64_t>(*seed);
  return caf::none;
}

caf::error load_demo(const toml_reader& rd, const toml::value& doc, node_config& cfg) {
  auto& t = section(doc, "demo");
  const std::string p = "demo";
  if (auto err = rd.check_keys(t, p,
                               {"enabled", "strategy", "orders", "rate", "symbols",
                                "market_ratio", "ioc_ratio", "cancel_ratio", "amend_ratio",
                                "bad_ratio", "seed", "gateway_node"}))
    return err;
  auto& d = cfg.demo;
  OM_TRY(enabled, rd.boolean(t, p, "enabled", false));
  d.enabled = *enabled;
  OM_TRY(strat, rd.str(t, p, "strategy", d.strategy));
  d.strategy = *strat;
  OM_TRY(orders, rd.integer(t, p, "orders", 2000, 1, 100'000'000));
  d.orders = static_cast<uint32_t>(*orders);
  OM_TRY(rate, rd.integer(t, p, "rate", 2000, 0, 10'000'000));
  d.rate = static_cast<uint32_t>(*rate);
  if (toml_reader::find(t, "symbols")) {
    OM_TRY(syms, rd.str_list(t, p, "symbols"));
    if (syms->empty())
      return rd.fail("demo.symbols", "must not be empty");
    d.symbols = *syms;
  }
  for (auto [key, dst, def] : {std::tuple{"market_ratio", &d.market_ratio, 0.1},
                               std::tuple{"ioc_ratio", &d.ioc_ratio, 0.15},
                               std::tuple{"cancel_ratio", &d.cancel_ratio, 0.2},
                               std::tuple{"amend_ratio", &d.amend_ratio, 0.1},
                               std::tuple{"bad_ratio", &d.bad_ratio, 0.05}}) {
    OM_TRY(v, rd.ratio(t, p, key, def, 0.0, 1.0));
    *dst = *v;
  }
  OM_TRY(seed, rd.integer(t, p, "seed", 7, 0, std::numeric_limits<int64_t>::max()));
  d.seed = static_cast<uint64_t>(*seed);
  OM_TRY(gw, rd.str(t, p, "gateway_node", std::string{}, true));
  d.gateway_node = *gw;
  return caf::none;
}

caf::error load_cluster(const toml_reader& rd, const toml::value& doc, node_config& cfg) {
  auto t = toml_reader::find(doc, "cluster");
  if (!t)
    return caf::none;
  const std::string p = "cluster";
  if (auto err = rd.check_keys(*t, p,
                               {"node", "pin", "heartbeat_interval_ms", "connection_timeout_ms",
                                "connect_retry_ms", "on_unreachable", "hold_timeout_ms",
                                "virtual_nodes", "ready_timeout_s"}))
    return err;
  auto& c = cfg.cluster;
  c.enabled = true;
  OM_TRY(ready, rd.integer(*t, p, "ready_timeout_s", 120, 1, 3600));
  c.ready_timeout = std::chrono::seconds{*ready};
  OM_TRY(hb, rd.integer(*t, p, "heartbeat_interval_ms", 200, 10, 60000));
  c.heartbeat_interval = std::chrono::milliseconds{*hb};
  OM_TRY(ct, rd.integer(*t, p, "connection_timeout_ms", 1000, 20, 600000));
  c.connection_timeout = std::chrono::milliseconds{*ct};
  if (c.connection_timeout < 2 * c.heartbeat_interval)
    return rd.fail("cluster.connection_timeout_ms",
                   "must be at least twice heartbeat_interval_ms ("
                     + std::to_string(2 * *hb) + ")");
  OM_TRY(cr, rd.integer(*t, p, "connect_retry_ms", 250, 10, 60000));
  c.connect_retry = std::chrono::milliseconds{*cr};
  OM_TRY(pol, rd.str(*t, p, "on_unreachable", std::string{"reject"}));
  if (*pol == "reject")
    c.on_unreachable = unreachable_policy::reject;
  else if (*pol == "hold")
    c.on_unreachable = unreachable_policy::hold;
  else
    return rd.fail("cluster.on_unreachable", "'" + *pol + "' is not one of: reject, hold");
  OM_TRY(ht, rd.integer(*t, p, "hold_timeout_ms", 2000, 1, 600000));
  c.hold_timeout = std::chrono::milliseconds{*ht};
  OM_TRY(vn, rd.integer(*t, p, "virtual_nodes", 64, 1, 4096));
  c.virtual_nodes = static_cast<uint32_t>(*vn);
  OM_TRY(nodes, rd.table_list(*t, p, "node"));
  if (nodes->empty())
    return rd.fail("cluster.node", "at least one [[cluster.node]] is required");
  for (size_t i = 0; i < nodes->size(); ++i) {
    auto& n = *(*nodes)[i];
    std::string np = "cluster.node[" + std::to_string(i) + "]";
    if (auto err = rd.check_keys(n, np, {"id", "number", "host", "port", "metrics_port", "roles"}))
      return err;
    cluster_member m;
    OM_TRY(id, rd.str(n, np, "id"));
    m.id = *id;
    np += "(" + m.id + ")";
    if (c.find(m.id))
      return rd.fail(np + ".id", "duplicate node id");
    OM_TRY(num, rd.integer(n, np, "number", static_cast<int64_t>(i + 1), 1, 65535));
    m.number = static_cast<uint16_t>(*num);
    OM_TRY(host, rd.str(n, np, "host", m.host));
    m.host = *host;
    OM_TRY(port, rd.integer(n, np, "port", std::nullopt, 1, 65535));
    m.port = static_cast<uint16_t>(*port);
    OM_TRY(mport, rd.integer(n, np, "metrics_port", 0, 0, 65535));
    m.metrics_port = static_cast<uint16_t>(*mport);
    if (m.metrics_port != 0 && m.metrics_port == m.port)
      return rd.fail(np + ".metrics_port", "same port as its cluster port");
    OM_TRY(roles, enum_list<node_role>(rd, n, np, "roles", parse_node_role));
    if (roles->empty())
      return rd.fail(np + ".roles", "at least one of gateway, risk, venue, strategy");
    m.roles = *roles;
    for (auto& o : c.nodes) {
      if (o.number == m.number)
        return rd.fail(np + ".number", "same number as node " + o.id);
      if (o.host == m.host && o.port == m.port)
        return rd.fail(np + ".port", "same host:port as node " + o.id);
      if (m.metrics_port != 0 && o.host == m.host
          && (o.metrics_port == m.metrics_port || o.port == m.metrics_port))
        return rd.fail(np + ".metrics_port", "a port node " + o.id + " uses on this host");
    }
    c.nodes.push_back(std::move(m));
  }
  bool any_risk = false;
  for (auto& m : c.nodes)
    any_risk = any_risk || m.has(node_role::risk);
  if (!any_risk)
    return rd.fail("cluster.node", "no node has the risk role");
  OM_TRY(pins, rd.table_list(*t, p, "pin"));
  for (size_t i = 0; i < pins->size(); ++i) {
    auto& n = *(*pins)[i];
    std::string pp = "cluster.pin[" + std::to_string(i) + "]";
    if (auto err = rd.check_keys(n, pp, {"instrument", "node"}))
      return err;
    OM_TRY(inst, rd.str(n, pp, "instrument"));
    OM_TRY(node, rd.str(n, pp, "node"));
    auto m = c.find(*node);
    if (!m)
      return rd.fail(pp + ".node", "'" + *node + "' is not a [[cluster.node]]");
    if (!m->has(node_role::risk))
      return rd.fail(pp + ".node", "node " + *node + " has no risk role");
    if (!c.pins.emplace(*inst, *node).second)
      return rd.fail(pp + ".instrument", "'" + *inst + "' is pinned twice");
  }
  for (size_t i = 0; i < cfg.venues.size(); ++i) {
    auto& v = cfg.venues[i];
    std::string vp = "venue[" + std::to_string(i) + "](" + v.id.value + ").node";
    if (v.node.empty())
      return rd.fail(vp, "required in a cluster file: the node hosting the venue");
    auto m = c.find(v.node);
    if (!m)
      return rd.fail(vp, "'" + v.node + "' is not a [[cluster.node]]");
    if (!m->has(node_role::venue))
      return rd.fail(vp, "node " + v.node + " has no venue role");
  }
  if (!cfg.demo.gateway_node.empty()) {
    auto m = c.find(cfg.demo.gateway_node);
    if (!m || !m->has(node_role::gateway))
      return rd.fail("demo.gateway_node", "'" + cfg.demo.gateway_node
                                            + "' is not a node with the gateway role");
  }
  return caf::none;
}

caf::error load_testing(const toml_reader& rd, const toml::value& doc, node_config& cfg) {
  auto& t = section(doc, "testing");
  if (auto err = rd.check_keys(t, "testing", {"fault_injection"}))
    return err;
  OM_TRY(fi, rd.boolean(t, "testing", "fault_injection", false));
  cfg.testing.fault_injection = *fi;
  return caf::none;
}

} // namespace

caf::expected<node_config> load_node_config(const std::string& path) {
  toml_reader rd{path, errc::config_invalid};
  OM_TRY(doc, rd.parse());
  if (auto err = rd.check_keys(*doc, "",
                               {"node", "network", "log", "gateway", "risk", "venue",
                                "routing", "simulation", "market_data", "demo", "cluster",
                                "testing"}))
    return err;
  node_config cfg;
  cfg.source = path;
  for (auto step : {load_node, load_network, load_log, load_gateway, load_risk, load_venues,
                    load_routes, load_simulation, load_market_data, load_demo, load_cluster,
                    load_testing})
    if (auto err = step(rd, *doc, cfg))
      return err;
  for (auto& [strat, perms] : cfg.risk.permissions)
    for (size_t i = 0; i < perms.do_not_trade.size(); ++i)
      if (!cfg.find_venue(perms.do_not_trade[i]))
        return rd.fail("risk.permissions." + strat + ".do_not_trade[" + std::to_string(i) + "]",
                       "'" + perms.do_not_trade[i].value + "' is not a configured [[venue]]");
  // Per-strategy settings must name a declared strategy.
  auto declared = [&](const std::string& name) {
    return std::find(cfg.risk.strategies.begin(), cfg.risk.strategies.end(), strategy_id{name})
           != cfg.risk.strategies.end();
  };
  auto check_strategy = [&](const std::string& key, const std::string& name) -> caf::error {
    if (cfg.risk.strategies.empty())
      return rd.fail(key, "names strategy '" + name
                            + "' but risk.strategies is not set: list the desk's strategies there");
    if (!declared(name))
      return rd.fail(key, "'" + name + "' is not one of risk.strategies");
    return caf::none;
  };
  for (auto& [name, _] : cfg.risk.by_strategy)
    if (auto err = check_strategy("risk.strategy." + name, name))
      return err;
  for (auto& [name, _] : cfg.risk.permissions)
    if (auto err = check_strategy("risk.permissions." + name, name))
      return err;
  if (cfg.demo.enabled && !cfg.risk.strategies.empty() && !declared(cfg.demo.strategy))
    return rd.fail("demo.strategy", "'" + cfg.demo.strategy + "' is not one of risk.strategies");
  return cfg;
}

} // namespace om
