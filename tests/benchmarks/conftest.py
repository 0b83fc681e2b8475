"""pytest-benchmark comparisons: each fastsec path beside its reference, grouped.

Every test in this directory carries the ``benchmark`` marker and is deselected by default
(``addopts = -m 'not benchmark'``); run them with ``pytest -m benchmark tests/benchmarks``.
"""

import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/benchmarks" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.benchmark)
