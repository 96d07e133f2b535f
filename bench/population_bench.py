#!/usr/bin/python3
"""Set-up cost of reading a population from a file: the grid model's meters
with their base load and jitter from a CSV file, from HDF5 datasets, or
shared by the block (the baseline), at N meters on 1 and 2 ranks. Prints
set-up seconds (summary.json), the part due to the file, and peak memory
per rank. Every variant must give the same digest as the others of its
size that have the same values (CSV and HDF5).

    /usr/bin/python3 bench/population_bench.py [--rows 1000000 10000000] [--ranks 1 2] [--dir DIR]

KAIROS names another kairos executable (default build/bin/kairos).
"""
import argparse
import json
import os
import shutil
import subprocess
import tempfile

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KAIROS = os.environ.get("KAIROS", os.path.join(ROOT, "build/bin/kairos"))
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")

GRID = """[simulation]
tick = "100ms"
stop = "1s"
seed = 7
plugins = ["grid"]
[[actors]]
class = "grid.head_end"
name = "head-end"
params = {{ concentrators = "concentrators", limit_kwh = 1e9, factor = 0.8, hold = 3600.0, wan_latency = 1.0 }}
[[actors]]
class = "grid.concentrator"
group = "concentrators"
count = 100
params = {{ head_end = "head-end", meters = "meters", concentrators = "concentrators", period = 900.0, wan_latency = 1.0, link_latency = 0.2 }}
[[actors]]
class = "grid.meter"
group = "meters"
{source}
"""
SHARED = 'params = { concentrators = "concentrators", period = 900.0, link_latency = 0.2'


def write_inputs(tmp, rows):
    rng = np.random.default_rng(1)
    base = np.round(rng.uniform(0.4, 3.0, rows), 3)
    jitter = rng.choice([0.5, 1.0, 2.0], rows)
    with open(f"{tmp}/meters.csv", "w") as f:
        f.write("base_kw,jitter\n")
        for start in range(0, rows, 1 << 20):
            f.write("".join(f"{b},{j}\n" for b, j in zip(base[start:start + (1 << 20)], jitter[start:start + (1 << 20)])))
    with h5py.File(f"{tmp}/meters.h5", "w") as f:
        f["base_kw"] = base
        f["jitter"] = jitter
    scenarios = {
        "shared": GRID.format(source=f"count = {rows}\n{SHARED}, base_kw = 1.2, jitter = 0.5 }}"),
        "csv": GRID.format(source=f'from = "meters.csv"\n{SHARED} }}'),
        "h5": GRID.format(source=f'from = "meters.h5"\n{SHARED} }}'),
    }
    for name, text in scenarios.items():
        with open(f"{tmp}/{name}.toml", "w") as f:
            f.write(text)
    return os.path.getsize(f"{tmp}/meters.csv")


def run(tmp, name, ranks):
    out = f"{tmp}/out-{name}-{ranks}"
    cmd = ["mpirun", "-n", str(ranks), KAIROS, "run", f"{tmp}/{name}.toml", "--output", out]
    r = subprocess.run(cmd, capture_output=True, text=True, env=ENV)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{r.stdout}\n{r.stderr}")
    with open(f"{out}/summary.json") as f:
        s = json.load(f)
    shutil.rmtree(out)
    return s


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    p.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    p.add_argument("--dir", default="/var/tmp")
    a = p.parse_args()
    print("| meters | ranks | source | file MiB | set-up (s) | due to the file (s) | peak RSS per rank (MiB) | digest |")
    print("|---|---|---|---|---|---|---|---|")
    for rows in a.rows:
        tmp = tempfile.mkdtemp(dir=a.dir, prefix="kairos-population-")
        try:
            csv_bytes = write_inputs(tmp, rows)
            h5_bytes = os.path.getsize(f"{tmp}/meters.h5")
            for ranks in a.ranks:
                results = {name: run(tmp, name, ranks) for name in ("shared", "csv", "h5")}
                if results["csv"]["digest"] != results["h5"]["digest"]:
                    raise SystemExit(f"{rows} meters on {ranks} rank(s): CSV and HDF5 digests differ")
                base = results["shared"]["setup_seconds"]
                for name, s in results.items():
                    size = {"csv": csv_bytes, "h5": h5_bytes}.get(name)
                    print(f"| {rows:,} | {ranks} | {name} | {size / 2**20:.0f} |" if size else
                          f"| {rows:,} | {ranks} | {name} | – |", end="")
                    extra = f"{s['setup_seconds'] - base:.2f}" if name != "shared" else "–"
                    peak = max(s["peak_rss_bytes_per_rank"]) / 2**20
                    print(f" {s['setup_seconds']:.2f} | {extra} | {peak:.0f} | {s['digest']} |")
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
