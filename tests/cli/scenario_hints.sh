#!/usr/bin/env bash
# scenario_hints.sh KAIROS SCENARIO_DIR
#
# The --set overrides a shipped scenario suggests in its header comments
# must work: each scenario runs with them (briefly) and exits 0.
set -euo pipefail
kairos=$1
dir=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for scenario in "$dir"/*.toml; do
  mapfile -t sets < <(grep '^#' "$scenario" | grep -o -- '--set [^ ]*' | sed 's/^--set //')
  args=()
  for s in "${sets[@]}"; do args+=(--set "$s"); done
  # A short run: the scenario's own stop key, shortened.
  if grep -q '^stop *=' "$scenario"; then args+=(--set 'simulation.stop="100ms"'); else args+=(--set simulation.stop_tick=5); fi
  if ! "$kairos" run "$scenario" "${args[@]}" --output "$out/run" >"$out/log" 2>&1; then
    echo "FAIL: $(basename "$scenario") with its suggested overrides (${sets[*]}):"
    cat "$out/log"
    exit 1
  fi
  echo "ok: $(basename "$scenario") runs with its suggested overrides: ${sets[*]:-none}"
done
