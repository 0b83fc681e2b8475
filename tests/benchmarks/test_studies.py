"""pytest-benchmark: the runner and results store beside the fastest method they run.

Run with ``pytest -m benchmark tests/benchmarks/test_studies.py
--benchmark-columns=mean,rounds``. Each group times ``DROPS`` drops of ``aauc-fig3c`` at
one K: the runner and store alone (a study whose draw and solve do nothing, three methods
per drop as in Fig. 3c), beside closed-form AAUC (the fastest method) solving the same
number of drops. The acceptance bound is runner + store <= 5 % of the closed form.
"""

import tempfile

import pytest

from fastsec.experiments import PlotSpec, Study, Sweep, get, run, seeding

DROPS = 100
METHODS = ("sco", "closed_form", "bfom")


def _nothing(x, rng):
    return None


def _constant(instance, method):
    return {"secrecy_rate": 1.0, "objective": 1.0, "iterations": 1, "converged": True,
            "solver": "none"}


NOOP = Study("bench-noop", "runner overhead", Sweep("K", (10.0,)), METHODS, DROPS, 1, _nothing,
             _constant, PlotSpec("K", "rate", {m: m for m in METHODS}))


@pytest.mark.parametrize("K", [10, 100])
@pytest.mark.parametrize("path", ["runner+store", "closed_form solve"])
def test_runner_overhead_vs_fastest_method(benchmark, K, path):
    benchmark.group = f"{DROPS} drops of aauc-fig3c at K={K}"
    if path == "runner+store":
        def bench():
            with tempfile.TemporaryDirectory() as out:
                return len(run(NOOP, drops=DROPS, workers=1, out=out))
        expected = DROPS * len(METHODS)
    else:
        study = get("aauc-fig3c")
        instances = [study.draw(float(K), seeding.drop_rng(0, study.name, 0, d))
                     for d in range(DROPS)]

        def bench():
            return sum(study.solve(i, "closed_form")["iterations"] >= 0 for i in instances)
        expected = DROPS
    bench()  # warm-up: imports, JIT, first Parquet write
    assert benchmark.pedantic(bench, rounds=3, iterations=1) == expected
