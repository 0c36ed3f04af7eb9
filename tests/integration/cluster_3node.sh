#!/usr/bin/env bash
# Three real nodes on 127.0.0.1 (free ports): gateway on n1, every risk shard
# on n2, the venues and the demo strategy on n3 (a remote strategy: it submits
# to n1's gateway over the network).
#   1. orders flow across the nodes; omctl topology shows every node, supervisor
#      and actor kind
#   2. SIGKILL n2 mid-flow: n1 notices at once, orders needing risk are
#      rejected naming the node, orders already working keep trading
#   3. restart n2 from its own data dir: risk state rebuilt, directory
#      re-points, trading resumes; the run ends with every order terminal
#   4. a second n2 is refused while n2 is up
#   5. SIGSTOP n2: detected by the heartbeat timeout; SIGCONT: it rejoins
#   6. ordermesh-check on n1's orders and n2's positions
# usage: cluster_3node.sh NODE OMCTL CHECK SOURCE_DIR
NODE=$1 OMCTL=$2 CHECK=$3 SRC=$4
. "$SRC/tests/integration/lib.sh"
cd "$SRC"
CFG="$WORK/cluster.toml"
cluster_config "$CFG" -e "s/^orders = 2000/orders = 5000/" -e "s/^rate = 500/rate = 400/"
declare -A PID
start() { # start NODE LOGNAME: background, log in $WORK/LOGNAME.log
  local n=$1 l=$2
  "$NODE" --config "$CFG" --node "$n" --hold > "$WORK/$l.out" 2> "$WORK/$l.log" &
  PID[$n]=$!
  PIDS+=("${PID[$n]}")
}
wait_log() { # wait_log FILE PATTERN SECONDS
  local i
  for i in $(seq 1 $(( $3 * 10 ))); do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
omj() { "$OMCTL" --node "127.0.0.1:$P1" --json "$@"; }
ms_now() { date +%s%3N; }
log_ms() { # log_ms FILE PATTERN: wall ms of the first matching log line
  python3 - "$1" "$2" <<'PY'
import sys, datetime
for line in open(sys.argv[1]):
    if sys.argv[2] in line:
        t = datetime.datetime.strptime(line[:26], "%Y-%m-%dT%H:%M:%S.%f")
        print(int(t.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)); break
PY
}

# -- 1. start and flow ----------------------------------------------------------
start n1 n1; start n2 n2; start n3 n3
for n in n1 n2 n3; do
  wait_log "$WORK/$n.log" "event=ready" 60 || { tail -20 "$WORK/$n.log"; fail "$n not ready"; }
done
wait_log "$WORK/n1.log" "node=n3 event=node_up" 30 || fail "n1 did not see n3 join"
wait_log "$WORK/n1.log" "node=n2 event=node_up" 30 || fail "n1 did not see n2 join"
# The demo on n3 starts once n1 sees every node: wait for order actors on n1.
for _ in $(seq 1 120); do
  omj topology --orders > "$WORK/topo1.json" || fail "omctl topology failed"
  [ "$(json "$WORK/topo1.json" "[c for n in j['nodes'] if n['id']=='n1' for c in n['tree']['children'] if c['name']=='orders'][0]['started'] > 200")" = True ] && break
  sleep 0.5
done
python3 - "$WORK/topo1.json" <<'PY' || fail "topology while all nodes are up"
import json, sys
j = json.load(open(sys.argv[1]))
nodes = {n["id"]: n for n in j["nodes"]}
assert set(nodes) == {"n1", "n2", "n3"}, nodes.keys()
assert all(n["state"] == "up" for n in nodes.values()), [(n["id"], n["state"]) for n in nodes.values()]
def names(t, out):
    out.add(t.get("name"))
    for c in t.get("children", []): names(c, out)
    return out
n1, n2, n3 = (names(nodes[i]["tree"], set()) for i in ("n1", "n2", "n3"))
assert {"node/n1", "directory", "store", "router", "post-trade", "orders", "gateway"} <= n1, n1
assert {"node/n2", "risk", "risk-AAPL.XNAS", "risk-EURUSD.FX"} <= n2, n2
assert "gateway" not in n2 and "orders" not in n2
assert {"node/n3", "venues", "venue-XSIM", "venue-FXSIM"} <= n3, n3
risk = [c for c in nodes["n2"]["tree"]["children"] if c["name"] == "risk"][0]
assert len(risk["children"]) == 35, len(risk["children"])  # every active instrument
assert all(c["state"] == "running" for c in risk["children"])
pool = [c for c in nodes["n1"]["tree"]["children"] if c["name"] == "orders"][0]
assert pool["started"] > 0, pool   # orders flowing through n1's order actors
# --orders: each live order actor listed (or counted unanswered if it ended meanwhile)
listed = len(pool["orders"]) + pool["by_state"].get("unanswered", 0)
assert listed == pool["live"], (listed, pool["live"])
assert sum(v for k, v in pool["by_state"].items() if k != "unanswered") == len(pool["orders"])
assert all(o["order_id"].startswith("O1-") and o["instrument"] for o in pool["orders"])
assert abs(nodes["n2"]["clock_offset_us"]) < 1e6
print("topology: 3 nodes up; n1 order actors started", pool["started"], "live", pool["live"], pool["by_state"])
PY
"$OMCTL" --node "127.0.0.1:$P1" topology > "$WORK/topo1.txt"
grep -q "risk-AAPL.XNAS \[permanent, running\]" "$WORK/topo1.txt" || fail "topology table"
# Any node's dashboard JSON shows the whole cluster: ask the risk-only n2.
curl -sf "http://127.0.0.1:$M2/api/cluster" > "$WORK/cluster_metrics.json" \
  || fail "n2 serves no /api/cluster"
python3 - "$WORK/cluster_metrics.json" <<'PY' || fail "n2's dashboard data does not cover the cluster"
import json, sys
j = json.load(open(sys.argv[1]))
nodes = {n["node"]: n for n in j["nodes"]}
assert j["asked"] == "n2" and j["nodes"][0]["node"] == "n2", (j["asked"], list(nodes))
assert set(nodes) == {"n1", "n2", "n3"}, (list(nodes), j["errors"])
assert nodes["n1"]["has_gateway"] and nodes["n1"]["orders"]["received"] > 0
assert not nodes["n2"]["has_gateway"]
assert {v["venue"] for v in nodes["n3"]["venues"] if v["hosted_here"]} >= {"XSIM", "FXSIM"}
assert {m["id"] for m in j["members"]} == {"n1", "n2", "n3"}
assert all(m["state"] == "up" for m in j["members"])
print("n2's dashboard: nodes", sorted(nodes), "n1 received", nodes["n1"]["orders"]["received"])
PY
# Each node exports its own part: n3 its venues, n2 its risk mailboxes and peers.
curl -sf "http://127.0.0.1:$M3/metrics" > "$WORK/n3.prom" || fail "n3 /metrics"
grep -q '^ordermesh_venue_orders_total{node="n3",venue="XSIM"}' "$WORK/n3.prom" \
  || fail "n3 exports no venue metrics"
curl -sf "http://127.0.0.1:$M2/metrics" > "$WORK/n2.prom" || fail "n2 /metrics"
grep -q '^ordermesh_mailbox_depth{node="n2",actor="risk"}' "$WORK/n2.prom" || fail "n2: no risk mailbox depth"
grep -q '^ordermesh_cluster_peer_up{node="n2",peer="n1"} 1' "$WORK/n2.prom" || fail "n2: peer n1 not up"
grep -q '^ordermesh_cluster_clock_offset_seconds{node="n2",peer="n3"}' "$WORK/n2.prom" || fail "n2: no clock offset"

# -- 2. SIGKILL n2 mid-flow -----------------------------------------------------
omj venues > "$WORK/venues_before.json"
KILL_MS=$(ms_now)
kill -9 "${PID[n2]}"
wait "${PID[n2]}" 2>/dev/null || true
wait_log "$WORK/n1.log" "node=n2 event=node_down" 10 || fail "n1 did not notice n2's death"
DOWN_MS=$(log_ms "$WORK/n1.log" "node=n2 event=node_down")
echo "n2 SIGKILLed: n1 noticed after $(( DOWN_MS - KILL_MS )) ms"
[ $(( DOWN_MS - KILL_MS )) -lt 1000 ] || fail "n2's death noticed too late"
sleep 2
omj nodes > "$WORK/nodes2.json"
[ "$(json "$WORK/nodes2.json" "[n['state'] for n in j['nodes'] if n['id']=='n2'][0]")" = down ] || fail "omctl nodes: n2 not down"
omj topology > "$WORK/topo2.json"
[ "$(json "$WORK/topo2.json" "[n['state'] for n in j['nodes'] if n['id']=='n2'][0]")" = down ] || fail "omctl topology: n2 not down"
[ "$(json "$WORK/topo2.json" "sorted(n['id'] for n in j['nodes'] if n['state']=='up')")" = "['n1', 'n3']" ] || fail "survivors not up"
grep -q "lives on node n2, which is unreachable" "$WORK/n1.log" || fail "no order rejected for the unreachable risk shard"
omj venues > "$WORK/venues_during.json"
python3 - "$WORK/venues_before.json" "$WORK/venues_during.json" <<'PY' || fail "working orders stopped trading while n2 was down"
import json, sys
f = lambda p: sum(v.get("fills", 0) for v in json.load(open(p))["venues"])
a, b = f(sys.argv[1]), f(sys.argv[2])
print("fills at n3's venues while n2 was down:", b - a)
assert b > a
PY
"$OMCTL" --node "127.0.0.1:$P1" risk AAPL > "$WORK/risk_down.txt" 2>&1 && fail "omctl risk answered for a dead shard"
grep -q "unreachable" "$WORK/risk_down.txt" || { cat "$WORK/risk_down.txt"; fail "omctl risk: no clear message"; }

# -- 3. restart n2 --------------------------------------------------------------
start n2 n2b
wait_log "$WORK/n2b.log" "node=n2 event=ready" 60 || { tail -20 "$WORK/n2b.log"; fail "n2 restart not ready"; }
wait_log "$WORK/n1.log" "node=n2 event=node_up incarnation=2" 30 || fail "n1 did not see n2 return"
grep -q "instrument=AAPL.XNAS event=restored orders=[1-9]" "$WORK/n2b.log" || fail "n2 did not rebuild AAPL from n1's orders"
omj risk AAPL > "$WORK/risk_up.json" || fail "omctl risk after the restart"
[ "$(json "$WORK/risk_up.json" "j['node']")" = n2 ] || fail "risk AAPL not on n2"
[ "$(json "$WORK/risk_up.json" "len(j['positions'])>0")" = True ] || fail "AAPL positions not restored"
# The demo runs on: wait for its summary (it waits for every order to end).
wait_log "$WORK/n3.log" "running; stop with" 120 || { tail -20 "$WORK/n3.log"; fail "demo did not finish"; }
python3 - "$WORK/n3.out" <<'PY' || fail "demo outcome"
import re, sys
out = open(sys.argv[1]).read()
print(out[:out.find("latency per stage")])
inv = re.search(r"invariants\s+overfills (\d+), rejects without reason (\d+), orders not terminal (\d+)", out)
assert inv and inv.groups() == ("0", "0", "0"), inv and inv.groups()
assert "real_time/node_unreachable" in out, "no node_unreachable rejects during the outage"
# Against n3's venues' own ledgers, across n2's loss and return.
rec = re.search(r"reconciliation\s+(\d+) orders against (\d+) venue executions: (\d+) breaks[^\n]*", out)
assert rec and int(rec.group(1)) > 500 and rec.group(3) == "0" and "PARTIAL" not in rec.group(0), rec and rec.group(0)
acc = int(re.search(r"accepted\s+(\d+)", out).group(1))
assert acc > 1000, acc
PY
omj orders --state filled > "$WORK/filled.json"
OID=$(json "$WORK/filled.json" "[o['order_id'] for n in j['nodes'] for o in n.get('orders',[])][-1]")
omj order "$OID" > "$WORK/order.json" || fail "omctl order $OID"
python3 - "$WORK/order.json" <<'PY' || fail "omctl order: history incomplete"
import json, sys
from decimal import Decimal
j = json.load(open(sys.argv[1]))
assert j["status"] == "filled" and j["node"] == "n1", j
stages = [s["stage"] for s in j["stages"]]
assert stages[0] == "received" and "risk_checked" in stages and "venue_acked" in stages, stages
fills = sum(Decimal(f["qty"]) for f in j["fills_journal"])
assert fills == Decimal(j["cum_qty"]) > 0, (fills, j["cum_qty"])
print("order", j["order_id"], "stages", len(stages), "fills", len(j["fills_journal"]))
PY
"$OMCTL" --node "127.0.0.1:$P3" order "$OID" > "$WORK/order_n3.txt" || fail "omctl order via n3"
grep -q "^fills:" "$WORK/order_n3.txt" || fail "omctl order table"
omj orders --state open > "$WORK/open.json"
[ "$(json "$WORK/open.json" "sum(len(n.get('orders',[])) for n in j['nodes'])")" = 0 ] || fail "open orders left"

omj kill-switch --strategy demo --operator it > "$WORK/kill.json" || fail "omctl kill-switch"
[ "$(json "$WORK/kill.json" "[g['node'] for g in j['gateways'] if 'error' not in g]")" = "['n1']" ] || { cat "$WORK/kill.json"; fail "kill switch did not reach n1's gateway"; }
omj kill-switch --strategy demo --resume > /dev/null || fail "omctl kill-switch --resume"
wait_log "$WORK/n1.log" "kind=kill_switch" 5 || fail "kill switch not audited on n1"

# -- 4. duplicate node id -------------------------------------------------------
set +e
"$NODE" --config "$CFG" --node n2 --data-dir "$WORK/dup" > /dev/null 2> "$WORK/dup.log"
RC=$?
set -e
[ "$RC" = 6 ] || { cat "$WORK/dup.log"; fail "a second n2 was not refused (rc $RC)"; }
grep -q "already running" "$WORK/dup.log" || fail "duplicate refusal message"

# -- 5. SIGSTOP n2 --------------------------------------------------------------
STOP_MS=$(ms_now)
kill -STOP "${PID[n2]}"
wait_log "$WORK/n1.log" "node=n2 event=node_down reason=\"connection_timeout\|node=n2 event=node_down" 10 || true
# the second node_down line for n2 in n1's log is this one
for _ in $(seq 1 100); do
  [ "$(grep -c "node=n2 event=node_down" "$WORK/n1.log")" -ge 2 ] && break
  sleep 0.1
done
[ "$(grep -c "node=n2 event=node_down" "$WORK/n1.log")" -ge 2 ] || { kill -CONT "${PID[n2]}"; fail "SIGSTOP of n2 not detected"; }
DOWN2_MS=$(python3 - "$WORK/n1.log" <<'PY'
import sys, datetime
ts = [l for l in open(sys.argv[1]) if "node=n2 event=node_down" in l]
t = datetime.datetime.strptime(ts[1][:26], "%Y-%m-%dT%H:%M:%S.%f")
print(int(t.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000))
PY
)
echo "n2 SIGSTOPped: n1 noticed after $(( DOWN2_MS - STOP_MS )) ms (connection timeout 1000 ms)"
[ $(( DOWN2_MS - STOP_MS )) -lt 4000 ] || fail "SIGSTOP detected too late"
omj nodes > "$WORK/nodes5.json"
[ "$(json "$WORK/nodes5.json" "[n['state'] for n in j['nodes'] if n['id']=='n2'][0]")" = down ] || fail "stopped n2 not shown down"
kill -CONT "${PID[n2]}"
for _ in $(seq 1 100); do
  omj nodes > "$WORK/nodes6.json" 2>/dev/null || true
  [ "$(json "$WORK/nodes6.json" "[n['state'] for n in j['nodes'] if n['id']=='n2'][0]" 2>/dev/null)" = up ] && break
  sleep 0.2
done
[ "$(json "$WORK/nodes6.json" "[n['state'] for n in j['nodes'] if n['id']=='n2'][0]")" = up ] || fail "n2 did not rejoin after SIGCONT"
omj topology > "$WORK/topo6.json"
[ "$(json "$WORK/topo6.json" "sorted(n['id'] for n in j['nodes'] if n['state']=='up')")" = "['n1', 'n2', 'n3']" ] || fail "not all up after SIGCONT"

# -- 6. stop and check durable state -------------------------------------------
for n in n1 n2 n3; do kill "${PID[$n]}"; done
for n in n1 n2 n3; do wait "${PID[$n]}" 2>/dev/null || true; done
"$OMCTL" --node "127.0.0.1:$P1" nodes > "$WORK/gone.txt" 2>&1 && fail "omctl answered with no node running"
grep -q "cannot reach node" "$WORK/gone.txt" || fail "omctl: unclear message for an unreachable node"
"$CHECK" --data-dir "$WORK/data/n1" --positions-dir "$WORK/data/n2" --all-terminal --json > "$WORK/check.json" \
  || { cat "$WORK/check.json"; fail "invariants across n1's orders and n2's positions"; }
echo "check: $(json "$WORK/check.json" "{k: j[k] for k in ('orders','fills','positions','position_mismatches','stale_reservations')}")"
echo "cluster 3 nodes: 1 passed, 0 failed"
