#!/usr/bin/python3
"""kairos-launch reads the real launcher's report of a failed run.

    launcher_reports.py KAIROS MPIEXEC openmpi|hydra

Starts three small jobs under MPIEXEC and parses what it printed, as the
supervisor does: one whose second process is killed by SIGKILL (a node
loss as the launcher sees it: the host must be named, and the failure must
not count as kairos's own verdict); one where kairos stops on a scenario
error (exit 2 on every rank: kairos's verdict, 2, never retried); one whose
process exits 3 without a kairos error line (not kairos's verdict). The
launcher must also be recognised as the expected flavour. Last, the Open MPI
setting kairos-launch adds for a faster start (the cm PML left out where no
adapter could serve it) is decided as documented, and a 2-rank run with it
ends with the digest of one without.
"""
import os
import re
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "launch"))
from kairos_launch import launchers  # noqa: E402

ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")


def job(launcher, argv):
    """Runs a 2-process job the way the supervisor does; (status, report)."""
    command = launcher.command([], 1, 2, argv, None)
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300,
                          env=dict(ENV, **launcher.environment()))
    return done.returncode, launcher.parse(done.stdout), done.stdout


def check(ok, what, output):
    if not ok:
        sys.exit(f"FAILED: {what}\n--- launcher output ---\n{output}")
    print(f"ok: {what}")


def main():
    kairos, mpiexec, flavour = sys.argv[1:4]
    os.environ["MPIEXEC"] = mpiexec
    launcher = launchers.make("mpirun", os.environ.get("KAIROS_MPIEXEC_PREFLAGS", ""), virtual=True)
    expected = launchers.Hydra if flavour == "hydra" else launchers.Mpirun
    check(type(launcher) is expected, f"{mpiexec} is recognised as {flavour} ({type(launcher).__name__})", "")

    # The launcher's rank variable differs (OMPI_COMM_WORLD_RANK, PMI_RANK).
    rank = 'r=${OMPI_COMM_WORLD_RANK:-$PMI_RANK}; '
    rc, report, text = job(launcher, ["sh", "-c", rank + 'if [ "$r" = 1 ]; then sleep 1; kill -9 $$; fi; sleep 30'])
    host = socket.gethostname().split(".")[0]
    check(rc != 0 and {h.split(".")[0] for h in report.dead_hosts} == {host},
          f"a killed process: its host is named ({sorted(report.dead_hosts)}, status {rc})", text)
    check(report.kairos_verdict(rc) is None, "a killed process is not kairos's own verdict", text)

    bad = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scenarios", "phold.toml")
    rc, report, text = job(launcher, [kairos, "run", bad, "--set", "phold.bogus=1", "--output", os.devnull + "-x"])
    check(report.kairos_error is not None and "phold.bogus" in report.kairos_error,
          "kairos's error line is read", text)
    check(report.kairos_verdict(rc) == 2, f"a scenario error is kairos's verdict 2 (got {report.kairos_verdict(rc)})",
          text)
    check(not report.dead_hosts, "and names no lost host", text)

    rc, report, text = job(launcher, ["sh", "-c", rank + 'if [ "$r" = 1 ]; then exit 3; fi; sleep 2'])
    check(rc != 0 and report.kairos_verdict(rc) is None and not report.dead_hosts,
          f"a process that exits 3 without a kairos error: no verdict, no lost host (status {rc})", text)

    start_settings(kairos)


def start_settings(kairos):
    """Open MPI's cm PML is left out only where it cannot serve (no adapter
    under the sysfs classes, here stand-ins), only where this host runs
    ranks, never against the user's choice; and a run started so computes
    what one started without does."""
    with tempfile.TemporaryDirectory() as tmp:
        classes = (os.path.join(tmp, "infiniband"), os.path.join(tmp, "cxi"))
        os.mkdir(classes[0])
        bare = launchers.mpi_start_settings(True, env={}, classes=classes)
        check(bare == {"OMPI_MCA_pml": "^cm"}, f"no adapter: cm left out ({bare})", "")
        check(launchers.mpi_start_settings(False, env={}, classes=classes) == {},
              "this host runs no rank: nothing decided from its adapters", "")
        for chosen in ({"OMPI_MCA_pml": "cm"}, {"OMPI_MCA_mtl": "psm2"}):
            check(launchers.mpi_start_settings(True, env=chosen, classes=classes) == {},
                  f"the user's {chosen} is kept", "")
        for c in classes:
            os.makedirs(os.path.join(c, "adapter0"), exist_ok=True)
            check(launchers.mpi_start_settings(True, env={}, classes=(c,)) == {},
                  f"an adapter under {os.path.basename(c)}: cm may serve, nothing changed", "")
        phold = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scenarios", "phold.toml")
        digests = []
        for extra in ({}, bare):
            launcher = launchers.make("mpirun", os.environ.get("KAIROS_MPIEXEC_PREFLAGS", ""), virtual=True)
            command = launcher.command([], 1, 2, [kairos, "run", phold, "--set", "phold.lps=512", "--set",
                                                  "phold.end=20", "--output", f"{tmp}/out{len(digests)}"], None)
            done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300,
                                  env=dict(ENV, **launcher.environment(), **extra))
            check(done.returncode == 0, f"a 2-rank run with {extra or 'the defaults'} ends well", done.stdout)
            digests += re.findall(r"digest=([0-9a-f]+)", done.stdout)[-1:]
        check(len(digests) == 2 and digests[0] == digests[1], f"and both compute the same digest ({digests})", "")


if __name__ == "__main__":
    main()
