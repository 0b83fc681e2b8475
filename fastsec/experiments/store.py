"""Append-only, crash-safe results store: a directory of Parquet parts plus a JSON record.

Layout of a results directory::

    meta.json            study, parameters, seed, drops, versions (written atomically)
    parts/*.parquet      tidy rows, one small part per flush (each written atomically)

Every file is first written to a hidden temporary name in its final directory, flushed to
disk and then renamed with :func:`os.replace`, so a reader (or a re-run after ``kill -9``)
sees either the whole part or none of it. Reading concatenates the parts and drops
duplicate keys (a compaction interrupted between writing the merged part and removing the
old ones leaves duplicates with identical content). Rows are keyed by (point, drop, method).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from fastsec.errors import ParameterError

#: Columns that identify a row.
KEY = ("point", "drop", "method")
#: Columns every row has, in this order; study-specific extras follow, sorted by name.
COLUMNS = ("study", "point", "x", "drop", "method", "seed", "secrecy_rate", "objective",
           "seconds", "iterations", "converged", "solver", "error")
#: Integer, float columns of :data:`COLUMNS` (the rest: iterations, converged and text).
_INTEGER = ("point", "drop", "seed")
_FLOAT = ("x", "secrecy_rate", "objective", "seconds")
_META = "meta.json"
_PARTS = "parts"
_TMP_PREFIX = ".tmp-"


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


def check_results_dir(path: Path) -> None:
    """Raise :class:`ParameterError` unless ``path`` can hold results (see :func:`check_writable`).

    It must be new, empty or a results directory: results never mix with other files.
    """
    check_writable(path)
    if path.is_dir() and any(path.iterdir()) and not (path / _META).is_file():
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

    def exists(self) -> bool:
        """Whether the directory holds a results record."""
        return (self.path / _META).is_file()

    def read_meta(self) -> dict[str, Any]:
        """Return the metadata record; :class:`ParameterError` if the directory holds none."""
        try:
            return json.loads((self.path / _META).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ParameterError(f"{self.path} holds no fastsec results (no {_META})") from None

    def initialise(self, meta: Mapping[str, Any]) -> None:
        """Create the directory (if needed) and write ``meta`` atomically.

        Stale temporary files left by an interrupted writer are removed.
        """
        self.parts.mkdir(parents=True, exist_ok=True)
        for stale in self.parts.glob(f"{_TMP_PREFIX}*"):
            stale.unlink(missing_ok=True)
        text = json.dumps(dict(meta), indent=2, sort_keys=True)
        _atomic_write(self.path / _META, lambda tmp: tmp.write_text(text, encoding="utf-8"))

    def append(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Write ``rows`` as one new part; returns the number of rows written."""
        frame = pd.DataFrame(list(rows))
        if frame.empty:
            return 0
        self._write_part(lambda tmp: frame.to_parquet(tmp, index=False))
        return len(frame)

    def append_columns(self, columns: Mapping[str, Sequence[Any]]) -> int:
        """Write rows given as columns (name -> equal-length values) as one new part.

        Reads back as :meth:`append` of the same rows would. Faster: Arrow infers the column
        types directly, without a pandas frame in between. Returns the number of rows written.
        """
        table = pa.table(dict(columns))
        if table.num_rows == 0:
            return 0
        self._write_part(lambda tmp: pq.write_table(table, tmp))
        return table.num_rows

    def _write_part(self, write: Any) -> None:
        name = f"part-{os.getpid()}-{uuid.uuid4().hex}.parquet"
        _atomic_write(self.parts / name, write)

    def _part_files(self) -> list[Path]:
        if not self.parts.is_dir():
            return []
        return sorted(p for p in self.parts.glob("part-*.parquet"))

    def read(self) -> pd.DataFrame:
        """All finished rows, deduplicated by (point, drop, method), tidied (see :func:`tidy`).

        Safe while a run appends or compacts: a part that vanishes between listing and
        reading was merged into a newer part, so the listing is taken again.
        """
        methods = self.read_meta().get("methods", ()) if self.exists() else ()
        while True:
            try:
                frames = [pd.read_parquet(part) for part in self._part_files()]
                break
            except FileNotFoundError:
                continue
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
        merged = self.parts / f"part-{os.getpid()}-{uuid.uuid4().hex}.parquet"
        _atomic_write(merged, lambda tmp: frame.to_parquet(tmp, index=False))
        for part in parts:
            part.unlink(missing_ok=True)
        _fsync_dir(self.parts)
        return frame
