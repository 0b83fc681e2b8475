import math

import numpy as np
import pytest

from fastsec import units
from fastsec.aauc import Scenario, angular_matrix, draw, draw_at, solve
from fastsec.aauc.secrecy import (
    average_secrecy_rate,
    fit_lambda,
    instantaneous_secrecy_rate,
    model_secrecy_rate,
    realised_secrecy_rate,
)
from fastsec.errors import ParameterError
from fastsec.experiments.aauc_figures import FIG2A_D_M, FIG2A_THETA_DEG
from fastsec.reference.aauc import eavesdropper_channel_samples

#: z-score for statistical checks (a correct implementation fails with probability ~6e-7).
Z = 5.0

#: Fig. 2a-like geometry (K = 3, alpha = 2.5, K_R = 30 dB): D_K = 500 m; user 1 at 10 deg
#: from user K, user 2 at 90 deg, distances chosen so that J_1 = 1e-5 rho0, J_2 = 2e-6 rho0
#: (the aauc-fig2b study's geometry).
FIG2_D = np.array(FIG2A_D_M)
FIG2_THETA = np.radians(FIG2A_THETA_DEG)


@pytest.fixture
def drop3(rng):
    s = Scenario(N=4, K=3, kr_db=30.0)
    return draw_at(s, rng, np.array([150.0, 250.0, 300.0]), np.array([0.3, -1.2, 0.0]), 100.0)


def test_instantaneous_matches_vdot_formula(rng):
    w = rng.standard_normal((5, 4)) + 1j * rng.standard_normal((5, 4))
    h = rng.standard_normal((5, 4)) + 1j * rng.standard_normal((5, 4))
    R, sigma = rng.uniform(0, 3, 5), rng.uniform(0.5, 20, 5)
    got = instantaneous_secrecy_rate(R, w, h, sigma)
    want = [max(R[i] - 0.5 * math.log2(1 + abs(np.vdot(h[i], w[i])) ** 2 / sigma[i]), 0.0)
            for i in range(5)]
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)  # same formula, rounding


def test_model_matches_quadratic_form_and_bounds(rng):
    w = rng.standard_normal(3) + 1j * rng.standard_normal(3)
    J = rng.uniform(0, 2, 3)
    quad = np.vdot(w, np.diag(J) @ w).real
    for lam in (0.0, 0.3, 1.0):
        got = model_secrecy_rate(2.0, w, J, 4.0, lam)
        np.testing.assert_allclose(got, max(2.0 - 0.5 * math.log2(1 + lam * quad / 4.0), 0.0),
                                   rtol=1e-13)
    assert model_secrecy_rate(2.0, w, J, 4.0, 0.0) == 2.0


@pytest.mark.parametrize("beta", [0.0, 0.35])
def test_leak_power_average_is_wJw(beta, rng):
    # eq. (47): E over (rho, phi, delta) of |h_E^H w|^2 = w^H J w, by Monte Carlo of eq. (8)-(9)
    s = Scenario(N=2, K=5, kr_db=10.0, beta_rad=beta)
    d = draw_at(s, rng, np.array([120.0, 420.0, 260.0, 330.0, 300.0]),
                np.array([0.2, 0.05, -2.0, 2.5, 0.0]), 10.0)
    w = rng.standard_normal(4) + 1j * rng.standard_normal(4)
    h = eavesdropper_channel_samples(d, rng, 400_000)
    leak = np.abs(h.conj() @ w) ** 2
    target = np.sum(angular_matrix(d) * np.abs(w) ** 2)
    assert abs(leak.mean() - target) < Z * leak.std(ddof=1) / math.sqrt(leak.size)


@pytest.mark.parametrize("sigma_dbm", [-100.0, -80.0, -60.0])
def test_average_matches_monte_carlo_of_the_signal_model(drop3, rng, sigma_dbm):
    # Independent reference: eq. (6) averaged over rho ~ U(0, D_K), phi, delta by plain Monte
    # Carlo. Tolerance: Z times the combined standard error plus the rho-quadrature error
    # bound RHO_QUAD_TOL (checked separately below).
    w = np.array([0.05 + 0.02j, 0.03 - 0.04j])
    sigma = units.dbm_to_watts(sigma_dbm)
    avg = average_secrecy_rate(drop3, 1.5, w, sigma, rng=rng, samples=4000)
    mc = instantaneous_secrecy_rate(1.5, w, eavesdropper_channel_samples(drop3, rng, 200_000),
                                    sigma)
    se = math.hypot(avg.stderr[0], mc.std(ddof=1) / math.sqrt(mc.size))
    assert abs(avg.value[0] - mc.mean()) < Z * se + RHO_QUAD_TOL


