#!/usr/bin/python3
"""Lookahead windows against per-diasca agreement on PHOLD (docs/phold.md).

For each PHOLD row of the ROSS comparison and each rank count, runs the
classic mapping agreed every diasca and the timed mapping with the lookahead
declared (one synchronisation per window of L), and prints synchronisations
per simulated time unit, events/s, the windowed/per-diasca ratio (same run)
and the ratio to ROSS's best mode at that rank count where docs/phold.md has
one. Digests must agree between the two (the script says DIFFER otherwise).
With --scaling it also runs the 16-core rows of docs/benchmarks.md §3 at
L=0.1 and L=1.0: strong scaling (65536 LPs, E=100) and weak scaling (4096
LPs per rank, E=300), with efficiencies (events/s per rank over the first
rank count's, so list 1 first) and ROSS's best figures from that 16-core
machine (ratios are meaningful only there); --scaling-only runs those
tables alone (the rows above carry ROSS figures of the 2-core machine).

    /usr/bin/python3 bench/windows.py [--ranks 1 2] [--repeats 3] [--quick] [--scaling | --scaling-only] [--kairos PATH]
"""
import argparse
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from phold_bench import CONFIGS, KAIROS, events_per_second, run_once  # noqa: E402

# ROSS 8.1.1's best mode on the 16-core machine of docs/benchmarks.md §3, M events/s by rank count.
ROSS_16_CORES = {
    ("strong", 0.1): {1: 0.49, 2: 0.84, 4: 2.01, 8: 4.37, 16: 9.60},
    ("strong", 1.0): {1: 0.61, 2: 0.86, 4: 2.04, 8: 4.63, 16: 8.93},
    ("weak", 0.1): {1: 1.19, 2: 1.60, 4: 3.35, 8: 5.12, 16: 8.68},
    ("weak", 1.0): {1: 1.25, 2: 1.72, 4: 2.93, 8: 5.40, 16: 9.79},
}


def lookahead_sets(config):
    milliseconds = round(config["lookahead"] * 1000)
    return ["phold.mapping=timed", f'simulation.lookahead="{milliseconds}ms"']


def measure(kairos, config, ranks, repeats, windowed, tmp):
    """Median events/s, synchronisations per time unit and the digests."""
    sets = lookahead_sets(config) if windowed else []
    runs = [run_once(config, 1, ranks, tmp, kairos, sets) for _ in range(repeats)]
    rate = statistics.median(events_per_second(r) for r in runs)
    syncs = runs[0]["windows"] if windowed else runs[0]["diascas"]
    return rate, syncs / config["end"], {r["digest"] for r in runs}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="divide every end time by 10")
    parser.add_argument("--scaling", action="store_true", help="also the strong and weak rows of the 16-core table")
    parser.add_argument("--scaling-only", action="store_true", help="only the strong and weak rows of the 16-core table")
    parser.add_argument("--kairos", default=KAIROS)
    args = parser.parse_args()
    os.environ.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")

    with tempfile.TemporaryDirectory() as tmp:
        if args.scaling_only:
            scaling_tables(args, tmp)
            return
        print("| configuration | ranks | syncs/unit per diasca | syncs/unit windowed | Mev/s per diasca | "
              "Mev/s windowed | windowed/per diasca | ROSS best | windowed/ROSS | digests |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for label, config, ross_by_ranks in CONFIGS:
            if config["lps"] > 100000:
                continue
            if args.quick:
                config = dict(config, end=config["end"] / 10)
            for ranks in args.ranks:
                base, base_syncs, base_digests = measure(args.kairos, config, ranks, args.repeats, False, tmp)
                fast, fast_syncs, fast_digests = measure(args.kairos, config, ranks, args.repeats, True, tmp)
                ross = ross_by_ranks.get(ranks)
                same = "same" if len(base_digests | fast_digests) == 1 else "DIFFER"
                print(f"| {label} | {ranks} | {base_syncs:.1f} | {fast_syncs:.1f} | {base:.2f} | {fast:.2f} | "
                      f"{fast / base:.2f}x | {ross or '-'} | {f'{fast / ross:.2f}x' if ross else '-'} | {same} |",
                      flush=True)
        if args.scaling:
            scaling_tables(args, tmp)


def scaling_tables(args, tmp):
    for kind, lookahead in sorted(ROSS_16_CORES):
        print(f"\n{kind.capitalize()} scaling, PHOLD L={lookahead}, r=0.1, "
              + ("65536 LPs, E=100" if kind == "strong" else "4096 LPs per rank, E=300")
              + " (efficiency: Mev/s per rank over the first row's; ROSS: 16-core machine)\n")
        print("| ranks | Mev/s per diasca | efficiency | Mev/s windowed | efficiency | windowed/per diasca | "
              "ROSS best | windowed/ROSS | digests |")
        print("|---|---|---|---|---|---|---|---|---|")
        first = {}
        for ranks in args.ranks:
            lps = 65536 if kind == "strong" else 4096 * ranks
            end = 100 if kind == "strong" else 300
            config = dict(lps=lps, remote=0.1, lookahead=lookahead, end=end / 10 if args.quick else end)
            results = [measure(args.kairos, config, ranks, args.repeats, windowed, tmp) for windowed in (False, True)]
            rates = [rate for rate, _, _ in results]
            same = "same" if len(results[0][2] | results[1][2]) == 1 else "DIFFER"
            for windowed, rate in zip((False, True), rates):
                first.setdefault(windowed, rate / ranks)
            ross = ROSS_16_CORES[kind, lookahead].get(ranks)
            print(f"| {ranks} | {rates[0]:.2f} | {rates[0] / ranks / first[False]:.2f} | {rates[1]:.2f} | "
                  f"{rates[1] / ranks / first[True]:.2f} | {rates[1] / rates[0]:.2f}x | {ross or '-'} | "
                  f"{f'{rates[1] / ross:.2f}x' if ross else '-'} | {same} |", flush=True)


if __name__ == "__main__":
    main()
