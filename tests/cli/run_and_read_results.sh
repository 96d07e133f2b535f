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
"$kairos" plot "$out/results.h5" | grep -q "5 plot(s)"
[ -s "$out/results-plots/soda.machine.SVM-1.png" ]
grep -q "SVM-1" "$out/scenario.toml"
# The saved scenario records where this run wrote (--output), not the file's default.
grep -Eq "^ *output = ['\"]$out['\"]\$" "$out/scenario.toml"
