#!/usr/bin/python3
"""Two kairos builds give the same results: digest, totals and every value.

    same_results.py REFERENCE OTHER SCENARIO [--checkpoint-at TICK] [kairos run options ...]

REFERENCE and OTHER are commands (split like a shell line), e.g. this
machine's build/bin/kairos and "qemu-s390x -L ... build-s390x/bin/kairos", or
a build without MPI. Runs SCENARIO with each and fails unless summary.json
gives the same digest and totals and results.h5 holds the same probes with the
same values, bit for bit (each file's numbers may be stored in its machine's
byte order; HDF5 converts them on read). With --checkpoint-at, each build also
checkpoints at TICK and the *other* build restarts from that checkpoint: both
restarts must end with the uninterrupted run's digest.
"""
import json
import os
import shlex
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mpi"))
from results_datasets import datasets  # noqa: E402

TOTALS = ("digest", "activations", "messages", "actors_final", "last_tick", "diascas", "windows", "counters", "end_reason")


def kairos(command, *args):
    """Runs one kairos command; its output only when it fails."""
    done = subprocess.run([*shlex.split(command), *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=1200)
    if done.returncode != 0:
        sys.exit(f"{command} {' '.join(args)}: exit {done.returncode}\n{done.stdout[-3000:]}")


def summary(out):
    with open(os.path.join(out, "summary.json")) as f:
        s = json.load(f)
    return {k: s.get(k) for k in TOTALS}


def values(out):
    """{probe/dataset: (kind, shape, little-endian bytes)}, {probe: curves}:
    results_datasets's reading, with each machine's byte order undone."""
    data, curves = datasets(os.path.join(out, "results.h5"))
    normalised = {}
    for key, (dtype, shape, raw) in data.items():
        array = np.frombuffer(raw, dtype=np.dtype(dtype))
        normalised[key] = (array.dtype.kind, shape, array.astype(array.dtype.newbyteorder("<")).tobytes())
    return normalised, curves


def compare(label, reference_out, other_out):
    ref, got = summary(reference_out), summary(other_out)
    differing = [k for k in TOTALS if ref[k] != got[k]]
    if differing:
        sys.exit(f"{label}: " + "; ".join(f"{k} {got[k]} (reference {ref[k]})" for k in differing))
    ref_values, ref_curves = values(reference_out)
    got_values, got_curves = values(other_out)
    if got_curves != ref_curves:
        sys.exit(f"{label}: probes or curves differ: {got_curves} vs {ref_curves}")
    for key, (kind, shape, data) in ref_values.items():
        other = got_values[key]
        if other[:2] != (kind, shape):
            sys.exit(f"{label}: {key} is {other[0]}{other[1]}, the reference's {kind}{shape}")
        if other[2] != data:
            sys.exit(f"{label}: {key} holds other values than the reference's")
    samples = sum(shape[0] for key, (_, shape, _) in ref_values.items() if key.endswith("/tick"))
    print(f"{label}: digest {ref['digest']}, {len(ref_curves)} probe(s), {samples} sample(s): identical")


def main():
    reference, other, scenario, *rest = sys.argv[1:]
    checkpoint_at = None
    if "--checkpoint-at" in rest:
        at = rest.index("--checkpoint-at")
        checkpoint_at, rest = rest[at + 1], rest[:at] + rest[at + 2:]
    name = os.path.splitext(os.path.basename(scenario))[0]
    with tempfile.TemporaryDirectory() as tmp:
        out = {who: os.path.join(tmp, who) for who in ("reference", "other")}
        for who, command in (("reference", reference), ("other", other)):
            kairos(command, "run", scenario, *rest, "--output", out[who])
        compare(name, out["reference"], out["other"])
        if checkpoint_at is None:
            return
        for writer, reader in (("reference", "other"), ("other", "reference")):
            written = os.path.join(tmp, f"checkpointed-by-{writer}")
            restarted = os.path.join(tmp, f"restarted-by-{reader}")
            kairos(reference if writer == "reference" else other, "run", scenario, *rest, "--checkpoint-at",
                   checkpoint_at, "--output", written)
            kairos(reference if reader == "reference" else other, "restart", os.path.join(written, "checkpoints"),
                   "--output", restarted)
            compare(f"{name}: checkpoint at {checkpoint_at} by the {writer}, restarted by the {reader}",
                    out["reference"], restarted)


if __name__ == "__main__":
    main()
