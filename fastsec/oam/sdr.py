"""θ-steps by semidefinite relaxation with Gaussian randomisation (``method="sdr"``, Fig. 2).

The θ objectives of :mod:`fastsec.kernels.oam_objectives` are sums of signed rate terms
``s_l log2(1 + num_l(θ) / den_l(θ))`` whose powers are quadratic forms of the lifted vector
``θ̄ = [θ; 1]``: ``num_l = θ̄^H Ā_l θ̄``, ``den_l = θ̄^H B̄_l θ̄`` (the offsets and the constant
``c_l`` go into the last row and column). With ``X = θ̄ θ̄^H`` relaxed to ``X ⪰ 0``,
``diag(X) = 1`` (dropping rank 1), each term is a difference of a concave and a convex
function of X; the convex ``log`` of every term is linearised at the current point (a
minorizer, tight there), leaving the concave program::

    max_X  Σ_{s_l < 0} [log tr((Ā_l + B̄_l) X) - tr(B̄_l X) / D_l]
         + Σ_{s_l > 0} [log tr(B̄_l X) - tr((Ā_l + B̄_l) X) / (N_l + D_l)]
    s.t.   X ⪰ 0,  X_qq = 1,

(``N_l``, ``D_l``: values at the current point; each term is scaled by ``1 / D_l`` for
conditioning), solved by cvxpy. Gaussian randomisation then draws ``ξ ~ CN(0, X)``, takes
``θ = exp(j arg(ξ_q / ξ_{Q+1}))``, and the best candidate by the true objective (the current
θ among them, so the step never increases the cost) is returned.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from fastsec import solvers
from fastsec.kernels.oam_objectives import secrecy_terms


def lifted_forms(data: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Lifted Hermitian matrices ``Ā_l``, ``B̄_l`` (L, Q+1, Q+1) of instance 0 of ``data``.

    ``data`` is the tuple ``(W, alpha, V, beta, c, sign)`` of
    :func:`~fastsec.kernels.oam_objectives.secrecy_terms`; ``θ̄^H Ā_l θ̄ = num_l(θ)`` and
    ``θ̄^H B̄_l θ̄ = den_l(θ)`` for ``θ̄ = [θ; 1]``.
    """
    W, alpha, V, beta, c, _ = (x[0] for x in data)
    ua = np.concatenate([W, np.conj(alpha)[..., None]], axis=-1)  # (L, R_A, Q+1)
    ub = np.concatenate([V, np.conj(beta)[..., None]], axis=-1)
    a_bar = np.einsum("lrp,lrq->lpq", ua, ua.conj())
    b_bar = np.einsum("lrp,lrq->lpq", ub, ub.conj())
    b_bar[:, -1, -1] += c
    return a_bar, b_bar


def sdr_theta_step(data: tuple, theta: np.ndarray, rng: np.random.Generator,
                   randomizations: int, solver: str = "auto") -> np.ndarray:
    """One SDR θ-step from ``theta`` (module docstring); returns the new θ, shape (Q,).

    Parameters
    ----------
    data : tuple
        ``(W, alpha, V, beta, c, sign)`` with a leading batch axis of length 1.
    theta : ndarray, shape (Q,), complex128
        Current phases (unit modulus).
    rng : numpy.random.Generator
        Draws the Gaussian randomisations.
    randomizations : int
        Number of Gaussian draws.
    solver : str
        cvxpy solver (:func:`fastsec.solvers.resolve_solver`).

    Returns
    -------
    ndarray, shape (Q,), complex128
        The best of the current θ, the principal eigenvector's phases and the draws.

    """
    a_bar, b_bar = lifted_forms(data)
    sign = data[5][0]
    n = theta.shape[0] + 1
    lifted = np.append(theta, 1.0)
    num = np.real(np.einsum("p,lpq,q->l", lifted.conj(), a_bar, lifted))
    den = np.real(np.einsum("p,lpq,q->l", lifted.conj(), b_bar, lifted))
    X = cp.Variable((n, n), hermitian=True)
    terms = []
    for m in range(sign.shape[0]):
        total = cp.real(cp.sum(cp.multiply(((a_bar[m] + b_bar[m]) / den[m]).T, X)))
        interference = cp.real(cp.sum(cp.multiply((b_bar[m] / den[m]).T, X)))
        if sign[m] < 0:  # a rate to maximise: keep log(total), linearise -log(interference)
            terms.append(cp.log(total) - interference)
        else:  # a rate to minimise: keep log(interference), linearise -log(total)
            terms.append(cp.log(interference) - total * den[m] / (num[m] + den[m]))
    problem = cp.Problem(cp.Maximize(cp.sum(cp.hstack(terms))),
                         [X >> 0, cp.real(cp.diag(X)) == 1])
    solvers.solve(problem, solvers.resolve_solver(solver))
    eigval, eigvec = np.linalg.eigh(X.value)
    root = eigvec * np.sqrt(np.maximum(eigval, 0.0))
    draws = (rng.standard_normal((randomizations, n))
             + 1j * rng.standard_normal((randomizations, n))) / np.sqrt(2)
    xi = np.vstack([eigvec[:, -1], draws @ root.T])
    candidates = np.exp(1j * (np.angle(xi[:, :-1]) - np.angle(xi[:, -1:])))
    grad = np.empty(n - 1, dtype=np.complex128)
    best, best_cost = theta, secrecy_terms(theta, data, 0, grad, False)
    for cand in candidates:
        cost = secrecy_terms(cand, data, 0, grad, False)
        if cost < best_cost:
            best, best_cost = cand, cost
    return best
