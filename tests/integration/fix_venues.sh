#!/usr/bin/env bash
# The desk trading over FIX with real ordermesh-venue processes on loopback:
# both FIX versions through a full demo flow (partial fills, cancels,
# replaces, venue rejects), two desks trading with each other through one
# venue, injected faults (dropped connection, duplicated reports, sequence
# gap) and a SIGKILLed node that resumes its sessions and reconciles.
# usage: fix_venues.sh NODE CHECK VENUE OMCTL SOURCE_DIR
NODE=$1 CHECK=$2 VENUE=$3 OMCTL=$4 SRC=$5
. "$SRC/tests/integration/lib.sh"
cd "$SRC"

free_ports() {
  python3 - "$1" <<'PY'
import socket, sys
ss = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])
PY
}

# start_venue NAME PORT ARGS...: an ordermesh-venue in the background.
start_venue() {
  local name=$1 port=$2; shift 2
  "$VENUE" --port "$port" --dictionary-dir config/fix --seed 3 "$@" \
    > "$WORK/$name.out" 2> "$WORK/$name.err" &
  local pid=$!
  PIDS+=("$pid")
  eval "${name}_PID=$pid"
  for _ in $(seq 1 100); do
    grep -q "event=listening" "$WORK/$name.err" 2>/dev/null && return 0
    sleep 0.05
  done
  cat "$WORK/$name.err"; fail "venue $name did not start"
}
# stop_venue NAME: SIGTERM, then its counters line.
stop_venue() {
  local pid_var="${1}_PID"
  kill "${!pid_var}" 2>/dev/null || true
  wait "${!pid_var}" 2>/dev/null || true
}
venue_stat() { sed -n "s/.* $2=\([0-9]*\).*/\1/p" "$WORK/$1.out"; }

# desk_config OUT PORT_A PORT_B [SED...]: the FIX sample on these ports.
desk_config() {
  local out=$1 pa=$2 pb=$3; shift 3
  sed -e "s/^port = 9881/port = $pa/" -e "s/^port = 9882/port = $pb/" \
      -e "s/^reconnect_initial_ms = 500/reconnect_initial_ms = 200/" "$@" \
      config/fix-desk.toml > "$out"
}

# start_held_node X: a node on desk$X.toml (data d$X) that sends a
# two-order demo and then stays up for omctl; its PID in HELD_PID.
start_held_node() {
  "$NODE" --config "$WORK/desk$1.toml" --data-dir "$WORK/d$1" --orders 2 --rate 100 --hold \
    > "$WORK/run$1.out" 2> "$WORK/run$1.log" &
  HELD_PID=$!; PIDS+=("$HELD_PID")
  for _ in $(seq 1 300); do grep -q "running; stop with" "$WORK/run$1.log" && break; sleep 0.1; done
  grep -q "running; stop with" "$WORK/run$1.log" || { tail "$WORK/run$1.log"; fail "node not running"; }
}

# check_run JSON LOG: the invariants every run must keep.
check_run() {
  local j=$1
  [ "$(json "$j" "j['open_at_end']")" = 0 ] || fail "$j: orders left open"
  [ "$(json "$j" "j['overfills']")" = 0 ] || fail "$j: overfill"
  [ "$(json "$j" "j['rejects_without_reason']")" = 0 ] || fail "$j: reject without reason"
  [ "$(json "$j" "j['reconciliation']['breaks']")" = 0 ] \
    || fail "$j: desk and venues disagree: $(json "$j" "j['reconciliation']['first_breaks']")"
}

passed=0
# OM_FIX_PARTS="3 4" runs only those parts (debugging).
want() { [[ " ${OM_FIX_PARTS:-1 2 3 4 5 6 7} " == *" $1 "* ]]; }

# --- 1. Both FIX versions, full flow, 5000 orders, invariants ----------------
if want 1; then
read -r PA PB < <(free_ports 2)
start_venue va "$PA" --session 'FIX.4.4:FIXA->DESK' --maker-fee-bps=-0.2 --taker-fee-bps 0.3
start_venue vb "$PB" --session 'FIX.4.2:FIXB->DESK' --reject-probability 0.02
desk_config "$WORK/desk.toml" "$PA" "$PB"
"$NODE" --config "$WORK/desk.toml" --data-dir "$WORK/d1" --orders 5000 --rate 2500 --json \
  > "$WORK/run1.json" 2> "$WORK/run1.log" || { tail -20 "$WORK/run1.log"; fail "run 1 exited $?"; }
