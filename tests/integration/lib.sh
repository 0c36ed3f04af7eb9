# Helpers for integration tests: a private work dir removed on exit, and
# processes we start stopped by PID.
set -euo pipefail
WORK=$(mktemp -d /tmp/om-it.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do
    [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true
  done
  if [ -n "${OM_KEEP_WORK:-}" ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# json FILE EXPR: evaluates a Python expression on the parsed JSON as `j`.
json() { python3 -c "import json,sys; j=json.load(open('$1')); print($2)"; }
