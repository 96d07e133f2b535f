#!/usr/bin/env bash
# The figures of the threads-and-coordination work on a 16-core machine, in
# one command (about 8 minutes): the coordination cost beside the MPI floor
# at 2, 4, 8 and 16 ranks, then bench/scaling.py's strong, weak, thread and
# hybrid table up to 16 cores, one rank or thread per core; then lookahead
# windows against per-diasca agreement on the four rows of ROSS's 16-core
# figures (bench/windows.py --scaling-only, about 2 minutes); last, one
# rank's checkpoint by thread count (bench/capture_threads.py, 10^7 LPs,
# about a minute). Run from the
# project root with a bundle beside it (see bench/scale16.sh), into which
# the floor program was copied after making it:
#   cp build/bin/kairos_allreduce_floor .bench16/kairos/bin/
#   bash bench/scaling16.sh [BUNDLE]          BUNDLE defaults to .bench16
set -euo pipefail
bundle=${1:-.bench16}
here=$(dirname "${BASH_SOURCE[0]}")
export KAIROS=$bundle/kairos/bin/kairos SCENARIOS=$bundle/kairos MPIRUN_FLAGS="--map-by core --bind-to core"
export TICKER=$bundle/kairos/bench/ticker.toml FLOOR=$bundle/kairos/bin/kairos_allreduce_floor
nproc; lscpu | grep -E "Model name|Thread|Socket" || true
RANKS="2 4 8 16" bash "$here/coordination.sh" 3
/usr/bin/python3 "$here/scaling.py" --max 16 --repeats 3 2>&1 || python3 "$here/scaling.py" --max 16 --repeats 3
/usr/bin/python3 "$here/windows.py" --kairos "$KAIROS" --ranks 1 2 4 8 16 --repeats 3 --scaling-only 2>&1 ||
  python3 "$here/windows.py" --kairos "$KAIROS" --ranks 1 2 4 8 16 --repeats 3 --scaling-only
/usr/bin/python3 "$here/capture_threads.py" --lps 10000000 --threads 1 2 4 8 16 --repeats 3 2>&1 ||
  python3 "$here/capture_threads.py" --lps 10000000 --threads 1 2 4 8 16 --repeats 3
