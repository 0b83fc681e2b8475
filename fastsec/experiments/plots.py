"""Draw a study's paper figure from a results directory (matplotlib, Agg, no pyplot state).

Everything needed comes from the directory itself: the table and the metadata record,
which holds the paper's axis labels (mathtext), scales, legend and the quantity's range (so
a figure can be redrawn without the study being registered). Each series is the mean over
drops with its 95 % Student-t confidence interval as a shaded band
(:mod:`fastsec.experiments.summary`), clipped to the quantity's range (``PlotSpec.y_range``:
a secrecy rate [·]^+ or a time is never below 0, a BER never above 1). Series differ in
colour, marker and line style together, so that they stay apart in greyscale; an axis whose
values are all integers (antennas, users, RIS elements, iterations) gets integer ticks. The
caption under the title states the interval's method and the drops n per point.
"""

from __future__ import annotations

import math
import os
import re
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import (
    FixedLocator,
    FuncFormatter,
    MaxNLocator,
    NullLocator,
    ScalarFormatter,
)

from fastsec.errors import ParameterError
from fastsec.experiments.markdown import study_attr
from fastsec.experiments.store import META_KEYS, ResultsStore, check_writable
from fastsec.experiments.summary import stop_counts, summarise

#: File types ``plot`` writes, by the suffix of ``out``.
FORMATS = ("png", "pdf", "svg")
#: (marker, line style) of the series in legend order; with the colours below no two
#: series share a marker or a dash pattern, so they stay apart printed in greyscale.
STYLES = (("o", "-"), ("s", "--"), ("^", "-."), ("D", ":"), ("v", (0, (5, 1, 1, 1, 1, 1))),
          ("P", (0, (8, 2))), ("X", (0, (1, 3))), ("*", (0, (4, 1, 1, 1))),
          ("<", (0, (2, 2))), (">", (0, (6, 1, 2, 1))))
#: Okabe-Ito colour-blind-safe palette (black first), with distinct grey levels.
COLOURS = ("#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
           "#F0E442")
#: Sizes for a one-column figure of a two-column paper, readable as a README thumbnail.
RC: dict[Any, Any] = {"font.size": 8.5, "axes.titlesize": 8.5, "legend.fontsize": 7.5,
                      "lines.linewidth": 1.3, "lines.markersize": 4.5, "axes.linewidth": 0.8,
                      "savefig.dpi": 200}


def _sweep_label(meta: dict[str, Any], x: float) -> str:
    """``"$P_{total}$ = 30 dBm"``: a sweep name ``A_b`` is written as the subscripted A_b."""
    unit, name = meta["sweep"]["unit"], meta["sweep"]["name"]
    match = re.fullmatch(r"([A-Za-z]+)_([A-Za-z0-9]+)", name)
    if match:
        name = f"${match[1]}_{{{match[2]}}}$"
    return f"{name} = {x:g}" + (f" {unit}" if unit else "")


def _integral(values: np.ndarray) -> bool:
    return bool(values.size) and bool(np.all(np.mod(values, 1) == 0))


def _integer_ticks(axis: Any, values: np.ndarray, scale: str) -> None:
    """Integer ticks on an axis whose values are all integers (counts, iterations)."""
    if not _integral(values):
        return
    if scale == "linear":
        axis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 2.5, 5, 10]))
    else:  # a log axis: the values themselves, written as integers
        axis.set_major_locator(FixedLocator(np.unique(values).tolist()))
        axis.set_major_formatter(ScalarFormatter())
        axis.set_minor_locator(NullLocator())


def _n_text(n: np.ndarray, failed: np.ndarray) -> str:
    low, high = int(n.min()), int(n.max())
    text = f"n = {low}" if low == high else f"n = {low}–{high}"
    return text + (f" ({int(failed.sum())} failed rows left out)" if failed.sum() else "")


def _cap_text(table: Any, methods: list[str], legend: dict[str, str],
              paper_iterations: int | None) -> str:
    """Caption part: per iterative method, rows that stopped on the iteration cap / rows."""
    counts = stop_counts(table, methods, paper_iterations)
    parts, paper = [], 0
    for method in methods:
        mine = counts[counts["method"] == method]
        if len(mine) and mine[["tolerance", "cap", "no_ascent"]].to_numpy().sum():
            parts.append(f"{legend[method]} {int(mine['cap'].sum())}/{int(mine['n'].sum())}")
            paper += int(mine["paper_cap"].sum())
    if not parts:
        return ""
    return ("; at iteration cap: " + ", ".join(parts)
            + (f" (the paper's I = {paper_iterations})" if paper else ""))


