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
the fit). :mod:`fastsec.reference.kkt` is the independent reference (the same definition
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
_TINY = np.finfo(np.float64).tiny


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
    gmax = 0.0
    for i in range(n_i):
        acc = 0.0
        for k in range(n):
            acc += (piece_grads[i, k] * scale[k]) ** 2
        gmax = max(gmax, math.sqrt(acc))
    acc = 0.0
    for k in range(n):
        acc += (penalty_grad[k] * scale[k]) ** 2
    bound = gmax + math.sqrt(acc)
    if not bound > 0.0:
        return 0.0
    low = np.inf
    for i in range(n_i):
        low = min(low, pieces[i])
    cols = n_i + n_j
    # columns: μ (I), κ (J); rows: stationarity (n), complementarity (I + J), Σ μ = 1
    matrix = np.zeros((n + cols + 1, cols))
    target = np.zeros(n + cols + 1)
    for k in range(n):
        for i in range(n_i):
            matrix[k, i] = piece_grads[i, k] * scale[k] / bound
        for j in range(n_j):
            matrix[k, n_i + j] = -(cons_grads[j, k] * scale[k]) / bound
        target[k] = penalty_grad[k] * scale[k] / bound
    for i in range(n_i):
        matrix[n + i, i] = (pieces[i] - low) / bound
        matrix[n + cols, i] = SIMPLEX_WEIGHT
    for j in range(n_j):
        matrix[n + n_i + j, n_i + j] = abs(cons[j]) / bound
    target[n + cols] = SIMPLEX_WEIGHT
    theta = np.empty(cols)
    nnls(matrix, target, ITERS_PER_COLUMN * cols, theta)
    total = 0.0
    for i in range(n_i):
        total += theta[i]
    total = max(total, _TINY)
    out = 0.0
    for k in range(n):  # stationarity: Σ μ_i ∇f_i − ∇L − Σ κ_j ∇c_j, scaled
        acc = -(penalty_grad[k] * scale[k])
        for i in range(n_i):
            acc += piece_grads[i, k] * scale[k] * (theta[i] / total)
        for j in range(n_j):
            acc -= cons_grads[j, k] * scale[k] * theta[n_i + j]
        out += acc ** 2
    for i in range(n_i):
        out += ((theta[i] / total) * (pieces[i] - low)) ** 2
    for j in range(n_j):
        out += (theta[n_i + j] * abs(cons[j])) ** 2
    return math.sqrt(out) / bound
