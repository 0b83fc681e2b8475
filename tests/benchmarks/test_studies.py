"""pytest-benchmark: the runner and results store beside the fastest method they run.

Run with ``pytest -m benchmark tests/benchmarks/test_studies.py
--benchmark-columns=min,mean,rounds -s``. Each group (one K of ``aauc-fig3c``, N = 100) holds:

``closed_form solve``
    ``DROPS`` closed-form solves of fixed drops (the fastest method of the figure).
``runner+store``
    One serial ``run`` of the figure at that K, ``DROPS`` drops with the figure's three
    method rows each: the drops are really drawn and closed-form AAUC really solved; the
    rows of ``sco`` and ``bfom`` are answered by a constant, so that the slow methods do not
    drown the runner's cost (their rows still cost the runner and the store what real rows
    cost).

Overhead, as the acceptance bound counts it, from the ``runner+store`` run itself::

    R(n) = time of run(n drops) - sum of draw times - sum of solve times
    overhead per drop = (R(DROPS) - R(FEW)) / (DROPS - FEW)
    fixed per run     = R(FEW) - FEW * overhead per drop

with draw and solve times taken by wrappers around the study's ``draw`` and ``solve`` (so
the model's ``solve`` wrapper and its input checks count as solve time, not as overhead).
What is left is seeding, row building, buffering, Parquet parts, compaction and the final
read. The fixed part (metadata, fsync, the final compaction and read) is taken out by the
difference of two runs that both draw and solve for real: after real solves it costs more
than in a run of one drop with warm caches, so R(1) would not cancel it. Every term is
taken twice in the same run: as CPU time of this process
(``time.process_time``; the headline, since on a shared machine wall time also counts other
processes) and as wall time (``time.perf_counter``; it adds the fsync waits, which are
per part, not per drop). Each R is the least of its rounds: load from other processes only
adds. The bound: CPU overhead per drop <= 5 % of the closed form's mean CPU solve time in the
same run. The numbers are printed and kept in ``extra_info``.
"""

import os
import tempfile
import time
from functools import partial

import numpy as np
import pytest

from fastsec.experiments import Study, Sweep, get, run, seeding

DROPS = 400
#: Drops of the shorter run whose R is subtracted (see the module docstring).
FEW = 100
ROUNDS = 5
METHODS = ("sco", "closed_form", "bfom")
FASTEST = "closed_form"


def _timed(*args, call, spent):
    """``call(*args)``, adding its (CPU, wall) seconds to ``spent``."""
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        return call(*args)
    finally:
        spent.append((time.process_time() - cpu, time.perf_counter() - wall))


def _fastest_only(instance, method, solve, spent):
    """Closed form for real; the other methods a constant (its call, < 0.2 us, is untimed)."""
    if method == FASTEST:
        return _timed(instance, method, call=solve, spent=spent)
    return _constant(instance, method)


def _constant(instance, method):
    return {"secrecy_rate": 1.0, "objective": 1.0, "iterations": 1, "converged": True,
            "solver": "none"}


def _overhead_study(K, spent):
    """aauc-fig3c at one K, closed form solved, draws and solves timed into ``spent``."""
    fig = get("aauc-fig3c")
    return Study(**{**fig.__dict__, "sweep": Sweep("K", (float(K),)), "methods": METHODS,
                    "draw": partial(_timed, call=fig.draw, spent=spent["draw"]),
                    "solve": partial(_fastest_only, solve=fig.solve, spent=spent["solve"])})


def _residual(study, spent, drops):
    """One run: R(drops) and the mean closed-form solve time, each as (CPU, wall) [s]."""
    for times in spent.values():
        times.clear()
    with tempfile.TemporaryDirectory() as out:
        cpu, wall = time.process_time(), time.perf_counter()
        table = run(study, drops=drops, workers=1, out=out)
        total = np.array([time.process_time() - cpu, time.perf_counter() - wall])
    assert len(table) == drops * len(METHODS) and table["error"].isna().all()
    draw, solve = (np.sum(spent[k], axis=0) for k in ("draw", "solve"))
    return total - draw - solve, solve / drops


