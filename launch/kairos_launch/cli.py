"""kairos-launch's command line."""

import argparse
import os
import shutil
import socket
import sys
from pathlib import Path
from types import SimpleNamespace

from . import launchers, nodes, slurm
from .journal import Journal
from .supervisor import GAVE_UP, Supervisor

USAGE_ERROR = 2

EPILOG = """\
exit status: 0 finished (or already finished); 1-4 kairos's own failure, passed
through and never retried (1 model, 2 scenario, 3 plugin, 4 no usable
checkpoint); 5 stopped before the end after a checkpoint (time limit,
preemption, signal): the same command resumes it; 6 gave up (--max-recoveries
reached, fewer than --min-nodes nodes left, or stalled twice in a row with
every node answering and no checkpoint between).

examples:
  # 4 virtual nodes of 2 ranks on this machine, one spare, each shard on 1 other node
  kairos-launch --virtual-nodes 5 --spares 1 --ranks-per-node 2 --launcher-args=--oversubscribe \\
      --output out/run scenarios/phold.toml -- --replicas 1 --checkpoint-every 100000
  # inside an sbatch script: the allocation's nodes, srun, requeue before the time limit
  kairos-launch --ranks-per-node 16 --spares 1 --requeue --output $SCRATCH/run city.toml \\
      -- --replicas 2 --checkpoint-auto-mtbf 86400
"""


def parse(argv):
    p = argparse.ArgumentParser(
        prog="kairos-launch",
        description="Run a Kairos scenario under mpirun or srun and, whenever ranks die, resume it from the newest "
                    "usable checkpoint on the nodes left, without a person.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("kairos_args", nargs="*", metavar="-- KAIROS_FLAGS",
                   help="flags for `kairos run` after --, e.g. -- --replicas 1 --threads 4 (all but --set also go to "
                        "each `kairos restart`)")
    p.add_argument("--output", "-o", required=True, type=Path, help="the run's output directory")
    where = p.add_argument_group("nodes")
    where.add_argument("--hostfile", help="hosts, one per line: `NAME [slots=N] [spare]` (Open MPI's syntax plus spare)")
    where.add_argument("--virtual-nodes", type=int, metavar="N",
                       help="N virtual nodes on this machine, each with its own storage under OUTPUT/nodes")
    where.add_argument("--ranks-per-node", type=int, metavar="R",
                       help="ranks on each node (default: the hostfile's slots, or Slurm's tasks per node)")
    where.add_argument("--spares", type=int, default=0, metavar="S",
                       help="keep the last S nodes back, brought in one for one when nodes are lost")
    where.add_argument("--storage", type=Path,
                       help="checkpoint storage root, the same path on every node (node-local disk, or a shared "
                            "file system for runs that must survive a requeue); each node writes to STORAGE/<node "
                            "name>. Default OUTPUT/checkpoints (OUTPUT/nodes for virtual nodes)")
    how = p.add_argument_group("launching and recovery")
    how.add_argument("--launcher", choices=["auto", "mpirun", "srun"], default="auto",
                     help="auto: srun inside a Slurm allocation, else mpirun")
    how.add_argument("--launcher-args", default="", metavar="'ARGS'",
                     help="extra launcher arguments, e.g. --launcher-args=--oversubscribe")
    how.add_argument("--kairos", help="the kairos executable (default: beside kairos-launch, else on PATH)")
    how.add_argument("--max-recoveries", type=int, default=3, help="resumptions after failures before giving up")
    how.add_argument("--min-nodes", type=int, default=1, help="give up when fewer nodes than this are left")
    how.add_argument("--rank-policy", choices=["slots", "same"], default="slots",
                     help="after a loss: every slot of the nodes left (slots), or the first launch's rank count "
                          "spread over them (same)")
    how.add_argument("--probe-timeout", type=float, default=20, help="seconds a node has to answer a probe")
    how.add_argument("--stall-timeout", type=float, default=900, metavar="SECONDS",
                     help="end a run from which nothing has come for this long (a hung node or rank), then probe "
                          "the nodes and resume; at least 3x the longest checkpoint seen; 0: never (default 900)")
    how.add_argument("--rank-timeout", type=float, default=4, metavar="SECONDS",
                     help="each rank keeps a connection to kairos-launch and beats on it; a rank whose connection "
                          "closes, or that is silent for this long, is lost: the others are ended at once and the "
                          "run resumes, without waiting for the launcher to notice; 0: no such connection "
                          "(default 4)")
    how.add_argument("--supervisor-address", metavar="HOST",
                     help="the name or address by which the ranks reach kairos-launch (default: this host's name; "
                          "127.0.0.1 for virtual nodes)")
    batch = p.add_argument_group("batch system")
    batch.add_argument("--requeue", action="store_true",
                       help="after stopping for the time limit, on its warning (SIGUSR1) or on SIGTERM "
                            "(preemption), requeue the Slurm job")
    batch.add_argument("--end-time", type=float, metavar="EPOCH",
                       help="when the job ends (default: SLURM_JOB_END_TIME, else squeue)")
    batch.add_argument("--end-margin", type=float, default=60, metavar="SECONDS",
                       help="stop at least this long before the end; 3x the longest checkpoint if that is more")
    return p.parse_args(argv)


