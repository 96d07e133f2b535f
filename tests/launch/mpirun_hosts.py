#!/usr/bin/python3
"""kairos-launch with Open MPI's mpirun over several hosts, and a host that
dies mid-run.

    mpirun_hosts.py KAIROS KAIROS_LAUNCH

The hosts are emulated on this machine, through the path mpirun takes for
real ones: a hostfile names n1, n2 and n3, and mpirun starts a daemon
(orted) on each through its ssh agent (plm_rsh_agent), here a script that
runs the daemon in a UTS namespace of its own whose host name is the
host's. Each daemon connects back to mpirun over TCP, the ranks on
different hosts talk over TCP, and each rank's host name (and so its
checkpoint directory, STORAGE/<host>) is its host's. A dead host is one the
agent cannot reach (exit 255, as ssh) and whose processes and storage are
gone.

After the run's first checkpoint, n2 is lost with its storage and the agent
stops reaching it, in two runs: n2 dies (its daemon and rank killed, so
their connections close and mpirun ends the job), or n2 goes silent (its
processes frozen, as a host that lost its power: nothing closes, and mpirun
alone would wait for ever; its rank's beats stop). Each time kairos-launch
must find n2 lost (the probe is a one-process mpirun on it), resume on n1
and n3 from the newest usable checkpoint, and end with the uninterrupted
run's digest.

Exits 77 (skipped) when mpirun is not Open MPI's or `unshare` cannot make a
UTS namespace (it needs root).
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "checkpoint"))
from harness import ENV, PHOLD, STARTED, Kairos, check, fail, phold, reference  # noqa: E402

HOSTS = ["n1", "n2", "n3"]
SKIP = 77

AGENT = """#!/bin/bash
# An ssh stand-in for mpirun: "agent [ssh options] HOST COMMAND..." runs
# COMMAND on this machine in a UTS namespace named HOST, if HOST is alive.
while [[ $1 == -* ]]; do shift; done
host=$1; shift
[ -e "{alive}/$host" ] || {{ echo "ssh: connect to host $host port 22: No route to host" >&2; exit 255; }}
echo $$ > "{pids}/$host"
exec unshare --uts /bin/sh -c "hostname $host; $*"
"""


def uts_namespace(pid):
    try:
        return os.readlink(f"/proc/{pid}/ns/uts")
    except OSError:
        return None


def processes_of(host, pids_dir):
    """Every process in the host's UTS namespace: its daemon and its ranks."""
    with open(f"{pids_dir}/{host}") as f:
        namespace = uts_namespace(int(f.read()))
    if namespace is None or namespace == uts_namespace(os.getpid()):
        fail(f"no namespace of its own for {host}")
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and uts_namespace(p) == namespace]


