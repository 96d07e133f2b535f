#!/usr/bin/python3
"""Every rule of a declared lookahead (docs/design.md §2.4) stops the run
with its error on every rank count.

    lookahead_rules.py KAIROS MPIEXEC

Each case runs on 1 rank (no MPI), then on 2 and 3 ranks: exit status 1 and
one error line naming the actor, its class, the time and the rule (after
"rank N: " on several ranks). The rules speak of placement groups, never of
ranks: a sender and a receiver on one rank break them as surely as on two.
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile

HEADER = '[simulation]\ntick = "1s"\nlookahead = "5s"\nplugins = ["testkit"]\n'
CASES = {
    "instantaneous send to another group": (
        '[[actors]]\nclass = "test.ponger"\nname = "ponger"\n'
        '[[actors]]\nclass = "test.pinger"\nparams = { peer = "ponger", at = 3 }\n',
        r"actor 1 \(class 'test.pinger'\) at tick 3 diasca 0 sent message 'test.ping' to actor 0, in another "
        r"placement group: with a lookahead \(simulation.lookahead = 5 ticks\), send reaches only"),
    "timed message below the lookahead": (
        '[[actors]]\nclass = "test.timed_receiver"\nname = "receiver"\n'
        '[[actors]]\nclass = "test.timed_sender"\nparams = { peer = "receiver", at = 3, delay = 4 }\n',
        r"actor 1 \(class 'test.timed_sender'\) at tick 3 diasca 0 sent message 'test.ping' to actor 0, in another "
        r"placement group, with a delay of 4 tick\(s\): a timed message between placement groups needs"),
    "creation in another group": (
        '[[actors]]\nclass = "test.creator"\nparams = { at = 2, children = 1 }\n',
        r"actor 0 \(class 'test.creator'\) at tick 2 diasca 0 created actor \d+ in another placement group: "
        r"with a lookahead \(simulation.lookahead = 5 ticks\), actors created at run time stay"),
}


def run(kairos, mpiexec, ranks, path, out):
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    cmd = [kairos, "run", path, "--output", out]
    if ranks > 1:
        cmd = [mpiexec, "-n", str(ranks), *shlex.split(os.environ.get("KAIROS_MPIEXEC_PREFLAGS", ""))] + cmd
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)


def main():
    kairos, mpiexec = sys.argv[1:3]
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, (actors, expected) in CASES.items():
            path = os.path.join(tmp, "case.toml")
            with open(path, "w") as f:
                f.write(HEADER + actors)
            for ranks in (1, 2, 3):
                result = run(kairos, mpiexec, ranks, path, os.path.join(tmp, f"out{ranks}"))
                errors = [line for line in result.stderr.splitlines() if line.startswith("kairos: error:")]
                pattern = r"kairos: error: (rank \d+: )?" + expected
                ok = result.returncode == 1 and len(errors) == 1 and re.match(pattern, errors[0])
                print(f"{'ok' if ok else 'FAILED'}: {name}, {ranks} rank(s): exit {result.returncode}: "
                      f"{errors[0] if errors else result.stderr[-2000:]}")
                failures += not ok
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
