#!/usr/bin/env bash
# 5,000 random orders (with cancels, amends and bad orders) through a real
# ordermesh-node process, then the node's own report and an independent read
# of its RocksDB must show: no overfill, every order terminal, positions equal
# to the sum of fills, no reservation left, every reject with a reason.
# usage: desk_invariants.sh NODE CHECK SOURCE_DIR
NODE=$1 CHECK=$2 SRC=$3
. "$SRC/tests/integration/lib.sh"
cd "$SRC"
"$NODE" --config config/single-node.toml --data-dir "$WORK/n1" --fresh --orders 5000 --rate 5000 \
  --json > "$WORK/summary.json" 2> "$WORK/node.log" || { rc=$?; tail -20 "$WORK/node.log"; fail "node exited $rc"; }
S="$WORK/summary.json"
echo "summary: $(json "$S" "j['final_states'], 'fills', j['fills'], 'rejects', sum(j['rejects'].values())")"
[ "$(json "$S" "j['orders_sent']")" = 5000 ] || fail "not all orders sent"
[ "$(json "$S" "j['overfills']")" = 0 ] || fail "overfill reported"
[ "$(json "$S" "j['open_at_end']")" = 0 ] || fail "orders not terminal"
[ "$(json "$S" "j['rejects_without_reason']")" = 0 ] || fail "reject without reason"
[ "$(json "$S" "j['fills'] > 100")" = True ] || fail "too few fills: the venues do not trade"
[ "$(json "$S" "j['final_states'].get('canceled', 0) > 0 and j['final_states'].get('filled', 0) > 0")" = True ] \
  || fail "expected both canceled and filled orders"
[ "$(json "$S" "j['replaced'] > 0")" = True ] || fail "no amend went through"
[ "$(json "$S" "len(j['rejects']) >= 8")" = True ] || fail "expected rejects of many kinds"
[ "$(json "$S" "j['supervisor_restarts']")" = 0 ] || fail "unexpected restarts"
# Against the venues' own ledgers: every order's filled quantity as the desk
# reported it equals what the venues executed for it.
echo "reconciliation: $(json "$S" "j['reconciliation']")"
[ "$(json "$S" "j['reconciliation']['breaks']")" = 0 ] || fail "desk and venues disagree: $(json "$S" "j['reconciliation']['first_breaks']")"
[ "$(json "$S" "j['reconciliation']['partial'] is False and j['reconciliation']['orders_compared'] > 1000 and j['reconciliation']['venue_fills'] >= j['fills']")" = True ] \
  || fail "reconciliation incomplete: $(json "$S" "j['reconciliation']")"
"$CHECK" --data-dir "$WORK/n1" --all-terminal --json > "$WORK/check.json" || { cat "$WORK/check.json"; fail "invariants violated"; }
echo "check: $(json "$WORK/check.json" "j['orders'], 'orders', j['fills'], 'fills', j['positions'], 'positions'")"
[ "$(json "$WORK/check.json" "j['orders'] > 4000")" = True ] || fail "orders missing from the store"
echo "desk invariants: 1 passed, 0 failed"
