"""Run a study serially, on local processes or on Dask, into a resumable results store.

The work is a list of chunks, each a few drops of one sweep point with the methods still
missing for each drop. A chunk draws every drop's instance once from its own seeded
generator (:mod:`fastsec.experiments.seeding`) and runs the missing methods on it, so the
rows are bit-identical whichever backend, worker count or order ran them (only the measured
wall ``seconds`` differ). The calling process appends each chunk's rows to the store as the
chunk finishes (one small atomic part, ≈ 2 ms), so ``kill -9`` of the run loses at most the
rows in flight (chunks being computed), and re-running resumes from the store.
``flush_seconds > 0`` buffers finished rows for that long instead (fewer parts, e.g. on a
slow network file system), and the buffer is still written when the run stops on Ctrl-C,
SIGTERM or an error. One run at a time writes into a results directory: a
second run into it waits for the first, then resumes (every row is computed once).

Workers are long-lived (a loky process pool, :mod:`fastsec.experiments.pool`, or Dask
workers), so each imports the study's modules and loads its Numba kernels (``cache=True``)
once, not once per drop. They end with their run, however it ends.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.metadata
import json
import logging
import math
import os
import platform
import re
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator, Mapping
from itertools import islice
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm.auto import tqdm

from fastsec._validate import check_bool, check_int, check_real
from fastsec.errors import FastsecError, ParameterError, ParameterTypeError, RunWarning
from fastsec.experiments import pool, registry
from fastsec.experiments.custom import customise
from fastsec.experiments.interrupt import Terminated, sigterm_raises
from fastsec.experiments.pool import IN_FLIGHT_PER_WORKER
from fastsec.experiments.store import RESUME_KEYS, ResultsStore, check_results_dir
from fastsec.experiments.study import Study
from fastsec.experiments.work import (
    Chunk,
    Columns,
    concat,
    run_chunk,
    run_chunk_single_threaded,
)

#: Distributions whose versions are recorded in every results record.
RECORDED_VERSIONS = ("fastsec", "numpy", "numba", "scipy", "cvxpy", "clarabel", "pandas",
                     "pyarrow", "dask", "distributed")
#: Value of a resume key in a record written before the key existed.
RESUME_DEFAULTS: dict[str, Any] = {"preset": None, "overrides": {}}
#: Most drops per chunk: bounds the rows lost with a killed worker.
MAX_CHUNK = 32
#: Guided self-scheduling: each chunk takes at most 1/(GUIDED_SHARE * workers) of the drops
#: still unplanned, so chunks shrink to single drops towards the end of a run and the
#: workers finish together even when the last sweep points are the slowest.
GUIDED_SHARE = 4
#: Largest root seed: it is stored as a 64-bit signed integer.
MAX_SEED = 2**63 - 1
#: Most drops per point: a drop index is one 32-bit word of its seed
#: (:func:`fastsec.experiments.seeding.drop_rngs`).
MAX_DROPS = 2**32
#: Most worker processes or Dask workers one run asks for.
MAX_WORKERS = 4096
#: Seconds to wait for a remote Dask scheduler.
DASK_CONNECT_TIMEOUT_S = 10


class WorkerError(FastsecError, RuntimeError):
    """A worker process died (killed, out of memory, crashed); the message says how, if known.

    Finished rows are saved where ``out`` names a results directory (run again to resume);
    with ``out=None`` they were in a temporary directory, now removed.
    """


def resume_hint(out: str | os.PathLike | None) -> str:
    """Say what became of a stopped run's finished rows, and how to resume."""
    if out is None:
        return ("its rows were in a temporary directory (out=None) and are lost; give an out "
                "directory to keep finished rows and resume")
    return f"finished rows are saved in {os.fspath(out)}; run the same command again to resume"


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


