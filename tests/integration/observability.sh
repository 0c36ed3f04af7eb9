#!/usr/bin/env bash
# Observability with the real parts: a node serving /metrics and its
# dashboard, a real Prometheus scraping it with the shipped rules, a real
# Alertmanager routing on severity to a webhook receiver run here, and
# headless Chromium loading the dashboard. None of them is optional: if
# Prometheus, Alertmanager or the browser cannot start, the test fails.
#
#   1. a known order flow: Prometheus's HTTP API returns the counters and
#      histogram counts the strategy itself saw;
#   2. a burst of bad orders fires the non-paging reject alert, and nothing
#      pages;
#   3. a venue that stops acknowledging fires the paging alert;
#   4. the dashboard in Chromium shows this node's figures (DOM checks) and
#      leaves a screenshot (kept in $OM_ARTIFACTS, default build/artifacts).
# usage: observability.sh NODE VENUE SOURCE_DIR [ARTIFACT_DIR]
NODE=$1 VENUE=$2 SRC=$3 ARTIFACTS=${4:-${OM_ARTIFACTS:-$SRC/build/artifacts}}
. "$SRC/tests/integration/lib.sh"
cd "$SRC"

PROMETHEUS=$(command -v prometheus) || fail "prometheus is not installed (tools/deps.sh installs it)"
ALERTMANAGER=$(command -v prometheus-alertmanager) || fail "prometheus-alertmanager is not installed"
PROMTOOL=$(command -v promtool) || fail "promtool is not installed (package prometheus)"
CHROMIUM=$(command -v chromium) || fail "chromium is not installed"

free_ports() {
  python3 - "$1" <<'PY'
import socket, sys
ss = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])
PY
}
read -r MPORT PPORT APORT WPORT VPA VPB < <(free_ports 6)

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.5 s.
wait_for() {
  local secs=$1 what=$2; shift 2
  local end=$((SECONDS + secs))
  while [ $SECONDS -lt $end ]; do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  fail "timed out after ${secs}s waiting for $what"
}

# prom EXPR: the value of an instant query (one series), or "none".
prom() {
  curl -sf --get "http://127.0.0.1:$PPORT/api/v1/query" --data-urlencode "query=$1" \
    | python3 -c 'import json,sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if len(r) == 1 else ("none" if not r else "many:%d" % len(r)))'
}
prom_is() { [ "$(prom "$1")" = "$2" ]; }
# metric NAME_WITH_LABELS: the value on the node's own /metrics.
metric() {
  curl -sf "http://127.0.0.1:$MPORT/metrics" | python3 -c 'import sys
want, found = sys.argv[1], "none"
for line in sys.stdin:  # reads everything: curl must not see a closed pipe
    if line.startswith(want + " ") and found == "none":
        found = line.split()[1]
print(found)' "$1"
}

# --- the shipped rules are valid, and behave as documented -------------------
"$PROMTOOL" check rules config/ordermesh-alerts.yml > "$WORK/promtool.out" \
  || { cat "$WORK/promtool.out"; fail "config/ordermesh-alerts.yml does not load"; }
"$PROMTOOL" test rules tests/integration/ordermesh-alerts.test.yml > "$WORK/promtool-test.out" 2>&1 \
  || { cat "$WORK/promtool-test.out"; fail "alert rule unit tests"; }
echo "ok: alert rules load and pass their promtool unit tests"

# --- webhook receiver: every notification body appended to a file ------------
cat > "$WORK/receiver.py" <<'PY'
import http.server, json, sys
port, out = int(sys.argv[1]), sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(out, "a") as f:
            f.write(json.dumps({"path": self.path, "body": json.loads(body)}) + "\n")
        self.send_response(200); self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
PY
python3 "$WORK/receiver.py" "$WPORT" "$WORK/notifications.jsonl" 2> "$WORK/receiver.err" &
PIDS+=($!)

# --- Alertmanager: severity=page to /page, everything else to /ticket --------
cat > "$WORK/alertmanager.yml" <<EOF
route:
  receiver: ticket
  group_by: [alertname, node]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - matchers: ['severity="page"']
      receiver: page
receivers:
  - name: page
    webhook_configs: [{url: "http://127.0.0.1:$WPORT/page", send_resolved: false}]
  - name: ticket
    webhook_configs: [{url: "http://127.0.0.1:$WPORT/ticket", send_resolved: false}]
