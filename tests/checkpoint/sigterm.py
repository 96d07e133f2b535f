#!/usr/bin/python3
"""Batch-system preemption: SIGTERM (or SIGUSR1) to the ranks makes the run
checkpoint at the next tick boundary and exit 0, saying how to resume; the
restart ends with the uninterrupted run's digest.

    sigterm.py KAIROS MPIEXEC RANKS [SIGNAL]     (RANKS 0: one process without mpiexec;
                                                  SIGNAL: SIGTERM, the default, or SIGUSR1)

The signal is sent once a first checkpoint (at tick 100) shows the run is
under way; the restart runs on one process to keep the test short.
"""
import os
import signal
import sys
import time

from harness import (Kairos, PHOLD, check, committed, digest, fail, phold, rank_pids, reference, restarted_from,
                     scratch)


def main():
    kairos, mpiexec, ranks = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sig = getattr(signal, sys.argv[4] if len(sys.argv) > 4 else "SIGTERM")
    k = Kairos(kairos, mpiexec)
    sets = phold(60000)
    with scratch() as tmp:
        expected = reference(k, PHOLD, sets, f"{tmp}/ref")
        store = f"{tmp}/run/checkpoints"
        run = k.start(ranks, ["run", PHOLD, *sets, "--output", f"{tmp}/run", "--checkpoint-at", "100"])
        deadline = time.time() + 120
        while not committed(store) and run.poll() is None and time.time() < deadline:
            time.sleep(0.01)
        pids = [run.pid] if ranks == 0 else rank_pids(set(range(ranks)))
        if run.poll() is not None or len(pids) != max(ranks, 1):
            fail(f"the run was not running with {max(ranks, 1)} process(es) when signalled: {pids}")
        for pid in pids:  # as a batch system does: every process of the job
            os.kill(pid, sig)
        out, err = run.communicate(timeout=120)
        check(run.returncode == 0 and "Resume with" in out,
              f"{sig.name}: exit {run.returncode}, told how to resume:\n{out.strip()}")
        check(not os.path.exists(f"{tmp}/run/results.h5"), "no results written by the interrupted run")
        names = committed(store)
        # Two, unless the signal arrived while the first was being written
        # (then that one serves).
        check(1 <= len(names) <= 2, f"the signal's checkpoint committed: {names}")
        again = k.run(0, ["restart", store])
        check(restarted_from(again) == names[-1] and digest(again) == expected,
              f"restart from {restarted_from(again)}: digest {digest(again)} == {expected}")


main()
