"""pytest-benchmark: the runner and results store beside the fastest method they run.

Run with ``OPENBLAS_NUM_THREADS=1 pytest -m benchmark tests/benchmarks/test_studies.py -s``.

Overhead: one group per K of ``aauc-fig3c`` (N = 100) holds

``closed_form solve``
    Closed-form AAUC (the figure's fastest method) on ``REPLAYED`` real drops of the figure.
``runner+store``
    A serial ``run`` of the figure at that K whose draw and solve replay: ``draw`` takes one
    integer from the drop's generator and ``solve`` returns, for each of the three methods,
    the real closed-form row of one of the ``REPLAYED`` drops. So the runner does all of its
    own work for real (seeding every drop's generator, timing every method, building rows
    with the figure's real columns and values, buffering, Parquet parts, compaction, the
    final read) and nothing else.

    overhead per drop = (T(DROPS) - T(FEW)) / (DROPS - FEW)

with T the time of one run, so the fixed cost of a run (metadata, fsyncs) cancels. Each of
``ROUNDS`` rounds runs FEW drops, DROPS drops and the ``REPLAYED`` closed-form solves one
after the other and gives one ratio (overhead per drop / solve time per drop); the median
ratio is reported, with its quartiles.
Subtracting timed draw and solve sums from a real run instead leaves the runner's ~10 us per
drop under +-20 us of timer and cache noise (measured), hence the replay. Both CPU time of
this process (the headline) and wall time are taken; the bound is a median ratio <= 5 %.
Numbers are printed and kept in ``extra_info``.

Throughput: ``test_fig3c_throughput`` runs the whole figure serially and on 2 workers.
"""

import os
import tempfile
import time

import numpy as np
import pytest

from fastsec.experiments import Study, Sweep, get, run, seeding

DROPS = 8000
#: Drops of the shorter run whose T is subtracted (see the module docstring).
FEW = 2000
#: Real drops whose closed-form rows the replaying study returns.
REPLAYED = 50
ROUNDS = 15
METHODS = ("sco", "closed_form", "bfom")
FASTEST = "closed_form"


def _replay_draw(x, rng):
    return int(rng.integers(REPLAYED))


def _replayed_study(K):
    """aauc-fig3c at one K replaying closed-form rows; returns (study, instances)."""
    fig = get("aauc-fig3c")
    instances = [fig.draw(float(K), seeding.drop_rng(0, fig.name, 0, d)) for d in range(REPLAYED)]
    rows = [fig.solve(i, FASTEST) for i in instances]
    study = Study(**{**fig.__dict__, "sweep": Sweep("K", (float(K),)), "methods": METHODS,
                     "draw": _replay_draw, "solve": _ReplaySolve(rows)})
    return study, instances


class _ReplaySolve:
    """Picklable ``solve`` returning the recorded row ``rows[instance]`` for any method."""

    def __init__(self, rows):
        self.rows = rows

    def __call__(self, instance, method):
        return self.rows[instance]


def _seconds(call):
    """(CPU, wall) seconds of ``call()``."""
    cpu, wall = time.process_time(), time.perf_counter()
    call()
    return np.array([time.process_time() - cpu, time.perf_counter() - wall])


def _run(study, drops):
    with tempfile.TemporaryDirectory() as out:
        table = run(study, drops=drops, workers=1, out=out)
    assert len(table) == drops * len(METHODS) and table["error"].isna().all()


