#pragma once
// A tradable instrument as described by reference data, plus the tick and
// lot conformance checks every order must pass.

#include "runtime/model/enums.hpp"
#include "runtime/model/fields.hpp"
#include "runtime/model/fixed_point.hpp"
#include "runtime/model/ids.hpp"

#include <caf/meta/type_name.hpp>

#include <string>
#include <vector>

namespace om {

struct instrument {
  instrument_id id;                  // refdata key, e.g. "AAPL.XNAS"
  std::string symbol;                // primary symbol, e.g. "AAPL"
  std::vector<std::string> aliases;  // e.g. "AAPL US", "AAPL.OQ"
  std::string name;                  // description
  asset_class cls = asset_class::equity;
  std::string exchange;              // MIC, e.g. "XNAS"
  std::string currency;              // ISO 4217, e.g. "USD"
  std::string sector;                // e.g. "Technology"; "FX" / "Index" for non-equities
  std::string country;               // ISO 3166 alpha-2
  price tick_size;                   // > 0
  quantity lot_size;                 // > 0
  quantity adv;                      // average daily volume, in quantity units
  price prev_close;                  // last close; 0 when unknown
  int64_t price_band_bps = 0;        // max deviation from reference price; 0 = none
  trading_status status = trading_status::active;

  OM_FIELDS("instrument", instrument, id, symbol, aliases, name, cls, exchange, currency,
            sector, country, tick_size, lot_size, adv, prev_close, price_band_bps, status)
};

/// errc::tick_size_violation unless `px` is a positive multiple of the tick.
caf::error check_tick(const instrument& inst, price px);

/// errc::lot_size_violation unless `qty` is a positive multiple of the lot.
caf::error check_lot(const instrument& inst, quantity qty);

/// errc::invalid_argument if `px` lies outside the instrument's price band
/// around `reference` (no band or no reference: always inside).
caf::error check_price_band(const instrument& inst, price reference, price px);

} // namespace om
