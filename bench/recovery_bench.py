#!/usr/bin/python3
"""Time from a node's death to the resumed run, under kairos-launch on
virtual nodes, for PHOLD populations of the given sizes.

For each size: 3 virtual nodes (one rank each, k=1) run PHOLD with a
checkpoint at tick 200; right after it commits, one node is lost (its rank
frozen, its storage deleted, then killed). Printed per size, from the
supervisor's journal (OUTPUT/launch/incidents.jsonl):
  - checkpoint: the committed checkpoint's cost, as kairos reports it;
  - detection: the kill to the incident (the loss heard, every node probed);
  - relaunch: the incident to the start of kairos's set-up (the launcher
    and MPI start-up);
  - restart set-up: the resumed run's own set-up (checkpoint search, shards
    read, actors rebuilt, up to the first tick);
  - total: the kill to the resumed run's first tick, and its ratio to the
    restart set-up.
The run must end with the uninterrupted run's digest.

    /usr/bin/python3 bench/recovery_bench.py [SIZE...]      (default 1e6 1e7)

KAIROS (default build/bin/kairos) and MPIEXEC may be set.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from datetime import datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "launch"))
sys.path.insert(0, os.path.join(ROOT, "tests", "checkpoint"))
from harness import ENV, PHOLD, fail  # noqa: E402
from supervised_losses import Supervised, lose  # noqa: E402

KAIROS = os.environ.get("KAIROS", os.path.join(ROOT, "build", "bin", "kairos"))
LAUNCH = os.path.join(ROOT, "launch", "kairos-launch")


def measure(size, tmp):
    sets = ["--set", f"phold.lps={size}", "--set", "phold.end=6", "--set", "phold.remote=0.1",
            "--set", "phold.lookahead=0.1"]
    reference = subprocess.run([KAIROS, "run", PHOLD, *sets, "--output", f"{tmp}/ref"], capture_output=True,
                               text=True, check=True, env=ENV)
    expected = re.findall(r"digest=([0-9a-f]+)", reference.stdout)[-1]
    out = f"{tmp}/supervised"
    env = dict(ENV, MPIEXEC=os.environ.get("MPIEXEC", "mpiexec"))
    run = Supervised([LAUNCH, "--kairos", KAIROS, "--virtual-nodes", "3", "--ranks-per-node", "1",
                      "--launcher-args=--oversubscribe", "--output", out, PHOLD, "--", *sets, "--replicas", "1",
                      "--checkpoint-at", "200"], env)
    committed = run.wait_for(r"^kairos: checkpoint \S+ committed")
    if committed is None:
        fail("no checkpoint committed")
    cost = re.search(r", ([0-9.]+) s \(", run.lines[committed][1])
    killed = lose(out, ["vnode1"])
    if run.finish() != 0:
        fail("the supervised run did not finish")
    got = re.findall(r"kairos-launch: finished .*digest=([0-9a-f]+)", run.text())
    if got != [expected]:
        fail(f"digest {got} differs from the uninterrupted run's {expected}")
    events = [json.loads(line) for line in open(f"{out}/launch/incidents.jsonl")]
    at = {}
    for e in events:   # the first of each kind after the kill
        when = datetime.fromisoformat(e["time"]).timestamp()
        if when >= killed - 0.001:
            at.setdefault(e["event"], (when, e))
    if not {"incident", "launched", "resumed"} <= at.keys() or "setup_seconds" not in at["resumed"][1]:
        fail(f"the journal lacks an incident, a launch or a timed resumption: {events}")
    resumed, resumption = at["resumed"]
    setup = resumption["setup_seconds"]
    detection = at["incident"][0] - killed
    relaunch = at["launched"][0] + resumption["start_seconds"] - at["incident"][0]
    total = resumed - killed
    return cost.group(1) if cost else "?", detection, relaunch, setup, total
def main():
    sizes = sys.argv[1:] or ["1e6", "1e7"]
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            rows.append((size, *measure(int(float(size)), tmp)))
    print("\n| PHOLD LPs | checkpoint s | detection s | relaunch s | restart set-up s | total s | "
          "total / set-up | digest |")
    print("|---|---|---|---|---|---|---|---|")
    for size, cost, detection, relaunch, setup, total in rows:
        print(f"| {size} | {cost} | {detection:.2f} | {relaunch:.2f} | {setup:.2f} | {total:.2f} | "
              f"{total / setup:.2f} | same |")


if __name__ == "__main__":
    main()
