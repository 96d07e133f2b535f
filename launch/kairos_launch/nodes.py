"""The nodes a run may use: from a hostfile, a Slurm allocation, or virtual
nodes on one machine. A node is the unit that is lost: its ranks and its
storage go together."""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


class NodeError(Exception):
    """A node list that cannot be used, with the file or variable at fault."""


@dataclass
class Node:
    name: str
    slots: int
    spare: bool = False
    # Virtual nodes only: the directory standing for the node's local
    # storage. The node is alive while it exists.
    storage: Path | None = None


def from_hostfile(path, ranks_per_node=None):
    """Open MPI's hostfile syntax (`host [slots=N]`) or MPICH's (`host:N`),
    one node per line, plus an optional `spare` word for a node kept back
    until another is lost. Comments start with #."""
    nodes, seen = [], set()
    try:
        lines = Path(path).read_text().splitlines()
    except OSError as e:
        raise NodeError(f"{path}: {e.strerror}") from None
    for number, line in enumerate(lines, 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        name, slots, spare = words[0], ranks_per_node, False
        if m := re.fullmatch(r"(.+):(\d+)", name):
            name = m.group(1)
            if ranks_per_node is None:
                slots = int(m.group(2))
        for word in words[1:]:
            if word == "spare":
                spare = True
            elif m := re.fullmatch(r"(?:slots|max_slots|max-slots)=(\d+)", word):
                if word.startswith("slots") and ranks_per_node is None:
                    slots = int(m.group(1))
            else:
                raise NodeError(f"{path}:{number}: '{word}' is neither slots=N nor spare")
        if name in seen:
            raise NodeError(f"{path}:{number}: host {name} is listed twice")
        seen.add(name)
        if not slots or slots < 1:
            raise NodeError(f"{path}:{number}: host {name} has no slots=N or :N (or pass --ranks-per-node)")
        nodes.append(Node(name, slots, spare))
    if not nodes:
        raise NodeError(f"{path}: no host in it")
    return nodes


def from_slurm(ranks_per_node=None, env=os.environ):
    """The nodes of the Slurm allocation this runs in, in Slurm's order."""
    nodelist = env.get("SLURM_JOB_NODELIST") or env.get("SLURM_NODELIST")
    if not nodelist:
        raise NodeError("SLURM_JOB_NODELIST is not set: not inside a Slurm allocation (use sbatch or salloc)")
    if shutil.which("scontrol") is None:
        raise NodeError("scontrol not found, so SLURM_JOB_NODELIST cannot be expanded")
    names = subprocess.run(["scontrol", "show", "hostnames", nodelist], check=True, capture_output=True,
                           text=True).stdout.split()
    if ranks_per_node is None:
        # SLURM_NTASKS_PER_NODE when --ntasks-per-node was given, else the
        # first node's CPUs ("4(x2),2" style).
        per = env.get("SLURM_NTASKS_PER_NODE") or env.get("SLURM_JOB_CPUS_PER_NODE", "1")
        ranks_per_node = int(re.match(r"\d+", per).group(0))
    return [Node(name, ranks_per_node) for name in names]


def virtual(count, ranks_per_node, storage_root):
    """`count` virtual nodes on this machine, each with its own storage
    directory under storage_root."""
    return [Node(f"vnode{i}", ranks_per_node, storage=Path(storage_root) / f"vnode{i}") for i in range(count)]


def mark_spares(nodes, spares):
    """The last `spares` nodes (beyond any marked in a hostfile) are spares."""
    for node in nodes[len(nodes) - spares:] if spares else []:
        node.spare = True
    if all(n.spare for n in nodes):
        raise NodeError(f"all {len(nodes)} node(s) are spares: none is left to start the run on")
    return nodes
