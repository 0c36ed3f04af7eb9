#!/usr/bin/env bash
# omctl against a single node: with [network] cluster_port set, the node
# publishes its agent and every omctl view works without a cluster.
# usage: omctl_single_node.sh NODE OMCTL SOURCE_DIR
NODE=$1 OMCTL=$2 SRC=$3
. "$SRC/tests/integration/lib.sh"
cd "$SRC"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed -e "s/^cluster_port = 0 .*/cluster_port = $PORT/" config/single-node.toml > "$WORK/node.toml"
grep -q "cluster_port = $PORT" "$WORK/node.toml" || fail "could not set cluster_port"
"$NODE" --config "$WORK/node.toml" --data-dir "$WORK/n1" --fresh --orders 500 --rate 2000 --hold \
  > "$WORK/out.txt" 2> "$WORK/node.log" &
PID=$!
PIDS+=("$PID")
for _ in $(seq 1 300); do
  grep -q "running; stop with" "$WORK/node.log" && break
  sleep 0.1
done
grep -q "running; stop with" "$WORK/node.log" || { tail "$WORK/node.log"; fail "demo did not finish"; }
O="$OMCTL --node 127.0.0.1:$PORT --json"
$O topology > "$WORK/topo.json" || fail "omctl topology"
python3 - "$WORK/topo.json" <<'PY' || fail "single-node topology"
import json, sys
j = json.load(open(sys.argv[1]))
assert [n["id"] for n in j["nodes"]] == ["n1"], j["nodes"]
n = j["nodes"][0]
assert n["state"] == "up" and n["self"] and set(n["roles"]) == {"gateway", "risk", "venue", "strategy"}
kids = {c["name"]: c for c in n["tree"]["children"]}
assert {"directory", "store", "risk", "venues", "router", "post-trade", "orders", "gateway"} <= set(kids), kids.keys()
assert kids["orders"]["started"] >= 400 and kids["orders"]["live"] == 0, kids["orders"]
assert len(kids["venues"]["children"]) == 4
PY
$O venues > "$WORK/venues.json" || fail "omctl venues"
[ "$(json "$WORK/venues.json" "sorted(v['venue'] for v in j['venues'] if v['state']=='up')")" = "['DARKX', 'FXSIM', 'LITX', 'XSIM']" ] || fail "venues"
$O risk "MSFT US" > "$WORK/risk.json" || fail "omctl risk by alias"
[ "$(json "$WORK/risk.json" "j['instrument']")" = MSFT.XNAS ] || fail "risk alias"
$O orders --state filled > "$WORK/orders.json" || fail "omctl orders"
OID=$(json "$WORK/orders.json" "j['nodes'][0]['orders'][0]['order_id']")
$O order "$OID" > "$WORK/order.json" || fail "omctl order"
[ "$(json "$WORK/order.json" "j['status']")" = filled ] || fail "omctl order status"
# Bad input: clear errors and distinct exit codes.
set +e
"$OMCTL" --node 127.0.0.1:$PORT risk NOPE.XX > /dev/null 2> "$WORK/e1"; R1=$?
"$OMCTL" --node 127.0.0.1:$PORT order banana > /dev/null 2> "$WORK/e2"; R2=$?
"$OMCTL" --node 127.0.0.1 nodes > /dev/null 2> "$WORK/e3"; R3=$?
set -e
[ "$R1" = 4 ] && grep -q "unknown_symbol" "$WORK/e1" || { cat "$WORK/e1"; fail "unknown symbol"; }
[ "$R2" = 4 ] && grep -q "expected O<node>-<sequence>" "$WORK/e2" || { cat "$WORK/e2"; fail "bad order id"; }
[ "$R3" = 2 ] && grep -q "expected HOST:PORT" "$WORK/e3" || { cat "$WORK/e3"; fail "bad --node"; }
kill "$PID"
echo "omctl single node: 1 passed, 0 failed"
