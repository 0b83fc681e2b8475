"""Maximise a logarithm over a ball with linear rows, through its dual, by the primal-dual method.

The problem class (it knows no paper) is

    maximise    log t − sum_k d_k y_k²
    subject to  r_i t <= a_i^T y + c_i,   i = 0, ..., m-1,      ||y||² <= 1,

over y ∈ R^n and t > 0, with ``d >= 0`` and ``r >= 0`` (not all zero). With multipliers
μ >= 0 on the rows and ν >= 0 on the ball, the Lagrangian's maximiser is

    t = 1 / (r^T μ),    y_k = (A^T μ)_k / (2 (d_k + ν)),

and the dual function is

    g(μ, ν) = −log(r^T μ) − 1 + sum_k (A^T μ)_k² / (4 (d_k + ν)) + c^T μ + ν.

:func:`solve` minimises g over μ >= 0, ν >= 0 (m + 1 unknowns however long y is) with
:func:`~fastsec.kernels.optim.interior_point.primal_dual` and returns the maximiser above.
Since ∂g/∂μ_i = a_i^T y + c_i − r_i t and ∂g/∂ν = 1 − ||y||², the bound multipliers λ of that
method are the primal slacks: at its stop (λ >= 0, dual residual ∇g − λ below tolerance) the
returned (y, t) satisfies the rows and the ball to that residual, and the primal-dual gap
g − (log t − y^T D y) equals the method's surrogate gap Σ μ_i λ_i + ν λ_ν, so the point is
optimal to ``gap_rel``: an exact solver with its own certificate. The method also stops once
g is within ``gap_rel`` of the value of the feasible point :func:`primal_point` builds (the
maximiser scaled into the ball), which it returns: where the optimum leaves the ball
inactive (ν = 0) and no row curbs some coordinates, the maximiser is 0/0 there and the
residual test alone took the 200-iteration cap. A caller solving a sequence
of nearby problems (an SCA loop) passes each solve the multipliers of the last
(``dual``), which needs less than half the iterations of the default start.
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import jit
from .interior_point import (
    DUAL_RESIDUAL,
    JAC_TIMES,
    LOWER_BOUND,
    SLACKS,
    cholesky_solve,
    primal_dual_from,
)


@jit
def recover(A, d, mu, nu, y):
    """Fill ``y`` with the Lagrangian maximiser at (μ, ν) (module docstring); return ‖y‖²."""
    m, n = A.shape
    norm2 = 0.0
    for k in range(n):
        acc = 0.0
        for i in range(m):
            acc += A[i, k] * mu[i]
        y[k] = acc / (2.0 * (d[k] + nu))
        norm2 += y[k] * y[k]
    return norm2


@jit
def primal_point(A, d, r, c, mu, nu, y):
    """Fill ``y`` with a feasible point built from (μ, ν); return ``(t, value)``.

    ``y`` is the Lagrangian maximiser (module docstring) scaled into the ball, ``t`` the
    largest the rows allow there and ``value = log t - y^T D y`` (``-inf`` when no ``t > 0``
    fits), a lower bound of the optimum.
    """
    norm2 = recover(A, d, mu, nu, y)
    if norm2 > 1.0:
        scale = 1.0 / math.sqrt(norm2)
        for k in range(y.shape[0]):
            y[k] *= scale
    t = np.inf
    for i in range(A.shape[0]):
        if r[i] > 0.0:
            acc = c[i]
            for k in range(A.shape[1]):
                acc += A[i, k] * y[k]
            t = min(t, acc / r[i])
    if not t > 0.0:
        return t, -np.inf
    value = math.log(t)
    for k in range(y.shape[0]):
        value -= d[k] * y[k] * y[k]
    return t, value


@jit(inline="always")
def _oracle(mode, x, data, b, lam, s, t, vin, vout):
    """Evaluate the dual of the module docstring for :func:`primal_dual` (``b`` unused).

    ``data`` is ``(A, d, r, c, gram0, curved, y)``: ``gram0`` = Σ a_k a_k^T over the columns
    with d_k = 0 (fixed, so the Hessian costs O(m²) there), ``curved`` the indices with
    d_k > 0, ``y`` a work array.
    """
    A, d, r, c, gram0, curved, y = data
    m, n = A.shape
    if mode == LOWER_BOUND:  # weak duality: a feasible point's value
        return primal_point(A, d, r, c, x, x[m], y)[1]
    if mode == JAC_TIMES:  # the constraints are x >= 0: grad h_i = -e_i
        for i in range(m + 1):
            vout[i] = -vin[i]
        return 0.0
    nu = x[m]
    rho = 0.0
    for i in range(m):
        rho += r[i] * x[i]
    if mode == SLACKS:
        for i in range(m + 1):
            s[i] = x[i]
            if not x[i] > 0.0:
                return np.inf
        if not rho > 0.0:
            return np.inf
    norm2 = recover(A, d, x, nu, y)
    if mode == SLACKS:
        value = -math.log(rho) - 1.0 + nu
        for k in range(n):
            value += y[k] * y[k] * (d[k] + nu)
        for i in range(m):
            value += c[i] * x[i]
        return value
    # gradient: a_i^T y + c_i - r_i / rho, and 1 - ||y||²
    for i in range(m):
        acc = c[i] - r[i] / rho
        for k in range(n):
            acc += A[i, k] * y[k]
        vout[i] = acc
    vout[m] = 1.0 - norm2
    if mode == DUAL_RESIDUAL:
        for i in range(m + 1):
            vout[i] -= lam[i]
        return 0.0
    # NEWTON: (hess g + diag(lam / s)) dx = -(grad g - 1 / (t s))   (B&V eq. (11.55))
    hess = np.zeros((m + 1, m + 1))
    rhs = np.empty(m + 1)
    for i in range(m + 1):
        rhs[i] = -(vout[i] - 1.0 / (t * s[i]))
        hess[i, i] = lam[i] / s[i]
    half = 0.5 / nu
    for i in range(m):
        for j in range(i + 1):
            hess[i, j] += r[i] * r[j] / (rho * rho) + half * gram0[i, j]
    for k in curved:
        inv = 0.5 / (d[k] + nu)
        for i in range(m):
            aik = A[i, k] * inv
            if aik != 0.0:
                for j in range(i + 1):
                    hess[i, j] += aik * A[j, k]
    for k in range(n):
        inv = 1.0 / (d[k] + nu)
        for i in range(m):
            hess[m, i] -= A[i, k] * y[k] * inv
        hess[m, m] += 2.0 * y[k] * y[k] * inv
    cholesky_solve(hess, rhs)
    vout[:] = rhs
    return 0.0


@jit
def _cold_start(A, r, x, y):
    """Fill ``x`` with the start at t = 1 with ``||y|| = 1`` (for d = 0)."""
    m, n = A.shape
    rho = 0.0
    for i in range(m):
        x[i] = 1.0 / m if r[i] == 0.0 else 1.0 / (m * r[i])
        rho += r[i] * x[i]
    for i in range(m):
        x[i] /= rho
    x[m] = max(math.sqrt(recover(A, np.zeros(n), x, 1.0, y)), 1e-12)


@jit
def solve(A, d, r, c, gap_rel, dual):
    """Maximise the problem of the module docstring.

    Parameters
    ----------
    A : ndarray, shape (m, n), float64
        Row coefficients a_i.
    d : ndarray, shape (n,), float64
        Diagonal quadratic penalty (``>= 0``).
    r : ndarray, shape (m,), float64
        Weights of t in the rows (``>= 0``, not all zero).
    c : ndarray, shape (m,), float64
        Row constants.
    gap_rel : float
        Relative duality gap and dual residual at which the method stops
        (:func:`~fastsec.kernels.optim.interior_point.primal_dual`).
    dual : ndarray, shape (m + 1,), float64
        In: the multipliers (μ, ν) of a nearby problem to start from (an SCA method's last
        surrogate), or, for the default start, unusable ones (``-1``: see
        :func:`~fastsec.kernels.optim.interior_point.warm_start`). A warm start that does not
        converge is repeated from the default start (both runs' iterations are counted). Out:
        the multipliers found, or ``-1`` where the method did not converge
        (:func:`~fastsec.kernels.optim.interior_point.primal_dual_from`).

    Returns
    -------
    y : ndarray, shape (n,), float64
        The maximiser, scaled into the ball (‖y‖ <= 1 exactly).
    t : float
        The largest t the rows allow at ``y``.
    iterations : int
        Primal-dual iterations.
    converged : bool
        Whether the tolerances were met.

    """
    m, n = A.shape
    n_curved = 0
    for k in range(n):
        n_curved += 1 if d[k] > 0.0 else 0
    curved = np.empty(n_curved, dtype=np.int64)
    gram0 = np.zeros((m, m))
    n_curved = 0
    for k in range(n):
        if d[k] > 0.0:
            curved[n_curved] = k
            n_curved += 1
            continue
        for i in range(m):
            if A[i, k] != 0.0:
                for j in range(i + 1):
                    gram0[i, j] += A[i, k] * A[j, k]
    x = np.empty(m + 1)
    cold = np.empty(m + 1)
    y = np.empty(n)
    _cold_start(A, r, cold, y)
    its, ok = primal_dual_from(_oracle, (A, d, r, c, gram0, curved, y), 0, x, cold, m + 1,
                               gap_rel, dual)
    t = primal_point(A, d, r, c, x, x[m], y)[0]
    return y, t, its, ok
