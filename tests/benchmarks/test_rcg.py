"""pytest-benchmark: RCG theta subproblem vs pymanopt; p-/a-steps vs cvxpy rebuilt per call.

Run with ``pytest -m benchmark tests/benchmarks/test_rcg.py --benchmark-columns=mean,rounds``;
each group holds fastsec's path beside its reference. The results are also checked, so a
fast path that got faster by being wrong fails here.
"""

import numpy as np
import pytest
from fastsec.kernels.optim import rcg

from fastsec.oam import steps
from fastsec.reference.instances import (
    random_amplification_step,
    random_power_step,
    random_rate_ratio,
)
from fastsec.reference.oam_steps import pymanopt_rate_ratio

GTOL, MIN_STEP, MAX_ITER = 1e-6, 1e-10, 1000
P_KW = {"total_power": 1.0, "ris_headroom": 5.0, "p_th": 0.01}
A_KW = {"sigma2_r2": 0.01, "sigma2_b": 0.1, "ris_budget": 100.0, "a_max": 3.0}


@pytest.mark.parametrize("q", [40, 100, 400])
@pytest.mark.parametrize("impl", ["fastsec", "pymanopt"])
def test_theta_subproblem(benchmark, q, impl):
    U, V, c, theta0 = random_rate_ratio(np.random.default_rng(q), q=q)
    benchmark.group = f"theta subproblem Q={q}"
    if impl == "fastsec":
        def run():
            return rcg.rcg_rate_ratio(U, V, c, theta0, GTOL, MIN_STEP, MAX_ITER,
                                      np.zeros((1, 0, 3)))[1][0]
        run()  # JIT warm-up
    else:
        def run():
            return pymanopt_rate_ratio(U[0], V[0], c[0], theta0[0], GTOL, MIN_STEP,
                                       MAX_ITER).cost
    rounds = 20 if impl == "fastsec" else 3
    cost = benchmark.pedantic(run, rounds=rounds, iterations=1, warmup_rounds=0)
    benchmark.extra_info["cost"] = float(cost)
    assert np.isfinite(cost)


def _rebuilt(build_cache, call):
    def run():
        build_cache.cache_clear()  # a CVX user builds the problem at every call
        return call()
    return run


@pytest.mark.parametrize("path", ["fast", "cvxpy_rebuilt"])
def test_power_step(benchmark, path):
    args = random_power_step(np.random.default_rng(1), n=1)
    benchmark.group = "p-step N_s=3"
    if path == "fast":
        run = lambda: steps.power_step(*args, **P_KW)  # noqa: E731
    else:
        run = _rebuilt(steps._p4_problem, lambda: steps.power_step(*args, exact=True, **P_KW))
    reference = steps.power_step(*args, exact=True, **P_KW).objective
    result = benchmark.pedantic(run, rounds=20, iterations=1, warmup_rounds=1)
    np.testing.assert_allclose(result.objective, reference, rtol=1e-6)


@pytest.mark.parametrize("q", [40, 100])
@pytest.mark.parametrize("path", ["fast", "cvxpy_rebuilt"])
def test_amplification_step(benchmark, q, path):
    args = random_amplification_step(np.random.default_rng(q), n=1, q=q)
    benchmark.group = f"a-step Q={q}"
    if path == "fast":
        run = lambda: steps.amplification_step(*args, **A_KW)  # noqa: E731
    else:
        run = _rebuilt(steps._p5_problem,
                       lambda: steps.amplification_step(*args, exact=True, **A_KW))
    reference = steps.amplification_step(*args, exact=True, **A_KW).objective
    result = benchmark.pedantic(run, rounds=10, iterations=1, warmup_rounds=1)
    np.testing.assert_allclose(result.objective, reference, rtol=1e-6)
