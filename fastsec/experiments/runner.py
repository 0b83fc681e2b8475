"""Run a study serially, on local processes or on Dask, into a resumable results store.

The work is a list of chunks, each a few drops of one sweep point with the methods still
missing for each drop. A chunk draws every drop's instance once from its own seeded
generator (:mod:`fastsec.experiments.seeding`) and runs the missing methods on it, so the
rows are bit-identical whichever backend, worker count or order ran them (only the measured
wall ``seconds`` differ). Finished rows are buffered in the calling process and appended to
the store at most every ``flush_seconds``; an interruption loses at most the rows not yet
flushed, and re-running resumes from the store.

Workers are long-lived (a process pool or Dask workers), so each imports the study's modules
and loads its Numba kernels (``cache=True``) once, not once per drop.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.metadata
import json
import math
import multiprocessing
import os
import platform
import re
import tempfile
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from fastsec._validate import check_bool, check_int
from fastsec.errors import FastsecError, ParameterError, ParameterTypeError
from fastsec.experiments import registry
from fastsec.experiments.custom import customise
from fastsec.experiments.store import ResultsStore, check_results_dir
from fastsec.experiments.study import Study
from fastsec.experiments.work import Chunk, Columns, concat, run_chunk

#: Distributions whose versions are recorded in every results record.
RECORDED_VERSIONS = ("fastsec", "numpy", "numba", "scipy", "cvxpy", "clarabel", "pandas",
                     "pyarrow", "dask", "distributed")
#: Metadata entries that must match for a re-run to resume into an existing directory.
RESUME_KEYS = ("study", "seed", "quick", "sweep", "methods", "params", "preset", "overrides")
#: Value of a resume key in a record written before the key existed.
RESUME_DEFAULTS: dict[str, Any] = {"preset": None, "overrides": {}}
#: Most drops per chunk: bounds the rows lost with a killed worker.
MAX_CHUNK = 32
#: Guided self-scheduling: each chunk takes at most 1/(GUIDED_SHARE * workers) of the drops
#: still unplanned, so chunks shrink to single drops towards the end of a run and the
#: workers finish together even when the last sweep points are the slowest.
GUIDED_SHARE = 4
#: Work items queued per worker: enough to keep workers busy, few enough that finished
#: results never pile up (memory stays flat however many drops a study has).
IN_FLIGHT_PER_WORKER = 4
#: Environment of worker processes: one BLAS/OpenMP thread each. The parallelism comes from
#: the workers, and the solvers' small matrix products run far slower multi-threaded
#: (closed-form AAUC at N = 100, K = 10: 0.5 ms on one OpenBLAS thread, 47 ms on two).
#: Dask's nanny sets the same for its workers.
WORKER_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
#: Seconds to wait for a remote Dask scheduler.
DASK_CONNECT_TIMEOUT_S = 10


class WorkerError(FastsecError, RuntimeError):
    """A worker process died (killed, out of memory, crashed); finished rows are saved."""


def default_workers() -> int:
    """Cores this process may use (the default worker count)."""
    return len(os.sched_getaffinity(0))


@functools.cache
def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in RECORDED_VERSIONS:
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def metadata(study: Study, drops: int, seed: int, quick: bool) -> dict[str, Any]:
    """Return the results record of a run: what it is, with which settings and software."""
    meta = {
        "study": study.name,
        "reproduces": study.reproduces,
        "seed": seed,
        "quick": quick,
        "drops": drops,
        "sweep": {"name": study.sweep.name, "unit": study.sweep.unit,
                  "values": list(study.sweep.points(quick))},
        "methods": list(study.methods),
        "params": dict(study.params),
        "preset": study.preset,
        "overrides": dict(study.overrides),
        "plot": dataclasses.asdict(study.plot) | {"legend": dict(study.plot.legend)},
        "versions": dict(_versions()),
    }
    return json.loads(json.dumps(meta))  # the form it has once read back from disk


def _plan(study: Study, points: tuple[float, ...], drops: int, done: set[tuple[int, int, str]],
          workers: int, chunk: int | None) -> list[Chunk]:
    """Chunks of the (point, drop) pairs with methods still to run, in point-major order.

    ``chunk`` fixes the drops per chunk; by default chunk sizes follow guided
    self-scheduling (see :data:`GUIDED_SHARE`), never more than :data:`MAX_CHUNK`. A chunk
    never spans two sweep points.
    """
    pending: list[list[tuple[int, tuple[str, ...]]]] = []
    for p in range(len(points)):
        mine = []
        for d in range(drops):
            todo = (tuple(m for m in study.methods if (p, d, m) not in done) if done
                    else study.methods)
            if todo:
                mine.append((d, todo))
        pending.append(mine)
    left = sum(len(mine) for mine in pending)
    chunks = []
    for p, (x, mine) in enumerate(zip(points, pending, strict=True)):
        i = 0
        while i < len(mine):
            size = chunk or min(MAX_CHUNK, math.ceil(left / (GUIDED_SHARE * workers)))
            chunks.append(Chunk(p, float(x), tuple(mine[i:i + size])))
            i += size
            left -= len(chunks[-1].todo)
    return chunks


def _serial(study: Study, seed: int, chunks: list[Chunk]) -> Iterator[Columns]:
    for c in chunks:
        yield run_chunk(study, seed, c)


@contextmanager
def single_threaded_children() -> Iterator[None]:
    """Set :data:`WORKER_ENV` (where unset) for processes started inside the block.

    BLAS and OpenMP read these when they load, so they must be in a worker's environment
    when it starts; the parent's own libraries are already loaded and unaffected.
    """
    added = {k: v for k, v in WORKER_ENV.items() if k not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for key in added:
            os.environ.pop(key, None)


def _processes(study: Study, seed: int, chunks: list[Chunk],
               workers: int) -> Iterator[Columns]:
    with single_threaded_children():
        yield from _pool(study, seed, chunks, workers)


def _pool(study: Study, seed: int, chunks: list[Chunk], workers: int) -> Iterator[Columns]:
    ctx = multiprocessing.get_context("spawn")  # no fork of a threaded parent
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
    todo = iter(chunks)
    pending = {pool.submit(run_chunk, study, seed, c)
               for c in islice(todo, IN_FLIGHT_PER_WORKER * workers)}
    try:
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                nxt = next(todo, None)
                if nxt is not None:
                    pending.add(pool.submit(run_chunk, study, seed, nxt))
                yield fut.result()
    except BrokenProcessPool as exc:
        raise WorkerError(f"a worker process died ({exc}); finished rows are saved, run the "
                          f"same command again to resume") from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _dask_client(scheduler: str | Mapping[str, Any], workers: int) -> tuple[Any, Any]:
    """Connect to (or start) the Dask cluster; an unreachable address is a ParameterError."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - dask is an optional dependency
        raise ParameterError("scheduler needs dask: pip install 'fastsec[dask]'") from None
    if isinstance(scheduler, Mapping) or scheduler.startswith("local"):
        if isinstance(scheduler, Mapping):
            spec = dict(scheduler)
        else:
            count = scheduler.partition(":")[2]
            spec = {"n_workers": int(count) if count else workers}
        spec = {"threads_per_worker": 1, "processes": True, "host": "127.0.0.1",
                "dashboard_address": None} | spec
        cluster = LocalCluster(**spec)
        return Client(cluster), cluster
    try:
        return Client(scheduler, timeout=DASK_CONNECT_TIMEOUT_S), None
    except (OSError, ValueError, TimeoutError) as exc:
        raise ParameterError(f"cannot reach the Dask scheduler {scheduler!r}: {exc}") from None