stop_venue va; stop_venue vb
R=$WORK/run1.json
check_run "$R"
for v in FIXA FIXB; do
  legs=$(json "$R" "j['venues']['$v']['legs']")
  fills=$(json "$R" "j['venues']['$v']['fills']")
  echo "$v: legs $legs fills $fills"
  [ "$legs" -gt 500 ] && [ "$fills" -gt 100 ] || fail "$v traded too little"
done
[ "$(json "$R" "j['replaced']")" -gt 10 ] || fail "no replaces over FIX"
[ "$(json "$R" "j['final_states'].get('canceled', 0)")" -gt 50 ] || fail "no cancels over FIX"
# The desk booked what the venues say they executed, fill for fill.
[ "$(venue_stat va fills)" = "$(json "$R" "j['venues']['FIXA']['fills']")" ] \
  || fail "FIXA: venue fills $(venue_stat va fills) != desk $(json "$R" "j['venues']['FIXA']['fills']")"
[ "$(venue_stat vb fills)" = "$(json "$R" "j['venues']['FIXB']['fills']")" ] || fail "FIXB fills differ"
[ "$(venue_stat vb rejects)" -gt 0 ] || fail "FIXB rejected nothing (reject probability 0.02)"
[ "$(json "$R" "j['venues']['FIXA']['fees']")" != 0 ] || fail "FIXA commission not booked"
grep -q "reject_code\|venue_rejected" "$WORK/run1.log" || true
"$CHECK" --data-dir "$WORK/d1" --all-terminal --json > "$WORK/check1.json" \
  || { cat "$WORK/check1.json"; fail "invariants violated after the FIX run"; }
echo "ok: 5000 orders over FIX 4.4 and 4.2 ($(json "$R" "j['final_states']"))"
passed=$((passed + 1))
fi

# --- 2. Two desks trading with each other through one venue -------------------
if want 2; then
read -r PA PB < <(free_ports 2)
start_venue vx "$PA" --session 'FIX.4.4:FIXA->DESK' --session 'FIX.4.4:FIXA->DESK2' --levels 2
start_venue vy "$PB" --session 'FIX.4.2:FIXB->DESK' --session 'FIX.4.2:FIXB->DESK2' --levels 2
desk_config "$WORK/deskA.toml" "$PA" "$PB"
desk_config "$WORK/deskB.toml" "$PA" "$PB" -e 's/^sender_comp_id = "DESK"/sender_comp_id = "DESK2"/' \
  -e 's/^id = "n1"/id = "n2"/' -e 's/^number = 1/number = 2/'
"$NODE" --config "$WORK/deskA.toml" --data-dir "$WORK/dA" --orders 1500 --rate 1000 --seed 21 --json \
  > "$WORK/runA.json" 2> "$WORK/runA.log" &
PA_NODE=$!; PIDS+=("$PA_NODE")
"$NODE" --config "$WORK/deskB.toml" --data-dir "$WORK/dB" --orders 1500 --rate 1000 --seed 22 --json \
  > "$WORK/runB.json" 2> "$WORK/runB.log" || fail "desk B exited $?"
wait "$PA_NODE" || fail "desk A exited"
stop_venue vx; stop_venue vy
check_run "$WORK/runA.json"; check_run "$WORK/runB.json"
between=$(( $(venue_stat vx trades_between_clients) + $(venue_stat vy trades_between_clients) ))
echo "ok: two desks, $between trades between them"
[ "$between" -gt 0 ] || fail "the two desks never traded with each other"
passed=$((passed + 1))
fi

# --- 3. Faults: dropped connection, duplicated fills, a sequence gap ---------
if want 3; then
read -r PA PB < <(free_ports 2)
start_venue vf "$PA" --session 'FIX.4.4:FIXA->DESK' --fault-drop-after 300 --fault-skip-seq-after 100
start_venue vg "$PB" --session 'FIX.4.2:FIXB->DESK' --fault-possdup-fills
desk_config "$WORK/deskF.toml" "$PA" "$PB"
"$NODE" --config "$WORK/deskF.toml" --data-dir "$WORK/dF" --orders 3000 --rate 1000 --json \
  > "$WORK/runF.json" 2> "$WORK/runF.log" || { tail -20 "$WORK/runF.log"; fail "fault run exited"; }
