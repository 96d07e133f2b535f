#!/usr/bin/env bash
# Sim-Diasca's soda benchmarking case (docs/benchmarks.md) at its three
# scales, 1 and 2 threads, median of REPEATS runs: activations per second of
# the simulation loop and peak RSS, to set beside Sim-Diasca 2.4.7's figures.
#   bench/soda_bench.sh [REPEATS]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kairos=$root/build/bin/kairos
repeats=${1:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# scale label, machines, deterministic customers, stochastic customers, Sim-Diasca act/s, Sim-Diasca MB
scales=("60+360 60 120 240 460000 100" "240+1440 240 480 960 300000 190" "960+5760 960 1920 3840 221000 567")
printf '| scale | threads | activations | Mact/s median (min-max) | vs Sim-Diasca | peak RSS (MiB) | vs Sim-Diasca memory | digest |\n|---|---|---|---|---|---|---|---|\n'
for s in "${scales[@]}"; do
  read -r label m cd cs sd_rate sd_mb <<<"$s"
  for t in 1 2; do
    for ((i = 0; i < repeats; i++)); do
      "$kairos" run "$root/scenarios/soda-benchmark.toml" --threads "$t" --output "$out/$i" \
        --set actors.2.count="$m" --set actors.3.count="$cd" --set actors.4.count="$cs" >/dev/null
    done
    /usr/bin/python3 - "$out" "$repeats" "$label" "$t" "$sd_rate" "$sd_mb" <<'PY'
import json, statistics, sys
out, n, label, t, sd_rate, sd_mb = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5]), float(sys.argv[6])
runs = [json.load(open(f"{out}/{i}/summary.json")) for i in range(n)]
rates = [r["activations"] / r["wall_seconds"] / 1e6 for r in runs]
med = statistics.median(rates)
rss = max(r["peak_rss_bytes"] for r in runs) / 2**20
digests = {r["digest"] for r in runs}
print(f"| {label} | {t} | {runs[0]['activations']:,} | {med:.1f} ({min(rates):.1f}-{max(rates):.1f}) | "
      f"{med * 1e6 / sd_rate:.0f}x | {rss:.0f} | {sd_mb / rss:.0f}x less | {'same' if len(digests) == 1 else 'DIFFER'} |")
PY
  done
done
