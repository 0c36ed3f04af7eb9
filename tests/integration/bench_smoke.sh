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
echo "bench smoke: 1 passed, 0 failed"
