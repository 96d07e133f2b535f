#!/usr/bin/python3
"""Batch-system preemption: SIGTERM (or SIGUSR1) makes the run checkpoint at
the next tick boundary and exit 0, saying how to resume; the restart ends
with the uninterrupted run's digest.

    sigterm.py KAIROS MPIEXEC RANKS [SIGNAL]   signal every rank (RANKS 0: one process without mpiexec;
                                               SIGNAL: SIGTERM, the default, or SIGUSR1)
    sigterm.py KAIROS MPIEXEC mpirun SIGNAL    signal mpirun itself, which forwards it to the 2 ranks; as the
                                               README says, SIGUSR1 gives exit 0, SIGTERM exit 1 (Open MPI's
                                               own status), after the same committed checkpoint
    sigterm.py KAIROS MPIEXEC early            SIGTERM pending before kairos starts (one process): it stops
                                               cleanly before the first tick, saving nothing

The signal is sent once a first checkpoint (at tick 100) shows the run is
under way; the restart runs on one process to keep the test short.
"""
import os
import signal
import subprocess
import sys
import time

from harness import (ENV, Kairos, PHOLD, check, committed, digest, fail, phold, rank_pids, reference,
                     restarted_from, scratch)


def early(k, sets, tmp):
    """The signal is made pending (blocked) in the child before kairos even
    starts, so it is there before any handler could be: kairos must still
    stop cleanly, not die of it."""
    def block_sigterm():
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})

    run = subprocess.Popen(k.command(0, ["run", PHOLD, *sets, "--output", f"{tmp}/early"]), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, env=ENV, preexec_fn=block_sigterm)
    os.kill(run.pid, signal.SIGTERM)
    out, err = run.communicate(timeout=120)
    check(run.returncode == 0 and "stopped by a signal before the first tick" in out,
          f"SIGTERM before the start: exit {run.returncode}, a clean stop:\n{out.strip()}{err.strip()}")
    check(not os.path.exists(f"{tmp}/early/results.h5") and not committed(f"{tmp}/early/checkpoints"),
          "nothing written: no results, no checkpoint")


def main():
    kairos, mpiexec, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    k = Kairos(kairos, mpiexec)
    sets = phold(60000)
    with scratch() as tmp:
        if mode == "early":
            early(k, sets, tmp)
            return
        to_mpirun = mode == "mpirun"
        ranks = 2 if to_mpirun else int(mode)
        sig = getattr(signal, sys.argv[4] if len(sys.argv) > 4 else "SIGTERM")
        expected = reference(k, PHOLD, sets, f"{tmp}/ref")
        store = f"{tmp}/run/checkpoints"
        run = k.start(ranks, ["run", PHOLD, *sets, "--output", f"{tmp}/run", "--checkpoint-at", "100"])
        deadline = time.time() + 120
        while not committed(store) and run.poll() is None and time.time() < deadline:
            time.sleep(0.01)
        pids = [run.pid] if ranks == 0 else rank_pids(run, set(range(ranks)))
        if run.poll() is not None or len(pids) != max(ranks, 1):
            fail(f"the run was not running with {max(ranks, 1)} process(es) when signalled: {pids}")
        if to_mpirun:
            pids = [run.pid]
        for pid in pids:  # as a batch system does: every process of the job
            os.kill(pid, sig)
        out, err = run.communicate(timeout=120)
        status = 1 if to_mpirun and sig == signal.SIGTERM else 0
        check(run.returncode == status and "Resume with" in out,
              f"{sig.name}{' to mpirun' if to_mpirun else ''}: exit {run.returncode}, told how to resume:\n"
              f"{out.strip()}")
        check(not os.path.exists(f"{tmp}/run/results.h5"), "no results written by the interrupted run")
        names = committed(store)
        # Two, unless the signal arrived while the first was being written
        # (then that one serves).
        check(1 <= len(names) <= 2, f"the signal's checkpoint committed: {names}")
        again = k.run(0, ["restart", store])
        check(restarted_from(again) == names[-1] and digest(again) == expected,
              f"restart from {restarted_from(again)}: digest {digest(again)} == {expected}")


main()