#: rho-quadrature error of the default 32 panels (kinks of [.]^+ make it algebraic).
RHO_QUAD_TOL = 2e-4


def test_rho_quadrature_converges(drop3):
    # Same Monte-Carlo draws (same seed) with 32 and 512 panels: the difference is the
    # quadrature error alone.
    w = np.array([0.05 + 0.02j, 0.03 - 0.04j])
    R = np.linspace(0.1, 3.0, 7)
    coarse = average_secrecy_rate(drop3, R, w, 1e-11, rng=np.random.default_rng(3),
                                  samples=500)
    fine = average_secrecy_rate(drop3, R, w, 1e-11, rng=np.random.default_rng(3), samples=500,
                                rho_panels=512)
    np.testing.assert_allclose(coarse.value, fine.value, rtol=0, atol=RHO_QUAD_TOL)


def test_properties_i_to_iii(drop3, rng):
    w = np.array([0.05 + 0.02j, 0.03 - 0.04j])
    R = 1.7
    # (i) sigma_E^2 -> 0: S -> 0; (ii) sigma_E^2 -> inf: S -> R
    assert average_secrecy_rate(drop3, R, w, 1e-40, rng=rng, samples=200).value[0] == 0.0
    np.testing.assert_allclose(average_secrecy_rate(drop3, R, w, 1e10, rng=rng,
                                                    samples=200).value, R, rtol=1e-9)
    # (iii) S >= [R - 1/2 log2(1 + w^H J w / sigma^2)]^+ = S_hat(lambda = 1), up to MC error
    J = angular_matrix(drop3)
    sigma = units.dbm_to_watts(np.arange(-100.0, -59.0, 4.0))
    avg = average_secrecy_rate(drop3, R, w, sigma, rng=rng, samples=4000)
    bound = model_secrecy_rate(R, w, J, sigma, 1.0)
    assert np.all(avg.value + Z * avg.stderr >= bound)
    assert np.any(avg.value > bound + Z * avg.stderr)  # not trivially tight


def test_fit_lambda_minimises_eq14(drop3, rng):
    n = 40
    R = rng.uniform(0, 3, n)
    w = (rng.standard_normal((n, 2)) + 1j * rng.standard_normal((n, 2))) * math.sqrt(0.0025)
    sigma = units.dbm_to_watts(rng.uniform(-100, -60, n))
    fit = fit_lambda(drop3, R, w, sigma, rng=rng, samples=300)
    grid = np.linspace(0, 1, 2001)
    mses = [np.mean((fit.average.value - model_secrecy_rate(R, w, fit.J, sigma, x)) ** 2)
            for x in grid]
    assert fit.mse <= min(mses) + 1e-12
    assert abs(fit.lam - grid[int(np.argmin(mses))]) <= 1e-3
    np.testing.assert_allclose(fit.mse, np.mean((fit.average.value - fit.model) ** 2), rtol=1e-12)


