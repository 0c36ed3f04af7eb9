#include "runtime/cluster/placement.hpp"

#include <algorithm>

namespace om {

uint64_t stable_hash(std::string_view text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  // FNV alone clusters similar short keys ("n1#1", "n1#2"); mix the bits.
  h += 0x9e3779b97f4a7c15ull;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

placement::placement(std::vector<std::string> risk_nodes, uint32_t virtual_nodes,
                     std::map<std::string, std::string> pins)
  : nodes_(std::move(risk_nodes)), pins_(std::move(pins)) {
  for (uint32_t i = 0; i < nodes_.size(); ++i)
    for (uint32_t v = 0; v < virtual_nodes; ++v)
      ring_.emplace_back(stable_hash(nodes_[i] + "#" + std::to_string(v)), i);
  std::sort(ring_.begin(), ring_.end());
}

placement placement::from(const cluster_section& c) {
  std::vector<std::string> risk;
  for (auto& m : c.nodes)
    if (m.has(node_role::risk))
      risk.push_back(m.id);
  return placement{std::move(risk), c.virtual_nodes, c.pins};
}

const std::string& placement::risk_node(const std::string& instrument) const {
  static const std::string none;
  if (auto i = pins_.find(instrument); i != pins_.end())
    return i->second;
  if (ring_.empty())
    return none;
  auto h = stable_hash(instrument);
  auto i = std::lower_bound(ring_.begin(), ring_.end(), std::make_pair(h, uint32_t{0}));
  if (i == ring_.end())
    i = ring_.begin(); // wrap around
  return nodes_[i->second];
}

bool placement::pinned(const std::string& instrument) const {
  return pins_.count(instrument) > 0;
}

} // namespace om
