"""RMCG-AO (paper 002, Algorithm 1): θ objectives, AO effective quantities, the AO loop, SDR.

References: the literal full-matrix NumPy twin of eq. (14), (17), (11)
(:func:`fastsec.reference.oam.sinr_terms_reference`), central finite differences, first-order
closed forms at tiny SINR, the NumPy twins of the step surrogates
(:mod:`fastsec.reference.oam_steps`) and cvxpy (``exact=True``).
"""

import sys

import numpy as np
import pytest
from fastsec.kernels.oam.objectives import rcg_secrecy, secrecy_terms
from numpy.testing import assert_allclose
from oam_points import random_point, scene_with_channels

from fastsec.errors import ParameterError, ParameterTypeError
from fastsec.oam import Scenario, channels, optimize
from fastsec.oam import effective as ef
from fastsec.oam.sdr import lifted_forms
from fastsec.reference.instances import theta1_instance
from fastsec.reference.oam import sinr_terms_reference
from fastsec.reference.oam_optimize import pymanopt_theta, secrecy_terms_cost, secrecy_terms_egrad
from fastsec.reference.oam_steps import bob_rate_from_chi, secrecy_rate_from_gains

# the module: the name fastsec.oam.optimize is the function
optimize_module = sys.modules["fastsec.oam.optimize"]

Q = 8


@pytest.fixture(scope="module")
def scene():
    return scene_with_channels(Q1=Q, Q2=Q + 4)


def _twin_rates(s, ch, p, a, theta1, theta2):
    """(R_B without log2 G, R_E) from the literal matrix twin."""
    t = sinr_terms_reference(s, ch, p, a, theta1, theta2)
    return np.log2(1 + t["sinr_B"]).sum(), np.log2(1 + t["sinr_E"]).sum(), t