def lose_a_host(kairos, launch, root, agent, sets, expected, how):
    """A run on n1, n2 and n3 in which n2 dies (its processes killed: their
    connections close) or goes silent (its processes frozen, as a host that
    lost its power or its network: nothing closes, mpirun waits for ever)."""
    alive, pids = f"{root}/alive", f"{root}/pids"
    tag = how.replace(" ", "-")
    # Ranks of different hosts wait on TCP here: they must yield the 2
    # cores while they wait.
    env = dict(ENV, OMPI_MCA_mpi_yield_when_idle="1", MPIEXEC="mpirun")
    out = f"{root}/run-{tag}"
    command = [launch, "--kairos", kairos, "--hostfile", f"{root}/hosts", "--launcher", "mpirun",
               f"--launcher-args=--mca plm_rsh_agent {agent}", "--storage", f"{root}/storage-{tag}",
               "--supervisor-address", "127.0.0.1", "--output", out, PHOLD, "--",
               *sets, "--replicas", "1", "--checkpoint-every", "20000"]
    log_path = f"{root}/launch-{tag}.log"
    supervisor = subprocess.Popen(command, stdout=open(log_path, "w"), stderr=subprocess.STDOUT, env=env,
                                  start_new_session=True)
    STARTED.append(supervisor)
    deadline = time.time() + 120
    while not re.search(r"kairos: checkpoint \S+ committed", open(log_path).read()):
        if time.time() > deadline or supervisor.poll() is not None:
            fail("no checkpoint committed:\n" + open(log_path).read())
        time.sleep(0.1)
    # n2 is lost with its disk: unreachable first (a probe must not reach
    # it), its processes frozen, its storage deleted, then its processes
    # killed, or left frozen.
    victims = processes_of("n2", pids)
    os.remove(f"{alive}/n2")
    for p in victims:
        os.kill(p, signal.SIGSTOP)
    shutil.rmtree(f"{root}/storage-{tag}/n2")
    if how == "dies":
        for p in victims:
            os.kill(p, signal.SIGKILL)
    print(f"n2 {how}: processes {victims}")
    try:
        rc = supervisor.wait(timeout=300)
    except subprocess.TimeoutExpired:
        os.killpg(supervisor.pid, signal.SIGKILL)
        fail("kairos-launch still running after 300 s:\n" + open(log_path).read())
    finally:
        for p in victims:   # a silent host's processes, frozen until now
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
    text = open(log_path).read()
    print("".join("  | " + line + "\n" for line in text.splitlines() if "checkpoint ckpt" not in line))
    check(rc == 0, f"kairos-launch finished with status 0 (got {rc})")
    got = re.findall(r"kairos-launch: finished .*digest=([0-9a-f]+)", text)
    check(got == [expected], f"with the uninterrupted run's digest ({got} vs {expected})")
    with open(f"{out}/launch/incidents.jsonl") as f:
        events = [json.loads(line) for line in f]
    incidents = [e for e in events if e["event"] == "incident"]
    check(len(incidents) == 1 and incidents[0]["lost"] == ["n2"], f"one incident, host n2 lost: {incidents}")
    check(incidents[0]["nodes"] == ["n1", "n3"] and incidents[0]["ranks"] == 2,
          "resumed with mpirun on the 2 hosts left")
    if how == "goes silent":
        check([(r["node"], r["how"]) for r in incidents[0].get("lost_ranks", [])] == [("n2", "silent")],
              f"found by its rank's silence, mpirun noticing nothing: {incidents[0].get('lost_ranks')}")
    check(any(e["event"] == "resumed" for e in events), "from a checkpoint")
    launched = [e["command"] for e in events if e["event"] == "launched"]
    check("--hostfile" in launched[-1] and "ppr:1:node" in launched[-1],
          "each launch placed its ranks through a hostfile, one per host")
    with open(f"{out}/launch/hostfile") as f:
        check(f.read().split() == ["n1", "slots=1", "n3", "slots=1"], "the last hostfile names n1 and n3")


def main():
    kairos, launch = sys.argv[1:3]
    version = subprocess.run(["mpirun", "--version"], capture_output=True, text=True).stdout
    if "Open MPI" not in version or subprocess.run(["unshare", "--uts", "true"]).returncode != 0:
        print("SKIP: needs Open MPI's mpirun and root (unshare --uts)")
        sys.exit(SKIP)
    root = tempfile.mkdtemp(prefix="khosts")
    try:
        alive, pids = f"{root}/alive", f"{root}/pids"
        os.makedirs(alive)
        os.makedirs(pids)
        agent = f"{root}/agent"
        with open(agent, "w") as f:
            f.write(AGENT.format(alive=alive, pids=pids))
        os.chmod(agent, 0o755)
        with open(f"{root}/hosts", "w") as f:
            f.write("".join(f"{h} slots=1\n" for h in HOSTS))
        sets = phold(2500, lps=256)
        expected = reference(Kairos(kairos, "mpirun"), PHOLD, sets, f"{root}/reference")
        for how in ("dies", "goes silent"):
            for h in HOSTS:
                open(f"{alive}/{h}", "w").close()
            lose_a_host(kairos, launch, root, agent, sets, expected, how)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print("PASS")


if __name__ == "__main__":
    main()
