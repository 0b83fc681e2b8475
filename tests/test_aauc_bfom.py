"""BFOM-based AAUC (paper 000, Sec. V-B): the eq. (30) inner solvers against cvxpy, the
mirror-prox kernel against its NumPy twin, eq. (41), feasibility, batching, Fig. 3c trend."""

import numpy as np
import pytest
from aauc_drops import eq30_cvxpy, eq30_instance, make_drop
from fastsec.kernels.optim.mirror_prox import MirrorProxOptions, active_set, mirror_prox

from fastsec.aauc import average_secrecy_rate, solve
from fastsec.aauc import bfom as bfom_module
from fastsec.aauc.bfom import bfom_batch, p5_instance, power_split
from fastsec.aauc.closed_form import asymptotic_point
from fastsec.aauc.problem import p2_data, row_space
from fastsec.reference import aauc as reference

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
    mirror_prox(R, t, c, rho2, x, le, L, MirrorProxOptions(False, True, 1e-8, 200_000), its,
                gap)
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
        impl(R, t, c, rho2, x, le, L, MirrorProxOptions(backtrack, False, 0.0, 60), its, gap)
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
    data = p2_data(*make_drop(rng, N=30, K=8))
    q, hq = row_space(data.Hs)
    Hq, beta = hq[None], (q.conj().T @ asymptotic_point(data)[0])[None]
    R, t = p5_instance(Hq, beta)
    c, rho2 = np.array([np.vdot(data.hs, data.hs).real]), np.array([2 * data.pmax])
    x = _active_set_x(R, t, c, rho2)
    # power_split works from Hq β without forming R; eq. (41) is checked with R below
    s = power_split(Hq, (Hq[0] @ beta[0])[None], t, c, rho2, 0.3 * x[None])
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


# Fig. 3c (paper 000, Sec. VII): N = 100, K_R = 30 dB, the other Sec. VII defaults, I = 20.
# Measured with 200 drops per K (docs/fig3c.md): the SCO − BFOM gap in the exact average
# secrecy rate eq. (10) is 0.400 ± 0.023, 0.543 ± 0.024, 0.478 ± 0.021, 0.316 ± 0.015 bit/s/Hz
# at K = 10, 20, 50, 100 (mean ± SE): it shrinks from K = 20 on (8 SE), but grows 10 → 20.
FIG3C = {"N": 100, "kr_db": 30.0, "sco_iters": 20}  # the paper's I = 20, as its figure
# Monte-Carlo draws of eq. (10) per drop, shared by both methods: each value's Monte-Carlo SE
# is <= 0.016 bit on average at 1000 draws (measured, K = 10..100), far below the drop-to-drop
# spread of the gap (SD 0.2-0.35 bit), which the SE assertion below accounts for
EQ10_SAMPLES = 1000


def _common_rate(drop, res):
    """R of eq. (7) from the drop's channels: ½ log2(1 + min(min_k |g_k^H v|², |h_K^H w|²)/σ²)."""
    snr = np.abs(np.append(drop.g[:-1].conj() @ res.v, np.vdot(drop.h_K, res.w))) ** 2
    return 0.5 * np.log2(1.0 + snr.min() / drop.scenario.sigma2_w)


def _fig3c_point(rng, k, drops):
    """Per drop of Fig. 3c at K = k: SCO − BFOM in eq. (10), SCO's phase-2 power share
    ‖w‖²/(2 P_max), and the MRT ratio (λ/σ_E²) h^H J h/‖h‖² ÷ (‖h‖²/σ²) of Sec. V-B (the
    eavesdropper's SNR over user K's when w ∥ h_K)."""
    gap, share, mrt = np.empty(drops), np.empty(drops), np.empty(drops)
    for i in range(drops):
        drop, J = make_drop(rng, K=k, **FIG3C)
        sc = drop.scenario
        runs = [solve(drop, method, J=J) for method in ("sco", "bfom")]
        avg = average_secrecy_rate(drop, [_common_rate(drop, r) for r in runs],
                                   np.stack([r.w for r in runs]), rng=rng,
                                   samples=EQ10_SAMPLES)
        gap[i] = avg.value[0] - avg.value[1]
        share[i] = np.vdot(runs[0].w, runs[0].w).real / (2.0 * sc.pmax_w)
        h2 = np.abs(drop.h_K) ** 2
        mrt[i] = (sc.lam * np.sum(J * h2) / h2.sum() / sc.sigma_e2_w) / (h2.sum() / sc.sigma2_w)
    return gap, share, mrt


def _diff_se(a, b):
    """Standard error of mean(a) − mean(b) for independent samples."""
    return np.hypot(a.std(ddof=1) / np.sqrt(a.size), b.std(ddof=1) / np.sqrt(b.size))


#: Required significance of the K = 20 -> 100 shrink. With 40 drops per K the five disjoint
#: 40-drop blocks of the 200-drop study gave 2.8 to 4.6 SE (ratio 0.53 to 0.66).
SHRINK_Z = 2.5
#: Largest accepted gap(K = 100) / gap(K = 20) in eq. (10); measured 0.58 (200 drops).
SHRINK_RATIO = 0.8


@pytest.mark.slow
def test_bfom_sco_gap_shrinks_from_k20_to_k100(rng, reduced):
    """Fig. 3c trend in the exact average secrecy rate eq. (10), K = 20 -> 100, and why.

    As K grows, the multicast phase to K − 1 users with N = 100 antennas needs almost the
    whole budget, so phase 2 gets little power and the eavesdropper term that BFOM's P4
    drops (w along h_K, Sec. V-B) costs less: the gap shrinks. BFOM losing ground at K = 100
    or SCO at K = 20 breaks the shrink; a change in the phase split or in J / h_K (eq. (9),
    (12)) breaks the mechanism checks (SCO's own optimality is tested in test_aauc_sco.py).
    """
    drops = 40 if reduced else 100
    (gap20, share20, mrt20), (gap100, share100, mrt100) = (
        _fig3c_point(rng, k, drops) for k in (20, 100))
    assert gap20.mean() - gap100.mean() > SHRINK_Z * _diff_se(gap20, gap100)
    assert gap100.mean() < SHRINK_RATIO * gap20.mean()
    # the mechanism: SCO's phase-2 share falls ~18x (0.30 -> 0.017 of 2 P_max, 200 drops;
    # 14x to 23x in 40-drop blocks) ...
    assert share100.mean() < 0.2 * share20.mean()
    # ... and Sec. V-B's premise improves, slowly: the median MRT eavesdropper-to-user-K SNR
    # ratio falls 0.18 -> 0.064 (200 drops; ratio 0.25 to 0.55 in 40-drop blocks); it is
    # heavy-tailed (a helper near the BS-user K segment), hence the median
    assert np.median(mrt100) < 0.7 * np.median(mrt20)


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=(
    "Fig. 3c's literal claim (gap shrinks as K grows, from K = 10) does not hold at "
    "K = 10 -> 20: in eq. (10) the SCO − BFOM gap grows 0.400 ± 0.023 -> 0.543 ± 0.024 "
    "(200 drops, 4.3 SE), as SCO gains more from the extra helpers than BFOM; see "
    "docs/fig3c.md"))
def test_bfom_sco_gap_shrinks_from_k10(rng, reduced):
    """The paper's literal Fig. 3c claim at its first step, K = 10 -> 20, in eq. (10)."""
    drops = 40 if reduced else 100
    gap10, gap20 = (_fig3c_point(rng, k, drops)[0] for k in (10, 20))
    assert gap20.mean() < gap10.mean()


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
