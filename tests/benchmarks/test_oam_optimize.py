"""RMCG-AO beside its reference pipeline (pymanopt CG + cvxpy rebuilt at every step).

Run with ``pytest -m benchmark tests/benchmarks/test_oam_optimize.py
--benchmark-columns=mean,rounds``. Groups: ``oam-theta-Q{Q}`` (one θ1 subproblem to the same
relative tolerance), ``oam-ao-Q40`` (Algorithm 1, Q1 = Q2 = 40, at most 15 AO iterations)
``oam-ao-sdr-Q{Q}`` (RMCG-AO beside one SDR-AO start as Fig. 2 runs it, with the default
Burer–Monteiro relaxation and with ``exact=True, solver="SCS"``, the fastest cvxpy choice (the
default Clarabel is slower still); final R_s in ``extra_info``) and ``oam-sdr-step-Q{Q}`` (one
SDR relaxation: Burer–Monteiro, the once-built DPP problem with SCS and with Clarabel, and the
former term-by-term problem rebuilt per call with Clarabel).
"""

import numpy as np
import pytest
from fastsec.kernels.oam.objectives import rcg_secrecy
from oam_points import scene_with_channels

from fastsec.oam import Scenario, optimize
from fastsec.oam.sdr import relax, solve_relaxation
from fastsec.reference.instances import theta1_instance
from fastsec.reference.oam_optimize import pymanopt_theta, reference_ao, sdr_relaxation_reference

NO_TRACE = np.zeros((1, 0, 3))

GTOL, MIN_STEP, MAX_ITER = 1e-6, 1e-10, 1000
AO_ITERS = 15


@pytest.fixture(scope="module", params=[40, 100, 400])
def theta_problem(request):
    return request.param, *theta1_instance(request.param)


def test_theta_rcg(benchmark, theta_problem):
    q, data, theta0 = theta_problem
    rcg_secrecy(*data, theta0[None], GTOL, MIN_STEP, MAX_ITER, NO_TRACE)  # compile
    benchmark.group = f"oam-theta-Q{q}"
    out = benchmark(rcg_secrecy, *data, theta0[None], GTOL, MIN_STEP, MAX_ITER, NO_TRACE)
    ref = pymanopt_theta(data, theta0, GTOL, MIN_STEP, MAX_ITER)
    # same start, algorithm and tolerance: equal to 1e-8 relative or better
    assert out[1][0] <= ref.cost + 1e-8 * abs(ref.cost)


def test_theta_pymanopt(benchmark, theta_problem):
    q, data, theta0 = theta_problem
    benchmark.group = f"oam-theta-Q{q}"
    benchmark.pedantic(pymanopt_theta, args=(data, theta0, GTOL, MIN_STEP, MAX_ITER),
                       rounds=3, iterations=1)


@pytest.fixture(scope="module")
def ao_scene():
    return scene_with_channels(Q1=40, Q2=40)


def test_ao_rmcg(benchmark, ao_scene):
    s, ch = ao_scene
    optimize(s, rng=np.random.default_rng(0), iters=2, channels=ch)  # compile
    benchmark.group = "oam-ao-Q40"
    res = benchmark(lambda: optimize(s, rng=np.random.default_rng(0), iters=AO_ITERS,
                                     channels=ch))
    ref = reference_ao(s, np.random.default_rng(0), iters=AO_ITERS)
    # equal (to the steps' solver tolerances) or better final R_s than the reference
    assert res.rates.R_s >= ref["history"][-1] - 1e-6 * abs(ref["history"][-1])


def test_ao_reference(benchmark, ao_scene):
    s, _ = ao_scene
    benchmark.group = "oam-ao-Q40"
    benchmark.pedantic(reference_ao, args=(s, np.random.default_rng(0), AO_ITERS), rounds=3,
                       iterations=1)


SDR_Q = (16, 40)


@pytest.mark.parametrize("q", SDR_Q)
def test_ao_rmcg_beside_sdr(benchmark, q):
    s = Scenario(Q1=q, Q2=q)
    benchmark.group = f"oam-ao-sdr-Q{q}"
    res = benchmark.pedantic(lambda: optimize(s, rng=np.random.default_rng(0),
                                              iters=AO_ITERS), rounds=3, iterations=1)
    benchmark.extra_info["R_s"] = float(res.rates.R_s)


@pytest.mark.parametrize("exact", [False, True])
@pytest.mark.parametrize("q", SDR_Q)
def test_ao_sdr(benchmark, q, exact):
    """One SDR-AO start as Fig. 2 runs it (10 AO iterations): Burer–Monteiro beside cvxpy."""
    s = Scenario(Q1=q, Q2=q)
    optimize(Scenario(Q1=4, Q2=4), method="sdr", rng=np.random.default_rng(0), iters=1,
             exact=exact, solver="SCS")  # compile / build
    benchmark.group = f"oam-ao-sdr-Q{q}"
    res = benchmark.pedantic(lambda: optimize(s, method="sdr", rng=np.random.default_rng(0),
                                              iters=10, tol=0.0, exact=exact, solver="SCS"),
                             rounds=1 if exact else 3, iterations=1)
    benchmark.extra_info["R_s"] = float(res.rates.R_s)
    benchmark.extra_info["iterations"] = res.iterations


@pytest.fixture(scope="module", params=SDR_Q)
def sdr_problem(request):
    return request.param, *theta1_instance(request.param)


def test_sdr_step_burer_monteiro(benchmark, sdr_problem):
    q, data, theta = sdr_problem
    relax(data, theta)  # compile
    benchmark.group = f"oam-sdr-step-Q{q}"
    out = benchmark(relax, data, theta)
    benchmark.extra_info["rank"] = out.rank
    benchmark.extra_info["bound"] = out.bound


@pytest.mark.parametrize("solver", ["SCS", "CLARABEL"])
def test_sdr_step(benchmark, sdr_problem, solver):
    q, data, theta = sdr_problem
    solve_relaxation(data, theta, solver)  # builds and compiles the DPP problem once
    benchmark.group = f"oam-sdr-step-Q{q}"
    benchmark.pedantic(solve_relaxation, args=(data, theta, solver), rounds=2, iterations=1)


def test_sdr_step_former(benchmark, sdr_problem):
    q, data, theta = sdr_problem
    benchmark.group = f"oam-sdr-step-Q{q}"
    benchmark.pedantic(sdr_relaxation_reference, args=(data, theta), rounds=2, iterations=1)
