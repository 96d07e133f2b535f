#!/usr/bin/python3
"""kairos-launch under a real Slurm: a private cluster of 3 Slurm nodes on
this machine (slurmctld, one slurmd per node, munge, PMIx), a batch job
whose supervisor runs kairos with srun, and a node that dies mid-run (its
slurmd and its rank killed, its storage deleted). The job must end with the
digest of the uninterrupted run, after resuming on the 2 nodes left. Then a
second job on those 2 nodes, in which a node hangs (its rank frozen, its
daemon alive): kairos-launch's watchdog must end the srun step, find both
nodes answering, and resume on them to the same digest.

    slurm_recovery.py KAIROS KAIROS_LAUNCH

Exits 77 (skipped, and says why) where Slurm or munge is not installed or
this is not root; tests/run.sh installs them.
"""
import glob
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "checkpoint"))
from harness import ENV, PHOLD, Kairos, check, fail, kairos_environment, phold, reference  # noqa: E402

NODES = ["n1", "n2", "n3"]
SKIP = 77


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """The daemons of a private Slurm cluster, all under one directory."""

    def __init__(self, root):
        self.root = root
        self.pids = []
        self.conf = f"{root}/slurm.conf"
        # Ranks of several Slurm nodes share this machine's 2 cores: they
        # must yield when idle (the job inherits this environment).
        self.env = dict(ENV, SLURM_CONF=self.conf, OMPI_MCA_mpi_yield_when_idle="1")

    def start(self):
        r = self.root
        with open(f"{r}/munge.key", "wb") as f:
            f.write(os.urandom(1024))
        os.chmod(f"{r}/munge.key", 0o400)
        self.daemon(["munged", "--force", f"--socket={r}/munge.sock", f"--key-file={r}/munge.key",
                     f"--pid-file={r}/munged.pid", f"--log-file={r}/munged.log", f"--seed-file={r}/munged.seed"],
                    f"{r}/munged.pid")
        host = socket.gethostname()
        ports = [free_port() for _ in NODES]
        with open(self.conf, "w") as f:
            f.write(f"""ClusterName=kairostest
SlurmctldHost={host}
SlurmctldPort={free_port()}
AuthType=auth/munge
AuthInfo=socket={r}/munge.sock
CredType=cred/munge
SlurmUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
SlurmdParameters=config_overrides
ReturnToService=2
SlurmdTimeout=10
MessageTimeout=5
JobAcctGatherType=jobacct_gather/none
SlurmctldPidFile={r}/slurmctld.pid
SlurmctldLogFile={r}/slurmctld.log
StateSaveLocation={r}/state
SlurmdPidFile={r}/slurmd-%n.pid
SlurmdSpoolDir={r}/spool-%n
SlurmdLogFile={r}/slurmd-%n.log
""")
            for name, port in zip(NODES, ports):
                f.write(f"NodeName={name} NodeHostname={host} NodeAddr=127.0.0.1 Port={port} CPUs=2\n")
            f.write(f"PartitionName=test Nodes={','.join(NODES)} Default=YES MaxTime=INFINITE State=UP "
                    "OverSubscribe=YES\n")
        os.makedirs(f"{r}/state")
        self.daemon(["slurmctld", "-f", self.conf], f"{r}/slurmctld.pid")
        for name in NODES:
            # Each slurmd reads mpi.conf beside its slurm.conf: its own PMIx
            # directory, since three of them share this machine's /tmp.
            os.makedirs(f"{r}/{name}/pmix")
            shutil.copy(self.conf, f"{r}/{name}/slurm.conf")
            with open(f"{r}/{name}/mpi.conf", "w") as f:
                f.write(f"PMIxCliTmpDirBase={r}/{name}/pmix\n")
            self.daemon(["slurmd", "-N", name, "-f", f"{r}/{name}/slurm.conf"], f"{r}/slurmd-{name}.pid")
        deadline = time.time() + 60
        while time.time() < deadline:
            states = self.run(["sinfo", "-h", "-N", "-o", "%N %t"]).stdout.split("\n")
            if sum(1 for line in states if line.endswith(" idle")) == len(NODES):
                return
            time.sleep(0.5)
        fail(f"the private Slurm cluster did not come up: {states}\n" + open(f"{r}/slurmctld.log").read()[-3000:])

    def daemon(self, command, pid_file):
        done = subprocess.run(command, capture_output=True, text=True, env=self.env)
        if done.returncode != 0:
            fail(f"{' '.join(command)} exited {done.returncode}: {done.stderr}")
        for _ in range(100):
            if os.path.exists(pid_file) and open(pid_file).read().strip():
                self.pids.append(int(open(pid_file).read()))
                return
            time.sleep(0.1)
        fail(f"{command[0]} wrote no pid file {pid_file}")

    def run(self, command):
        return subprocess.run(command, capture_output=True, text=True, env=self.env, timeout=60)

    def stop(self):
        subprocess.run(["scancel", "--full", "--user=root"], capture_output=True, env=self.env)
        for pid in reversed(self.pids):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass


