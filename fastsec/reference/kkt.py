"""Reference: the scale-free max–min KKT residual by NumPy and :func:`scipy.optimize.nnls`.

The independent twin of :mod:`fastsec.kernels.optim.kkt`, whose docstring gives the
definition: the smallest stacked norm of the stationarity and complementarity residuals of
max min_i f_i − L s.t. c_j <= 0 over the multipliers (μ in the simplex, κ >= 0), scaled and
divided by the largest single-term change B. Same fit (NNLS with the simplex row weighted by
:data:`~fastsec.kernels.optim.kkt.SIMPLEX_WEIGHT`, same iteration cap), written with NumPy
arrays and SciPy's Lawson–Hanson code; the tests compare the two. Knows no paper.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import nnls

from fastsec.kernels.optim.kkt import ITERS_PER_COLUMN, SIMPLEX_WEIGHT


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
    theta = nnls(matrix, target, maxiter=ITERS_PER_COLUMN * matrix.shape[1])[0]
    mu = theta[:n_i] / max(theta[:n_i].sum(), np.finfo(float).tiny)
    kappa = theta[n_i:]
    stationarity = gf.T @ mu - gl - gc.T @ kappa
    residual = np.concatenate([stationarity, mu * gap, kappa * np.abs(cons)])
    return float(np.linalg.norm(residual) / bound)
