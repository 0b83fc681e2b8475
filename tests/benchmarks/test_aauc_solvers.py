"""AAUC solvers beside their references (pytest-benchmark; run with -m benchmark).

Groups put each fastsec path next to what it replaces:
- ``eq30-N100-K100``: the BFOM inner problem (eq. (30)) at equal accuracy: the exact active
  set of the fast variant vs cvxpy + Clarabel (built per call, as a CVX user writes it).
- ``eq30-paper-mirror-prox-N100-K100``: the paper's inner mirror-prox (same iterations),
  Numba kernel vs its plain-NumPy twin.
- ``bfom-drop-N100-K100``: whole BFOM-AAUC per drop (fast and paper variants) vs SCO with
  the problem rebuilt every iteration.
- ``sco-drop-N64-K10``: SCO with the compiled surrogate (default) vs the product's once-built
  DPP cvxpy path (``exact=True``) vs an independent once-built DPP cvxpy SCO
  (``reference.sco_cvx_dpp``), I = 20 each (tol=1e-12 keeps them from stopping early).
- ``sco-drop-N100-K50``: SCO compiled vs once-built DPP vs rebuilt (identical iterates).
- ``closed-form-N500-K20``: closed form vs SCO (once-built and rebuilt), I = 20.

The BFOM and closed-form groups also hold ``reference.sco_cvx``: SCO as a CVX user writes it
(eq. (23) over z ∈ C^{N-1} and w as stated, unscaled, rebuilt every iteration; same iterates,
checked in ``tests/test_aauc_sco.py``), run for as many iterations as fastsec's SCO takes. At
N = 100, K = 50 Clarabel returns "inaccurate" on that unscaled form, so the SCO group keeps
only fastsec's own rebuilt surrogate (identical iterates).
"""

import numpy as np
import pytest
from aauc_drops import eq30_cvxpy, eq30_instance
from fastsec.kernels.optim.mirror_prox import MirrorProxOptions, active_set, mirror_prox

from fastsec.aauc import Scenario, angular_matrix, draw, solve
from fastsec.aauc.problem import p2_data
from fastsec.reference import aauc as reference


def _drop(n, k, seed=7):
    drop = draw(Scenario(N=n, K=k, sco_iters=20), np.random.default_rng(seed))
    return drop, angular_matrix(drop)


@pytest.fixture(scope="module")
def eq30():
    return eq30_instance(*_drop(100, 100))


def _eq30_active_set(R, t, c, rho2):
    m = t.shape[1]
    M = R @ R.transpose(0, 2, 1)  # the fast variant gets M in O(K²) from Hs Hs^H instead
    act = np.ones((1, m), dtype=bool)
    nu, gap, ok = np.zeros((1, m)), np.zeros(1), np.zeros(1, dtype=bool)
    active_set(M, t, c, rho2, act, 4 * m, nu, gap, ok)
    x = R[0].T @ nu[0]
    return min(np.min(R[0] @ x + t[0]), c[0] * (rho2[0] - x @ x))


def _eq30_mirror_prox(impl, R, t, c, rho2):
    """The paper's inner loop: L = L̂/K, step rule 1e-4, at most 3000 iterations."""
    k = t.shape[1] + 1
    x, le = np.zeros((1, R.shape[2])), np.full((1, k), -np.log(k))
    L = np.array([max(np.linalg.norm(R[0], axis=1).max(),
                      2 * c[0] * max(np.sqrt(rho2[0]), 1.0)) / k])
    its, gap = np.zeros(1, dtype=np.int64), np.zeros(1)
    impl(R, t, c, rho2, x, le, L, MirrorProxOptions(False, False, 1e-4, 3000), its, gap)
    return its[0]


def test_eq30_cvxpy(benchmark, eq30):
    benchmark.group = "eq30-N100-K100"
    benchmark.pedantic(eq30_cvxpy, args=eq30, rounds=5, warmup_rounds=1)


def test_eq30_active_set(benchmark, eq30):
    benchmark.group = "eq30-N100-K100"
    value = benchmark(_eq30_active_set, *eq30)
    assert value == pytest.approx(eq30_cvxpy(*eq30), rel=1e-6)  # equal accuracy


