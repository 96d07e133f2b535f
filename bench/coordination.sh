#!/usr/bin/env bash
# Coordination cost: wall time per empty diasca (one actor acting every tick,
# sending nothing; see bench/ticker.toml) for rank counts and time-manager
# fan-outs, median of REPEATS runs, plus the coordination messages per
# diasca at the busiest rank. Ranks beyond the 2 cores are oversubscribed,
# so those figures mostly measure time-sharing: read them as an upper bound.
#   bench/coordination.sh [REPEATS]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kairos=$root/build/bin/kairos
repeats=${1:-5}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '| ranks | fan-out | tree depth | us per empty diasca, median (min-max) | coordination msgs per diasca, busiest rank |\n|---|---|---|---|---|\n'
for np in 1 2 4 8 16; do
  for fanout in 2 4 16; do
    [ "$np" = 1 ] && [ "$fanout" != 2 ] && continue
    for ((i = 0; i < repeats; i++)); do
      if [ "$np" = 1 ]; then
        "$kairos" run "$root/bench/ticker.toml" --output "$out/$i" >/dev/null
      else
        mpiexec -n "$np" --oversubscribe "$kairos" run "$root/bench/ticker.toml" --tm-fanout "$fanout" --output "$out/$i" >/dev/null
      fi
    done
    /usr/bin/python3 - "$out" "$repeats" "$np" "$fanout" <<'PY'
import json, math, statistics, sys
out, n, np, fanout = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
runs = [json.load(open(f"{out}/{i}/summary.json")) for i in range(n)]
us = [r["wall_seconds"] / r["diascas"] * 1e6 for r in runs]
depth, reach = 0, 1
while reach < np:
    depth += 1
    reach += fanout ** depth
msgs = runs[0].get("coordination_messages_busiest_rank", 0) / runs[0]["diascas"]
print(f"| {np} | {fanout if np > 1 else '-'} | {depth} | {statistics.median(us):.1f} ({min(us):.1f}-{max(us):.1f}) | {msgs:.1f} |")
PY
  done
done
