"""BFOM-based AAUC (paper 000, Sec. V-B): the eq. (30) inner solvers against cvxpy, the
mirror-prox kernel against its NumPy twin, eq. (41), feasibility, batching, Fig. 3c trend."""

import numpy as np
import pytest
from aauc_drops import eq30_cvxpy, eq30_instance, make_drop
from fastsec.kernels.mirror_prox import active_set, mirror_prox

from fastsec.aauc import bfom as bfom_module
from fastsec.aauc import reference, solve
from fastsec.aauc.bfom import bfom_batch, power_split
from fastsec.aauc.problem import p2_data

# Clarabel's default tolerances are 1e-8 (relative gap); compare optimal values at 1e-6.
CVX_RTOL = 1e-6


def _instance(rng, n, k):
    return eq30_instance(*make_drop(rng, N=n, K=k))


def _value(R, t, c, rho2, x):
    return min(np.min(R[0] @ x + t[0]), c[0] * (rho2[0] - x @ x))


@pytest.mark.parametrize("k", [5, 20, 100])
def test_active_set_solves_eq30_exactly(rng, k):
    R, t, c, rho2 = _instance(rng, 100, k)
    M = np.einsum("bkd,bjd->bkj", R, R)
    act = np.ones((1, k - 1), dtype=bool)
    nu, gap, ok = np.zeros((1, k - 1)), np.zeros(1), np.zeros(1, dtype=bool)
    active_set(M, t, c, rho2, act, 4 * k, nu, gap, ok)
    assert ok[0]
    value = _value(R, t, c, rho2, R[0].T @ nu[0])
    assert value == pytest.approx(eq30_cvxpy(R, t, c, rho2), rel=CVX_RTOL)
    # the certificate: saddle gap at rounding level
    assert 0 <= gap[0] <= 1e-10 * value + 1e-12


@pytest.mark.parametrize("k", [5, 20])
def test_mirror_prox_with_gap_rule_reaches_cvxpy(rng, k):
    R, t, c, rho2 = _instance(rng, 40, k)
    x, le = np.zeros((1, R.shape[2])), np.full((1, k), -np.log(k))
    lhat = max(np.linalg.norm(R[0], axis=1).max(), 2 * c[0] * max(np.sqrt(rho2[0]), 1))
    L = np.array([lhat / k])  # the paper's L = L̂/K
    its, gap = np.zeros(1, dtype=np.int64), np.zeros(1)
    mirror_prox(R, t, c, rho2, x, le, L, False, True, 1e-8, 200_000, its, gap)
    assert its[0] < 200_000
    value = _value(R, t, c, rho2, x[0])
    assert gap[0] <= 1e-8 * abs(value)
    assert value == pytest.approx(eq30_cvxpy(R, t, c, rho2), rel=CVX_RTOL)


@pytest.mark.parametrize("backtrack", [False, True])
def test_kernel_matches_numpy_twin(rng, backtrack):
    R, t, c, rho2 = _instance(rng, 20, 6)
    outs = []
    for impl in (mirror_prox, reference.mirror_prox):
        x, le = np.zeros((1, R.shape[2])), np.full((1, 6), -np.log(6))
        L = np.array([max(np.linalg.norm(R[0], axis=1).max(), 2 * c[0]) / 6])  # L̂/K
        its, gap = np.zeros(1, dtype=np.int64), np.zeros(1)
        impl(R, t, c, rho2, x, le, L, backtrack, False, 0.0, 60, its, gap)
        outs.append((x, le, L, its, gap))
    for a, b in zip(*outs, strict=True):
        # same operations in the same order; BLAS dot products may sum in another order
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def _active_set_x(R, t, c, rho2):
    k = t.shape[1]
    M = np.einsum("bkd,bjd->bkj", R, R)
    act = np.ones((1, k), dtype=bool)
    nu, gap, ok = np.zeros((1, k)), np.zeros(1), np.zeros(1, dtype=bool)
    active_set(M, t, c, rho2, act, 4 * k + 4, nu, gap, ok)
    return R[0].T @ nu[0]


def test_power_split_solves_eq41(rng):
    R, t, c, rho2 = _instance(rng, 30, 8)
    x = _active_set_x(R, t, c, rho2)
    s = power_split(R, t, c, rho2, 0.3 * x[None])
    yhat = x / np.linalg.norm(x)
    left = np.min(s[0] * (R[0] @ yhat) + t[0])
    right = c[0] * (rho2[0] - s[0] ** 2)
    # bisection to 100 halvings: the root is at rounding level
    assert left == pytest.approx(right, rel=1e-12)
    # along the optimal direction, eq. (41) recovers the optimal norm
    assert s[0] == pytest.approx(np.linalg.norm(x), rel=1e-9)


