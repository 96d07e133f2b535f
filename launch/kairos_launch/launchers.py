"""Starting kairos under a launcher (mpirun or srun), probing nodes, and
reading what the launcher says when a run fails."""

import os
import re
import shlex
import shutil
import socket
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

# Exit statuses of kairos itself (README, "Exit status"). Any of them from a
# rank that printed "kairos: error:" is the run's verdict, never retried.
KAIROS_STATUSES = {1: "model or runtime failure", 2: "usage or scenario error", 3: "plugin problem",
                   4: "no usable checkpoint"}


@dataclass
class Report:
    """What the launcher's output says about a failed run."""
    dead_ranks: set = field(default_factory=set)      # ranks killed by a signal or lost with their node
    dead_hosts: set = field(default_factory=set)      # nodes the launcher names as failed or hosting a dead rank
    exit_codes: set = field(default_factory=set)      # exit codes of ranks that exited on their own (or MPI_Abort)
    kairos_error: str | None = None                   # the first "kairos: error:" line

    def kairos_verdict(self, launcher_status):
        """kairos's own exit status when the run failed by kairos's own
        decision (a model, scenario, plugin or checkpoint error), else None:
        a rank's exit code, or the launcher's status when no rank died (a
        launcher may print no MPI_ABORT notice)."""
        if self.kairos_error is None:
            return None
        codes = sorted(c for c in self.exit_codes if c in KAIROS_STATUSES)
        if codes:
            return codes[0]
        return launcher_status if launcher_status in KAIROS_STATUSES and not self.dead_ranks else None


def _expand(ranks):
    """ "4-6,9" -> {4, 5, 6, 9} """
    out = set()
    for part in ranks.split(","):
        low, _, high = part.partition("-")
        out.update(range(int(low), int(high or low) + 1))
    return out


def _kairos_error(text):
    m = re.search(r"^kairos: error: .*$", text, re.M)
    return m.group(0) if m else None


class Mpirun:
    """Open MPI's mpirun (or another mpiexec taking -n and --host). Extra
    arguments (e.g. --oversubscribe) come from --launcher-args."""
    name = "mpirun"

    def __init__(self, extra_args, program=None, virtual=False):
        self.program = program or os.environ.get("MPIEXEC", "mpirun")
        self.extra = list(extra_args)
        self.virtual = virtual

    host_option = "--host"  # runs a job on the named host (probes)

    def placement(self, nodes, ranks_per_node, workdir):
        """The options that put ranks_per_node ranks on each of the nodes."""
        hostfile = workdir / "hostfile"
        hostfile.write_text("".join(f"{n.name} slots={ranks_per_node}\n" for n in nodes))
        return ["--hostfile", str(hostfile), "--map-by", f"ppr:{ranks_per_node}:node"]

    # mpirun passes other hosts' ranks only the variables named with -x.
    export_option = "-x"

    def command(self, nodes, ranks_per_node, ranks, argv, workdir, exports=()):
        """The launch; `exports` names environment variables every rank
        must see."""
        where = [] if self.virtual else self.placement(nodes, ranks_per_node, workdir)
        passed = [arg for name in exports for arg in (self.export_option, name)] if self.export_option else []
        return [self.program, "-n", str(ranks), *where, *passed, *self.extra, *argv]

    def environment(self):
        """Open MPI settings for the launch. When a rank dies, mpirun sends the
        others SIGTERM and kills them a grace period later (1 s by default);
        they are stuck in a collective with the dead rank by then, so the grace
        only delays detection (2.2 s against 0.2 s, bench/recovery_bench.py).
        Preemption never takes that path: the supervisor asks the ranks to
        checkpoint with SIGUSR1. A value set by the user is kept; other MPI
        libraries ignore the variable."""
        if "OMPI_MCA_odls_base_sigkill_timeout" in os.environ:
            return {}
        return {"OMPI_MCA_odls_base_sigkill_timeout": "0"}

    def probe(self, node, timeout):
        """Whether a real node answers: a one-process job on it."""
        try:
            done = subprocess.run([self.program, "-n", "1", self.host_option, node.name, *self.extra, "true"],
                                  capture_output=True, timeout=timeout)
            return done.returncode == 0
        except subprocess.TimeoutExpired:
            return False

    def parse(self, text):
        r = Report(kairos_error=_kairos_error(text))
        for m in re.finditer(r"process rank (\d+) with PID \d+ on node (\S+) exited on signal (\d+)", text):
            r.dead_ranks.add(int(m.group(1)))
            r.dead_hosts.add(m.group(2))
        for m in re.finditer(r"MPI_ABORT was invoked on rank \d+ in communicator \S+\s+with errorcode (\d+)", text):
            r.exit_codes.add(int(m.group(1)))
        # A daemon that vanished: its node is gone.
        for m in re.finditer(r"Remote daemon: \S+ on node (\S+)", text):
            r.dead_hosts.add(m.group(1))
        return r


