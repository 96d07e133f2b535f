#!/usr/bin/python3
"""Plots every probe of a Kairos results.h5 as a PNG next to the file.

    kairos plot RESULTS.h5        (or: /usr/bin/python3 plot_results.py RESULTS.h5)

One PNG per probe, named <probe>.png in a folder <results>-plots/, with one
line per curve against simulated time (tick x tick duration).
"""
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(path):
    out_dir = os.path.splitext(path)[0] + "-plots"
    os.makedirs(out_dir, exist_ok=True)
    with h5py.File(path, "r") as f:
        tick_seconds = float(f["run"].attrs.get("tick_duration_seconds", 1.0))
        written = 0
        for name, group in f["probes"].items():
            ticks = group["tick"][:]
            values = group["value"][:]
            curves = [c.decode() if isinstance(c, bytes) else str(c) for c in group.attrs["curves"]]
            fig, ax = plt.subplots(figsize=(8, 4.5))
            for i, curve in enumerate(curves):
                ax.step(ticks * tick_seconds, values[:, i], where="post", label=curve)
            ax.set_title(name)
            ax.set_xlabel("simulated time (s)")
            ax.legend()
            ax.grid(alpha=0.3)
            fig.tight_layout()
            fig.savefig(os.path.join(out_dir, f"{name}.png"), dpi=100)
            plt.close(fig)
            written += 1
    print(f"{written} plot(s) in {out_dir}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