def find_kairos(given):
    if given:
        return given
    script = Path(sys.argv[0]).resolve().parent
    # Installed: bin/kairos beside bin/kairos-launch. In the source tree:
    # the default build directory.
    for candidate in (script / "kairos", script.parent / "build" / "bin" / "kairos"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("kairos") or "kairos"


def main(argv=None):
    a = parse(sys.argv[1:] if argv is None else argv)
    say = lambda text: print(f"kairos-launch: error: {text}", file=sys.stderr)  # noqa: E731
    if any(x in ("--output", "-o") or x.startswith("--output=") for x in a.kairos_args):
        say("give the output directory to kairos-launch (--output), not after --")
        return USAGE_ERROR
    if a.stall_timeout < 0:
        say(f"--stall-timeout {a.stall_timeout:g}: must be 0 (no watchdog) or a number of seconds")
        return USAGE_ERROR
    if a.rank_timeout < 0:
        say(f"--rank-timeout {a.rank_timeout:g}: must be 0 (no connection to the ranks) or a number of seconds")
        return USAGE_ERROR
    if not Path(a.scenario).is_file():
        say(f"{a.scenario}: no such scenario file")
        return USAGE_ERROR
    output = a.output.resolve()
    virtual = a.virtual_nodes is not None
    try:
        if virtual:
            if a.hostfile:
                raise nodes.NodeError("--virtual-nodes and --hostfile exclude each other")
            if not a.ranks_per_node:
                raise nodes.NodeError("--virtual-nodes needs --ranks-per-node")
            storage = (a.storage or output / "nodes").resolve()
            node_list = nodes.virtual(a.virtual_nodes, a.ranks_per_node, storage)
            for n in node_list:   # a virtual node is alive while its storage exists
                n.storage.mkdir(parents=True, exist_ok=True)
        elif a.hostfile:
            node_list = nodes.from_hostfile(a.hostfile, a.ranks_per_node)
            storage = (a.storage or output / "checkpoints").resolve()
        else:
            node_list = nodes.from_slurm(a.ranks_per_node)
            storage = (a.storage or output / "checkpoints").resolve()
        node_list = nodes.mark_spares(node_list, a.spares)
        per_node = {n.slots for n in node_list}
        if len(per_node) != 1:
            raise nodes.NodeError(f"nodes with different slot counts {sorted(per_node)}: pass --ranks-per-node")
    except nodes.NodeError as e:
        say(str(e))
        return USAGE_ERROR
    launcher = launchers.make(a.launcher, a.launcher_args, virtual)
    end = a.end_time if a.end_time is not None else slurm.job_end_time()
    options = SimpleNamespace(
        scenario=str(Path(a.scenario).resolve()), kairos_args=a.kairos_args, output=output, storage=storage,
        virtual=virtual, ranks_per_node=per_node.pop(), kairos=find_kairos(a.kairos),
        max_recoveries=a.max_recoveries, min_nodes=a.min_nodes, rank_policy=a.rank_policy,
        probe_timeout=a.probe_timeout, stall_timeout=a.stall_timeout, rank_timeout=a.rank_timeout,
        supervisor_address=a.supervisor_address or ("127.0.0.1" if virtual else socket.gethostname()),
        requeue=a.requeue, requeue_fn=slurm.requeue, deadline=slurm.Deadline(end, a.end_margin))
    journal = Journal(output / "launch")
    supervisor = Supervisor(options, node_list, launcher, journal)
    supervisor.install_signal_handlers()
    try:
        return supervisor.run()
    except OSError as e:
        say(f"{e.filename or ''}: {e.strerror}" if e.filename else str(e))
        return GAVE_UP
    finally:
        if supervisor.attempt and supervisor.attempt.process.poll() is None:
            supervisor.attempt.process.terminate()   # the launcher ends its ranks
