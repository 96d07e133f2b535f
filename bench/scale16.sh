#!/usr/bin/env bash
# The scale-out figures of bench/scale.sh on a 16-core machine, in one
# command (about 2 minutes): PHOLD at 10^7, 10^8 and 2*10^8 LPs and 10^8 idle
# actors on 16 ranks, one rank per core, and 10^7 LPs on one rank for the
# per-rank comparison. Run from the project root with a bundle beside it:
# BUNDLE/kairos holds bin/kairos, lib/ (the engine and the plugins),
# scenarios/ and bench/ of a Release build, for a machine that lacks the
# build's dependencies (with Open MPI and the libraries installed from the
# bundle first); on a machine that has them, point BUNDLE/kairos at an
# installed tree instead.
#   bash bench/scale16.sh [BUNDLE]          BUNDLE defaults to .bench16
set -euo pipefail
bundle=${1:-.bench16}
export KAIROS=$bundle/kairos/bin/kairos SCENARIOS=$bundle/kairos MPIRUN_FLAGS="--map-by core --bind-to core"
scale=$(dirname "${BASH_SOURCE[0]}")/scale.sh
nproc; free -g | head -2
bash "$scale" 16 phold 1e7 1e8 2e8
bash "$scale" 16 idle 1e8
bash "$scale" 1 phold 1e7
