#!/usr/bin/python3
"""kairos-launch on virtual nodes: random node losses are survived, losses
beyond k and model errors end the supervision cleanly.

    supervised_losses.py KAIROS MPIEXEC KAIROS_LAUNCH MODE [--seed S]

MODE "losses": 6 virtual nodes (one of them a spare), k=2. Two or three times
at a random instant after the current launch has committed a checkpoint, 1
or 2 random nodes are lost at once: their ranks are frozen, their storage
deleted, then the ranks killed (a node dies with its disk). The supervisor
must name exactly those nodes as lost, bring the spare in after the first
loss, resume, and finish with the digest of the uninterrupted run.
MODE "one_loss": the same with 3 nodes (one a spare), k=1, and one loss of
one node.
MODE "beyond_k": 4 nodes, k=1; two neighbouring nodes are lost at once, so
one shard has no copy left: kairos restart exits 4, and so does the
supervisor, after one incident.
MODE "model_error": an actor throws; exit 1 after one launch, never retried.
MODE "stall": 3 virtual nodes, k=1; after a checkpoint, one node hangs (its
rank is frozen, its storage kept): nothing dies, the others wait for it.
The watchdog (--stall-timeout 5, with the ranks' own line to the supervisor
turned off: --rank-timeout 0) must end the run about 5 s later, find every
node answering, resume on the same 3 nodes and finish with the
uninterrupted run's digest.
MODE "silent": the same hang with the ranks' line on (--rank-timeout 2, the
watchdog far off): the frozen rank stops beating, and the supervisor must
name that rank and node as silent, end the run without waiting for the
launcher, find the node answering, and resume on the same 3 nodes to the
uninterrupted run's digest.
MODE "heartbeat": a 2-node run of about 5 s that writes nothing but its
progress lines (no checkpoints, --quiet) under --stall-timeout 1.5: it is
never taken for stalled, and the progress lines, which the user did not
ask for, stay out of the log.
MODE "model_hang": an actor never returns at tick 3000, after a checkpoint
at tick 1000: the run stalls, resumes from that checkpoint, stalls again
with no checkpoint between, and the supervisor gives up (exit 6).
MODE "time_limit": the job's end is 7 s away with a 3 s margin: the run
checkpoints and stops (exit 5); the same command then resumes it to the
uninterrupted run's digest.
Only this test's own processes are ever signalled.
"""
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "checkpoint"))
from harness import ENV, PHOLD, STARTED, Kairos, check, fail, phold, rank_pids, reference  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "launch"))
from kairos_launch import launchers  # noqa: E402

TIMEOUT = 400


class Supervised:
    """A kairos-launch process whose merged output is collected line by line
    with the time each line arrived."""

    def __init__(self, command, env):
        self.lines = []
        self.done_reading = False
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        errors="replace", env=env, start_new_session=True)
        STARTED.append(self.process)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append((time.time(), line))
            sys.stdout.write("  | " + line)
        self.done_reading = True

    def wait_for(self, pattern, after=0, timeout=TIMEOUT):
        """The index of the first line from `after` on matching pattern, or
        None if the supervisor ended first."""
        deadline = time.time() + timeout
        i = after
        while time.time() < deadline:
            while i < len(self.lines):
                if re.search(pattern, self.lines[i][1]):
                    return i
                i += 1
            if self.done_reading:
                return None
            time.sleep(0.05)
        fail(f"no line matching {pattern!r} within {timeout} s")

    def finish(self):
        try:
            self.process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            fail(f"kairos-launch still running after {TIMEOUT} s: killed")
        while not self.done_reading:
            time.sleep(0.05)
        return self.process.returncode

    def text(self):
        return "".join(line for _, line in self.lines)


class Job:
    def __init__(self, pid):
        self.pid = pid


def node_ranks(out, names):
    """The rank processes of the given virtual nodes in the current launch."""
    state = json.load(open(f"{out}/launch/state.json"))
    nodes = {n["name"]: n for n in state["nodes"]}
    ranks = {r for name in names for r in nodes[name]["ranks"]}
    pids = rank_pids(Job(state["launcher_pid"]), ranks)
    if len(pids) != len(ranks):
        fail(f"found {len(pids)} process(es) for ranks {sorted(ranks)} of nodes {names}")
    return pids, nodes


def lose(out, names):
    """Kills the given virtual nodes of the current launch with their disks.
    Returns the instant of the kill."""
    pids, nodes = node_ranks(out, names)
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)   # frozen, so nothing more reaches its disk
    for name in names:
        shutil.rmtree(nodes[name]["storage"])
    killed = time.time()
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    return killed


def journal(out):
    with open(f"{out}/launch/incidents.jsonl") as f:
        return [json.loads(line) for line in f]


