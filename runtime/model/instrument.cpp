#include "runtime/model/instrument.hpp"

namespace om {

caf::error check_tick(const instrument& inst, price px) {
  if (!px.is_positive())
    return make_error(errc::tick_size_violation,
                      "price " + to_string(px) + " for " + inst.id.value + " must be positive");
  if (!px.is_multiple_of(inst.tick_size))
    return make_error(errc::tick_size_violation,
                      "price " + to_string(px) + " is not a multiple of tick size "
                        + to_string(inst.tick_size) + " for " + inst.id.value);
  return caf::none;
}

caf::error check_lot(const instrument& inst, quantity qty) {
  if (!qty.is_positive())
    return make_error(errc::lot_size_violation,
                      "quantity " + to_string(qty) + " for " + inst.id.value + " must be positive");
  if (!qty.is_multiple_of(inst.lot_size))
    return make_error(errc::lot_size_violation,
                      "quantity " + to_string(qty) + " is not a multiple of lot size "
                        + to_string(inst.lot_size) + " for " + inst.id.value);
  return caf::none;
}

caf::error check_price_band(const instrument& inst, price reference, price px) {
  if (inst.price_band_bps <= 0 || !reference.is_positive())
    return caf::none;
  // |px - ref| * 10000 <= ref * band, exactly in 128 bits.
  int128 diff = static_cast<int128>(px.raw) - reference.raw;
  if (diff < 0)
    diff = -diff;
  if (diff * 10000 > static_cast<int128>(reference.raw) * inst.price_band_bps)
    return make_error(errc::invalid_argument,
                      "price " + to_string(px) + " is outside the "
                        + std::to_string(inst.price_band_bps) + " bps band around "
                        + to_string(reference) + " for " + inst.id.value);
  return caf::none;
}

} // namespace om
