#!/usr/bin/env bash
# build_and_run.sh BUILD_DIR MPIEXEC
# What the README's "Models out of tree" section tells a model writer, done
# literally: install this build of Kairos into a temporary prefix, build
# examples/epidemic against it with find_package(Kairos), run its scenario
# with the installed kairos (the plugin found through KAIROS_PLUGIN_PATH),
# on one rank and on two, and check that it restarts exactly.
set -euo pipefail
build=$1 mpiexec=$2
example=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../examples/epidemic" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$example" -B "$work/model" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/model" >/dev/null
export KAIROS_PLUGIN_PATH="$work/model"
kairos=$work/prefix/bin/kairos
one=$("$kairos" run "$example/epidemic.toml" --output "$work/out" | tail -n 1)
two=$("$mpiexec" -n 2 "$kairos" run "$example/epidemic.toml" --output "$work/out2" | tail -n 1)
[ "${one##*digest=}" = "${two##*digest=}" ] || { echo "1 rank: $one"; echo "2 ranks: $two"; exit 1; }
# The model's own invariant, read back with h5py: nobody is lost or counted
# twice, and the epidemic did spread (most of the ring caught it).
/usr/bin/python3 - "$work/out/results.h5" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    cases = f["probes/epidemic.cases/value"][:]
    curves = [c.decode() if isinstance(c, bytes) else c for c in f["probes/epidemic.cases"].attrs["curves"]]
    assert curves == ["susceptible", "infectious", "recovered"], curves
    assert len(cases) == 364, len(cases)
    assert all(row.sum() == 2000 for row in cases), "S + I + R is not the population"
    assert cases[-1][2] > 1000, f"the epidemic did not spread: {cases[-1]}"
PY
"$kairos" check-restart "$example/epidemic.toml" --ranks-after 2 --launcher "$mpiexec -n {ranks}" | grep -q "PASS"
# Installed into the engine's prefix, the model is found without KAIROS_PLUGIN_PATH.
cmake --install "$work/model" --prefix "$work/prefix" >/dev/null
# The shipped models were installed beside the engine and load from there.
"$kairos" info soda | grep -q "Actor class soda.machine"
# Installed for users: the shipped models, and no test or benchmark plugin.
(cd "$work" && KAIROS_PLUGIN_PATH= "$kairos" info) > "$work/plugins.txt"
for shipped in life phold soda epidemic; do grep -q "^  $shipped  " "$work/plugins.txt" || { cat "$work/plugins.txt"; exit 1; }; done
if grep -Eq "^  (testkit|bench|badabi|notaplugin)  " "$work/plugins.txt"; then
  echo "test or benchmark plugins were installed:"; cat "$work/plugins.txt"; exit 1
fi
# The supervisor is installed beside kairos and finds it there.
"$work/prefix/bin/kairos-launch" --virtual-nodes 2 --ranks-per-node 1 --launcher-args=--oversubscribe \
  --output "$work/supervised" "$example/epidemic.toml" 2>&1 | grep -q "kairos-launch: finished after 0 recovery"
# With the static engine installed (-DKAIROS_STATIC=ON), the model links into
# its own command: no plugin loaded, no engine library, the plugin's digest.
static=
if [ -f "$work/prefix/lib/cmake/Kairos/KairosStaticTargets.cmake" ]; then
  cmake -S "$example" -B "$work/static" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release \
    -DEPIDEMIC_STATIC=ON >/dev/null
  cmake --build "$work/static" --target epidemic-sim >/dev/null
  if ldd "$work/static/epidemic-sim" | grep -q libkairos_engine; then
    echo "epidemic-sim links the engine library:"; ldd "$work/static/epidemic-sim"; exit 1
  fi
  alone=$(cd "$work" && KAIROS_PLUGIN_PATH=/nonexistent "$work/static/epidemic-sim" run "$example/epidemic.toml" \
    --output "$work/out-static" | tail -n 1)
  [ "${alone##*digest=}" = "${one##*digest=}" ] || { echo "static: $alone"; echo "plugin: $one"; exit 1; }
  static=", and as a static command"
fi
echo "the example model built and run against the installed engine: ${one##*digest=} on 1 and 2 ranks$static, restarts exactly"