EOF
"$ALERTMANAGER" --config.file="$WORK/alertmanager.yml" --storage.path="$WORK/am" \
  --web.listen-address="127.0.0.1:$APORT" --cluster.listen-address="" \
  > "$WORK/alertmanager.log" 2>&1 &
PIDS+=($!)
wait_for 30 "Alertmanager to start" curl -sf "http://127.0.0.1:$APORT/-/ready" \
  || { tail "$WORK/alertmanager.log"; fail "alertmanager did not start"; }

# --- Prometheus: scrapes the node every second, evaluates the shipped rules --
cat > "$WORK/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: ["$SRC/config/ordermesh-alerts.yml"]
alerting:
  alertmanagers: [{static_configs: [{targets: ["127.0.0.1:$APORT"]}]}]
scrape_configs:
  - job_name: ordermesh
    static_configs: [{targets: ["127.0.0.1:$MPORT"]}]
EOF
"$PROMETHEUS" --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address="127.0.0.1:$PPORT" > "$WORK/prometheus.log" 2>&1 &
PIDS+=($!)
wait_for 60 "Prometheus to start" curl -sf "http://127.0.0.1:$PPORT/-/ready" \
  || { tail "$WORK/prometheus.log"; fail "prometheus did not start"; }

# start_node NAME CONFIG ARGS...: a held node; PID in NODE_PID.
start_node() {
  local name=$1 cfg=$2; shift 2
  "$NODE" --config "$cfg" --data-dir "$WORK/d-$name" --hold --json "$@" \
    > "$WORK/$name.json" 2> "$WORK/$name.log" &
  NODE_PID=$!; PIDS+=("$NODE_PID")
  wait_for 60 "node $name to serve metrics" grep -q "event=http_serving\|dashboard http" "$WORK/$name.log" \
    || { tail "$WORK/$name.log"; fail "node $name did not serve"; }
}
stop_node() { kill "$NODE_PID" 2>/dev/null || true; wait "$NODE_PID" 2>/dev/null || true; }
demo_done() { grep -q "running; stop with" "$WORK/$1.log"; }

sed -e "s/^metrics_port = 0 .*/metrics_port = $MPORT/" config/single-node.toml > "$WORK/sim.toml"

# --- 1. a known flow, read back through Prometheus ----------------------------
start_node flow "$WORK/sim.toml" --orders 600 --rate 600 --seed 11
wait_for 120 "the demo to finish" demo_done flow || { tail "$WORK/flow.log"; fail "demo did not finish"; }
J=$WORK/flow.json
sent=$(json "$J" "j['orders_sent']")
fills=$(json "$J" "j['fills']")
ended=$(json "$J" "sum(v for k, v in j['final_states'].items())")
[ "$sent" = 600 ] || fail "the strategy sent $sent orders, not 600"
# Prometheus has scraped the node's last state once these agree.
wait_for 30 "Prometheus to see all $sent orders" prom_is 'ordermesh_orders_received_total{node="n1"}' "$sent"
started=$(metric 'ordermesh_orders_accepted_total{node="n1"}')
[ "$(prom 'ordermesh_fills_total{node="n1"}')" = "$fills" ] \
  || fail "fills: Prometheus $(prom 'ordermesh_fills_total') != strategy $fills"
[ "$(prom 'sum(ordermesh_orders_finished_total{node="n1"})')" = "$started" ] \
  || fail "finished $(prom 'sum(ordermesh_orders_finished_total)') != accepted $started"
# Every order received was accepted, a duplicate, or rejected before an
# order actor started (intake and risk); later rejects (venue) are finished.
pre=$(prom 'sum(ordermesh_orders_rejected_total{node="n1",stage=~"syntax|idempotency|business|real_time"})')
dups=$(prom 'ordermesh_orders_duplicate_total{node="n1"}')
[ $((started + dups + pre)) = "$sent" ] \
  || fail "received $sent != accepted $started + duplicates $dups + early rejects $pre"
# Histogram counts: every accepted order has one received -> done sample,
# and the +Inf bucket holds them all.
[ "$(prom 'ordermesh_stage_latency_seconds_count{node="n1",from="received",to="done"}')" = "$started" ] \
  || fail "received->done count $(prom 'ordermesh_stage_latency_seconds_count{from="received",to="done"}') != $started"
