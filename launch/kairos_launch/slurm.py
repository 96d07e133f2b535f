"""The batch system's clock and queue: when the job must end, and putting it
back in the queue."""

import os
import subprocess
import time
from datetime import datetime


def job_end_time(env=os.environ):
    """When the job's time limit falls (seconds since the epoch), or None:
    SLURM_JOB_END_TIME where Slurm sets it, else what squeue says."""
    if value := env.get("SLURM_JOB_END_TIME"):
        try:
            return float(value)
        except ValueError:
            pass
    job = env.get("SLURM_JOB_ID")
    if not job:
        return None
    try:
        shown = subprocess.run(["squeue", "-h", "-j", job, "-o", "%e"], capture_output=True, text=True,
                               timeout=20).stdout.strip()
        return datetime.strptime(shown, "%Y-%m-%dT%H:%M:%S").timestamp()
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None   # "UNLIMITED", "N/A", or no squeue: no limit known


def requeue(env=os.environ):
    """Puts this job back in the queue; returns an error text or None."""
    job = env.get("SLURM_JOB_ID")
    if not job:
        return "not a Slurm job (SLURM_JOB_ID is not set)"
    done = subprocess.run(["scontrol", "requeue", job], capture_output=True, text=True)
    return None if done.returncode == 0 else (done.stderr.strip() or f"scontrol requeue exited {done.returncode}")


class Deadline:
    """When to ask the run to checkpoint and stop: the job's end minus a
    margin that grows with the checkpoint cost measured in this run (three
    checkpoints' worth, so the last one has room even if it is slower)."""

    def __init__(self, end, minimum_margin):
        self.end = end
        self.minimum_margin = minimum_margin
        self.checkpoint_seconds = 0.0

    def margin(self):
        return max(self.minimum_margin, 3 * self.checkpoint_seconds)

    def due(self, now=None):
        return self.end is not None and (now or time.time()) >= self.end - self.margin()
