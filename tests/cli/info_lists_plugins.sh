#!/usr/bin/env bash
# info_lists_plugins.sh KAIROS
#
# `kairos info` with no plugin named lists every plugin on the search path
# with where it comes from and its classes: a copy in the current directory
# (first on the path) hides the installed one and says so, and a file that
# is not a plugin is reported without stopping the listing.
set -euo pipefail
kairos=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
plugins=$(dirname "$kairos")/../lib/kairos
cp "$plugins/kairos_phold.so" .
echo "not a library" > kairos_broken.so
"$kairos" info > out.txt
cat out.txt
fail() { echo "FAIL: $1"; exit 1; }
grep -q "^  phold  \./kairos_phold.so$" out.txt || fail "the copy in the current directory is not the one listed"
grep -q "(hides .*/kairos_phold.so)" out.txt || fail "the hidden installed phold is not mentioned"
grep -q "^    actor class phold\." out.txt || fail "phold's class is not listed"
grep -q "^  soda  .*kairos_soda.so$" out.txt || fail "soda is not listed"
grep -q "^    actor class soda.customer$" out.txt || fail "soda.customer is not listed"
grep -q "^  broken  \./kairos_broken.so$" out.txt || fail "the broken library is not listed"
grep -q "^    cannot be loaded: " out.txt || fail "the broken library's error is missing"
echo "ok"
