"""Mean and 95 % confidence interval of a figure's numbers, from a results table.

The interval is Student's t: ``mean ± t_{0.975, n-1} · s / sqrt(n)`` with ``s`` the sample
standard deviation (ddof = 1) over the ``n`` drops that did not fail; it is NaN for n < 2.
Rows with an ``error`` are counted in ``failed`` and left out of the statistics.
:func:`stop_counts` says how the iterative methods' rows stopped (tolerance, iteration cap,
no ascent) and summarises their KKT residuals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

#: Columns of :func:`summarise`'s frame.
SUMMARY_COLUMNS = ("method", "point", "x", "step", "n", "failed", "mean", "ci95")


def _stats(values: np.ndarray) -> tuple[int, float, float]:
    n = int(values.size)
    if n == 0:
        return 0, float("nan"), float("nan")
    mean = float(values.mean())
    if n < 2:
        return n, mean, float("nan")
    half = stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / np.sqrt(n)
    return n, mean, float(half)


def _padded(histories: pd.Series) -> np.ndarray:
    """Stack per-drop histories, each held at its last value to the longest length."""
    lists = [np.asarray(h, dtype=float) for h in histories]
    length = max(h.size for h in lists)
    return np.array([np.pad(h, (0, length - h.size), mode="edge") for h in lists])


def summarise(table: pd.DataFrame, y: str, methods: list[str], history: bool = False
              ) -> pd.DataFrame:
    """Per (method, sweep point[, iteration]) statistics of column ``y``.

    Parameters
    ----------
    table : pandas.DataFrame
        A results table (:func:`fastsec.experiments.run` or ``ResultsStore.read``).
    y : str
        The column summarised (a list column when ``history``).
    methods : list of str
        Methods in legend order; the output follows it.
    history : bool
        ``y`` holds one list per row (e.g. the objective per iteration); summarise each
        index (``step``), holding shorter lists at their last value.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUMMARY_COLUMNS`; ``step`` is 0 unless ``history``.

    """
    out = []
    for method in methods:
        mine = table[table["method"] == method]
        for (point, x), group in mine.groupby(["point", "x"], sort=True):
            ok = group[group["error"].isna()]
            failed = len(group) - len(ok)
            if history:
                values = _padded(ok[y]) if len(ok) else np.empty((0, 1))
                columns = list(values.T)
            else:
                columns = [ok[y].to_numpy(dtype=float)]
            for step, col in enumerate(columns):
                n, mean, ci = _stats(col)
                out.append((method, point, x, step, n, failed, mean, ci))
    return pd.DataFrame(out, columns=list(SUMMARY_COLUMNS))


#: Columns of :func:`stop_counts`'s frame.
STOP_COLUMNS = ("method", "point", "x", "n", "tolerance", "cap", "paper_cap", "no_ascent",
                "kkt_median", "kkt_max")


def stop_counts(table: pd.DataFrame, methods: list[str], paper_iterations: int | None = None,
                by_point: bool = True) -> pd.DataFrame:
    """Per (method, sweep point): how the rows that did not fail stopped, and their KKT residual.

    Parameters
    ----------
    table : pandas.DataFrame
        A results table with ``stop_reason`` (and ``iterations``, optionally
        ``kkt_residual``) columns; a table without ``stop_reason`` gives an empty frame.
    methods : list of str
        Methods in legend order.
    paper_iterations : int, optional
        The iteration count the paper fixes (paper 000: I = 20); rows that stopped on the
        iteration cap after exactly that many iterations count in ``paper_cap`` as well.
    by_point : bool
        One row per (method, sweep point); otherwise one per method over all points
        (``point`` -1, ``x`` NaN).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`STOP_COLUMNS`: ``n`` rows, ``tolerance`` (converged), ``cap`` (stopped
        on the iteration cap), ``paper_cap`` (of those, at the paper's fixed count),
        ``no_ascent``; ``kkt_median``/``kkt_max`` NaN where the rows carry no residual.

    """
    out: list[tuple] = []
    if "stop_reason" not in table.columns:
        return pd.DataFrame(out, columns=list(STOP_COLUMNS))
    for method in methods:
        mine = table[(table["method"] == method) & table["error"].isna()]
        groups = (mine.groupby(["point", "x"], sort=True) if by_point
                  else [((-1, np.nan), mine)] if len(mine) else [])
        for (point, x), group in groups:
            reason = group["stop_reason"]
            cap = reason == "iterations"
            paper = (cap & (group["iterations"] == paper_iterations)
                     if paper_iterations is not None else cap & False)
            kkt = (group["kkt_residual"].to_numpy(dtype=float)
                   if "kkt_residual" in group.columns else np.array([np.nan]))
            kkt = kkt[np.isfinite(kkt)]
            out.append((method, point, x, len(group), int((reason == "tolerance").sum()),
                        int(cap.sum()), int(paper.sum()), int((reason == "no_ascent").sum()),
                        float(np.median(kkt)) if kkt.size else np.nan,
                        float(kkt.max()) if kkt.size else np.nan))
    return pd.DataFrame(out, columns=list(STOP_COLUMNS))