[ "$(prom 'ordermesh_stage_latency_seconds_bucket{node="n1",from="received",to="done",le="+Inf"}')" = "$started" ] \
  || fail "+Inf bucket != count"
# Buckets are cumulative and a quantile can be computed from them.
q=$(prom 'histogram_quantile(0.5, ordermesh_stage_latency_seconds_bucket{node="n1",from="received",to="risk_checked"})')
python3 -c "import sys; q=float('$q'); sys.exit(0 if 0 < q < 1 else 1)" || fail "median received->risk_checked $q s"
[ "$(prom 'ordermesh_risk_check_seconds_count{node="n1"}')" != none ] || fail "no risk-check histogram"
[ "$(prom 'sum(ordermesh_venue_orders_total{node="n1"})')" != 0 ] || fail "no venue orders"
[ "$(prom 'ordermesh_orders_live{node="n1"}')" = 0 ] || fail "orders still live after the demo"
[ "$(prom 'count(ordermesh_mailbox_depth{node="n1"})')" -ge 5 ] || fail "mailbox depths missing"
echo "ok: Prometheus sees $sent orders, $started accepted, $fills fills, histograms consistent"

# --- 4 (while this node is up). The dashboard in headless Chromium ------------
mkdir -p "$ARTIFACTS"
chrome() {
  timeout 90 "$CHROMIUM" --headless=new --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$WORK/chrome" --window-size=1400,1100 --virtual-time-budget=6000 "$@" \
    2>> "$WORK/chromium.log"
}
chrome --dump-dom "http://127.0.0.1:$MPORT/" > "$WORK/dom.html" \
  || { tail "$WORK/chromium.log"; fail "chromium could not load the dashboard"; }
python3 - "$WORK/dom.html" "$sent" "$fills" "$started" <<'PY' || fail "dashboard DOM checks"
import re, sys, html.parser
dom, sent, fills, started = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3], int(sys.argv[4])
class P(html.parser.HTMLParser):
    def __init__(s):
        super().__init__(); s.ids = {}; s.metrics = {}; s.stack = []; s.rows = {}
    def handle_starttag(s, tag, attrs):
        a = dict(attrs); s.stack.append((a.get("id"), a.get("data-metric")))
        if a.get("data-venue"): s.rows[a["data-venue"]] = True
    def handle_endtag(s, tag):
        if s.stack: s.stack.pop()
    def handle_data(s, d):
        if s.stack:
            i, m = s.stack[-1]
            if i: s.ids[i] = s.ids.get(i, "") + d
            if m: s.metrics[m] = s.metrics.get(m, "") + d
p = P(); p.feed(dom)
num = lambda t: int(t.replace(",", "").strip())
errs = []
def check(c, msg):
    if not c: errs.append(msg)
check(p.ids.get("status", "").strip() == "live", "status is %r" % p.ids.get("status"))
check(num(p.ids.get("received", "0")) == int(sent), "received %r != %s" % (p.ids.get("received"), sent))
check(num(p.ids.get("fills", "0")) == int(fills), "fills %r != %s" % (p.ids.get("fills"), fills))
check(p.ids.get("order-rate", "-").strip() != "-", "no order rate (needs two polls)")
rejects = [k for k in p.metrics if k.startswith("reject:")]
check(len(rejects) >= 3, "reject breakdown has %d rows" % len(rejects))
stage = p.metrics.get("stage:received → done")
check(stage is not None and num(stage) == started, "stage received→done shows %r, want %d" % (stage, started))
for v in ("XSIM", "LITX", "FXSIM"):
    check(v in p.rows, "venue %s missing from the matrix" % v)
    check(num(p.metrics.get("venue-orders:" + v, "0")) > 0, "venue %s shows no orders" % v)
    for w in ("1h", "24h", "7d"):
        check("%" in p.metrics.get("venue-fill-rate:%s:%s" % (v, w), ""), "venue %s has no %s fill rate" % (v, w))
        check(num(p.metrics.get("venue-legs:%s:%s" % (v, w), "0")) > 0, "venue %s has no legs in %s" % (v, w))
check("error-ticker" in dom and "error-none" in p.ids, "no error ticker")
check("restarts:risk" in p.metrics, "topology does not list the risk supervisor")
check('data-node="n1"' in dom, "topology does not show node n1")
if errs:
    print("\n".join(errs)); sys.exit(1)
