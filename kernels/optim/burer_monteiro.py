"""Smooth convex programs over ``{X ⪰ 0, diag(X) = 1}`` by low-rank factorisation.

Problem (complex Hermitian ``X``, ``n x n``)::

    min φ(X)   s.t.  X ⪰ 0,  X_ii = 1,

with ``φ`` convex and differentiable. Burer–Monteiro: ``X = Y Y^H`` with ``Y`` (``n x r``) on
the complex oblique manifold (rows of unit norm), minimised by Riemannian CG
(:func:`fastsec.kernels.optim.rcg.riemannian_cg` with :func:`~.rcg.oblique_project`,
:func:`~.rcg.oblique_retract`), starting at rank 1 and raising the rank until the dual
certificate holds (Journée, Bach, Absil & Sepulchre, SIAM J. Optim. 20(5), 2010).

**Certificate.** With ``C = ∇φ(X)`` (Hermitian) and ``λ_i = Re((C Y)_i · conj(Y_i))`` (the
multipliers of ``X_ii = 1`` from the first-order condition ``(C - Diag λ) Y = 0``), let
``S = C - Diag(λ)``. For every feasible ``X'``, convexity and ``tr X' = n`` give
``φ(X') ≥ φ(X) + <C, X' - X> ≥ φ(X) + n min(0, λ_min(S))`` (``<C, X> = Σ λ_i`` by the choice
of ``λ``), so ``gap = n max(0, -λ_min(S))`` bounds ``φ(X) - min φ`` from above whatever the
accuracy of ``Y``: ``φ(X) - gap`` is a certified lower bound of the optimum. When
``λ_min(S) < 0`` its eigenvector ``u`` is a descent direction of the rank-``r + 1`` problem
(``Y → [Y, t u]``, rows renormalised, changes φ by ``t² u^H S u + O(t⁴)``), which is how the
rank is raised.

The problem is a pair of jitted functions passed as arguments (as in :mod:`~.rcg`): the cost
``cost_grad(y, data, b, grad, need_grad)`` on the flattened ``Y`` (row by row, shape
``(n r,)``) and ``gradient_matrix(y, data, out)`` writing ``∇φ(X)`` into ``out`` (``n x n``).
"""

from __future__ import annotations

import numpy as np

from .._jit import jit
from .rcg import STOP_NONFINITE, oblique_project, oblique_retract, riemannian_cg

#: Status codes of :func:`bm_minimize` (index into :data:`BM_STATUS`).
BM_CERTIFIED = 0
BM_RANK_CAP = 1
BM_NO_ESCAPE = 2
BM_NONFINITE = 3
BM_STATUS = ("certified", "rank_cap", "no_escape", "nonfinite")

#: Halvings of the escape step ``t`` (from 1) tried when raising the rank.
ESCAPE_HALVINGS = 30


@jit
def certificate(C, y, rank):
    """Dual certificate at ``X = Y Y^H`` (module docstring).

    Returns ``(gap, u)``: the bound ``n max(0, -λ_min(S))`` on ``φ(X) - min φ`` and the
    eigenvector ``u`` (n,) of ``λ_min(S)``.
    """
    n = C.shape[0]
    S = C.copy()
    for i in range(n):
        lam = 0.0
        for j in range(rank):
            cy = 0j
            for k in range(n):
                cy += C[i, k] * y[k * rank + j]
            lam += cy.real * y[i * rank + j].real + cy.imag * y[i * rank + j].imag
        S[i, i] -= lam
    for i in range(n):  # exact Hermitian symmetry for eigh
        S[i, i] = S[i, i].real
        for k in range(i + 1, n):
            S[k, i] = S[i, k].conjugate()
    w, vec = np.linalg.eigh(S)
    return n * max(0.0, -w[0]), vec[:, 0].copy()


@jit
def _raised(y, rank, u, t):
    """``[Y, t u]`` with rows renormalised, flattened (rank ``rank + 1``)."""
    n = u.shape[0]
    r1 = rank + 1
    out = np.empty(n * r1, dtype=np.complex128)
    for i in range(n):
        norm2 = 0.0
        for j in range(rank):
            out[i * r1 + j] = y[i * rank + j]
        out[i * r1 + rank] = t * u[i]
        for j in range(r1):
            z = out[i * r1 + j]
            norm2 += z.real * z.real + z.imag * z.imag
        inv = 1.0 / np.sqrt(norm2)
        for j in range(r1):
            out[i * r1 + j] *= inv
    return out


@jit(inline="always")
def bm_minimize(cost_grad, gradient_matrix, data, y0, max_rank, gtol, min_step, max_iter,
                gap_tol):
    """Minimise φ over ``{X ⪰ 0, diag X = 1}`` from the rank-1 point ``y0 y0^H``.

    Parameters
    ----------
    cost_grad, gradient_matrix : jitted functions
        The problem (module docstring); ``data`` has a leading batch axis of length 1.
    data : tuple of arrays
        Problem data.
    y0 : ndarray, shape (n,), complex128
        Starting point, ``|y0_i| = 1``.
    max_rank : int
        Largest rank tried (``n`` makes the factorisation exact).
    gtol, min_step, max_iter : float, float, int
        Stopping rules of each Riemannian CG run (:func:`~.rcg.riemannian_cg`).
    gap_tol : float
        Stop when the certified gap is at most ``gap_tol * (1 + |φ|)``.

    Returns
    -------
    y : ndarray, shape (n * rank,), complex128
        The factor ``Y`` row by row.
    rank : int
        Its number of columns.
    f : float
        φ at ``Y Y^H``.
    gap : float
        Certified bound on ``f - min φ`` (>= 0).
    iterations : int
        Riemannian CG iterations over all ranks.
    status : int
        :data:`BM_STATUS` code: certified, rank cap reached, no descent found when raising
        the rank, or a non-finite cost.

    """
    n = y0.shape[0]
    no_trace = np.zeros((1, 0, 3))
    C = np.empty((n, n), dtype=np.complex128)
    y = y0.copy()
    rank = 1
    iterations = 0
    while True:
        ys, fs, its, reasons, _ = riemannian_cg(cost_grad, oblique_project, oblique_retract,
                                                rank, data, y.reshape((1, n * rank)), gtol,
                                                min_step, max_iter, no_trace)
        y = ys[0]
        f = fs[0]
        iterations += its[0]
        if reasons[0] == STOP_NONFINITE:
            return y, rank, f, np.inf, iterations, BM_NONFINITE
        gradient_matrix(y, data, C)
        gap, u = certificate(C, y, rank)
        if gap <= gap_tol * (1.0 + abs(f)):
            return y, rank, f, gap, iterations, BM_CERTIFIED
        if rank >= max_rank:
            return y, rank, f, gap, iterations, BM_RANK_CAP
        t = 1.0
        raised = _raised(y, rank, u, t)
        grad = np.empty(n * (rank + 1), dtype=np.complex128)
        halvings = 0
        while not cost_grad(raised, data, 0, grad, False) < f and halvings < ESCAPE_HALVINGS:
            t *= 0.5
            raised = _raised(y, rank, u, t)
            halvings += 1
        if halvings == ESCAPE_HALVINGS:
            return y, rank, f, gap, iterations, BM_NO_ESCAPE
        y = raised
        rank += 1
