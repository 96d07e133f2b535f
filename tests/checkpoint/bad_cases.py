#!/usr/bin/python3
"""Checkpoints that cannot be used, and checkpoints that cannot be written:
a clear message, a non-zero exit (4 for restarts), nothing overwritten.

    bad_cases.py KAIROS MPIEXEC
"""
import glob
import json
import os
import re
import sys

from harness import Kairos, PHOLD, check, committed, digest, phold, reference, scratch


def main():
    kairos, mpiexec = sys.argv[1:3]
    k = Kairos(kairos, mpiexec)
    sets = phold(60)
    with scratch() as tmp:
        expected = reference(k, PHOLD, sets, f"{tmp}/ref")

        os.makedirs(f"{tmp}/empty")
        r = k.run(2, ["restart", f"{tmp}/empty"], check=False)
        check(r.returncode == 4 and "no committed checkpoint under" in r.stderr,
              f"no checkpoint: exit {r.returncode}, '{r.stderr.splitlines()[0] if r.stderr else ''}'")

        # Disk full while writing the second checkpoint on rank 1: that
        # checkpoint is abandoned with a warning, the run goes on to the
        # same results, the first checkpoint stays committed and intact.
        store = f"{tmp}/run/checkpoints"
        r = k.run(3, ["run", PHOLD, *sets, "--output", f"{tmp}/run", "--checkpoint-every", "2000",
                      "--ranks-per-node", "1", "--replicas", "1", "--checkpoint-retention", "5"],
                  env={"KAIROS_TEST_WRITE_ERROR": "1:2"})
        check("checkpoint ckpt-000000004000-g0 abandoned: rank 1:" in r.stderr and "No space left on device" in r.stderr,
              "disk full on rank 1: the checkpoint is abandoned with a warning naming the rank, file and error")
        check(digest(r) == expected, "the run went on to the same digest")
        names = committed(store)
        check("ckpt-000000002000-g0" in names and "ckpt-000000004000-g0" not in names,
              f"the previous checkpoint stays committed, the failed one is not: {names}")
        check(not glob.glob(f"{store}/*/*/*.tmp") and not glob.glob(f"{store}/*/ckpt-000000004000-g0/*"),
              "no temporary or partial file left behind")

        # Disk full in the later phases of the commit. A failed manifest
        # write abandons the checkpoint on every rank (the manifests already
        # written go again); a failed LATEST only warns: the checkpoint is
        # committed.
        for phase, abandoned in (("replica", True), ("manifest", True), ("latest", False)):
            out = f"{tmp}/full-{phase}"
            r = k.run(3, ["run", PHOLD, *sets, "--output", out, "--checkpoint-every", "2000", "--ranks-per-node", "1",
                          "--replicas", "1", "--checkpoint-retention", "5"],
                      env={"KAIROS_TEST_WRITE_ERROR": f"1:2:{phase}"})
            names = committed(f"{out}/checkpoints")
            claimed = "checkpoint ckpt-000000004000-g0 committed" in r.stderr
            if abandoned:
                check(digest(r) == expected and "ckpt-000000004000-g0 abandoned: " in r.stderr and not claimed
                      and "ckpt-000000004000-g0" not in names and "ckpt-000000002000-g0" in names
                      and not glob.glob(f"{out}/checkpoints/*/ckpt-000000004000-g0/*"),
                      f"disk full writing a {phase} on rank 1: abandoned everywhere, nothing left, never "
                      f"claimed committed; the run goes on to the same digest")
            else:
                check(digest(r) == expected and claimed and "could not update LATEST" in r.stderr
                      and "ckpt-000000004000-g0" in names,
                      "disk full writing LATEST on rank 1: committed all the same, with a warning")

        # A restart writes its results where the interrupted run's went
        # (stored absolute), wherever it is started, and never replaces
        # results already there unless told to.
        os.makedirs(f"{tmp}/a")
        os.makedirs(f"{tmp}/b")
        k.run(0, ["run", PHOLD, *sets, "--output", "rel", "--checkpoint-every", "2000"], cwd=f"{tmp}/a")
        before = open(f"{tmp}/a/rel/results.h5", "rb").read()
        r = k.run(0, ["restart", f"{tmp}/a/rel/checkpoints", "--checkpoint-dir", f"{tmp}/b/ck"], check=False,
                  cwd=f"{tmp}/b")
        check(r.returncode == 2 and "already holds the results of a run" in r.stderr
              and open(f"{tmp}/a/rel/results.h5", "rb").read() == before and not os.path.exists(f"{tmp}/b/rel"),
              f"restart over finished results: exit {r.returncode}, refused, nothing replaced or written elsewhere")
        r = k.run(0, ["restart", f"{tmp}/a/rel/checkpoints", "--checkpoint-dir", f"{tmp}/b/ck", "--force"],
                  cwd=f"{tmp}/b")
        check(digest(r) == expected and f"results: {tmp}/a/rel/results.h5" in r.stdout
              and not os.path.exists(f"{tmp}/b/rel"),
              "with --force: the results replaced in the run's own (absolute) output directory")

        other = f"{tmp}/other.toml"
        with open(PHOLD) as f, open(other, "w") as g:
            g.write(f.read().replace("seed = ", "seed = 1"))
        r = k.run(2, ["restart", store, "--scenario", other], check=False)
        check(r.returncode == 4 and "taken from another scenario" in r.stderr,
              f"another scenario: exit {r.returncode}, refused")

        for manifest in glob.glob(f"{store}/*/*/manifest.json"):
            with open(manifest) as f:
                m = json.load(f)
            m["format_version"] = 99
            with open(manifest, "w") as f:
                json.dump(m, f)
        r = k.run(2, ["restart", store], check=False)
        check(r.returncode == 4 and re.search(r"checkpoint format version 99 \(this kairos reads version \d+\)", r.stderr),
              f"incompatible format: exit {r.returncode}, refused")
        check(not os.path.exists(f"{tmp}/run/results.h5.tmp"), "the failed restarts wrote nothing")


main()
