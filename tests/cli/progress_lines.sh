#!/usr/bin/env bash
# progress_lines.sh KAIROS SCENARIO
#
# --progress with stderr going to a file (a batch job's log) writes whole
# progress lines, never the carriage returns a terminal gets.
set -euo pipefail
kairos=$1
scenario=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Several seconds of simulation: long enough for progress lines (one a second).
"$kairos" run "$scenario" --set phold.end=150000 --set phold.lps=256 --progress --output "$out/run" 2>"$out/err" >/dev/null
grep -q '^kairos: progress: t=.* tick=[0-9]* .*act/s=' "$out/err" || { echo "FAIL: no progress line:"; cat "$out/err"; exit 1; }
if grep -q $'\r' "$out/err"; then echo "FAIL: carriage returns in a log file"; exit 1; fi
echo "ok: $(grep -c '^kairos: progress:' "$out/err") whole progress line(s) in the log, no carriage return"
