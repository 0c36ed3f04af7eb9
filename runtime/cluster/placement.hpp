#pragma once
// Where things live in a cluster (DESIGN.md "Placement and cluster"):
// risk shards by instrument on a consistent-hash ring over the risk nodes
// (explicit pins win), venues on the node their [[venue]] names, order
// actors on the gateway node that accepted the order. Pure and
// deterministic: every node computes the same answer from the same file.

#include "runtime/config/config.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace om {

/// FNV-1a 64 followed by a 64-bit finalizer (splitmix): stable across
/// processes, builds and platforms, unlike std::hash.
uint64_t stable_hash(std::string_view text);

class placement {
public:
  placement() = default;

  /// Ring over `risk_nodes` with `virtual_nodes` points each.
  placement(std::vector<std::string> risk_nodes, uint32_t virtual_nodes,
            std::map<std::string, std::string> pins);

  /// From a cluster configuration (nodes with the risk role, pins).
  static placement from(const cluster_section& c);

  /// The node owning the risk shard of `instrument` (pins first).
  const std::string& risk_node(const std::string& instrument) const;

  /// True if `instrument` is pinned rather than hashed.
  bool pinned(const std::string& instrument) const;

  const std::vector<std::string>& risk_nodes() const { return nodes_; }

private:
  std::vector<std::string> nodes_;
  std::vector<std::pair<uint64_t, uint32_t>> ring_; // point -> index in nodes_
  std::map<std::string, std::string> pins_;
};

} // namespace om
