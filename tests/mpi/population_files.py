#!/usr/bin/python3
"""Actors read from population files (`from = "meters.csv"` or ".h5") are
the actors the same values spelled out in the scenario give: the same
digest on any rank count, and across a checkpoint and a restart on another
rank count. Malformed files are refused with exit 2 naming the file.

    population_files.py KAIROS MPIEXEC

The grid model's meters take their base load, jitter, period and group from
the file; the test kit's scheduler takes a boolean (h5py's enum) from it.
"""
import os
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../checkpoint"))
from harness import ENV, PREFLAGS, Kairos, check, digest, scratch  # noqa: E402

METERS = 300

GRID = """[simulation]
tick = "100ms"
stop = "6h"
seed = 11
plugins = ["grid"]
[[actors]]
class = "grid.head_end"
name = "head-end"
params = { concentrators = "concentrators", limit_kwh = 90.0, factor = 0.8, hold = 3600.0, wan_latency = 1.0 }
[[actors]]
class = "grid.concentrator"
group = "concentrators"
count = 5
params = { head_end = "head-end", meters = "meters", concentrators = "concentrators", period = 900.0, wan_latency = 1.0, link_latency = 0.2 }
[[actors]]
class = "grid.meter"
group = "meters"
params = { link_latency = 0.2 }
"""


def toml_list(values):
    return "[" + ", ".join(f'"{v}"' if isinstance(v, str) else repr(v) for v in values) + "]"


def meters():
    rng = np.random.default_rng(5)
    return {"base_kw": [float(x) for x in np.round(rng.uniform(0.3, 3.0, METERS), 4)],
            "jitter": [float(x) for x in rng.choice([0.5, 1.0, 2.0], METERS)],
            "period": [int(x) for x in rng.choice([300, 900], METERS)],
            "concentrators": ["concentrators"] * METERS}


def write_files(tmp, m):
    """The scenario with the values spelled out, and with each file."""
    scenarios = {}
    per_actor = ", ".join(f"{k} = {toml_list(v)}" for k, v in m.items())
    scenarios["toml"] = GRID + f"count = {METERS}\nper_actor = {{ {per_actor} }}\n"
    with open(f"{tmp}/meters.csv", "w") as f:
        f.write(",".join(m) + "\n")
        for row in zip(*m.values()):
            f.write(",".join(str(v) for v in row) + "\n")
    scenarios["csv"] = GRID + 'from = "meters.csv"\n'
    # Each HDF5 type a parameter takes: float64, float32 (of exact values),
    # int32, and strings of variable and of fixed length.
    with h5py.File(f"{tmp}/meters.h5", "w") as f:
        f["base_kw"] = np.array(m["base_kw"], dtype=np.float64)
        f["jitter"] = np.array(m["jitter"], dtype=np.float32)
        f["period"] = np.array(m["period"], dtype=np.int32)
        f.create_dataset("concentrators", data=m["concentrators"], dtype=h5py.string_dtype())
    scenarios["h5"] = GRID + 'from = "meters.h5"\n'
    with h5py.File(f"{tmp}/meters-fixed.h5", "w") as f:
        f["base_kw"] = np.array(m["base_kw"])
        f["jitter"] = np.array(m["jitter"])
        f["period"] = np.array(m["period"], dtype=np.uint64)
        f["concentrators"] = np.array([s.encode() for s in m["concentrators"]], dtype="S16")
    scenarios["h5-fixed"] = GRID + 'from = "meters-fixed.h5"\n'
    for name, text in scenarios.items():
        with open(f"{tmp}/{name}.toml", "w") as f:
            f.write(text)
    return {name: f"{tmp}/{name}.toml" for name in scenarios}


def same_grid_results(k, tmp):
    files = write_files(tmp, meters())
    expected = digest(k.run(0, ["run", files["toml"], "--output", f"{tmp}/out-toml"]))
    runs = [("csv", 0, []), ("csv", 3, []), ("h5", 0, []), ("h5", 2, ["--threads", "2"]), ("h5-fixed", 4, [])]
    for name, ranks, extra in runs:
        got = digest(k.run(ranks, ["run", files[name], *extra, "--output", f"{tmp}/out-{name}-{ranks}"]))
        check(got == expected, f"{name} on {ranks or 1} rank(s) {' '.join(extra)}: digest {got}, the scenario's {expected}")
    # A restart takes the actors from the checkpoint, on another rank count.
    k.run(2, ["run", files["csv"], "--checkpoint-at", "108000", "--output", f"{tmp}/ck"])
    got = digest(k.run(3, ["restart", f"{tmp}/ck/checkpoints", "--output", f"{tmp}/restarted"]))
    check(got == expected, f"checkpointed on 2 ranks, restarted on 3: digest {got}, uninterrupted {expected}")


