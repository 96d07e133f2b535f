#!/usr/bin/env bash
# static_executable.sh KAIROS KAIROS_STATIC MPIEXEC SCENARIOS
# kairos-static (the shipped models linked in, the static engine) runs the
# shipped scenarios alone in an empty directory, with no plugin to find and
# no libkairos_engine, and gives the digests of the dlopen path; on 2 ranks
# too. A plugin that was not linked in is a plugin error (exit 3).
set -euo pipefail
kairos=$1 static=$2 mpiexec=$3 scenarios=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/empty"
cp "$static" "$work/bin/kairos-static"
if ldd "$work/bin/kairos-static" | grep -q "kairos_engine"; then
  echo "kairos-static still needs the engine library:"; ldd "$work/bin/kairos-static"; exit 1
fi
digest() { sed -n 's/.*digest=\([0-9a-f]*\).*/\1/p'; }
export KAIROS_PLUGIN_PATH=$work/empty
for case in "soda-deterministic.toml" "phold.toml --set phold.end=40" "life.toml --set simulation.stop_tick=300"; do
  set -- $case
  scenario=$scenarios/$1; shift
  # The scenario is copied into the empty directory, so that its own
  # directory holds no plugin either.
  cp "$scenario" "$work/empty/"
  expected=$("$kairos" run "$scenario" "$@" --output "$work/dynamic" | digest)
  got=$(cd "$work/empty" && "$work/bin/kairos-static" run "$(basename "$scenario")" "$@" --output "$work/static" | digest)
  echo "$(basename "$scenario"): dlopen $expected, static $got"
  [ -n "$got" ] && [ "$got" = "$expected" ] || exit 1
done
two=$(cd "$work/empty" && "$mpiexec" -n 2 ${KAIROS_MPIEXEC_PREFLAGS:-} "$work/bin/kairos-static" run phold.toml \
        --set phold.end=40 --output "$work/static2" | digest)
one=$(cd "$work/empty" && "$work/bin/kairos-static" run phold.toml --set phold.end=40 --output "$work/static1" | digest)
[ "$two" = "$one" ] || { echo "2 ranks: $two, 1 rank: $one"; exit 1; }
printf '[simulation]\nplugins = ["testkit"]\n' > "$work/empty/other.toml"
set +e
(cd "$work/empty" && "$work/bin/kairos-static" run other.toml --output "$work/other") 2>"$work/err.txt"
status=$?
set -e
[ "$status" -eq 3 ] && grep -q "plugin 'testkit' not found" "$work/err.txt" || { echo "exit $status"; cat "$work/err.txt"; exit 1; }
echo "kairos-static: same digests without dlopen or the engine library, on 1 and 2 ranks"
