"""The one place that fixes the Numba options for every kernel.

``cache=True`` so that test processes, benchmark runs and study workers compile each
kernel once per machine; ``error_model="numpy"`` so that division by zero gives ``inf``/``nan``
as NumPy does (callers check results, they never rely on exceptions from arithmetic);
fastmath stays off so that results match the NumPy reference twins bit-for-bit where the
operation order is the same. The cache is keyed on every kernel source and
:mod:`fastsec.units` (:mod:`fastsec.kernels._cache`), not only on each function's own file.
"""

from __future__ import annotations

from pathlib import Path

import numba

from fastsec import units

from ._cache import cache_by_source_tree

JIT_OPTIONS = {"cache": True, "error_model": "numpy", "fastmath": False, "nogil": True}


cache_by_source_tree(Path(__file__).parent, (Path(units.__file__),))


def jit(*args, **overrides):
    """``numba.njit`` with fastsec's options; use bare (``@jit``) or with overrides."""
    options = {**JIT_OPTIONS, **overrides}
    if len(args) == 1 and callable(args[0]) and not overrides:
        return numba.njit(**options)(args[0])
    return numba.njit(*args, **options)