def supervise(launch, out, scenario, nodes, spares, kairos_args, env):
    # Ranks beyond the cores: Open MPI allows them through the environment
    # (harness.ENV), MPICH's Hydra by itself; other flags come from CMake.
    preflags = os.environ.get("KAIROS_MPIEXEC_PREFLAGS", "")
    return Supervised([*launch, "--virtual-nodes", str(nodes), "--spares", str(spares), "--ranks-per-node", "1",
                       f"--launcher-args={preflags}", "--max-recoveries", "4", "--output", out, scenario,
                       "--", *kairos_args], env)


def losses(k, launch, env, tmp, rng, nodes=6, replicas=2, events=None, budget=4, end=6000):
    """`nodes` virtual nodes, the last a spare; `events` loss events (2 or 3
    when not given), losing `budget` nodes at most in all; PHOLD to `end`."""
    sets = phold(end, lps=256)
    expected = reference(k, PHOLD, sets, f"{tmp}/reference")
    out = f"{tmp}/supervised"
    # --quiet: the supervisor still sees each checkpoint and resumption.
    run = supervise(launch, out, PHOLD, nodes, 1,
                    [*sets, "--replicas", str(replicas), "--checkpoint-every", "30000", "--quiet"], env)
    events = events or rng.randint(2, 3)
    killed_sets, detections = [], []
    launched = 0
    for event in range(events):
        # A checkpoint of the current launch, then a random instant.
        launched = run.wait_for(r"^kairos-launch: (incident|finished)|^kairos: checkpoint \S+ committed", launched)
        if launched is None or "finished" in run.lines[launched][1]:
            fail("the run finished before every planned loss happened: make it longer")
        time.sleep(rng.uniform(0, 1.5))
        state = json.load(open(f"{out}/launch/state.json"))
        later = events - event - 1          # each later event must still lose a node
        count = rng.randint(1, min(2, budget - later))
        names = sorted(rng.sample([n["name"] for n in state["nodes"]], count))
        budget -= count
        print(f"loss {event + 1}: {names} (ranks {[n['ranks'] for n in state['nodes'] if n['name'] in names]})")
        killed = lose(out, names)
        noticed = run.wait_for(r"^kairos-launch: incident", launched)
        if noticed is None:
            fail(f"no incident reported after losing {names}")
        detections.append(run.lines[noticed][0] - killed)
        killed_sets.append(names)
        launched = noticed + 1
    rc = run.finish()
    check(rc == 0, f"kairos-launch finished with status 0 after {events} loss events (got {rc})")
    got = re.findall(r"kairos-launch: finished .*digest=([0-9a-f]+)", run.text())
    check(got == [expected], f"the supervised run's digest equals the uninterrupted run's ({got} vs {expected})")
    incidents = [e for e in journal(out) if e["event"] == "incident"]
    check([sorted(e["lost"]) for e in incidents] == killed_sets,
          f"each incident names exactly the nodes lost: {[e['lost'] for e in incidents]}")
    check(incidents[0]["spares_used"] == [f"vnode{nodes - 1}"], "the spare is brought in after the first loss")
    check(incidents[0]["ranks"] == nodes - 1 - len(killed_sets[0]) + 1, "the first resumption uses every slot left")
    check(all(not {f"vnode{i}" for i in range(nodes)}.isdisjoint(e["nodes"]) for e in incidents),
          "journal names nodes")
    resumed = [e for e in journal(out) if e["event"] == "resumed"]
    check(len(resumed) == events, f"each resumption names the checkpoint used: {[e['checkpoint'] for e in resumed]}")
    check(all(e.get("setup_seconds", -1) >= 0 and e.get("start_seconds", -1) >= 0 for e in resumed),
          f"each resumption is stamped at its first tick, with its start-up and set-up times: {resumed}")
    # This host runs the ranks: Open MPI's cm PML is left out unless an
    # adapter it could drive is here or the user chose.
    leaves_cm_out = not launchers.fabric_adapters() and not {"OMPI_MCA_pml", "OMPI_MCA_mtl"} & env.keys()
    check(("cm PML left out" in run.text()) == leaves_cm_out,
          f"the cm PML is left out exactly where no adapter is (adapters: {launchers.fabric_adapters()})")
    print("detection + probe after each loss (s): " + ", ".join(f"{d:.2f}" for d in detections))


def one_loss(k, launch, env, tmp, rng):
    """The smallest recovery: 2 nodes and a spare, k=1, one node lost (for
    an MPI that busy-polls, where more ranks than cores crawl). Two ranks
    run PHOLD faster than five oversubscribed ones: a longer run, so that
    the loss comes before its end."""
    losses(k, launch, env, tmp, rng, nodes=3, replicas=1, events=1, budget=1, end=30000)


