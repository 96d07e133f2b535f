#!/usr/bin/python3
"""Checkpoint cost of one rank by thread count: PHOLD with N LPs, one
checkpoint at tick 100, for each thread count, alternated over the repeats.
Prints the checkpoint's time as kairos reports it (median, min-max) and the
uncompressed bytes per second it stands for, counted as
bench/checkpoint_bench.py counts them (states, plus the actor and agenda
tables at 8 bytes a value, their size in memory; needs h5py), so the figure reads
against issue 9's goal of 1 GB/s per rank. Digests must agree.

    /usr/bin/python3 bench/capture_threads.py [--lps 5000000] [--threads 1 2] [--repeats 3]

KAIROS names another kairos executable (default build/bin/kairos) and
SCENARIOS the folder holding scenarios/ (default the project root); DIR
(default /var/tmp) takes the checkpoints. Threads beyond one run pinned to
as many cores (taskset) where the machine has them.
"""
import argparse
import glob
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    from checkpoint_bench import uncompressed_bytes
except ImportError:   # no h5py on a bare machine: times only
    uncompressed_bytes = None

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KAIROS = os.environ.get("KAIROS", os.path.join(ROOT, "build/bin/kairos"))


def once(lps, threads, out):
    cmd = [KAIROS, "run", os.path.join(os.environ.get("SCENARIOS", ROOT), "scenarios", "phold.toml"), "--set",
           f"phold.lps={lps}", "--set", "phold.end=2", "--set", "phold.remote=0.1", "--checkpoint-at", "100",
           "--threads", str(threads), "--output", out]
    if threads > 1 and shutil.which("taskset") and threads <= os.cpu_count():
        cmd = ["taskset", "-c", f"0-{threads - 1}"] + cmd
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    seconds = float(re.search(r"committed: .*, ([0-9.]+) s \(", done.stderr + done.stdout).group(1))
    digest = re.findall(r"digest=([0-9a-f]+)", done.stdout)[-1]
    shards = glob.glob(f"{out}/checkpoints/*/ckpt-*/shard-*.h5") if uncompressed_bytes else []
    logical = sum(uncompressed_bytes(path) for path in shards)
    return seconds, logical, digest


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lps", type=int, default=5000000)
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    times = {t: [] for t in a.threads}
    logical, digests = 0, set()
    with tempfile.TemporaryDirectory(dir=os.environ.get("DIR", "/var/tmp")) as tmp:
        for i in range(a.repeats):
            for t in a.threads:
                seconds, logical, digest = once(a.lps, t, f"{tmp}/{t}-{i}")
                times[t].append(seconds)
                digests.add(digest)
                shutil.rmtree(f"{tmp}/{t}-{i}")
    print(f"\n{a.lps} PHOLD LPs on one rank, {logical / 2**20:.0f} MiB uncompressed a checkpoint"
          f" (digests {'same' if len(digests) == 1 else 'DIFFER'})\n")
    print("| threads | checkpoint s (min-max) | uncompressed MiB/s | speed-up |")
    print("|---|---|---|---|")
    base = statistics.median(times[a.threads[0]])
    for t in a.threads:
        m = statistics.median(times[t])
        rate = f"{logical / 2**20 / m:.0f}" if logical else "- (no h5py)"
        print(f"| {t} | {m:.3f} ({min(times[t]):.3f}-{max(times[t]):.3f}) | {rate} | "
              f"{base / m:.2f}x |")


if __name__ == "__main__":
    main()
