#!/usr/bin/env bash
# Installs the Debian packages Kairos needs (if missing), builds with the
# tests, and runs the whole suite with ctest. Extra arguments go to ctest
# (e.g. -R TimeModel). KAIROS_SANITIZE=1 builds and tests with ASan/UBSan in
# build-asan/.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$root/launch/install-deps.sh" "$root/launch/packages.txt" "$root/tests/packages.txt"
if [ "${KAIROS_SANITIZE:-0}" = 1 ]; then
  build=$root/build-asan
  "$root/launch/build.sh" "$build" -DKAIROS_BUILD_TESTS=ON -DKAIROS_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
else
  build=$root/build
  "$root/launch/build.sh" "$build" -DKAIROS_BUILD_TESTS=ON
fi
cd "$build"
ctest --output-on-failure -j "$(nproc)" "$@"
