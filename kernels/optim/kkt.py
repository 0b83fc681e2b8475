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
squares fit (:func:`fastsec.kernels.optim.nnls.reduced_nnls`, the simplex sum enforced by a row of
weight :data:`SIMPLEX_WEIGHT`); the residual is then evaluated exactly at the fitted
(μ / Σμ, κ), so it is an upper bound of the minimum (to the weight's ~1e-8 relative effect on
the fit). The n stationarity rows and the I + J complementarity rows (a diagonal) enter the
fit through their QR factor (modified Gram–Schmidt on the columns of n + I + J rows, the
target as an extra column), the weighted row by Givens rotations: the same least-squares
problem as a triangular system of I + J rows. The same factor gives the residual at
(μ / Σμ, κ): ‖[A; D] θ − [b; 0]‖² = ‖R θ − c‖² + ‖b_⊥‖², with b_⊥ the target's part
orthogonal to the columns (A the stationarity columns, D the complementarity diagonal).
:mod:`fastsec.reference.kkt` is the independent reference (the same definition with
:func:`scipy.optimize.nnls`).
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import jit
from .nnls import reduced_nnls

#: Weight of the row Σ μ = 1 in the least-squares fit (the other rows are O(1)).
SIMPLEX_WEIGHT = 1e4
#: Cap on the NNLS least-squares solves per column of the fit.
ITERS_PER_COLUMN = 50
#: A column of the fit whose part orthogonal to the columns before it is at most this
#: fraction of its norm counts as dependent on them (a few hundred ε: rounding level).
DEPENDENT = 256 * np.finfo(np.float64).eps
_TINY = np.finfo(np.float64).tiny


@jit(fastmath={"reassoc"})
def _dot(x, y):
    """Return x · y in the summation order LLVM picks (SIMD lanes).

    The only fast-math flag is ``reassoc`` (no assumption on inf, NaN or signed zeros): a dot
    product has no prescribed order, and a serial sum is latency-bound (about 4x slower at
    n ~ 100).
    """
    acc = 0.0
    for i in range(x.shape[0]):
        acc += x[i] * y[i]
    return acc


@jit
def _add_row(rc, row):
    """Fold one more row ``[row | rhs]`` into the triangular system ``rc = [R | c]`` (Givens).

    The least-squares problem of ``rc`` plus that row keeps its solutions; ``row`` is used as
    work space.
    """
    p = rc.shape[1] - 1
    for k in range(p):
        x = row[k]
        if x == 0.0:
            continue
        r = math.hypot(rc[k, k], x)
        c, s = rc[k, k] / r, x / r
        for t in range(k, p + 1):
            a, b = rc[k, t], row[t]
            rc[k, t] = c * a + s * b
            row[t] = c * b - s * a


@jit
def _reduce(cols, norms, fit):
    """Reduce the columns of the fit (rows of ``cols``, the target last) by Gram–Schmidt.

    Modified Gram–Schmidt, the columns kept unnormalised: the triangular factor goes into
    ``fit[:, :p]``, the target's coordinates into ``fit[:, p]`` (``fit`` zero on entry), and
    the rows of ``cols`` end as their parts orthogonal to the columns before them.
    ``norms[k]`` is column k's norm; a column whose orthogonal part is at most
    :data:`DEPENDENT` of it keeps a zero row. A coefficient that is exactly 0 (columns with
    disjoint supports) costs no update.
    """
    p = cols.shape[0] - 1
    for k in range(p):
        q = cols[k]
        norm = math.sqrt(_dot(q, q))
        if not norm > DEPENDENT * norms[k]:
            continue
        fit[k, k] = norm
        inv = 1.0 / norm
        for j in range(k + 1, p + 1):
            col = cols[j]
            r = _dot(q, col) * inv
            fit[k, j] = r
            if r == 0.0:
                continue
            r *= inv
            for i in range(col.shape[0]):
                col[i] -= r * q[i]


@jit
def _put_scaled(grads, scale, sign, cols):
    """``cols[i, :n] = sign · scale ∘ grads[i]``; returns the largest of their norms."""
    top = 0.0
    for i in range(grads.shape[0]):
        g, c = grads[i], cols[i]
        for k in range(g.shape[0]):
            c[k] = sign * (g[k] * scale[k])
        top = max(top, _dot(c[:g.shape[0]], c[:g.shape[0]]))
    return math.sqrt(top)


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
    m = n + p
    # one work array: the fit's columns over the stationarity rows and the complementarity
    # rows, one per row of ``cols`` (s ∘ ∇f_i, −s ∘ ∇c_j, the target s ∘ ∇L last), their
    # norms, their triangular factor and the fit [R | c] / B with the row Σ μ = 1, a row
    work = np.zeros((p + 1) * m + (p + 1) + 2 * p * (p + 1) + (p + 1))
    cols = work[:(p + 1) * m].reshape((p + 1, m))
    at = (p + 1) * m
    norms = work[at:at + p + 1]
    fit = work[at + p + 1:at + p + 1 + p * (p + 1)].reshape((p, p + 1))
    at += p + 1 + p * (p + 1)
    rc = work[at:at + p * (p + 1)].reshape((p, p + 1))
    row = work[at + p * (p + 1):]
    gmax = _put_scaled(piece_grads, scale, 1.0, cols[:n_i])
    _put_scaled(cons_grads, scale, -1.0, cols[n_i:p])
    target = cols[p]
    for k in range(n):
        target[k] = penalty_grad[k] * scale[k]
    bound = gmax + math.sqrt(_dot(target[:n], target[:n]))
    if not bound > 0.0:
        return 0.0
    low = np.inf
    for i in range(n_i):
        low = min(low, pieces[i])
    for i in range(n_i):
        cols[i, n + i] = pieces[i] - low
    for j in range(n_j):
        cols[n_i + j, n + n_i + j] = abs(cons[j])
    for k in range(p):
        norms[k] = math.sqrt(_dot(cols[k], cols[k]))
    # [A; D] = Q R (A the stationarity columns, D the complementarity diagonal, B times the
    # fit's rows), then [R | c] / B and the row Σ μ = 1 folded in by Givens rotations
    _reduce(cols, norms, fit)
    for k in range(p):
        for t in range(k, p + 1):
            rc[k, t] = fit[k, t] / bound
    row[:n_i] = SIMPLEX_WEIGHT
    row[p] = SIMPLEX_WEIGHT
    _add_row(rc, row)
    theta = norms[:p]
    reduced_nnls(rc, ITERS_PER_COLUMN * p, theta)
    total = 0.0
    for i in range(n_i):
        total += theta[i]
    total = max(total, _TINY)
    for i in range(n_i):
        theta[i] /= total
    # the residual at (μ / Σμ, κ): ‖[A; D] θ − [b; 0]‖² = ‖R θ − c‖² + ‖b_⊥‖²
    out = _dot(target, target)
    for k in range(p):
        acc = -fit[k, p]
        for t in range(k, p):
            acc += fit[k, t] * theta[t]
        out += acc * acc
    return math.sqrt(out) / bound
