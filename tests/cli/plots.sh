#!/usr/bin/env bash
# plots.sh KAIROS SCENARIO_DIR
#
# `kairos plot`: a probe-less run still gets its counters drawn, a probe's
# PNG is written for a run in days and for an aggregate probe, and the time axis takes the unit that
# suits the span (checked on the plot script's own function).
set -euo pipefail
kairos=$1 scenarios=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$kairos" run "$scenarios/phold.toml" --set phold.end=20 --output "$out/phold" >/dev/null
"$kairos" plot "$out/phold/results.h5" | grep -q "^1 plot(s)"
[ -s "$out/phold/results-plots/counters.png" ] || { echo "FAIL: no counters.png"; exit 1; }
"$kairos" run "$scenarios/life.toml" --set simulation.stop_tick=100 --output "$out/life" >/dev/null
"$kairos" plot "$out/life/results.h5" >/dev/null
[ -s "$out/life/results-plots/life.population.png" ] || { echo "FAIL: no life.population.png"; exit 1; }
"$kairos" run "$scenarios/soda-deterministic.toml" --output "$out/soda" >/dev/null
"$kairos" plot "$out/soda/results.h5" >/dev/null
[ -s "$out/soda/results-plots/soda.sales.png" ] || { echo "FAIL: no soda.sales.png (an aggregate probe)"; exit 1; }
share=$(dirname "$(realpath "$kairos")")/../share/kairos
/usr/bin/python3 - "$share" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from plot_results import time_axis
assert time_axis(50000, 0.01) == (60.0, "simulated time (min)"), time_axis(50000, 0.01)
assert time_axis(300, 86400.0)[1] == "simulated time (d)"
assert time_axis(120, 1.0)[1] == "simulated time (min)"
assert time_axis(119, 1.0)[1] == "simulated time (s)"
assert time_axis(1000, 0.0) == (None, "simulated time (ticks)")
PY
echo "ok: counters, probes and aggregate probes drawn, time units chosen by span"