def _dask(study: Study, seed: int, chunks: list[Chunk], client: Any) -> Iterator[Columns]:
    from distributed import as_completed as dask_completed

    slots = IN_FLIGHT_PER_WORKER * max(1, sum(client.nthreads().values()))
    todo = iter(chunks)
    pending = dask_completed([client.submit(run_chunk, study, seed, c, pure=False)
                              for c in islice(todo, slots)])
    try:
        for fut in pending:
            nxt = next(todo, None)
            if nxt is not None:
                pending.add(client.submit(run_chunk, study, seed, nxt, pure=False))
            yield fut.result()
            fut.release()
    finally:
        pending.clear()


def _check_scheduler(scheduler: object) -> None:
    if scheduler is None or isinstance(scheduler, Mapping):
        return
    if not isinstance(scheduler, str) or not scheduler:
        raise ParameterTypeError(
            f"scheduler must be None, a Dask address ('tcp://host:port'), 'local', 'local:N' "
            f"or a LocalCluster keyword mapping, got {scheduler!r}")
    if scheduler.startswith("local") and not re.fullmatch(r"local(:[1-9][0-9]*)?", scheduler):
        raise ParameterError(f"scheduler {scheduler!r}: a local cluster is 'local' or 'local:N'"
                             f" with N >= 1")


def _check_resume(store: ResultsStore, meta: Mapping[str, Any]) -> None:
    if not store.exists():
        return
    old = store.read_meta()
    differ = [k for k in RESUME_KEYS if old.get(k, RESUME_DEFAULTS.get(k)) != meta[k]]
    if differ:
        raise ParameterError(
            f"{store.path} holds results of another run (study {old.get('study')!r}, seed "
            f"{old.get('seed')}, quick={old.get('quick')}; differs in {', '.join(differ)}); "
            f"choose another out directory")


