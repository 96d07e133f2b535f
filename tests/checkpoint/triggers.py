#!/usr/bin/python3
"""Every checkpoint trigger takes checkpoints, and none changes the results.

    triggers.py KAIROS MPIEXEC

The scenario's [checkpoint] table (every_ticks, at_ticks, replicas,
ranks_per_node, retention), the wall-clock trigger and the Young/Daly
`auto` trigger, each on 2 ranks against the uninterrupted digest.
"""
import sys

from harness import Kairos, PHOLD, check, committed, digest, phold, reference, scratch


def main():
    kairos, mpiexec = sys.argv[1:3]
    k = Kairos(kairos, mpiexec)
    sets = phold(8000)
    with scratch() as tmp:
        expected = reference(k, PHOLD, sets, f"{tmp}/ref")

        table = ["--set", "checkpoint.every_ticks=200000", "--set", "checkpoint.at_ticks=[123456]",
                 "--set", "checkpoint.replicas=1", "--set", "checkpoint.ranks_per_node=1",
                 "--set", "checkpoint.retention=10"]
        r = k.run(2, ["run", PHOLD, *sets, *table, "--output", f"{tmp}/table"])
        names = committed(f"{tmp}/table/checkpoints")
        wanted = ["ckpt-000000123456-g0"] + [f"ckpt-{t:012d}-g0" for t in range(200000, 800000, 200000)]
        check(digest(r) == expected and names == sorted(wanted),
              f"[checkpoint] every_ticks and at_ticks: {names}, same digest")
        check(" 1 replica(s) each" in r.stderr, "[checkpoint] replicas and ranks_per_node: 1 replica per shard")

        r = k.run(2, ["run", PHOLD, *sets, "--output", f"{tmp}/wall", "--checkpoint-wall", "0.2",
                      "--checkpoint-retention", "1000"])
        check(digest(r) == expected and len(committed(f"{tmp}/wall/checkpoints")) >= 1,
              f"wall clock every 0.2 s: {len(committed(f'{tmp}/wall/checkpoints'))} checkpoint(s), same digest")

        # A tiny MTBF gives a Young/Daly interval of a fraction of a second.
        r = k.run(2, ["run", PHOLD, *sets, "--output", f"{tmp}/auto", "--checkpoint-auto-mtbf", "0.05",
                      "--checkpoint-retention", "1000"])
        check(digest(r) == expected and len(committed(f"{tmp}/auto/checkpoints")) >= 1,
              f"Young/Daly with MTBF 0.05 s: {len(committed(f'{tmp}/auto/checkpoints'))} checkpoint(s), same digest")


main()
