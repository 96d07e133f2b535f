#!/usr/bin/python3
"""The largest population per rank that fits a memory budget (default 1 GiB,
the memory per core of a Blue Gene/Q-class machine).

    bench/memory_budget.py phold|soda|idle [--ranks R] [--budget-mib 1024] [--checkpoint]

For a kind of workload it searches the actor count per rank whose peak RSS
(each rank's getrusage maximum, the largest over ranks, the whole run from
start-up to results.h5 included) stays within the budget:
- phold: PHOLD L=0.1, r=0.1, one start event per LP, run to t=5;
- soda: the soda benchmark's population scaled up (machines, deterministic
  and stochastic customers as 1:2:4), 100 ticks;
- idle: bench.idle actors (no state, no behaviour): the engine's own share.
With --checkpoint the run also takes one checkpoint (one replica per shard
when there are several ranks, each rank its own node), whose images are
transient memory too. Two sizes are measured to fit
RSS = base + bytes_per_actor * n, then the predicted count is refined by
bisection to within 2%. Prints one table row: kind, ranks, checkpoint, the
largest count that fits, its peak RSS, bytes per actor, the smallest count
that did not fit, and the runs it took. KAIROS picks the command (default
build/bin/kairos); ranks above 1 run under mpirun.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SODA_GROUPS = ((2, 960), (3, 1920), (4, 3840))  # [[actors]] index, count at scale 1 (6720 actors)


def arguments(kind, total):
    """The scenario and --set flags for `total` actors over all ranks."""
    if kind == "phold":
        return [f"{ROOT}/scenarios/phold.toml", "--set", f"phold.lps={total}", "--set", "phold.end=5",
                "--set", "phold.lookahead=0.1", "--set", "phold.remote=0.1", "--set", "phold.start_events=1"]
    if kind == "soda":
        scale = total / sum(count for _, count in SODA_GROUPS)
        sets = ["--set", "simulation.stop_tick=100"]
        for index, count in SODA_GROUPS:
            sets += ["--set", f"actors.{index}.count={max(1, round(count * scale))}"]
        return [f"{ROOT}/scenarios/soda-benchmark.toml", *sets]
    return [f"{ROOT}/bench/idle.toml", "--set", f"actors.0.count={total}"]


def peak_rss(args, per_rank):
    """The largest rank's peak RSS in bytes for `per_rank` actors per rank."""
    kairos = os.environ.get("KAIROS", f"{ROOT}/build/bin/kairos")
    with tempfile.TemporaryDirectory() as out:
        command = [kairos, "run", *arguments(args.kind, per_rank * args.ranks), "--output", out]
        if args.checkpoint:
            command += ["--checkpoint-at", "2", "--replicas", "1", "--ranks-per-node", "1"]
        if args.ranks > 1:
            command = ["mpirun", "-n", str(args.ranks), "--oversubscribe", *command]
        env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
        if done.returncode != 0:
            sys.exit(f"{' '.join(command)}: exit {done.returncode}\n{done.stderr[-2000:]}")
        with open(os.path.join(out, "summary.json")) as f:
            summary = json.load(f)
    rss = max(summary["peak_rss_bytes_per_rank"])
    print(f"  {args.kind} {per_rank:,} per rank: peak RSS {rss / 2**20:.0f} MiB", file=sys.stderr)
    return rss


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kind", choices=("phold", "soda", "idle"))
    p.add_argument("--ranks", type=int, default=1)
    p.add_argument("--budget-mib", type=float, default=1024)
    p.add_argument("--checkpoint", action="store_true")
    args = p.parse_args()
    budget = args.budget_mib * 2**20

    runs = 0

    def measure(n):
        nonlocal runs
        runs += 1
        return peak_rss(args, n)

    small, large = 100_000, 1_000_000
    rss_small, rss_large = measure(small), measure(large)
    per_actor = (rss_large - rss_small) / (large - small)
    base = rss_small - per_actor * small
    guess = int((budget - base) / per_actor)
    fits, misses = {}, {}
    (fits if rss_large <= budget else misses)[large] = rss_large
    n = guess
    while True:
        rss = measure(n)
        (fits if rss <= budget else misses)[n] = rss
        lo = max(fits) if fits else 0
        hi = min(misses) if misses else None
        if hi is not None and lo and (hi - lo) / lo <= 0.02:
            break
        if runs >= 10:
            break
        n = (lo + hi) // 2 if hi is not None and lo else (int(n * 1.05) if hi is None else int(n * 0.95))
    lo = max(fits) if fits else 0
    print(f"| {args.kind} | {args.ranks} | {'yes' if args.checkpoint else 'no'} | {lo:,} | "
          f"{fits[lo] / 2**20:.0f} | {(fits[lo] - base) / lo:.0f} | "
          f"{min(misses):,} | {runs} |" if lo and misses else f"| {args.kind} | no bracket found after {runs} runs |")


if __name__ == "__main__":
    main()
