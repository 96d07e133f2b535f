#!/usr/bin/env bash
# build.sh BUILD_DIR [cmake options...]: configures and builds Kairos (all
# targets, or only those named in $KAIROS_TARGETS). Shared by launch/demo.sh
# and tests/run.sh; neither changes the other's options in the build cache.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$1
shift
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
targets=()
for t in ${KAIROS_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$build" -j "$(nproc)" "${targets[@]}"