def test_eq30_mirror_prox_paper_numba(benchmark, eq30):
    benchmark.group = "eq30-paper-mirror-prox-N100-K100"
    benchmark.pedantic(_eq30_mirror_prox, args=(mirror_prox, *eq30), rounds=5,
                       warmup_rounds=1)


def test_eq30_mirror_prox_paper_numpy(benchmark, eq30):
    benchmark.group = "eq30-paper-mirror-prox-N100-K100"
    its = benchmark.pedantic(_eq30_mirror_prox, args=(reference.mirror_prox, *eq30), rounds=1)
    assert its == _eq30_mirror_prox(mirror_prox, *eq30)  # same iterations as the kernel


def _bench_solve(benchmark, group, drop_and_J, method, rounds, warmup_rounds=1, **options):
    """Time ``solve(drop, method, J=J, **options)`` in ``group``; untimed warm-up calls first."""
    benchmark.group = group
    drop, J = drop_and_J
    return benchmark.pedantic(solve, args=(drop, method), kwargs={"J": J, **options},
                              rounds=rounds, warmup_rounds=warmup_rounds)


@pytest.fixture(scope="module")
def drop_100_100():
    return _drop(100, 100)


@pytest.mark.parametrize("variant", ["fast", "paper"])
def test_bfom_drop(benchmark, drop_100_100, variant):
    _bench_solve(benchmark, "bfom-drop-N100-K100", drop_100_100, "bfom", 5, variant=variant)


def test_bfom_drop_reference_sco_rebuilt(benchmark, drop_100_100):
    _bench_solve(benchmark, "bfom-drop-N100-K100", drop_100_100, "sco", 1, warmup_rounds=0,
                 rebuild=True, exact=True, tol=1e-12)


#: The three SCO paths: solve() options.
SCO_PATHS = {"compiled": {}, "dpp": {"exact": True}, "rebuilt": {"exact": True, "rebuild": True}}


@pytest.fixture(scope="module")
def drop_64_10():
    return _drop(64, 10)


@pytest.mark.parametrize("path", ["compiled", "dpp"])
def test_sco_drop_64_10(benchmark, drop_64_10, path):
    res = _bench_solve(benchmark, "sco-drop-N64-K10", drop_64_10, "sco", 5, tol=1e-12,
                       **SCO_PATHS[path])
    assert res.iterations == 20


def test_sco_drop_64_10_reference_dpp(benchmark, drop_64_10):
    benchmark.group = "sco-drop-N64-K10"
    drop, J = drop_64_10
    history = benchmark.pedantic(reference.sco_cvx_dpp, args=(p2_data(drop, J), 20),
                                 rounds=5)
    ours = solve(drop, "sco", J=J, tol=1e-12)
    # the same iterates as the compiled path, to the solvers' tolerances
    np.testing.assert_allclose(ours.history, history, rtol=1e-6)


@pytest.fixture(scope="module")
def drop_100_50():
    return _drop(100, 50)


@pytest.fixture(scope="module")
def drop_500_20():
    return _drop(500, 20)


def test_closed_form(benchmark, drop_500_20):
    benchmark.group = "closed-form-N500-K20"
    drop, J = drop_500_20
    benchmark(solve, drop, "closed_form", J=J)


@pytest.mark.parametrize("path", list(SCO_PATHS))
@pytest.mark.parametrize(("group", "fixture"), [("sco-drop-N100-K50", "drop_100_50"),
                                                 ("closed-form-N500-K20", "drop_500_20")])
def test_sco_drop(benchmark, request, group, fixture, path):
    # the paper's I = 20 SCO iterations (tol=1e-12 keeps it from stopping early)
    _bench_solve(benchmark, group, request.getfixturevalue(fixture), "sco", 3, tol=1e-12,
                 **SCO_PATHS[path])


@pytest.mark.parametrize(("group", "fixture"), [("bfom-drop-N100-K100", "drop_100_100"),
                                                 ("closed-form-N500-K20", "drop_500_20")])
def test_reference_sco_cvx_user(benchmark, request, group, fixture):
    benchmark.group = group
    drop, J = request.getfixturevalue(fixture)
    iters = solve(drop, "sco", J=J, tol=1e-12).iterations
    data = p2_data(drop, J)
    benchmark.pedantic(reference.sco_cvx, args=(data, iters), rounds=1)
