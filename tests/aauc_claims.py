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


@functools.cache
def rows(study: str, x: float, methods: tuple[str, ...], drops: int) -> pd.DataFrame:
    """Rows of sweep value ``x`` of ``study``, drops 0..drops-1, for ``methods``."""
    spec = registry.get(study)
    point = spec.sweep.values.index(x)
    todo = tuple((d, methods) for d in range(drops))
    table = pd.DataFrame(run_chunk(spec, SEED, Chunk(point, float(x), todo)))
    assert table["error"].isna().all(), table["error"].dropna().tolist()
    return table


def values(study: str, x: float, method: str, drops: int, column: str = "secrecy_rate",
           methods: tuple[str, ...] | None = None) -> np.ndarray:
    """Per-drop ``column`` of ``method`` at ``x`` (drops in order)."""
    table = rows(study, x, methods or (method,), drops)
    return table.loc[table["method"] == method].sort_values("drop")[column].to_numpy(float)


def mean_se(a: np.ndarray) -> tuple[float, float]:
    """Sample mean and its standard error (ddof = 1)."""
    return float(np.mean(a)), float(np.std(a, ddof=1) / math.sqrt(a.size))