def _processes(study: Study, seed: int, chunks: list[Chunk], workers: int,
               out: str | os.PathLike | None) -> Iterator[Columns]:
    try:
        yield from pool.imap_unordered(run_chunk, ((study, seed, c) for c in chunks), workers)
    except pool.WorkerDied as exc:
        raise WorkerError(f"a worker process died: {exc.reason}; {resume_hint(out)}") from None


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
        # dashboard on a free port (8787 may be taken by another cluster); silence_logs: a
        # cluster closed under running tasks (Ctrl-C, SIGTERM) would log a
        # warning per cancelled task; errors still show
        spec = {"threads_per_worker": 1, "processes": True, "host": "127.0.0.1",
                "dashboard_address": ":0", "silence_logs": logging.ERROR} | spec
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
    task = run_chunk_single_threaded  # workers fill the cores: one Numba thread per task
    pending = dask_completed([client.submit(task, study, seed, c, pure=False)
                              for c in islice(todo, slots)])
    try:
        for fut in pending:
            nxt = next(todo, None)
            if nxt is not None:
                pending.add(client.submit(task, study, seed, nxt, pure=False))
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
    """Refuse ``store`` if it holds another run; report a lost or unreadable ``meta.json``."""
    if not store.exists():
        if store.has_parts():
            warnings.warn(f"results {store.path}: meta.json is missing; it is written again, "
                          f"and only rows of this run are kept", RunWarning, stacklevel=4)
        return
    try:
        old = store.read_meta()
    except ParameterError as exc:
        warnings.warn(f"{exc}; only rows of this run are kept", RunWarning, stacklevel=4)
        return
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
    flush_seconds: float = 0.0,
) -> pd.DataFrame:
    """Run (or resume) a study and return its table.

    Parameters
    ----------
    study : Study or str
        The study or its registered name (see ``fastsec list``).
    drops : int, optional
        Drops per sweep point (1 to 2**32); default the paper's count (``study.drops``), or
        ``study.quick_drops`` when ``quick``.
    seed : int
        Root seed (0 <= seed < 2**63); with the study name, point and drop index it fixes
        every draw.
    workers : int, optional
        Worker processes (1 to 4096); default all cores this process may use. ``1`` without a
        ``scheduler`` runs serially in this process, and so does a call from where workers
        cannot start (a script's top level without an ``if __name__ == "__main__":``
        guard, a program read from standard input), with a one-line
        :class:`~fastsec.errors.RunWarning`.
    scheduler : str or Mapping, optional
        Run on Dask: a scheduler address (``"tcp://host:8786"``), ``"local"`` /
        ``"local:N"`` (a loopback ``LocalCluster`` of ``workers`` / N single-threaded worker
        processes), or a mapping of ``LocalCluster`` keyword arguments.
    out : str or PathLike, optional
        Results directory (created if missing). A re-run with the same study, seed and quick
        flag resumes there, skipping finished rows; damaged or foreign parts are set aside
        (one-line :class:`RunWarning`) and their rows computed again. A run into a directory
        another run is writing waits for it. ``None`` uses a temporary directory.
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
        0 (default): each chunk's rows are appended to the store as soon as it finishes, so
        ``kill -9`` loses only chunks in flight. Otherwise finished rows are appended at most
        this often [s] (and when the run stops).

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
    WorkerError
        A worker process died; says how, if known, and whether the run can resume.
    fastsec.experiments.interrupt.Terminated
        SIGTERM arrived (a ``SystemExit`` with status 143): finished rows were saved, as on
        Ctrl-C (``KeyboardInterrupt``). Where the caller set no SIGTERM handler, one line on
        stderr says so.

    """
    if isinstance(study, str):
        study = registry.get(study)
    elif not isinstance(study, Study):
        raise ParameterTypeError(f"study must be a Study or a study name, got {study!r}")
    study = customise(study, preset, overrides, sweep)
    check_bool("quick", quick)
    drops = (study.quick_drops if quick else study.drops) if drops is None else drops
    drops = check_int("drops", drops, 1, MAX_DROPS)
    seed = check_int("seed", seed, 0, MAX_SEED)
    workers = (default_workers() if workers is None
               else check_int("workers", workers, 1, MAX_WORKERS))
    if chunk is not None:
        chunk = check_int("chunk", chunk, 1)
    flush_seconds = check_real("flush_seconds", flush_seconds, 0.0, 3600.0)
    _check_scheduler(scheduler)
    meta = metadata(study, drops, seed, quick)
    if out is not None:
        check_results_dir(Path(out))
    args = (study, meta, workers, scheduler, progress, chunk, flush_seconds, out)
    with sigterm_raises() as own_handler:
        try:
            if out is None:
                with tempfile.TemporaryDirectory(prefix="fastsec-") as tmp:
                    return _run(ResultsStore(tmp), *args)
            store = ResultsStore(out)
            with store.lock():
                _check_resume(store, meta)
                return _run(store, *args)
        except Terminated:
            if own_handler:
                print(f"fastsec: terminated (SIGTERM); {resume_hint(out)}", file=sys.stderr)
            raise


def _backend(scheduler: str | Mapping[str, Any] | None, workers: int, chunks: list[Chunk]
             ) -> str:
    """Return what runs ``chunks``: ``"serial"``, ``"processes"`` or ``"dask"``.

    Where worker processes cannot start from the caller (:func:`pool.spawn_problem`), a run
    that would start them goes serially, with a one-line :class:`RunWarning`.
    """
    remote = isinstance(scheduler, str) and not scheduler.startswith("local")
    if scheduler is None and (workers == 1 or len(chunks) <= 1):
        return "serial"
    problem = None if remote else pool.spawn_problem()
    if problem is not None:
        warnings.warn(f"running serially: {problem}", RunWarning, stacklevel=5)
        return "serial"
    return "processes" if scheduler is None else "dask"


def _run(store: ResultsStore, study: Study, meta: dict[str, Any], workers: int,
         scheduler: str | Mapping[str, Any] | None, progress: bool, chunk: int | None,
         flush_seconds: float, out: str | os.PathLike | None) -> pd.DataFrame:
    points, drops, seed = tuple(meta["sweep"]["values"]), meta["drops"], meta["seed"]
    store.initialise(meta)
    done = set(store.read(heal=True)[["point", "drop", "method"]].itertuples(index=False,
                                                                          name=None))
    chunks = _plan(study, points, drops, done, workers, chunk)
    backend = _backend(scheduler, workers, chunks)
    client, cluster = (_dask_client(scheduler, workers)
                       if backend == "dask" and scheduler is not None else (None, None))
    try:
        if client is not None:
            results = _dask(study, seed, chunks, client)
        elif backend == "serial":
            results = _serial(study, seed, chunks)
        else:
            results = _processes(study, seed, chunks, min(workers, len(chunks)), out)
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
    """Append rows from ``results`` to ``store`` as they come (or every ``flush_seconds``)."""
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