def booleans(k, tmp):
    """h5py's booleans (an enum) reach a bool parameter."""
    withdraw = [True, False, False, True, True]
    head = ('[simulation]\nplugins = ["testkit"]\nstop_tick = 20\n[[actors]]\nclass = "test.scheduler"\n'
            "params = { a = 3, b = 7 }\n")
    with open(f"{tmp}/sched.toml", "w") as f:
        f.write(head + f"count = 5\nper_actor = {{ withdraw_a = {toml_list(withdraw).lower()} }}\n")
    with h5py.File(f"{tmp}/sched.h5", "w") as f:
        f["withdraw_a"] = np.array(withdraw)
    with open(f"{tmp}/sched-h5.toml", "w") as f:
        f.write(head + 'from = "sched.h5"\n')
    expected = digest(k.run(0, ["run", f"{tmp}/sched.toml", "--output", f"{tmp}/out-sched"]))
    got = digest(k.run(2, ["run", f"{tmp}/sched-h5.toml", "--output", f"{tmp}/out-sched-h5"]))
    check(got == expected, f"booleans from HDF5: digest {got}, the scenario's {expected}")
    with open(f"{tmp}/sched-all-true.toml", "w") as f:
        f.write(head + "count = 5\nper_actor = { withdraw_a = [true, true, true, true, true] }\n")
    other = digest(k.run(0, ["run", f"{tmp}/sched-all-true.toml", "--output", f"{tmp}/out-sched-true"]))
    check(other != expected, "the booleans decide the run (else this check proves nothing)")


def refusals(k, tmp):
    def refused(name, make, expected):
        path = f"{tmp}/{name}.h5"
        with h5py.File(path, "w") as f:
            make(f)
        with open(f"{tmp}/{name}.toml", "w") as f:
            f.write(GRID + f'from = "{name}.h5"\n')
        r = k.run(0, ["run", f"{tmp}/{name}.toml", "--output", f"{tmp}/out-{name}"], check=False)
        check(r.returncode == 2 and f"{name}.h5 (actors[2].from): {expected}" in r.stderr,
              f"{name}: exit 2 naming the file ({expected!r}); got {r.returncode}: {r.stderr.strip()[-300:]}")

    refused("two-d", lambda f: f.create_dataset("base_kw", data=np.ones((3, 2))), "dataset 'base_kw' is not one-dimensional")
    refused("uneven", lambda f: (f.create_dataset("base_kw", data=np.ones(3)), f.create_dataset("jitter", data=np.ones(4))),
            "dataset 'jitter' has 4 rows and 'base_kw' 3")
    refused("group", lambda f: f.create_group("base_kw"), "'base_kw' is not a dataset")
    refused("compound", lambda f: f.create_dataset("base_kw", data=np.zeros(3, dtype=[("a", "i4"), ("b", "f8")])),
            "dataset 'base_kw' has a type a parameter cannot take")
    refused("empty", lambda f: None, "the file holds no dataset")
    refused("huge", lambda f: f.create_dataset("period", data=np.array([2**63 + 5], dtype=np.uint64)),
            "dataset 'period', index 0: 9223372036854775813 is beyond a parameter's integers")
    with open(f"{tmp}/not-hdf5.h5", "w") as f:
        f.write("base_kw\n1\n")
    with open(f"{tmp}/not-hdf5.toml", "w") as f:
        f.write(GRID + 'from = "not-hdf5.h5"\n')
    r = k.run(0, ["run", f"{tmp}/not-hdf5.toml", "--output", f"{tmp}/out-not"], check=False)
    check(r.returncode == 2 and "cannot open the population file as HDF5" in r.stderr, f"not HDF5: {r.stderr.strip()}")


def ranks_see_one_file(k, tmp):
    """Ranks that read population files of different lengths would number
    the actors differently: the run is refused before it starts."""
    m = meters()
    for rows in (100, 150):
        os.makedirs(f"{tmp}/node{rows}", exist_ok=True)
        with open(f"{tmp}/node{rows}/meters.csv", "w") as f:
            f.write(",".join(m) + "\n")
            for row in list(zip(*m.values()))[:rows]:
                f.write(",".join(str(v) for v in row) + "\n")
        with open(f"{tmp}/node{rows}/grid.toml", "w") as f:
            f.write(GRID + 'from = "meters.csv"\n')
    cmd = [k.mpiexec, "-n", "1", *PREFLAGS, k.kairos, "run", f"{tmp}/node100/grid.toml", "--output", f"{tmp}/out-two",
           ":", "-n", "1", *PREFLAGS, k.kairos, "run", f"{tmp}/node150/grid.toml", "--output", f"{tmp}/out-two"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=ENV)
    check(r.returncode != 0 and "ranks disagree on the scenario, its population files" in r.stdout + r.stderr,
          f"ranks reading files of 100 and 150 rows are refused (exit {r.returncode})")


def main():
    k = Kairos(sys.argv[1], sys.argv[2])
    with scratch() as tmp:
        same_grid_results(k, tmp)
        booleans(k, tmp)
        refusals(k, tmp)
        ranks_see_one_file(k, tmp)
    print("population files: every check passed")


if __name__ == "__main__":
    main()
