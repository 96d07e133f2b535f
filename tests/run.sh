#!/usr/bin/env bash
# Installs the Debian packages Kairos needs (if missing), builds with the
# tests, and runs the whole suite with ctest. Extra arguments go to ctest
# (e.g. -R TimeModel); the main build also makes kairos-static (models linked
# in, -DKAIROS_STATIC=ON). KAIROS_SANITIZE=1 builds and tests with ASan/UBSan in
# build-asan/. A full run (no arguments) then also builds and checks:
# - build-serial/: no MPI and no TBB (a laptop's or a front-end node's
#   build): its unit, thread and determinism tests, its refusals to be one of
#   several processes, and the main build's digests, values and checkpoints;
# - build-mpich/: MPICH instead of Open MPI, and no TBB, with the 2-rank
#   tests, the node's shared-memory agreement and mailboxes against MPI on 3
#   ranks (alone, and node leaders agreeing by MPI), the agreement's exact
#   reduction on 3 ranks, and kairos-launch's
#   recovery under MPICH's Hydra. MPICH (ch4:ucx)
#   busy-polls, so ranks beyond the cores take minutes where Open MPI takes a
#   second. On a machine with 16 cores, `cd build-mpich && ctest -R
#   '^(mpi|launch)\.'` runs every multi-rank test;
# - build-s390x/: big-endian, cross-built and run under qemu
#   (tests/cross/s390x.sh, reduced; `bash tests/cross/s390x.sh build --full`
#   runs it all). KAIROS_CROSS=0 skips it.
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
  serial=$root/build-serial
  KAIROS_TARGETS="kairos kairos_unit_tests kairos_model_tests kairos_phold kairos_soda kairos_life kairos_grid" \
    "$root/launch/build.sh" "$serial" -DKAIROS_BUILD_TESTS=ON -DKAIROS_WITH_TBB=OFF -DKAIROS_WITH_MPI=OFF
  "$serial/bin/kairos_unit_tests" --gtest_brief=1 \
    --gtest_filter='TimeModel.*:MessageOrder.*:HotPool.*:AdaptiveSplit.*:Agreement.*:ProbeStore.*:ShardFormat.*:TimedMessages.*:Lookahead.*'
  "$serial/bin/kairos_model_tests" --gtest_brief=1 --gtest_filter='*Determinism*'
  (cd "$serial" && ctest --output-on-failure -R '^serial\.')
  grep -v '^#' "$root/tests/cross/shipped_cases.txt" | while read -r name tick; do
    /usr/bin/python3 "$root/tests/cross/same_results.py" "$build/bin/kairos" "$serial/bin/kairos" \
      "$root/scenarios/$name.toml" --checkpoint-at "$tick"
  done

  mpich=$root/build-mpich
  KAIROS_TARGETS="kairos kairos_phold kairos_soda kairos_life kairos_testkit kairos_node_exchange_test" \
    "$root/launch/build.sh" "$mpich" -DKAIROS_BUILD_TESTS=ON -DKAIROS_BUILD_BENCH=OFF -DMPI_C_COMPILER=mpicc.mpich \
    -DKAIROS_WITH_TBB=OFF
  (cd "$mpich" && ctest --output-on-failure \
    -R '^(mpi\.(digest\.(soda|phold|life)\.np2|digest\.life\.np3\.nodes3|node_exchange\.np3|digest\.sampler\.np3\.exact_ticks|start_rules)|launch\.(reports|supervised\.(one_loss|model_error|model_hang)))$')

  if [ "${KAIROS_CROSS:-1}" != 0 ]; then bash "$root/tests/cross/s390x.sh" "$build"; fi
fi