def figure(results: str | os.PathLike) -> Figure:
    """Return the paper's figure drawn from the results directory ``results``.

    Raises
    ------
    ParameterError
        ``results`` holds no fastsec results, or no row that did not fail.

    """
    store = ResultsStore(results)
    meta = store.read_meta(*META_KEYS)
    spec = meta["plot"]
    if spec["kind"] == "positions":
        return _positions(store.read(), spec)
    legend: dict[str, str] = spec["legend"]
    methods = meta["methods"]  # legend order (JSON keys are stored sorted)
    history = spec["kind"] == "history"
    table = store.read()
    stats = summarise(table, spec["y"], methods, history=history)
    stats = stats[stats["n"] > 0]
    if stats.empty:
        raise ParameterError(f"{results} holds no successful rows to plot yet")
    low, high = spec.get("y_range") or (None, None)
    with rc_context(RC):
        fig = Figure(figsize=(4.6, 3.5), layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        handles: list[Any] = []
        labels: list[str] = []
        xs: list[np.ndarray] = []
        for method in methods:
            mine = stats[stats["method"] == method]
            groups = mine.groupby("x", sort=True) if history else [(None, mine)]
            for x, data in groups:
                i = len(labels)
                marker, dashes = STYLES[i % len(STYLES)]
                colour = COLOURS[i % len(COLOURS)]
                along = (data["step"] + 1 if history else data["x"]).to_numpy(dtype=float)
                mean = data["mean"].to_numpy(dtype=float)
                half = np.nan_to_num(data["ci95"].to_numpy(dtype=float))
                band = np.clip(np.stack([mean - half, mean + half]),
                               -math.inf if low is None else low,
                               math.inf if high is None else high)
                ax.fill_between(along, band[0], band[1], color=colour, alpha=0.18, lw=0)
                (line,) = ax.plot(along, mean, color=colour, marker=marker, linestyle=dashes,
                                  markerfacecolor="white", markeredgewidth=1.0,
                                  markevery=max(1, len(along) // 12))
                handles.append(line)
                labels.append(legend[method] if x is None
                              else f"{legend[method]}, {_sweep_label(meta, x)}")
                xs.append(along)
        ax.set_xlabel(spec["x_label"])
        ax.set_ylabel(spec["y_label"])
        ax.set_xscale(spec["x_scale"])
        ax.set_yscale(spec["y_scale"])
        _integer_ticks(ax.xaxis, np.concatenate(xs), spec["x_scale"])
        low_y, high_y = ax.get_ylim()
        if spec["y_scale"] == "log" and high_y < 10 * low_y:  # labels on minor ticks only
            ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: f"{v:.4g}"))
        caption = (f"mean, shaded 95 % Student-t CI; "
                   f"{_n_text(stats['n'].to_numpy(), stats['failed'].to_numpy())} per point"
                   + _cap_text(table, methods, legend,
                               study_attr(meta["study"], "paper_iterations")))
        ax.set_title("\n".join(filter(None, [spec["title"], *textwrap.wrap(caption, 64)])))
        ax.grid(True, which="major", alpha=0.3, lw=0.5)
        ax.legend(handles, labels, framealpha=0.85)  # the paper's legend order
    return fig


def _check_format(out: Path) -> None:
    if out.suffix.lower().lstrip(".") not in FORMATS:
        raise ParameterError(f"out {out}: the figure's file type must be one of "
                             f"{', '.join('.' + f for f in FORMATS)} (from its suffix), got "
                             f"{out.suffix or 'no suffix'!r}")


def _positions(table, spec: dict[str, Any]) -> Figure:
    """Map of one drop: BS, helpers (marker area ∝ their share of ‖w‖²), user K, eavesdropper."""
    ok = table[table["error"].isna()].sort_values(["point", "drop"])
    if ok.empty:
        raise ParameterError("the results hold no successful row to draw positions from")
    row = ok.iloc[0]
    x, y = np.asarray(row["users_x_m"], float), np.asarray(row["users_y_m"], float)
    share = np.asarray(row["helper_share"], float)
    fig = Figure(figsize=(5.0, 4.2), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.scatter(x[:-1], y[:-1], s=8 + 400 * share, facecolors="none", edgecolors="C0",
               label="helping users (area ∝ share of ‖w‖²)")
    ax.scatter(x[-1:], y[-1:], marker="*", s=160, color="C2", label="user K")
    ax.scatter([row["eve_x_m"]], [row["eve_y_m"]], marker="x", s=70, color="C3",
               label="eavesdropper")
    ax.scatter([0.0], [0.0], marker="^", s=90, color="k", label="BS")
    ax.set_xlabel(spec["x_label"])
    ax.set_ylabel(spec["y_label"])
    ax.set_aspect("equal", adjustable="datalim")
    if spec["title"]:
        ax.set_title(spec["title"], fontsize="medium")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")
    return fig


def plot(results: str | os.PathLike, out: str | os.PathLike | None = None) -> Path:
    """Save the figure of ``results`` to ``out`` (default ``<results>/<study>.png``).

    The file type follows ``out``'s suffix: one of :data:`FORMATS` (PNG at 200 dpi, or the
    vector PDF and SVG). Returns the path written.

    Raises
    ------
    ParameterError
        Another suffix (the message names the allowed ones), an unwritable directory, or
        ``results`` holds nothing to plot; raised before anything is written.

    """
    if out is None:
        out = Path(results) / f"{ResultsStore(results).read_meta()['study']}.png"
    out = Path(out)
    _check_format(out)
    check_writable(out.parent)
    fig = figure(results)
    out.parent.mkdir(parents=True, exist_ok=True)
    with rc_context(RC):
        fig.savefig(out)
    return out
