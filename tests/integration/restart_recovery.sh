#!/usr/bin/env bash
# SIGKILL a node mid-run, restart it on the same data dir: open orders come
# back and end, nothing is duplicated, resubmitting the old client order ids
# returns the existing orders, positions still equal the fills.
# usage: restart_recovery.sh NODE CHECK SOURCE_DIR
NODE=$1 CHECK=$2 SRC=$3
. "$SRC/tests/integration/lib.sh"
cd "$SRC"
ARGS=(--config config/single-node.toml --data-dir "$WORK/n1" --orders 4000 --rate 1000 --seed 11 --run-tag R)
"$NODE" "${ARGS[@]}" --fresh --json > "$WORK/run1.json" 2> "$WORK/run1.log" &
PID=$!
PIDS+=("$PID")
# Wait until it trades, then kill it hard.
for _ in $(seq 1 100); do
  grep -q "event=ready" "$WORK/run1.log" 2>/dev/null && break
  sleep 0.1
done
sleep 1.5
kill -9 "$PID"
wait "$PID" 2>/dev/null || true
"$CHECK" --data-dir "$WORK/n1" --crashed --json > "$WORK/check1.json" || { cat "$WORK/check1.json"; fail "state inconsistent right after SIGKILL"; }
ORDERS1=$(json "$WORK/check1.json" "j['orders']")
OPEN1=$(json "$WORK/check1.json" "j['open']")
echo "after SIGKILL: $ORDERS1 orders, $OPEN1 open"
[ "$ORDERS1" -gt 100 ] || fail "the first run did not get far enough"
[ "$OPEN1" -gt 0 ] || fail "no open orders at the kill: not mid-run"
# Restart with the same ids and seed: every id sent before is a duplicate.
"$NODE" "${ARGS[@]}" --json > "$WORK/run2.json" 2> "$WORK/run2.log" || { rc=$?; tail -30 "$WORK/run2.log"; fail "restart exited $rc"; }
grep -q "event=recovery open_orders=$OPEN1 restarted=$OPEN1" "$WORK/run2.log" || { grep "event=recovery" "$WORK/run2.log"; fail "open orders not recovered"; }
R2="$WORK/run2.json"
DUPS=$(json "$R2" "j['duplicates']")
echo "restart: duplicates $DUPS, accepted $(json "$R2" "j['accepted']"), final $(json "$R2" "j['final_states']")"
[ "$DUPS" -gt 100 ] || fail "old client order ids were not answered as duplicates"
[ "$(json "$R2" "j['open_at_end']")" = 0 ] || fail "orders left open after the restart"
[ "$(json "$R2" "j['overfills']")" = 0 ] || fail "overfill"
# The second run's orders against the restarted venues' own ledgers.
echo "reconciliation after the restart: $(json "$R2" "j['reconciliation']")"
[ "$(json "$R2" "j['reconciliation']['breaks']")" = 0 ] || fail "desk and venues disagree: $(json "$R2" "j['reconciliation']['first_breaks']")"
[ "$(json "$R2" "j['reconciliation']['partial']")" = False ] || fail "reconciliation partial"
"$CHECK" --data-dir "$WORK/n1" --all-terminal --json > "$WORK/check2.json" || { cat "$WORK/check2.json"; fail "invariants violated after restart"; }
ORDERS2=$(json "$WORK/check2.json" "j['orders']")
NEW=$(json "$R2" "j['accepted']")
echo "after restart: $ORDERS2 orders"
# Orders of the second run are the ones the first never sent: no id has two orders
# (checked by ordermesh-check) and the count adds up.
[ "$ORDERS2" -ge "$ORDERS1" ] || fail "orders lost"
[ "$(json "$WORK/check2.json" "j['duplicate_orders']")" = 0 ] || fail "duplicated orders"
echo "restart recovery: 1 passed, 0 failed"
