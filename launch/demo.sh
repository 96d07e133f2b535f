#!/usr/bin/env bash
# Quick start: installs the Debian packages Kairos needs (if missing), builds
# in Release, runs the default scenario (the deterministic soda vending case)
# on 2 MPI ranks and says where the results are.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/launch/install-deps.sh"
KAIROS_TARGETS="kairos kairos_soda" "$root/launch/build.sh" "$root/build"
scenario=${1:-$root/scenarios/soda-deterministic.toml}
out=$root/out/demo
# Open MPI refuses root unless told; more ranks than cores need oversubscribing.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpiexec -n 2 --oversubscribe "$root/build/bin/kairos" run "$scenario" --threads 1 --output "$out"
echo
echo "Results are in $out (results.h5, summary.json). Look inside with:"
echo "  $root/build/bin/kairos inspect $out/results.h5"