class Hydra(Mpirun):
    """MPICH's mpiexec (Hydra), and the MPIs derived from it (Intel MPI,
    MVAPICH): its own hostfile syntax (`host:N`), -f, -ppn and -hosts, and
    its own failure report, which names the host and PID of a process that
    died, not its rank."""
    name = "mpiexec (Hydra)"
    host_option = "-hosts"
    export_option = None   # Hydra passes every variable by default

    def placement(self, nodes, ranks_per_node, workdir):
        hostfile = workdir / "hostfile"
        hostfile.write_text("".join(f"{n.name}:{ranks_per_node}\n" for n in nodes))
        return ["-f", str(hostfile), "-ppn", str(ranks_per_node)]

    def environment(self):
        """Hydra ends the job as soon as a process dies: no grace to shorten."""
        return {}

    def parse(self, text):
        r = Report(kairos_error=_kairos_error(text))
        # "=   PID 29757 RUNNING AT n2 / =   EXIT CODE: 9 / ... EXIT STRING: Killed (signal 9)"
        for m in re.finditer(r"PID \d+ RUNNING AT (\S+)\s*\n=\s*EXIT CODE: (\d+)(?:(?:.*\n){1,6}?.*EXIT STRING: .*"
                             r"\(signal (\d+)\))?", text):
            if m.group(3):
                r.dead_hosts.add(m.group(1))
            else:
                r.exit_codes.add(int(m.group(2)))
        for m in re.finditer(r"application called MPI_Abort\(\S+, (\d+)\) - process \d+", text):
            r.exit_codes.add(int(m.group(1)))
        # A proxy that lost its connection: its host is gone.
        for m in re.finditer(r"\[proxy:\S+@(\S+)\] .*(?:assert|failed|lost connection)", text):
            r.dead_hosts.add(m.group(1))
        return r


def mpi_flavour(program):
    """'hydra' when the launcher is MPICH's (or a derivative's) Hydra, else
    'openmpi' (Open MPI's mpirun, also assumed when the launcher cannot say)."""
    try:
        said = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return "openmpi"
    return "hydra" if re.search(r"HYDRA|MPICH|Intel\(R\) MPI", said.stdout + said.stderr) else "openmpi"


class Srun:
    """Slurm's srun, inside an allocation. --no-kill keeps the allocation
    when a node fails; --kill-on-bad-exit ends the step when one rank dies,
    so no rank waits forever for a dead peer."""
    name = "srun"

    def __init__(self, extra_args):
        self.extra = list(extra_args)

    def environment(self):
        """Nothing to add: the grace before the step's other tasks are killed
        is the cluster's KillWait, a Slurm setting."""
        return {}

    def command(self, nodes, ranks_per_node, ranks, argv, workdir, exports=()):
        del workdir, exports   # srun passes every variable (--export=ALL, its default)
        even = [f"--ntasks-per-node={ranks_per_node}"] if ranks == len(nodes) * ranks_per_node else []
        return ["srun", "--no-kill", "--kill-on-bad-exit=1", f"--nodes={len(nodes)}", f"--ntasks={ranks}", *even,
                "--nodelist=" + ",".join(n.name for n in nodes), *self.extra, *argv]

    def probe(self, node, timeout):
        """Whether Slurm still counts the node as up, its slurmd takes a
        connection, and a task runs on it."""
        try:
            shown = subprocess.run(["scontrol", "show", "node", node.name], capture_output=True, text=True,
                                   timeout=timeout).stdout
            state = re.search(r"State=(\S+)", shown)
            if not state or re.search(r"DOWN|DRAIN|FAIL|NOT_RESPONDING|\*", state.group(1)):
                return False
            if not _slurmd_listens(shown, min(timeout, 3)):
                return False
            done = subprocess.run(["srun", "--nodes=1", "--ntasks=1", f"--nodelist={node.name}", "--overlap",
                                   "--immediate=5", "true"], capture_output=True, timeout=timeout)
            return done.returncode == 0
        except (subprocess.TimeoutExpired, OSError):
            return False

    def parse(self, text):
        r = Report(kairos_error=_kairos_error(text))
        for m in re.finditer(r"srun: error: (\S+): tasks? ([\d,\-]+): (.*)", text):
            host, ranks, what = m.group(1), _expand(m.group(2)), m.group(3)
            if code := re.match(r"Exited with exit code (\d+)", what):
                r.exit_codes.add(int(code.group(1)))
            elif not what.startswith("Terminated"):   # Terminated: ended by srun after another task failed
                r.dead_ranks |= ranks
                r.dead_hosts.add(host)
        for m in re.finditer(r"srun: error: Node failure on (\S+)", text):
            r.dead_hosts.add(m.group(1))
        return r


