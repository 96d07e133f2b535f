#!/usr/bin/env bash
# Runs a scenario with the CLI, then checks that results.h5 opens with h5dump
# and h5py, that the summary line's digest matches summary.json and
# results.h5, and that `kairos inspect` describes the file.
set -euo pipefail
kairos=$1 scenario=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

line=$("$kairos" run "$scenario" --threads 2 --output "$out" | tail -n 1)
digest=$(sed -n 's/.*digest=\([0-9a-f]*\).*/\1/p' <<<"$line")
[ -n "$digest" ] || { echo "no digest in: $line" >&2; exit 1; }

h5dump -H "$out/results.h5" >/dev/null
/usr/bin/python3 - "$out" "$digest" <<'PY'
import json, sys, h5py
out, digest = sys.argv[1], sys.argv[2]
with h5py.File(f"{out}/results.h5", "r") as f:
    assert f["run"].attrs["digest"].decode() == digest, "digest attribute differs"
    for name, group in f["probes"].items():
        n = group["tick"].shape[0]
        assert group["value"].shape[0] == n, name
        assert group["value"].shape[1] == len(group.attrs["curves"]), name
summary = json.load(open(f"{out}/summary.json"))
assert summary["digest"] == digest, "summary.json digest differs"
print("results readable, digest", digest)
PY
"$kairos" inspect "$out/results.h5" | grep -q "soda.machine.SVM-1"
"$kairos" plot "$out/results.h5" | grep -q "6 plot(s)"   # 5 probes (one an aggregate) and the counters
[ -s "$out/results-plots/soda.machine.SVM-1.png" ]
grep -q "SVM-1" "$out/scenario.toml"
# The saved scenario records where this run wrote (--output), not the file's default.
grep -Eq "^ *output = ['\"]$out['\"]\$" "$out/scenario.toml"
# One probe as CSV: every sample, the same numbers as the file holds.
"$kairos" inspect "$out/results.h5" --csv soda.machine.SVM-1 > "$out/svm1.csv"
/usr/bin/python3 - "$out" <<'PY'
import csv, sys
import h5py
out = sys.argv[1]
rows = list(csv.reader(open(f"{out}/svm1.csv")))
with h5py.File(f"{out}/results.h5", "r") as f:
    g = f["probes/soda.machine.SVM-1"]
    curves = [c.decode() if isinstance(c, bytes) else str(c) for c in g.attrs["curves"]]
    assert rows[0] == ["tick", "seconds", "aai", *curves], rows[0]
    assert len(rows) - 1 == g["tick"].shape[0], (len(rows), g["tick"].shape)
    for row, tick, aai, values in zip(rows[1:], g["tick"][:], g["aai"][:], g["value"][:]):
        assert int(row[0]) == tick and int(row[2]) == aai, row
        assert [float(v) for v in row[3:]] == list(values), (row, values)
print("CSV export matches the file:", len(rows) - 1, "sample(s)")
PY
# An aggregate probe's rows belong to no single actor: no aai column.
"$kairos" inspect "$out/results.h5" --csv soda.sales | head -n 1 | grep -qx "tick,seconds,count,price.sum,price.mean,price.min,price.max" ||
  { echo "FAIL: soda.sales CSV header"; exit 1; }
status=0
err=$("$kairos" inspect "$out/results.h5" --csv no.such.probe 2>&1 >/dev/null) || status=$?
[ "$status" = 2 ] || { echo "FAIL: an unknown probe exits $status, not 2"; exit 1; }
grep -q "no probe 'no.such.probe'; its probes: soda." <<<"$err" || { echo "FAIL: $err"; exit 1; }
