#!/usr/bin/env bash
# Coordination cost: wall time per empty diasca (one actor acting every tick,
# sending nothing; see bench/ticker.toml) for each way ranks agree
# (--coordination node, the default; collective; and the tree at fan-outs 2,
# 4 and 16), next to the MPI floor measured in the same command
# (kairos_allreduce_floor): an 8-byte MPI_Allreduce, the engine's agreement
# alone (one MPI_Allreduce of its packed element, 1 word up to 8 ranks, with a
# user-defined operation), the same element through MPI_Iallreduce, and
# through the node's shared memory (node_reduction). Medians of REPEATS
# runs, the modes interleaved so that drift hits them alike; ratios are to
# the 8-byte MPI_Allreduce.
#   bench/coordination.sh [REPEATS]
# TICKS (default 200000: empty diascas per run), RANKS (default "1 2 4 8 16"), KAIROS, FLOOR (the floor program) and
# MPIRUN_FLAGS (default --oversubscribe) may be set. Ranks beyond the cores
# time-share them: such figures measure scheduling more than the protocol.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kairos=${KAIROS:-$root/build/bin/kairos}
floor=${FLOOR:-$(dirname "$kairos")/kairos_allreduce_floor}
ticker=${TICKER:-$root/bench/ticker.toml}
repeats=${1:-5}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ticks=(--set "actors.0.params.ticks=${TICKS:-200000}")
modes=("node" "collective" "tree 2" "tree 4" "tree 16")
printf '| ranks | Allreduce 8 B us | agreement alone us (words) | Iallreduce of it us | node reduction of it us (nodes) | node us (x Allreduce) | collective us (x) | tree k=2 us (x) | tree k=4 us (x) | tree k=16 us (x) |\n'
printf '|---|---|---|---|---|---|---|---|---|---|\n'
for np in ${RANKS:-1 2 4 8 16}; do
  launch=(mpirun -n "$np" ${MPIRUN_FLAGS:---oversubscribe})
  floor_line="allreduce8_us=0 agreement_us=0 agreement_words=0 iallreduce_us=0 node_us=0 nodes=0"
  [ "$np" != 1 ] && floor_line=$("${launch[@]}" "$floor")
  for ((i = 0; i < repeats; i++)); do
    for m in "${!modes[@]}"; do
      read -r mode fanout <<<"${modes[$m]}"
      if [ "$np" = 1 ]; then
        [ "$m" = 0 ] && "$kairos" run "$ticker" "${ticks[@]}" --output "$out/$m-$i" >/dev/null
      else
        "${launch[@]}" "$kairos" run "$ticker" "${ticks[@]}" --coordination "$mode" --tm-fanout "${fanout:-4}" \
          --output "$out/$m-$i" >/dev/null
      fi
    done
  done
  /usr/bin/python3 - "$out" "$repeats" "$np" "${#modes[@]}" "$floor_line" <<'PY'
import json, os, statistics, sys
out, n, np, modes, floor_line = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
floor = dict(item.split("=") for item in floor_line.split())
allreduce = float(floor["allreduce8_us"])
cells = []
for m in range(modes):
    paths = [f"{out}/{m}-{i}/summary.json" for i in range(n)]
    if not os.path.exists(paths[0]):
        cells.append("-")
        continue
    runs = [json.load(open(p)) for p in paths]
    us = statistics.median(r["wall_seconds"] / r["diascas"] * 1e6 for r in runs)
    cells.append(f"{us:.2f} ({us / allreduce:.2f}x)" if allreduce > 0 else f"{us:.2f}")
print(f"| {np} | {allreduce:.2f} | {float(floor['agreement_us']):.2f} ({floor['agreement_words']}) | {float(floor['iallreduce_us']):.2f} | "
      f"{float(floor['node_us']):.2f} ({floor['nodes']}) | "
      + " | ".join(cells) + " |")
PY
  rm -rf "${out:?}"/*
done
