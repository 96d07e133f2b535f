#!/usr/bin/env bash
# Scale-out: how set-up, the end of the run and memory grow with the actor
# count. For each size, one run of PHOLD (L=0.1, r=0.1, one start event per
# LP, E=1: a few diascas of real work) or of idle actors (bench.idle: no
# state, no behaviour), printing loop, set-up and end-of-run seconds (digest
# and results.h5), their share of the loop, peak RSS per rank (rank 0, the
# median rank, the largest) and summed, bytes per actor, and the digest.
#
#   bench/scale.sh RANKS phold|idle N...      e.g. bench/scale.sh 2 phold 1e6 1e7 3e7
#
# RANKS 1 runs without mpirun. KAIROS (default build/bin/kairos) and
# MPIRUN_FLAGS (e.g. "--map-by core --bind-to core") may be set; THREADS
# (default 1) is passed as --threads. Peak RSS comes from each rank's
# getrusage, so it covers the whole run, the end of the run included.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kairos=${KAIROS:-$root/build/bin/kairos}
scenarios=${SCENARIOS:-$root}
ranks=$1 kind=$2
shift 2
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
launch=()
[ "$ranks" != 1 ] && launch=(mpirun -n "$ranks" ${MPIRUN_FLAGS:---oversubscribe})
printf '| kind | actors | ranks | loop s | set-up s | end s | (set-up+end)/loop | command s | peak RSS MiB rank 0 / median / max / sum | B per actor | digest |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|\n'
for size in "$@"; do
  n=$(/usr/bin/python3 -c "print(int(float('$size')))")
  case $kind in
    phold) args=("$scenarios/scenarios/phold.toml" --set "phold.lps=$n" --set phold.end=1 --set phold.lookahead=0.1
                 --set phold.remote=0.1 --set phold.start_events=1) ;;
    idle) args=("$scenarios/bench/idle.toml" --set "actors.0.count=$n") ;;
    *) echo "kind must be phold or idle" >&2; exit 2 ;;
  esac
  rm -rf "$out/run"
  start=$(date +%s.%N)
  "${launch[@]}" "$kairos" run "${args[@]}" --threads "${THREADS:-1}" --output "$out/run" >/dev/null
  end=$(date +%s.%N)
  /usr/bin/python3 - "$out/run/summary.json" "$kind" "$n" "$ranks" "$start" "$end" <<'PY'
import json, statistics, sys
s = json.load(open(sys.argv[1]))
kind, n, ranks = sys.argv[2], int(sys.argv[3]), sys.argv[4]
command = float(sys.argv[6]) - float(sys.argv[5])
rss = s["peak_rss_bytes_per_rank"]
mib = lambda b: b / 2**20
loop, setup, end = s["wall_seconds"], s["setup_seconds"], s["end_seconds"]
print(f"| {kind} | {n:.3g} | {ranks} | {loop:.2f} | {setup:.2f} | {end:.2f} | {(setup + end) / loop:.2f} | {command:.1f} "
      f"| {mib(rss[0]):.0f} / {mib(statistics.median(rss)):.0f} / {mib(max(rss)):.0f} / {mib(sum(rss)):.0f} "
      f"| {sum(rss) / n:.0f} | {s['digest']} |")
PY
done