def beyond_k(k, launch, env, tmp, rng):
    del k, rng
    out = f"{tmp}/beyond"
    run = supervise(launch, out, PHOLD, 4, 0, [*phold(6000, lps=128), "--replicas", "1", "--checkpoint-every", "30000"],
                    env)
    if run.wait_for(r"^kairos: checkpoint \S+ committed") is None:
        fail("no checkpoint committed")
    lose(out, ["vnode1", "vnode2"])   # shard 1's copies were on nodes 1 and 2
    rc = run.finish()
    check(rc == 4, f"losing 2 neighbouring nodes with k=1 ends with status 4 (got {rc})")
    events = [e["event"] for e in journal(out)]
    check(events.count("incident") == 1 and events[-1] == "failed", f"one incident, then the restart's failure: {events}")
    check("has no intact copy" in run.text() or "no usable" in run.text(), "the restart says which shard is lost")


def model_error(k, launch, env, tmp, rng):
    del k, rng
    scenario = f"{tmp}/throws.toml"
    with open(scenario, "w") as f:
        f.write('[simulation]\nplugins = ["testkit"]\n[[actors]]\nclass = "test.thrower"\nparams = { at = 5 }\n')
    out = f"{tmp}/throws"
    rc = supervise(launch, out, scenario, 3, 0, ["--replicas", "1"], env).finish()
    check(rc == 1, f"a model error ends the supervision with status 1 (got {rc})")
    events = [e["event"] for e in journal(out)]
    check(events == ["launched", "failed"], f"launched once, never retried: {events}")


def hang_a_node(k, launch, env, tmp, rng, supervisor_flags, out):
    """Starts a supervised run on 3 virtual nodes and, after its first
    checkpoint, freezes a random node's rank (hung: alive, silent, its disk
    intact). Returns the run, the uninterrupted digest, the node's index and
    the instant it froze."""
    sets = phold(12000, lps=256)
    expected = reference(k, PHOLD, sets, f"{tmp}/reference")
    run = supervise([*launch, *supervisor_flags], out, PHOLD, 3, 0,
                    [*sets, "--replicas", "1", "--checkpoint-every", "30000", "--quiet"], env)
    if run.wait_for(r"^kairos: checkpoint \S+ committed") is None:
        fail("the run ended before its first checkpoint")
    time.sleep(rng.uniform(0, 1))
    index = rng.randrange(3)
    pids, _ = node_ranks(out, [f"vnode{index}"])
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    print(f"vnode{index} hangs")
    return run, expected, index, time.time()


def resumed_on_the_same_nodes(run, expected, out):
    """Checks the end of a run resumed after a hang; returns its incident."""
    rc = run.finish()
    check(rc == 0, f"kairos-launch finished with status 0 after the hang (got {rc})")
    got = re.findall(r"kairos-launch: finished .*digest=([0-9a-f]+)", run.text())
    check(got == [expected], f"the supervised run's digest equals the uninterrupted run's ({got} vs {expected})")
    events = journal(out)
    incidents = [e for e in events if e["event"] == "incident"]
    check(len(incidents) == 1 and incidents[0]["lost"] == [], f"one incident, no node lost: {incidents}")
    check(incidents[0]["nodes"] == ["vnode0", "vnode1", "vnode2"], "the run resumes on the same nodes")
    check(any(e["event"] == "resumed" for e in events), "from a checkpoint")
    return incidents[0], events


def stall(k, launch, env, tmp, rng):
    out = f"{tmp}/stalled"
    run, expected, _, frozen = hang_a_node(k, launch, env, tmp, rng, ["--stall-timeout", "5", "--rank-timeout", "0"],
                                           out)
    noticed = run.wait_for(r"^kairos-launch: nothing from the run for")
    if noticed is None:
        fail("the supervisor ended without reporting the stall")
    after = run.lines[noticed][0] - frozen
    # At most 5 s of silence plus one progress interval (0.5 s) and a poll.
    check(4.4 < after < 8, f"the stall is reported 5 s after the hang, give or take a progress line ({after:.2f} s)")
    incident, _ = resumed_on_the_same_nodes(run, expected, out)
    check("stalled_seconds" in incident, f"found by the watchdog: {incident}")


def silent(k, launch, env, tmp, rng):
    out = f"{tmp}/silent"
    run, expected, index, _ = hang_a_node(k, launch, env, tmp, rng, ["--stall-timeout", "300", "--rank-timeout", "2"],
                                          out)
    if run.wait_for(r"^kairos-launch: rank \d+ on vnode\d+ went silent") is None:
        fail("the supervisor ended without naming the silent rank")
    incident, events = resumed_on_the_same_nodes(run, expected, out)
    lost = [e for e in events if e["event"] == "rank lost"]
    check(len(lost) == 1 and lost[0]["ranks"] == [index] and lost[0]["nodes"] == [f"vnode{index}"]
          and lost[0]["how"] == ["silent"], f"the frozen rank, and it alone, is named silent: {lost}")
    check("stalled_seconds" not in incident and incident["lost_ranks"][0]["node"] == f"vnode{index}",
          f"the incident names the silent rank's node, not the watchdog's stall: {incident}")


