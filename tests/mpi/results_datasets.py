#!/usr/bin/python3
"""results.h5 holds the same datasets, byte for byte, on any rank count.

    results_datasets.py KAIROS MPIEXEC "NPS" SCENARIO [--set key=value ...]

Runs SCENARIO on one process without MPI (the reference), then under
MPIEXEC on each rank count in NPS, where every rank writes its own rows of
the shared file. Fails unless each run lists the same probes with the same
curves, kinds and periods, and every dataset (tick, aai, value) has the
same type, shape and bytes as the reference's. The files themselves may differ (the /run
attributes name the rank count); the datasets may not.
"""
import os
import shlex
import subprocess
import sys
import tempfile

import h5py


def datasets(path):
    """{probe/dataset: (dtype, shape, bytes)} and {probe: (curves, kind, period)}."""
    out, schemas = {}, {}
    with h5py.File(path, "r") as f:
        for name, group in f["probes"].items():
            curves = [c.decode() if isinstance(c, bytes) else str(c) for c in group.attrs["curves"]]
            kind = group.attrs.get("kind", "?")
            schemas[name] = (curves, kind.decode() if isinstance(kind, bytes) else str(kind),
                             int(group.attrs.get("period_ticks", 1)))
            for d in ("tick", "aai", "value"):
                if d not in group:  # an aggregate probe has no aai
                    continue
                data = group[d][()]
                out[f"{name}/{d}"] = (str(data.dtype), data.shape, data.tobytes())
    return out, schemas


def main():
    kairos, mpiexec, nps, scenario, *sets = sys.argv[1:]
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    with tempfile.TemporaryDirectory() as tmp:
        reference_dir = os.path.join(tmp, "ref")
        subprocess.run([kairos, "run", scenario, *sets, "--output", reference_dir], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        reference, reference_schemas = datasets(os.path.join(reference_dir, "results.h5"))
        samples = sum(shape[0] for key, (_, shape, _) in reference.items() if key.endswith("/tick"))
        if samples == 0:
            sys.exit(f"{scenario}: the reference run recorded no sample; the comparison would prove nothing")
        print(f"1 process: {len(reference_schemas)} probe(s), {samples} sample(s)")
        for np_ in nps.split():
            out = os.path.join(tmp, f"np{np_}")
            subprocess.run([mpiexec, "-n", np_, *shlex.split(os.environ.get("KAIROS_MPIEXEC_PREFLAGS", "")), kairos, "run", scenario, *sets, "--threads", "2",
                            "--output", out], check=True, env=env, stdout=subprocess.DEVNULL, timeout=300)
            got, got_schemas = datasets(os.path.join(out, "results.h5"))
            if got_schemas != reference_schemas:
                sys.exit(f"{np_} ranks: probes, curves, kinds or periods differ: {sorted(got_schemas)} vs {sorted(reference_schemas)}")
            for key, (dtype, shape, data) in reference.items():
                other = got[key]
                if other[0] != dtype or other[1] != shape:
                    sys.exit(f"{np_} ranks: {key} is {other[0]}{other[1]}, the reference {dtype}{shape}")
                if other[2] != data:
                    sys.exit(f"{np_} ranks: {key} differs from the one-process run's bytes")
            print(f"{np_} ranks: every dataset identical")


if __name__ == "__main__":
    main()
