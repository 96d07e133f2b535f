#!/usr/bin/python3
"""The line between each rank and its supervisor (kairos --supervisor, read
by kairos-launch's liveness module), exercised with real kairos processes:

    rank_liveness.py KAIROS MPIEXEC

- hellos without the launch's token (kairos-launch gives it to its ranks in
  KAIROS_SUPERVISOR_TOKEN) are ignored, and a stranger that closes is no loss;
- a run that finishes says hello, beats, says "end 0", and is never lost;
- a run that fails on its own says "end 2" (a scenario error): the
  supervisor must leave the verdict to the launcher;
- a rank killed with SIGKILL is lost as "closed", a rank frozen with SIGSTOP
  as "silent" once the timeout has passed;
- "stop REASON" ends every rank of a 2-rank run at once with status 7 and
  the reason on stderr, though the ranks are busy simulating;
- a supervisor that cannot be reached costs a warning, not the run;
  an address that is not HOST:PORT is a usage error (status 2).
"""
import os
import signal
import socket
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "checkpoint"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "launch"))
from harness import PHOLD, Kairos, check, fail, phold  # noqa: E402
from kairos_launch.liveness import TOKEN_VARIABLE, Liveness  # noqa: E402

LONG = phold(2_000_000, lps=256)   # minutes of simulation: ended by the test


def wait_until(condition, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.05)
    fail(f"{what}: not within {seconds} s")


def supervised(heard, beat=0.1):
    return ["--supervisor", heard.address, "--supervisor-beat", str(beat)]


def token(heard):
    """The environment kairos-launch gives its ranks: this launch's token."""
    return {TOKEN_VARIABLE: heard.token}


def strangers(heard):
    """Connections that say hello without this launch's token, then close:
    none of them is a rank, so none may be taken for a lost one."""
    port = int(heard.address.rsplit(":", 1)[1])
    for hello in ("hello 0 1 nowhere\n", "hello 0 1 nowhere 0123456789abcdef0123456789abcdef\n",
                  f"hello 0 1 nowhere {heard.token}x\n"):
        with socket.create_connection(("127.0.0.1", port)) as stray:
            stray.sendall(hello.encode())
    time.sleep(0.3)
    check(heard.connected() == 0 and heard.losses() == [],
          f"hellos without the launch's token are ignored, and their closing is no loss ({heard.losses()})")


def finishes(k, tmp):
    heard = Liveness("127.0.0.1", timeout=2)
    strangers(heard)
    result = k.run(0, ["run", PHOLD, *phold(300), "--output", f"{tmp}/fine", *supervised(heard)], env=token(heard))
    time.sleep(0.3)   # the reading thread sees the end of the connection
    check(heard.connected() == 1, "the rank said hello")
    check(heard.losses() == [], f"a run that finishes is never lost ({heard.losses()})")
    check(not heard.ending_on_its_own(), "status 0 is no failure")
    check("digest=" in result.stdout, "and it ran to its end")
    heard.close()


def fails_on_its_own(k, tmp):
    heard = Liveness("127.0.0.1", timeout=2)
    result = k.run(0, ["run", PHOLD, "--set", "phold.lps=-3", "--output", f"{tmp}/bad", *supervised(heard)],
                   env=token(heard), check=False)
    time.sleep(0.3)
    check(result.returncode == 2, f"a scenario error exits 2 (got {result.returncode})")
    check(heard.ending_on_its_own(), "the rank said it ends with status 2 before it went")
    check(heard.losses() == [], "and is not taken for lost")
    heard.close()


def killed_and_frozen(k, tmp):
    for how, sig in (("closed", signal.SIGKILL), ("silent", signal.SIGSTOP)):
        heard = Liveness("127.0.0.1", timeout=1.5)
        job = k.start(0, ["run", PHOLD, *LONG, "--output", f"{tmp}/{how}", *supervised(heard)], env=token(heard))
        wait_until(lambda: heard.connected() == 1, 30, "the rank connects")
        time.sleep(2)   # beats keep a busy rank alive well past the timeout
        check(heard.losses() == [], "a busy rank that beats is not lost")
        os.kill(job.pid, sig)
        lost_at = time.time()
        wait_until(lambda: heard.losses(), 10, f"the {how} rank is found lost")
        loss = heard.losses()[0]
        check(loss.how == how and loss.rank == 0 and loss.host, f"lost as {how}, rank 0 with its host: {loss}")
        if how == "silent":
            check(loss.silent_seconds >= 1.5 and loss.at - lost_at >= 1.2,
                  f"only once the timeout has passed ({loss.silent_seconds} s of silence)")
        os.kill(job.pid, signal.SIGKILL)
        job.wait()
        heard.close()


def told_to_stop(k, tmp):
    heard = Liveness("127.0.0.1", timeout=5)
    job = k.start(2, ["run", PHOLD, *LONG, "--output", f"{tmp}/stop", *supervised(heard)], env=token(heard))
    wait_until(lambda: heard.connected() == 2, 60, "both ranks connect")
    heard.stop_others("rank 9 on nowhere was lost (test)")
    try:
        _, err = job.communicate(timeout=30)
    except Exception:
        fail("the ranks did not end within 30 s of being told to stop")
    # Both ranks are told at once; the launcher may kill the second as the
    # first exits, before it has printed.
    check(err.count("kairos: ending: rank 9 on nowhere was lost (test)") >= 1, f"the ranks say why:\n{err}")
    check("kairos: error:" not in err, "and no rank reports an error of its own")
    check(job.returncode != 0, f"the launcher reports the ranks' status 7 as a failure (got {job.returncode})")
    heard.close()


def unreachable(k, tmp):
    # A port nobody listens on: take one from a listener, then close it.
    heard = Liveness("127.0.0.1", timeout=2)
    address = heard.address
    heard.close()
    result = k.run(0, ["run", PHOLD, *phold(300), "--output", f"{tmp}/alone", "--supervisor", address])
    check("cannot reach its supervisor at " + address in result.stderr, f"a warning names the address:\n{result.stderr}")
    check("digest=" in result.stdout, "and the run goes on to its end")
    bad = k.run(0, ["run", PHOLD, *phold(300), "--output", f"{tmp}/bad-address", "--supervisor", "no-port"],
                check=False)
    check(bad.returncode == 2 and "--supervisor: 'no-port' is not HOST:PORT" in bad.stderr,
          f"an address without a port is a usage error (status {bad.returncode}):\n{bad.stderr}")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    k = Kairos(sys.argv[1], sys.argv[2])
    with tempfile.TemporaryDirectory() as tmp:
        finishes(k, tmp)
        fails_on_its_own(k, tmp)
        killed_and_frozen(k, tmp)
        told_to_stop(k, tmp)
        unreachable(k, tmp)
    print("PASS")


if __name__ == "__main__":
    main()
