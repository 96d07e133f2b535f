#!/usr/bin/env bash
# The deterministic soda case on several ranks still ends as its rules say
# (see tests/unit/run/soda_results_test.cpp for the derivation).
set -euo pipefail
kairos=$1 mpiexec=$2 np=$3 scenario=$4
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$mpiexec" -n "$np" ${KAIROS_MPIEXEC_PREFLAGS:-} "$kairos" run "$scenario" --output "$out" | tail -n 1
/usr/bin/python3 - "$out/results.h5" "$np" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    assert int(f["run"].attrs["ranks"]) == int(sys.argv[2])
    last = lambda name: f["probes"][name]["value"][-1, 0]
    assert last("soda.machine.SVM-1") == 91 and last("soda.machine.SVM-2") == 4
    assert last("soda.customer.John") == 27 and last("soda.customer.Terry") == 39
    assert abs(last("soda.customer.Michael") - (77 - 4 * 1.15)) < 1e-9
    assert list(f["probes"]["soda.customer.John"]["tick"][:]) == [6001 + 6000 * k for k in range(8)]
print("soda rules hold on", sys.argv[2], "ranks")
PY
