#!/usr/bin/env bash
# Engine memory per actor: peak RSS of a run of N idle actors (bench.idle,
# no state, no behaviour) divided by N, for N = 10^6 and 10^7. The baseline
# RSS of an empty run is printed too, so the per-actor share is visible.
#   bench/memory.sh [N...]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kairos=$root/build/bin/kairos
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '| idle actors | peak RSS (MiB) | bytes per actor | first diasca wall (s) |\n|---|---|---|---|\n'
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(0 1000000 10000000)
for n in "${sizes[@]}"; do
  "$kairos" run "$root/bench/idle.toml" --set "actors.0.count=$n" --output "$out" >/dev/null
  /usr/bin/python3 - "$out/summary.json" "$n" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); n = int(sys.argv[2])
per = f"{s['peak_rss_bytes'] / n:.1f}" if n else "-"
print(f"| {n:,} | {s['peak_rss_bytes'] / 2**20:.0f} | {per} | {s['wall_seconds']:.3f} |")
PY
done
