#!/usr/bin/python3
"""Losing nodes loses no checkpoint, up to k of them.

    node_loss.py KAIROS MPIEXEC kill       k=1: kill -9 one node's ranks mid-run, delete its storage,
                                           restart on 3 ranks: same digest as the uninterrupted run, also
                                           when each rank sees only its own node's directory
    node_loss.py KAIROS MPIEXEC combinations
                                           k=2 on 4 nodes: every choice of 2 lost nodes recovers (on 2
                                           ranks); every choice of 3 fails, naming the missing shards
"""
import itertools
import os
import re
import shutil
import signal
import sys
import time

from harness import (Kairos, PHOLD, check, committed, digest, fail, lose_nodes, phold, rank_pids, reference,
                     restarted_from, scratch)

NODES = 4


def kill_case(k, tmp):
    # Long enough that two checkpoints pass well before the end, on any machine.
    sets = phold(4000)
    expected = reference(k, PHOLD, sets, f"{tmp}/ref")
    store = f"{tmp}/run/checkpoints"
    run = k.start(NODES, ["run", PHOLD, *sets, "--output", f"{tmp}/run", "--checkpoint-every", "40000",
                          "--replicas", "1", "--ranks-per-node", "1"])
    deadline = time.time() + 240
    while len(committed(store)) < 2:
        if run.poll() is not None:
            fail(f"the run ended before two checkpoints were committed:\n{run.stderr.read()}")
        if time.time() > deadline:
            run.kill()
            fail("no two checkpoints within the time limit")
        time.sleep(0.02)
    victim = 2
    pids = rank_pids(run, {victim})
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    run.wait(timeout=120)
    check(pids and run.returncode != 0, f"node {victim} killed (pids {pids}) mid-run; the run failed ({run.returncode})")
    shutil.rmtree(f"{store}/node{victim}")
    # (The restarted run checkpoints elsewhere, leaving the store as the loss left it.)
    again = k.run(NODES - 1, ["restart", store, "--output", f"{tmp}/restart",
                              "--checkpoint-dir", f"{tmp}/restart/checkpoints/node{{node}}"])
    check(restarted_from(again) is not None, f"restarted on 3 ranks from {restarted_from(again)}")
    check(digest(again) == expected, f"after losing node {victim}: digest {digest(again)} == {expected}")
    # Node-local storage: each surviving rank sees only its own node's
    # directory, so every shard is read by the rank that holds a copy.
    survivors = [n for n in range(NODES) if n != victim]
    again = k.run_per_rank([["restart", f"{store}/node{n}", "--output", f"{tmp}/local"] for n in survivors])
    check(digest(again) == expected, "restart where each rank sees only its own node's directory: same digest")


def combinations_case(k, tmp):
    sets = phold(40)
    expected = reference(k, PHOLD, sets, f"{tmp}/ref")
    store = f"{tmp}/run/checkpoints"
    k.run(NODES, ["run", PHOLD, *sets, "--output", f"{tmp}/run", "--checkpoint-at", "2000", "--replicas", "2",
                  "--ranks-per-node", "1"])
    check(committed(store) == ["ckpt-000000002000-g0"], "one checkpoint committed with k=2")
    for lost in itertools.combinations(range(NODES), 2):
        trial = lose_nodes(store, lost, f"{tmp}/lost{''.join(map(str, lost))}")
        again = k.run(NODES - 2, ["restart", trial, "--output", f"{trial}/out"])
        check(digest(again) == expected, f"nodes {lost} lost: recovered on 2 ranks with the same digest")
    for lost in itertools.combinations(range(NODES), 3):
        trial = lose_nodes(store, lost, f"{tmp}/lost{''.join(map(str, lost))}")
        again = k.run(1, ["restart", trial, "--output", f"{trial}/out"], check=False)
        # With replicas on the 2 following nodes, shard s lives on nodes s, s+1, s+2:
        # the shard whose three nodes are all lost has no copy left.
        missing = [s for s in range(NODES) if all((s + j) % NODES in lost for j in range(3))]
        named = sorted(int(m) for m in re.findall(r"shard (\d+): no copy found", again.stderr))
        check(again.returncode == 4 and named == missing,
              f"nodes {lost} lost: exit {again.returncode}, missing shards named {named} (expected {missing})")


def main():
    kairos, mpiexec, case = sys.argv[1:4]
    with scratch() as tmp:
        {"kill": kill_case, "combinations": combinations_case}[case](Kairos(kairos, mpiexec), tmp)


main()
