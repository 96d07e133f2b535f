#!/usr/bin/python3
"""Checkpoint cost for PHOLD on 2 ranks (2 virtual nodes): write time,
bandwidth and compression with k=0 and k=1, the disk's own sequential write
bandwidth (dd, O_DIRECT) measured in the same run, restart time, and the
run-time overhead of checkpointing.

    /usr/bin/python3 bench/checkpoint_bench.py [--lps 1000000 10000000] [--dir DIR]

KAIROS names another kairos executable (default build/bin/kairos).

DIR (default /var/tmp) must be on the disk to measure; everything written
there is removed at the end.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import tempfile

import h5py

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KAIROS = os.environ.get("KAIROS", os.path.join(ROOT, "build/bin/kairos"))  # another build to compare
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
END = 2.0  # simulated time units: about 2 events per LP
TICKS = int(END * 100)


def kairos(args, ranks=2):
    cmd = ["mpirun", "-n", str(ranks), "--oversubscribe", KAIROS] + args
    r = subprocess.run(cmd, capture_output=True, text=True, env=ENV)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{r.stdout}\n{r.stderr}")
    return r


def summary(out):
    with open(os.path.join(out, "summary.json")) as f:
        return json.load(f)


def dd_bandwidth(directory):
    target = os.path.join(directory, "dd-probe")
    r = subprocess.run(["dd", "if=/dev/zero", f"of={target}", "bs=4M", "count=256", "oflag=direct", "conv=fsync"],
                       capture_output=True, text=True)
    os.remove(target)
    seconds = float(re.search(r"copied, ([0-9.]+) s", r.stderr).group(1))
    return 1024 * 2**20 / seconds


def uncompressed_bytes(path):
    """Bytes a shard represents: the state payload plus its tables at 8
    bytes a value, their size in memory (stored narrower)."""
    with h5py.File(path, "r") as f:
        return f["actors/state"].shape[0] + 5 * 8 * f["actors/aai"].shape[0] + 2 * 8 * f["agenda/aai"].shape[0]


def compression(store, name):
    logical = files = 0
    for path in glob.glob(f"{store}/*/{name}/shard-*.h5"):
        logical += uncompressed_bytes(path)
        files += os.path.getsize(path)
    return logical, files


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lps", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--dir", default="/var/tmp")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="kairos-ckpt-bench-", dir=args.dir)
    try:
        disk = dd_bandwidth(work)
        print(f"disk sequential write (dd, 4 MiB blocks, O_DIRECT, 1 GiB): {disk / 2**20:.0f} MiB/s\n")
        print("| LPs | k | shard bytes (all ranks) | written incl. replicas | checkpoint time (s) | actors/s "
              "| uncompressed MiB/s | written MiB/s | written, % of dd | compression | restart setup (s) |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        overheads = []
        for lps in args.lps:
            phold = ["run", os.path.join(ROOT, "scenarios/phold.toml"), "--set", f"phold.lps={lps}",
                     "--set", f"phold.end={END}", "--set", "phold.remote=0.1"]
            plain = f"{work}/plain"
            kairos(phold + ["--output", plain])
            plain_wall = summary(plain)["wall_seconds"]
            digest = summary(plain)["digest"]
            for k in (0, 1):
                out = f"{work}/k{k}"
                r = kairos(phold + ["--output", out, "--checkpoint-at", str(TICKS // 2), "--replicas", str(k),
                                    "--ranks-per-node", "1"])
                m = re.search(r"checkpoint (ckpt-\S+) committed: .* ([0-9.]+) MiB per copy set, ([0-9.]+) s", r.stderr)
                name, seconds = m.group(1), float(m.group(3))
                logical, files = compression(f"{out}/checkpoints", name)  # over all copies
                logical /= 1 + k
                per_set = files / (1 + k)
                restart_out = f"{work}/restart{k}"
                kairos(["restart", f"{out}/checkpoints", "--output", restart_out])
                assert summary(restart_out)["digest"] == digest, "restart changed the digest"
                restart_setup = summary(restart_out)["setup_seconds"]
                print(f"| {lps:,} | {k} | {per_set / 2**20:.1f} MiB | {files / 2**20:.1f} MiB | {seconds:.2f} "
                      f"| {lps / seconds:.2e} | {logical / seconds / 2**20:.0f} | {files / seconds / 2**20:.0f} "
                      f"| {100 * files / seconds / disk:.1f}% | {logical / per_set:.1f}x | {restart_setup:.2f} |")
                shutil.rmtree(out)
                shutil.rmtree(restart_out)
                # Overhead: 3 checkpoints at a quarter, half and three quarters of the run.
                if k == 1:
                    out = f"{work}/every"
                    kairos(phold + ["--output", out, "--checkpoint-every", str(TICKS // 4), "--replicas", "1",
                                    "--ranks-per-node", "1"])
                    wall = summary(out)["wall_seconds"]
                    # Young/Daly interval for a 24 h MTBF and the overhead it implies.
                    mtbf = 24 * 3600
                    interval = (2 * seconds * mtbf) ** 0.5
                    overheads.append((lps, plain_wall, wall, seconds, interval, seconds / interval))
                    shutil.rmtree(out)
            shutil.rmtree(plain)
        print("\n| LPs | run without checkpoints (s) | with 3 checkpoints, k=1 (s) | overhead | Young/Daly interval "
              "at MTBF 24 h | overhead at that interval |")
        print("|---|---|---|---|---|---|")
        for lps, plain_wall, wall, cost, interval, share in overheads:
            print(f"| {lps:,} | {plain_wall:.2f} | {wall:.2f} | {100 * (wall - plain_wall) / plain_wall:.0f}% "
                  f"| {interval:.0f} s | {100 * share:.2f}% |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