@pytest.mark.parametrize("K", [10, 20, 50, 100])
@pytest.mark.parametrize("path", ["runner+store", "closed_form solve"])
def test_runner_overhead_vs_fastest_method(benchmark, K, path):
    benchmark.group = f"aauc-fig3c at K={K}: runner per {DROPS} drops vs {REPLAYED} solves"
    study, instances = _replayed_study(K)
    fig = get("aauc-fig3c")

    def solve_all():
        return sum(fig.solve(i, FASTEST)["iterations"] >= 0 for i in instances)
    if path == "closed_form solve":
        assert benchmark.pedantic(solve_all, rounds=ROUNDS, iterations=1) == REPLAYED
        return
    _run(study, 2)  # warm-up: imports, first Parquet write
    benchmark.pedantic(_run, args=(study, DROPS), rounds=3, iterations=1)
    # Interleaved rounds: the machine's speed drifts (the same run varies by up to 50 %
    # here), so each round's overhead is set against the solve time of the same round.
    ratios, per_drops, solves = [], [], []
    for _ in range(ROUNDS):
        few = _seconds(lambda: _run(study, FEW))
        per_drop = (_seconds(lambda: _run(study, DROPS)) - few) / (DROPS - FEW)
        solve = _seconds(solve_all) / REPLAYED
        per_drops.append(per_drop)
        solves.append(solve)
        ratios.append(per_drop / solve)
    per_drop, solve, ratio = (np.median(v, axis=0) for v in (per_drops, solves, ratios))
    for i, clock in enumerate(("cpu", "wall")):
        benchmark.extra_info.update({
            f"{clock}_overhead_us_per_drop": 1e6 * per_drop[i],
            f"{clock}_fastest_solve_us": 1e6 * solve[i],
            f"{clock}_ratio": ratio[i]})
        quartiles = np.percentile([r[i] for r in ratios], [25, 75])
        print(f"\nK={K} {clock:4s}: overhead {1e6 * per_drop[i]:5.1f} us/drop, closed form "
              f"{1e6 * solve[i]:4.0f} us; ratio median {100 * ratio[i]:4.2f} % (quartiles "
              f"{100 * quartiles[0]:4.2f}-{100 * quartiles[1]:4.2f} %)", end="")
    assert per_drop[0] > 0  # a replay costs something; a negative slope is a broken measure

#: Drops per point of the scaling benchmark (the paper's count); FASTSEC_SCALING_DROPS overrides.
SCALING_DROPS = int(os.environ.get("FASTSEC_SCALING_DROPS", "50"))


#: Serial / 2-worker pairs of the scaling benchmark.
SCALING_ROUNDS = 3


def test_fig3c_throughput(benchmark):
    """Whole ``aauc-fig3c`` (K = 10..100, N = 100, three methods), serial vs 2 workers.

    Each round runs the study serially in this (warm) process, then on 2 fresh worker
    processes; the scaling is the median over rounds of the wall-time ratio, so that drifts in
    the machine's speed hit both sides of a ratio alike. The 2-worker wall time includes
    starting the workers (imports, Numba cache loads). Each method's throughput is also taken
    from its summed solve seconds (drops/s per worker times workers), which leaves start-up
    and the draws out.
    """
    benchmark.group = f"aauc-fig3c, {SCALING_DROPS} drops per point, serial then 2 workers"
    study = get("aauc-fig3c")
    run(study, drops=1, workers=1, quick=True)  # warm this process (imports, kernels)
    drops = SCALING_DROPS * len(study.sweep.values)
    rounds = []

    def one_round():
        tables, walls = [], []
        for workers in (1, 2):
            with tempfile.TemporaryDirectory() as out:
                start = time.perf_counter()
                tables.append(run(study, drops=SCALING_DROPS, workers=workers, out=out))
                walls.append(time.perf_counter() - start)
        solve = [{m: t.loc[t["method"] == m, "seconds"].sum() for m in study.methods}
                 for t in tables]
        rounds.append({"wall": walls[0] / walls[1], "serial_s": walls[0], "two_s": walls[1]}
                      | {m: 2 * solve[0][m] / solve[1][m] for m in study.methods})
    benchmark.pedantic(one_round, rounds=SCALING_ROUNDS, iterations=1)
    median = {k: float(np.median([r[k] for r in rounds])) for k in rounds[0]}
    benchmark.extra_info.update(median)
    print(f"\n{drops} drops: serial {median['serial_s']:.1f} s ({drops / median['serial_s']:.2f} "
          f"drops/s), 2 workers {median['two_s']:.1f} s ({drops / median['two_s']:.2f} drops/s);"
          f" wall scaling median {median['wall']:.2f}x (rounds: "
          + ", ".join(f"{r['wall']:.2f}" for r in rounds) + "); solve-throughput scaling "
          + ", ".join(f"{m} {median[m]:.2f}x" for m in study.methods), end="")
