#!/usr/bin/python3
"""Checkpoint, then restart on the same, fewer and more ranks: every
restarted run ends with the digest of the run that was never interrupted,
and with its totals; its rate covers the resumed part alone, and its
summary says how much was carried over.

    restart_matrix.py KAIROS MPIEXEC CHECKPOINT_TICK SCENARIO [--set k=v ...]

A 4-rank run (2 virtual nodes, k=1) checkpoints at CHECKPOINT_TICK and is
restarted on 4, 3, 2 and 1 ranks; a 2-rank run is restarted on 5.
"""
import json
import sys

from harness import Kairos, check, digest, reference, restarted_from, scratch


def check_resumed_summary(reference_json, resumed_json, stdout):
    whole, resumed = json.load(open(reference_json)), json.load(open(resumed_json))
    check(resumed["activations"] == whole["activations"],
          f"restarted total activations {resumed['activations']} == uninterrupted {whole['activations']}")
    carried = resumed.get("activations_carried_over", 0)
    check(0 < carried < resumed["activations"], f"{carried} of {resumed['activations']} activations carried over")
    rate = (resumed["activations"] - carried) / resumed["wall_seconds"]
    check(abs(resumed["activations_per_second"] - rate) <= 1e-6 * rate,
          f"rate {resumed['activations_per_second']:.4g}/s is the resumed part's ({rate:.4g}/s)")
    check(f"{carried} activations carried over" in stdout, "the summary line says what was carried over")


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
                check_resumed_summary(f"{tmp}/ref/summary.json", f"{out}/restart{n}/summary.json", again.stdout)


main()
