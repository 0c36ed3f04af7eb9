#!/usr/bin/env bash
# ordermesh-bench --json runs end to end (small N) and reports the keys the
# performance page is built from. Timings are not judged here: CI machines
# are shared; docs/performance.md records measured figures.
# usage: bench_smoke.sh BENCH SOURCE_DIR
BENCH=$1 SRC=$2
. "$SRC/tests/integration/lib.sh"
cd "$SRC"
"$BENCH" -n 2000 -w 100 --json --data-dir "$WORK/b" > "$WORK/bench.json" 2> "$WORK/bench.log" \
  || { rc=$?; tail -20 "$WORK/bench.log"; fail "bench exited $rc"; }
J="$WORK/bench.json"
[ "$(wc -l < "$J")" = 1 ] || fail "--json is not one line"
for k in orders_per_s baseline_orders_per_s ratio bare_orders_per_s bare_ratio \
         messages_per_order round_trips_per_order writes_per_order records_per_order \
         timer_pushes_per_order rss_end_mb; do
  [ "$(json "$J" "'$k' in j and j['$k'] > 0")" = True ] || fail "missing or zero: $k"
done
# The desk's order path reads nothing back (new ids and fresh keys are
# decided in memory): counted exactly, so any point read is a regression.
[ "$(json "$J" "j['reads_per_order']")" = 0.0 ] || fail "the desk's order path does point reads: $(json "$J" "j['reads_per_order']") per order"
for k in messages_per_order round_trips_per_order writes_per_order records_per_order reads_per_order; do
  [ "$(json "$J" "j['bare_counts']['$k'] > 0")" = True ] || fail "bare_counts.$k missing or zero"
done
# Counted exactly: the bare pipeline's shape is known (12 messages, 4 store
# request/response pairs, no timers), and the counted passes finished.
[ "$(json "$J" "round(j['bare_counts']['round_trips_per_order'], 6)")" = 6.0 ] || fail "bare pipeline: not 6 round trips per order"
[ "$(json "$J" "j['bare_counts']['timer_pushes_per_order']")" = 0.0 ] || fail "bare pipeline pushed timers"
[ "$(json "$J" "'error' in j['counts'] or 'error' in j['bare_counts']")" = False ] || fail "a counted pass failed"
[ "$(json "$J" "j['filled']")" = 2000 ] || fail "not every bench order filled"
for s in "submit->accepted" "received->risk_checked" "risk_checked->routed" "received->venue_acked" "submit->filled"; do
  [ "$(json "$J" "j['stages']['$s']['p99_us'] > 0 and j['stages']['$s']['p50_us'] > 0")" = True ] || fail "stage $s missing"
done
echo "bench: $(json "$J" "round(j['orders_per_s']), 'orders/s; baseline', round(j['baseline_orders_per_s']), '; bare', round(j['bare_orders_per_s']), '; per order:', j['messages_per_order'], 'messages,', j['timer_pushes_per_order'], 'timer pushes'")"
# Memory per open order: resting limit orders, every one acknowledged.
"$BENCH" --open-orders 2000 --json --data-dir "$WORK/o" > "$WORK/open.json" 2> "$WORK/open.log" \
  || { rc=$?; tail -20 "$WORK/open.log"; fail "open-orders bench exited $rc"; }
O="$WORK/open.json"
[ "$(wc -l < "$O")" = 1 ] || fail "--open-orders --json is not one line"
[ "$(json "$O" "j['acknowledged']")" = 2000 ] || fail "not every open order acknowledged"
[ "$(json "$O" "j['other_terminal'] == 0 and j['unexpected_fills'] == 0")" = True ] || fail "open orders did not all rest"
[ "$(json "$O" "j['bytes_per_open_order'] > 0 and j['rss_open_mb'] > j['rss_before_mb'] > 0")" = True ] || fail "no memory per open order"
echo "open orders: $(json "$O" "round(j['bytes_per_open_order']), 'bytes per open order'")"
# Cross-node mode: a second real process (ordermesh-node --node b2) hosts
# risk and the venue; the remote baseline runs in the same invocation.
"$BENCH" --cross-node -n 2000 -w 100 --json --data-dir "$WORK/x" > "$WORK/cross.json" 2> "$WORK/cross.log" \
  || { rc=$?; tail -20 "$WORK/cross.log"; cat "$WORK/x/b2.log" 2>/dev/null | tail -20; fail "cross-node bench exited $rc"; }
X="$WORK/cross.json"
[ "$(json "$X" "j['mode']")" = cross_node ] || fail "not a cross-node run"
[ "$(json "$X" "j['filled']")" = 2000 ] || fail "not every cross-node order filled"
[ "$(json "$X" "j['baseline_orders_per_s'] > 0 and j['ratio'] > 0")" = True ] || fail "no order-shaped remote baseline"
[ "$(json "$X" "j['remote_round_trips_per_s'] > 0")" = True ] || fail "no remote round-trip baseline"
[ "$(json "$X" "j['risk_round_trip']['p50_us'] > 0")" = True ] || fail "no risk round trips measured"
echo "cross-node: $(json "$X" "round(j['orders_per_s']), 'orders/s; remote baseline', round(j['baseline_orders_per_s']), 'orders/s; round trips', round(j['remote_round_trips_per_s'])")"
# The bench always ends and reports every outcome. AAPL at one order per
# second: the sell of a pair is refused (rate_limit) and its buy rests in the
# book, which used to keep the bench waiting for ever.
RL="$WORK/bench-rl.toml"
{ cat config/bench.toml; printf '\n[risk.instrument."AAPL.XNAS"]\nmax_orders_per_second = 1\n'; } > "$RL"
timeout 120 "$BENCH" -c "$RL" -n 4000 -w 100 --skip-baseline --skip-counts --json --data-dir "$WORK/h" \
  > "$WORK/rl.json" 2> "$WORK/rl.log" || { rc=$?; tail -20 "$WORK/rl.log"; fail "rate-limited bench exited $rc"; }
R="$WORK/rl.json"
[ "$(json "$R" "j['filled'] + j['other_terminal'] + j['resting_canceled'] + j['unanswered']")" = 4000 ] \
  || fail "outcomes do not add up to the orders sent: $(cat "$R")"
[ "$(json "$R" "j['rejects'].get('real_time/rate_limit', 0) > 0")" = True ] || fail "rate_limit rejects not reported"
[ ! -e "$WORK/h" ] || fail "the bench left its data dir behind"
echo "rate-limited: $(json "$R" "j['filled'], 'filled,', j['resting_canceled'], 'resting canceled at the end,', j['rejects']")"
# A --data-dir holding anything else is refused, not cleared.
mkdir -p "$WORK/mine" && echo keep > "$WORK/mine/notes.txt"
set +e; "$BENCH" -n 100 --skip-baseline --skip-counts --data-dir "$WORK/mine" > /dev/null 2> "$WORK/mine.err"; rc=$?; set -e
[ "$rc" = 2 ] && grep -q "refusing to clear" "$WORK/mine.err" || { cat "$WORK/mine.err"; fail "bench --data-dir on foreign files: exit $rc"; }
[ "$(cat "$WORK/mine/notes.txt")" = keep ] || fail "the bench touched a foreign directory"
echo "bench smoke: 5 passed, 0 failed"
