#!/usr/bin/env bash
# Every wait has a bound, a reason in the log and an exit code: the strategy
# node of the three-node cluster started alone (its gateway and risk nodes
# never come) gives up after [cluster] ready_timeout_s, exits 3 and says
# what it was still waiting for.
# usage: bounded_waits.sh NODE SOURCE_DIR
NODE=$1 SRC=$2
. "$SRC/tests/integration/lib.sh"
cd "$SRC"
CFG="$WORK/cluster.toml"
cluster_config "$CFG" -e 's/^\[cluster\]$/[cluster]\nready_timeout_s = 3/'
grep -q "^ready_timeout_s = 3" "$CFG" || fail "could not set cluster.ready_timeout_s"
start=$(date +%s)
set +e
timeout 60 "$NODE" --config "$CFG" --node n3 > "$WORK/n3.out" 2> "$WORK/n3.log"
rc=$?
set -e
took=$(( $(date +%s) - start ))
[ "$rc" = 3 ] || { tail -20 "$WORK/n3.log"; fail "n3 alone: exit $rc, expected 3"; }
[ "$took" -lt 30 ] || fail "n3 alone took ${took} s to give up (bound 3 s)"
grep -q "event=cluster_not_ready waited_s=3 gateway=n1" "$WORK/n3.log" || { tail -5 "$WORK/n3.log"; fail "no cluster_not_ready log line"; }
# The log line, and the stderr line (written in one piece) saying the same.
grep "event=cluster_not_ready" "$WORK/n3.log" | grep -q 'detail="0 of 35 risk shards restored, 35 not registered; no gateway registered for node n1"' \
  || { grep "cluster_not_ready" "$WORK/n3.log"; fail "the reason does not say what was missing"; }
grep -q "ordermesh-node: the cluster did not come up in 3 s (gateway n1, 35 risk shards): 0 of 35" "$WORK/n3.log" \
  || { cat "$WORK/n3.log" | grep -v " info "; fail "no whole message on stderr"; }
echo "n3 alone: exit 3 after ${took} s: $(grep -o 'detail=.*' "$WORK/n3.log" | head -1)"
echo "bounded waits: 1 passed, 0 failed"