def ranks_on(job, node):
    """PIDs of this job's kairos ranks on a Slurm node (never anyone else's:
    they are slurmstepd's children, so matched by job id and node name)."""
    pids = []
    for proc in glob.glob("/proc/[0-9]*"):
        pid = int(os.path.basename(proc))
        env = kairos_environment(pid)
        if env and env.get(b"SLURM_JOB_ID") == job.encode() and env.get(b"SLURMD_NODENAME") == node.encode():
            pids.append(pid)
    return pids


def submit(cluster, log, supervisor, nodes):
    job = cluster.run(["sbatch", "--parsable", f"--nodes={nodes}", "--ntasks-per-node=1", "--no-kill",
                       f"--output={log}", "--wrap", supervisor]).stdout.strip()
    if not job.isdigit():
        fail(f"sbatch did not submit the job: {job}")
    deadline = time.time() + 120
    while time.time() < deadline:
        if os.path.exists(log) and re.search(r"kairos: checkpoint \S+ committed", open(log).read()):
            return job
        time.sleep(0.2)
    fail("no checkpoint committed within 120 s:\n" + (open(log).read() if os.path.exists(log) else ""))


def wait_for_end(cluster, job, log):
    deadline = time.time() + 300
    while time.time() < deadline and cluster.run(["squeue", "-h", "-j", job]).stdout.strip():
        time.sleep(0.5)
    text = open(log).read()
    print("".join("  | " + line + "\n" for line in text.splitlines() if "checkpoint ckpt" not in line))
    return text


def finished_incidents(text, expected, output):
    """Checks that the job's log ends with the expected digest; returns the
    incidents its supervisor recorded."""
    got = re.findall(r"kairos-launch: finished .*digest=([0-9a-f]+)", text)
    check(got == [expected], f"the job ends with the uninterrupted run's digest ({got} vs {expected})")
    with open(f"{output}/launch/incidents.jsonl") as f:
        return [json.loads(line) for line in f if '"incident"' in line]


def node_loss(cluster, kairos, launch, root, sets, expected):
    log = f"{root}/job.log"
    supervisor = (f"exec {launch} --kairos {kairos} --launcher srun --ranks-per-node 1 --storage {root}/nodes "
                  f"--output {root}/run {PHOLD} -- {' '.join(sets)} --replicas 1 --checkpoint-every 10000")
    job = submit(cluster, log, supervisor, len(NODES))
    # Node n2 dies: its daemon, its rank (frozen first, so nothing more
    # reaches its disk) and its storage.
    ranks = ranks_on(job, "n2")
    check(len(ranks) == 1, f"the job has one rank on n2 (pids {ranks})")
    os.kill(ranks[0], signal.SIGSTOP)
    os.kill(int(open(f"{root}/slurmd-n2.pid").read()), signal.SIGKILL)
    shutil.rmtree(f"{root}/nodes/n2")
    os.kill(ranks[0], signal.SIGKILL)
    text = wait_for_end(cluster, job, log)
    incidents = finished_incidents(text, expected, f"{root}/run")
    check(len(incidents) == 1 and incidents[0]["lost"] == ["n2"], f"one incident, node n2 lost: {incidents}")
    check(incidents[0]["nodes"] == ["n1", "n3"] and incidents[0]["ranks"] == 2,
          "resumed with srun on the 2 nodes left")
    check("srun: error: n2" in text, "srun reported the task lost on n2")


def node_hang(cluster, kairos, launch, root, sets, expected):
    """n2 is down: a job on n1 and n3, in which n3 hangs."""
    log = f"{root}/hang.log"
    supervisor = (f"exec {launch} --kairos {kairos} --launcher srun --ranks-per-node 1 --storage {root}/hang-nodes "
                  f"--stall-timeout 5 --output {root}/hang {PHOLD} -- {' '.join(sets)} --replicas 1 "
                  f"--checkpoint-every 10000")
    job = submit(cluster, log, supervisor, 2)
    ranks = ranks_on(job, "n3")
    check(len(ranks) == 1, f"the job has one rank on n3 (pids {ranks})")
    os.kill(ranks[0], signal.SIGSTOP)
    incidents = finished_incidents(wait_for_end(cluster, job, log), expected, f"{root}/hang")
    check(len(incidents) == 1 and incidents[0]["lost"] == [] and "stalled_seconds" in incidents[0],
          f"one incident, a stall, no node lost: {incidents}")
    check(incidents[0]["nodes"] == ["n1", "n3"], "resumed with srun on the same 2 nodes")


def main():
    kairos, launch = sys.argv[1:3]
    missing = [p for p in ("slurmctld", "slurmd", "munged", "srun", "sbatch") if shutil.which(p) is None]
    if missing or os.geteuid() != 0:
        print(f"SKIP: needs root and {', '.join(missing) or 'Slurm'} (Debian: slurmctld slurmd slurm-client munge)")
        sys.exit(SKIP)
    root = tempfile.mkdtemp(prefix="kslurm")   # short: munge's socket path must fit a sockaddr
    cluster = Cluster(root)
    try:
        cluster.start()
        sets = phold(1500, lps=256)
        expected = reference(Kairos(kairos, "mpiexec"), PHOLD, sets, f"{root}/reference")
        node_loss(cluster, kairos, launch, root, sets, expected)
        node_hang(cluster, kairos, launch, root, sets, expected)
    finally:
        cluster.stop()
        time.sleep(1)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
