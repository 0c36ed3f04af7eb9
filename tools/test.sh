#!/usr/bin/env bash
# Installs what is missing, builds (Release, ccache when available) and runs
# every test through CTest. Exits non-zero on any failure. Re-runs are
# incremental.
set -euo pipefail
cd "$(dirname "$0")/.."

./tools/deps.sh

# Paths relative to the checkout: clones in other directories share ccache.
export CCACHE_BASEDIR="$PWD"

BUILD_DIR=${OM_BUILD_DIR:-build}
JOBS=$(nproc)
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$BUILD_DIR" -j "$JOBS"
cd "$BUILD_DIR"
ctest --output-on-failure -j "$JOBS" --timeout 600
