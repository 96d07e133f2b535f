#!/usr/bin/python3
"""Aggregate probes are exact, and the same on any rank and thread count,
with lookahead windows, and across a restart on another rank count.

    aggregate_probes.py KAIROS MPIEXEC SCENARIO

SCENARIO's actors record the same values to the aggregate probes "spread"
(a row per tick) and "spread.by5" (a row per 5 ticks), and to a samples
probe "spread.raw" (tests/mpi/scenarios/aggregates.toml). On one process,
each row must be what the raw samples of its ticks give: their count, their
sum rounded once (math.fsum is correctly rounded), sum / count, their
minimum and maximum. Every other run must write the very same bytes.
"""
import math
import os
import sys
from collections import defaultdict

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../checkpoint"))
from harness import Kairos, check, scratch  # noqa: E402


AGGREGATES = (("spread", 1), ("spread.by5", 5))


def text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def read(results):
    """{probe: {kind, period, curves, has_aai, tick, value}} of the aggregates, and the raw (tick, value)."""
    with h5py.File(results, "r") as f:
        out = {}
        for name, _ in AGGREGATES:
            g = f[f"probes/{name}"]
            out[name] = {"kind": text(g.attrs["kind"]), "period": int(g.attrs["period_ticks"]),
                         "curves": [text(c) for c in g.attrs["curves"]], "has_aai": "aai" in g,
                         "tick": g["tick"][()], "value": g["value"][()]}
        raw = f["probes/spread.raw"]
        return out, (raw["tick"][()], raw["value"][()])


def check_against_raw(name, period, r, raw):
    check(r["kind"] == "aggregate" and r["period"] == period and not r["has_aai"],
          f"{name} is stored as an aggregate probe of period {period}, without aai")
    check(r["curves"] == ["count", "x.sum", "x.mean", "x.min", "x.max", "aai.sum", "aai.mean", "aai.min", "aai.max"],
          f"{name}: its curves {r['curves']}")
    by_row = defaultdict(list)
    for tick, row in zip(*raw):
        by_row[int(tick) - int(tick) % period].append(row)
    check(sorted(by_row) == [int(t) for t in r["tick"]], f"{name}: one row per period with samples ({len(by_row)})")
    inexact_naive = 0
    for tick, row in zip(r["tick"], r["value"]):
        rows = by_row[int(tick)]
        expected = [float(len(rows))]
        for curve in range(2):
            values = [float(v[curve]) for v in rows]
            total = math.fsum(values)
            expected += [total, total / len(values), min(values), max(values)]
            if curve == 0 and sum(values) != total:
                inexact_naive += 1
        if [float(v) for v in row] != expected:
            check(False, f"{name}, tick {tick}: row {list(row)} == {expected} from the raw samples")
    check(True, f"{name}: every row is the exact count, sum, mean, min and max of its raw samples "
                f"(left-to-right addition would be wrong on {inexact_naive} of {len(r['tick'])} rows)")
    check(inexact_naive > 0, f"{name}: the values are such that summation order matters")


def same_bytes(reference, other, label):
    for name, _ in AGGREGATES:
        for key in ("tick", "value"):
            a, b = reference[name][key], other[name][key]
            check(a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes(),
                  f"{label}: {name}/{key} identical")


def main():
    kairos, mpiexec, scenario = sys.argv[1:4]
    k = Kairos(kairos, mpiexec)
    with scratch() as tmp:
        k.run(0, ["run", scenario, "--output", f"{tmp}/ref"])
        reference, raw = read(f"{tmp}/ref/results.h5")
        for name, period in AGGREGATES:
            check_against_raw(name, period, reference[name], raw)
        for ranks, extra, label in ((3, ["--threads", "2"], "3 ranks, 2 threads"),
                                    (4, ["--set", "simulation.lookahead=\"2s\""], "4 ranks in lookahead windows")):
            out = f"{tmp}/np{ranks}"
            k.run(ranks, ["run", scenario, *extra, "--output", out])
            same_bytes(reference, read(f"{out}/results.h5")[0], label)
        # A checkpoint keeps each rank's partial aggregates (at tick 22, a
        # row of spread.by5 is half done); the restart on another rank count
        # merges them with what follows.
        out = f"{tmp}/checkpointed"
        k.run(4, ["run", scenario, "--output", out, "--checkpoint-at", "22"])
        k.run(3, ["restart", f"{out}/checkpoints", "--output", f"{out}/restart3"])
        same_bytes(reference, read(f"{out}/restart3/results.h5")[0], "checkpoint at tick 22 on 4 ranks, restarted on 3")


if __name__ == "__main__":
    main()
