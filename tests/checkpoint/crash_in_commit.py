#!/usr/bin/python3
"""A rank killed (SIGKILL) at any point inside a checkpoint's commit leaves
the previous committed checkpoint usable, and the restart still reaches the
uninterrupted run's digest.

    crash_in_commit.py KAIROS MPIEXEC POINT

POINT is one of the engine's test-hook points (checkpoint/test_hooks.hpp);
rank 2 of 4 dies there during the third checkpoint.
"""
import sys

from harness import Kairos, PHOLD, check, committed, digest, phold, reference, restarted_from, scratch


def main():
    kairos, mpiexec, point = sys.argv[1:4]
    k = Kairos(kairos, mpiexec)
    sets = phold(100)
    with scratch() as tmp:
        expected = reference(k, PHOLD, sets, f"{tmp}/ref")
        store = f"{tmp}/run/checkpoints"
        crashed = k.run(4, ["run", PHOLD, *sets, "--output", f"{tmp}/run", "--checkpoint-every", "2000",
                            "--replicas", "1", "--ranks-per-node", "1", "--checkpoint-retention", "3"],
                        env={"KAIROS_TEST_CRASH": f"{point}:2:3"}, check=False)
        check(crashed.returncode != 0 and "test hook: killing rank 2" in crashed.stderr,
              f"rank 2 killed at '{point}' of checkpoint 3 (exit {crashed.returncode})")
        names = committed(store)
        check(names[:2] == ["ckpt-000000002000-g0", "ckpt-000000004000-g0"],
              f"the two earlier checkpoints are committed (found {names})")
        again = k.run(3, ["restart", store, "--output", f"{tmp}/restart"])
        source = restarted_from(again)
        # The third checkpoint counts only if every copy was written before
        # some node committed it (a crash after the replicas, mid-manifest).
        check(source in names, f"restarted from {source}, a committed checkpoint")
        check(digest(again) == expected, f"digest after the crash: {digest(again)} == {expected}")


main()