print("dashboard: received %s, fills %s, %d reject rows, 3 venues, topology n1" % (sent, fills, len(rejects)))
PY
echo "ok: the dashboard shows the node's figures in Chromium"

# The venue matrix survives a restart: same data dir, no new orders.
windows() { # windows FILE: "venue window legs filled fills" lines, sorted
  curl -sf "http://127.0.0.1:$MPORT/api/cluster" | python3 -c 'import json, sys
j = json.load(sys.stdin)
for v in j["nodes"][0]["venues"]:
    for w, x in sorted(v.get("windows", {}).items()):
        print(v["venue"], w, x["legs"], x["filled_legs"], x["fills"])' | sort > "$1"
}
windows "$WORK/windows-before.txt"
[ "$(wc -l < "$WORK/windows-before.txt")" -ge 9 ] || { cat "$WORK/windows-before.txt"; fail "venue matrix incomplete"; }
sleep 6 # one persist interval (5 s), then a clean stop persists the rest
stop_node
"$NODE" --config "$WORK/sim.toml" --data-dir "$WORK/d-flow" --no-demo --hold \
  > "$WORK/flow2.out" 2> "$WORK/flow2.log" &
NODE_PID=$!; PIDS+=("$NODE_PID")
wait_for 60 "the restarted node to serve" grep -q "dashboard http" "$WORK/flow2.log"
wait_for 30 "the stored venue matrix to load" grep -q "event=venue_stats_loaded" "$WORK/flow2.log"
windows "$WORK/windows-after.txt"
diff "$WORK/windows-before.txt" "$WORK/windows-after.txt" \
  || fail "the venue matrix changed across a restart"
legs=$(awk '$2 == "1h" { n += $3 } END { print n }' "$WORK/windows-after.txt")
[ "$legs" -gt 0 ] || fail "no legs in the restored matrix"
stop_node
echo "ok: the venue matrix (1h/24h/7d) survived a restart: $legs legs in the last hour"

# --- 2. a burst of bad orders: a ticket, never a page --------------------------
sed -i -e "s/^bad_ratio = .*/bad_ratio = 0.7/" "$WORK/sim.toml"
start_node burst "$WORK/sim.toml" --orders 4000 --rate 60 --seed 12
# While orders flow: the page shows a live rate and fills its heatmap.
sleep 8
# Virtual time runs ahead of the node's clock: a long budget gives the page
# enough polls to span real time with orders in it.
chrome --virtual-time-budget=30000 --dump-dom "http://127.0.0.1:$MPORT/" > "$WORK/dom-live.html" \
  || fail "chromium (live)"
chrome --screenshot="$ARTIFACTS/dashboard.png" "http://127.0.0.1:$MPORT/" > /dev/null \
  || fail "chromium screenshot"
[ -s "$ARTIFACTS/dashboard.png" ] || fail "no screenshot"
python3 - "$WORK/dom-live.html" <<'PY' || fail "live dashboard checks"
import re, sys
dom = open(sys.argv[1]).read()
rate = re.search(r'id="order-rate">([^<]*)<', dom).group(1)
cells = re.search(r'id="heatmap"[^>]*data-cells="(\d+)"', dom)
errs = []
if rate in ("-", "0.0"): errs.append("order rate %r while orders flow" % rate)
if not cells or int(cells.group(1)) == 0: errs.append("the latency heatmap drew nothing")
if errs: print("\n".join(errs)); sys.exit(1)
print("live dashboard: %s orders/s, %s heatmap cells" % (rate, cells.group(1)))
PY
got_ticket() { grep -q '"path": "/ticket".*OrdermeshRejectSpike' "$WORK/notifications.jsonl"; }
wait_for 120 "the reject-spike ticket" got_ticket
if grep -q '"path": "/page"' "$WORK/notifications.jsonl"; then
  fail "a burst of bad orders paged: $(grep '/page' "$WORK/notifications.jsonl" | head -1)"
fi
worst=$(prom 'max_over_time(ordermesh_orders_unacked_oldest_seconds{node="n1"}[5m])')
python3 -c "import sys; sys.exit(0 if float('$worst') < 5 else 1)" \
  || fail "orders waited $worst s for an acknowledgement during the burst"
firing_pages=$(prom 'count(ALERTS{alertstate="firing",severity="page"})')
[ "$firing_pages" = none ] || fail "paging alerts firing during the bad-order burst: $firing_pages"
stop_node
echo "ok: the bad-order burst raised OrdermeshRejectSpike as a ticket and paged nobody"

