#!/usr/bin/python3
"""kairos-launch under a real Slurm: a private cluster of 3 Slurm nodes on
this machine (slurmctld, one slurmd per node, munge, PMIx), a batch job
whose supervisor runs kairos with srun, and a node that dies mid-run (its
slurmd and its rank killed, its storage deleted). kairos-launch must hear
that the rank's connection closed, end the other ranks without waiting for
Slurm to declare the node down, and end the job with the digest of the
uninterrupted run, after resuming on the 2 nodes left. Then a second job on
those 2 nodes, in which a node hangs (its rank frozen, its daemon alive):
its rank stops beating, and kairos-launch must name it, end the srun step,
find both nodes answering, and resume on them to the same digest. Last, a job whose
one-minute time limit falls before its run ends: kairos-launch must stop
the run at a checkpoint ahead of the limit, requeue the job, and the job's
next start must resume from that checkpoint to the same digest. And a job
preempted (SIGTERM to its batch script): the same, without a time limit.
Last, Slurm's own preemption (PreemptMode=REQUEUE): a job of a higher
partition takes the nodes; Slurm signals the run's steps and requeues the
job itself, whose next start must resume from the checkpoint taken then.

    slurm_recovery.py KAIROS KAIROS_LAUNCH [CASE...]

CASE: node_loss, node_hang, time_limit, preemption, slurm_preemption
(default: all, in that order; node_hang needs node_loss before it, which
leaves n2 down).

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
from datetime import datetime

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "checkpoint"))
from harness import ENV, PHOLD, Kairos, check, fail, kairos_environment, phold, reference  # noqa: E402

NODES = ["n1", "n2", "n3"]
LIMITED_END = 20000  # PHOLD time units: about 45 s on 2 Slurm nodes here, 1 s on one process
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
PreemptType=preempt/partition_prio
PreemptMode=REQUEUE
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
            # Slurm's own preemption (case slurm_preemption): a job of the
            # high partition requeues jobs of the low one, after SIGTERM and
            # GraceTime seconds before SIGKILL.
            f.write(f"PartitionName=low Nodes={','.join(NODES)} MaxTime=INFINITE State=UP PriorityTier=1 "
                    "GraceTime=30\n")
            f.write(f"PartitionName=high Nodes={','.join(NODES)} MaxTime=INFINITE State=UP PriorityTier=2\n")
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
            states = self.run(["sinfo", "-h", "-N", "-p", "test", "-o", "%N %t"]).stdout.split("\n")
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


def submit(cluster, log, supervisor, nodes, sbatch_flags=()):
    job = cluster.run(["sbatch", "--parsable", f"--nodes={nodes}", "--ntasks-per-node=1", "--no-kill",
                       f"--output={log}", *sbatch_flags, "--wrap", supervisor]).stdout.strip()
    if not job.isdigit():
        fail(f"sbatch did not submit the job: {job}")
    deadline = time.time() + 120
    while time.time() < deadline:
        if os.path.exists(log) and re.search(r"kairos: checkpoint \S+ committed", open(log).read()):
            return job
        time.sleep(0.2)
    fail("no checkpoint committed within 120 s:\n" + (open(log).read() if os.path.exists(log) else ""))


FINAL_STATES = {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE"}


def job_state(cluster, job):
    found = re.search(r"JobState=(\S+)", cluster.run(["scontrol", "show", "job", job]).stdout)
    return found.group(1) if found else None


def wait_for_end(cluster, job, log, seconds=300, each=None):
    # Until the job's state is final: squeue does not list a job while it
    # is being requeued.
    deadline = time.time() + seconds
    while time.time() < deadline and job_state(cluster, job) not in FINAL_STATES:
        if each:
            each()
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


def supervised(launch, kairos, root, name, sets, launch_flags="", kairos_flags=""):
    """A batch script's command: kairos-launch under srun, one rank per node,
    its storage ROOT/NAME-nodes, its output ROOT/NAME, k=1. Returns the
    command, the job's log and the output directory."""
    command = (f"exec {launch} --kairos {kairos} --launcher srun --ranks-per-node 1 --storage {root}/{name}-nodes "
               f"{launch_flags} --output {root}/{name} {PHOLD} -- {' '.join(sets)} --replicas 1 {kairos_flags}")
    return command, f"{root}/{name}.log", f"{root}/{name}"


