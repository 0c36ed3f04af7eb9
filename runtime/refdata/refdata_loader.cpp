// Reference data file loader (TOML). Kept apart from refdata.cpp so toml11
// is compiled in as few translation units as possible.

#include "runtime/config/toml_access.hpp"
#include "runtime/refdata/refdata.hpp"

namespace om {

caf::expected<std::shared_ptr<const refdata_set>> load_refdata_file(const std::string& path) {
  detail::toml_reader rd{path, errc::refdata_invalid};
  auto doc = rd.parse();
  if (!doc)
    return std::move(doc.error());
  if (auto err = rd.check_keys(*doc, "", {"version", "instrument"}))
    return err;
  auto version = rd.str(*doc, "", "version");
  if (!version)
    return std::move(version.error());
  auto tables = rd.table_list(*doc, "", "instrument");
  if (!tables)
    return std::move(tables.error());
  if (tables->empty())
    return rd.fail("instrument", "no [[instrument]] entries");
  std::vector<instrument> out;
  out.reserve(tables->size());
  for (size_t i = 0; i < tables->size(); ++i) {
    const auto& t = *(*tables)[i];
    auto p = "instrument[" + std::to_string(i) + "]";
    instrument in;
    OM_TRY(id, rd.str(t, p, "id"));
    in.id = instrument_id{*id};
    p = "instrument[" + std::to_string(i) + "](" + *id + ")";
    if (auto err = rd.check_keys(t, p,
                                 {"id", "symbol", "aliases", "name", "asset_class", "exchange",
                                  "currency", "sector", "country", "tick_size", "lot_size",
                                  "adv", "prev_close", "price_band_bps", "status"}))
      return err;
    OM_TRY(sym, rd.str(t, p, "symbol"));
    in.symbol = *sym;
    OM_TRY(aliases, rd.str_list(t, p, "aliases"));
    in.aliases = *aliases;
    OM_TRY(name, rd.str(t, p, "name", std::string{}, true));
    in.name = *name;
    OM_TRY(cls_text, rd.str(t, p, "asset_class"));
    auto cls = parse_asset_class(*cls_text);
    if (!cls)
      return rd.fail(p + ".asset_class", detail_of(cls.error()));
    in.cls = *cls;
    OM_TRY(exch, rd.str(t, p, "exchange"));
    in.exchange = *exch;
    OM_TRY(ccy, rd.str(t, p, "currency"));
    in.currency = *ccy;
    OM_TRY(sector, rd.str(t, p, "sector"));
    in.sector = *sector;
    OM_TRY(country, rd.str(t, p, "country"));
    in.country = *country;
    OM_TRY(tick, rd.decimal<price>(t, p, "tick_size", std::nullopt, true));
    in.tick_size = *tick;
    OM_TRY(lot, rd.decimal<quantity>(t, p, "lot_size", std::nullopt, true));
    in.lot_size = *lot;
    OM_TRY(adv, rd.decimal<quantity>(t, p, "adv", quantity{}, false));
    in.adv = *adv;
    OM_TRY(close, rd.decimal<price>(t, p, "prev_close", price{}, false));
    in.prev_close = *close;
    OM_TRY(band, rd.integer(t, p, "price_band_bps", 0, 0, 100000));
    in.price_band_bps = *band;
    OM_TRY(status_text, rd.str(t, p, "status", std::string{"active"}));
    auto status = parse_trading_status(*status_text);
    if (!status)
      return rd.fail(p + ".status", detail_of(status.error()));
    in.status = *status;
    out.push_back(std::move(in));
  }
  auto set = refdata_set::build(*version, std::move(out));
  if (!set)
    return make_error(errc::refdata_invalid, path + ": " + detail_of(set.error()));
  return set;
}

} // namespace om
