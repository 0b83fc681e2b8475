"""The work a worker does: the rows of one chunk of drops (kept light to import).

Worker processes unpickle :func:`run_chunk` and the study, so this module imports only
NumPy-level code: a worker never loads pandas, pyarrow or matplotlib.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

from fastsec.experiments import seeding
from fastsec.experiments.study import Study


@dataclass(frozen=True)
class Chunk:
    """Drops of one sweep point, each with the methods still to run on it."""

    point: int
    x: float
    todo: tuple[tuple[int, tuple[str, ...]], ...]


def _solve_row(study: Study, method: str, instance: Any, draw_error: str | None
               ) -> dict[str, Any]:
    row: dict[str, Any] = {"secrecy_rate": math.nan, "objective": math.nan,
                           "iterations": None, "converged": False, "solver": None}
    error = draw_error
    start = time.perf_counter()
    if error is None:
        try:
            row.update(study.solve(instance, method))
        except Exception as exc:  # recorded in the row; the study goes on
            error = f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    row.update(method=method, seconds=seconds, error=error)
    return row


def run_chunk(study: Study, seed: int, chunk: Chunk) -> list[dict[str, Any]]:
    """Rows of one chunk (runs in a worker); solver failures become rows with ``error``."""
    rows = []
    rngs = seeding.drop_rngs(seed, study.name, chunk.point, [drop for drop, _ in chunk.todo])
    for (drop, methods), rng in zip(chunk.todo, rngs, strict=True):
        instance, draw_error = None, None
        try:
            instance = study.draw(chunk.x, rng)
        except Exception as exc:  # every method's row of this drop records it
            draw_error = f"{type(exc).__name__} while drawing: {exc}"
        base = {"study": study.name, "point": chunk.point, "x": chunk.x, "drop": drop,
                "seed": seed}
        for method in methods:
            rows.append(_solve_row(study, method, instance, draw_error) | base)
    return rows


