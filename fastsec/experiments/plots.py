"""Draw a study's paper figure from a results directory (matplotlib, Agg, no pyplot state).

Everything needed comes from the directory itself: the table and the metadata record,
which holds the paper's axis labels, scales and legend (so a figure can be redrawn without
the study being registered). Each series is the mean over drops with its 95 % confidence
interval as error bars (:mod:`fastsec.experiments.summary`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from fastsec.errors import ParameterError
from fastsec.experiments.store import META_KEYS, ResultsStore, check_writable
from fastsec.experiments.summary import summarise

_MARKERS = "osd^v<>ph*"


def _sweep_label(meta: dict[str, Any], x: float) -> str:
    unit = meta["sweep"]["unit"]
    return f"{meta['sweep']['name']} = {x:g}" + (f" {unit}" if unit else "")


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
    stats = summarise(store.read(), spec["y"], methods, history=history)
    stats = stats[stats["n"] > 0]
    if stats.empty:
        raise ParameterError(f"{results} holds no successful rows to plot yet")
    fig = Figure(figsize=(5.0, 3.8), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    handles, labels = [], []
    for method in methods:
        mine = stats[stats["method"] == method]
        groups = mine.groupby("x", sort=True) if history else [(None, mine)]
        for x, data in groups:
            label = legend[method] if x is None else f"{legend[method]}, {_sweep_label(meta, x)}"
            along = data["step"] + 1 if history else data["x"]
            handles.append(ax.errorbar(along, data["mean"], yerr=data["ci95"], capsize=3,
                                       marker=_MARKERS[len(labels) % len(_MARKERS)],
                                       markersize=4))
            labels.append(label)
    ax.set_xlabel(spec["x_label"])
    ax.set_ylabel(spec["y_label"])
    ax.set_xscale(spec["x_scale"])
    ax.set_yscale(spec["y_scale"])
    if spec["title"]:
        ax.set_title(spec["title"], fontsize="medium")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(handles, labels, fontsize="small")  # the paper's legend order
    return fig


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

    The file type follows ``out``'s suffix (png, pdf, svg). Returns the path written.
    """
    if out is None:
        out = Path(results) / f"{ResultsStore(results).read_meta()['study']}.png"
    out = Path(out)
    check_writable(out.parent)
    fig = figure(results)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=150)
    return out
