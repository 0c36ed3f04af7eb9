#include "runtime/model/ids.hpp"

namespace om {

std::string to_string(order_id x) {
  return "O" + std::to_string(x.node()) + "-" + std::to_string(x.sequence());
}

} // namespace om
