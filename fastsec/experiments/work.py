"""The work a worker does: the rows of one chunk of drops (kept light to import).

Worker processes unpickle :func:`run_chunk` and the study, so this module imports only
NumPy-level code: a worker never loads pandas, pyarrow or matplotlib.

Every chunk runs with one BLAS/OpenMP thread (:func:`one_thread`, threadpoolctl), in a worker
as in a serial run in the caller's process: a multi-threaded matrix product may round
differently, so the thread count is fixed where the numbers are made, whatever the caller's
libraries were set to.

A chunk's rows travel as columns (:data:`Columns`, one list per column, the same length):
building a table from columns costs a fraction of building it from one dict per row, and
the lists pickle smaller.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import numba
from threadpoolctl import ThreadpoolController

from fastsec.experiments import seeding
from fastsec.experiments.study import Study

#: Rows as columns: column name -> one value per row.
Columns = dict[str, list[Any]]
#: What a row holds where ``solve`` failed or returned no such output.
DEFAULTS = {"secrecy_rate": math.nan, "objective": math.nan, "iterations": None,
            "converged": False, "solver": None}


_controller: tuple[int, ThreadpoolController] | None = None


def one_thread() -> Any:
    """Return a context manager running every BLAS/OpenMP library loaded so far on one thread.

    The library scan (about 2 ms) is redone only after new modules were imported.
    """
    global _controller
    if _controller is None or _controller[0] != len(sys.modules):
        _controller = (len(sys.modules), ThreadpoolController())
    return _controller[1].limit(limits=1)


@dataclass(frozen=True)
class Chunk:
    """Drops of one sweep point, each with the methods still to run on it."""

    point: int
    x: float
    todo: tuple[tuple[int, tuple[str, ...]], ...]


def run_chunk(study: Study, seed: int, chunk: Chunk) -> Columns:
    """Rows of one chunk (runs in a worker); solver failures become rows with ``error``.

    Returns the columns ``study``, ``point``, ``x``, ``drop``, ``method``, ``seed``,
    ``seconds``, ``error``, the keys of :data:`DEFAULTS` and every other output ``solve``
    returned (``None`` in rows without it).
    """
    drops: list[int] = []
    methods: list[str] = []
    seconds: list[float] = []
    errors: list[str | None] = []
    outputs: list[Mapping[str, Any]] = []
    rngs = seeding.drop_rngs(seed, study.name, chunk.point, [drop for drop, _ in chunk.todo])
    clock, solve = time.perf_counter, study.solve
    with one_thread():
        instances: list[Any] = []
        draw_errors: list[str | None] = []
        for rng in rngs:
            try:
                instances.append(study.draw(chunk.x, rng))
                draw_errors.append(None)
            except Exception as exc:  # every method's row of this drop records it
                instances.append(None)
                draw_errors.append(f"{type(exc).__name__} while drawing: {exc}")
        todo_methods = dict.fromkeys(m for _, todo in chunk.todo for m in todo)
        warm(study, todo_methods)
        batched = _solve_batched(study, chunk, instances, draw_errors, todo_methods)
        for j, (drop, todo) in enumerate(chunk.todo):
            for method in todo:
                if (j, method) in batched:
                    took, out = batched[j, method]
                    seconds.append(took)
                    errors.append(None)
                    outputs.append(out)
                    continue
                out = {}
                error = draw_errors[j]
                start = clock()
                if error is None:
                    try:
                        out = solve(instances[j], method)
                    except Exception as exc:  # recorded in the row; the study goes on
                        error = f"{type(exc).__name__}: {exc}"
                seconds.append(clock() - start)
                errors.append(error)
                outputs.append(out if error is None else {})
            drops += [drop] * len(todo)
            methods += todo
    n = len(methods)
    columns: Columns = {"study": [study.name] * n, "point": [chunk.point] * n,
                        "x": [chunk.x] * n, "drop": drops, "method": methods, "seed": [seed] * n,
                        "seconds": seconds, "error": errors}
    keys = dict(DEFAULTS)
    for out in outputs:
        keys.update(out)  # only the keys matter here
    for key in keys:
        if key not in columns:  # the runner's own columns win over a solve output
            try:  # every row has it (no failure): a C-level gather
                columns[key] = list(map(itemgetter(key), outputs))
            except KeyError:
                default = DEFAULTS.get(key)
                columns[key] = [out.get(key, default) for out in outputs]
    return columns


def run_chunk_single_threaded(study: Study, seed: int, chunk: Chunk) -> Columns:
    """:func:`run_chunk` with Numba's parallel kernels on one thread (a Dask task).

    Threads and processes compose as in the process pool (:func:`~fastsec.experiments.pool.
    start_worker`): Dask's workers already fill the cores, so each task runs its kernels on
    one thread. Numba's thread count belongs to the calling thread; the task sets it for its
    own thread and puts it back, so nothing changes for the worker's other tasks or for a
    client whose tasks run in its own process. BLAS/OpenMP are pinned by :func:`run_chunk`.
    """
    before = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        return run_chunk(study, seed, chunk)
    finally:
        numba.set_num_threads(before)


def warm(study: Study, methods: Iterable[str]) -> None:
    """Run ``study.warm`` once per process and method before any timed call (compilation)."""
    if study.warm is None:
        return
    for method in methods:
        if (study.name, method) not in _warmed:
            study.warm(method)
            _warmed.add((study.name, method))


_warmed: set[tuple[str, str]] = set()


def _solve_batched(study: Study, chunk: Chunk, instances: list[Any],
                   draw_errors: list[str | None], methods: Iterable[str]
                   ) -> dict[tuple[int, str], tuple[float, Mapping[str, Any]]]:
    """(drop index, method) -> (seconds, row outputs) for the methods ``study.solve_batch`` ran.

    Each method gets one call on the chunk's drawn instances that need it; a row's seconds
    are the call's wall time divided by its drops. A failed call leaves its rows to the
    drop-by-drop loop of :func:`run_chunk`.
    """
    out: dict[tuple[int, str], tuple[float, Mapping[str, Any]]] = {}
    if study.solve_batch is None:
        return out
    for method in methods:
        idx = [j for j, (_, todo) in enumerate(chunk.todo)
               if method in todo and draw_errors[j] is None]
        if not idx:
            continue
        start = time.perf_counter()
        try:
            rows = study.solve_batch([instances[j] for j in idx], method)
        except Exception:  # noqa: BLE001 - solved again drop by drop, each error on its row
            continue
        took = (time.perf_counter() - start) / len(idx)
        out.update({(j, method): (took, row) for j, row in zip(idx, rows, strict=True)})
    return out


def concat(parts: Iterable[Columns]) -> Columns:
    """Join the columns of several chunks; a column missing from a chunk is ``None`` there."""
    parts = list(parts)
    keys = dict.fromkeys(k for part in parts for k in part)
    out: Columns = {key: [] for key in keys}
    for part in parts:
        n = len(part["method"])
        for key in keys:
            out[key].extend(part.get(key, [None] * n))
    return out
