"""The SDR θ-step's relaxed program solved by Burer–Monteiro (Paper 002, Fig. 2's SDR-AO).

The relaxation of :mod:`fastsec.oam.sdr` (module docstring there) maximises, over
``X ⪰ 0, diag(X) = 1`` of size ``n = Q + 1``::

    v(X) = Σ_l [log((ℓ_l a_l(X) + b_l(X)) / D_l) - h^a_l a_l(X) - h^b_l b_l(X)]

with ``a_l(X) = tr(Ā_l X)``, ``b_l(X) = tr(B̄_l X)`` the lifted numerator and denominator
powers of term ``l`` at ``X`` (``b_l`` includes its constant ``c_l``, as ``X_nn = 1``), and,
from the values ``N_l``, ``D_l`` at the current θ: ``ℓ = 1, h^a = 0, h^b = 1 / D`` for a
maximised rate (``s_l < 0``), ``ℓ = 0, h^a = h^b = 1 / (N + D)`` for a minimised one
(``s_l > 0``). Here ``φ = -v`` is minimised by :func:`fastsec.kernels.optim.burer_monteiro.
bm_minimize` with ``X = Y Y^H``; ``Ā_l = Σ_r u_r u_r^H`` is kept as its rows
``u_r = [w_r; conj(α_r)]`` (and ``B̄_l`` as ``[v_r; conj(β_r)]``), so that
``a_l = Σ_r ||u_r^H Y||²`` costs ``O(R n r)``. Notation of
:mod:`fastsec.kernels.oam.objectives`.
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import jit
from ..optim.burer_monteiro import bm_minimize
from .objectives import _used_rows


@jit
def lifted_problem(W, alpha, V, beta, c, sign, theta):
    """Build the relaxed program at ``theta`` (module docstring) and its start ``[θ; 1]``.

    Takes instance 0 of the θ data ``(W, alpha, V, beta, c, sign)`` of
    :func:`~.objectives.secrecy_terms`. Returns ``(data, y0)``: ``data = (UA, UB, used, ell,
    ha, hb, c, D)`` with a leading batch axis of length 1 (``UA`` (1, L, R_A, n), ``UB``
    (1, L, R_B, n) the lifted rows, ``used`` the non-zero rows of ``UB`` per term) and
    ``y0`` (n,).
    """
    nl, ra, q = W.shape[1], W.shape[2], W.shape[3]
    rb = V.shape[2]
    n = q + 1
    UA = np.empty((1, nl, ra, n), dtype=np.complex128)
    UB = np.empty((1, nl, rb, n), dtype=np.complex128)
    UA[0, :, :, :q] = W[0]
    UA[0, :, :, q] = np.conj(alpha[0])
    UB[0, :, :, :q] = V[0]
    UB[0, :, :, q] = np.conj(beta[0])
    y0 = np.empty(n, dtype=np.complex128)
    y0[:q] = theta
    y0[q] = 1.0
    ell = np.empty((1, nl))
    ha = np.empty((1, nl))
    hb = np.empty((1, nl))
    D = np.empty((1, nl))
    cc = c[:1].copy()
    used = _used_rows(V[:1], beta[:1])
    scratch = np.empty((max(ra, rb), 1), dtype=np.complex128)
    for m in range(nl):
        num = _lifted_rows(UA[0, m], y0, 1, scratch)
        den = _lifted_rows(UB[0, m, : used[0, m]], y0, 1, scratch) + cc[0, m]
        D[0, m] = den
        if sign[0, m] < 0:  # a rate to maximise: -log(den) linearised
            ell[0, m], ha[0, m], hb[0, m] = 1.0, 0.0, 1.0 / den
        else:  # a rate to minimise: -log(num + den) linearised
            ell[0, m], ha[0, m], hb[0, m] = 0.0, 1.0 / (num + den), 1.0 / (num + den)
    return (UA, UB, used, ell, ha, hb, cc, D), y0


@jit
def _lifted_rows(U, y, rank, P):
    """``P[r] = u_r^H Y`` (rank entries) for the rows of ``U``; returns ``Σ |P|²``."""
    n = U.shape[1]
    acc = 0.0
    for r in range(U.shape[0]):
        for j in range(rank):
            z = 0j
            for i in range(n):
                z += U[r, i].conjugate() * y[i * rank + j]
            P[r, j] = z
            acc += z.real * z.real + z.imag * z.imag
    return acc


@jit
def _add_lifted(U, P, weight, rank, grad):
    """``grad += weight * Σ_r u_r P[r]`` (an ``n x rank`` matrix, row by row)."""
    for r in range(U.shape[0]):
        for i in range(U.shape[1]):
            ui = weight * U[r, i]
            for j in range(rank):
                grad[i * rank + j] += ui * P[r, j]


@jit
def _term_powers(data, b, m, y, rank, pa, pb):
    """``(a_m, b_m)`` of term ``m`` at ``Y`` (projections left in ``pa``, ``pb``)."""
    UA, UB, used, _, _, _, cc, _ = data
    a = _lifted_rows(UA[b, m], y, rank, pa)
    return a, _lifted_rows(UB[b, m, : used[b, m]], y, rank, pb) + cc[b, m]


@jit
def relaxed_cost(y, data, b, grad, need_grad):
    """``φ(Y Y^H) = -v`` (module docstring) and its real gradient ``2 ∇φ(X) Y`` in ``grad``."""
    UA, UB, used, ell, ha, hb, _, D = data
    n = UA.shape[3]
    rank = y.shape[0] // n
    pa = np.empty((UA.shape[2], rank), dtype=np.complex128)
    pb = np.empty((UB.shape[2], rank), dtype=np.complex128)
    if need_grad:
        grad[:] = 0.0
    total = 0.0
    for m in range(UA.shape[1]):
        a, bb = _term_powers(data, b, m, y, rank, pa, pb)
        arg = ell[b, m] * a + bb
        total -= math.log(arg / D[b, m]) - ha[b, m] * a - hb[b, m] * bb
        if need_grad:
            _add_lifted(UA[b, m], pa, -2.0 * (ell[b, m] / arg - ha[b, m]), rank, grad)
            _add_lifted(UB[b, m, : used[b, m]], pb, -2.0 * (1.0 / arg - hb[b, m]), rank, grad)
    return total


@jit
def relaxed_gradient_matrix(y, data, out):
    """``∇φ(X)`` at ``X = Y Y^H`` into ``out`` (n, n): ``Σ_l g^a_l Ā_l + g^b_l B̄_l``.

    (``B̄_l`` without its constant corner ``c_l``, which is constant on ``X_nn = 1``.)
    """
    UA, UB, used, ell, ha, hb, _, _ = data
    n = UA.shape[3]
    rank = y.shape[0] // n
    pa = np.empty((UA.shape[2], rank), dtype=np.complex128)
    pb = np.empty((UB.shape[2], rank), dtype=np.complex128)
    out[:] = 0.0
    for m in range(UA.shape[1]):
        a, bb = _term_powers(data, 0, m, y, rank, pa, pb)
        arg = ell[0, m] * a + bb
        _add_outer(UA[0, m], -(ell[0, m] / arg - ha[0, m]), out)
        _add_outer(UB[0, m, : used[0, m]], -(1.0 / arg - hb[0, m]), out)


@jit
def _add_outer(U, weight, out):
    """``out += weight * Σ_r u_r u_r^H``."""
    n = U.shape[1]
    for r in range(U.shape[0]):
        for i in range(n):
            ui = weight * U[r, i]
            for k in range(n):
                out[i, k] += ui * U[r, k].conjugate()


@jit
def coordinate_weights(y, data):
    """How much the relaxed objective depends on each lifted coordinate, shape (n,).

    ``ω_i = Σ_l |g^a_l| Σ_r |u_{l,r,i}|² + |g^b_l| Σ_r |v_{l,r,i}|²`` at ``X = Y Y^H``
    (``g`` the term weights of :func:`relaxed_gradient_matrix`): the curvature scale of
    :func:`relaxed_cost` along row ``i`` of ``Y``.
    """
    UA, UB, used, ell, ha, hb, _, _ = data
    n = UA.shape[3]
    rank = y.shape[0] // n
    pa = np.empty((UA.shape[2], rank), dtype=np.complex128)
    pb = np.empty((UB.shape[2], rank), dtype=np.complex128)
    out = np.zeros(n)
    for m in range(UA.shape[1]):
        a, bb = _term_powers(data, 0, m, y, rank, pa, pb)
        arg = ell[0, m] * a + bb
        ga = abs(ell[0, m] / arg - ha[0, m])
        gb = abs(1.0 / arg - hb[0, m])
        for i in range(n):
            for r in range(UA.shape[2]):
                out[i] += ga * (UA[0, m, r, i].real ** 2 + UA[0, m, r, i].imag ** 2)
            for r in range(used[0, m]):
                out[i] += gb * (UB[0, m, r, i].real ** 2 + UB[0, m, r, i].imag ** 2)
    return out


@jit
def sdr_relaxation(W, alpha, V, beta, c, sign, theta, gtol, min_step, max_iter, gap_tol):
    """Solve the relaxed program at ``theta`` by Burer–Monteiro (cached entry point).

    ``W, alpha, V, beta, c, sign``: the θ data (batch of one); the stopping rules are those
    of :func:`~fastsec.kernels.optim.burer_monteiro.bm_minimize`.

    Returns
    -------
    Y : ndarray, shape (n, rank), complex128
        Factor of the relaxed solution ``X = Y Y^H``.
    weights : ndarray, shape (n,)
        :func:`coordinate_weights` at ``Y``.
    gain_bound : float
        Certified upper bound on ``max v - v(θ̄ θ̄^H)`` [nat]: how much the relaxed program
        can gain over the current point.
    iterations : int
        Riemannian CG iterations.
    status : int
        :data:`~fastsec.kernels.optim.burer_monteiro.BM_STATUS` code.

    """
    data, y0 = lifted_problem(W, alpha, V, beta, c, sign, theta)
    n = y0.shape[0]
    f0 = relaxed_cost(y0, data, 0, y0, False)
    y, rank, f, gap, iterations, status = bm_minimize(relaxed_cost, relaxed_gradient_matrix,
                                                      data, y0, n, gtol, min_step, max_iter,
                                                      gap_tol)
    return (y.reshape((n, rank)), coordinate_weights(y, data), f0 - f + gap, iterations,
            status)
