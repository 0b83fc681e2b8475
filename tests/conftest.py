"""Shared test settings.

``REDUCED`` is true in CI (``CI`` or ``FASTSEC_REDUCED`` set): tests marked ``slow`` still run
there, on smaller problem sizes, so that the whole suite fits the CI budget on 2 cores.

BLAS runs single-threaded in tests: the problems are small, and on a loaded 2-core machine
OpenBLAS threads oversubscribe the cores (a 10 ms solve took 190 ms).
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402  (after the BLAS thread settings)
import pytest  # noqa: E402

REDUCED = bool(os.environ.get("CI") or os.environ.get("FASTSEC_REDUCED"))


@pytest.fixture
def rng():
    """A seeded generator; every test that draws uses one."""
    return np.random.default_rng(20261123)


@pytest.fixture
def reduced():
    """Whether heavy tests should shrink their problem sizes."""
    return REDUCED
