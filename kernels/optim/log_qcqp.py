"""Small convex programs with diagonal quadratics and one logarithm, by the primal-dual method.

The problem class (it knows no paper) is

    minimise    f0(x) = sum_k d_k x_k² + f^T x − ω log x[n-1]
    subject to  h_i(x) = sum_k P_ik x_k² + G_i^T x − e_i <= 0,   i = 0, ..., m-1,

with ``d >= 0``, ``P >= 0`` and ``omega >= 0`` (so every function is convex and smooth on
``x_{n-1} > 0`` when ``omega > 0``). Linear rows (``P_i = 0``), Euclidean balls
(``P_i`` a 0/1 selector, ``e_i`` the squared radius) and per-pair disc constraints
``x_a^2 + x_b^2 <= g^T x + c`` are all rows of this one form, so one kernel solves the
successive-convex surrogates of several methods. :func:`solve` runs
:func:`~fastsec.kernels.optim.interior_point.primal_dual` on it from a strictly feasible start
the caller supplies; the Newton system is dense (size n) and solved by Cholesky.
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import jit
from .interior_point import (
    DUAL_RESIDUAL,
    JAC_TIMES,
    SLACKS,
    cholesky_solve,
    primal_dual,
)


@jit
def _gradients(x, P, G):
    """Row i: grad h_i(x) = 2 P_i o x + G_i, shape (m, n)."""
    m, n = G.shape
    out = np.empty((m, n))
    for i in range(m):
        for k in range(n):
            out[i, k] = 2.0 * P[i, k] * x[k] + G[i, k]
    return out


@jit
def _oracle(mode, x, data, b, lam, s, t, vin, vout):
    """Evaluate the problem of the module docstring for :func:`primal_dual` (``b`` unused)."""
    d, f, omega, P, G, e = data
    m, n = G.shape
    last = n - 1
    if mode == SLACKS:
        if omega > 0.0 and not x[last] > 0.0:
            return np.inf
        value = 0.0
        for k in range(n):
            value += (d[k] * x[k] + f[k]) * x[k]
        if omega > 0.0:
            value -= omega * math.log(x[last])
        for i in range(m):
            acc = e[i]
            for k in range(n):
                acc -= (P[i, k] * x[k] + G[i, k]) * x[k]
            s[i] = acc
            if not acc > 0.0:
                return np.inf
        return value
    if mode == JAC_TIMES:
        for i in range(m):
            acc = 0.0
            for k in range(n):
                acc += (2.0 * P[i, k] * x[k] + G[i, k]) * vin[k]
            vout[i] = acc
        return 0.0
    grads = _gradients(x, P, G)
    grad0 = np.empty(n)
    for k in range(n):
        grad0[k] = 2.0 * d[k] * x[k] + f[k]
    if omega > 0.0:
        grad0[last] -= omega / x[last]
    if mode == DUAL_RESIDUAL:
        for k in range(n):
            acc = grad0[k]
            for i in range(m):
                acc += lam[i] * grads[i, k]
            vout[k] = acc
        return 0.0
    # NEWTON: (hess f0 + sum lam_i hess h_i + sum (lam_i/s_i) grad h_i grad h_i^T) dx
    #         = -(grad f0 + sum grad h_i / (t s_i))   (B&V eq. (11.55), primal part)
    hess = np.zeros((n, n))
    rhs = np.empty(n)
    for k in range(n):
        diag = 2.0 * d[k]
        acc = grad0[k]
        for i in range(m):
            diag += 2.0 * lam[i] * P[i, k]
            acc += grads[i, k] / (t * s[i])
        hess[k, k] = diag
        rhs[k] = -acc
    if omega > 0.0:
        hess[last, last] += omega / (x[last] * x[last])
    for i in range(m):
        weight = lam[i] / s[i]
        for k in range(n):
            gk = grads[i, k]
            if gk != 0.0:
                wk = weight * gk
                for kk in range(k + 1):
                    hess[k, kk] += wk * grads[i, kk]
    cholesky_solve(hess, rhs)
    vout[:] = rhs
    return 0.0


@jit
def solve(d, f, omega, P, G, e, x, gap_rel):
    """Minimise the problem of the module docstring from the strictly feasible ``x`` (in place).

    Parameters
    ----------
    d, f : ndarray, shape (n,), float64
        Diagonal quadratic (``d >= 0``) and linear coefficients of the objective.
    omega : float
        Weight of ``-log x[n-1]`` (``>= 0``; 0 for a plain quadratic objective).
    P, G : ndarray, shape (m, n), float64
        Diagonal quadratic (``P >= 0``) and linear coefficients of the constraint rows.
    e : ndarray, shape (m,), float64
        Right-hand sides.
    x : ndarray, shape (n,), float64
        Strictly feasible start (every ``h_i(x) < 0``, ``x[n-1] > 0`` if ``omega > 0``);
        overwritten with the solution.
    gap_rel : float
        Relative duality gap and dual residual at which the method stops
        (:func:`~fastsec.kernels.optim.interior_point.primal_dual`).

    Returns
    -------
    iterations : int
        Primal-dual iterations.
    converged : bool
        Whether the tolerances were met (otherwise ``x`` is the last strictly feasible iterate).

    """
    return primal_dual(_oracle, (d, f, omega, P, G, e), 0, x, G.shape[0], gap_rel)
