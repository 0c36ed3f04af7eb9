#!/usr/bin/env bash
# Config that names something unknown is refused at start-up, before the
# store is opened: each case exits 2 with the file, key and value in the
# message, and creates no data directory.
# usage: config_refusals.sh NODE SOURCE_DIR
NODE=$1 SRC=$2
. "$SRC/tests/integration/lib.sh"
cd "$SRC"
n=0
# refuse NAME "MESSAGE" SED-EXPRESSION [APPENDED TOML]
refuse() {
  local name=$1 want=$2 expr=$3 extra=${4:-}
  local cfg="$WORK/$name.toml"
  sed -e "$expr" config/single-node.toml > "$cfg"
  [ -n "$extra" ] && printf '%s\n' "$extra" >> "$cfg"
  set +e
  timeout 30 "$NODE" --config "$cfg" --data-dir "$WORK/$name.data" > "$WORK/$name.out" 2> "$WORK/$name.err"
  local rc=$?
  set -e
  [ "$rc" = 2 ] || { cat "$WORK/$name.err"; fail "$name: exit $rc, expected 2"; }
  grep -qF -- "$cfg: $want" "$WORK/$name.err" || { cat "$WORK/$name.err"; fail "$name: message does not name '$want'"; }
  [ ! -e "$WORK/$name.data" ] || fail "$name: a data directory was created"
  n=$((n + 1))
}
refuse symbol_key 'risk.instrument."BRK.A": '"'"'BRK.A'"'"' is not an instrument id; it resolves to BRK.A.XNYS' \
  's/^\[risk.instrument."BRK.A.XNYS"\]/[risk.instrument."BRK.A"]/'
refuse case_key 'risk.instrument."brk.a.xnys"' 's/^\[risk.instrument."BRK.A.XNYS"\]/[risk.instrument."brk.a.xnys"]/'
refuse restricted_symbol "risk.restricted[0]: 'SMCI' is not an instrument id; it resolves to SMCI.XNAS" \
  's/^restricted = \["SMCI.XNAS"\]/restricted = ["SMCI"]/'
refuse restricted_unknown "risk.restricted[0]: 'SMCX.XNAS' is not an instrument of reference data" \
  's/^restricted = \["SMCI.XNAS"\]/restricted = ["SMCX.XNAS"]/'
refuse route_unknown "routing.rule[3].instrument: 'BRK.A.XNAS' is not an instrument" \
  's/^instrument = "BRK.A.XNYS"/instrument = "BRK.A.XNAS"/'
refuse strategy_typo "risk.strategy.dmeo: 'dmeo' is not one of risk.strategies" 's/^\[risk.strategy.demo\]/[risk.strategy.dmeo]/'
refuse demo_symbols "demo.symbols[1]: 'NOSUCH' does not resolve" 's/^symbols = .*/symbols = ["AAPL", "NOSUCH"]/'
refuse fix_venue "venue[4](FIXV).target_comp_id: missing (required)" 's/^x//' \
  $'[[venue]]\nid = "FIXV"\nkind = "fix"\nhost = "127.0.0.1"\nport = 9876\nsender_comp_id = "DESK"'
# A command-line override is validated like its key.
set +e
timeout 30 "$NODE" --config config/single-node.toml --data-dir "$WORK/o.data" --orders 0 > /dev/null 2> "$WORK/o.err"
rc=$?
set -e
[ "$rc" = 2 ] && grep -q -- "--orders" "$WORK/o.err" || { cat "$WORK/o.err"; fail "--orders 0: exit $rc"; }
[ ! -e "$WORK/o.data" ] || fail "--orders 0: a data directory was created"
echo "config refusals: $((n + 1)) passed, 0 failed"
