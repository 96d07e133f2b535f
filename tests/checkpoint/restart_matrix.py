#!/usr/bin/python3
"""Checkpoint, then restart on the same, fewer and more ranks: every
restarted run ends with the digest of the run that was never interrupted.

    restart_matrix.py KAIROS MPIEXEC CHECKPOINT_TICK SCENARIO [--set k=v ...]

A 4-rank run (2 virtual nodes, k=1) checkpoints at CHECKPOINT_TICK and is
restarted on 4, 3, 2 and 1 ranks; a 2-rank run is restarted on 5.
"""
import sys

from harness import Kairos, check, digest, reference, restarted_from, scratch


def main():
    kairos, mpiexec, tick, scenario = sys.argv[1:5]
    sets = sys.argv[5:]
    k = Kairos(kairos, mpiexec)
    with scratch() as tmp:
        expected = reference(k, scenario, sets, f"{tmp}/ref")
        for ranks, restarts in ((4, (4, 3, 2, 1)), (2, (5,))):
            out = f"{tmp}/from{ranks}"
            first = k.run(ranks, ["run", scenario, *sets, "--output", out, "--checkpoint-at", tick,
                                  "--replicas", "1", "--ranks-per-node", "2"])
            check(digest(first) == expected, f"{ranks} ranks with a checkpoint at tick {tick}: same digest")
            for n in restarts:
                again = k.run(n, ["restart", f"{out}/checkpoints", "--output", f"{out}/restart{n}"])
                source = restarted_from(again)
                check(source is not None and int(source.split("-")[1]) >= int(tick),
                      f"{ranks} -> {n} ranks resumed from {source}")
                check(digest(again) == expected, f"{ranks} -> {n} ranks: digest {digest(again)} == {expected}")


main()
