"""A Markdown table of a figure's numbers (mean ± 95 % CI per sweep point and method)."""

from __future__ import annotations

import os

import numpy as np

from fastsec.errors import ParameterError
from fastsec.experiments import registry
from fastsec.experiments.store import META_KEYS, ResultsStore
from fastsec.experiments.summary import stop_counts, summarise


def _cell(row) -> str:
    if row.n == 0:
        text = "—"
    elif row.n < 2:
        text = f"{row.mean:.4g}"
    else:
        text = f"{row.mean:.4g} ± {row.ci95:.2g}"
    return text + (f" ({row.failed} failed)" if row.failed else "")


def study_attr(name: str, attr: str):
    """``attr`` of the registered study ``name``; None for results of an unregistered one."""
    try:
        return getattr(registry.get(name), attr)
    except ParameterError:
        return None


def convergence_lines(table, methods: list[str], legend: dict[str, str],
                      paper_iterations: int | None) -> list[str]:
    """Markdown table of how each method's rows stopped, with their KKT residuals.

    One row per method (all sweep points together): rows, stopped on the tolerance, on the
    iteration cap (and how many of those at the paper's fixed count), without ascent, and
    the median (max) ``kkt_residual``; a closed form gets "—" for the stop counts. Empty
    when the rows carry neither an iterative stop reason nor a KKT residual.
    """
    counts = stop_counts(table, methods, paper_iterations, by_point=False)
    if counts.empty:
        return []
    lines = ["", "Convergence and KKT residuals (rows that did not fail, all sweep points):", "",
             "| Method | rows | on tolerance | at iteration cap | no ascent | KKT residual "
             "median (max) |", "|---|---:|---:|---:|---:|---:|"]
    any_paper = False
    for method in methods:
        mine = counts[counts["method"] == method]
        if mine.empty:
            continue
        row = mine.iloc[0]
        iterative = row["tolerance"] + row["cap"] + row["no_ascent"] > 0
        if not iterative and np.isnan(row["kkt_max"]):
            continue
        kkt = ("—" if np.isnan(row["kkt_max"])
               else f"{row['kkt_median']:.1e} ({row['kkt_max']:.1e})")
        if iterative:
            paper = int(row["paper_cap"])
            cap_text = str(int(row["cap"])) + (
                f" ({paper} at the paper's I = {paper_iterations})" if paper else "")
            any_paper |= paper > 0
            stops = f"{int(row['tolerance'])} | {cap_text} | {int(row['no_ascent'])}"
        else:
            stops = "— | — | —"
        lines.append(f"| {legend[method]} | {int(row['n'])} | {stops} | {kkt} |")
    if any_paper:
        lines += ["", f"The paper fixes I = {paper_iterations} iterations: a row at that cap "
                  "ran the paper's count, it is not a failure (`converged` only says whether "
                  "the tolerance was met first)."]
    return lines if len(lines) > 5 else []


def _kkt_lines(table, methods: list[str], legend: dict) -> list[str]:
    """Return a line with the median and largest ``kkt_residual`` per method (if rows have it)."""
    if "kkt_residual" not in table.columns:
        return []
    parts = []
    for method in methods:
        values = table.loc[table["method"] == method, "kkt_residual"].dropna()
        if len(values):
            parts.append(f"{legend[method]} {values.median():.2g} (max {values.max():.2g})")
    if not parts:
        return []
    return ["", "Distance from stationarity (`kkt_residual`, scale-free, 0 at a KKT point), "
                "median (max) over rows: " + "; ".join(parts) + "."]


def report(results: str | os.PathLike) -> str:
    """Return the Markdown report of the results directory ``results``.

    A heading naming the study and the figure, a line with the run's settings (drops, seed,
    versions) and one table: a row per sweep value, a column per method (the paper's legend
    entries), each cell ``mean ± half-width of the 95 % CI (n failed)``. For an
    iteration-history figure the table gives the final iteration's value. Below it, how the
    iterative methods' rows stopped and the KKT residuals (:func:`convergence_lines`), or,
    for rows with a ``kkt_residual`` but no stop reason, one line of its median and largest
    value per method. A registered study with ``notes`` adds its lines last.
    """
    store = ResultsStore(results)
    meta = store.read_meta(*META_KEYS)
    spec = meta["plot"]
    legend = spec["legend"]
    methods = meta["methods"]  # legend order (JSON keys are stored sorted)
    table = store.read()
    history = spec["kind"] == "history"
    stats = summarise(table, spec["y"], methods, history=history)
    if history and not stats.empty:
        last = stats.groupby(["method", "point"])["step"].transform("max")
        stats = stats[stats["step"] == last]
    sweep = meta["sweep"]
    x_head = sweep["name"] + (f" [{sweep['unit']}]" if sweep["unit"] else "")
    versions = ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
    quantity = spec["y_label"] + (" (last iteration)" if history else "")
    drops_done = table.groupby("point")["drop"].nunique() if len(table) else None
    lines = [
        f"# {meta['study']}: {meta['reproduces']}",
        "",
        f"Seed {meta['seed']}, {meta['drops']} drops per point requested"
        + (" (quick form)" if meta["quick"] else "")
        + f", {len(table)} rows stored. Software: {versions}.",
        "",
        f"Cells: mean ± half-width of the 95 % confidence interval of {quantity} over drops.",
        "",
        "| " + " | ".join([x_head, *(legend[m] for m in methods)]) + " |",
        "|" + "---:|" * (len(methods) + 1),
    ]
    for point, x in enumerate(sweep["values"]):
        cells = []
        for method in methods:
            row = stats[(stats["method"] == method) & (stats["point"] == point)]
            cells.append(_cell(next(row.itertuples())) if len(row) else "—")
        n = 0 if drops_done is None else int(drops_done.get(point, 0))
        lines.append(f"| {x:g} (n={n}) | " + " | ".join(cells) + " |")
    if len(table):
        lines += (convergence_lines(table, methods, legend,
                                    study_attr(meta["study"], "paper_iterations"))
                  or _kkt_lines(table, methods, legend))
    notes = study_attr(meta["study"], "notes")
    if notes is not None and len(table):
        lines += ["", *notes(table)]
    return "\n".join(lines) + "\n"
