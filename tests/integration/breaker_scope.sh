#!/usr/bin/env bash
# One failing part does not stop everything: a venue that rejects every
# order, routed to for one instrument (AAPL), opens only AAPL's circuit
# breaker. The demo through a real ordermesh-node process still ends with
# every order terminal, the other instruments fill, and the summary names
# the breaker that tripped.
# usage: breaker_scope.sh NODE SOURCE_DIR
NODE=$1 SRC=$2
. "$SRC/tests/integration/lib.sh"
cd "$SRC"
CFG="$WORK/breaker.toml"
# The sample config with a short breaker window and a venue that refuses
# everything as AAPL's only route.
sed -e 's/^breaker_window_s = .*/breaker_window_s = 2/' config/single-node.toml > "$CFG"
cat >> "$CFG" <<'TOML'

[[venue]]
id = "DOWNX"
kind = "simulated"
asset_classes = ["equity"]
reject_probability = 1.0

[[routing.rule]]
instrument = "AAPL.XNAS"
venues = [{ venue = "DOWNX", weight = 1 }]
TOML
timeout 120 "$NODE" --config "$CFG" --data-dir "$WORK/n1" --orders 3000 --rate 3000 --json \
  > "$WORK/summary.json" 2> "$WORK/node.log" || { rc=$?; tail -20 "$WORK/node.log"; fail "node exited $rc"; }
S="$WORK/summary.json"
echo "breakers: $(json "$S" "j['breakers']")"
echo "final states: $(json "$S" "j['final_states']")"
[ "$(json "$S" "j['open_at_end']")" = 0 ] || fail "orders left open: the breaker held them"
[ "$(json "$S" "[b['scope'] for b in j['breakers'] if b['trips'] > 0]")" = "['instrument:AAPL.XNAS']" ] \
  || fail "expected exactly AAPL's breaker to trip"
[ "$(json "$S" "j['rejects'].get('venue/venue_rejected', 0) > 20")" = True ] || { json "$S" "j['rejects']"; fail "DOWNX rejects missing"; }
[ "$(json "$S" "j['final_states'].get('filled', 0) > 200")" = True ] || fail "other instruments did not trade"
[ "$(json "$S" "j['venues']['XSIM']['fills'] > 50 and j['venues']['FXSIM']['fills'] > 10")" = True ] \
  || fail "venues of other instruments did not fill"
grep -q 'scope=instrument:AAPL.XNAS event=circuit_open' "$WORK/node.log" || fail "no circuit_open log for AAPL"
if grep -q 'scope=store event=circuit_open' "$WORK/node.log"; then fail "the store breaker opened"; fi
echo "breaker scope: 1 passed, 0 failed"
