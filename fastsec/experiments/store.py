"""Append-only, crash-safe results store: a directory of Parquet parts plus a JSON record.

Layout of a results directory::

    meta.json            study, parameters, seed, drops, versions (written atomically)
    parts/*.parquet      tidy rows, one small part per flush (each written atomically)
    .lock                held (``flock``) by the run writing here
    quarantine/          damaged or foreign parts set aside (kept for inspection)

Every file is first written to a hidden temporary name in its final directory, flushed to
disk and then renamed with :func:`os.replace`, so a reader (or a re-run after ``kill -9``)
sees either the whole part or none of it. Reading concatenates the parts and drops
duplicate keys (a compaction interrupted between writing the merged part and removing the
old ones leaves duplicates with identical content). Rows are keyed by (point, drop, method).

A store heals: every part carries the tag of its run (:func:`run_tag`, a hash of the
:data:`RESUME_KEYS` of ``meta.json``) and Parquet page checksums. A part that cannot be read
(truncated, corrupt) or that another run wrote is reported in one line (:class:`RunWarning`);
a run writing into the store (:meth:`ResultsStore.read` with ``heal=True``) moves it to
``quarantine/`` so that its rows are computed again. One run at a time writes into a
directory (:meth:`ResultsStore.lock`, released by the kernel however the run ends).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import uuid
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from fastsec.errors import ParameterError, RunWarning

#: Columns that identify a row.
KEY = ("point", "drop", "method")
#: Columns every row has, in this order; study-specific extras follow, sorted by name.
COLUMNS = ("study", "point", "x", "drop", "method", "seed", "secrecy_rate", "objective",
           "seconds", "iterations", "converged", "solver", "error")
#: Integer, float columns of :data:`COLUMNS` (the rest: iterations, converged and text).
_INTEGER = ("point", "drop", "seed")
_FLOAT = ("x", "secrecy_rate", "objective", "seconds")
#: Metadata entries every record written by a run has (reports and plots need them).
META_KEYS = ("study", "reproduces", "seed", "quick", "drops", "sweep", "methods", "params",
             "plot", "versions")
#: Metadata entries that identify a run: a re-run resumes only where they match, and a part
#: is this run's only if it carries their :func:`run_tag`.
RESUME_KEYS = ("study", "seed", "quick", "sweep", "methods", "params", "preset", "overrides")
_META = "meta.json"
_PARTS = "parts"
_LOCK = ".lock"
_QUARANTINE = "quarantine"
_TMP_PREFIX = ".tmp-"
#: Parquet key-value metadata entry holding a part's run tag.
_TAG = b"fastsec.run"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _atomic_write(path: Path, write: Any) -> None:
    """Write ``path`` via a temporary sibling and ``os.replace``; ``write(tmp_path)``."""
    tmp = path.with_name(f"{_TMP_PREFIX}{uuid.uuid4().hex}-{path.name}")
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(path.parent)


def check_writable(path: Path) -> None:
    """Raise :class:`ParameterError` unless ``path`` is, or can be made, a writable directory.

    Checks only: nothing is created.
    """
    probe = path.absolute()
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise ParameterError(f"out {str(path)!r} is not a directory: {str(probe)!r} is a file")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ParameterError(f"out {str(path)!r} is not writable ({str(probe)!r} is read-only)")


def run_tag(meta: Mapping[str, Any]) -> bytes:
    """Return the tag of the run described by ``meta``: a hash of its :data:`RESUME_KEYS`."""
    text = json.dumps({k: meta.get(k) for k in RESUME_KEYS}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32].encode("ascii")


def check_results_dir(path: Path) -> None:
    """Raise :class:`ParameterError` unless ``path`` can hold results (see :func:`check_writable`).

    It must be new, empty or a results directory (one with ``meta.json``, or holding only
    what a store writes, as after ``meta.json`` was lost, or while another run is writing its
    first ``meta.json`` through a temporary file): results never mix with other files.
    """
    check_writable(path)
    if (path.is_dir() and not (path / _META).is_file()
            and any(p.name not in (_PARTS, _LOCK, _QUARANTINE)
                    and not p.name.startswith(_TMP_PREFIX) for p in path.iterdir())):
        raise ParameterError(f"out {str(path)!r} is a non-empty directory holding no fastsec "
                             f"results; choose a new or empty directory")


def tidy(frame: pd.DataFrame, methods: Iterable[str] = ()) -> pd.DataFrame:
    """Give ``frame`` the fixed column order and dtypes; sort by (point, drop, method).

    Methods sort in the order of ``methods`` (the study's legend order); any other method
    sorts after them, alphabetically.
    ``iterations`` is a nullable integer (missing where a method failed), ``converged`` a
    bool, text columns are Python strings (``error`` is ``None`` where nothing failed).
    Columns are converted once each, straight to their NumPy dtype (no copy of the frame).
    """
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    n = len(frame)
    columns: dict[str, Any] = {}
    for col in COLUMNS:
        values = frame[col] if col in frame else pd.Series([None] * n, dtype=object)
        if col in _INTEGER:
            columns[col] = values.to_numpy(dtype=np.int64)
        elif col in _FLOAT:
            columns[col] = values.to_numpy(dtype=np.float64, na_value=np.nan)
        elif col == "iterations":
            columns[col] = values.astype("Int64").array
        elif col == "converged":
            columns[col] = values.fillna(False).to_numpy(dtype=bool)
        else:  # text
            columns[col] = pd.Series(values.to_numpy(dtype=object, na_value=None), dtype=object)
    for col in sorted(c for c in frame.columns if c not in COLUMNS):
        columns[col] = frame[col].reset_index(drop=True)
    codes, names = pd.factorize(columns["method"])
    methods = list(methods)
    rank = {m: i for i, m in enumerate(methods + sorted(set(names) - set(methods)))}
    order = np.lexsort((np.array([rank[m] for m in names], dtype=np.int64)[codes],
                        columns["drop"], columns["point"]))
    out = pd.DataFrame(columns, copy=False)
    if np.any(order != np.arange(n)):
        out = out.take(order).reset_index(drop=True)
    return out


class ResultsStore:
    """One study run's results directory (see the module docstring).

    Parameters
    ----------
    path : str or Path
        The directory. It is created by :meth:`initialise`, never by the constructor.

    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        self.parts = self.path / _PARTS
        self._tag: bytes | None = None

    def exists(self) -> bool:
        """Whether the directory holds a results record."""
        return (self.path / _META).is_file()

    def has_parts(self) -> bool:
        """Whether the directory holds a ``parts`` folder (rows, maybe without ``meta.json``)."""
        return self.parts.is_dir()

    def read_meta(self, *required: str) -> dict[str, Any]:
        """Return the metadata record; :class:`ParameterError` if it is missing or unreadable.

        A record lacking any of the ``required`` entries is unreadable.
        """
        try:
            meta = json.loads((self.path / _META).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ParameterError(f"{self.path} holds no fastsec results (no {_META})") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ParameterError(f"{self.path / _META} is unreadable ({exc}); running the "
                                 f"study into it again rewrites it") from None
        lacks = ("not a JSON object" if not isinstance(meta, dict) else
                 ", ".join(f"no {k!r}" for k in required if k not in meta))
        if lacks:
            raise ParameterError(f"{self.path / _META} is unreadable ({lacks}); running the "
                                 f"study into it again rewrites it")
        return meta

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the directory's write lock, creating the directory; wait while another run has it.

        An ``flock``: the kernel releases it however its holder ends (``kill -9`` included).
        A directory that cannot be created or written is a :class:`ParameterError`.
        """
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            fh = open(self.path / _LOCK, "a+", encoding="utf-8")  # noqa: SIM115 - held below
        except OSError as exc:
            raise ParameterError(f"cannot write results to {str(self.path)!r}: "
                                 f"{exc.strerror or exc}") from None
        with fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                fh.seek(0)
                holder = fh.read().strip() or "another process"
                warnings.warn(f"{self.path} is being written by another run ({holder}); "
                              f"waiting for it to finish, then resuming", RunWarning,
                              stacklevel=3)
                fcntl.flock(fh, fcntl.LOCK_EX)
            fh.seek(0)
            fh.truncate()
            fh.write(f"pid {os.getpid()}\n")
            fh.flush()
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def initialise(self, meta: Mapping[str, Any]) -> None:
        """Create the directory (if needed) and write ``meta`` atomically.

        Parts written afterwards carry ``meta``'s :func:`run_tag`. Stale temporary files left
        by an interrupted writer are removed (call with the :meth:`lock` held).
        """
        self.parts.mkdir(parents=True, exist_ok=True)
        for stale in self.parts.glob(f"{_TMP_PREFIX}*"):
            stale.unlink(missing_ok=True)
        text = json.dumps(dict(meta), indent=2, sort_keys=True)
        _atomic_write(self.path / _META, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        self._tag = run_tag(meta)

    def append(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Write ``rows`` as one new part; returns the number of rows written."""
        frame = pd.DataFrame(list(rows))
        if frame.empty:
            return 0
        self._write_part(pa.Table.from_pandas(frame, preserve_index=False))
        return len(frame)

    def append_columns(self, columns: Mapping[str, Sequence[Any]]) -> int:
        """Write rows given as columns (name -> equal-length values) as one new part.

        Reads back as :meth:`append` of the same rows would. Faster: Arrow infers the column
        types directly, without a pandas frame in between. Returns the number of rows written.
        """
        table = pa.table(dict(columns))
        if table.num_rows == 0:
            return 0
        self._write_part(table)
        return table.num_rows

    def _tag_now(self) -> bytes | None:
        """Return this run's tag: set by :meth:`initialise`, else from a readable ``meta.json``."""
        if self._tag is None and self.exists():
            try:
                self._tag = run_tag(self.read_meta())
            except ParameterError:
                return None
        return self._tag

    def _write_part(self, table: pa.Table) -> Path:
        """Write ``table`` as a new part tagged with this run; returns its path."""
        tag = self._tag_now()
        if tag is not None:
            table = table.replace_schema_metadata({**(table.schema.metadata or {}), _TAG: tag})
        path = self.parts / f"part-{os.getpid()}-{uuid.uuid4().hex}.parquet"
        _atomic_write(path, lambda tmp: pq.write_table(table, tmp, write_page_checksum=True))
        return path

    def _part_files(self) -> list[Path]:
        if not self.parts.is_dir():
            return []
        return sorted(p for p in self.parts.glob("part-*.parquet"))

    def _read_part(self, part: Path, tag: bytes | None, heal: bool) -> pa.Table | None:
        """One part's rows; ``None`` (reported, and set aside if ``heal``) if it is unusable.

        Raises :class:`FileNotFoundError` if the part vanished (a compaction merged it).
        """
        try:
            table = pq.read_table(part, page_checksum_verification=True)
        except FileNotFoundError:
            raise
        except (pa.ArrowException, OSError) as exc:
            text = (str(exc).splitlines() or [type(exc).__name__])[0]
            why = f"is unreadable ({text.rpartition(str(part) + chr(39) + ': ')[2]})"
        else:
            found = (table.schema.metadata or {}).get(_TAG)
            if tag is None or found == tag:
                return table
            why = "was written by another run"
        if heal:
            aside = self.path / _QUARANTINE
            aside.mkdir(exist_ok=True)
            os.replace(part, aside / part.name)
            action = f"moved to {aside}; its rows will be computed again"
        else:
            action = "skipped"
        warnings.warn(f"results {self.path}: part {part.name} {why}; {action}", RunWarning,
                      stacklevel=4)
        return None

    def read(self, heal: bool = False) -> pd.DataFrame:
        """All finished rows, deduplicated by (point, drop, method), tidied (see :func:`tidy`).

        Safe while a run appends or compacts: a part that vanishes between listing and
        reading was merged into a newer part, so the listing is taken again. An unusable part
        (unreadable, or another run's) is reported and skipped; with ``heal`` (the run that
        holds the :meth:`lock`) it is moved to ``quarantine/``.
        """
        methods = self.read_meta().get("methods", ()) if self.exists() else ()
        tag = self._tag_now()
        while True:
            try:
                tables = [self._read_part(part, tag, heal) for part in self._part_files()]
                break
            except FileNotFoundError:
                continue
        frames = [t.to_pandas() for t in tables if t is not None]
        if not frames:
            return tidy(pd.DataFrame(), methods)
        frame = pd.concat(frames, ignore_index=True)
        return tidy(frame.drop_duplicates(subset=list(KEY), keep="first"), methods)

    def compact(self) -> pd.DataFrame:
        """Merge all parts into one (written before the old parts are removed).

        Returns the table, as :meth:`read` would after the merge (without reading it again).
        """
        parts = self._part_files()
        frame = self.read()
        if len(parts) < 2:
            return frame
        merged = self._write_part(pa.Table.from_pandas(frame, preserve_index=False))
        for part in parts:
            if part != merged:
                part.unlink(missing_ok=True)
        _fsync_dir(self.parts)
        return frame
