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
squares fit (:func:`scipy.optimize.nnls`, the simplex sum enforced by a weighted row); the
residual is then evaluated exactly at the fitted (μ / Σμ, κ), so it is an upper bound of the
minimum (to the weight's ~1e-8 relative effect on the fit).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import nnls

#: Weight of the row Σ μ = 1 in the least-squares fit (the other rows are O(1)).
SIMPLEX_WEIGHT = 1e4


def maxmin_kkt_residual(pieces: np.ndarray, piece_grads: np.ndarray, penalty_grad: np.ndarray,
                        cons: np.ndarray, cons_grads: np.ndarray, scale: np.ndarray) -> float:
    """Scale-free KKT residual of max min_i f_i − L s.t. c_j <= 0 (module docstring).

    Parameters
    ----------
    pieces : ndarray, shape (I,)
        f_i(x).
    piece_grads : ndarray, shape (I, n)
        ∇f_i(x), real gradients.
    penalty_grad : ndarray, shape (n,)
        ∇L(x).
    cons : ndarray, shape (J,)
        c_j(x) (<= 0 when feasible).
    cons_grads : ndarray, shape (J, n)
        ∇c_j(x).
    scale : ndarray, shape (n,)
        Positive scale of each coordinate (same units as x).

    Returns
    -------
    float
        The residual, >= 0 (0 at a KKT point).

    """
    pieces = np.asarray(pieces, dtype=float)
    gf = np.asarray(piece_grads, dtype=float) * scale
    gl = np.asarray(penalty_grad, dtype=float) * scale
    gc = np.asarray(cons_grads, dtype=float).reshape(-1, gf.shape[1]) * scale
    cons = np.asarray(cons, dtype=float).reshape(-1)
    bound = float(np.linalg.norm(gf, axis=1).max() + np.linalg.norm(gl))
    if not bound > 0.0:
        return 0.0
    n_i, n_j = pieces.size, cons.size
    gap = pieces - pieces.min()
    # columns: μ (I), κ (J); rows: stationarity (n), complementarity (I + J), Σ μ = 1
    matrix = np.zeros((gf.shape[1] + n_i + n_j + 1, n_i + n_j))
    matrix[:gf.shape[1], :n_i] = gf.T / bound
    matrix[:gf.shape[1], n_i:] = -gc.T / bound
    matrix[gf.shape[1]:gf.shape[1] + n_i, :n_i] = np.diag(gap) / bound
    matrix[gf.shape[1] + n_i:-1, n_i:] = np.diag(np.abs(cons)) / bound
    matrix[-1, :n_i] = SIMPLEX_WEIGHT
    target = np.zeros(matrix.shape[0])
    target[:gf.shape[1]] = gl / bound
    target[-1] = SIMPLEX_WEIGHT
    theta = nnls(matrix, target, maxiter=50 * matrix.shape[1])[0]
    mu = theta[:n_i] / max(theta[:n_i].sum(), np.finfo(float).tiny)
    kappa = theta[n_i:]
    stationarity = gf.T @ mu - gl - gc.T @ kappa
    residual = np.concatenate([stationarity, mu * gap, kappa * np.abs(cons)])
    return float(np.linalg.norm(residual) / bound)
