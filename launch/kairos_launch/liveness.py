"""Hearing from every rank directly, so that a lost rank is noticed in
seconds whatever the launcher does.

When a node dies, the ranks left wait in a collective with its ranks, and
the launcher decides when the job has failed: mpirun at once for a rank
that dies on a live node, but srun only once Slurm declares the node down
(SlurmdTimeout: 300 s by default, 31 s in our test cluster with 10 s), and
mpirun across hosts after its daemons' own timeouts. Each rank of a
supervised run therefore keeps a TCP connection to the supervisor (kairos's
--supervisor; the protocol is in engine/src/cli/supervisor_link.hpp): a
rank's process that dies closes it (its kernel does), and a rank on a node
that dies or freezes stops beating. Either way the supervisor tells the other
ranks to exit and goes on with the recovery, without waiting for the launcher.
"""

import secrets
import selectors
import socket
import threading
import time
from dataclasses import dataclass

from .launchers import KAIROS_STATUSES

TOKEN_VARIABLE = "KAIROS_SUPERVISOR_TOKEN"   # read by kairos (engine/src/cli/supervisor_link.cpp)


@dataclass
class RankLine:
    """What one rank's connection has said."""
    rank: int
    pid: int
    host: str                  # its node's name as the rank sees it (Slurm's name, else the host name)
    last_heard: float
    ended: int | None = None   # the status of a rank that said it ends on its own
    closed: bool = False


@dataclass
class Loss:
    rank: int
    host: str
    how: str                   # "closed" (the process is gone) or "silent" (no beat for the timeout)
    silent_seconds: float
    at: float


class Liveness:
    """One launch's listening socket and the ranks connected to it. A thread
    reads every connection; the supervisor polls `losses()`."""

    def __init__(self, advertised_host, timeout):
        self.timeout = timeout
        self._server = socket.create_server(("", 0), family=socket.AF_INET6, dualstack_ipv6=True) \
            if socket.has_dualstack_ipv6() else socket.create_server(("", 0))
        self.address = f"{advertised_host}:{self._server.getsockname()[1]}"
        # Given to this launch's ranks in their environment (TOKEN_VARIABLE):
        # a hello without it is not one of our ranks and is ignored, so a
        # stray connection that says hello and closes is never a loss.
        self.token = secrets.token_hex(16)
        self._lock = threading.Lock()
        self._lines = {}           # socket -> RankLine (None until its hello)
        self._buffers = {}
        self._losses = []
        self._closing = False
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._server, selectors.EVENT_READ)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def beat_interval(self):
        """Seconds between a rank's beats: eight per timeout, so that a rank
        is taken for lost only after eight beats in a row went missing."""
        return min(1.0, max(0.05, self.timeout / 8))

    # -- what the supervisor asks --------------------------------------
    def losses(self):
        """The ranks lost so far, the first first."""
        with self._lock:
            return list(self._losses)

    def ending_on_its_own(self):
        """Whether a rank said it ends with one of kairos's failure statuses:
        kairos's own verdict is coming through the launcher, and ranks that
        the abort takes down are no loss."""
        with self._lock:
            return any(line.ended in KAIROS_STATUSES for line in self._lines.values() if line)

    def connected(self):
        with self._lock:
            return sum(1 for line in self._lines.values() if line)

    def stop_others(self, reason):
        """Tells every rank still connected to exit (status 7), giving the reason."""
        with self._lock:
            targets = [s for s, line in self._lines.items() if line and not line.closed and line.ended is None]
        for s in targets:
            try:
                s.sendall(f"stop {reason}\n".encode())
            except OSError:
                pass   # gone meanwhile: a loss of its own, already seen or about to be

    def close(self):
        self._closing = True
        self._thread.join()
        for key in list(self._selector.get_map().values()):
            key.fileobj.close()
        self._selector.close()

    # -- the reading thread --------------------------------------------
    def _serve(self):
        while not self._closing:
            for key, _ in self._selector.select(timeout=0.1):
                if key.fileobj is self._server:
                    self._accept()
                else:
                    self._read(key.fileobj)
            self._check_silence()

    def _accept(self):
        try:
            conn, _ = self._server.accept()
        except OSError:
            return
        conn.setblocking(False)
        with self._lock:
            self._lines[conn] = None
            self._buffers[conn] = b""
        self._selector.register(conn, selectors.EVENT_READ)

    def _read(self, conn):
        try:
            data = conn.recv(4096)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        now = time.time()
        with self._lock:
            line = self._lines[conn]
            if not data:
                self._selector.unregister(conn)
                if line and line.ended is None and not line.closed:
                    line.closed = True
                    self._losses.append(Loss(line.rank, line.host, "closed", round(now - line.last_heard, 3), now))
                elif line:
                    line.closed = True
                return
            self._buffers[conn] += data
            *complete, self._buffers[conn] = self._buffers[conn].split(b"\n")
            for text in complete:
                words = text.decode(errors="replace").split()
                if words[:1] == ["hello"] and len(words) == 5 and words[1].isdigit() and words[2].isdigit() \
                        and words[4] == self.token and line is None:
                    line = self._lines[conn] = RankLine(int(words[1]), int(words[2]), words[3], now)
                elif line and words[:1] == ["end"] and len(words) == 2 and words[1].isdigit():
                    line.ended = int(words[1])
                if line:
                    line.last_heard = now

    def _check_silence(self):
        if not self.timeout:
            return
        now = time.time()
        with self._lock:
            for line in self._lines.values():
                if line and not line.closed and line.ended is None and now - line.last_heard > self.timeout \
                        and not any(loss.rank == line.rank for loss in self._losses):
                    self._losses.append(Loss(line.rank, line.host, "silent", round(now - line.last_heard, 3), now))
