#pragma once
// Names in a node configuration that point at something the configuration
// does not define itself: instruments (owned by reference data) and the
// venue kinds this build can start. A name that matches nothing would
// silently have no effect (a restricted instrument that trades, a limit
// that never applies), so each is refused at start-up naming the file, the
// key and the value. Nothing is resolved implicitly: instrument keys are
// exact instrument ids; a symbol, alias or different case is refused with
// the id it resolves to, so the operator writes what the desk will use.
//
// Pure: no I/O beyond the arguments.

#include "runtime/config/config.hpp"

#include <caf/error.hpp>

namespace om {

class refdata_set;

/// Instrument ids in risk.instrument.*, risk.restricted, routing rules and
/// cluster pins must be ids in `refdata`; demo symbols must resolve.
/// Errors: errc::config_invalid "<file>: <key>: <reason>".
caf::error check_instrument_names(const node_config& cfg, const refdata_set& refdata);

/// Every [[venue]] has a kind this build can start. Errors as above.
caf::error check_venue_kinds(const node_config& cfg);

/// Both checks, in that order: what ordermesh-node and ordermesh-bench run
/// before they open the store.
caf::error check_references(const node_config& cfg, const refdata_set& refdata);

} // namespace om
