"""Riemannian CG kernel on the complex circle manifold (kernels/optim/rcg.py).

References: finite differences and Taylor expansion (gradients), a dense-matrix evaluation
of the cost, and pymanopt 2.2's ConjugateGradient on ComplexCircle from the same start with
the same (relative) tolerance.
"""

import numba
import numpy as np
import pytest
from fastsec.kernels.optim import rcg
from numpy.testing import assert_allclose, assert_array_equal

from fastsec.reference.instances import random_rate_ratio
from fastsec.reference.oam_steps import (
    pymanopt_cg,
    pymanopt_rate_ratio,
    rate_ratio_cost,
    rate_ratio_egrad,
)

NO_TRACE = np.zeros((1, 0, 3))


def kernel_cost_grad(U, V, c, theta):
    grad = np.empty_like(theta)
    f = rcg.rate_ratio(theta, (U[None], V[None], c[None]), 0, grad, True)
    return f, grad


# ------------------------------------------------------------------------------ geometry
def test_tangent_projection_and_retraction(rng):
    q = 50
    theta = np.exp(2j * np.pi * rng.random(q))
    v = rng.standard_normal(q) + 1j * rng.standard_normal(q)
    t = np.empty(q, dtype=complex)
    rcg.tangent_project(theta, v, t)
    # eq (44): Re(v o theta*) = 0 on the tangent space; projection is idempotent
    assert_allclose((t * theta.conj()).real, 0.0, atol=1e-13)
    t2 = np.empty(q, dtype=complex)
    rcg.tangent_project(theta, t, t2)
    assert_allclose(t2, t, rtol=0, atol=1e-14)
    # same as pymanopt's ComplexCircle.projection (an independent implementation)
    from pymanopt.manifolds import ComplexCircle
    assert_allclose(t, ComplexCircle(q).projection(theta, v), rtol=1e-14, atol=1e-14)
    out = np.empty(q, dtype=complex)
    rcg.retract(theta, t, 3.7, out)
    assert_allclose(np.abs(out), 1.0, rtol=0, atol=1e-15)
    assert_allclose(out, (theta + 3.7 * t) / np.abs(theta + 3.7 * t), rtol=1e-15)
    assert rcg.inner(t, v) == pytest.approx(np.vdot(t, v).real, rel=1e-14)


# ------------------------------------------------------------------------------ problem
def test_rate_ratio_cost_matches_dense_matrices(rng):
    U, V, c, theta0 = random_rate_ratio(rng, q=9)
    theta = theta0[0]
    A = np.einsum("lrq,lrp->lqp", U[0], U[0].conj())  # A_l = sum_r u_r u_r^H
    B = np.einsum("lrq,lrp->lqp", V[0], V[0].conj())
    qa = np.einsum("q,lqp,p->l", theta.conj(), A, theta).real
    qb = np.einsum("q,lqp,p->l", theta.conj(), B, theta).real
    dense = -np.sum(np.log2(1 + qa / (qb + c[0])))
    f, grad = kernel_cost_grad(U[0], V[0], c[0], theta)
    # same sums in a different order: agreement to a few ulps of the O(1) cost
    assert f == pytest.approx(dense, rel=1e-13)
    assert f == pytest.approx(rate_ratio_cost(theta, U[0], V[0], c[0]), rel=1e-13)
    assert_allclose(grad, rate_ratio_egrad(theta, U[0], V[0], c[0]), rtol=1e-12)


def test_rate_ratio_log1p_at_tiny_sinr(rng):
    U, V, c, theta0 = random_rate_ratio(rng, q=6)
    U *= 1e-12  # SINR ~ 1e-24: log2(1 + x) in plain form would round to 0
    f, _ = kernel_cost_grad(U[0], V[0], c[0], theta0[0])
    qa = np.sum(np.abs(U[0].conj() @ theta0[0]) ** 2, axis=1)
    qb = np.sum(np.abs(V[0].conj() @ theta0[0]) ** 2, axis=1)
    assert f < 0
    assert f == pytest.approx(-np.sum(qa / (qb + c[0])) / np.log(2), rel=1e-10)