@pytest.mark.parametrize("variant", ["fast", "paper"])
def test_bfom_feasible_and_batch_equals_single(rng, variant):
    pairs = [make_drop(rng, N=24, K=8) for _ in range(3)]
    datas = [p2_data(drop, J) for drop, J in pairs]
    batch = bfom_batch(datas, variant=variant, iters=8)
    for (drop, J), sol in zip(pairs, batch, strict=True):
        res = solve(drop, "bfom", J=J, variant=variant, iters=8)
        np.testing.assert_allclose(res.history, sol.history, rtol=1e-12)
        assert res.power_residual_w <= 1e-9 * drop.scenario.pmax_w
        assert res.null_residual <= 1e-9
        # w is along h_K (Sec. V-B)
        cos = abs(np.vdot(drop.h_K, res.w)) / (np.linalg.norm(drop.h_K) * np.linalg.norm(res.w))
        assert cos == pytest.approx(1.0, rel=1e-12)
        if variant == "fast":
            # exact inner steps: P4 non-decreasing, certified by the saddle gap
            p4 = res.extras["p4_history"]
            assert np.all(np.diff(p4) >= -1e-9 * p4[1:])
            assert np.all(res.extras["inner_gap"] <= 1e-9 * p4[1:])


def test_paper_variant_reports_its_inner_work(rng):
    drop, J = make_drop(rng, N=24, K=8)
    res = solve(drop, "bfom", J=J, variant="paper", iters=3)
    its = res.extras["inner_iterations"]
    assert its.shape == (3,) and np.all((its > 0) & (its <= 3000))
    assert np.all(np.isfinite(res.extras["inner_gap"]))


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=(
    "Fig. 3c not reproduced: with eq. (12)'s J, Tr(J)/‖h_K‖² only falls from ~4.6 to ~2.2 "
    "as K grows from 5 to 35 (both scale with K), so Sec. V-B's premise ‖h_K‖² ≫ Tr(J) "
    "fails and SCO (started from the closed form) keeps a ~0.6 bit lead; see the report"))
def test_bfom_sco_gap_shrinks_with_k(rng, reduced):
    """Fig. 3c trend: SCO − BFOM shrinks as K grows (N = 40 here)."""
    drops = 4 if reduced else 8
    gaps = {}
    for k in (5, 35):
        gap = []
        for _ in range(drops):
            drop, J = make_drop(rng, N=40, K=k)
            gap.append(solve(drop, "sco", J=J).objective - solve(drop, "bfom", J=J).objective)
        gaps[k] = np.mean(gap)
    # measured [bit/s/Hz] (fixture seed, 4 drops): 0.58 at K = 5, 0.56 at K = 15, 0.61 at
    # K = 35; the paper's trend would need the K = 35 gap well under half the K = 5 one
    assert gaps[35] < 0.5 * gaps[5]


def test_fast_variant_fallback_is_visible(rng, monkeypatch):
    """When the active set cannot certify a step, mirror-prox takes over, and it shows."""
    drop, J = make_drop(rng, N=12, K=6)
    exact = solve(drop, "bfom", J=J, iters=5)

    def failing_active_set(M, t, c, rho2, active, max_steps, nu_out, gap_out, ok_out):
        ok_out[:] = False
        gap_out[:] = np.inf

    monkeypatch.setattr(bfom_module, "active_set", failing_active_set)
    res = solve(drop, "bfom", J=J, iters=5)
    assert res.extras["fallbacks"] == res.extras["inner_gap"].size >= 1
    assert np.all(res.extras["inner_iterations"] > 0)
    p4, gaps = res.extras["p4_history"], res.extras["inner_gap"]
    certified = np.all(gaps[: p4.size - 1] <= 1e-9 * p4[1:])
    assert res.converged == (res.stop_reason == "tolerance" and certified)
    assert res.power_residual_w <= 1e-9 * drop.scenario.pmax_w
    # the first step (mirror-prox to a 1e-9 gap) matches the exact one; later steps may
    # stop on max_inner short of the gap, which ``converged`` then reports
    np.testing.assert_allclose(res.extras["p4_history"][:2], exact.extras["p4_history"][:2],
                               rtol=1e-6)
