#!/usr/bin/python3
"""Aggregate probes are exact, and the same on any rank and thread count,
with lookahead windows, and across a restart on another rank count.

    aggregate_probes.py KAIROS MPIEXEC SCENARIO

SCENARIO's actors record the same values to an aggregate probe "spread"
and to a samples probe "spread.raw" (tests/mpi/scenarios/aggregates.toml).
On one process, each tick's row of "spread" must be what the raw samples
give: their count, their sum rounded once (math.fsum is correctly rounded),
sum / count, their minimum and maximum. Every other run must write the
very same bytes.
"""
import math
import os
import sys
from collections import defaultdict

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../checkpoint"))
from harness import Kairos, check, scratch  # noqa: E402


def read(results):
    with h5py.File(results, "r") as f:
        spread, raw = f["probes/spread"], f["probes/spread.raw"]
        kind = spread.attrs["kind"]
        return {
            "kind": kind.decode() if isinstance(kind, bytes) else str(kind),
            "curves": [c.decode() if isinstance(c, bytes) else str(c) for c in spread.attrs["curves"]],
            "has_aai": "aai" in spread,
            "tick": spread["tick"][()],
            "value": spread["value"][()],
            "raw_tick": raw["tick"][()],
            "raw_value": raw["value"][()],
        }


def check_against_raw(r):
    check(r["kind"] == "aggregate" and not r["has_aai"], "spread is stored as an aggregate probe, without aai")
    check(r["curves"] == ["count", "x.sum", "x.mean", "x.min", "x.max", "aai.sum", "aai.mean", "aai.min", "aai.max"],
          f"its curves: {r['curves']}")
    by_tick = defaultdict(list)
    for tick, row in zip(r["raw_tick"], r["raw_value"]):
        by_tick[int(tick)].append(row)
    check(sorted(by_tick) == [int(t) for t in r["tick"]], f"one row per tick with samples ({len(by_tick)} ticks)")
    inexact_naive = 0
    for tick, row in zip(r["tick"], r["value"]):
        rows = by_tick[int(tick)]
        expected = [float(len(rows))]
        for curve in range(2):
            values = [float(v[curve]) for v in rows]
            total = math.fsum(values)
            expected += [total, total / len(values), min(values), max(values)]
            if curve == 0 and sum(values) != total:
                inexact_naive += 1
        if [float(v) for v in row] != expected:
            check(False, f"tick {tick}: row {list(row)} == {expected} from the raw samples")
    check(True, f"every row is the exact count, sum, mean, min and max of its raw samples "
                f"(left-to-right addition would be wrong on {inexact_naive} of {len(r['tick'])} ticks)")
    check(inexact_naive > 0, "the values are such that summation order matters")


def same_bytes(reference, other, label):
    for key in ("tick", "value"):
        a, b = reference[key], other[key]
        check(a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes(), f"{label}: spread/{key} identical")


def main():
    kairos, mpiexec, scenario = sys.argv[1:4]
    k = Kairos(kairos, mpiexec)
    with scratch() as tmp:
        k.run(0, ["run", scenario, "--output", f"{tmp}/ref"])
        reference = read(f"{tmp}/ref/results.h5")
        check_against_raw(reference)
        for ranks, extra, label in ((3, ["--threads", "2"], "3 ranks, 2 threads"),
                                    (4, ["--set", "simulation.lookahead=\"2s\""], "4 ranks in lookahead windows")):
            out = f"{tmp}/np{ranks}"
            k.run(ranks, ["run", scenario, *extra, "--output", out])
            same_bytes(reference, read(f"{out}/results.h5"), label)
        # A checkpoint keeps each rank's partial aggregates; the restart on
        # another rank count merges them with what follows.
        out = f"{tmp}/checkpointed"
        k.run(4, ["run", scenario, "--output", out, "--checkpoint-at", "20"])
        k.run(3, ["restart", f"{out}/checkpoints", "--output", f"{out}/restart3"])
        same_bytes(reference, read(f"{out}/restart3/results.h5"), "checkpoint at tick 20 on 4 ranks, restarted on 3")


if __name__ == "__main__":
    main()
