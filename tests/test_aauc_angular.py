import math

import numpy as np
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from fastsec.aauc import Scenario, angular_matrix, draw, draw_batch
from fastsec.reference.aauc import angular_matrix_quad

# quad runs at epsrel=1e-12 and our quadrature is accurate to ~1e-13 (module docstring of
# fastsec.kernels.aauc.quadrature); the acceptance bound is 1e-10.
RTOL_QUAD = 1e-10


def _closed_form_alpha2(D_k, delta, D_K, beta=0.0):
    # q = c (rho - a)^2 + b^2, int_0^L drho / q = [atan(sqrt(c)(L-a)/b) + atan(sqrt(c) a/b)]
    # / (sqrt(c) b); with c = 1 (2-D) this is the formula of the issue.
    t2 = math.tan(beta) ** 2
    c = 1 + t2
    a = D_k * math.cos(delta) / c
    b = D_k * math.sqrt((math.sin(delta) ** 2 + t2) / c)
    sc = math.sqrt(c)
    return (math.atan(sc * (D_K - a) / b) + math.atan(sc * a / b)) / (sc * b)


@pytest.mark.parametrize("beta", [0.0, 0.4])
def test_random_drops_match_scipy_quad(beta, rng):
    s = Scenario(N=2, K=8, beta_rad=beta)
    batch = draw_batch(s, rng, 6)
    J = angular_matrix(batch)
    assert J.shape == (6, 7)
    for i in range(6):
        ref = angular_matrix_quad(batch.D[i], batch.theta[i], s.alpha, s.rho0, beta)
        np.testing.assert_allclose(J[i], ref, rtol=RTOL_QUAD, atol=0)


@pytest.mark.parametrize("beta", [0.0, 0.3])
@pytest.mark.parametrize("offset_m", [1.0, 0.1, 0.01])
@pytest.mark.parametrize("alpha", [2.5, 3.7, 0.8])
def test_user_near_the_segment_matches_scipy_quad(offset_m, beta, alpha):
    # user 1 at perpendicular distance offset_m from the segment BS-user K, inside it
    D_K, along = 400.0, 250.0
    D = np.array([math.hypot(along, offset_m), 180.0, D_K])
    theta = np.array([0.7 + math.atan2(offset_m, along), -1.0, 0.7])
    J = angular_matrix(D=D, theta=theta, alpha=alpha, rho0=1e-4, beta_rad=beta)
    ref = angular_matrix_quad(D, theta, alpha, 1e-4, beta)
    np.testing.assert_allclose(J, ref, rtol=RTOL_QUAD, atol=0)


@pytest.mark.parametrize("beta", [0.0, -0.5])
def test_alpha_two_closed_form(beta, rng):
    # Exact agreement (rtol 1e-12: both sides are accurate to ~1e-13) with the arctan closed
    # form, including users 1e-3 m and 1e-7 m from the segment and users behind the BS.
    D_K, th_K = 350.0, -2.0
    D = np.concatenate([rng.uniform(20, 600, 20), [200.0, 200.0, 500.0, D_K]])
    theta = np.concatenate([rng.uniform(-np.pi, np.pi, 20),
                            th_K + np.array([1e-3 / 200.0, 1e-7 / 200.0, 1e-4, 0.0])])
    J = angular_matrix(D=D, theta=theta, alpha=2.0, rho0=1e-4, beta_rad=beta)
    ref = [1e-4 / D_K * _closed_form_alpha2(D[k], theta[k] - th_K, D_K, beta)
           for k in range(len(D) - 1)]
    np.testing.assert_allclose(J, ref, rtol=1e-12, atol=0)


def test_user_on_the_segment_is_infinite():
    J = angular_matrix(D=np.array([100.0, 300.0]), theta=np.array([0.5, 0.5]), alpha=2.5,
                       rho0=1.0)
    assert J[0] == np.inf


def test_drop_batch_and_arrays_agree(rng):
    s = Scenario(N=2, K=5, alpha=3.1, rho0_db=-30.0, beta_rad=0.2)
    batch = draw_batch(s, rng, 3)
    J = angular_matrix(batch)
    for i in range(3):
        np.testing.assert_array_equal(J[i], angular_matrix(batch[i]))
    explicit = angular_matrix(D=batch.D, theta=batch.theta, alpha=3.1, rho0=s.rho0,
                              beta_rad=np.full(3, 0.2))
    np.testing.assert_array_equal(J, explicit)


