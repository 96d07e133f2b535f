"""The supervision loop: start the run, watch it, and after ranks die, drop
the lost nodes and resume from the newest usable checkpoint on the others."""

import json
import math
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import deque

from . import launchers, liveness, watchdog
from .launchers import KAIROS_STATUSES

FINISHED, STOPPED, GAVE_UP = 0, 5, 6   # our own exit statuses beside kairos's 1-4


class Attempt:
    """One launch of kairos: its output, forwarded line by line and read for
    the facts the supervisor needs."""

    def __init__(self, command, on_checkpoint_cost, environment=None, show_progress=True, ranks_heard=None):
        self.started = time.time()
        self.ranks_heard = ranks_heard              # the ranks' own line to us (liveness.Liveness), or None
        self.rank_losses = None                     # the ranks found lost through it, once acted on
        self.last_sign_of_life = self.started   # the last line from kairos itself
        self.last_progress = None               # the last progress line, for the stall report
        self.show_progress = show_progress
        self.stalled = None                     # seconds of silence, once ended as stalled
        self._kill_at = None
        self.lines = deque(maxlen=4000)
        self.committed = []
        self.restarted_from = None
        self.restarted_at = None
        self.resumed_at = None                  # a restart's first tick, and the set-up before it
        self.setup_seconds = None
        self.done_line = None
        self.stopped_on_signal = False
        self.told_to_stop = False
        self.report = None          # the launcher's report, read once the attempt failed
        self._on_cost = on_checkpoint_cost
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                        errors="replace", start_new_session=True,
                                        env=dict(os.environ, **(environment or {})))
        self._readers = [threading.Thread(target=self._forward, args=(self.process.stdout, sys.stdout), daemon=True),
                         threading.Thread(target=self._forward, args=(self.process.stderr, sys.stderr), daemon=True)]
        for t in self._readers:
            t.start()

    def _forward(self, stream, to):
        for line in stream:
            if line.startswith("kairos:"):
                self.last_sign_of_life = time.time()
            if line.startswith("kairos: progress: "):
                self.last_progress = line[len("kairos: progress: "):].strip()
                if not self.show_progress:
                    continue   # asked for as a heartbeat, not by the user
            to.write(line)
            to.flush()
            self.lines.append(line)
            if m := re.match(r"kairos: checkpoint (\S+) committed: .* ([\d.]+) s \(", line):
                self.committed.append(m.group(1))
                self._on_cost(float(m.group(2)))
            elif m := re.match(r"kairos: restarting from (\S+) ", line):
                self.restarted_from, self.restarted_at = m.group(1), time.time()
            elif m := re.match(r"kairos: resumed from \S+ after ([\d.]+) s of set-up", line):
                self.resumed_at, self.setup_seconds = time.time(), float(m.group(1))
            elif line.startswith("kairos: done"):
                self.done_line = line.strip()
            elif line.startswith("kairos: stopped"):
                self.stopped_on_signal = True

    def wait(self, poll):
        """Waits for the end, calling poll() twenty times a second. The
        launcher's end is seen at once: the recovery starts from it."""
        while self.process.poll() is None:
            poll()
            if self._kill_at is not None and time.time() >= self._kill_at:
                watchdog.kill_session(self.process.pid)
            try:
                self.process.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                pass
        if self._kill_at is not None:
            # Ranks the launcher left behind (a stopped process outlives
            # SIGTERM) hold the output pipes open.
            watchdog.kill_session(self.process.pid)
        for t in self._readers:
            t.join()
        self.ended = time.time()
        return self.process.returncode

    def text(self):
        return "".join(self.lines)

    def end(self, grace=10):
        """Asks the launcher to end the ranks (SIGTERM), and kills what is
        left of its session on this host `grace` seconds later."""
        self.process.terminate()
        self._kill_at = time.time() + grace

    def close(self):
        if self.ranks_heard:
            self.ranks_heard.close()


