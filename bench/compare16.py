#!/usr/bin/python3
"""Variants of Kairos (builds, or one build under different environment
variables) alternated on the rows of the 16-core table where waiting,
coordination and binding matter, as same-run ratios.

    bench/compare16.py NAME=KAIROS[,VAR=VALUE...] ... [--repeats 3] [--cores 16]
                       [--rows threads messages ranks weak hybrid] [--threads 8 16]

e.g. old=.bench16/kairos-old/bin/kairos new=.bench16/kairos/bin/kairos \
     new-yield=.bench16/kairos/bin/kairos,KAIROS_WAIT=yield

Rows (PHOLD r=0.1, one start event per LP, medians of REPEATS runs in M
events/s, the variants run one after the other within each repeat):
  - threads in one rank, 65536 LPs, E=100, L=1.0 and 0.1, at each of
    --threads (default cores/2 and cores; pinned with taskset);
  - messages: the same threads at r=1.0, L=1.0, E=60 (every event a
    message, 65536 in one diasca: the end of a diasca's share of the work);
  - ranks, 65536 LPs, E=100, L=1.0 and 0.1, at `cores` ranks, one core each;
  - weak, 4096 LPs per rank, E=300, L=0.1, windowed (timed mapping, the
    lookahead declared), at 1 and `cores` ranks, with the efficiency;
  - hybrid, 4096 x cores LPs, E=300, L=0.1: R ranks x T threads = cores, each
    rank bound to T cores, for the first variant only.
--rows picks some of them (builds without lookahead windows: leave out weak).
The digests of each row must agree across variants (DIFFER otherwise).
SCENARIOS (the folder holding scenarios/) may be set.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import json

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIO = os.path.join(os.environ.get("SCENARIOS", ROOT), "scenarios", "phold.toml")


def parse_variant(text):
    name, _, rest = text.partition("=")
    kairos, *assignments = rest.split(",")
    return name, kairos, dict(a.split("=", 1) for a in assignments)


def run(variant, lps, end, lookahead, ranks, threads, windowed, out, remote=0.1):
    _, kairos, env_extra = variant
    cmd = [kairos, "run", SCENARIO, "--threads", str(threads), "--output", out,
           "--set", f"phold.lps={lps}", "--set", f"phold.end={end}", "--set", f"phold.lookahead={lookahead}",
           "--set", f"phold.remote={remote}", "--set", "phold.start_events=1"]
    if windowed:
        cmd += ["--set", "phold.mapping=timed", "--set", f'simulation.lookahead="{round(lookahead * 1000)}ms"']
    if ranks > 1:
        cmd = ["mpirun", "-n", str(ranks), "--map-by", f"slot:PE={threads}", "--bind-to", "core"] + cmd
    elif threads > 1:
        cmd = ["taskset", "-c", f"0-{threads - 1}"] + cmd
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, **env_extra))
    with open(os.path.join(out, "summary.json")) as f:
        s = json.load(f)
    return s["counters"]["phold.events"] / s["wall_seconds"] / 1e6, s["digest"]


def row(args, tmp, variants, title, **workload):
    rates = {v[0]: [] for v in variants}
    digests = set()
    for _ in range(args.repeats):
        for v in variants:
            rate, digest = run(v, out=os.path.join(tmp, v[0]), **workload)
            rates[v[0]].append(rate)
            digests.add(digest)
    medians = {name: statistics.median(r) for name, r in rates.items()}
    first = variants[0][0]
    cells = " | ".join(f"{m:.2f} ({m / medians[first]:.2f}x)" for m in medians.values())
    print(f"| {title} | {cells} | {'same' if len(digests) == 1 else 'DIFFER'} |", flush=True)
    return medians


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="+", type=parse_variant)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cores", type=int, default=os.cpu_count())
    parser.add_argument("--rows", nargs="+", choices=("threads", "messages", "ranks", "weak", "hybrid"),
                        default=["threads", "messages", "ranks", "weak", "hybrid"])
    parser.add_argument("--threads", type=int, nargs="+", help="thread counts of the threads rows")
    args = parser.parse_args()
    os.environ.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    variants, cores = args.variants, args.cores
    print("| row | " + " | ".join(f"{v[0]} Mev/s (x {variants[0][0]})" for v in variants) + " | digests |")
    print("|---|" + "---|" * (len(variants) + 1))
    with tempfile.TemporaryDirectory() as tmp:
        for lookahead in (1.0, 0.1):
            for threads in (args.threads or (cores // 2, cores)) if "threads" in args.rows else ():
                row(args, tmp, variants, f"1 rank x {threads} threads, 65536 LPs, L={lookahead}",
                    lps=65536, end=100, lookahead=lookahead, ranks=1, threads=threads, windowed=False)
            if "ranks" in args.rows:
                row(args, tmp, variants, f"{cores} ranks, 65536 LPs, L={lookahead}",
                    lps=65536, end=100, lookahead=lookahead, ranks=cores, threads=1, windowed=False)
        for threads in (args.threads or (cores // 2, cores)) if "messages" in args.rows else ():
            row(args, tmp, variants, f"1 rank x {threads} threads, 65536 LPs, L=1.0, r=1.0",
                lps=65536, end=60, lookahead=1.0, ranks=1, threads=threads, windowed=False, remote=1.0)
        if "weak" in args.rows:
            weak_windowed(args, tmp, variants, cores)
        if "hybrid" in args.rows:
            hybrid(args, tmp, variants, cores)


def weak_windowed(args, tmp, variants, cores):
    one = row(args, tmp, variants, "weak windowed, 1 rank, 4096 LPs, L=0.1",
              lps=4096, end=300, lookahead=0.1, ranks=1, threads=1, windowed=True)
    many = row(args, tmp, variants, f"weak windowed, {cores} ranks, {4096 * cores} LPs, L=0.1",
               lps=4096 * cores, end=300, lookahead=0.1, ranks=cores, threads=1, windowed=True)
    print("\nweak efficiency windowed at " + f"{cores} ranks: "
          + ", ".join(f"{name} {many[name] / (cores * one[name]):.2f}" for name in one) + "\n")


def hybrid(args, tmp, variants, cores):
    print(f"| hybrid ({variants[0][0]}), {4096 * cores} LPs, L=0.1, E=300 | M events/s per diasca | digests |")
    print("|---|---|---|")
    splits = [(r, cores // r) for r in (1, 2, 4, 8, 16, 32, 64) if r <= cores and cores % r == 0]
    for ranks, threads in splits:
        row(args, tmp, variants[:1], f"{ranks} x {threads}",
            lps=4096 * cores, end=300, lookahead=0.1, ranks=ranks, threads=threads, windowed=False)


if __name__ == "__main__":
    main()
