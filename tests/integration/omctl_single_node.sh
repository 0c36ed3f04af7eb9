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
[ "$R2" = 2 ] && grep -q "expected O<node>-<sequence>" "$WORK/e2" || { cat "$WORK/e2"; fail "bad order id"; }
[ "$R3" = 2 ] && grep -q "expected HOST:PORT" "$WORK/e3" || { cat "$WORK/e3"; fail "bad --node"; }
# Strict edges: ids with signs or past the id's bit widths (which used to
# map to another order), unknown states; an unknown id is named, not shown
# as a store key; global flags before or after the verb; errors as JSON.
set +e
for bad in "O+1-1" "O1--1" "O65537-1" "O1-281474976710657" "O1-1x"; do
  "$OMCTL" --node 127.0.0.1:$PORT order "$bad" > /dev/null 2> "$WORK/e4"; R=$?
  [ "$R" = 2 ] && grep -q "order id '$bad'" "$WORK/e4" || { cat "$WORK/e4"; fail "order id $bad accepted (rc $R)"; }
done
"$OMCTL" --node 127.0.0.1:$PORT orders --state fillled > /dev/null 2> "$WORK/e5"; R5=$?
"$OMCTL" order O1-999999 --node 127.0.0.1:$PORT --json > "$WORK/e6.json"; R6=$?
"$OMCTL" --json --node 127.0.0.1:$PORT order O+1-1 > "$WORK/e7.json"; R7=$?
set -e
[ "$R5" = 2 ] && grep -q "expected open or an order status" "$WORK/e5" || { cat "$WORK/e5"; fail "unknown state accepted"; }
[ "$R6" = 4 ] && [ "$(json "$WORK/e6.json" "j['error']['code']")" = not_found ] || { cat "$WORK/e6.json"; fail "unknown order: no JSON error"; }
grep -q "order O1-999999: no such order on node n1" "$WORK/e6.json" || fail "unknown order not named"
[ "$R7" = 2 ] && [ "$(json "$WORK/e7.json" "j['error']['code']")" = usage ] || { cat "$WORK/e7.json"; fail "usage error not JSON under --json"; }
# Listings are limited (newest first) and filtered by strategy.
"$OMCTL" orders --limit 5 --node 127.0.0.1:$PORT --json > "$WORK/lim.json" || fail "orders --limit"
[ "$(json "$WORK/lim.json" "len(j['nodes'][0]['orders']) == 5 and j['nodes'][0]['matched'] > 5")" = True ] || fail "--limit not applied"
[ "$(json "$WORK/lim.json" "[o['order_id'] for o in j['nodes'][0]['orders']] == sorted([o['order_id'] for o in j['nodes'][0]['orders']], key=lambda x: -int(x.split('-')[1]))")" = True ] || fail "not newest first"
"$OMCTL" --node 127.0.0.1:$PORT --json orders --strategy nobody > "$WORK/st.json" || fail "orders --strategy"
[ "$(json "$WORK/st.json" "j['nodes'][0]['matched']")" = 0 ] || fail "--strategy not applied"
"$OMCTL" --node 127.0.0.1:$PORT --json orders --strategy demo --limit 0 > "$WORK/st2.json" || fail "orders --strategy demo"
[ "$(json "$WORK/st2.json" "j['nodes'][0]['matched'] == len(j['nodes'][0]['orders']) > 400")" = True ] || fail "--limit 0 is not everything"
# The kill switch is durable: halted, the node restarts and still refuses
# every order (restored before the first one), and omctl shows the halt.
$O kill-switch --operator alice --reason "integration test" > "$WORK/ks.json" || fail "omctl kill-switch"
[ "$(json "$WORK/ks.json" "j['halt'] and all(g['durable'] for g in j['gateways']) and len(j['gateways']) == 1")" = True ] || { cat "$WORK/ks.json"; fail "halt not durable"; }
$O halts > "$WORK/halts.json" || fail "omctl halts"
[ "$(json "$WORK/halts.json" "[(h['scope'], h['by']) for g in j['gateways'] for h in g['halts']]")" = "[('*', 'alice')]" ] || { cat "$WORK/halts.json"; fail "omctl halts"; }
# SIGTERM stops the node through its lifecycle: logged, exit 0.
kill -TERM "$PID"
set +e; wait "$PID"; RC=$?; set -e
[ "$RC" = 0 ] || { tail "$WORK/node.log"; fail "SIGTERM: exit $RC, not 0"; }
grep -q "event=shutdown signal=SIGTERM" "$WORK/node.log" || fail "shutdown not logged"
grep -q "event=stopped rc=0" "$WORK/node.log" || fail "stop not logged"
"$NODE" --config "$WORK/node.toml" --data-dir "$WORK/n1" --orders 40 --rate 2000 --json --hold \
  > "$WORK/out2.json" 2> "$WORK/node2.log" &
PID=$!
PIDS+=("$PID")
for _ in $(seq 1 300); do
  grep -q "running; stop with" "$WORK/node2.log" && break
  sleep 0.1
done
grep -q "running; stop with" "$WORK/node2.log" || { tail "$WORK/node2.log"; fail "second run did not finish"; }
grep -q "event=halt_restored" "$WORK/node2.log" || fail "halt not restored at start-up"
python3 - "$WORK/out2.json" <<'PY' || { cat "$WORK/out2.json"; fail "orders traded after a restart under a halt"; }
import json, sys
j = json.load(open(sys.argv[1]))
ks = sum(n for k, n in j["rejects"].items() if k.endswith("/kill_switch"))
assert j["fills"] == 0 and j["accepted"] == 0, (j["fills"], j["accepted"])
# Every well-formed, non-duplicate order met the halt.
assert ks > 0 and ks >= j["orders_sent"] - j["bad_orders_sent"] - j["duplicates"], (ks, j["rejects"])
PY
$O halts > "$WORK/halts2.json" || fail "omctl halts after the restart"
[ "$(json "$WORK/halts2.json" "len(j['gateways'][0]['halts'])")" = 1 ] || fail "halt not shown after the restart"
$O kill-switch --resume --operator alice > /dev/null || fail "resume"
$O controls > "$WORK/halts3.json" || fail "omctl controls after resume"
[ "$(json "$WORK/halts3.json" "len(j['gateways'][0]['halts'])")" = 0 ] || fail "resume did not lift the halt"
[ "$(json "$WORK/halts3.json" "[b['open'] for b in j['gateways'][0]['breakers']].count(True)")" = 0 ] \
  || { cat "$WORK/halts3.json"; fail "omctl controls: a breaker open or the list missing"; }
kill -INT "$PID"
set +e; wait "$PID"; RC=$?; set -e
[ "$RC" = 0 ] && grep -q "event=shutdown signal=SIGINT" "$WORK/node2.log" || fail "SIGINT: exit $RC"
echo "omctl single node: 1 passed, 0 failed"