def node_loss(cluster, kairos, launch, root, sets, expected):
    supervisor, log, output = supervised(launch, kairos, root, "run", sets, kairos_flags="--checkpoint-every 10000")
    job = submit(cluster, log, supervisor, len(NODES))
    # Node n2 dies: its daemon, its rank (frozen first, so nothing more
    # reaches its disk) and its storage.
    ranks = ranks_on(job, "n2")
    check(len(ranks) == 1, f"the job has one rank on n2 (pids {ranks})")
    os.kill(ranks[0], signal.SIGSTOP)
    os.kill(int(open(f"{root}/slurmd-n2.pid").read()), signal.SIGKILL)
    shutil.rmtree(f"{output}-nodes/n2")
    os.kill(ranks[0], signal.SIGKILL)
    killed = time.time()
    text = wait_for_end(cluster, job, log)
    incidents = finished_incidents(text, expected, output)
    print_timeline(output, killed, "n2's rank killed")
    check(len(incidents) == 1 and incidents[0]["lost"] == ["n2"], f"one incident, node n2 lost: {incidents}")
    check(incidents[0]["nodes"] == ["n1", "n3"] and incidents[0]["ranks"] == 2,
          "resumed with srun on the 2 nodes left")
    check([(r["node"], r["how"]) for r in incidents[0].get("lost_ranks", [])] == [("n2", "closed")],
          f"found through the rank's own connection, not srun's report: {incidents[0].get('lost_ranks')}")


def print_timeline(output, since, what):
    """The supervisor's events after `since`, in seconds from it: how long
    the recovery took, for the record (bench/RESULTS.md), not a check."""
    with open(f"{output}/launch/incidents.jsonl") as f:
        events = [json.loads(line) for line in f]
    print(f"timeline from {what}:")
    for e in sorted(events, key=lambda e: e["time"]):
        at = datetime.fromisoformat(e["time"]).timestamp() - since
        if at > 0:
            print(f"  +{at:7.3f} s  {e['event']}")


def node_hang(cluster, kairos, launch, root, sets, expected):
    """n2 is down: a job on n1 and n3, in which n3 hangs."""
    supervisor, log, output = supervised(launch, kairos, root, "hang", sets, "--stall-timeout 60",
                                         "--checkpoint-every 10000")
    job = submit(cluster, log, supervisor, 2)
    ranks = ranks_on(job, "n3")
    check(len(ranks) == 1, f"the job has one rank on n3 (pids {ranks})")
    os.kill(ranks[0], signal.SIGSTOP)
    frozen = time.time()
    incidents = finished_incidents(wait_for_end(cluster, job, log), expected, output)
    print_timeline(output, frozen, "n3's rank frozen")
    check(len(incidents) == 1 and incidents[0]["lost"] == [] and
          [(r["node"], r["how"]) for r in incidents[0].get("lost_ranks", [])] == [("n3", "silent")],
          f"one incident, n3's rank silent, no node lost: {incidents}")
    check(incidents[0]["nodes"] == ["n1", "n3"], "resumed with srun on the same 2 nodes")


class RequeuedStarter:
    """Slurm holds a requeued job for two minutes (BeginTime); the test's
    administrator lets it start sooner: once it has waited 3 s and no node
    is still cleaning up after its last start (started while one was, the
    job fails at once)."""

    def __init__(self, cluster, job):
        self.cluster, self.job, self.pending_since = cluster, job, None

    def __call__(self):
        run = self.cluster.run
        if run(["squeue", "-h", "-j", self.job, "-o", "%T %r"]).stdout.split() != ["PENDING", "BeginTime"]:
            self.pending_since = None
            return
        self.pending_since = self.pending_since or time.time()
        states = run(["sinfo", "-h", "-N", "-o", "%t"]).stdout.split()
        if time.time() - self.pending_since >= 3 and not any(s.startswith(("comp", "alloc", "mix")) for s in states):
            run(["scontrol", "update", f"JobId={self.job}", "StartTime=now"])


def requeued_to_the_end(cluster, job, log, expected, what, own_requeue=True):
    """Waits for a requeued job's last start to end; checks its digest and
    that Slurm started it again (with own_requeue, that kairos-launch
    requeued it). Returns the job's log."""
    text = wait_for_end(cluster, job, log, seconds=420, each=RequeuedStarter(cluster, job))
    if own_requeue:
        check("requeued: the next start of this job resumes from the checkpoint just taken" in text,
              f"kairos-launch requeued the job ({what})")
    got = re.findall(r"kairos-launch: finished .*digest=([0-9a-f]+)", text)
    check(got == [expected], f"the requeued job ends with the uninterrupted run's digest ({got} vs {expected})")
    check(re.search(r"restarting from ckpt-", text) is not None, "the requeued job resumed from a checkpoint")
    restarts = re.search(r"Restarts=(\d+)", cluster.run(["scontrol", "show", "job", job]).stdout)
    check(restarts is not None and int(restarts.group(1)) >= 1,
          f"Slurm started the job again ({restarts and restarts.group(0)})")
    return text