@pytest.mark.parametrize("K", [10, 20, 50, 100])
@pytest.mark.parametrize("path", ["runner+store", "closed_form solve"])
def test_runner_overhead_vs_fastest_method(benchmark, K, path):
    benchmark.group = f"{DROPS} drops of aauc-fig3c at K={K}"
    if path == "closed_form solve":
        study = get("aauc-fig3c")
        instances = [study.draw(float(K), seeding.drop_rng(0, study.name, 0, d))
                     for d in range(DROPS)]

        def bench():
            return sum(study.solve(i, FASTEST)["iterations"] >= 0 for i in instances)
        bench()  # warm-up: imports, JIT
        assert benchmark.pedantic(bench, rounds=ROUNDS, iterations=1) == DROPS
        return
    spent = {"draw": [], "solve": []}
    study = _overhead_study(K, spent)
    _residual(study, spent, 2)  # warm-up: imports, JIT, first Parquet write
    results = []

    def bench():
        results.append(_residual(study, spent, DROPS))
    benchmark.pedantic(bench, rounds=ROUNDS, iterations=1)
    few = np.min([_residual(study, spent, FEW)[0] for _ in range(ROUNDS)], axis=0)
    residual = np.min([r for r, _ in results], axis=0)
    solve = np.min([f for _, f in results], axis=0)
    per_drop = (residual - few) / (DROPS - FEW)
    fixed = few - FEW * per_drop
    for i, clock in enumerate(("cpu", "wall")):
        benchmark.extra_info.update({
            f"{clock}_overhead_us_per_drop": 1e6 * per_drop[i],
            f"{clock}_fixed_ms": 1e3 * fixed[i],
            f"{clock}_fastest_solve_us": 1e6 * solve[i],
            f"{clock}_ratio": per_drop[i] / solve[i]})
        print(f"\nK={K} {clock:4s}: overhead {1e6 * per_drop[i]:5.1f} us/drop = "
              f"{100 * per_drop[i] / solve[i]:5.2f} % of closed form ({1e6 * solve[i]:4.0f} us);"
              f" fixed {1e3 * fixed[i]:4.1f} ms per run", end="")


#: Drops per point of the scaling benchmark (the paper's count); FASTSEC_SCALING_DROPS overrides.
SCALING_DROPS = int(os.environ.get("FASTSEC_SCALING_DROPS", "50"))


@pytest.mark.parametrize("workers", [1, 2])
def test_fig3c_throughput(benchmark, workers):
    """Whole ``aauc-fig3c`` (K = 10..100, N = 100, three methods), serial vs 2 workers.

    Wall time of ``run`` from the call to the returned table: for 2 workers that includes
    starting the worker processes (imports, Numba cache loads), which a serial run in this
    warm process does not pay. ``extra_info`` also holds each method's throughput from its
    summed solve seconds (drops/s per worker times workers), which leaves start-up out.
    """
    benchmark.group = f"aauc-fig3c, {SCALING_DROPS} drops per point"
    study = get("aauc-fig3c")
    run(study, drops=1, workers=1, quick=True)  # warm this process (imports, kernels)
    tables = []

    def bench():
        with tempfile.TemporaryDirectory() as out:
            tables.append(run(study, drops=SCALING_DROPS, workers=workers, out=out))
    benchmark.pedantic(bench, rounds=2, iterations=1)
    table = tables[-1]
    drops = SCALING_DROPS * len(study.sweep.values)
    benchmark.extra_info["drops_per_s"] = drops / benchmark.stats.stats.min
    for method in study.methods:
        solve_s = table.loc[table["method"] == method, "seconds"].sum()
        benchmark.extra_info[f"{method}_solve_drops_per_s"] = workers * drops / solve_s
    print(f"\nworkers={workers}: {drops / benchmark.stats.stats.min:.2f} drops/s; per method "
          + ", ".join(f"{m} {benchmark.extra_info[f'{m}_solve_drops_per_s']:.1f}"
                      for m in study.methods), end="")
