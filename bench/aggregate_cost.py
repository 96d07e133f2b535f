#!/usr/bin/python3
"""What an aggregate probe costs: the same run with it selected and with it
left out ([probes] select), interleaved, medians of the loop's wall time.

    aggregate_cost.py [--kairos build/bin/kairos] [--repeats 5]

Rows: grid.toml over 12 simulated hours (every meter reading recorded to
grid.readings, a row per hour) and soda-benchmark.toml at 60+360 (every can
sold recorded to soda.sales, a row per tick). A probe left out of the
selection still costs the record() call; what the ratio shows is the
absorbing and exact summing.
"""
import argparse
import os
import re
import statistics
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = os.path.join(HERE, "..", "scenarios")
CASES = [
    ("grid, 12 h", "grid.toml", ["--set", 'simulation.stop="12h"'], '["grid.load", "grid.readings"]', '["grid.load"]'),
    ("soda 60+360", "soda-benchmark.toml",
     ["--set", "actors.2.count=60", "--set", "actors.3.count=120", "--set", "actors.4.count=240"],
     '["soda.machine.SVM-*", "soda.sales"]', '["soda.machine.SVM-*"]'),
]


def wall(kairos, scenario, sets, select, out):
    line = subprocess.run([kairos, "run", os.path.join(SCENARIOS, scenario), *sets, "--set", f"probes.select={select}",
                           "--output", out], check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    return float(re.search(r"wall=([0-9.]+)s", line).group(1)), re.search(r"activations=(\d+)", line).group(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kairos", default=os.path.join(HERE, "..", "build", "bin", "kairos"))
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print("| run | activations | loop s, aggregate selected | loop s, left out | ratio |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for label, scenario, sets, with_it, without in CASES:
            on, off = [], []
            for _ in range(args.repeats):
                seconds, activations = wall(args.kairos, scenario, sets, with_it, f"{tmp}/on")
                on.append(seconds)
                off.append(wall(args.kairos, scenario, sets, without, f"{tmp}/off")[0])
            a, b = statistics.median(on), statistics.median(off)
            print(f"| {label} | {int(activations):,} | {a:.3f} ({min(on):.3f}-{max(on):.3f}) | "
                  f"{b:.3f} ({min(off):.3f}-{max(off):.3f}) | {a / b:.2f}x |")


if __name__ == "__main__":
    main()