def run(
    study: Study | str,
    drops: int | None = None,
    seed: int = 0,
    workers: int | None = None,
    scheduler: str | Mapping[str, Any] | None = None,
    out: str | os.PathLike | None = None,
    quick: bool = False,
    *,
    preset: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    sweep: Mapping[str, Any] | None = None,
    progress: bool = False,
    chunk: int | None = None,
    flush_seconds: float = 1.0,
) -> pd.DataFrame:
    """Run (or resume) a study and return its table.

    Parameters
    ----------
    study : Study or str
        The study or its registered name (see ``fastsec list``).
    drops : int, optional
        Drops per sweep point (>= 1); default the paper's count (``study.drops``), or
        ``study.quick_drops`` when ``quick``.
    seed : int
        Root seed (>= 0); with the study name, point and drop index it fixes every draw.
    workers : int, optional
        Worker processes (>= 1); default all cores this process may use. ``1`` without a
        ``scheduler`` runs serially in this process.
    scheduler : str or Mapping, optional
        Run on Dask: a scheduler address (``"tcp://host:8786"``), ``"local"`` /
        ``"local:N"`` (a loopback ``LocalCluster`` of ``workers`` / N single-threaded worker
        processes), or a mapping of ``LocalCluster`` keyword arguments.
    out : str or PathLike, optional
        Results directory (created if missing). A re-run with the same study, seed and quick
        flag resumes there, skipping finished rows. ``None`` uses a temporary directory.
    quick : bool
        Run the study's quick form (fewer sweep points and drops).
    preset : str, optional
        Run under one of the study's named presets (``study.presets``; for the OAM studies
        :data:`fastsec.oam.PRESETS`).
    overrides : Mapping[str, Any], optional
        Scenario field -> value, set on top of the study's settings and the preset.
    sweep : Mapping[str, Any], optional
        ``{FIELD: values}``: replaces the study's sweep (its own sweep name, or a numeric
        scenario field). ``preset``, ``overrides`` and ``sweep`` are applied by
        :func:`fastsec.experiments.custom.customise`, recorded in ``meta.json`` and part of
        what a resumed run must match.
    progress : bool
        Show a progress bar with ETA on stderr.
    chunk : int, optional
        Drops per work item (>= 1); default guided sizes (:data:`GUIDED_SHARE`), at most
        :data:`MAX_CHUNK`.
    flush_seconds : float
        Finished rows are appended to the store at most this often [s] (and at the end).

    Returns
    -------
    pandas.DataFrame
        One row per (sweep point, drop < ``drops``, method), columns
        :data:`fastsec.experiments.store.COLUMNS` then the study's extra columns; sorted by
        point, drop and the study's method order.

    Raises
    ------
    ParameterError, ParameterTypeError
        Bad arguments, an unknown study, an unwritable ``out``, or an ``out`` holding
        another run's results; raised before anything is written.

    """
    if isinstance(study, str):
        study = registry.get(study)
    elif not isinstance(study, Study):
        raise ParameterTypeError(f"study must be a Study or a study name, got {study!r}")
    study = customise(study, preset, overrides, sweep)
    check_bool("quick", quick)
    drops = (study.quick_drops if quick else study.drops) if drops is None else drops
    drops = check_int("drops", drops, 1)
    seed = check_int("seed", seed, 0)
    workers = default_workers() if workers is None else check_int("workers", workers, 1)
    if chunk is not None:
        chunk = check_int("chunk", chunk, 1)
    _check_scheduler(scheduler)
    meta = metadata(study, drops, seed, quick)
    if out is None:
        with tempfile.TemporaryDirectory(prefix="fastsec-") as tmp:
            return _run(study, meta, ResultsStore(tmp), workers, scheduler, progress, chunk,
                        flush_seconds)
    check_results_dir(Path(out))
    store = ResultsStore(out)
    _check_resume(store, meta)
    return _run(study, meta, store, workers, scheduler, progress, chunk, flush_seconds)


def _run(study: Study, meta: dict[str, Any], store: ResultsStore, workers: int,
         scheduler: str | Mapping[str, Any] | None, progress: bool, chunk: int | None,
         flush_seconds: float) -> pd.DataFrame:
    points, drops, seed = tuple(meta["sweep"]["values"]), meta["drops"], meta["seed"]
    done = set(store.read()[["point", "drop", "method"]].itertuples(index=False, name=None))
    chunks = _plan(study, points, drops, done, workers, chunk)
    client, cluster = _dask_client(scheduler, workers) if scheduler is not None else (None, None)
    try:
        store.initialise(meta)
        if client is not None:
            results = _dask(study, seed, chunks, client)
        elif workers == 1 or len(chunks) <= 1:
            results = _serial(study, seed, chunks)
        else:
            results = _processes(study, seed, chunks, min(workers, len(chunks)))
        _drain(results, store, study.name, sum(len(m) for c in chunks for _, m in c.todo),
               progress, flush_seconds)
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    table = store.compact()
    keep = (table["drop"] < drops) & (table["point"] < len(points))
    return table[keep].reset_index(drop=True)


def _drain(results: Iterator[Columns], store: ResultsStore, name: str, total: int,
           progress: bool, flush_seconds: float) -> None:
    """Append rows from ``results`` to ``store`` at most every ``flush_seconds``, and at exit."""
    buffer: list[Columns] = []
    last_flush = time.monotonic()
    with tqdm(total=total, disable=not progress, unit="row", desc=name,
              dynamic_ncols=True) as bar:
        try:
            for columns in results:
                buffer.append(columns)
                bar.update(len(columns["method"]))
                if time.monotonic() - last_flush >= flush_seconds:
                    store.append_columns(concat(buffer))
                    buffer, last_flush = [], time.monotonic()
        finally:
            store.append_columns(concat(buffer))
