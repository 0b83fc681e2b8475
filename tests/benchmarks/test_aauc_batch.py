"""The Monte-Carlo library path (issue 14): per-call overhead and solve_batch, beside references.

Groups (run with ``-m benchmark tests/benchmarks/test_aauc_batch.py
--benchmark-columns=min,mean,rounds``; on a shared machine the minimum is the robust statistic):

- ``call-{method}-N32-K4``: ``solve(drop, method)`` (one compiled call) beside the NumPy
  pipeline it replaced (``p2_data``, the NumPy twin of the point, ``aauc_solution``,
  ``realised_secrecy_rate``: the same numbers to rounding). Targets: closed form <= 50 µs,
  asymptotic <= 20 µs.
- ``draw-N32-K4``: ``draw`` (target <= 20 µs) beside ``draw_batch(..., 1)[0]`` (the old path).
- ``angular-K12``: ``angular_matrix(drop)`` beside a ``scipy.integrate.quad`` loop on the same
  drop (epsrel 1e-10); target >= 100x.
- ``batch-{method}-N{N}-K{K}-B{B}``: ``solve_batch`` beside the loop of ``solve`` calls on the
  same drops (targets per drop: >= 5x for the closed forms at N = 32, K = 8, 256 drops,
  >= 2x for the iterative methods).
- ``irs-drop-N32-K8``: ``solve(drop, "irs")`` (compiled surrogate, the whole SCA loop in one
  call) beside ``exact=True`` (cvxpy/Clarabel, once-built DPP), tol = 1e-12 and I = 20 so
  that both run every iteration (Fig. 4c's setting: K_R = 70 dB, users 20 m away).
- ``threads-closed-form-N64-K12-B4096``: the batched closed form on 1 and on 2 Numba threads
  (target >= 1.6x).
"""

import numba
import numpy as np
import pytest

from fastsec.aauc import Scenario, angular_matrix, draw, draw_batch, solve, solve_batch
from fastsec.aauc.closed_form import asymptotic_point, closed_form_point
from fastsec.aauc.problem import aauc_solution, p2_data
from fastsec.aauc.secrecy import realised_secrecy_rate
from fastsec.reference.aauc import angular_matrix_quad

POINTS = {"closed_form": closed_form_point, "asymptotic": asymptotic_point}


def _numpy_pipeline(drop, method):
    """What ``solve(drop, method)`` ran before the compiled path (J included)."""
    data = p2_data(drop, angular_matrix(drop))
    sol = aauc_solution(data, *POINTS[method](data), history=[0.0], converged=True,
                        stop_reason="closed_form", solver="numpy")
    return realised_secrecy_rate(sol.rate, sol.v, sol.w, data.gs_e, data.hs_e, 1.0)


@pytest.fixture(scope="module")
def drop32():
    return draw(Scenario(N=32, K=4, sco_iters=20), np.random.default_rng(1))


@pytest.mark.parametrize("method", ["closed_form", "asymptotic"])
@pytest.mark.parametrize("path", ["fastsec", "numpy_pipeline"])
def test_call(benchmark, drop32, method, path):
    benchmark.group = f"call-{method}-N32-K4"
    fn = (lambda: solve(drop32, method)) if path == "fastsec" else (
        lambda: _numpy_pipeline(drop32, method))
    fn()
    benchmark(fn)


@pytest.mark.parametrize("path", ["draw", "draw_batch_1"])
def test_draw(benchmark, path):
    benchmark.group = "draw-N32-K4"
    s, rng = Scenario(N=32, K=4), np.random.default_rng(2)
    fn = (lambda: draw(s, rng)) if path == "draw" else (lambda: draw_batch(s, rng, 1)[0])
    fn()
    benchmark(fn)


@pytest.mark.parametrize("path", ["fastsec", "quad_loop"])
def test_angular_one_drop(benchmark, path):
    benchmark.group = "angular-K12"
    drop = draw(Scenario(N=8, K=12, sco_iters=20), np.random.default_rng(3))
    s = drop.scenario
    if path == "fastsec":
        J = benchmark(angular_matrix, drop)
    else:
        J = benchmark(angular_matrix_quad, drop.D, drop.theta, s.alpha, s.rho0, epsrel=1e-10)
    ref = angular_matrix_quad(drop.D, drop.theta, s.alpha, s.rho0, epsrel=1e-13)
    benchmark.extra_info["max_rel_error_vs_quad_1e-13"] = float(np.max(np.abs(J / ref - 1)))


#: (method, N, K, drops): the issue's size (N = 32, K = 8, 256 drops) for every method, and
#: larger problems on fewer drops. The SCA methods cost about a millisecond per drop, so a
#: round of 256 drops takes a fraction of a second.
BATCHES = [("closed_form", 32, 8, 256), ("asymptotic", 32, 8, 256),
           ("closed_form", 100, 20, 64), ("bfom", 32, 8, 256), ("bfom", 100, 20, 16),
           ("sco", 32, 8, 256), ("direct", 32, 8, 256), ("irs", 32, 8, 256),
           ("hybrid", 32, 8, 256)]


@pytest.mark.parametrize(("method", "N", "K", "drops"), BATCHES)
@pytest.mark.parametrize("path", ["solve_batch", "loop_of_solve"])
def test_batch(benchmark, method, N, K, drops, path):
    benchmark.group = f"batch-{method}-N{N}-K{K}-B{drops}"
    batch = draw_batch(Scenario(N=N, K=K, sco_iters=20), np.random.default_rng(4), drops)
    J = angular_matrix(batch)
    singles = [batch[i] for i in range(drops)]
    if path == "solve_batch":
        def fn():
            return solve_batch(batch, method, J=J)
    else:
        def fn():
            return [solve(d, method, J=J[i]) for i, d in enumerate(singles)]
    fn()  # compiles / warms
    rounds = 20 if method in ("closed_form", "asymptotic") else 3
    benchmark.pedantic(fn, rounds=rounds, iterations=1, warmup_rounds=1)
    benchmark.extra_info["drops"] = drops


@pytest.mark.parametrize("path", ["compiled", "cvxpy"])
def test_irs_drop(benchmark, path):
    benchmark.group = "irs-drop-N32-K8"
    drop = draw(Scenario(N=32, K=8, kr_db=70.0, common_distance_m=20.0),
                np.random.default_rng(6))
    J = angular_matrix(drop)
    options = {"tol": 1e-12, "iters": 20, "exact": path == "cvxpy"}
    result = solve(drop, "irs", J=J, **options)
    benchmark.pedantic(solve, args=(drop, "irs"), kwargs={"J": J, **options}, rounds=5,
                       iterations=1)
    benchmark.extra_info["iterations"] = result.iterations
    benchmark.extra_info["objective"] = result.objective


@pytest.mark.parametrize("threads", [1, 2])
def test_threads_closed_form(benchmark, threads):
    benchmark.group = "threads-closed-form-N64-K12-B4096"
    batch = draw_batch(Scenario(N=64, K=12), np.random.default_rng(5), 4096)
    J = angular_matrix(batch)
    solve_batch(batch, "closed_form", J=J)
    before = numba.get_num_threads()
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    try:
        benchmark.pedantic(solve_batch, args=(batch, "closed_form"), kwargs={"J": J},
                           rounds=10, iterations=1)
    finally:
        numba.set_num_threads(before)