def test_parallel_kernel_for_large_batches_is_identical(rng):
    from fastsec.aauc import angular

    batch = draw_batch(Scenario(N=2, K=30), rng, angular.PARALLEL_MIN // 29 + 1)
    J = angular_matrix(batch)  # parallel kernel (>= PARALLEL_MIN integrals)
    for i in (0, len(batch) - 1):
        np.testing.assert_array_equal(J[i], angular_matrix(batch[i]))  # serial kernel


def test_more_nodes_do_not_change_the_result(rng):
    d = draw(Scenario(N=2, K=20), rng)
    np.testing.assert_allclose(angular_matrix(d), angular_matrix(d, nodes=24), rtol=1e-12)


D3 = np.array([100.0, 200.0, 300.0])
T3 = np.zeros(3) + np.array([0.0, 1.0, 2.0])


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({}, ValueError, "needs a drop, or all of D, theta, alpha, rho0"),
        ({"D": D3, "theta": T3, "alpha": 2.5}, ValueError, "needs a drop"),
        ({"drop": "x"}, TypeError, "drop must be a Drop or DropBatch"),
        ({"D": D3, "theta": T3[:2], "alpha": 2.5, "rho0": 1.0}, ValueError,
         r"theta must have shape \(3\)"),
        ({"D": -D3, "theta": T3, "alpha": 2.5, "rho0": 1.0}, ValueError, "D must be > 0"),
        ({"D": D3[:1], "theta": T3[:1], "alpha": 2.5, "rho0": 1.0}, ValueError, "K >= 2"),
        ({"D": D3, "theta": T3, "alpha": 0.0, "rho0": 1.0}, ValueError, r"alpha must be in \(0"),
        ({"D": D3, "theta": T3, "alpha": 2.5, "rho0": -1.0}, ValueError, "rho0 must be in"),
        ({"D": D3, "theta": T3, "alpha": 2.5, "rho0": 1.0, "beta_rad": 2.0}, ValueError,
         r"beta_rad must be in \(-pi/2, pi/2\)"),
        ({"D": D3, "theta": T3, "alpha": 2.5, "rho0": 1.0, "beta_rad": [0.1, 0.2]},
         ValueError, r"beta_rad must have shape \(1\)"),
        ({"D": D3, "theta": T3, "alpha": "2", "rho0": 1.0}, TypeError, "alpha must be a real"),
        ({"D": D3, "theta": T3, "alpha": 2.5, "rho0": 1.0, "nodes": 1}, ValueError,
         r"nodes must be in \[2, 64\]"),
    ],
)
def test_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        angular_matrix(**kwargs)


def test_drop_and_arrays_together_rejected(rng):
    d = draw(Scenario(N=2, K=3), rng)
    with pytest.raises(ValueError, match="either drop or the arrays"):
        angular_matrix(d, D=D3)


def _J_mpmath(D, theta, alpha, rho0, beta):
    # 30-digit reference: eq. (16) with mpmath's tanh-sinh quadrature, split at the closest
    # point.
    mpmath = pytest.importorskip("mpmath")
    with mpmath.workdps(30):
        D_K, t2 = mpmath.mpf(D[-1]), mpmath.tan(mpmath.mpf(beta)) ** 2
        out = []
        for k in range(len(D) - 1):
            dl = mpmath.mpf(theta[k]) - mpmath.mpf(theta[-1])
            xk, yk = D[k] * mpmath.cos(dl), D[k] * mpmath.sin(dl)  # frame with user K on x
            a = xk / (1 + t2)

            def f(r, xk=xk, yk=yk):
                return ((r - xk) ** 2 + yk ** 2 + r * r * t2) ** (-mpmath.mpf(alpha) / 2)

            pts = [0, a, D_K] if 0 < a < D_K else [0, D_K]
            out.append(float(rho0 / D_K * mpmath.quad(f, pts)))
    return np.array(out)