def test_rate_ratio_gradient_finite_differences(rng):
    U, V, c, theta0 = random_rate_ratio(rng, q=10)
    theta = theta0[0]
    _, grad = kernel_cost_grad(U[0], V[0], c[0], theta)
    h = 1e-5
    fd = np.empty(theta.size, dtype=complex)
    for k in range(theta.size):
        e = np.zeros(theta.size, dtype=complex)
        e[k] = 1.0
        d_re = (kernel_cost_grad(U[0], V[0], c[0], theta + h * e)[0]
                - kernel_cost_grad(U[0], V[0], c[0], theta - h * e)[0]) / (2 * h)
        d_im = (kernel_cost_grad(U[0], V[0], c[0], theta + 1j * h * e)[0]
                - kernel_cost_grad(U[0], V[0], c[0], theta - 1j * h * e)[0]) / (2 * h)
        fd[k] = d_re + 1j * d_im
    # central differences: truncation O(h^2) ~ 1e-10, rounding O(eps/h) ~ 1e-11
    assert_allclose(grad, fd, rtol=1e-6, atol=1e-6 * np.abs(grad).max())


def test_riemannian_gradient_taylor_check(rng):
    """pymanopt-style check: f(R(x, t v)) - f(x) - t <grad f, v> = O(t^2) on the manifold."""
    U, V, c, theta0 = random_rate_ratio(rng, q=16)
    theta = theta0[0]
    f0, grad = kernel_cost_grad(U[0], V[0], c[0], theta)
    rgrad = np.empty_like(grad)
    rcg.tangent_project(theta, grad, rgrad)
    v = rng.standard_normal(16) + 1j * rng.standard_normal(16)
    rcg.tangent_project(theta, v, v)
    v /= np.linalg.norm(v)
    ts = np.logspace(-5, -2, 7)
    errs = []
    for t in ts:
        x = np.empty_like(theta)
        rcg.retract(theta, v, t, x)
        errs.append(abs(kernel_cost_grad(U[0], V[0], c[0], x)[0] - f0 - t * np.vdot(rgrad, v).real))
    slope = np.polyfit(np.log10(ts), np.log10(errs), 1)[0]
    assert slope == pytest.approx(2.0, abs=0.1)  # a wrong gradient gives slope 1


# ------------------------------------------------------------------------------ optimizer
def test_unit_modulus_armijo_and_monotone_cost(rng):
    U, V, c, theta0 = random_rate_ratio(rng, n=3, q=20, c_scale=0.3)
    max_iter = 300
    trace = np.full((3, max_iter + 1, 3), np.nan)
    theta, f, iters, reason, gnorm = rcg.rcg_rate_ratio(U, V, c, theta0, 1e-8, 1e-12, max_iter,
                                                         trace)
    assert_allclose(np.abs(theta), 1.0, rtol=0, atol=1e-12)
    for b in range(3):
        k = iters[b]
        cost, slope, alpha = trace[b, : k + 1, 0], trace[b, :k, 1], trace[b, :k, 2]
        assert np.all(slope < 0)  # every search direction is a descent direction
        accepted = alpha > 0
        assert accepted.sum() >= k - 1  # only a final step may be rejected
        armijo = cost[:-1] + rcg.ARMIJO_SUFFICIENT_DECREASE * alpha * slope
        assert np.all(cost[1:][accepted] <= armijo[accepted])
        assert cost[k] == f[b]
        # the reported cost is the cost of the returned point (NumPy twin)
        assert f[b] == pytest.approx(rate_ratio_cost(theta[b], U[b], V[b], c[b]), rel=1e-13)


def test_stop_reasons(rng):
    U, V, c, theta0 = random_rate_ratio(rng, n=1, q=12)
    out = rcg.rcg_rate_ratio(U, V, c, theta0, 1e-12, 0.0, 3, NO_TRACE)
    assert out[2][0] == 3 and rcg.STOP_REASONS[out[3][0]] == "max_iter"
    _, grad0 = kernel_cost_grad(U[0], V[0], c[0], theta0[0])
    rcg.tangent_project(theta0[0], grad0, grad0)
    out = rcg.rcg_rate_ratio(U, V, c, theta0, 1e-3, 0.0, 10_000, NO_TRACE)
    assert rcg.STOP_REASONS[out[3][0]] == "gradient"
    assert out[4][0] < 1e-3 * np.linalg.norm(grad0)
    out = rcg.rcg_rate_ratio(U, V, c, theta0, 0.0, 1e-3, 10_000, NO_TRACE)
    assert rcg.STOP_REASONS[out[3][0]] == "step"
    bad_c = c.copy()
    bad_c[0, 0] = np.nan
    out = rcg.rcg_rate_ratio(U, V, bad_c, theta0, 1e-6, 0.0, 100, NO_TRACE)
    assert rcg.STOP_REASONS[out[3][0]] == "nonfinite" and out[2][0] == 0


