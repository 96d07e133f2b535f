#!/usr/bin/env bash
# The big-endian job: builds Kairos for s390x (IBM Z, big-endian) without MPI
# and TBB, runs it under qemu-user, and checks that it gives this machine's
# results exactly: digests, totals and every results.h5 value, and
# checkpoints that restart on the other byte order in both directions.
#
#   bash tests/cross/s390x.sh HOST_BUILD          reduced (CI): unit tests of the
#                                                 byte-order-sensitive parts, three
#                                                 models, one checkpoint each way
#   bash tests/cross/s390x.sh HOST_BUILD --full   every unit and model test under
#                                                 qemu, and more scenarios
#
# HOST_BUILD is this machine's build (its bin/kairos is the reference). The
# sysroot goes to $KAIROS_S390X_SYSROOT (default /opt/kairos-s390x-sysroot),
# the cross build to build-s390x/. Needs root once (apt-get, dpkg).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
host_build=$(cd "${1:?usage: s390x.sh HOST_BUILD [--full]}" && pwd)
full=${2:-}
sysroot=${KAIROS_S390X_SYSROOT:-/opt/kairos-s390x-sysroot}
export KAIROS_S390X_SYSROOT=$sysroot
build=$root/build-s390x

"$root/launch/install-deps.sh" "$root/tests/cross/packages.txt"
bash "$root/launch/toolchains/s390x-sysroot.sh" "$sysroot"

targets="kairos kairos_unit_tests kairos_soda kairos_phold kairos_life kairos_grid"
[ "$full" = --full ] && targets="$targets kairos_model_tests kairos_badabi notaplugin"
KAIROS_TARGETS=$targets "$root/launch/build.sh" "$build" --toolchain "$root/launch/toolchains/s390x.cmake" \
  -DKAIROS_WITH_MPI=OFF -DKAIROS_WITH_TBB=OFF -DKAIROS_BUILD_BENCH=OFF -DKAIROS_BUILD_TESTS=ON

# It must really be a big-endian machine's program.
file -L "$build/bin/kairos" | grep -q 'MSB.*IBM S/390' || { file -L "$build/bin/kairos"; exit 1; }
libs=$sysroot/usr/lib/s390x-linux-gnu:$sysroot/lib/s390x-linux-gnu
emulator="qemu-s390x -L /usr/s390x-linux-gnu -E LD_LIBRARY_PATH=$libs"
$emulator "$build/bin/kairos_unit_tests" --gtest_brief=1 \
  --gtest_filter="$([ "$full" = --full ] && echo '*' || echo 'StateArchive*:ProbeStore.*:ShardFormat.*:*ChunkCodec*:Digest*:TimeModel.*:MessageOrder.*')"
[ "$full" = --full ] && $emulator "$build/bin/kairos_model_tests" --gtest_brief=1

same="$root/tests/cross/same_results.py $host_build/bin/kairos"
other="$emulator $build/bin/kairos"
grep -v '^#' "$root/tests/cross/shipped_cases.txt" | while read -r name tick; do
  /usr/bin/python3 $same "$other" "$root/scenarios/$name.toml" --checkpoint-at "$tick"
done
# A population read from a CSV file gives the same actors on either byte
# order. No checkpoint crosses here: the grid model's timed messages hold
# its message structs in this machine's byte order, which the other refuses.
/usr/bin/python3 $same "$other" "$root/scenarios/grid-households.toml"
if [ "$full" = --full ]; then
  /usr/bin/python3 $same "$other" "$root/scenarios/soda-benchmark.toml" --set actors.4.count=2000 --checkpoint-at 5000
  /usr/bin/python3 $same "$other" "$root/scenarios/phold.toml" --set phold.remote=0.9 --threads 2
fi
echo "s390x: every check passed"