def test_theta_objectives_match_matrix_twin(scene, rng):
    s, ch = scene
    lk = ef.link(s, ch)
    grad = np.empty(max(s.Q1, s.Q2), dtype=complex)
    for _ in range(3):
        p, a, theta1, theta2 = random_point(s, rng)
        r_b, r_e, _ = _twin_rates(s, ch, p, a, theta1, theta2)
        f1 = secrecy_terms(theta1, ef.theta1_data(lk, p, a, theta2), 0, grad[: s.Q1], False)
        f2 = secrecy_terms(theta2, ef.theta2_data(lk, ef.incident(lk, theta1), p, a), 0,
                           grad[: s.Q2], False)
        # Same sums in a different order: agreement to a few ulps of the largest term.
        assert_allclose(f1, -(r_b - r_e), rtol=1e-10, atol=1e-13)
        assert_allclose(f2, -r_b, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("which", ["theta1", "theta2"])
def test_theta_gradients_match_finite_differences(scene, rng, which):
    s, ch = scene
    lk = ef.link(s, ch)
    p, a, theta1, theta2 = random_point(s, rng)
    a = np.full(s.Q2, s.a_max)  # Bob's SINR near 1: every term of the gradient matters
    if which == "theta1":
        data, theta = ef.theta1_data(lk, p, a, theta2), theta1
    else:
        data, theta = ef.theta2_data(lk, ef.incident(lk, theta1), p, a), theta2
    grad = np.empty(theta.shape[0], dtype=complex)
    scratch = grad.copy()
    secrecy_terms(theta, data, 0, grad, True)
    h = 1e-6
    for _ in range(4):
        d = rng.standard_normal(theta.shape[0]) + 1j * rng.standard_normal(theta.shape[0])
        fd = (secrecy_terms(theta + h * d, data, 0, scratch, False)
              - secrecy_terms(theta - h * d, data, 0, scratch, False)) / (2 * h)
        # Central differences: O(h^2) truncation + O(eps/h) round-off, both << 1e-6 relative.
        assert_allclose(np.real(np.vdot(grad, d)), fd, rtol=1e-6)


def test_theta_objective_tiny_sinr_uses_log1p(scene, rng):
    s, ch = scene
    lk = ef.link(s, ch)
    p, a, theta1, theta2 = random_point(s, rng)
    W, alpha, V, beta, c, sign = ef.theta1_data(lk, p, a, theta2)
    W, alpha = W * 1e-12, alpha * 1e-12  # SINRs ~ 1e-20: log(1 + x) would round to 0
    data = (W, alpha, V, beta, c, sign)
    num = np.abs(alpha[0, :, 0] + np.einsum("lq,q->l", W[0, :, 0].conj(), theta1)) ** 2
    den = (np.abs(beta[0] + np.einsum("lrq,q->lr", V[0].conj(), theta1)) ** 2).sum(1) + c[0]
    x = num / den
    assert np.all(x < 1e-15)
    expected = np.sum(sign[0] * x) / np.log(2)  # log1p(x) = x (1 - x/2 + ...), x^2 ~ 1e-40
    grad = np.empty(s.Q1, dtype=complex)
    assert_allclose(secrecy_terms(theta1, data, 0, grad, False), expected, rtol=1e-12)


def test_effective_quantities_reproduce_sinrs(scene, rng):
    s, ch = scene
    lk = ef.link(s, ch)
    p, a, theta1, theta2 = random_point(s, rng)
    r_b, r_e, t = _twin_rates(s, ch, p, a, theta1, theta2)
    v = ef.incident(lk, theta1)
    pt = ef.power_terms(lk, v, a, theta1, theta2, s.p_r2_w)
    at = ef.amplification_terms(lk, v, theta2, p)
    rtol = 1e-10  # reordered sums of the same products
    assert_allclose(secrecy_rate_from_gains(pt["gain_bob"], pt["gain_eve"], pt["noise_bob"],
                                            pt["noise_eve"], p), r_b - r_e, rtol=rtol)
    assert_allclose(bob_rate_from_chi(at["chi"], at["kappa2"], p, a, s.sigma_r2_w,
                                      s.sigma_b2_w), r_b, rtol=rtol)
    assert_allclose(ef.ris2_power(lk, v, p, a), t["ris2_power"], rtol=rtol)
    signal_part = pt["ris_gain"] @ p
    assert_allclose(s.p_r2_w - pt["ris_headroom"] + signal_part, t["ris2_power"], rtol=rtol)


def test_lifted_forms_reproduce_quadratic_forms(scene, rng):
    s, ch = scene
    lk = ef.link(s, ch)
    p, a, theta1, theta2 = random_point(s, rng)
    data = ef.theta1_data(lk, p, a, theta2)
    a_bar, b_bar = lifted_forms(data)
    lifted = np.append(theta1, 1.0)
    W, alpha, V, beta, c, _ = (x[0] for x in data)
    num = np.abs(alpha[:, 0] + W[:, 0].conj() @ theta1) ** 2
    den = (np.abs(beta + np.einsum("lrq,q->lr", V.conj(), theta1)) ** 2).sum(1) + c
    assert_allclose(np.einsum("p,lpq,q->l", lifted.conj(), a_bar, lifted).real, num, rtol=1e-10)
    assert_allclose(np.einsum("p,lpq,q->l", lifted.conj(), b_bar, lifted).real, den, rtol=1e-10)


def test_rcg_on_theta1_objective_improves_and_keeps_unit_modulus(scene, rng):
    s, ch = scene
    lk = ef.link(s, ch)
    p, a, theta1, theta2 = random_point(s, rng)
    data = ef.theta1_data(lk, p, a, theta2)
    theta, f, iters, reason, _ = rcg_secrecy(*data, theta1[None], 1e-8, 0.0, 500,
                                             np.zeros((1, 0, 3)))
    assert_allclose(np.abs(theta), 1.0, atol=1e-12)
    r_b0, r_e0, _ = _twin_rates(s, ch, p, a, theta1, theta2)
    r_b1, r_e1, _ = _twin_rates(s, ch, p, a, theta[0], theta2)
    assert r_b1 - r_e1 > r_b0 - r_e0
    assert_allclose(f[0], -(r_b1 - r_e1), rtol=1e-10)


def test_numpy_twin_matches_kernel(scene, rng):
    s, ch = scene
    lk = ef.link(s, ch)
    p, a, theta1, theta2 = random_point(s, rng)
    data = ef.theta1_data(lk, p, a, theta2)
    grad = np.empty(s.Q1, dtype=complex)
    f = secrecy_terms(theta1, data, 0, grad, True)
    assert_allclose(f, secrecy_terms_cost(theta1, data), rtol=1e-12)  # same sums, reordered
    assert_allclose(grad, secrecy_terms_egrad(theta1, data), rtol=1e-10,
                    atol=1e-14 * abs(grad).max())


@pytest.mark.parametrize("seed", [0, 1])
def test_rcg_theta1_matches_or_beats_pymanopt(seed):
    data, theta0 = theta1_instance(12, seed)
    gtol, min_step, max_iter = 1e-6, 1e-10, 1000
    _, f, _, reason, _ = rcg_secrecy(*data, theta0[None], gtol, min_step, max_iter,
                                     np.zeros((1, 0, 3)))
    ref = pymanopt_theta(data, theta0, gtol, min_step, max_iter)
    assert reason[0] != 2  # stopped on the gradient or step tolerance, not the cap
    # same start, algorithm and tolerance: equal to 1e-8 relative, or better (lower)
    assert f[0] <= ref.cost + 1e-8 * abs(ref.cost)


# ------------------------------------------------------------------------ Algorithm 1
#: Slack on monotonicity and constraints: the fast p/a solvers stop at a relative duality
#: gap of fastsec.oam.steps.GAP_REL (1e-8), the RCG only accepts decreasing steps.
MONOTONE_TOL = 1e-8


def _check_constraints(res, s):
    r = res.residuals
    assert r["power_sum"] <= 1e-9 * s.signal_power_w
    assert r["power_floor"] <= 1e-12
    assert r["a_low"] <= 0.0 and r["a_high"] <= 1e-12
    assert r["unit_modulus"] <= 1e-12
    assert np.all(res.substep_ris2_power <= s.p_r2_w * (1 + 1e-9))
    # independent recomputation with the matrix twin
    t = sinr_terms_reference(res.scenario, channels(res.scenario), res.p, res.a, res.theta1,
                             res.theta2)
    assert t["ris2_power"] <= s.p_r2_w * (1 + 1e-9)
    assert res.p.sum() <= s.signal_power_w * (1 + 1e-9)


@pytest.mark.parametrize("theta_mode", ["tolerance", "step"])
def test_algorithm1_monotone_and_feasible(theta_mode):
    s = Scenario(Q1=16, Q2=16)
    res = optimize(s, rng=np.random.default_rng(3), iters=10, theta_mode=theta_mode)
    steps = np.concatenate([[res.history[0]], res.substep_history.ravel()])
    assert np.all(np.diff(steps) >= -MONOTONE_TOL * (1 + np.abs(steps[1:])))
    assert_allclose(res.history[1:], res.substep_history[:, -1], rtol=0)
    assert res.history[-1] > res.history[0]
    assert res.stop_reason == ("tolerance" if res.converged else "iterations")
    r_b, r_e, _ = _twin_rates(s, channels(s), res.p, res.a, res.theta1, res.theta2)
    assert_allclose(res.rates.R_s, r_b + s.index_bits - r_e, rtol=1e-10)
    _check_constraints(res, s)


def test_ris2_budget_rescale_recorded_and_kept():
    # P_R2 = 1e-6 W: the budget binds (a = a_max alone would emit 1.6e-6 W of RIS2 noise).
    s = Scenario(Q1=16, Q2=16, pt_fraction=1 - 1e-6)
    res = optimize(s, rng=np.random.default_rng(5), iters=8)
    assert res.a_rescales > 0
    assert res.residuals["ris2_budget"] > -1e-3 * s.p_r2_w  # the budget is active
    _check_constraints(res, s)
    steps = res.substep_history.ravel()
    assert np.all(np.diff(steps) >= -MONOTONE_TOL * (1 + np.abs(steps[1:])))


def test_exact_cvxpy_steps_agree_with_fast_path():
    s = Scenario(Q1=8, Q2=8)
    fast = optimize(s, rng=np.random.default_rng(1), iters=4)
    exact = optimize(s, rng=np.random.default_rng(1), iters=4, exact=True)
    assert exact.solver != fast.solver
    # Same start; the steps agree to ~1e-6 relative per step (solver tolerances), which the
    # AO can amplify over 4 iterations: 1e-4 relative in R_s.
    assert_allclose(exact.history, fast.history, rtol=1e-4)


def test_stalled_fast_step_falls_back_to_cvxpy_from_the_same_start(monkeypatch):
    # A P4/P5 stall in the AO kernel (seen once in ~30 starts at Q = 60 with beta = 4 pi) must
    # not end the run: that start is redone with the cvxpy steps, i.e. exactly exact=True.
    s = Scenario(Q1=8, Q2=8)
    exact = optimize(s, rng=np.random.default_rng(1), iters=4, exact=True)
    kernel = optimize_module._ao.rmcg_ao_starts

    def stalled(*args):
        out = list(kernel(*args))
        out[6][:] = optimize_module._ao.AO_P5_STALLED  # status of every start
        out[7][:] = 1287
        return tuple(out)

    monkeypatch.setattr(optimize_module._ao, "rmcg_ao_starts", stalled)
    res = optimize(s, rng=np.random.default_rng(1), iters=4)
    assert res.solver == exact.solver != "primal-dual-ipm"
    assert res.history[0] == exact.history[0]  # the same start
    # cvxpy's first and later solves of the same steps differ by ~1e-5 relative (solver
    # tolerances), which the AO carries: 1e-4 as in the fast-vs-exact test above.
    assert_allclose(res.history, exact.history, rtol=1e-4)


def test_multiple_starts_keep_best_and_are_reproducible():
    s = Scenario(Q1=8, Q2=8)
    res = optimize(s, rng=np.random.default_rng(2), iters=5, starts=3)
    assert res.starts_rs.shape == (3,)
    assert res.rates.R_s == pytest.approx(res.starts_rs.max(), rel=1e-12)
    again = optimize(s, rng=np.random.default_rng(2), iters=5, starts=3)
    np.testing.assert_array_equal(again.theta1, res.theta1)
    np.testing.assert_array_equal(again.history, res.history)


def test_sdr_method_monotone_and_feasible():
    s = Scenario(Q1=6, Q2=6)
    res = optimize(s, method="sdr", rng=np.random.default_rng(4), iters=3,
                   randomizations=20)
    assert res.method == "sdr" and res.theta_iterations == 2 * res.iterations
    steps = np.concatenate([[res.history[0]], res.substep_history.ravel()])
    assert np.all(np.diff(steps) >= -MONOTONE_TOL * (1 + np.abs(steps[1:])))
    assert res.history[-1] > res.history[0]
    _check_constraints(res, s)


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"scheme": "nope"}, ParameterError),
    ({"method": "manopt"}, ParameterError),
    ({"rng": 1}, ParameterTypeError),
    ({"iters": 0}, ParameterError),
    ({"theta_mode": "one"}, ParameterError),
    ({"gtol": 1.5}, ParameterError),
    ({"channels": "H"}, ParameterTypeError),
    ({"exact": True, "solver": "NOPE"}, ParameterError),
    ({"exact": 1}, ParameterTypeError),
    ({"max_inner": 0}, ParameterError),
    ({"max_iter": 3}, ParameterTypeError),  # neither a name nor a former name
    ({"channels": channels(Scenario(Q1=5, Q2=4))}, ParameterError),
])
def test_optimize_rejects_bad_input(kwargs, error):
    args = {"rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(error):
        optimize(Scenario(Q1=4, Q2=4), **args)


def test_former_option_names_warn_and_mean_the_new_ones():
    s = Scenario(Q1=4, Q2=4)
    new = optimize(s, rng=np.random.default_rng(0), iters=2, max_inner=5)
    with pytest.warns(DeprecationWarning, match="'max_iters' is deprecated, use 'iters'"):
        old = optimize(s, rng=np.random.default_rng(0), max_iters=2, max_inner=5)
    np.testing.assert_array_equal(old.history, new.history)
    with pytest.warns(DeprecationWarning, match="'rcg_max_iter' is deprecated"):
        old = optimize(s, rng=np.random.default_rng(0), iters=2, rcg_max_iter=5)
    np.testing.assert_array_equal(old.history, new.history)
    with pytest.raises(ParameterTypeError, match="both 'max_iters' and its new name 'iters'"):
        optimize(s, rng=np.random.default_rng(0), iters=2, max_iters=2)
