"""The one place that fixes the Numba options for every kernel.

``cache=True`` so that test processes, benchmark runs and study workers compile each
kernel once per machine; ``error_model="numpy"`` so that division by zero gives ``inf``/``nan``
as NumPy does (callers check results, they never rely on exceptions from arithmetic);
fastmath stays off so that results match the NumPy reference twins bit-for-bit where the
operation order is the same.
"""

from __future__ import annotations

import numba

JIT_OPTIONS = {"cache": True, "error_model": "numpy", "fastmath": False, "nogil": True}


def jit(*args, **overrides):
    """``numba.njit`` with fastsec's options; use bare (``@jit``) or with overrides."""
    options = {**JIT_OPTIONS, **overrides}
    if len(args) == 1 and callable(args[0]) and not overrides:
        return numba.njit(**options)(args[0])
    return numba.njit(*args, **options)
