#!/usr/bin/python3
"""Scenario fuzzer: mutated shipped scenarios and --set values must end with
exit 0 (a valid scenario that runs) or 2 (a scenario error), or 3 (a plugin
named that does not exist); never a signal, a sanitizer report, exit 1 or a
hang. The one exit 1 expected: a mutated simulation.lookahead longer than the
model's latencies, which the engine finds when a message breaks it.

    scenario_fuzz.py KAIROS SCENARIO_DIR [--count N] [--seed S] [--long] [--budget SECONDS]

First the known hostile inputs (each must be refused with exit 2 and the
message given), then random mutations. The seed is printed; the same seed
replays the same cases. Each case runs on one process with the scenario
shrunk to a second or less (the mutations may grow it again: a case still
running after its time limit is counted as slow, not failed, since a large
valid scenario is allowed to take long).
"""
import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

# Overrides that keep each shipped scenario small; mutations come after
# them, so they can still change any key.
SHRINK = {
    "phold.toml": ["phold.end=20", "phold.lps=256"],
    "life.toml": ["simulation.stop_tick=100", "actors.1.count=50", "actors.0.params.initial_population=50"],
    "soda-benchmark.toml": ["simulation.stop_tick=300", "actors.2.count=20", "actors.3.count=20", "actors.4.count=20"],
    "soda-large.toml": ["simulation.stop_tick=300", "actors.0.count=20", "actors.1.count=40"],
    "soda-deterministic.toml": [],
    "grid.toml": ['simulation.stop="1h"', "actors.1.count=3", "actors.2.count=30"],
}

# Known hostile inputs: (scenario, --set values, fragment of the message).
# Populations are refused when they cannot fit this machine's memory, so the
# ones here are far beyond any machine (10^15 actors of 32 bytes is 29 PiB):
# 2^32 PHOLD LPs, once here, fit a machine of 128 GiB and ran there.
KNOWN = [
    ("phold.toml", [".".join(["a"] * 5000) + "=1"], "more than 256 key components"),
    ("soda-deterministic.toml", ["actors.1.count=1000000000000000"], "actors[1]"),
    ("phold.toml", ["phold.lps=1000000000000000"], "cannot fit"),
    ("phold.toml", ["simulation.stop=9007199254740993"], "simulation.stop: too large to be exact"),
    ("soda-benchmark.toml",
     ['actors.2.params.cost={ law = "uniform_int", min = -1e18, max = 1e18 }'],
     "uniform_int bounds"),
    ("soda-deterministic.toml", ['actors.0.names=["a/b", "c"]'], "contains '/'"),
    ("soda-deterministic.toml", ["simulation.stop=1e300"], "simulation.stop"),
    ("phold.toml", ["simulation.tick=0.0"], "simulation.tick"),
    # Found by the fuzzer (seed 7, cases 1385 and 45): model parameters a model must check itself.
    ("phold.toml", ["phold.ticks_per_unit=9223372036854775807"], "ticks_per_unit is beyond 2^62 ticks"),
    ("phold.toml", ["phold.mean=1e300", "phold.end=1e-200"], "event delays would overflow"),
    ("soda-benchmark.toml", ["actors.2.group=other", "actors.4.group=machines"],
     "names actors of class 'soda.customer' (actors[4]), where actors of class 'soda.machine' are needed"),
    # Found by the fuzzer (seed 3966824779, case 49): a constructor's own check, refused with init.reject.
    ("life.toml", ["actors.0.params.report_every=0"], "actors[0].params.report_every: must be >= 1"),
]

EXTREMES = ["0", "-1", "1", "2", "-9223372036854775808", "9223372036854775807", "18446744073709551616",
            "9007199254740993", "1e308", "-1e308", "nan", "inf", "-inf", "0.5", "1e-320", '""', '"/"', '"a/b"',
            '"x"', "[]", "[1, 2]", "{}", "true", '"1ms"', '"0s"', '"-5s"', '"1e400s"', '"100Hz"', '"0Hz"',
            '{ law = "uniform_int", min = -9007199254740992, max = 9007199254740992 }',
            '{ law = "gaussian", mean = 1e308, stddev = 1e308 }', '{ law = "exponential", mean = -1 }',
            '{ law = "uniform", min = 5, max = 1 }', '{ law = "nope" }', '"' + "x" * 3000 + '"']


def keys_of(text):
    """Dotted keys a --set can name, read from the scenario text (tables,
    [[actors]] blocks by index, and inline-table members one level down)."""
    keys, table, block = [], "", -1
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("[["):
            block += 1
            table = f"actors.{block}"
        elif line.startswith("["):
            table = line.strip("[] ")
        elif "=" in line:
            key, value = (p.strip() for p in line.split("=", 1))
            keys.append(f"{table}.{key}" if table else key)
            for inner in re.findall(r"(\w+)\s*=", value):
                keys.append(f"{table}.{key}.{inner}" if table else f"{key}.{inner}")
    return keys


