"""A scale-free KKT residual for max–min problems with a smooth penalty (knows no paper).

The problem is

    maximise  F(x) = min_i f_i(x) − L(x)   subject to  c_j(x) <= 0,

over x ∈ R^n (complex variables as [Re, Im]). A point is a KKT point (Clarke stationary, with
its constraints) when multipliers μ in the simplex (one per piece f_i) and κ >= 0 (one per
constraint) give

    Σ_i μ_i ∇f_i − ∇L − Σ_j κ_j ∇c_j = 0,   μ_i (f_i − min_k f_k) = 0,   κ_j c_j = 0.

:func:`maxmin_kkt_residual` returns the smallest norm of those three residuals over (μ, κ),
stacked into one vector in the units of F:

- the stationarity residual is taken in the coordinates x / s (``scale`` s per coordinate,
  e.g. the radius of the power ball), so it is the first-order change of F [F's unit] along
  a move of one full scale;
- the complementarity residuals μ_i (f_i − min f) and κ_j |c_j| are in F's unit already
  (feasibility itself, c_j <= 0, is the caller's to report);

and divides it by B = max_i ‖s ∘ ∇f_i‖ + ‖s ∘ ∇L‖, the largest such change any single term
could make. The result is therefore free of the units of x and of F: 0 at a KKT point, O(1)
where the gradients do not cancel at all. The multipliers come from a non-negative least
squares fit (:func:`fastsec.kernels.optim.nnls.nnls`, the simplex sum enforced by a row of
weight :data:`SIMPLEX_WEIGHT`); the residual is then evaluated exactly at the fitted
(μ / Σμ, κ), so it is an upper bound of the minimum (to the weight's ~1e-8 relative effect on
the fit). The n stationarity rows enter the fit through their QR factor (modified
Gram–Schmidt, the target as an extra column: the same least-squares problem with I + J rows
instead of n). :mod:`fastsec.reference.kkt` is the independent reference (the same definition
with :func:`scipy.optimize.nnls`).
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import jit
from .nnls import nnls

#: Weight of the row Σ μ = 1 in the least-squares fit (the other rows are O(1)).
SIMPLEX_WEIGHT = 1e4
#: Cap on the NNLS least-squares solves per column of the fit.
ITERS_PER_COLUMN = 50
#: A stationarity column whose part orthogonal to the columns before it is at most this
#: fraction of its norm counts as dependent on them (a few hundred ε: rounding level).
DEPENDENT = 256 * np.finfo(np.float64).eps
_TINY = np.finfo(np.float64).tiny


@jit
def _dot(x, y):
    """Return x · y, summed in four partial sums (independent chains, not latency-bound)."""
    n = x.shape[0]
    a0 = a1 = a2 = a3 = 0.0
    i = 0
    while i + 4 <= n:
        a0 += x[i] * y[i]
        a1 += x[i + 1] * y[i + 1]
        a2 += x[i + 2] * y[i + 2]
        a3 += x[i + 3] * y[i + 3]
        i += 4
    while i < n:
        a0 += x[i] * y[i]
        i += 1
    return (a0 + a1) + (a2 + a3)


@jit
def _reduce_stationarity(cols, fit, rhs):
    """Reduce the stationarity columns (rows of ``cols``, the target last) by Gram–Schmidt.

    Modified Gram–Schmidt: the triangular factor goes into ``fit[:p]``, the target's
    coordinates into ``rhs[:p]``; ``fit[k, k]`` holds column k's norm on entry. A column
    dependent on the ones before it (:data:`DEPENDENT`) keeps a zero row.
    """
    p = cols.shape[0] - 1
    for k in range(p):
        q = cols[k]
        norm = math.sqrt(_dot(q, q))
        if not norm > DEPENDENT * fit[k, k]:  # fit[k, k] holds the column's first norm
            fit[k, k] = 0.0
            continue
        q /= norm
        fit[k, k] = norm
        for j in range(k + 1, p + 1):
            col = cols[j]
            r = _dot(q, col)
            if j < p:
                fit[k, j] = r
            else:
                rhs[k] = r
            for i in range(col.shape[0]):
                col[i] -= r * q[i]


@jit
def maxmin_kkt_residual(pieces, piece_grads, penalty_grad, cons, cons_grads, scale):
    """Scale-free KKT residual of max min_i f_i − L s.t. c_j <= 0 (module docstring).

    Parameters
    ----------
    pieces : float64 (I,)
        f_i(x).
    piece_grads : float64 (I, n)
        ∇f_i(x), real gradients.
    penalty_grad : float64 (n,)
        ∇L(x).
    cons : float64 (J,)
        c_j(x) (<= 0 when feasible).
    cons_grads : float64 (J, n)
        ∇c_j(x).
    scale : float64 (n,)
        Positive scale of each coordinate (same units as x).

    Returns
    -------
    float
        The residual, >= 0 (0 at a KKT point).

    """
    n_i, n = piece_grads.shape
    n_j = cons.shape[0]
    p = n_i + n_j
    # stationarity columns s ∘ ∇f_i, −s ∘ ∇c_j and the target s ∘ ∇L, one per row
    cols = np.empty((p + 1, n))
    for k in range(n):
        for i in range(n_i):
            cols[i, k] = piece_grads[i, k] * scale[k]
        for j in range(n_j):
            cols[n_i + j, k] = -(cons_grads[j, k] * scale[k])
        cols[p, k] = penalty_grad[k] * scale[k]
    gmax = 0.0
    for i in range(n_i):
        gmax = max(gmax, math.sqrt(_dot(cols[i], cols[i])))
    bound = gmax + math.sqrt(_dot(cols[p], cols[p]))
    if not bound > 0.0:
        return 0.0
    # the fit: rows R (stationarity, reduced), complementarity (I + J), Σ μ = 1
    fit = np.zeros((2 * p + 1, p))
    rhs = np.zeros(2 * p + 1)
    for k in range(p + 1):
        cols[k] /= bound
        if k < p:
            fit[k, k] = math.sqrt(_dot(cols[k], cols[k]))
    _reduce_stationarity(cols, fit, rhs)
    low = np.inf
    for i in range(n_i):
        low = min(low, pieces[i])
    for i in range(n_i):
        fit[p + i, i] = (pieces[i] - low) / bound
        fit[2 * p, i] = SIMPLEX_WEIGHT
    for j in range(n_j):
        fit[p + n_i + j, n_i + j] = abs(cons[j]) / bound
    rhs[2 * p] = SIMPLEX_WEIGHT
    theta = np.empty(p)
    nnls(fit, rhs, ITERS_PER_COLUMN * p, theta)
    total = 0.0
    for i in range(n_i):
        total += theta[i]
    total = max(total, _TINY)
    # the residual at (μ / Σμ, κ), from the inputs again
    stat = np.empty(n)
    for k in range(n):
        stat[k] = -(penalty_grad[k] * scale[k])
    for i in range(n_i):
        mu = theta[i] / total
        for k in range(n):
            stat[k] += piece_grads[i, k] * scale[k] * mu
    for j in range(n_j):
        kappa = theta[n_i + j]
        for k in range(n):
            stat[k] -= cons_grads[j, k] * scale[k] * kappa
    out = _dot(stat, stat)
    for i in range(n_i):
        out += ((theta[i] / total) * (pieces[i] - low)) ** 2
    for j in range(n_j):
        out += (theta[n_i + j] * abs(cons[j])) ** 2
    return math.sqrt(out) / bound
