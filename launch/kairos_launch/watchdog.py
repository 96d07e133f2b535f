"""Telling a stalled run from a slow one, and ending a run that will not end
by itself.

A rank that hangs (a node whose kernel froze, a file system that stopped
answering, a model that never returns) kills nothing: the other ranks wait
for it in the next agreement, and the launcher waits for them, until the
job's time limit. Rank 0 writes a progress line at most every few seconds,
between diascas; a run is stalled when nothing at all has come from kairos
for longer than the stall timeout. Rank 0 cannot write between diascas
while any rank is stuck, since each diasca ends in an agreement of all.
"""

import os
import signal
import time


class Watchdog:
    """The stall timeout in force. A checkpoint or a restart's set-up writes
    no progress line while it works, so the timeout is at least three times
    the longest checkpoint this supervision has seen."""

    def __init__(self, timeout, deadline):
        self.timeout = timeout          # seconds; 0 turns the watchdog off
        self.deadline = deadline        # holds the longest checkpoint measured (slurm.Deadline)

    def limit(self):
        if not self.timeout:
            return None
        return max(self.timeout, 3 * self.deadline.checkpoint_seconds)

    def progress_interval(self):
        """Seconds between progress lines asked of kairos: ten per timeout,
        so one late line is far from a stall, but no more than one a minute
        in a long job's log and no less than 0.1 s."""
        return min(60.0, max(0.1, self.timeout / 10))

    def stalled_for(self, last_sign_of_life, now=None):
        """Seconds of silence beyond the limit, or None while the run is not
        stalled."""
        limit = self.limit()
        silence = (now or time.time()) - last_sign_of_life
        return silence if limit is not None and silence > limit else None


def session_processes(session):
    """The processes of a session on this host (the launcher's own and the
    ranks it started here, which Open MPI's mpirun puts in process groups
    of their own)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                # pid (comm) state ppid pgrp session ...: comm may hold spaces.
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue   # ended meanwhile
        if int(fields[3]) == session:
            found.append(int(entry))
    return found


def kill_session(session):
    """SIGKILL to every process of the session on this host. A stopped
    process dies of SIGKILL too; remote ranks end with their node's daemon,
    which loses its launcher."""
    for pid in session_processes(session):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