def mutate_text(rng, text):
    lines = text.splitlines(keepends=True)
    kind = rng.choice(["flip", "delete_line", "duplicate_line", "number", "truncate", "swap_lines", "insert"])
    if kind == "flip" and text:
        i = rng.randrange(len(text))
        return text[:i] + chr(rng.choice([ord(c) for c in "[]{}=\"'#.,\n 0x-9azZ\\"])) + text[i + 1:], kind
    if kind == "delete_line" and lines:
        del lines[rng.randrange(len(lines))]
    elif kind == "duplicate_line" and lines:
        i = rng.randrange(len(lines))
        lines.insert(i, lines[i])
    elif kind == "swap_lines" and len(lines) > 1:
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "number":
        numbers = list(re.finditer(r"-?\d+(\.\d+)?", text))
        if numbers:
            m = rng.choice(numbers)
            return text[:m.start()] + rng.choice(EXTREMES) + text[m.end():], kind
    elif kind == "truncate":
        return text[:rng.randrange(len(text) + 1)], kind
    elif kind == "insert" and lines:
        lines.insert(rng.randrange(len(lines) + 1), rng.choice(["[[actors]]\n", "[simulation]\n", "x = 1\n",
                                                                 "count = 5\n", "[phold]\n", "]]\n", "\x00\n"]))
    return "".join(lines), kind


def run_case(kairos, scenario, sets, out, timeout):
    cmd = [kairos, "run", scenario, "--output", out]
    for s in sets:
        cmd += ["--set", s]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, ""
    return r.returncode, r.stderr


def lookahead_broken(code, stderr):
    """A mutated simulation.lookahead that the model does not honour: found
    at run time, when a message breaks it (exit 1, naming the rule)."""
    return code == 1 and "(simulation.lookahead = " in stderr and "a timed message between placement groups" in stderr


def sanitizer_report(stderr):
    return "ERROR: AddressSanitizer" in stderr or "runtime error:" in stderr or "ERROR: LeakSanitizer" in stderr


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kairos")
    parser.add_argument("scenarios")
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--long", action="store_true", help="2,000 cases and a 60-minute budget")
    parser.add_argument("--budget", type=float, default=240, help="seconds for the random cases")
    parser.add_argument("--timeout", type=float, default=20, help="seconds per case")
    parser.add_argument("--only", type=int, default=None, help="replay only this random case of the seed")
    args = parser.parse_args()
    if args.long:
        args.count, args.budget = max(args.count, 2000), max(args.budget, 3600)
    seed = args.seed if args.seed is not None else random.randrange(1 << 32)
    print(f"scenario fuzzer: seed {seed} (replay with --seed {seed}), up to {args.count} random cases")
    rng = random.Random(seed)
    failures, tally = [], {}
    work = tempfile.mkdtemp(prefix="kairos-fuzz-")
    try:
        for name, sets, fragment in KNOWN if args.only is None else []:
            code, err = run_case(args.kairos, os.path.join(args.scenarios, name), SHRINK[name] + sets,
                                 f"{work}/known", args.timeout)
            ok = code == 2 and fragment in err and not sanitizer_report(err)
            print(f"{'ok' if ok else 'FAIL'}: known input {name} {sets[0][:60]}: exit {code}, "
                  f"{err.strip().splitlines()[-1][:160] if err.strip() else ''}")
            if not ok:
                failures.append(f"known input {name} {sets[0][:80]}: exit {code}\n{err[-2000:]}")

        started = time.time()
        for case in range(args.count):
            if time.time() - started > args.budget:
                print(f"time budget spent after {case} random cases")
                break
            name = rng.choice(sorted(SHRINK))
            with open(os.path.join(args.scenarios, name)) as f:
                text = f.read()
            sets = list(SHRINK[name])
            if rng.random() < 0.5:
                text, kind = mutate_text(rng, text)
            else:
                keys = keys_of(text)
                kind = "set"
                for _ in range(rng.randint(1, 3)):
                    sets.append(f"{rng.choice(keys)}={rng.choice(EXTREMES)}")
            if args.only is not None and case != args.only:
                continue
            path = f"{work}/case-{case}.toml"
            with open(path, "w") as f:
                f.write(text)
            code, err = run_case(args.kairos, path, sets, f"{work}/out-{case}", args.timeout)
            outcome = "slow" if code is None else f"exit {code}"
            tally[outcome] = tally.get(outcome, 0) + 1
            if (code is not None and code not in (0, 2, 3) and not lookahead_broken(code, err)) or sanitizer_report(err):
                shutil.copy(path, f"{work}/failed-{case}.toml")
                failures.append(f"case {case} ({name}, {kind}, --set {sets[len(SHRINK[name]):]}): {outcome}\n"
                                f"{err[-2000:]}")
                print(f"FAIL: case {case}: {name} {kind} --set {sets[len(SHRINK[name]):]}: {outcome}: "
                      f"{err.strip().splitlines()[-1] if err.strip() else ''}", flush=True)
            shutil.rmtree(f"{work}/out-{case}", ignore_errors=True)
            os.remove(path)
        print(f"random cases: {sum(tally.values())}, outcomes: {tally}")
    finally:
        if not failures and not os.environ.get("KEEP"):
            shutil.rmtree(work, ignore_errors=True)
    if failures:
        print(f"FAIL: {len(failures)} case(s); seed {seed}; files kept in {work}", file=sys.stderr)
        for f in failures:
            print(f, file=sys.stderr)
        sys.exit(1)
    print("ok: every case ended with exit 0, 2 or 3 (or 1 for a lookahead the model breaks), no signal, "
          "no sanitizer report")


main()