stop_venue vf; stop_venue vg
check_run "$WORK/runF.json"
L=$WORK/runF.log
grep -q "venue=FIXA event=disconnected" "$L" || fail "the dropped connection was not seen"
[ "$(grep -c "venue=FIXA event=logged_on" "$L")" -ge 2 ] || fail "FIXA did not log on again"
grep -q "venue=FIXA event=reconcile legs=" "$L" || fail "open legs not reconciled at the new logon"
grep -q "venue=FIXA event=sequence" "$L" || fail "the sequence gap was not repaired by a resend"
dups=$(grep -c "venue=FIXB .*event=duplicate_ignored" "$L" || true)
[ "$dups" -gt 50 ] || fail "duplicated fills not recognised ($dups)"
[ "$(venue_stat vg fills)" = "$(json "$WORK/runF.json" "j['venues']['FIXB']['fills']")" ] \
  || fail "FIXB: duplicated reports booked (venue $(venue_stat vg fills), desk $(json "$WORK/runF.json" "j['venues']['FIXB']['fills']"))"
echo "ok: faults (drop + reconnect + reconcile, gap resent, $dups duplicates ignored)"
passed=$((passed + 1))
fi

# --- 4. A node SIGKILLed with open FIX orders resumes and reconciles ---------
if want 4; then
read -r PA PB < <(free_ports 2)
start_venue vk "$PA" --session 'FIX.4.4:FIXA->DESK' --store-dir "$WORK/vk.store"
start_venue vl "$PB" --session 'FIX.4.2:FIXB->DESK' --store-dir "$WORK/vl.store"
desk_config "$WORK/deskK.toml" "$PA" "$PB"
ARGS=(--config "$WORK/deskK.toml" --data-dir "$WORK/dK" --orders 4000 --rate 800 --seed 11 --run-tag K)
"$NODE" "${ARGS[@]}" --fresh --json > "$WORK/runK1.json" 2> "$WORK/runK1.log" &
PK=$!; PIDS+=("$PK")
for _ in $(seq 1 100); do grep -q "event=ready" "$WORK/runK1.log" 2>/dev/null && break; sleep 0.1; done
sleep 2
kill -9 "$PK"; wait "$PK" 2>/dev/null || true
"$CHECK" --data-dir "$WORK/dK" --crashed --json > "$WORK/checkK1.json" || fail "state inconsistent after SIGKILL"
OPEN1=$(json "$WORK/checkK1.json" "j['open']")
[ "$OPEN1" -gt 0 ] || fail "no open orders at the kill"
"$NODE" "${ARGS[@]}" --json > "$WORK/runK2.json" 2> "$WORK/runK2.log" \
  || { tail -30 "$WORK/runK2.log"; fail "restart exited $?"; }
stop_venue vk; stop_venue vl
L=$WORK/runK2.log
# The sessions resume where they stopped: no sequence reset to 1.
out_seq=$(sed -n 's/.*venue=FIXA event=logged_on .* next_out=\([0-9]*\).*/\1/p' "$L" | head -1)
[ -n "$out_seq" ] && [ "$out_seq" -gt 100 ] || fail "FIXA did not resume its sequence numbers (next_out=$out_seq)"
grep -q "event=recovery open_orders=$OPEN1 restarted=$OPEN1" "$L" || fail "open orders not recovered"
[ "$(json "$WORK/runK2.json" "j['open_at_end']")" = 0 ] || fail "orders open after restart"
[ "$(json "$WORK/runK2.json" "j['overfills']")" = 0 ] || fail "overfill after restart"
"$CHECK" --data-dir "$WORK/dK" --all-terminal --json > "$WORK/checkK2.json" \
  || { cat "$WORK/checkK2.json"; fail "invariants violated after the restart"; }
echo "ok: SIGKILL with $OPEN1 open orders; sessions resumed at seq $out_seq and reconciled"
passed=$((passed + 1))
fi

# --- 5. What operators see: a venue without cancels, a refused logon -------
if want 5; then
read -r PA PB PC < <(free_ports 3)
start_venue vu "$PA" --session 'FIX.4.4:FIXA->DESK' --fault-unsupported F
start_venue vr "$PB" --session 'FIX.4.2:FIXB->DESK' --fault-refuse-logon
desk_config "$WORK/deskU.toml" "$PA" "$PB" -e "s/^cluster_port = 0 .*/cluster_port = $PC/"
"$NODE" --config "$WORK/deskU.toml" --data-dir "$WORK/dU" --orders 300 --rate 1000 --hold \
  > "$WORK/runU.out" 2> "$WORK/runU.log" &