def test_batch_equals_single_runs(rng):
    U, V, c, theta0 = random_rate_ratio(rng, n=4, q=10)
    batch = rcg.rcg_rate_ratio(U, V, c, theta0, 1e-6, 1e-10, 500, np.zeros((4, 0, 3)))
    for b in range(4):
        single = rcg.rcg_rate_ratio(U[b:b + 1], V[b:b + 1], c[b:b + 1], theta0[b:b + 1], 1e-6,
                                    1e-10, 500, NO_TRACE)
        for got, want in zip(single, batch, strict=True):
            assert_array_equal(got[0], want[b])  # instances are independent, bit for bit


@pytest.mark.parametrize(("q", "seed"), [(10, 0), (10, 1), (10, 2), (10, 3), (40, 0), (40, 1)])
def test_rate_ratio_matches_or_beats_pymanopt(q, seed):
    rng = np.random.default_rng(seed)
    U, V, c, theta0 = random_rate_ratio(rng, n=1, q=q)
    gtol, min_step, max_iter = 1e-6, 1e-10, 2000
    _, f, _, reason, _ = rcg.rcg_rate_ratio(U, V, c, theta0, gtol, min_step, max_iter, NO_TRACE)
    ref = pymanopt_rate_ratio(U[0], V[0], c[0], theta0[0], gtol, min_step, max_iter)
    assert rcg.STOP_REASONS[reason[0]] != "max_iter"
    # equal to 1e-8 relative, or better (lower): same start, algorithm and tolerance
    assert f[0] <= ref.cost + 1e-8 * abs(ref.cost)


@numba.njit(cache=False)
def quadratic_form(theta, data, b, grad, need_grad):
    """Test problem f = theta^H M theta (M Hermitian), real gradient 2 M theta."""
    M = data[0][b]
    m_theta = M @ theta
    if need_grad:
        grad[:] = 2.0 * m_theta
    return np.vdot(theta, m_theta).real


def test_quadratic_form_matches_or_beats_pymanopt(rng):
    """The generic kernel on a problem defined here (one kernel serves any cost_grad)."""
    n, q = 4, 12
    X = rng.standard_normal((n, q, q)) + 1j * rng.standard_normal((n, q, q))
    M = X + X.conj().transpose(0, 2, 1)
    theta0 = np.exp(2j * np.pi * rng.random((n, q)))
    gtol, min_step, max_iter = 1e-6, 1e-10, 2000
    theta, f, _, reason, _ = rcg.rcg_minimize(quadratic_form, (M,), theta0, gtol, min_step,
                                             max_iter, np.zeros((n, 0, 3)))
    assert_allclose(np.abs(theta), 1.0, rtol=0, atol=1e-12)
    for b in range(n):
        Mb = M[b]
        ref = pymanopt_cg(lambda th, Mb=Mb: np.vdot(th, Mb @ th).real,
                          lambda th, Mb=Mb: 2.0 * Mb @ th, theta0[b], gtol, min_step, max_iter)
        assert rcg.STOP_REASONS[reason[b]] != "max_iter"
        assert f[b] <= ref.cost + 1e-8 * abs(ref.cost)
        # the reported cost is the cost of the returned point
        assert f[b] == pytest.approx(np.vdot(theta[b], M[b] @ theta[b]).real, rel=1e-12)


def test_zero_gradient_start_stops_at_once():
    """A critical point as start: theta^H M theta with M = I is constant on the manifold."""
    theta0 = np.exp(1j * np.linspace(0, 2, 5))[None]
    theta, f, iters, reason, gnorm = rcg.rcg_minimize(quadratic_form, (np.eye(5)[None] + 0j,),
                                                       theta0, 1e-6, 1e-10, 100,
                                                       np.zeros((1, 0, 3)))
    assert iters[0] == 0 and rcg.STOP_REASONS[reason[0]] == "gradient"
    assert_array_equal(theta, theta0)
    assert f[0] == pytest.approx(5.0, rel=1e-15)
