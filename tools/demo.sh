#!/usr/bin/env bash
# Installs what is missing, builds, runs the embedded single-node desk (demo
# strategy, simulated venues) and prints its summary. The node's log goes to
# a file; its path is printed at the end.
#   --fix  trade equities over FIX instead: two ordermesh-venue processes
#          (FIX 4.4 and FIX 4.2) on free local ports, config/fix-desk.toml.
# Other arguments go to ordermesh-node (e.g. --orders 10000 --rate 5000).
set -euo pipefail
cd "$(dirname "$0")/.."

./tools/deps.sh

# Paths relative to the checkout: clones in other directories share ccache.
export CCACHE_BASEDIR="$PWD"

BUILD_DIR=${OM_BUILD_DIR:-build}
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release
fi
FIX=0
if [ "${1:-}" = "--fix" ]; then
  FIX=1
  shift
fi
if [ $FIX = 1 ]; then
  cmake --build "$BUILD_DIR" -j "$(nproc)" --target ordermesh-node ordermesh-venue
else
  cmake --build "$BUILD_DIR" -j "$(nproc)" --target ordermesh-node
fi

DATA_DIR=${OM_DEMO_DATA_DIR:-$(mktemp -d /tmp/ordermesh-demo.XXXXXX)}
LOG="$DATA_DIR/node.log"
mkdir -p "$DATA_DIR"
echo "ordermesh demo: data in $DATA_DIR"
CONFIG=config/single-node.toml
VENUE_PIDS=()
stop_venues() {
  for p in "${VENUE_PIDS[@]:-}"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
  done
  return 0
}
trap stop_venues EXIT
if [ $FIX = 1 ]; then
  read -r PA PB < <(python3 -c 'import socket
ss=[socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1",0))
print(*[s.getsockname()[1] for s in ss])')
  sed -e "s/^port = 9881/port = $PA/" -e "s/^port = 9882/port = $PB/" config/fix-desk.toml \
    > "$DATA_DIR/fix-desk.toml"
  CONFIG="$DATA_DIR/fix-desk.toml"
  for v in "FIXA $PA FIX.4.4" "FIXB $PB FIX.4.2"; do
    read -r id port ver <<< "$v"
    "$BUILD_DIR/ordermesh-venue" --port "$port" --session "$ver:$id->DESK" \
      --dictionary-dir config/fix --maker-fee-bps=-0.2 --taker-fee-bps 0.3 \
      > "$DATA_DIR/$id.out" 2> "$DATA_DIR/$id.log" &
    VENUE_PIDS+=($!)
  done
  for _ in $(seq 1 100); do
    [ "$(grep -l event=listening "$DATA_DIR"/FIX?.log 2>/dev/null | wc -l)" = 2 ] && break
    sleep 0.05
  done
  echo "ordermesh demo: FIX venues FIXA (FIX.4.4, port $PA) and FIXB (FIX.4.2, port $PB)"
fi
# The dashboard and /metrics: OM_DEMO_METRICS_PORT, or a free port.
MPORT=${OM_DEMO_METRICS_PORT:-$(python3 -c 'import socket
s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
echo "ordermesh demo: dashboard http://127.0.0.1:$MPORT/  (Prometheus: http://127.0.0.1:$MPORT/metrics)"
echo "ordermesh demo: pass --hold to keep the desk and its dashboard up after the summary (Ctrl-C stops it)"
set +e
"$BUILD_DIR/ordermesh-node" --config "$CONFIG" --data-dir "$DATA_DIR/n1" --fresh \
  --metrics-port "$MPORT" "$@" 2> "$LOG"
rc=$?
set -e
if [ $FIX = 1 ]; then
  stop_venues
  VENUE_PIDS=()
  echo
  echo "FIX venues (their own counts):"
  cat "$DATA_DIR"/FIXA.out "$DATA_DIR"/FIXB.out
fi
echo
echo "node log: $LOG"
if [ $rc -ne 0 ]; then
  echo "ordermesh demo: the node exited with $rc; last log lines:" >&2
  tail -20 "$LOG" >&2
fi
exit $rc
