#!/usr/bin/env bash
# Installs this build of Kairos into a temporary prefix, builds the
# out-of-tree model in tests/external/model against it with
# find_package(Kairos), and runs a scenario with the installed kairos, the
# plugin found through KAIROS_PLUGIN_PATH.
set -euo pipefail
build=$1 here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$here/model" -B "$work/model" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/model" >/dev/null
KAIROS_PLUGIN_PATH="$work/model" "$work/prefix/bin/kairos" run "$here/greeter.toml" --output "$work/out" | tail -n 1
"$work/prefix/bin/kairos" inspect "$work/out/results.h5" | grep -q "greeter.bob: 1 sample(s), ticks 3..3"
# The shipped models were installed beside the engine and load from there.
"$work/prefix/bin/kairos" info soda | grep -q "Actor class soda.machine"
# Installed for users: the shipped models, and no test or benchmark plugin.
(cd "$work" && "$work/prefix/bin/kairos" info) > "$work/plugins.txt"
for shipped in life phold soda; do grep -q "^  $shipped  " "$work/plugins.txt" || { cat "$work/plugins.txt"; exit 1; }; done
if grep -Eq "^  (testkit|bench|badabi|notaplugin)  " "$work/plugins.txt"; then
  echo "test or benchmark plugins were installed:"; cat "$work/plugins.txt"; exit 1
fi
# The supervisor is installed beside kairos and finds it there.
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 KAIROS_PLUGIN_PATH="$work/model" \
  "$work/prefix/bin/kairos-launch" --virtual-nodes 2 --ranks-per-node 1 --launcher-args=--oversubscribe \
  --output "$work/supervised" "$here/greeter.toml" 2>&1 | grep -q "kairos-launch: finished after 0 recovery"
echo "out-of-tree model built and run against the installed engine"