@pytest.mark.slow
def test_fit_lambda_on_fig2_setting(reduced):
    # Paper: lambda = 0.64, MSE = 0.0056 (the geometry is unstated; this one reproduces it,
    # others with the same J give lambda in ~[0.2, 0.85], see the report).
    s = Scenario(N=4, K=3, alpha=2.5, kr_db=30.0)
    d = draw_at(s, np.random.default_rng(0), FIG2_D, FIG2_THETA, 250.0)
    np.testing.assert_allclose(angular_matrix(d) / s.rho0, [1e-5, 2e-6], rtol=1e-3)
    per_sigma = 20 if reduced else 100
    rng = np.random.default_rng(11)
    sigma_dbm = np.repeat(np.arange(-100.0, -59.0, 2.0), per_sigma)
    R = rng.uniform(0, 3, sigma_dbm.size)
    w = (rng.standard_normal((sigma_dbm.size, 2))
         + 1j * rng.standard_normal((sigma_dbm.size, 2))) * math.sqrt(0.01 / 2 / 2)
    fit = fit_lambda(d, R, w, units.dbm_to_watts(sigma_dbm), rng=rng,
                     samples=300 if reduced else 1000)
    assert abs(fit.lam - 0.64) < 0.06
    assert fit.mse < 0.009


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda d, r: instantaneous_secrecy_rate(-1.0, [1j], [1.0], 1.0), ValueError,
         "R must be >= 0"),
        (lambda d, r: instantaneous_secrecy_rate(1.0, [1j], [1.0, 2.0], 1.0), ValueError,
         "h_E must have last dimension 1"),
        (lambda d, r: instantaneous_secrecy_rate(1.0, [1j], [1.0], 0.0), ValueError,
         "sigma_e2_w must be > 0"),
        (lambda d, r: instantaneous_secrecy_rate(1.0, [np.nan], [1.0], 1.0), ValueError,
         "w must be finite"),
        (lambda d, r: model_secrecy_rate(1.0, [1j], [1.0], 1.0, 1.5), ValueError,
         r"lam must be in \[0, 1\]"),
        (lambda d, r: model_secrecy_rate(1.0, [1j], [-1.0], 1.0, 0.5), ValueError,
         "J must be >= 0"),
        (lambda d, r: model_secrecy_rate([1.0, 2.0], np.ones((3, 1)), [1.0], 1.0, 0.5),
         ValueError, "do not broadcast"),
        (lambda d, r: model_secrecy_rate("a", [1j], [1.0], 1.0, 0.5), TypeError,
         "R must be a numeric array"),
        (lambda d, r: average_secrecy_rate("d", 1.0, [1j, 1j], rng=r), TypeError,
         "drop must be a fastsec.aauc.Drop"),
        (lambda d, r: average_secrecy_rate(d, 1.0, [1j], rng=r), ValueError,
         r"w must have shape \(2,\) or \(T, 2\)"),
        (lambda d, r: average_secrecy_rate(d, 1.0, [1j, 1j], rng=1), TypeError,
         "rng must be a numpy.random.Generator"),
        (lambda d, r: average_secrecy_rate(d, 1.0, [1j, 1j], rng=r, samples=1), ValueError,
         r"samples must be in \[2, inf\]"),
        (lambda d, r: average_secrecy_rate(d, 1.0, [1j, 1j], rng=r, rho_panels=0), ValueError,
         r"rho_panels must be in \[1, inf\]"),
        (lambda d, r: fit_lambda(d, [1.0], [[1j, 1j]], [-1.0], rng=r), ValueError,
         "sigma_e2_w must be > 0"),
    ],
)
def test_bad_input(drop3, call, exc, match):
    with pytest.raises(exc, match=match):
        call(drop3, np.random.default_rng(0))


def test_eq10_kernel_matches_numpy_twin(drop3, rng):
    # Same nodes, weights and samples: the kernel and its NumPy twin differ only in summation
    # order, hence rtol 1e-12.
    from fastsec.kernels.aauc.secrecy import (
        secrecy_average_batch,
        secrecy_average_batch_parallel,
    )

    from fastsec.aauc import secrecy
    from fastsec.reference.aauc import secrecy_average_numpy

    rho, weights = secrecy._rho_rule(drop3, 8)
    amp = secrecy._path_amplitudes(drop3, rho)
    conj_mix = rng.standard_normal((2, 300)) + 1j * rng.standard_normal((2, 300))
    w = (rng.standard_normal((6, 2)) + 1j * rng.standard_normal((6, 2))) * 0.05
    R, sigma = rng.uniform(0, 3, 6), units.dbm_to_watts(rng.uniform(-100, -60, 6))
    mean, mean_sq = np.empty(6), np.empty(6)
    secrecy_average_batch(amp, weights, conj_mix, w, R, sigma, mean, mean_sq)
    ref = secrecy_average_numpy(amp, weights, conj_mix, w, R, sigma)
    np.testing.assert_allclose(mean, ref[0], rtol=1e-12)
    np.testing.assert_allclose(mean_sq, ref[1], rtol=1e-12)
    par = np.empty(6), np.empty(6)
    secrecy_average_batch_parallel(amp, weights, conj_mix, w, R, sigma, *par)
    np.testing.assert_array_equal(par[0], mean)  # same per-point loop, threads split points
    np.testing.assert_array_equal(par[1], mean_sq)


def _gaussian_mi_bits(looks, rng, samples):
    """I(s; y) [bit] of y_i = a_i s + n_i (s, n_i ~ CN(0, 1)) by simulating the signal model.

    For a Gaussian symbol, I(s; y) = log2(E|s|² / mmse) and the MMSE estimator is linear:
    its error is measured by a least-squares fit of s on the simulated looks. Returns the
    estimate and its standard error (delta method on the two sample means).
    """
    def cn(*shape):
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / math.sqrt(2)

    s = cn(samples)
    y = np.stack([a * s + cn(samples) for a in looks], axis=1)
    coef = np.linalg.lstsq(y, s, rcond=None)[0]
    err2, pow2 = np.abs(s - y @ coef) ** 2, np.abs(s) ** 2
    value = math.log2(pow2.mean() / err2.mean())
    rel = math.hypot(err2.std(ddof=1) / err2.mean(), pow2.std(ddof=1) / pow2.mean())
    return value, rel / math.sqrt(samples) / math.log(2)


