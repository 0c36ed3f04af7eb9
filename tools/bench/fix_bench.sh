#!/usr/bin/env bash
# The FIX path against bare QuickFIX, in the same run, on the same acceptor:
# one ordermesh-venue process with two sessions; ordermesh-bench drives the
# desk (gateway -> risk -> router -> order actor -> FIX venue actor ->
# QuickFIX) and ordermesh-fixbare a bare QuickFIX initiator, alternately,
# with the same orders (buy/sell pairs at the previous close) and window.
# Prints each pass and the medians and ratio per window.
#   usage: tools/bench/fix_bench.sh [BUILD_DIR] [ORDERS] [RUNS] [WINDOWS...]
# Orders go in crossing pairs, so the smallest window is 2 (one pair at a time).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
ORDERS=${2:-20000}
RUNS=${3:-3}
shift $(( $# > 3 ? 3 : $# )) || true
WINDOWS=("${@:-2 100}")
[ ${#WINDOWS[@]} -eq 1 ] && read -r -a WINDOWS <<< "${WINDOWS[0]}"
WORK=$(mktemp -d /tmp/om-fixbench.XXXXXX)
VPID=""
cleanup() { [ -n "$VPID" ] && kill "$VPID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed "s/^port = 9890 .*/port = $PORT/" config/bench-fix.toml > "$WORK/bench-fix.toml"
# A fresh venue for every desk run: each run's order ids (and so ClOrdIDs)
# start again at 1, which a venue that saw them would refuse as duplicates.
start_venue() {
  [ -n "$VPID" ] && { kill "$VPID" 2>/dev/null; wait "$VPID" 2>/dev/null || true; }
  "$BUILD/ordermesh-venue" --port "$PORT" --session 'FIX.4.4:BENCHX->DESK' \
    --session 'FIX.4.4:BENCHX->BARE' --flow-ms 0 --levels 4 > "$WORK/venue.out" 2> "$WORK/venue.err" &
  VPID=$!
  for _ in $(seq 1 100); do grep -q "event=listening" "$WORK/venue.err" && break; sleep 0.05; done
}
median() { python3 -c "import statistics,sys; print(round(statistics.median(map(float, sys.argv[1:])), 1))" "$@"; }
for w in "${WINDOWS[@]}"; do
  n=$ORDERS
  [ "$w" -le 2 ] && n=$(( ORDERS / 4 ))
  desk=() bare=() dlat=() blat=()
  for r in $(seq 1 "$RUNS"); do
    rm -rf "$WORK/data"
    start_venue
    "$BUILD/ordermesh-bench" -c "$WORK/bench-fix.toml" --data-dir "$WORK/data" -n "$n" -w "$w" \
      --skip-baseline --skip-counts --json 2> "$WORK/bench.err" > "$WORK/desk.json" \
      || { tail "$WORK/bench.err"; exit 1; }
    d=$(python3 -c "import json; j=json.load(open('$WORK/desk.json')); print(round(j['orders_per_s']))")
    dl=$(python3 -c "import json; j=json.load(open('$WORK/desk.json')); print(j['stages']['submit->filled']['p50_us'])")
    "$BUILD/ordermesh-fixbare" --connect "$PORT" --target BENCHX -n "$n" -w "$w" > "$WORK/bare.json"
    b=$(python3 -c "import json; j=json.load(open('$WORK/bare.json')); print(j['orders_per_s'])")
    bl=$(python3 -c "import json; j=json.load(open('$WORK/bare.json')); print(j['fill_p50_us'])")
    echo "window $w run $r: desk over FIX $d orders/s (fill p50 $dl us), bare QuickFIX $b orders/s (fill p50 $bl us)"
    desk+=("$d"); bare+=("$b"); dlat+=("$dl"); blat+=("$bl")
  done
  md=$(median "${desk[@]}"); mb=$(median "${bare[@]}")
  echo "window $w: median desk $md/s, bare $mb/s, ratio $(python3 -c "print(round($md/$mb, 2))"); fill p50 desk $(median "${dlat[@]}") us, bare $(median "${blat[@]}") us"
done
