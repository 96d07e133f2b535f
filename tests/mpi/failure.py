#!/usr/bin/python3
"""Failures across ranks end the whole run promptly, reported once.

    failure.py KAIROS MPIEXEC CASE

CASE "model-throws": an actor placed on rank 2 of 4 throws at tick 5.
CASE "deleted-receiver": an actor on one rank messages an actor that another
rank deleted in the same diasca.
CASE "mismatched-scenario": ranks started on different scenario files are
refused before anything runs (exit status 3).
Either way: exit status 1, within the time limit, one error line naming the
rank, the actor, its class and the timestamp.
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile

MASK = (1 << 64) - 1


def placement_rank(hint, ranks):
    """The engine's rule for a block's placement hint (FNV-1a, then splitmix64)."""
    h = 14695981039346656037
    for c in hint.encode():
        h = ((h ^ c) * 1099511628211) & MASK
    h = ((h ^ (h >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    h = ((h ^ (h >> 27)) * 0x94D049BB133111EB) & MASK
    return (h ^ (h >> 31)) % ranks


def hint_on(rank, ranks, avoid=()):
    return next(f"h{i}" for i in range(10000) if placement_rank(f"h{i}", ranks) == rank and f"h{i}" not in avoid)


def run(kairos, mpiexec, text, other_text=None):
    """Runs `text` on 4 ranks, or `text` on ranks 0-1 and `other_text` on 2-3."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, t in enumerate([text] if other_text is None else [text, other_text]):
            paths.append(os.path.join(tmp, f"case{i}.toml"))
            with open(paths[-1], "w") as f:
                f.write(t)
        env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                   OMPI_MCA_rmaps_base_oversubscribe="1")
        preflags = shlex.split(os.environ.get("KAIROS_MPIEXEC_PREFLAGS", ""))
        ranks = 4 // len(paths)
        cmd = [mpiexec]
        for i, path in enumerate(paths):
            cmd += ([":"] if i else []) + ["-n", str(ranks), *preflags, kairos, "run", path, "--output", tmp]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)


def main():
    kairos, mpiexec, case = sys.argv[1:4]
    header = '[simulation]\nplugins = ["testkit"]\n'
    if case == "model-throws":
        text = header + (f'[[actors]]\nclass = "test.thrower"\nplacement = "{hint_on(2, 4)}"\n'
                         'params = { at = 5 }\n')
        expected = r"kairos: error: rank 2: actor 0 \(class 'test.thrower'\) failed at tick 5 diasca 0: model invariant broken"
    elif case == "deleted-receiver":
        target = hint_on(1, 4)
        text = header + (f'[[actors]]\nclass = "test.deleter"\nname = "doomed"\nplacement = "{target}"\n'
                         'params = { at = 4 }\n'
                         f'[[actors]]\nclass = "test.pinger"\nplacement = "{hint_on(3, 4)}"\n'
                         'params = { peer = "doomed", at = 4 }\n')
        expected = (r"kairos: error: rank 1: message 'test.ping' sent by actor 1 at tick 4 diasca 0 to actor 0, "
                    r"which does not exist")
    elif case == "mismatched-scenario":
        text = header + '[[actors]]\nclass = "test.deleter"\nparams = { at = 4 }\n'
        other = header + '[[actors]]\nclass = "test.deleter"\nparams = { at = 5 }\n'
        result = run(kairos, mpiexec, text, other)
        errors = [line for line in result.stderr.splitlines() if line.startswith("kairos: error:")]
        print(result.stderr)
        assert result.returncode == 3, f"exit status {result.returncode}, expected 3"
        assert len(errors) == 1 and "ranks disagree on the scenario" in errors[0], errors
        print("ok:", errors[0])
        return
    else:
        sys.exit(f"unknown case {case}")
    result = run(kairos, mpiexec, text)
    errors = [line for line in result.stderr.splitlines() if line.startswith("kairos: error:")]
    print(result.stderr)
    assert result.returncode == 1, f"exit status {result.returncode}, expected 1"
    assert len(errors) == 1, f"expected one error line, got {errors}"
    assert re.search(expected, errors[0]), f"unexpected error line: {errors[0]}"
    print("ok:", errors[0])


if __name__ == "__main__":
    main()
