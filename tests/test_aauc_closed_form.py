"""Closed-form AAUC (Prop. 2-3) and the large-(N, K) point (eq. (42)-(43)), paper 000 Sec. V."""

import numpy as np
import pytest
from aauc_drops import make_drop
from scipy.optimize import minimize

from fastsec.aauc import solve
from fastsec.aauc.closed_form import asymptotic_power, noise_sum, prop3_w
from fastsec.aauc.problem import eve_leak, p2_data


def _p3(data, w):
    """Objective of P3 (eq. (25)-(26)) written from the paper; -1e3 outside ‖w‖² < 2 P_max."""
    w2 = np.vdot(w, w).real
    if w2 >= 2 * data.pmax:
        return -1e3
    e = 0.5 * np.log2(1 + eve_leak(data, w))
    psi = 0.5 * np.log2(1 + (2 * data.pmax - w2) / noise_sum(data)) - e
    ups = 0.5 * np.log2(1 + abs(np.vdot(data.hs, w)) ** 2) - e
    return min(psi, ups)


@pytest.mark.parametrize("shape", [(16, 3), (40, 6)])
def test_eq43_solves_eq42_exactly(rng, shape):
    drop, J = make_drop(rng, N=shape[0], K=shape[1])
    data = p2_data(drop, J)
    p = asymptotic_power(data)
    left = 0.5 * np.log2(1 + (2 * data.pmax - p) / noise_sum(data))
    right = 0.5 * np.log2(1 + p * np.vdot(data.hs, data.hs).real)
    # both sides are one rational expression apart: rounding only
    assert left == pytest.approx(right, rel=1e-13)


def test_prop3_not_beaten_by_local_search(rng):
    drop, J = make_drop(rng, N=40, K=5)
    data = p2_data(drop, J)
    w_star = prop3_w(data)
    best = _p3(data, w_star)
    m = w_star.size

    def neg(x):
        return -_p3(data, x[:m] + 1j * x[m:])

    starts = [np.concatenate([w_star.real, w_star.imag])]
    starts += [rng.standard_normal(2 * m) * np.sqrt(data.pmax / m) for _ in range(6)]
    for x0 in starts:
        x0 = x0 + 1e-3 * rng.standard_normal(2 * m) * np.linalg.norm(x0)
        found = -minimize(neg, x0, method="Nelder-Mead",
                          options={"maxiter": 20000, "xatol": 1e-12, "fatol": 1e-14}).fun
        # Nelder-Mead stops within ~1e-10 of a local maximum; Prop. 3 claims the global one
        assert found <= best + 1e-9


def test_closed_forms_feasible(rng):
    drop, J = make_drop(rng, N=30, K=6)
    for method in ("closed_form", "asymptotic"):
        res = solve(drop, method, J=J)
        assert res.power_residual_w == pytest.approx(0.0, abs=1e-12 * drop.scenario.pmax_w)
        assert res.null_residual <= 1e-9
        assert res.converged and res.iterations == 0


@pytest.mark.slow
def test_closed_form_approaches_sco_as_n_grows(rng):
    """Fig. 3b trend: the SCO − closed-form gap shrinks from N = 50 to N = 500 (K = 5)."""
    drops = 16  # K = 5 keeps SCO cheap even at N = 500 (~7 s in all); fewer drops are noise
    gaps = {}
    for n in (50, 500):
        gap = []
        for _ in range(drops):
            drop, J = make_drop(rng, N=n, K=5)
            sco = solve(drop, "sco", J=J).objective
            gap.append(sco - solve(drop, "closed_form", J=J).objective)
        gaps[n] = np.median(gap)
    # median gap [bit/s/Hz]; the mean is ruled by rare drops with two users at close angles,
    # whose channels stay correlated at any N (measured, 16 drops: median 0.030, 0.014,
    # 0.004, 0.0027 at N = 20, 50, 200, 500; means 0.12 .. 0.04). A regression that breaks the
    # large-N optimality of Prop. 2-3 leaves the gap flat.
    assert gaps[500] < 0.5 * gaps[50]
    assert gaps[500] < 0.01


def test_prop3_matches_eq27_literally(rng):
    drop, J = make_drop(rng, N=40, K=6)
    data = p2_data(drop, J)
    m = data.n_help
    hh = np.outer(data.hs, data.hs.conj())
    xi = (hh * noise_sum(data) + np.eye(m)) / (2 * data.pmax)  # eq. (28) in SNR units
    lam, vec = np.linalg.eigh(xi + np.diag(data.je))
    b_isqrt = (vec / np.sqrt(lam)) @ vec.conj().T  # (Ξ + λJ/σ_E²)^{-1/2}
    q = np.linalg.eigh(b_isqrt @ (xi + hh) @ b_isqrt)[1][:, -1]
    w27 = b_isqrt @ q / np.sqrt(np.real(q.conj() @ b_isqrt @ xi @ b_isqrt @ q))
    w = prop3_w(data)
    # equal up to a common phase (eigenvectors carry one); rounding-level agreement
    phase = np.vdot(w, w27) / abs(np.vdot(w, w27))
    np.testing.assert_allclose(w * phase, w27, rtol=1e-9, atol=1e-12 * np.linalg.norm(w27))
