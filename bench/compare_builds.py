#!/usr/bin/python3
"""Two kairos builds on the same PHOLD runs, alternated, as a same-run ratio.

    bench/compare_builds.py KAIROS_A KAIROS_B [--repeats 5]

For each workload (2048 LPs, r=0.1, L=1.0 and L=0.1, one rank, one thread)
runs A and B one after the other, REPEATS times, and prints the median
PHOLD events/s (handled events over the simulation loop's wall time) of
each, their ratio B/A, and whether the digests agree. Alternating keeps a
noisy machine's drift out of the ratio.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKLOADS = [("2048 LPs, L=1.0, r=0.1", ["phold.lookahead=1.0"]), ("2048 LPs, L=0.1, r=0.1", ["phold.lookahead=0.1"])]


def run(kairos, sets, out):
    args = [kairos, "run", f"{ROOT}/scenarios/phold.toml", "--set", "phold.lps=2048", "--set", "phold.end=20000",
            "--set", "phold.remote=0.1", "--output", out]
    for s in sets:
        args += ["--set", s]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "summary.json")) as f:
        s = json.load(f)
    return s["counters"]["phold.events"] / s["wall_seconds"] / 1e6, s["digest"]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args()
    print("| workload | A M events/s median (min-max) | B M events/s median (min-max) | B/A | digests |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for label, sets in WORKLOADS:
            rates = {"a": [], "b": []}
            digests = set()
            for _ in range(args.repeats):
                for who in ("a", "b"):
                    rate, digest = run(getattr(args, who), sets, os.path.join(tmp, who))
                    rates[who].append(rate)
                    digests.add(digest)
            med = {w: statistics.median(r) for w, r in rates.items()}
            cell = {w: f"{med[w]:.2f} ({min(r):.2f}-{max(r):.2f})" for w, r in rates.items()}
            print(f"| {label} | {cell['a']} | {cell['b']} | {med['b'] / med['a']:.3f} | "
                  f"{'equal' if len(digests) == 1 else 'DIFFER'} |")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
