#!/usr/bin/python3
"""Strong, weak, thread and hybrid scaling of PHOLD (docs/benchmarks.md §3).

Prints, for 1, 2, 4, ... up to --max cores:
  - ranks, strong: 65536 LPs, E=100, L=1.0 and L=0.1 (one thread per rank);
  - threads in one rank, strong: the same workloads, one rank, T threads;
  - ranks, weak: 4096 LPs per rank, E=300, L=0.1 and L=1.0;
  - hybrid: R ranks x T threads with R x T = --max, 4096 LPs per core, L=0.1.
Each cell is the median of --repeats runs, in M events/s (PHOLD events over
the loop's wall time), with the speed-up over the 1-core figure (strong) or
the efficiency (weak: rate / (cores x 1-core rate)). Digests of one
workload must agree across every configuration: the table says "same".

    /usr/bin/python3 bench/scaling.py [--max 16] [--repeats 3] [--quick]

KAIROS (default build/bin/kairos), SCENARIOS (the folder holding
scenarios/) and MPIRUN_FLAGS (default --oversubscribe; on a 16-core machine
"--map-by core --bind-to core") may be set. Where the flags map ranks
(--map-by), hybrid runs of T threads per rank map each rank to T cores
(--map-by slot:PE=T) instead: bound to one core, its T threads would share
it. One-rank thread runs are pinned to T cores with taskset where it
exists. Beyond the machine's cores the figures measure time-sharing, not
scaling.
"""
import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KAIROS = os.environ.get("KAIROS", os.path.join(ROOT, "build", "bin", "kairos"))
SCENARIO = os.path.join(os.environ.get("SCENARIOS", ROOT), "scenarios", "phold.toml")
MPIRUN_FLAGS = shlex.split(os.environ.get("MPIRUN_FLAGS", "--oversubscribe"))


def mpirun_flags(threads):
    """MPIRUN_FLAGS for ranks of `threads` threads each: T cores per rank."""
    flags = list(MPIRUN_FLAGS)
    if threads > 1 and "--map-by" in flags[:-1]:
        flags[flags.index("--map-by") + 1] = f"slot:PE={threads}"
    return flags


def run_once(lps, end, lookahead, ranks, threads, out):
    cmd = [KAIROS, "run", SCENARIO, "--threads", str(threads), "--output", out,
           "--set", f"phold.lps={lps}", "--set", f"phold.end={end}", "--set", f"phold.lookahead={lookahead}",
           "--set", "phold.remote=0.1", "--set", "phold.start_events=1"]
    if ranks > 1:
        cmd = ["mpirun", "-n", str(ranks)] + mpirun_flags(threads) + cmd
    elif threads > 1 and shutil.which("taskset") and threads <= os.cpu_count():
        cmd = ["taskset", "-c", f"0-{threads - 1}"] + cmd
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    return summary["counters"]["phold.events"] / summary["wall_seconds"] / 1e6, summary["digest"]


def median_rate(args, tmp, lps, end, lookahead, ranks, threads):
    rates, digests = [], set()
    for i in range(args.repeats):
        rate, digest = run_once(lps, end, lookahead, ranks, threads, os.path.join(tmp, f"r{i}"))
        rates.append(rate)
        digests.add(digest)
    return statistics.median(rates), digests


def row(args, tmp, title, cores, config):
    """config(c) -> (lps, end, lookahead, ranks, threads) for c cores."""
    cells, base, digests = [], None, set()
    for c in cores:
        lps, end, lookahead, ranks, threads = config(c)
        rate, ds = median_rate(args, tmp, lps, end, lookahead, ranks, threads)
        digests |= ds
        base = base or rate
        cells.append((c, rate))
    return title, cells, base, digests


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=int, default=os.cpu_count())
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="a tenth of the simulated time (smoke test)")
    args = parser.parse_args()
    os.environ.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    cores = [c for c in (1, 2, 4, 8, 16, 32, 64) if c <= args.max]
    scale = 0.1 if args.quick else 1.0
    strong_end, weak_end = 100 * scale, 300 * scale

    print(f"| workload | cores {' / '.join(map(str, cores))} | M events/s | speed-up or efficiency | digests |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        def show(title, cells, base, digests, weak):
            rates = " / ".join(f"{rate:.2f}" for _, rate in cells)
            if weak:
                gains = " / ".join(f"{rate / (c * base):.2f}" for c, rate in cells)
            else:
                gains = " / ".join(f"{rate / base:.2f}x" for _, rate in cells)
            # Weak rows change the LP count with the cores: their digests differ by design.
            same = "-" if weak else ("same" if len(digests) == 1 else "DIFFER")
            print(f"| {title} | | {rates} | {gains} | {same} |", flush=True)

        for lookahead in (1.0, 0.1):
            show(*row(args, tmp, f"ranks, 65536 LPs, L={lookahead}", cores,
                      lambda c: (65536, strong_end, lookahead, c, 1)), weak=False)
            show(*row(args, tmp, f"threads in one rank, 65536 LPs, L={lookahead}", cores,
                      lambda c: (65536, strong_end, lookahead, 1, c)), weak=False)
        for lookahead in (0.1, 1.0):
            show(*row(args, tmp, f"ranks, weak, 4096 LPs/rank, L={lookahead}", cores,
                      lambda c: (4096 * c, weak_end, lookahead, c, 1)), weak=True)
        # Hybrid: the same 4096 LPs per core, split between ranks and threads.
        top = cores[-1]
        splits = [(r, top // r) for r in cores if top % r == 0]
        print(f"\n| hybrid, {4096 * top} LPs, L=0.1 | " + " | ".join(f"{r}x{t}" for r, t in splits) + " |")
        print("|---|" + "---|" * len(splits))
        cells, digests = [], set()
        for r, t in splits:
            rate, ds = median_rate(args, tmp, 4096 * top, weak_end, 0.1, r, t)
            digests |= ds
            cells.append(f"{rate:.2f}")
        print("| M events/s (ranks x threads) | " + " | ".join(cells) + " |")
        print(f"digests: {'same' if len(digests) == 1 else 'DIFFER'}", file=sys.stderr)


if __name__ == "__main__":
    main()
