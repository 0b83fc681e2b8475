"""Shared test settings.

``REDUCED`` is true in CI (``CI`` or ``FASTSEC_REDUCED`` set): tests marked ``slow`` still run
there, on smaller problem sizes, so that the whole suite fits the CI budget on 2 cores.
"""

import os

import numpy as np
import pytest

REDUCED = bool(os.environ.get("CI") or os.environ.get("FASTSEC_REDUCED"))


@pytest.fixture
def rng():
    """A seeded generator; every test that draws uses one."""
    return np.random.default_rng(20261123)


@pytest.fixture
def reduced():
    """Whether heavy tests should shrink their problem sizes."""
    return REDUCED
