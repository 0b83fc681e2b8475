"""Numba's on-disk cache, invalidated by a change to any kernel source.

Numba checks a cached function against its own source file only (numba/numba#1833): a kernel
that calls or inlines a function from another module keeps running the cached machine code
of the old callee after that module changes (after ``git pull``, or an edit). Here every
cached function under a registered source tree gets Numba's own locator (same cache
directory, same file names) with a source stamp that also holds a digest of every ``*.py``
file of the tree and of the extra files given (modules whose constants the kernels read):
a change to any of them recompiles every kernel of the tree once.

:func:`cache_by_source_tree` registers a tree; :mod:`fastsec.kernels._jit` registers the
kernels with :mod:`fastsec.units`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from numba.core import caching

#: Numba's cache implementation class holding the locator classes it tries in order
#: (``CacheImpl`` in recent Numba, ``_CacheImpl`` in older releases).
_IMPL = next(getattr(caching, name) for name in ("CacheImpl", "_CacheImpl")
             if hasattr(caching, name))


def source_digest(root: Path, extra: tuple[Path, ...] = ()) -> str:
    """SHA-256 over the relative paths and bytes of ``root/**/*.py`` and ``extra``."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    for path in extra:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def cache_by_source_tree(root: Path, extra: tuple[Path, ...] = ()) -> type:
    """Key the cache of every function defined under ``root`` on all of its sources.

    ``root`` (a directory) and ``extra`` (files) are read once, now. Returns the locator class
    put first in Numba's list; calling this twice for the same tree adds nothing.
    """
    root = root.resolve()
    for known in _IMPL._locator_classes:
        if getattr(known, "root", None) == root:
            return known
    stamp = source_digest(root, extra)

    class SourceTreeLocator(caching._CacheLocator):
        """Numba's locator for the function, with :func:`source_digest` in its stamp."""

        root: Path

        def __init__(self, inner: caching._CacheLocator) -> None:
            self._inner = inner

        def ensure_cache_path(self) -> None:
            self._inner.ensure_cache_path()

        def get_cache_path(self) -> str:
            return self._inner.get_cache_path()

        def get_disambiguator(self) -> str:
            return self._inner.get_disambiguator()

        def get_source_stamp(self) -> tuple:
            return self._inner.get_source_stamp(), stamp

        @classmethod
        def from_function(cls, py_func, py_file):
            if not Path(py_file).resolve().is_relative_to(root):
                return None
            for other in _IMPL._locator_classes:
                inner = None if other is cls else other.from_function(py_func, py_file)
                if inner is not None:
                    return cls(inner)
            return None

    SourceTreeLocator.root = root
    _IMPL._locator_classes.insert(0, SourceTreeLocator)
    return SourceTreeLocator
