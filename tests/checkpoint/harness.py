"""Shared helpers of the checkpoint tests: run kairos (alone or under
mpiexec), read digests, locate checkpoints and shard copies."""
import atexit
import ctypes
import glob
import json
import os
import re
import shutil
import shlex
import signal
import subprocess
import sys
import tempfile

PHOLD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../scenarios/phold.toml")
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")
TIMEOUT = 300
# Launcher flags placed before the program (CMake's MPIEXEC_PREFLAGS); ranks
# beyond the cores are allowed by OMPI_MCA_rmaps_base_oversubscribe above
# (Open MPI) or by default (MPICH).
PREFLAGS = shlex.split(os.environ.get("KAIROS_MPIEXEC_PREFLAGS", ""))


class Kairos:
    def __init__(self, kairos, mpiexec):
        self.kairos = kairos
        self.mpiexec = mpiexec

    def command(self, ranks, args):
        if ranks == 0:  # no launcher: a plain process, MPI never initialised
            return [self.kairos] + args
        return [self.mpiexec, "-n", str(ranks), *PREFLAGS, self.kairos] + args

    def run(self, ranks, args, env=None, check=True, cwd=None):
        """Runs to the end; on a timeout, the whole job (launcher and ranks)
        is killed before the test fails."""
        job = subprocess.Popen(self.command(ranks, args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               errors="replace", env=dict(ENV, **(env or {})), cwd=cwd, start_new_session=True)
        try:
            out, err = job.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(job.pid, signal.SIGKILL)
            job.communicate()
            fail(f"{' '.join(self.command(ranks, args))} still running after {TIMEOUT} s: killed")
        result = subprocess.CompletedProcess(job.args, job.returncode, out, err)
        if check and result.returncode != 0:
            fail(f"{' '.join(self.command(ranks, args))} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
        return result

    def run_per_rank(self, args_of_rank):
        """One rank per element, each with its own arguments (MPMD launch)."""
        cmd = [self.mpiexec]
        for i, args in enumerate(args_of_rank):
            cmd += ([":"] if i else []) + ["-n", "1", *PREFLAGS, self.kairos] + args
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, env=ENV)
        if result.returncode != 0:
            fail(f"{' '.join(cmd)} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
        return result

    def start(self, ranks, args, env=None):
        """Starts a run in a session of its own (so that everything it
        started can be ended together) and remembers it for cleanup."""
        job = subprocess.Popen(self.command(ranks, args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=dict(ENV, **(env or {})), start_new_session=True)
        STARTED.append(job)
        return job


STARTED = []


def end_started_jobs():
    """Kills every process group this test started that is still there: a
    failing test never leaves an mpiexec or a rank running."""
    for job in STARTED:
        if job.poll() is None:
            try:
                os.killpg(job.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            job.wait()


atexit.register(end_started_jobs)


def phold(end, lps=256, remote=0.5):
    """--set options for a PHOLD run of the given size."""
    return ["--set", f"phold.end={end}", "--set", f"phold.lps={lps}", "--set", f"phold.remote={remote}"]


def reference(k, scenario, sets, out):
    """Digest of the uninterrupted run on one process."""
    result = k.run(0, ["run", scenario, *sets, "--output", out])
    print(f"uninterrupted, 1 process: {digest(result)}")
    return digest(result)


def lose_nodes(store, nodes, into):
    """A copy of the checkpoint store without the given nodes' directories."""
    shutil.copytree(store, into)
    for node in nodes:
        shutil.rmtree(f"{into}/node{node}")
    return into


def digest(result):
    found = re.findall(r"digest=([0-9a-f]+)", result.stdout)
    if not found:
        fail(f"no digest in the output:\n{result.stdout}\n{result.stderr}")
    return found[-1]


def restarted_from(result):
    found = re.search(r"restarting from (ckpt-\d+-g\d+)", result.stderr)
    return found.group(1) if found else None


def committed(root):
    """Names of checkpoints with a manifest somewhere under root."""
    return sorted({os.path.basename(os.path.dirname(m)) for m in glob.glob(f"{root}/*/ckpt-*/manifest.json")})


def copies(root, checkpoint, shard):
    return sorted(glob.glob(f"{root}/*/{checkpoint}/shard-{shard:05d}-on-*.h5"))


def rank_pids(job, ranks_wanted):
    """PIDs of the kairos ranks of `job` (a process from Kairos.start: the
    launcher, or a rank itself) whose MPI rank is in ranks_wanted. Only that
    job's descendants are looked at, never other users' processes; the rank
    comes from Open MPI's OMPI_COMM_WORLD_RANK or MPICH's PMI_RANK."""
    parent_of = {}
    for proc in glob.glob("/proc/[0-9]*"):
        try:
            with open(f"{proc}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            parent_of[int(os.path.basename(proc))] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue

    def descends_from_job(pid):
        while pid > 1:
            if pid == job.pid:
                return True
            pid = parent_of.get(pid, 0)
        return False

    pids = []
    for pid in filter(descends_from_job, parent_of):
        env = kairos_environment(pid)
        rank = env.get(b"OMPI_COMM_WORLD_RANK", env.get(b"PMI_RANK")) if env else None
        if rank is not None and int(rank) in ranks_wanted:
            pids.append(pid)
    return pids


def kairos_environment(pid):
    """The environment of process pid if it is a kairos, else None."""
    try:
        with open(f"/proc/{pid}/comm") as f:
            if f.read().strip() != "kairos":
                return None
        with open(f"/proc/{pid}/environ", "rb") as f:
            return dict(e.split(b"=", 1) for e in f.read().split(b"\0") if b"=" in e)
    except OSError:
        return None


def read_manifest(path):
    with open(path) as f:
        return json.load(f)


def write_manifest(path, m, sign=True):
    """Writes a manifest, by default with a checksum that matches its content
    (else with the checksum it was read with),
    as a hostile or buggy writer could (the checksum is XXH3-64 of the compact,
    key-sorted dump of every other field; write_seconds is made 0.5 so both
    JSON libraries print it alike)."""
    m = dict(m)
    if sign:
        m.pop("manifest_xxh3", None)
        m["write_seconds"] = 0.5
        body = json.dumps(m, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        m["manifest_xxh3"] = f"{xxh3_64(body.encode()):016x}"
    with open(path, "w") as f:
        json.dump(m, f, indent=1)


def xxh3_64(data):
    """XXH3-64, from the xxHash library the engine links."""
    lib = ctypes.CDLL("libxxhash.so.0")
    lib.XXH3_64bits.restype = ctypes.c_uint64
    lib.XXH3_64bits.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    return lib.XXH3_64bits(data, len(data))


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)
    print("ok: " + message)


class scratch:
    """A temporary directory, removed at the end unless KEEP is set."""

    def __enter__(self):
        self.path = tempfile.mkdtemp(prefix="kairos-ckpt-")
        return self.path

    def __exit__(self, *exc):
        if not os.environ.get("KEEP"):
            shutil.rmtree(self.path, ignore_errors=True)
