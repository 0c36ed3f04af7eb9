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
# cluster_config OUT [SED-ARGS...]: the three-node sample on three free
# ports (set in P1 P2 P3; metrics ports in M1 M2 M3), its data under $WORK/data, written to OUT with
# any further sed arguments applied. Tests using it take the tcp_ports lock.
cluster_config() {
  local out=$1; shift
  read -r P1 P2 P3 M1 M2 M3 < <(python3 - <<'PY'
import socket
ss=[socket.socket() for _ in range(6)]
for s in ss: s.bind(("127.0.0.1",0))
print(*[s.getsockname()[1] for s in ss])
PY
)
  sed -e "s/port = 7101/port = $P1/" -e "s/port = 7102/port = $P2/" -e "s/port = 7103/port = $P3/" \
      -e "s/port = 7201/port = $M1/" -e "s/port = 7202/port = $M2/" -e "s/port = 7203/port = $M3/" \
      -e "s|^data_dir = .*|data_dir = \"$WORK/data\"|" "$@" \
      config/cluster-3node/cluster.toml > "$out"
}