@pytest.mark.parametrize("phases", [1, 2])
def test_realised_rate_matches_a_simulation_of_the_signal_model(rng, phases):
    # Paper 000, Sec. II: the BS sends s through g_E^H v (phase 1), the helpers forward the
    # same s through h_E^H w (phase 2, or the same slot for the IRS scheme). The eavesdropper's
    # rate is simulated from those received signals with comparable SNRs in both looks
    # (where the candidate phase models differ most); tolerance Z standard errors.
    N, m, sigma = 6, 3, 2e-3
    v, g_E = (rng.standard_normal((2, N)) + 1j * rng.standard_normal((2, N))) * 0.03
    w, h_E = (rng.standard_normal((2, m)) + 1j * rng.standard_normal((2, m))) * 0.05
    v *= math.sqrt(2.0 * sigma) / abs(np.vdot(g_E, v))  # SNR 2 in the BS's look
    w *= math.sqrt(4.0 * sigma) / abs(np.vdot(h_E, w))  # SNR 4 in the helpers' look
    a, b = np.vdot(g_E, v) / math.sqrt(sigma), np.vdot(h_E, w) / math.sqrt(sigma)
    R = 2.5
    got = realised_secrecy_rate(R, v, w, g_E, h_E, sigma, phases=phases)
    looks = [a, b] if phases == 2 else [a + b]
    mi, se = _gaussian_mi_bits(looks, rng, 400_000)
    assert abs(float(got.eve_rate) - mi / phases) < Z * se / phases
    assert float(got.signed) == pytest.approx(R - mi / phases, abs=Z * se / phases)
    assert float(got.secrecy_rate) == max(float(got.signed), 0.0)
    # eq. (6): the helpers' look only
    mi2, se2 = _gaussian_mi_bits([b], rng, 400_000)
    assert float(got.eq6) == pytest.approx(max(R - mi2 / phases, 0.0), abs=Z * se2 / phases)
    # the test tells the combining models apart: taking the better look only (selection) or
    # separate codewords per phase (sum of the two looks' rates) misses by far more than Z SE
    if phases == 2:
        selection = 0.5 * math.log2(1 + max(abs(a) ** 2, abs(b) ** 2))
        separate = 0.5 * (math.log2(1 + abs(a) ** 2) + math.log2(1 + abs(b) ** 2))
        assert min(abs(selection - mi / 2), abs(separate - mi / 2)) > 10 * Z * se


def test_solve_reports_both_phase_and_eq6_rates(rng):
    drop = draw(Scenario(N=12, K=5, kr_db=10.0), rng)
    sigma = drop.scenario.sigma_e2_w
    for method in ("sco", "closed_form", "bfom", "direct", "irs"):
        res = solve(drop, method)
        phases = 1 if method in ("direct", "irs") else 2
        want = realised_secrecy_rate(res.rate, res.v, res.w, drop.g_E, drop.h_E, sigma,
                                     phases=phases)
        assert res.secrecy_rate == pytest.approx(float(want.secrecy_rate), rel=1e-12, abs=1e-14)
        assert res.secrecy_rate_signed == pytest.approx(float(want.signed), rel=1e-12)
        assert res.secrecy_rate == max(res.secrecy_rate_signed, 0.0)
        if phases == 2:  # a second look can only help the eavesdropper
            assert res.secrecy_rate <= res.secrecy_rate_eq6 + 1e-12
    for method in ("sco", "closed_form", "bfom"):
        res = solve(drop, method)
        # the eq. (6) column is the public eq. (6) function of the same point
        eq6 = instantaneous_secrecy_rate(res.rate, res.w, drop.h_E, sigma)
        assert res.secrecy_rate_eq6 == pytest.approx(float(eq6), rel=1e-12, abs=1e-14)
    res = solve(drop, "direct")
    assert res.secrecy_rate_eq6 == res.secrecy_rate  # one phase, no null steering: all of it


def test_realised_rate_bad_input(rng):
    v, w = np.ones(4, complex), np.ones(2, complex)
    with pytest.raises(ParameterError, match="phases must be in"):
        realised_secrecy_rate(1.0, v, w, v, w, 1.0, phases=3)
    with pytest.raises(ParameterError, match="must match"):
        realised_secrecy_rate(1.0, v, w, w, w, 1.0)