def heartbeat(k, launch, env, tmp, rng):
    del rng
    sets = phold(30000, lps=512)
    expected = reference(k, PHOLD, sets, f"{tmp}/reference")
    out = f"{tmp}/heartbeat"
    run = supervise([*launch, "--stall-timeout", "1.5"], out, PHOLD, 2, 0, [*sets, "--quiet"], env)
    rc = run.finish()
    check(rc == 0, f"finished with status 0 (got {rc})")
    got = re.findall(r"kairos-launch: finished .*digest=([0-9a-f]+)", run.text())
    check(got == [expected], f"with the uninterrupted run's digest ({got} vs {expected})")
    events = [e["event"] for e in journal(out)]
    check(events == ["launched", "finished"], f"never taken for stalled: {events}")
    wall = float(re.search(r" wall=([\d.]+)s", run.text()).group(1))
    check(wall > 3, f"the run lasted at least twice the stall timeout ({wall:.1f} s)")
    check("kairos: progress:" not in run.text(), "the heartbeat's progress lines stay out of the log")


def model_hang(k, launch, env, tmp, rng):
    del k, rng
    scenario = f"{tmp}/hangs.toml"
    with open(scenario, "w") as f:
        f.write('[simulation]\nplugins = ["testkit"]\n'
                '[[actors]]\nclass = "test.sampler"\ncount = 4\nparams = { period = 1 }\n'
                '[[actors]]\nclass = "test.hangs"\nparams = { at = 3000 }\n')
    out = f"{tmp}/hangs"
    run = supervise([*launch, "--stall-timeout", "3"], out, scenario, 2, 0,
                    ["--replicas", "1", "--checkpoint-at", "1000"], env)
    rc = run.finish()
    check(rc == 6, f"a model that never returns ends the supervision with status 6 (got {rc})")
    events = [e["event"] for e in journal(out)]
    check(events == ["launched", "stalled", "incident", "launched", "stalled", "resumed", "gave up"],
          f"stalled, resumed from the checkpoint, stalled again, gave up: {events}")
    check("stalled again with every node answering" in run.text(), "the supervisor says why it gives up")


def time_limit(k, launch, env, tmp, rng):
    del rng
    # Long enough (about 12 s on 3 ranks of an idle 2-core machine) that
    # the stop, 4 s in, always comes first: at a third of this it once
    # finished in 2.9 s.
    sets = phold(12000, lps=256)
    expected = reference(k, PHOLD, sets, f"{tmp}/reference")
    out = f"{tmp}/limited"
    args = [*sets, "--replicas", "1", "--checkpoint-every", "10000000"]
    first = supervise([*launch, "--end-time", str(time.time() + 7), "--end-margin", "3"], out, PHOLD, 3, 0, args, env)
    rc = first.finish()
    check(rc == 5, f"stopped before the time limit with status 5 (got {rc})")
    check("asking the run to checkpoint and stop" in first.text() and "kairos: stopped after a checkpoint" in
          first.text(), "the supervisor asked for the stop and the run checkpointed")
    again = supervise(launch, out, PHOLD, 3, 0, args, env)
    check(again.finish() == 0, "the same command resumes the run to its end")
    got = re.findall(r"kairos-launch: finished .*digest=([0-9a-f]+)", again.text())
    check(got == [expected], f"with the uninterrupted run's digest ({got} vs {expected})")
    check("resuming from the newest usable one" in again.text(), "the second start resumed from the checkpoint")


def main():
    kairos, mpiexec, launch, mode = sys.argv[1:5]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else random.randrange(1 << 30)
    print(f"seed {seed} (replay with --seed {seed})")
    env = dict(ENV, MPIEXEC=mpiexec, KAIROS_PLUGIN_PATH=os.path.join(os.path.dirname(kairos), "..", "lib", "kairos"))
    with tempfile.TemporaryDirectory() as tmp:
        {"losses": losses, "one_loss": one_loss, "beyond_k": beyond_k, "model_error": model_error,
         "stall": stall, "silent": silent, "heartbeat": heartbeat, "model_hang": model_hang, "time_limit": time_limit}[mode](
            Kairos(kairos, mpiexec), [launch, "--kairos", kairos], env, tmp, random.Random(seed))


if __name__ == "__main__":
    main()
