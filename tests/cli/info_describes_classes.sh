#!/usr/bin/env bash
# info_describes_classes.sh KAIROS
#
# `kairos info PLUGIN...` describes what a scenario author can write and
# read: each parameter's type and default (or that it is required), each
# class's probes (or that it records none), the messages it handles, and the
# counters its plugin publishes.
set -euo pipefail
kairos=$1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$kairos" info soda grid phold > "$out"
cat "$out"
fail() { echo "FAIL: $1"; exit 1; }
expect() { grep -qxF -- "$1" "$out" || fail "missing line: $1"; }
expect "    cans (number or random law, required): initial number of cans, rounded"
expect "    stochastic (boolean, default false): true: draw each delay anew from the repletion law"
expect "    soda.machine.<name> (curves: cans): cans left, after each order"
expect "    jitter (number, default 0): extra latency, uniform in [0, jitter] seconds"
expect "    grid.load (curves: kwh, readings): energy and readings of each period, over all concentrators"
expect "  handles: grid.reading, grid.curtail"
expect "    grid.readings (aggregate over actors; curves: kwh): per simulated hour, over all meters: readings taken (count) and their kWh"
expect "    soda.sales (aggregate over actors; curves: price): per tick, over all machines: cans sold (count), takings (price.sum), prices"
expect "  lps (integer, default 1024): number of logical processes N"
expect "  end (number, required): end time E in time units; events due at or after it are not created"
expect "Counters of plugin grid (summed over all actors, reported in summary.json):"
expect "  grid.curtailments"
expect "Counters of plugin phold (summed over all actors, reported in summary.json):"
# phold's LP and grid's concentrator record no probe: said so, not left blank.
[ "$(grep -c '^  probes: none$' "$out")" -ge 2 ] || fail "classes without probes are not marked so"
echo "ok"
