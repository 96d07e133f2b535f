#!/usr/bin/python3
"""Plots every probe of a Kairos results.h5 as a PNG next to the file.

    kairos plot RESULTS.h5        (or: /usr/bin/python3 plot_results.py RESULTS.h5)

Writes into <results>-plots/:
  - <probe>.png: every curve of the probe on one figure, as steps against
    simulated time from t=0, in the unit that suits the run's span (s, min,
    h or d; ticks when the tick has no duration). A probe that several actors
    record to gets one line per actor and curve (the first 8 actors). Curves
    with few samples get markers, so that a single sample still shows.
  - for an aggregate probe (kind "aggregate"), stacked panels against the
    same time axis: per curve its sum, and its mean within the min-max band;
    then the count of samples, per tick or per period (as bars across it).
  - counters.png: the model counters of summary.json (beside results.h5),
    one bar each, when there are any.
"""
import json
import os
import sys

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

MAX_ACTORS = 8      # lines of one probe: beyond, the figure says how many were left out
MARKERS_BELOW = 50  # samples per line under which each sample gets a marker
MAX_AGGREGATE_CURVES = 4  # of an aggregate probe: two panels each

UNITS = [("d", 86400.0), ("h", 3600.0), ("min", 60.0), ("s", 1.0)]


def time_axis(last_tick, tick_seconds):
    """(divisor of seconds, label): the largest unit of which the span holds at least two."""
    if tick_seconds <= 0:
        return None, "simulated time (ticks)"
    span = last_tick * tick_seconds
    for unit, seconds in UNITS:
        if span >= 2 * seconds:
            return seconds, f"simulated time ({unit})"
    return 1.0, "simulated time (s)"


def plot_probe(name, group, tick_seconds, divisor, xlabel, x_end, out_dir):
    """One figure: every curve of every actor (up to MAX_ACTORS) recording to the probe."""
    ticks = group["tick"][:]
    values = group["value"][:]
    aais = group["aai"][:] if "aai" in group else np.zeros(len(ticks), dtype=np.uint64)
    curves = [c.decode() if isinstance(c, bytes) else str(c) for c in group.attrs["curves"]]
    actors = list(dict.fromkeys(aais.tolist()))  # in order of first sample
    shown = actors[:MAX_ACTORS]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for aai in shown:
        rows = aais == aai
        x = ticks[rows] * tick_seconds / divisor if divisor else ticks[rows].astype(float)
        for i, curve in enumerate(curves):
            label = curve if len(actors) == 1 else f"{curve} (actor {aai})"
            marker = "o" if len(x) < MARKERS_BELOW else None
            ax.step(x, values[rows, i], where="post", label=label, marker=marker, markersize=4)
    title = name if len(shown) == len(actors) else f"{name} (first {len(shown)} of {len(actors)} actors)"
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(curves[0] if len(curves) == 1 else "value")
    ax.set_xlim(left=0, right=max(x_end, ax.get_xlim()[1]) if x_end else None)
    if len(ticks) > 0:
        ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, f"{name}.png"), dpi=100)
    plt.close(fig)


def duration_text(seconds):
    """3600.0 -> '1 h', 90.0 -> '1.5 min', 0.5 -> '0.5 s'."""
    for unit, size in UNITS:
        if seconds >= size:
            return f"{seconds / size:g} {unit}"
    return f"{seconds:g} s"