PU=$!; PIDS+=("$PU")
for _ in $(seq 1 300); do grep -q "running; stop with" "$WORK/runU.log" && break; sleep 0.1; done
grep -q "running; stop with" "$WORK/runU.log" || { tail "$WORK/runU.log"; fail "demo did not finish"; }
"$OMCTL" --node "127.0.0.1:$PC" --json venues > "$WORK/venues.json" || fail "omctl venues"
python3 - "$WORK/venues.json" <<'PY' || fail "omctl venues does not show the FIX sessions"
import json, sys
v = {x["venue"]: x for x in json.load(open(sys.argv[1]))["venues"]}
a, b = v["FIXA"], v["FIXB"]
assert a["session"] == "FIX.4.4:DESK->FIXA" and a["session_state"] == "logged_on", a
assert a["unsupported"] == ["F"], a
assert a["orders"] > 100, a
assert b["session_state"] == "logon_refused", b
assert "refused our Logon" in b["last_error"], b
assert b["orders"] == 0, b  # routed around while down
PY
"$OMCTL" --node "127.0.0.1:$PC" venues > "$WORK/venues.txt" || fail "omctl venues (table)"
grep -q "unsupported by the venue: F" "$WORK/venues.txt" || { cat "$WORK/venues.txt"; fail "table lacks the capability"; }
kill "$PU"; wait "$PU" 2>/dev/null || true
stop_venue vu; stop_venue vr
echo "ok: omctl venues shows the missing capability and the refused logon"
passed=$((passed + 1))
fi

# --- 6. An operator trades by hand over FIX: omctl order new/amend/cancel ---
if want 6; then
read -r PA PB PC < <(free_ports 3)
# No outside flow and a two-order demo: nothing else trades the book.
start_venue vm "$PA" --session 'FIX.4.4:FIXA->DESK' --flow-ms 0
start_venue vn "$PB" --session 'FIX.4.2:FIXB->DESK' --flow-ms 0
# Without outside flow the books are quiet: market data would go stale.
desk_config "$WORK/deskM.toml" "$PA" "$PB" -e "s/^cluster_port = 0 .*/cluster_port = $PC/" \
  -e "s/^stale_after_ms = 3000 .*/stale_after_ms = 3600000/"
start_held_node M
PM=$HELD_PID
O="$OMCTL --node 127.0.0.1:$PC --json"
# A resting buy below the market (inside the 5% collar): accepted, then amended, canceled.
$O order new AAPL buy 100 --px 220.00 --by alice > "$WORK/m1.json" || { cat "$WORK/m1.json"; fail "order new"; }
[ "$(json "$WORK/m1.json" "j['event']")" = accepted ] || fail "manual order not accepted: $(cat "$WORK/m1.json")"
[ "$(json "$WORK/m1.json" "j['strategy']")" = manual ] || fail "not the manual strategy"
MID=$(json "$WORK/m1.json" "j['order_id']")
for _ in $(seq 1 50); do
  $O order "$MID" > "$WORK/m1d.json" && [ "$(json "$WORK/m1d.json" "j['status']")" = new ] && break
  sleep 0.1
done
[ "$(json "$WORK/m1d.json" "j['status']")" = new ] || fail "manual order not working at the venue: $(cat "$WORK/m1d.json")"
VEN=$(json "$WORK/m1d.json" "j['legs'][0]['venue']")
case "$VEN" in FIXA|FIXB) ;; *) fail "manual order not on a FIX venue ($VEN)";; esac
$O order amend "$MID" --qty 50 --px 221.00 > "$WORK/m2.json" || fail "order amend"
[ "$(json "$WORK/m2.json" "j['event']")" = replaced ] || fail "amend: $(cat "$WORK/m2.json")"
$O order cancel "$MID" > "$WORK/m3.json" || fail "order cancel"
[ "$(json "$WORK/m3.json" "j['event']")" = canceled ] || fail "cancel: $(cat "$WORK/m3.json")"
$O order "$MID" > "$WORK/m3d.json"
[ "$(json "$WORK/m3d.json" "j['status']")" = canceled ] || fail "order not canceled"
[ "$(json "$WORK/m3d.json" "j['qty']")" = 50 ] || fail "amended quantity not kept: $(json "$WORK/m3d.json" "j['qty']")"
# A market order fills over FIX.
$O order new MSFT sell 10 --type market > "$WORK/m4.json" || fail "market order"
MID2=$(json "$WORK/m4.json" "j['order_id']")
for _ in $(seq 1 50); do
  $O order "$MID2" > "$WORK/m4d.json" && [ "$(json "$WORK/m4d.json" "j['status']")" = filled ] && break
  sleep 0.1
