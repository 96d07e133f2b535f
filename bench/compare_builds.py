#!/usr/bin/python3
"""Two kairos builds on the same PHOLD runs, alternated, as a same-run ratio.

    bench/compare_builds.py KAIROS_A KAIROS_B [--repeats 5] [--all] [--ranks R] [--threads T]

For the 2048-LP rows of bench/phold_bench.py at r=0.1 (L=1.0 and L=0.1), or
with --all for every row there, on R ranks of T threads (default one of
one), runs A and B one after the other, REPEATS times, and prints the median
PHOLD events/s of each, their ratio B/A, and whether the digests agree.
Alternating keeps a noisy machine's drift out of the ratio.
"""
import argparse
import os
import statistics
import sys
import tempfile

from phold_bench import CONFIGS, events_per_second, run_once

WORKLOADS = ("2048 LPs, L=1.0, r=0.1", "2048 LPs, L=0.1, r=0.1")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--all", action="store_true", help="every row of bench/phold_bench.py")
    p.add_argument("--ranks", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    os.environ.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    print("| workload | A M events/s median (min-max) | B M events/s median (min-max) | B/A | digests |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for label, overrides, _ in (c for c in CONFIGS if args.all or c[0] in WORKLOADS):
            rates = {"a": [], "b": []}
            digests = set()
            for _ in range(args.repeats):
                for who in ("a", "b"):
                    summary = run_once(overrides, args.threads, args.ranks, os.path.join(tmp, who),
                                       kairos=getattr(args, who))
                    rates[who].append(events_per_second(summary))
                    digests.add(summary["digest"])
            med = {w: statistics.median(r) for w, r in rates.items()}
            cell = {w: f"{med[w]:.2f} ({min(r):.2f}-{max(r):.2f})" for w, r in rates.items()}
            print(f"| {label} | {cell['a']} | {cell['b']} | {med['b'] / med['a']:.3f} | "
                  f"{'equal' if len(digests) == 1 else 'DIFFER'} |")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