def plot_aggregate(name, group, tick_seconds, divisor, xlabel, x_end, out_dir):
    """Panels: per curve (up to MAX_AGGREGATE_CURVES) its sum and its mean in the min-max band, then the count.

    A row stands for its own period only (one tick by default; a period
    without samples has no row), so rows of one tick are drawn as points (or
    a thin line when there are many) and longer periods as bars across the
    period, never as steps held until the next row."""
    ticks = group["tick"][:]
    values = group["value"][:]
    period = int(group.attrs.get("period_ticks", 1))
    columns = [c.decode() if isinstance(c, bytes) else str(c) for c in group.attrs["curves"]]
    column = {c: k for k, c in enumerate(columns)}
    curves = [c[: -len(".sum")] for c in columns if c.endswith(".sum")][:MAX_AGGREGATE_CURVES]
    scale = tick_seconds / divisor if divisor else 1.0
    x = ticks * scale
    width = period * scale
    dense = len(x) >= MARKERS_BELOW

    def per_row(ax, y, label=None):
        if period > 1:
            ax.bar(x, y, width=width, align="edge", alpha=0.6, label=label)
        elif dense:
            ax.plot(x, y, linewidth=1, label=label)
        else:
            ax.vlines(x, 0, y, alpha=0.4)
            ax.plot(x, y, "o", markersize=4, label=label)

    fig, axes = plt.subplots(2 * len(curves) + 1, 1, sharex=True, figsize=(8, 2.2 * (2 * len(curves) + 1) + 0.6),
                             squeeze=False)
    axes = axes[:, 0]
    for i, curve in enumerate(curves):
        total, mean = axes[2 * i], axes[2 * i + 1]
        per_row(total, values[:, column[f"{curve}.sum"]])
        total.set_ylabel(f"{curve} (sum)")
        low, high = values[:, column[f"{curve}.min"]], values[:, column[f"{curve}.max"]]
        average = values[:, column[f"{curve}.mean"]]
        if period > 1:
            mean.bar(x, high - low, bottom=low, width=width, align="edge", alpha=0.3, label="min to max")
            mean.hlines(average, x, x + width, label="mean")
        elif dense:
            mean.fill_between(x, low, high, alpha=0.3, label="min to max")
            mean.plot(x, average, linewidth=1, label="mean")
        else:
            mean.vlines(x, low, high, linewidth=6, alpha=0.3, label="min to max")
            mean.plot(x, average, "o", markersize=4, label="mean")
        mean.set_ylabel(f"{curve} (per sample)")
        mean.legend(fontsize="small")
    count = axes[-1]
    per_row(count, values[:, column["count"]])
    count.set_ylim(bottom=0)
    count.set_ylabel("samples")
    count.set_xlabel(xlabel)
    count.set_xlim(left=0, right=max(x_end, count.get_xlim()[1]) if x_end else None)
    for ax in axes:
        ax.grid(alpha=0.3)
    if period == 1:
        per = "per tick"
    elif tick_seconds > 0:
        per = f"per {duration_text(period * tick_seconds)}"
    else:
        per = f"per {period} ticks"
    axes[0].set_title(f"{name} ({per}, over all recording actors)")
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, f"{name}.png"), dpi=100)
    plt.close(fig)


def plot_counters(summary_path, out_dir):
    if not os.path.exists(summary_path):
        return 0
    with open(summary_path) as f:
        counters = json.load(f).get("counters", {})
    if not counters:
        return 0
    names = sorted(counters)
    fig, ax = plt.subplots(figsize=(8, 1.5 + 0.4 * len(names)))
    bars = ax.barh(names, [counters[n] for n in names])
    ax.bar_label(bars, labels=[f"{counters[n]:,}" for n in names], padding=3, fontsize="small")
    ax.set_title("counters (whole run)")
    ax.set_xlabel("count")
    ax.margins(x=0.15)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "counters.png"), dpi=100)
    plt.close(fig)
    return 1


def main(path):
    out_dir = os.path.splitext(path)[0] + "-plots"
    os.makedirs(out_dir, exist_ok=True)
    with h5py.File(path, "r") as f:
        run = f["run"].attrs
        tick_seconds = float(run.get("tick_duration_seconds", 0.0))
        last_tick = int(run.get("last_tick", 0))
        divisor, xlabel = time_axis(last_tick, tick_seconds)
        x_end = last_tick * tick_seconds / divisor if divisor else float(last_tick)
        written = 0
        for name, group in f["probes"].items():
            kind = group.attrs.get("kind", "samples")
            kind = kind.decode() if isinstance(kind, bytes) else str(kind)
            plot = plot_aggregate if kind == "aggregate" else plot_probe
            plot(name, group, tick_seconds, divisor, xlabel, x_end, out_dir)
            written += 1
    written += plot_counters(os.path.join(os.path.dirname(os.path.abspath(path)), "summary.json"), out_dir)
    print(f"{written} plot(s) in {out_dir}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
