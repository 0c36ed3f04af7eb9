#pragma once
// ordermesh error codes: one enum for the whole project, registered with CAF
// as the error category "ordermesh" so errors cross node boundaries and render
// readably. Handlers never throw: failures are caf::error values made with
// om::make_error(code, detail), where detail names the field/key and why.

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/expected.hpp>
#include <caf/fwd.hpp>

#include <cstdint>
#include <string>

namespace om {

enum class errc : uint8_t {
  ok = 0,
  // -- input / parsing ------------------------------------------------------
  invalid_argument = 1,   // a value is out of range or malformed
  parse_error,            // a text value could not be parsed
  // -- model ----------------------------------------------------------------
  illegal_transition,     // order event not allowed in the current state
  overfill,               // fill would take cumulative qty above order qty
  tick_size_violation,    // price not a multiple of the tick size
  lot_size_violation,     // quantity not a multiple of the lot size
  // -- refdata --------------------------------------------------------------
  unknown_symbol,
  ambiguous_symbol,
  inactive_instrument,
  refdata_invalid,        // reference data file rejected
  // -- config ---------------------------------------------------------------
  config_invalid,         // file, key and reason in the detail
  // -- store ----------------------------------------------------------------
  store_open_failed,
  store_write_failed,     // outcome unknown: the write may or may not have landed
  store_read_failed,
  stale_write,            // fencing: incarnation/sequence older than stored
  corrupt_record,         // stored bytes fail to parse; detail names the key
  not_found,
  already_exists,
  already_owned,          // a column family already has its single writer
  // -- supervision ----------------------------------------------------------
  child_start_failed,
  restart_intensity_exceeded,
  unknown_child,
  supervisor_shutting_down,
  actor_exception,        // an actor threw; the detail keeps what()
  not_supported,          // request not valid for this actor/configuration
  // -- cluster --------------------------------------------------------------
  node_unreachable,       // the node hosting a service is down or not joined
  duplicate_node,         // a node with this id is already up in the cluster
  // -- data directory (appended: codes above keep their numbers) -----------
  data_dir_locked,        // another process holds the data dir's lock; detail names dir and pid
  not_a_data_dir,         // a non-empty directory without ordermesh's marker
  store_corrupt,          // RocksDB reported Corruption; detail names the file when known
  no_store,               // the directory holds no store (nothing to inspect)
};

/// Stable lowercase name of a code, e.g. "stale_write".
const char* to_string(errc x);

/// The CAF error category atom for ordermesh errors.
constexpr caf::atom_value error_category = caf::atom("ordermesh");

/// Makes an ordermesh error carrying a human-readable detail.
caf::error make_error(errc code, std::string detail);

/// Returns the ordermesh code of `err`, or errc::ok if `err` is empty, or
/// errc::invalid_argument if it belongs to another category.
errc code_of(const caf::error& err);

/// Returns the detail text attached by make_error (empty if none).
std::string detail_of(const caf::error& err);

/// Renders "code: detail" for any error (CAF's own categories included).
std::string describe(const caf::error& err);

/// Registers the "ordermesh" error category renderer with a CAF config.
void add_error_category(caf::actor_system_config& cfg);

} // namespace om