class Supervisor:
    def __init__(self, options, nodes, launcher, journal):
        self.o = options
        self.launcher = launcher
        self.journal = journal
        self.active = [n for n in nodes if not n.spare]
        self.spares = [n for n in nodes if n.spare]
        self.lost = []
        self.recoveries = 0
        self.ever_committed = []
        self.first_ranks = None
        self.stop_asked = None      # why we asked the run to stop: "time limit", "SIGTERM", ...
        self.signals_seen = 0
        self.attempt = None
        self.watchdog = watchdog.Watchdog(options.stall_timeout, options.deadline)
        runs_here = options.virtual or any(n.name in launchers.this_host_names() for n in nodes)
        self.environment = dict(launcher.environment(), **launchers.mpi_start_settings(runs_here))
        if "OMPI_MCA_pml" in self.environment:
            journal.say("no high-speed network adapter on this host: Open MPI's cm PML left out "
                        "(OMPI_MCA_pml=^cm, a faster MPI start-up; set OMPI_MCA_pml or OMPI_MCA_mtl to choose)")
        self.stalled_before = False  # the previous attempt ended stalled

    # -- signals -------------------------------------------------------
    def install_signal_handlers(self):
        for s in (signal.SIGTERM, signal.SIGUSR1, signal.SIGINT):
            signal.signal(s, self._on_signal)

    def _on_signal(self, number, _frame):
        self.signals_seen += 1
        name = signal.Signals(number).name
        if self.signals_seen > 1 and number == signal.SIGINT and self.attempt:
            self.attempt.process.terminate()   # a second Ctrl-C: the launcher ends the ranks now
        self.stop_asked = self.stop_asked or name

    def _poll(self):
        self._watch_for_lost_ranks()
        self._watch_for_stall()
        if self.o.deadline.due() and not self.stop_asked:
            self.stop_asked = "time limit"
            self.journal.say(f"the job's time limit is {self.o.deadline.end - time.time():.0f} s away (margin "
                             f"{self.o.deadline.margin():.0f} s): asking the run to checkpoint and stop")
        if self.stop_asked and not self.attempt.told_to_stop:
            self.attempt.told_to_stop = True
            # SIGUSR1: every launcher forwards it to the ranks, which
            # checkpoint at the next tick boundary and exit 0.
            self.attempt.process.send_signal(signal.SIGUSR1)

    def _watch_for_lost_ranks(self):
        """Ends the run as soon as a rank's own line says it is lost, unless a
        rank said it fails on its own (kairos's verdict, which the launcher
        brings with the abort that takes the others down)."""
        a = self.attempt
        if not a.ranks_heard or a.rank_losses is not None or a.stalled is not None:
            return
        losses = a.ranks_heard.losses()
        if not losses or a.ranks_heard.ending_on_its_own():
            return
        a.rank_losses, first = losses, losses[0]
        node_of = self._node_of_rank()
        for loss in a.rank_losses:
            loss.host = node_of(loss.rank, loss.host)
        described = "; ".join(_describe(loss) for loss in a.rank_losses)
        self.journal.record("rank lost", ranks=[loss.rank for loss in a.rank_losses],
                            nodes=sorted({loss.host for loss in a.rank_losses}),
                            how=[loss.how for loss in a.rank_losses],
                            silent_seconds=[loss.silent_seconds for loss in a.rank_losses])
        self.journal.say(f"{described}: ending the run's other ranks")
        a.ranks_heard.stop_others(f"kairos-launch lost rank {first.rank} on {first.host} ({first.how}); "
                                  f"it resumes the run from the newest usable checkpoint")
        # The ranks exit on their own word; a launcher still waiting for a
        # node the batch system has not yet declared down is not waited for.
        a.end(grace=2)

    def _node_of_rank(self):
        """rank, name the rank gave -> the name of the node the rank was
        placed on: by the layout for virtual nodes (their ranks share one
        host), else the rank's own name, matched to a node named without
        or with its domain."""
        used, per_node, _ = self._layout()

        def node_of(rank, said):
            if self.o.virtual:
                return used[rank // per_node].name if rank // per_node < len(used) else said
            for n in used:
                if said == n.name or said.split(".")[0] == n.name.split(".")[0]:
                    return n.name
            return said
        return node_of

    def _watch_for_stall(self):
        a = self.attempt
        if a.stalled is not None or a.rank_losses is not None:
            return
        silence = self.watchdog.stalled_for(a.last_sign_of_life)
        if silence is None:
            return
        a.stalled = silence
        last = a.last_progress or "none yet"
        self.journal.record("stalled", silent_seconds=round(silence, 1), limit_seconds=self.watchdog.limit(),
                            last_progress=a.last_progress)
        self.journal.say(f"nothing from the run for {silence:.0f} s (limit {self.watchdog.limit():.0f} s: "
                         f"--stall-timeout, or 3x the longest checkpoint if more; last progress: {last}): the run "
                         f"is stalled, ending it")
        a.end()

    # -- what to launch ------------------------------------------------
    def _layout(self):
        """(nodes used, ranks per node, ranks) for the next launch: every
        slot of the active nodes, or, with --rank-policy same, the first
        launch's rank count spread over the nodes left."""
        if self.o.rank_policy == "same" and self.first_ranks:
            per_node = math.ceil(self.first_ranks / len(self.active))
            used = self.active[:math.ceil(self.first_ranks / per_node)]
            return used, per_node, self.first_ranks
        return self.active, self.o.ranks_per_node, len(self.active) * self.o.ranks_per_node

    def _node_flags(self, used, per_node):
        # Every node writes to STORAGE/<its name>, whatever its kind, so a
        # node keeps its checkpoints when the run resumes on other nodes.
        flags = ["--checkpoint-dir", str(self.o.storage / "{host}")]
        if self.o.virtual:
            flags += ["--ranks-per-node", str(per_node), "--node-names", ",".join(n.name for n in used)]
        return flags

    def _have_checkpoint(self):
        if self.ever_committed:
            return True
        # From an earlier job (requeued, or started again): any committed
        # checkpoint this host can see.
        return any(self.o.storage.glob("*/ckpt-*/manifest.json"))

    def _command(self, resume, heard=None):
        used, per_node, ranks = self._layout()
        kairos = [self.o.kairos]
        if resume:
            # Restart reads every node directory under STORAGE that this
            # rank sees; a lost node's storage is gone with it.
            kairos += ["restart", str(self.o.storage), *restart_flags(self.o.kairos_args)]
        else:
            kairos += ["run", self.o.scenario, "--output", str(self.o.output), *self.o.kairos_args]
        # The supervisor reads the checkpoint logger's lines (a checkpoint's
        # cost, the one a restart resumed from): last, so that no --quiet or
        # --log-level among the user's flags hides them.
        kairos += ["--log-level", "checkpoint=info"]
        wanted = self._user_progress_every()
        if self.watchdog.timeout and (wanted is None or wanted > self.watchdog.progress_interval()):
            # The heartbeat: taken last, so it replaces a rarer one of the
            # user's (a more frequent one serves as well).
            kairos += ["--progress-every", f"{self.watchdog.progress_interval():g}"]
        kairos += self._node_flags(used, per_node)
        exports = []
        if heard:
            kairos += ["--supervisor", heard.address, "--supervisor-beat", f"{heard.beat_interval():g}"]
            exports.append(liveness.TOKEN_VARIABLE)
        command = self.launcher.command(used, per_node, ranks, kairos, self.journal.path.parent, exports)
        return command, used, per_node, ranks

    # -- the loop ------------------------------------------------------
    def run(self):
        if (self.o.output / "summary.json").exists():
            digest = json.loads((self.o.output / "summary.json").read_text()).get("digest", "?")
            self.journal.say(f"{self.o.output} already holds the results of a finished run (digest={digest}); "
                             f"nothing to do (remove it to run again)")
            return FINISHED
        resume = self._have_checkpoint()
        if resume:
            self.journal.say(f"committed checkpoints found under {self.o.storage}: resuming from the newest usable one")
        while True:
            heard = liveness.Liveness(self.o.supervisor_address, self.o.rank_timeout) if self.o.rank_timeout else None
            command, used, per_node, ranks = self._command(resume, heard)
            self.first_ranks = self.first_ranks or ranks
            environment = dict(self.environment, **({liveness.TOKEN_VARIABLE: heard.token} if heard else {}))
            self.attempt = Attempt(command, self._checkpoint_cost, environment,
                                   show_progress=self._user_wants_progress(), ranks_heard=heard)
            self.journal.state(attempt=self.recoveries, launcher_pid=self.attempt.process.pid, ranks=ranks,
                               ranks_per_node=per_node, resumed=resume, command=command,
                               nodes=[{"name": n.name, "ranks": list(range(i * per_node, min(ranks, (i + 1) * per_node))),
                                       "storage": str(n.storage) if n.storage else None} for i, n in enumerate(used)],
                               spares=[n.name for n in self.spares], lost=[n.name for n in self.lost])
            self.journal.record("launched", ranks=ranks, nodes=[n.name for n in used], resume=resume,
                                command=command)
            try:
                rc = self.attempt.wait(self._poll)
            finally:
                self.attempt.close()
            self.ever_committed += self.attempt.committed
            if resume and self.attempt.restarted_from:
                self._record_resumption(ranks)
            verdict = self._verdict(rc)
            if verdict is not None:
                return verdict
            outcome = self._recover(rc)
            if outcome is not None:
                return outcome
            resume = self._have_checkpoint()

    def _record_resumption(self, ranks):
        """The journal's "resumed" event, stamped at the restart's first
        tick (when the checkpoint was found, if the run ended before its first
        tick). From the launch: `start_seconds` until kairos's set-up began
        (the launcher and MPI start-up), then `setup_seconds` (checkpoint
        search, shards read, actors rebuilt)."""
        a = self.attempt
        fields = {"checkpoint": a.restarted_from, "ranks": ranks}
        if a.resumed_at is not None:
            fields.update(start_seconds=round(max(0.0, a.resumed_at - a.started - a.setup_seconds), 3),
                          setup_seconds=a.setup_seconds)
        self.journal.record("resumed", at=a.resumed_at or a.restarted_at, **fields)

    def _user_wants_progress(self):
        return "--progress" in self.o.kairos_args or self._user_progress_every() is not None

    def _user_progress_every(self):
        """The --progress-every among the user's kairos flags (the last
        one, as kairos takes it), or None."""
        found, args = None, self.o.kairos_args
        for i, a in enumerate(args):
            if a.startswith("--progress-every="):
                value = a.split("=", 1)[1]
            elif a == "--progress-every" and i + 1 < len(args):
                value = args[i + 1]
            else:
                continue
            try:
                found = float(value)
            except ValueError:
                pass   # kairos itself refuses it, naming the flag
        return found

    def _checkpoint_cost(self, seconds):
        self.o.deadline.checkpoint_seconds = max(self.o.deadline.checkpoint_seconds, seconds)

    def _verdict(self, rc):
        """The end of the supervision, if this attempt decides it."""
        a = self.attempt
        if rc == 0 and a.done_line:
            self.journal.record("finished", recoveries=self.recoveries, summary=a.done_line)
            self.journal.say(f"finished after {self.recoveries} recovery(ies): {a.done_line}")
            return FINISHED
        if a.stopped_on_signal and (rc == 0 or self.stop_asked):
            why = self.stop_asked or "a signal to the ranks"
            self.journal.record("stopped", reason=why, checkpoints=a.committed[-1:] or None)
            if self.o.requeue and why != "SIGINT":   # the time limit, its warning, or preemption
                problem = self.o.requeue_fn()
                if problem:
                    self.journal.say(f"could not requeue the job: {problem}")
                else:
                    self.journal.say("requeued: the next start of this job resumes from the checkpoint just taken")
            self.journal.say(f"stopped on {why} after a checkpoint; the same kairos-launch command resumes the run")
            return STOPPED
        if self.stop_asked and rc != 0:
            self.journal.say(f"stopped on {self.stop_asked}; the run ended with status {rc} before it could "
                             f"checkpoint. The same kairos-launch command resumes from the last committed checkpoint")
            self.journal.record("stopped", reason=self.stop_asked, status=rc)
            return STOPPED
        report = a.report = self.launcher.parse(a.text())
        code = report.kairos_verdict(rc)
        if code is not None:
            self.journal.record("failed", status=code, why=KAIROS_STATUSES[code], error=report.kairos_error)
            self.journal.say(f"the run failed with status {code} ({KAIROS_STATUSES[code]}); not retried: "
                             f"{report.kairos_error}")
            return code
        if rc == 0:
            self.journal.say("the run exited 0 without its summary line; treating it as a failure")
        return None

    def _recover(self, rc):
        losses = self.attempt.rank_losses or []
        noticed = losses[0].at if losses else self.attempt.ended
        report = self.attempt.report
        report.dead_hosts |= {loss.host for loss in losses}
        probe_start = time.time()
        lost = launchers.probe_all(self.launcher, self.active, self.o.probe_timeout)
        probe_seconds = time.time() - probe_start
        kept = sorted(h for h in report.dead_hosts if h in {n.name for n in self.active} - {n.name for n in lost})
        self.recoveries += 1
        incident = {"incident": self.recoveries, "launcher_status": rc, "dead_ranks": sorted(report.dead_ranks),
                    "reported_hosts": sorted(report.dead_hosts), "lost": [n.name for n in lost],
                    "probe_seconds": round(probe_seconds, 3),
                    "noticed_after_seconds": round(noticed - self.attempt.started, 3)}
        if losses:
            incident["lost_ranks"] = [{"rank": loss.rank, "node": loss.host, "how": loss.how,
                                       "silent_seconds": loss.silent_seconds} for loss in losses]
        # A rank gone silent on a node that answers is a hang like a stall.
        stalled = self.attempt.stalled is not None or any(loss.how == "silent" for loss in losses)
        if self.attempt.stalled is not None:
            incident["stalled_seconds"] = round(self.attempt.stalled, 1)
        if self.recoveries > self.o.max_recoveries:
            self.journal.record("gave up", reason="too many recoveries", **incident)
            self.journal.say(f"the run failed again (status {rc}) after {self.o.max_recoveries} recoveries "
                             f"(--max-recoveries): giving up")
            return GAVE_UP
        if stalled and not lost and self.stalled_before and not self.attempt.committed:
            # Stalled again where it stalled before, with every node
            # answering: a hang that a restart repeats (a model that never
            # returns, a deadlock), not a failing node.
            self.journal.record("gave up", reason="stalled again", **incident)
            self.journal.say("the run stalled again with every node answering and no checkpoint committed since it "
                             "last stalled: a model that never returns or a deadlock repeats on every restart; "
                             "giving up")
            return GAVE_UP
        self.stalled_before = stalled
        for node in lost:
            self.active.remove(node)
            self.lost.append(node)
        taken = []
        while self.spares and len(taken) < len(lost):
            taken.append(self.spares.pop(0))
        self.active += taken
        if len(self.active) < self.o.min_nodes:
            self.journal.record("gave up", reason="too few nodes", nodes_left=len(self.active), **incident)
            self.journal.say(f"only {len(self.active)} node(s) left ({', '.join(n.name for n in self.active) or 'none'})"
                             f", fewer than --min-nodes {self.o.min_nodes}: giving up")
            return GAVE_UP
        resume = self._have_checkpoint()
        used, _, ranks = self._layout()
        self.journal.record("incident", spares_used=[n.name for n in taken], nodes=[n.name for n in used],
                            ranks=ranks, resume_from="newest usable checkpoint" if resume else "the start",
                            **incident)
        if self.attempt.stalled is not None:
            what = f"the run stalled ({self.attempt.stalled:.0f} s without a word)"
        elif losses:
            what = "; ".join(_describe(loss) for loss in losses)
        elif report.dead_ranks:
            what = f"ranks {','.join(map(str, sorted(report.dead_ranks)))} died"
        else:
            what = f"the launcher exited with status {rc}"
        self.journal.say(
            f"incident {self.recoveries} at {time.strftime('%H:%M:%S')}: {what}; lost node(s): "
            f"{', '.join(n.name for n in lost) or 'none'}"
            + (f" (reported {', '.join(kept)} still answers: kept)" if kept else "")
            + (f"; spare(s) {', '.join(n.name for n in taken)} brought in" if taken else "")
            + f"; resuming on {ranks} rank(s) over {len(used)} node(s) from "
            + ("the newest usable checkpoint" if resume else "the start (no checkpoint committed yet)"))
        return None


def _describe(loss):
    if loss.how == "closed":
        return f"rank {loss.rank} on {loss.host} is gone (its connection closed without an end)"
    return f"rank {loss.rank} on {loss.host} went silent ({loss.silent_seconds:.1f} s without a beat)"


def restart_flags(args):
    """The pass-through kairos flags that `kairos restart` also takes:
    everything but --set (the checkpoint holds the effective scenario)."""
    out, skipping = [], False
    for a in args:
        if a == "--set" or a.startswith("--set="):
            skipping = a == "--set"
            continue
        if skipping and not a.startswith("-"):
            continue
        skipping = False
        out.append(a)
    return out

