#!/usr/bin/env bash
# Nothing destroys data it does not own, and the checker changes nothing:
# real ordermesh-node and ordermesh-check processes against real directories.
#   --fresh on a dir of unrelated files: exit 9, the files stay
#   --fresh on a running node's dir: exit 8 naming the pid, its data intact
#   a second node on a running node's dir: exit 8
#   ordermesh-check on a running node's dir: works read-only, says "node running (pid N)"
#   ordermesh-check leaves every file of the store as it was (sizes, mtimes)
#   ordermesh-check on an empty or missing dir: non-zero, nothing created
#   --fresh on our own stopped dir: clears the store, keeps a file that is not ours
#   a corrupt WAL: the node exits 10 naming the file, instead of dropping records
# usage: data_dir_safety.sh NODE CHECK SOURCE_DIR
NODE=$1 CHECK=$2 SRC=$3
. "$SRC/tests/integration/lib.sh"
cd "$SRC"
CFG=config/single-node.toml
# listing DIR [EXCLUDE_REGEX]: every entry with size and mtime (ns), sorted.
listing() { (cd "$1" && find . -printf '%p %s %T@\n' | grep -v -E "${2:-^$}" | sort); }
run() { # run NAME ARGS...: runs the node to completion, RC and log in $WORK/NAME.log
  local name=$1; shift
  set +e
  timeout 120 "$NODE" --config "$CFG" "$@" > "$WORK/$name.out" 2> "$WORK/$name.log"
  RC=$?
  set -e
}

# -- 1. a directory that is not ours ----------------------------------------------
mkdir -p "$WORK/foreign/sub"
echo "precious" > "$WORK/foreign/notes.txt"
echo "more" > "$WORK/foreign/sub/file"
run foreign --data-dir "$WORK/foreign" --fresh --orders 10
[ "$RC" = 9 ] || { cat "$WORK/foreign.log"; fail "--fresh on a foreign dir: rc $RC, want 9"; }
grep -q "not an ordermesh data dir" "$WORK/foreign.log" || fail "no clear message for a foreign dir"
grep -q "$WORK/foreign" "$WORK/foreign.log" || fail "the message does not name the dir"
[ "$(cat "$WORK/foreign/notes.txt")" = precious ] && [ -f "$WORK/foreign/sub/file" ] \
  || fail "--fresh destroyed unrelated files"
[ "$(ls -A "$WORK/foreign" | tr '\n' ' ')" = "notes.txt sub " ] || fail "something was written into the foreign dir: $(ls -A "$WORK/foreign")"
run foreign2 --data-dir "$WORK/foreign" --orders 10
[ "$RC" = 9 ] || { cat "$WORK/foreign2.log"; fail "a start on a foreign dir: rc $RC, want 9"; }
echo "ok: foreign dir refused (9), files intact"

# -- 2. a running node ------------------------------------------------------------
"$NODE" --config "$CFG" --data-dir "$WORK/n1" --fresh --orders 300 --rate 3000 --hold \
  > "$WORK/n1.out" 2> "$WORK/n1.log" &
PID=$!
PIDS+=("$PID")
for _ in $(seq 1 300); do
  grep -q "running; stop with" "$WORK/n1.log" && break
  sleep 0.1
done
grep -q "running; stop with" "$WORK/n1.log" || { tail "$WORK/n1.log"; fail "node did not finish its demo"; }
[ -f "$WORK/n1/ORDERMESH" ] && grep -q "^node=n1$" "$WORK/n1/ORDERMESH" || fail "no ORDERMESH marker naming n1"
"$CHECK" --data-dir "$WORK/n1" --json > "$WORK/check_run.json" 2> "$WORK/check_run.err" \
  || { cat "$WORK/check_run.err"; fail "check on a running node's dir failed"; }
[ "$(json "$WORK/check_run.json" "j['node_running']")" = True ] || fail "check does not see the node running"
[ "$(json "$WORK/check_run.json" "j['node_pid']")" = "$PID" ] || fail "check reports pid $(json "$WORK/check_run.json" "j.get('node_pid')"), want $PID"
ORDERS=$(json "$WORK/check_run.json" "j['orders']")
[ "$ORDERS" -gt 200 ] || fail "check read only $ORDERS orders of a running node"
"$CHECK" --data-dir "$WORK/n1" > "$WORK/check_run.txt" 2>&1 || { cat "$WORK/check_run.txt"; fail "check (text) failed"; }
grep -q "node running (pid $PID)" "$WORK/check_run.txt" || { cat "$WORK/check_run.txt"; fail "no 'node running (pid $PID)'"; }

# The running node's own info log may grow; its data files may not.
listing "$WORK/n1" '/LOG' > "$WORK/before_fresh"
run fresh_running --data-dir "$WORK/n1" --fresh --orders 10
[ "$RC" = 8 ] || { cat "$WORK/fresh_running.log"; fail "--fresh on a running node's dir: rc $RC, want 8"; }
grep -q "in use by another ordermesh node (pid $PID" "$WORK/fresh_running.log" \
  || { cat "$WORK/fresh_running.log"; fail "the refusal does not name the holder's pid"; }
