#!/usr/bin/python3
"""Corrupt shards are detected by checksum and never loaded: another copy is
used when one is intact (also when only another node's rank can see it), an
older checkpoint when none is, and with nothing intact the restart fails
naming the shard and each bad copy.

    corruption.py KAIROS MPIEXEC
"""
import os
import re
import sys

from harness import Kairos, PHOLD, check, committed, copies, digest, phold, reference, restarted_from, scratch


def flip_byte(path, offset_from_end=100):
    with open(path, "r+b") as f:
        f.seek(-offset_from_end, os.SEEK_END)
        b = f.read(1)
        f.seek(-1, os.SEEK_CUR)
        f.write(bytes([b[0] ^ 0xFF]))


def truncate(path):
    with open(path, "r+b") as f:
        f.truncate(os.path.getsize(path) // 2)


def main():
    # Restarts checkpoint on as they run; keep their checkpoints out of the
    # store under test.
    def elsewhere(name):
        return ["--checkpoint-dir", f"{tmp}/{name}/checkpoints"]

    kairos, mpiexec = sys.argv[1:3]
    k = Kairos(kairos, mpiexec)
    sets = phold(60)
    with scratch() as tmp:
        expected = reference(k, PHOLD, sets, f"{tmp}/ref")
        store = f"{tmp}/run/checkpoints"
        k.run(3, ["run", PHOLD, *sets, "--output", f"{tmp}/run", "--checkpoint-at", "2000", "--checkpoint-at", "4000",
                  "--replicas", "1", "--ranks-per-node", "1"])
        older, newer = committed(store)
        first, second = copies(store, newer, 1)

        flip_byte(first)
        again = k.run(2, ["restart", store, "--output", f"{tmp}/r1", *elsewhere("r1")])
        check(restarted_from(again) == newer and digest(again) == expected,
              f"one copy of shard 1 with a flipped byte: the replica is used ({restarted_from(again)}), same digest")

        # Node-local storage: each rank sees only its own node's directory.
        # Rank 1, which holds the corrupt copy, fails to read shard 1; rank 2,
        # which holds the replica, reads it in a second round.
        again = k.run_per_rank([["restart", f"{store}/node{n}", "--output", f"{tmp}/local", *elsewhere("local")]
                                for n in range(3)])
        check(restarted_from(again) == newer and digest(again) == expected,
              "the same with node-local storage: the rank holding the replica reads it, same digest")

        truncate(second)
        again = k.run(2, ["restart", store, "--output", f"{tmp}/r2", *elsewhere("r2")])
        check(re.search(rf"passed over: {newer}: .*shard 1 has no intact copy.*checksum mismatch.*truncated", again.stderr)
              is not None, f"both copies bad: {newer} reported unusable, naming shard 1 and each copy's fault")
        check(restarted_from(again) == older and digest(again) == expected,
              f"fell back to {restarted_from(again)}, same digest")

        for path in copies(store, older, 1):
            flip_byte(path, 50)
        again = k.run(2, ["restart", store, "--output", f"{tmp}/r3", *elsewhere("r3")], check=False)
        check(again.returncode == 4 and f"{older}: shard 1 has no intact copy" in again.stderr
              and f"{newer}: shard 1 has no intact copy" in again.stderr,
              f"no intact copy anywhere: exit {again.returncode}, every checkpoint's bad shard named")
        check(not os.path.exists(f"{tmp}/r3/results.h5"), "nothing written by the failed restart")


main()