@pytest.mark.parametrize("beta", [0.0, 0.5])
def test_matches_30_digit_mpmath(beta, rng):
    # Measured error ~2e-15 (about 10 ulps); rtol 1e-13 leaves room for rounding only.
    D = np.concatenate([rng.uniform(100, 500, 5), [math.hypot(200.0, 0.5), 350.0]])
    theta = np.concatenate([rng.uniform(-np.pi, np.pi, 5), [1.0 + math.atan2(0.5, 200.0), 1.0]])
    J = angular_matrix(D=D, theta=theta, alpha=2.5, rho0=1e-4, beta_rad=beta)
    np.testing.assert_allclose(J, _J_mpmath(D, theta, 2.5, 1e-4, beta), rtol=1e-13)


# --- the antiderivative path (kernels.aauc.quadrature._antiderivative) ---------------------------

def test_antiderivative_table_matches_mpmath_incomplete_beta():
    # H(tau) = (C - G(1 - tau)) / tau^((alpha-1)/2), C - G(1 - tau) = B(tau (2 - tau);
    # (alpha-1)/2, 1/2) / 2 (40-digit mpmath). The table's own error is ~1e-15; rtol 1e-14.
    mpmath = pytest.importorskip("mpmath")
    from fastsec.aauc.angular import _antiderivative_table

    tau = np.linspace(1e-9, 1.0, 41)
    for alpha in (1.05, 2.0, 2.5, 3.3, 8.0):
        table, total = _antiderivative_table(alpha)
        h = np.polynomial.chebyshev.chebval(2.0 * tau - 1.0, table)
        with mpmath.workdps(40):
            p = mpmath.mpf(alpha - 1) / 2
            ref = [mpmath.betainc(p, 0.5, 0, mpmath.mpf(t) * (2 - mpmath.mpf(t))) / 2
                   / mpmath.mpf(t) ** p for t in tau]
            c_ref = float(mpmath.beta(p, 0.5) / 2)
        np.testing.assert_allclose(h, np.array(ref, dtype=float), rtol=1e-14)
        np.testing.assert_allclose(total, c_ref, rtol=1e-14)


@pytest.mark.parametrize("beta", [0.0, 0.5])
def test_cancelling_and_far_out_cases_fall_back_to_quadrature(beta):
    # A short segment (0.5 m) seen broadside from 300 m: G(s2) - G(s1) cancels, the kernel
    # must use the quadrature; |Delta| > SINCOS_MAX likewise. Reference: scipy quad.
    from fastsec.kernels.trig import SINCOS_MAX

    D = np.array([300.0, 300.0, 0.5])
    theta = np.array([1.2 + math.pi / 2, 1.2 + 2 * SINCOS_MAX + 0.3, 1.2])
    J = angular_matrix(D=D, theta=theta, alpha=2.7, rho0=1e-3, beta_rad=beta)
    ref = angular_matrix_quad(D, theta, 2.7, 1e-3, beta)
    np.testing.assert_allclose(J, ref, rtol=RTOL_QUAD, atol=0)


@settings(max_examples=25, deadline=None, derandomize=True, phases=[Phase.generate])
@given(
    alpha=st.sampled_from([1.1, 1.5, 2.0, 2.5, 2.7, 3.0, 3.63, 4.0, 6.0]),
    beta=st.floats(-1.2, 1.2),
    d_k=st.floats(0.3, 3000.0),
    d_K=st.floats(0.3, 3000.0),
    delta=st.floats(0.01, math.pi - 0.01),  # user 1 off the line of the segment
    offset_m=st.floats(1e-6, 1.0),
    along=st.floats(-0.5, 1.5),
)
def test_wide_random_geometry_matches_30_digit_mpmath(alpha, beta, d_k, d_K, delta, offset_m,
                                                      along):
    # One user anywhere, one within offset_m (<= 1 m) of the segment's line (inside or beyond
    # the ends); 2-D and 3-D; quarter-power and general alpha. rtol 1e-12: the measured error
    # is ~1e-14 (cancellation is capped at 5 bits), the acceptance bound is 1e-10.
    near = math.hypot(along * d_K, offset_m)
    D = np.array([d_k, near, d_K])
    theta = np.array([delta, math.atan2(offset_m, along * d_K), 0.0]) + 0.3
    J = angular_matrix(D=D, theta=theta, alpha=alpha, rho0=1.0, beta_rad=beta)
    np.testing.assert_allclose(J, _J_mpmath(D, theta, alpha, 1.0, beta), rtol=1e-12)
