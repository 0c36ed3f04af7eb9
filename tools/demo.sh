#!/usr/bin/env bash
# Installs what is missing, builds, runs the embedded single-node desk (demo
# strategy, simulated venues) and prints its summary. The node's log goes to
# a file; its path is printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

./tools/deps.sh

# Paths relative to the checkout: clones in other directories share ccache.
export CCACHE_BASEDIR="$PWD"

BUILD_DIR=${OM_BUILD_DIR:-build}
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$BUILD_DIR" -j "$(nproc)" --target ordermesh-node

DATA_DIR=${OM_DEMO_DATA_DIR:-$(mktemp -d /tmp/ordermesh-demo.XXXXXX)}
LOG="$DATA_DIR/node.log"
mkdir -p "$DATA_DIR"
echo "ordermesh demo: data in $DATA_DIR"
set +e
"$BUILD_DIR/ordermesh-node" --config config/single-node.toml --data-dir "$DATA_DIR/n1" --fresh "$@" 2> "$LOG"
rc=$?
set -e
echo
echo "node log: $LOG"
if [ $rc -ne 0 ]; then
  echo "ordermesh demo: the node exited with $rc; last log lines:" >&2
  tail -20 "$LOG" >&2
fi
exit $rc