def time_limit(cluster, kairos, launch, root, sets, expected):
    """A job with a one-minute limit and a run that needs several. Slurm
    22.05 sets no SLURM_JOB_END_TIME, so kairos-launch learns the limit from
    squeue; with --end-margin 45 it asks the run to checkpoint and stop about
    15 s in, requeues the job, and the job's next start (same job id, same
    command) resumes from that checkpoint, and so on until the run ends."""
    supervisor, log, _ = supervised(launch, kairos, root, "limit", sets, "--requeue --end-margin 45")
    # Appended to, not truncated, when the requeued job starts again.
    job = submit(cluster, log, supervisor, 2, ["--time=1", "--requeue", "--open-mode=append"])
    text = requeued_to_the_end(cluster, job, log, expected, "time limit")
    check(re.search(r"the job's time limit is \d+ s away .*asking the run to checkpoint and stop", text) is not None,
          "kairos-launch stopped the run ahead of the job's time limit")


def preemption(cluster, kairos, launch, root, sets, expected):
    """A job without a time limit, preempted: SIGTERM to its batch script,
    as Slurm's preemption (or sbatch --signal=B:TERM) delivers it. The
    supervisor must have the run checkpoint and stop, requeue the job, and
    its next start must resume to the same digest."""
    supervisor, log, _ = supervised(launch, kairos, root, "preempted", sets, "--requeue", "--checkpoint-every 200000")
    job = submit(cluster, log, supervisor, 2, ["--requeue", "--open-mode=append"])  # after its first checkpoint
    cluster.run(["scancel", "--signal=TERM", "--batch", job])
    text = requeued_to_the_end(cluster, job, log, expected, "preemption")
    check("stopped on SIGTERM after a checkpoint" in text, "the supervisor stopped the run at a checkpoint on SIGTERM")


def slurm_preemption(cluster, kairos, launch, root, sets, expected):
    """Slurm's own preemption (PreemptMode=REQUEUE): a job of the high
    partition needs the nodes of kairos-launch's job in the low one. Slurm
    signals the job (SIGTERM), requeues it itself, and kills what is left
    after the partition's GraceTime (30 s). The run must checkpoint and stop
    within the grace, and the job's next start resume to the same digest."""
    supervisor, log, _ = supervised(launch, kairos, root, "slurm-preempted", sets, "--requeue",
                                    "--checkpoint-every 200000")
    job = submit(cluster, log, supervisor, 2, ["--partition=low", "--requeue", "--open-mode=append"])
    urgent = cluster.run(["sbatch", "--parsable", "--partition=high", "--nodes=2", "--exclusive",
                          f"--output={root}/urgent.log", "--wrap", "sleep 2"]).stdout.strip()
    check(urgent.isdigit(), f"the urgent job was submitted ({urgent})")
    text = requeued_to_the_end(cluster, job, log, expected, "Slurm's preemption", own_requeue=False)
    # Slurm signals the job's steps, so the ranks hear SIGTERM first: they
    # checkpoint and stop, and kairos-launch sees them stop on a signal.
    stop = text.find("kairos: stopped after a checkpoint on a signal")
    check(stop >= 0 and "kairos-launch: stopped on a signal to the ranks after a checkpoint" in text,
          "the ranks checkpointed and stopped on Slurm's SIGTERM, within the grace time")
    taken = re.findall(r"kairos: checkpoint (\S+) committed", text[:stop])
    resumed = re.findall(r"kairos: restarting from (\S+) ", text)
    check(taken and resumed == [taken[-1]], f"the next start resumed from the checkpoint taken at the stop "
                                            f"({resumed} vs {taken[-1:]})")
    check(job_state(cluster, urgent) == "COMPLETED", f"the urgent job ran ({job_state(cluster, urgent)})")


CASES = {"node_loss": node_loss, "node_hang": node_hang, "time_limit": time_limit, "preemption": preemption,
         "slurm_preemption": slurm_preemption}


def main():
    kairos, launch = sys.argv[1:3]
    cases = sys.argv[3:] or list(CASES)
    if unknown := [c for c in cases if c not in CASES]:
        fail(f"unknown case(s) {unknown}: the cases are {list(CASES)}")
    missing = [p for p in ("slurmctld", "slurmd", "munged", "srun", "sbatch") if shutil.which(p) is None]
    if missing or os.geteuid() != 0:
        print(f"SKIP: needs root and {', '.join(missing) or 'Slurm'} (Debian: slurmctld slurmd slurm-client munge)")
        sys.exit(SKIP)
    root = tempfile.mkdtemp(prefix="kslurm")   # short: munge's socket path must fit a sockaddr
    cluster = Cluster(root)
    try:
        cluster.start()
        references = {}
        for case in cases:
            # The time limit and preemption need runs long enough to meet them.
            sets = phold(LIMITED_END if case in ("time_limit", "preemption", "slurm_preemption") else 1500, lps=256)
            key = " ".join(sets)
            if key not in references:
                references[key] = reference(Kairos(kairos, "mpiexec"), PHOLD, sets,
                                            f"{root}/reference-{len(references)}")
            CASES[case](cluster, kairos, launch, root, sets, references[key])
    finally:
        cluster.stop()
        time.sleep(1)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