done
[ "$(json "$WORK/m4d.json" "j['status']")" = filled ] || fail "manual market order not filled: $(cat "$WORK/m4d.json")"
# Bad input is refused by omctl, naming the field; risk refusals come back typed.
set +e
$O order new AAPL hold 100 > "$WORK/m5.json"; rc=$?
set -e
[ "$rc" = 2 ] && grep -q "side: 'hold' is not buy or sell" "$WORK/m5.json" || fail "bad side: rc $rc $(cat "$WORK/m5.json")"
$O order new AAPL buy 100 --px 100.00 > "$WORK/m6.json" || fail "collar order"
[ "$(json "$WORK/m6.json" "j['event']")" = rejected ] && grep -q "bps from reference" "$WORK/m6.json" \
  || fail "a price outside the collar was not rejected by risk: $(cat "$WORK/m6.json")"
# Pinned to a venue: each goes where it was sent, whatever the weights say.
for V in FIXB FIXA FIXB; do
  $O order new AAPL buy 10 --px 220.00 --venue $V > "$WORK/m7.json" || fail "pinned order"
  [ "$(json "$WORK/m7.json" "j['event']")" = accepted ] || fail "pinned order: $(cat "$WORK/m7.json")"
  PID7=$(json "$WORK/m7.json" "j['order_id']")
  for _ in $(seq 1 50); do
    $O order "$PID7" > "$WORK/m7d.json" && [ "$(json "$WORK/m7d.json" "j['status']")" = new ] && break
    sleep 0.1
  done
  [ "$(json "$WORK/m7d.json" "j['legs'][0]['venue']")" = $V ] || fail "pinned to $V, sent to $(json "$WORK/m7d.json" "j['legs'][0]['venue']")"
  $O order cancel "$PID7" > /dev/null || fail "cancel pinned order"
done
# A venue that cannot take it: accepted by the gateway, then refused by the router.
$O order new AAPL buy 10 --px 220.00 --venue LITX > "$WORK/m8.json" || fail "pinned order"
PID8=$(json "$WORK/m8.json" "j['order_id']")
for _ in $(seq 1 50); do
  $O order "$PID8" > "$WORK/m8d.json" && [ "$(json "$WORK/m8d.json" "j['status']")" = rejected ] && break
  sleep 0.1
done
[ "$(json "$WORK/m8d.json" "j['status']")" = rejected ] && grep -q "LITX: does not trade equity" "$WORK/m8d.json" \
  || fail "a venue that cannot take the order was not refused: $(cat "$WORK/m8d.json")"
$O order new AAPL buy 10 --px 220.00 --venue NOPE > "$WORK/m9.json" || fail "pinned order"
grep -q "venue: 'NOPE' is not a configured venue" "$WORK/m9.json" || fail "unknown venue: $(cat "$WORK/m9.json")"
kill "$PM"; wait "$PM" 2>/dev/null || true
stop_venue vm; stop_venue vn
echo "ok: manual orders over FIX (new, amend, cancel, market fill, pinned venues, refusals)"
passed=$((passed + 1))
fi

# --- 7. Market data drives the collar, volatility pauses and stale feeds -------
if want 7; then
read -r PA PB PC < <(free_ports 3)
start_venue vp "$PA" --session 'FIX.4.4:FIXA->DESK' --flow-ms 20 --jump-bps 800
start_venue vq "$PB" --session 'FIX.4.2:FIXB->DESK' --flow-ms 20 --jump-bps 800
desk_config "$WORK/deskP.toml" "$PA" "$PB" -e "s/^cluster_port = 0 .*/cluster_port = $PC/" \
  -e "s/^stale_after_ms = 3000 .*/stale_after_ms = 1000/" \
  -e "s/^max_hold_ms = 2000/max_hold_ms = 8000/"