grep -q "$WORK/n1" "$WORK/fresh_running.log" || fail "the refusal does not name the dir"
run second --data-dir "$WORK/n1" --orders 10
[ "$RC" = 8 ] || { cat "$WORK/second.log"; fail "a second node on the same dir: rc $RC, want 8"; }
listing "$WORK/n1" '/LOG' > "$WORK/after_fresh"
diff "$WORK/before_fresh" "$WORK/after_fresh" || fail "the running node's data dir changed"
kill -0 "$PID" 2>/dev/null || fail "the running node died"
"$CHECK" --data-dir "$WORK/n1" --json > "$WORK/check_run2.json" || fail "check after the refusals"
[ "$(json "$WORK/check_run2.json" "j['orders']")" = "$ORDERS" ] || fail "the running node's orders changed"
echo "ok: running node's dir refused (8) for --fresh and a second node; check sees pid $PID"

kill -TERM "$PID"
set +e
wait "$PID"
RC=$?
set -e
[ "$RC" = 0 ] || { tail "$WORK/n1.log"; fail "node exited $RC on SIGTERM"; }

# -- 3. the checker is read-only ----------------------------------------------------
listing "$WORK/n1" > "$WORK/before_check"
"$CHECK" --data-dir "$WORK/n1" --all-terminal --json > "$WORK/check_stopped.json" \
  || { cat "$WORK/check_stopped.json"; fail "check on the stopped store"; }
[ "$(json "$WORK/check_stopped.json" "j['node_running']")" = False ] || fail "check says a stopped node runs"
listing "$WORK/n1" > "$WORK/after_check"
diff "$WORK/before_check" "$WORK/after_check" || fail "ordermesh-check modified the store's files"
mkdir "$WORK/empty"
set +e
"$CHECK" --data-dir "$WORK/empty" > "$WORK/check_empty.out" 2> "$WORK/check_empty.err"
RC=$?
set -e
[ "$RC" != 0 ] || fail "check on an empty dir exited 0"
grep -q "holds no ordermesh store" "$WORK/check_empty.err" || { cat "$WORK/check_empty.err"; fail "no clear message for an empty dir"; }
[ -z "$(ls -A "$WORK/empty")" ] || fail "check wrote into an empty dir: $(ls -A "$WORK/empty")"
set +e
"$CHECK" --data-dir "$WORK/missing" > /dev/null 2>&1
RC=$?
set -e
[ "$RC" != 0 ] && [ ! -e "$WORK/missing" ] || fail "check on a missing dir: rc $RC, or it created it"
echo "ok: check changes nothing, refuses a dir without a store"

# -- 4. --fresh on our own stopped dir ------------------------------------------------
echo "mine" > "$WORK/n1/operator-notes.txt"
run fresh_own --data-dir "$WORK/n1" --fresh --orders 20 --rate 2000 --json
[ "$RC" = 0 ] || { tail "$WORK/fresh_own.log"; fail "--fresh on our own stopped dir: rc $RC"; }
[ "$(cat "$WORK/n1/operator-notes.txt")" = mine ] || fail "--fresh removed a file that is not ours"
grep -q "event=data_dir_kept" "$WORK/fresh_own.log" || fail "--fresh did not log the kept file"
"$CHECK" --data-dir "$WORK/n1" --all-terminal --json > "$WORK/check_fresh.json" || fail "check after --fresh"
[ "$(json "$WORK/check_fresh.json" "j['orders'] <= 20")" = True ] || fail "--fresh did not clear the store ($(json "$WORK/check_fresh.json" "j['orders']") orders)"
echo "ok: --fresh cleared our store, kept the operator's file"

# -- 5. a corrupt WAL ------------------------------------------------------------------
WAL=$(ls -S "$WORK/n1/db/"*.log 2>/dev/null | head -1)
[ -n "$WAL" ] || fail "no WAL to corrupt in $WORK/n1/db"
SIZE=$(stat -c %s "$WAL")
[ "$SIZE" -gt 1000 ] || fail "WAL $WAL too small ($SIZE bytes)"
printf 'GARBAGE-GARBAGE-GARBAGE-GARBAGE' | dd of="$WAL" bs=1 seek=$((SIZE / 2)) conv=notrunc 2>/dev/null
run corrupt --data-dir "$WORK/n1" --orders 10
[ "$RC" = 10 ] || { tail "$WORK/corrupt.log"; fail "corrupt WAL: rc $RC, want 10"; }
grep -q "store_corrupt: .*$(basename "$WAL")" "$WORK/corrupt.log" || { cat "$WORK/corrupt.log"; fail "the corruption error does not name $(basename "$WAL")"; }
echo "ok: corrupt WAL refused (10), naming $(basename "$WAL")"

