#!/usr/bin/env bash
# ordermesh-bench --json runs end to end (small N) and reports the keys the
# performance page is built from. Figures are not judged here: CI machines
# are shared; docs/performance.md records measured figures.
# usage: bench_smoke.sh BENCH SOURCE_DIR
BENCH=$1 SRC=$2
. "$SRC/tests/integration/lib.sh"
cd "$SRC"
"$BENCH" -n 2000 -w 100 --json --data-dir "$WORK/b" > "$WORK/bench.json" 2> "$WORK/bench.log" \
  || { rc=$?; tail -20 "$WORK/bench.log"; fail "bench exited $rc"; }
J="$WORK/bench.json"
for k in orders_per_s baseline_orders_per_s ratio; do
  [ "$(json "$J" "'$k' in j and j['$k'] > 0")" = True ] || fail "missing or zero: $k"
done
[ "$(json "$J" "j['filled']")" = 2000 ] || fail "not every bench order filled"
for s in "submit->accepted" "received->risk_checked" "risk_checked->routed" "received->venue_acked" "submit->filled"; do
  [ "$(json "$J" "j['stages']['$s']['p99_us'] > 0 and j['stages']['$s']['p50_us'] > 0")" = True ] || fail "stage $s missing"
done
echo "bench: $(json "$J" "round(j['orders_per_s']), 'orders/s; baseline', round(j['baseline_orders_per_s'])")"
# Cross-node mode: a second real process (ordermesh-node --node b2) hosts
# risk and the venue; the remote baseline runs in the same invocation.
"$BENCH" --cross-node -n 2000 -w 100 --json --data-dir "$WORK/x" > "$WORK/cross.json" 2> "$WORK/cross.log" \
  || { rc=$?; tail -20 "$WORK/cross.log"; cat "$WORK/x/b2.log" 2>/dev/null | tail -20; fail "cross-node bench exited $rc"; }
X="$WORK/cross.json"
[ "$(json "$X" "j['mode']")" = cross_node ] || fail "not a cross-node run"
[ "$(json "$X" "j['filled']")" = 2000 ] || fail "not every cross-node order filled"
[ "$(json "$X" "j['baseline_orders_per_s'] > 0 and j['ratio'] > 0")" = True ] || fail "no order-shaped remote baseline"
[ "$(json "$X" "j['remote_round_trips_per_s'] > 0")" = True ] || fail "no remote round-trip baseline"
[ "$(json "$X" "j['risk_round_trip']['p50_us'] > 0")" = True ] || fail "no risk round trips measured"
echo "cross-node: $(json "$X" "round(j['orders_per_s']), 'orders/s; remote baseline', round(j['baseline_orders_per_s']), 'orders/s; round trips', round(j['remote_round_trips_per_s'])")"
echo "bench smoke: 2 passed, 0 failed"
