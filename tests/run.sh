#!/usr/bin/env bash
# Installs the Debian packages Kairos needs (if missing), builds with the
# tests, and runs the whole suite with ctest. Extra arguments go to ctest
# (e.g. -R TimeModel); the main build also makes kairos-static (models linked
# in, -DKAIROS_STATIC=ON). KAIROS_SANITIZE=1 builds and tests with ASan/UBSan in
# build-asan/. A full run (no arguments) then also builds the engine without
# TBB (build-notbb/) and runs the time-model, thread and determinism tests
# there: that build keeps its threads (the hot pool) and must give the same
# digests. Then it builds with MPICH instead of Open MPI (build-mpich/) and
# runs the 2-rank tests there: MPICH (ch4:ucx) busy-polls, so ranks beyond
# the cores take minutes where Open MPI takes a second. On a machine with 16
# cores, `cd build-mpich && ctest -R '^mpi\.'` runs every multi-rank test.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/launch/install-deps.sh" "$root/launch/packages.txt" "$root/tests/packages.txt"
if [ "${KAIROS_SANITIZE:-0}" = 1 ]; then
  build=$root/build-asan
  "$root/launch/build.sh" "$build" -DKAIROS_BUILD_TESTS=ON -DKAIROS_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
else
  build=$root/build
  "$root/launch/build.sh" "$build" -DKAIROS_BUILD_TESTS=ON -DKAIROS_STATIC=ON
fi
cd "$build"
ctest --output-on-failure -j "$(nproc)" "$@"
if [ $# -eq 0 ] && [ "${KAIROS_SANITIZE:-0}" != 1 ]; then
  notbb=$root/build-notbb
  KAIROS_TARGETS="kairos kairos_unit_tests kairos_model_tests kairos_phold kairos_soda kairos_life" \
    "$root/launch/build.sh" "$notbb" -DKAIROS_BUILD_TESTS=ON -DKAIROS_WITH_TBB=OFF
  "$notbb/bin/kairos_unit_tests" --gtest_filter='TimeModel.*:MessageOrder.*:HotPool.*:AdaptiveSplit.*:Agreement.*'
  "$notbb/bin/kairos_model_tests" --gtest_filter='*Determinism*'

  mpich=$root/build-mpich
  KAIROS_TARGETS="kairos kairos_phold kairos_soda kairos_life kairos_testkit" \
    "$root/launch/build.sh" "$mpich" -DKAIROS_BUILD_TESTS=ON -DKAIROS_BUILD_BENCH=OFF -DMPI_C_COMPILER=mpicc.mpich
  (cd "$mpich" && ctest --output-on-failure -R '^mpi\.(digest\.(soda|phold|life)\.np2|start_rules)$')
fi
