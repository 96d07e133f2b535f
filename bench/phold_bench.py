#!/usr/bin/python3
"""PHOLD throughput on 1 or 2 ranks, set beside ROSS's figures (docs/phold.md).

Runs `kairos run scenarios/phold.toml` for each configuration and thread
count, several times, reads summary.json, and prints the median and spread of
events/s (handled PHOLD events over the simulation loop's wall time, start-up
and output excluded), plus activations/s, messages/s and peak RSS per LP.
Writes the raw runs to a CSV.

    /usr/bin/python3 bench/phold_bench.py [--repeats 3] [--threads 1 2] [--ranks 1] [--quick]

With --ranks 2 the runs go through mpiexec (oversubscription allowed) and
the ROSS column is its 2-rank conservative figure.
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KAIROS = os.path.join(ROOT, "build", "bin", "kairos")

# (label, overrides, ROSS Mevents/s from docs/phold.md: 1 rank, 2 ranks conservative)
CONFIGS = [
    ("1024 LPs, L=1.0, r=0.1", dict(lps=1024, remote=0.1, lookahead=1.0, end=20000), {1: 4.30}),
    ("1024 LPs, L=0.1, r=0.1", dict(lps=1024, remote=0.1, lookahead=0.1, end=20000), {1: 4.03}),
    ("2048 LPs, L=1.0, r=0.1", dict(lps=2048, remote=0.1, lookahead=1.0, end=20000), {1: 3.75, 2: 6.75}),
    ("2048 LPs, L=0.1, r=0.1", dict(lps=2048, remote=0.1, lookahead=0.1, end=20000), {1: 3.57, 2: 6.33}),
    ("2048 LPs, L=0.1, r=0.5", dict(lps=2048, remote=0.5, lookahead=0.1, end=20000), {1: 3.36, 2: 4.89}),
    ("32768 LPs, L=0.1, r=0.1", dict(lps=32768, remote=0.1, lookahead=0.1, end=1000), {1: 0.91, 2: 2.65}),
    ("2048 LPs, S=16, L=0.1, r=0.25, E=2000",
     dict(lps=2048, start_events=16, remote=0.25, lookahead=0.1, end=2000), {1: 1.90, 2: 4.19}),
    ("10^6 LPs, L=0.1, r=0.1, E=100", dict(lps=1000000, remote=0.1, lookahead=0.1, end=100), {}),
]


def run_once(overrides, threads, ranks, out_dir, kairos=KAIROS, sets=()):
    """summary.json of one run of PHOLD with the given [phold] overrides
    (and other --set options in `sets`)."""
    cmd = [kairos, "run", os.path.join(ROOT, "scenarios", "phold.toml"), "--threads", str(threads),
           "--output", out_dir]
    for option in sets:
        cmd += ["--set", option]
    if ranks > 1:
        cmd = ["mpiexec", "-n", str(ranks), "--oversubscribe"] + cmd
    for key, value in overrides.items():
        cmd += ["--set", f"phold.{key}={value}"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out_dir, "summary.json")) as f:
        return json.load(f)


def events_per_second(summary):
    """Handled PHOLD events over the simulation loop's wall time, in millions."""
    return summary["counters"]["phold.events"] / summary["wall_seconds"] / 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--ranks", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="divide every end time by 10 (smoke test)")
    parser.add_argument("--csv", default=None)
    args = parser.parse_args()
    args.csv = args.csv or os.path.join(ROOT, "out", "bench", f"phold-{args.ranks}rank.csv")
    os.makedirs(os.path.dirname(args.csv), exist_ok=True)
    os.environ.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")

    rows = []
    print(f"| configuration | ranks | threads | Mevents/s median (min-max) | ROSS {args.ranks} rank(s) | ratio | "
          "Mact/s | Mmsg/s | bytes/remote msg | digest | RSS/LP |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for label, overrides, ross_by_ranks in CONFIGS:
            ross = ross_by_ranks.get(args.ranks)
            if args.quick:
                overrides = dict(overrides, end=overrides["end"] / 10)
            for threads in args.threads:
                runs = [run_once(overrides, threads, args.ranks, tmp) for _ in range(args.repeats)]
                rates = [events_per_second(r) for r in runs]
                median = statistics.median(rates)
                mid = runs[rates.index(median)] if median in rates else runs[0]
                act = mid["activations"] / mid["wall_seconds"] / 1e6
                msg = mid["messages"] / mid["wall_seconds"] / 1e6
                digests = {r["digest"] for r in runs}
                rss_per_lp = mid["peak_rss_bytes"] / overrides["lps"]
                ratio = f"{median / ross:.2f}x" if ross else "-"
                remote = mid.get("remote_messages", 0)
                per_msg = f"{mid['exchange_bytes'] / remote:.1f}" if remote else "-"
                print(f"| {label} | {args.ranks} | {threads} | {median:.2f} ({min(rates):.2f}-{max(rates):.2f}) | "
                      f"{ross if ross else '-'} | {ratio} | {act:.2f} | {msg:.2f} | {per_msg} | "
                      f"{'same' if len(digests) == 1 else 'DIFFER'} | {rss_per_lp:.0f} B |", flush=True)
                for r, rate in zip(runs, rates):
                    rows.append(dict(config=label, ranks=args.ranks, threads=threads, events=r["counters"]["phold.events"],
                                     wall_seconds=r["wall_seconds"], mevents_per_s=rate,
                                     activations=r["activations"], messages=r["messages"],
                                     peak_rss_bytes=r["peak_rss_bytes"], digest=r["digest"]))
    with open(args.csv, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(rows)
    print(f"\nraw runs: {args.csv}", file=sys.stderr)


if __name__ == "__main__":
    main()