def _slurmd_listens(shown, timeout):
    """Whether the node's slurmd (NodeAddr and Port of `scontrol show
    node`) accepts a connection. A node that died a moment ago still counts
    as up for Slurm until SlurmdTimeout; a task launched on it fails only
    after MessageTimeout (10 s by default), a refused or unanswered
    connection tells sooner. Without the fields, the task launch decides."""
    addr, port = re.search(r"NodeAddr=(\S+)", shown), re.search(r"\bPort=(\d+)", shown)
    if not addr or not port:
        return True
    try:
        with socket.create_connection((addr.group(1), int(port.group(1))), timeout=timeout):
            return True   # closed unread: slurmd logs a zero-byte message and goes on
    except OSError:
        return False


# Where Linux lists the adapters that Open MPI's `cm` PML drives through its
# MTLs (PSM, PSM2, OFI): InfiniBand, Omni-Path, EFA and RoCE adapters under
# infiniband, HPE Slingshot's under cxi.
FABRIC_CLASSES = ("/sys/class/infiniband", "/sys/class/cxi")


def fabric_adapters(classes=FABRIC_CLASSES):
    """The high-speed network adapters of this host, by sysfs name."""
    return sorted(name for c in classes if os.path.isdir(c) for name in os.listdir(c))


def this_host_names(env=os.environ):
    """The names by which a node list may name this host."""
    name = socket.gethostname()
    return {name, name.split(".")[0]} | ({env["SLURMD_NODENAME"]} if env.get("SLURMD_NODENAME") else set())


def mpi_start_settings(runs_ranks_here, env=os.environ, classes=FABRIC_CLASSES):
    """Open MPI settings that start MPI sooner without changing what the run
    uses. Open MPI tries its `cm` PML first, whose MTLs load and initialise
    PSM, PSM2 and libfabric: about 0.1 s each where they are installed, 0.2 s
    of every launch's MPI_Init on Debian's build (bench/RESULTS.md), paid
    again by each relaunch after a loss. On a host with no adapter they
    could drive, `cm` is never chosen in the end, so leaving it out changes
    nothing but the wait. Decided only when this host runs ranks of the job
    (its adapters are theirs: virtual nodes, or the batch host of a Slurm
    job; the nodes of one job are assumed alike), and only when the user
    chose neither a PML nor an MTL; other MPI libraries ignore the variable."""
    if not runs_ranks_here or "OMPI_MCA_pml" in env or "OMPI_MCA_mtl" in env or fabric_adapters(classes):
        return {}
    return {"OMPI_MCA_pml": "^cm"}


def make(kind, extra_args, virtual):
    """The launcher to use: srun inside a Slurm allocation (when asked or,
    for 'auto', when srun exists and SLURM_JOB_ID is set), else $MPIEXEC (or
    mpirun), as Open MPI's or as Hydra by what it says of itself."""
    extra = shlex.split(extra_args or "")
    if kind == "auto":
        kind = "srun" if os.environ.get("SLURM_JOB_ID") and shutil.which("srun") and not virtual else "mpirun"
    if kind == "srun":
        return Srun(extra)
    program = os.environ.get("MPIEXEC", "mpirun")
    cls = Hydra if mpi_flavour(program) == "hydra" else Mpirun
    return cls(extra, program=program, virtual=virtual)


def probe_all(launcher, nodes, timeout):
    """The nodes that do not answer. Virtual nodes answer while their storage
    exists; real ones are probed in parallel through the launcher."""
    def alive(node):
        if node.storage is not None:
            return node.storage.is_dir()
        return launcher.probe(node, timeout)
    with ThreadPoolExecutor(max_workers=min(32, max(1, len(nodes)))) as pool:
        answers = list(pool.map(alive, nodes))
    return [n for n, ok in zip(nodes, answers) if not ok]