# -- 6. an emptied WAL after a clean stop: lost writes are detected ------------------------
run clean --data-dir "$WORK/w1" --orders 200 --rate 2000
[ "$RC" = 0 ] || { tail "$WORK/clean.log"; fail "clean run: rc $RC"; }
grep -q "event=watermark incarnation=1 sequence=[1-9]" "$WORK/clean.log" || fail "no watermark at the clean stop"
WAL=$(ls -t "$WORK/w1/db/"*.log | head -1)
[ "$(stat -c %s "$WAL")" -gt 0 ] || fail "the newest WAL $WAL is already empty"
: > "$WAL"
run emptied --data-dir "$WORK/w1" --orders 10
[ "$RC" = 10 ] || { tail "$WORK/emptied.log"; fail "emptied WAL after a clean stop: rc $RC, want 10"; }
grep -q "lost writes: its last sequence is" "$WORK/emptied.log" || { tail -3 "$WORK/emptied.log"; fail "no clear lost-writes message"; }
echo "ok: emptied WAL after a clean stop refused (10)"

# -- 7. an emptied WAL after a crash: the incarnation (and so order ids) never goes back -----
run crash1 --data-dir "$WORK/w2" --orders 50 --rate 2000
[ "$RC" = 0 ] || { tail "$WORK/crash1.log"; fail "first run: rc $RC"; }
"$NODE" --config "$CFG" --data-dir "$WORK/w2" --orders 100000 --rate 500 > /dev/null 2> "$WORK/crash2.log" &
P=$!
PIDS+=("$P")
for _ in $(seq 1 100); do grep -q "event=ready" "$WORK/crash2.log" && break; sleep 0.1; done
grep -q "event=starting incarnation=2" "$WORK/crash2.log" || fail "second run is not incarnation 2"
sleep 1
kill -9 "$P"; wait "$P" 2>/dev/null || true
WAL=$(ls -t "$WORK/w2/db/"*.log | head -1)
: > "$WAL" # the newest log, with incarnation 2's counter and orders, is gone
run crash3 --data-dir "$WORK/w2" --orders 10 --rate 2000
[ "$RC" = 0 ] || { tail "$WORK/crash3.log"; fail "start after the crash: rc $RC"; }
INC=$(grep -o "event=starting incarnation=[0-9]*" "$WORK/crash3.log" | grep -o "[0-9]*$")
[ "$INC" -ge 3 ] || fail "incarnation went back to $INC after the newest WAL was lost: order ids of incarnation 2 would be reused"
echo "ok: incarnation $INC after losing the newest WAL (2 was taken)"

# -- 8. a truncated WAL: refused, never a smaller store that "holds" ---------------------
run trunc1 --data-dir "$WORK/w3" --orders 300 --rate 3000
[ "$RC" = 0 ] || { tail "$WORK/trunc1.log"; fail "run before truncation: rc $RC"; }
WAL=$(ls -t "$WORK/w3/db/"*.log | head -1)
truncate -s $(( $(stat -c %s "$WAL") / 2 )) "$WAL"
run trunc2 --data-dir "$WORK/w3" --orders 10
[ "$RC" = 10 ] || { tail "$WORK/trunc2.log"; fail "truncated WAL: rc $RC, want 10"; }
grep -q "store_corrupt" "$WORK/trunc2.log" || fail "truncated WAL: no store_corrupt message"
echo "ok: truncated WAL refused (10): $(grep -o 'store_corrupt: [^"]*' "$WORK/trunc2.log" | head -1 | cut -c1-120)"

# -- 9. a corrupt table file: named at start-up, by the node and by the checker ------------
run sst1 --data-dir "$WORK/w4" --orders 300 --rate 3000
run sst2 --data-dir "$WORK/w4" --orders 10 --rate 3000 # its open flushes the first run's WAL into tables
[ "$RC" = 0 ] || { tail "$WORK/sst2.log"; fail "second run: rc $RC"; }
SST=$(ls -S "$WORK/w4/db/"*.sst | head -1)
[ -n "$SST" ] || fail "no table file in $WORK/w4/db"
printf 'GARBAGE-GARBAGE-GARBAGE-GARBAGE' | dd of="$SST" bs=1 seek=$(( $(stat -c %s "$SST") / 3 )) conv=notrunc 2>/dev/null
run sst3 --data-dir "$WORK/w4" --orders 10
[ "$RC" = 10 ] || { tail "$WORK/sst3.log"; fail "corrupt table file: rc $RC, want 10"; }
grep -q "store_corrupt: .*$(basename "$SST")" "$WORK/sst3.log" || { tail -3 "$WORK/sst3.log"; fail "the error does not name $(basename "$SST")"; }
set +e
"$CHECK" --data-dir "$WORK/w4" > "$WORK/check_sst.out" 2>&1
RC=$?
set -e
[ "$RC" != 0 ] && grep -q "$(basename "$SST")" "$WORK/check_sst.out" || { cat "$WORK/check_sst.out"; fail "check on a corrupt table file: rc $RC"; }
echo "ok: corrupt table file $(basename "$SST") named by the node (10) and the checker ($RC)"
echo "data dir safety: 9 passed, 0 failed"
