#!/usr/bin/env bash
# build.sh BUILD_DIR [cmake options...]: configures (once) and builds Kairos.
# Shared by launch/demo.sh and tests/run.sh.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$1
shift
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
