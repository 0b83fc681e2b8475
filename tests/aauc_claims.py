"""Rows of the registered AAUC studies for the claim tests (paper 000, Sec. VII).

:func:`rows` runs drops ``0..drops-1`` of chosen sweep points of a registered study through
the runner's own work function (:func:`fastsec.experiments.work.run_chunk`, the study's seed
0 and seeding), so the tests see exactly the rows ``fastsec run STUDY`` stores. Results are
cached per (study, point, methods, drops) for the test session: several claims on one figure
share the solves.
"""

import functools
import math

import numpy as np
import pandas as pd

from fastsec.experiments import registry
from fastsec.experiments.work import Chunk, run_chunk

#: The default studies' root seed (``fastsec run`` and ``fastsec.experiments.run``).
SEED = 0
#: Largest share of failed rows (a solver error recorded in the row) a claim may ignore, as
#: ``fastsec report`` does; measured: 1 SCO failure in 200 drops at K = 100 (Clarabel
#: "optimal_inaccurate").
MAX_FAILED = 0.02


@functools.cache
def rows(study: str, x: float, methods: tuple[str, ...], drops: int) -> pd.DataFrame:
    """Rows of sweep value ``x`` of ``study``, drops 0..drops-1, for ``methods``."""
    spec = registry.get(study)
    point = spec.sweep.values.index(x)
    todo = tuple((d, methods) for d in range(drops))
    table = pd.DataFrame(run_chunk(spec, SEED, Chunk(point, float(x), todo)))
    failed = table["error"].notna()
    assert failed.mean() <= MAX_FAILED, table["error"].dropna().tolist()
    return table


def values(study: str, x: float, method: str, drops: int, column: str = "secrecy_rate",
           methods: tuple[str, ...] | None = None) -> np.ndarray:
    """Per-drop ``column`` of ``method`` at ``x`` (drops in order; NaN where the row failed)."""
    table = rows(study, x, methods or (method,), drops)
    mine = table.loc[table["method"] == method].sort_values("drop")
    return np.where(mine["error"].isna(), mine[column].to_numpy(float), np.nan)


def mean_se(a: np.ndarray) -> tuple[float, float]:
    """Sample mean and its standard error (ddof = 1) over the finite entries (failed rows out)."""
    a = a[np.isfinite(a)]
    return float(np.mean(a)), float(np.std(a, ddof=1) / math.sqrt(a.size))