start_held_node P
PP=$HELD_PID
O="$OMCTL --node 127.0.0.1:$PC --json"
# market_state SYMBOL: fresh, stale or paused, as omctl market shows it.
market_state() {
  $O market "$1" > "$WORK/mk.json" || { cat "$WORK/mk.json"; fail "omctl market"; }
  json "$WORK/mk.json" "'paused' if j['markets'][0]['paused'] else ('fresh' if j['markets'][0]['fresh'] else 'stale')"
}
wait_state() { # SYMBOL STATE SECONDS
  for _ in $(seq 1 $(($3 * 10))); do [ "$(market_state "$1")" = "$2" ] && return 0; sleep 0.1; done
  cat "$WORK/mk.json"; fail "$1 never became $2"
}
wait_state AAPL fresh 10
[ "$(json "$WORK/mk.json" "len(j['markets'][0]['venues'])")" = 2 ] || fail "AAPL not quoted by both venues"
# a. The live mid is the arrival price.
$O order new AAPL buy 100 --px 228.00 > "$WORK/p1.json" || fail "order new"
[ "$(json "$WORK/p1.json" "j['event']")" = accepted ] || fail "not accepted: $(cat "$WORK/p1.json")"
$O order "$(json "$WORK/p1.json" "j['order_id']")" > "$WORK/p1d.json"
[ "$(json "$WORK/p1d.json" "j['arrival_source']")" = live_mid ] || fail "arrival not the live mid: $(cat "$WORK/p1d.json")"
python3 -c "import json; a=float(json.load(open('$WORK/p1d.json'))['arrival_px']); assert 228.3 < a < 228.8, a" \
  || fail "arrival mid not near the book"
# b. Both venues jump 8%: the instrument pauses, a new order is held, then
#    goes on when the move is over, collared at the new mid (246.80; the
#    previous close, 228.52, would have refused 246.00).
kill -USR1 "$vp_PID" "$vq_PID"
wait_state AAPL paused 5
$O order new AAPL buy 100 --px 246.00 --timeout 15 > "$WORK/p2.json" || fail "order during the pause"
[ "$(json "$WORK/p2.json" "j['event']")" = accepted ] || fail "held order not accepted after the pause: $(cat "$WORK/p2.json")"
grep -q "order_id=$(json "$WORK/p2.json" "j['order_id']") instrument=AAPL.XNAS event=held_for_volatility" "$WORK/runP.log" \
  || fail "the order was not held for the volatility pause"
grep -q "instrument=AAPL.XNAS event=volatility_held_released" "$WORK/runP.log" || fail "held orders not released"
# c. Near the old price: outside the collar around the live mid.
$O order new AAPL buy 100 --px 229.00 > "$WORK/p3.json" || fail "order new"
[ "$(json "$WORK/p3.json" "j['event']")" = rejected ] && grep -q "price_collar\|bps from reference 246" "$WORK/p3.json" \
  || fail "229.00 was not collared at the live mid: $(cat "$WORK/p3.json")"
# d. The feed goes silent: stale after 1 s, orders fail closed.
kill -USR2 "$vp_PID" "$vq_PID"
wait_state AAPL stale 5
$O order new AAPL buy 100 --px 246.00 > "$WORK/p4.json" || fail "order new"
[ "$(json "$WORK/p4.json" "j['event']")" = rejected ] && grep -q "is stale (no update for" "$WORK/p4.json" \
  || fail "a stale feed did not fail closed: $(cat "$WORK/p4.json")"
# e. The feed comes back: trading resumes.
kill -USR2 "$vp_PID" "$vq_PID"
wait_state AAPL fresh 5
$O order new AAPL buy 100 --px 246.00 > "$WORK/p5.json" || fail "order new"
[ "$(json "$WORK/p5.json" "j['event']")" = accepted ] || fail "not accepted once fresh: $(cat "$WORK/p5.json")"
kill "$PP"; wait "$PP" 2>/dev/null || true
stop_venue vp; stop_venue vq
[ "$(venue_stat vp jumps)" = 1 ] && [ "$(venue_stat vq md_requests)" -gt 0 ] || fail "venue counters: $(cat "$WORK/vq.out")"
echo "ok: market data: live-mid collar and arrival, volatility hold and release, stale feed fails closed"
passed=$((passed + 1))
fi

echo "fix venues: $passed passed, 0 failed"