# --- 3. a venue that stops acknowledging pages ---------------------------------
"$VENUE" --port "$VPA" --dictionary-dir config/fix --seed 3 --session 'FIX.4.4:FIXA->DESK' \
  --fault-silent-after 10 > "$WORK/va.out" 2> "$WORK/va.err" &
PIDS+=($!)
"$VENUE" --port "$VPB" --dictionary-dir config/fix --seed 3 --session 'FIX.4.2:FIXB->DESK' \
  > "$WORK/vb.out" 2> "$WORK/vb.err" &
PIDS+=($!)
wait_for 20 "the venues to listen" grep -q "event=listening" "$WORK/va.err"
wait_for 20 "the venues to listen" grep -q "event=listening" "$WORK/vb.err"
sed -e "s/^port = 9881/port = $VPA/" -e "s/^port = 9882/port = $VPB/" \
    -e "s/^metrics_port = 0 .*/metrics_port = $MPORT/" config/fix-desk.toml > "$WORK/fix.toml"
grep -q "^metrics_port = $MPORT" "$WORK/fix.toml" || fail "fix-desk.toml has no metrics_port line"
start_node silent "$WORK/fix.toml" --orders 400 --rate 20 --seed 13
got_page() { grep -q '"path": "/page".*OrdermeshOrdersUnacknowledged' "$WORK/notifications.jsonl"; }
wait_for 120 "the unacknowledged-orders page" got_page
# The page's error ticker lists it, open and paging, from the node's log.
wait_for 30 "the incident" grep -q "kind=unacked_orders" "$WORK/silent.log"
chrome --dump-dom "http://127.0.0.1:$MPORT/" > "$WORK/dom-page.html" || fail "chromium (paging)"
grep -q '<li data-paging="true" data-open="true" data-kind="unacked_orders">.*sent without acknowledgement' \
  "$WORK/dom-page.html" || fail "the error ticker does not show the unacknowledged orders as paging"
[ "$(prom 'ordermesh_incidents_open{node="n1",paging="true"}')" -ge 1 ] || fail "no open paging incident exported"
unacked=$(prom 'ordermesh_orders_unacked{node="n1"}')
oldest=$(prom 'ordermesh_orders_unacked_oldest_seconds{node="n1"}')
python3 -c "import sys; sys.exit(0 if 5 < float('$oldest') < 600 else 1)" \
  || fail "the oldest unacknowledged order waited $oldest s (expected 5..600)"
[ "$unacked" != none ] && [ "$unacked" -gt 0 ] || fail "page without unacknowledged orders ($unacked)"
stop_node
echo "ok: a venue that stopped acknowledging paged OrdermeshOrdersUnacknowledged ($unacked orders waiting)"

# The incident survives a restart of the node (same data dir, no new orders).
"$NODE" --config "$WORK/fix.toml" --data-dir "$WORK/d-silent" --no-demo --hold \
  > "$WORK/silent2.out" 2> "$WORK/silent2.log" &
NODE_PID=$!; PIDS+=("$NODE_PID")
wait_for 60 "the restarted node's incident log" grep -q "event=incidents_loaded" "$WORK/silent2.log"
grep -q "event=incidents_loaded stored=[1-9]" "$WORK/silent2.log" \
  || fail "no stored incident loaded: $(grep incidents_loaded "$WORK/silent2.log")"
curl -sf "http://127.0.0.1:$MPORT/api/cluster" > "$WORK/after-restart.json" || fail "/api/cluster after restart"
python3 - "$WORK/after-restart.json" <<'PY' || fail "the unacknowledged-orders incident did not survive the restart"
import json, sys
j = json.load(open(sys.argv[1]))
inc = [i for i in j["nodes"][0]["incidents"] if i["kind"] == "unacked_orders"]
assert inc and inc[0]["paging"], j["nodes"][0]["incidents"]
started = j["nodes"][0]["started_ms"]
assert inc[0]["first_ms"] < started, (inc[0], started)  # seen by the previous run
print("incident %d (%s) from before the restart, %s" % (inc[0]["id"], inc[0]["detail"], "open" if inc[0]["open"] else "resolved"))
PY
stop_node
echo "ok: the incident log survived the restart"
echo "observability: all parts passed"
