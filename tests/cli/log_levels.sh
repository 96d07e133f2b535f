#!/usr/bin/env bash
# log_levels.sh KAIROS MPIEXEC SCENARIO_DIR
#
# Named loggers and their levels: a model's debug lines appear only when its
# class's logger is lowered (by its name or a prefix), stamped with tick,
# diasca and actor and the same on every rank count; --quiet drops the info
# lines (a checkpoint's "committed"); a level or a logger that does not
# exist is a usage error (exit 2) naming it; on several ranks only rank 0
# writes unless --log-all-ranks, which prefixes every line with its rank.
set -euo pipefail
kairos=$1
mpiexec=$2
scenarios=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $1"; shift; for f in "$@"; do echo "--- $f"; cat "$f"; done; exit 1; }
grid() { "$kairos" run "$scenarios/grid.toml" --set 'simulation.stop="1d"' --output "$work/out-$1" "${@:2}"; }

grid default > /dev/null 2> "$work/default.err"
grep -q "grid.head_end" "$work/default.err" && fail "a debug line was written at the default level" "$work/default.err"

grid debug --log-level grid=debug > /dev/null 2> "$work/debug.err"
pattern='^kairos: debug: \[grid\.head_end\] tick [0-9]+ end of tick actor 0: [0-9.]+ kWh this period, over the limit of 7000\.0: curtailing'
lines=$(grep -cE "$pattern" "$work/debug.err" || true)
[ "$lines" -ge 1 ] || fail "no curtailment line with --log-level grid=debug" "$work/debug.err"
grep -q '\[time\]' "$work/debug.err" && fail "grid=debug lowered the time logger too" "$work/debug.err"

grid exact --log-level debug --log-level grid.head_end=info > /dev/null 2> "$work/exact.err"
grep -q '^kairos: debug: \[time\] window from tick 0 done' "$work/exact.err" || fail "--log-level debug did not reach the time logger" "$work/exact.err"
grep -q 'grid.head_end' "$work/exact.err" && fail "a later NAME=LEVEL did not win over LEVEL" "$work/exact.err"

# The same model lines on two ranks (the head end lives on rank 0).
"$mpiexec" -n 2 "$kairos" run "$scenarios/grid.toml" --set 'simulation.stop="1d"' --output "$work/out-np2" \
  --log-level grid=debug > /dev/null 2> "$work/np2.err"
diff <(grep -E "$pattern" "$work/debug.err") <(grep -E "$pattern" "$work/np2.err") > /dev/null ||
  fail "the model's lines differ on 2 ranks" "$work/np2.err"

"$mpiexec" -n 2 "$kairos" run "$scenarios/grid.toml" --set 'simulation.stop="1h"' --output "$work/out-ranks" \
  --log-level engine=debug > /dev/null 2> "$work/rank0.err"
[ "$(grep -c '^kairos: debug: \[engine\] rank . of 2' "$work/rank0.err")" = 1 ] || fail "not rank 0 alone" "$work/rank0.err"
"$mpiexec" -n 2 "$kairos" run "$scenarios/grid.toml" --set 'simulation.stop="1h"' --output "$work/out-all" \
  --log-level engine=debug --log-all-ranks > /dev/null 2> "$work/all.err"
grep -q '^kairos: rank 0: debug: \[engine\] rank 0 of 2' "$work/all.err" || fail "rank 0's line is missing" "$work/all.err"
grep -q '^kairos: rank 1: debug: \[engine\] rank 1 of 2' "$work/all.err" || fail "rank 1's line is missing" "$work/all.err"

"$kairos" run "$scenarios/phold.toml" --output "$work/out-ckpt" --checkpoint-every 500 > /dev/null 2> "$work/ckpt.err"
grep -q '^kairos: checkpoint ckpt-.* committed' "$work/ckpt.err" || fail "no committed line at the default level" "$work/ckpt.err"
"$kairos" run "$scenarios/phold.toml" --output "$work/out-quiet" --checkpoint-every 500 --quiet > /dev/null 2> "$work/quiet.err"
[ -s "$work/quiet.err" ] && fail "--quiet still wrote info lines" "$work/quiet.err"

# Each refused with exit 2, named, and with what would have been accepted.
check_bad() {
  set +e
  grid bad --log-level "$1" > /dev/null 2> "$work/bad.err"
  status=$?
  set -e
  [ "$status" = 2 ] || fail "--log-level $1: exit $status, not 2" "$work/bad.err"
  grep -q -- "--log-level $1: $2" "$work/bad.err" || fail "--log-level $1: not named with '$2'" "$work/bad.err"
}
check_bad loud "give LEVEL or NAME=LEVEL, LEVEL one of trace"
check_bad =debug "give LEVEL or NAME=LEVEL"
check_bad nosuch=debug "no logger is named 'nosuch' .*(loggers: engine, time, transport, checkpoint, .*grid.meter"
echo "ok: $lines curtailment line(s) at debug, identical on 2 ranks; rank 0 alone unless --log-all-ranks; --quiet silent"
