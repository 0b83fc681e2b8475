"""KKT residuals of the AAUC problems at a returned point, per drop (paper 000).

Each residual writes its problem in the max–min form of
:func:`fastsec.kernels.optim.kkt.maxmin_kkt_residual` (real coordinates [Re, Im] of the
complex variables, coordinates scaled by the radius of their power budget) and returns it:
0 at a KKT point, scale-free, O(1) where nothing cancels.

- :func:`p2_residual`: P2 (eq. (18)-(20)) over (z, w), pieces Φ_k = ½ log2(1 + |g_k^H U z|²/σ²)
  (k < K) and Υ = ½ log2(1 + |h_K^H w|²/σ²), penalty ½ log2(1 + λ w^H J w/σ_E²), budget
  ‖z‖² + ‖w‖² <= 2 P_max (eq. (11a)); the AAUC methods (sco, closed_form, asymptotic, bfom).
- :func:`direct_residual`: max–min multicast over v, pieces log2(1 + |g_k^H v|²/σ²),
  ‖v‖² <= P_max.
- :func:`q2_residual`: Q2 (eq. (45)) over (z, c), c the reflected amplitudes in units of σ,
  pieces log2(1 + |g_k^H U z|²/σ²) and log2(1 + |h_K^H c|²) (c in units of σ), penalty
  log2(1 + λ σ² c^H J c/σ_E²), constraints ‖z‖² <= P_max and |c_k|² <= |g_k^H U z|²/σ²;
  the c coordinates are scaled by their bounds √P_max ‖U^H g_k‖/σ.

:func:`kkt_drops` (and its multi-threaded twin) evaluates the residual of the problem each
drop's method solves from the drops' arrays, one drop per :func:`kkt_drop` call, so one drop
alone and the same drop in a batch give the same bits. The NumPy/SciPy reference is
:mod:`fastsec.reference.aauc_kkt`.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from fastsec.units import LN2

from .._jit import jit
from ..optim.kkt import maxmin_kkt_residual
from .null_space import helper_rows, householder, null_coordinates

#: Problem codes of :func:`kkt_drops`: P2 (the AAUC methods), direct transmission's max–min
#: multicast, Q2 (the IRS scheme).
P2, DIRECT, Q2 = 0, 1, 2


@jit
def _log_snr_rows(rows_x, factor, pieces, offset):
    """Pieces factor · log2(1 + |a_k|²) of the amplitudes a_k = ``rows_x[k]``.

    Written into ``pieces[offset:]``; returns the factors f_k of the complex gradients
    2 a_k conj(rows_k) f_k.
    """
    out = np.empty(rows_x.shape[0])
    for k in range(rows_x.shape[0]):
        snr = rows_x[k].real ** 2 + rows_x[k].imag ** 2
        pieces[offset + k] = factor * math.log2(1.0 + snr)
        out[k] = factor / (LN2 * (1.0 + snr))
    return out


@jit
def _put(vec, j, nc, value):
    """Write the complex ``value`` of coordinate j as its real pair [Re at j, Im at nc + j]."""
    vec[j] = value.real
    vec[nc + j] = value.imag


@jit
def _add_power(x, offset, row, nc, power):
    """``power`` + Σ|x_j|² (added in order), the gradient 2 x_j put at ``offset + j`` of ``row``."""
    for j in range(x.shape[0]):
        power += x[j].real ** 2 + x[j].imag ** 2
        _put(row, offset + j, nc, 2.0 * x[j])
    return power


@jit
def _user_pieces(hs_mat, z, factor, pieces, grads, nc):
    """Pieces factor · log2(1 + |Hs_k z|²) (rows 0..K-2) and their gradients in z.

    Returns the amplitudes Hs z.
    """
    m, n1 = hs_mat.shape
    amp = np.empty(m, dtype=np.complex128)
    for k in range(m):
        acc = 0.0j
        for j in range(n1):
            acc += hs_mat[k, j] * z[j]
        amp[k] = acc
    f = _log_snr_rows(amp, factor, pieces, 0)
    for k in range(m):
        for j in range(n1):
            _put(grads[k], j, nc, 2.0 * amp[k] * hs_mat[k, j].conjugate() * f[k])
    return amp


@jit
def _relay_piece(hs, w, factor, gain, pieces, grads, nc):
    """Piece factor · log2(1 + |gain · hs^H w|²) (last row) and its gradient in w."""
    m = hs.shape[0]
    n1 = nc - m
    acc = 0.0j
    for k in range(m):
        acc += gain * hs[k].conjugate() * w[k]
    amp = np.empty(1, dtype=np.complex128)
    amp[0] = acc
    f = _log_snr_rows(amp, factor, pieces, m)
    for k in range(m):
        _put(grads[m], n1 + k, nc, 2.0 * acc * (gain * hs[k]) * f[0])


@jit
def p2_residual(hs_mat, hs, je, pmax, z, w):
    """KKT residual of P2 at (z, w) (module docstring).

    Parameters
    ----------
    hs_mat : complex128 (K-1, N-1)
        Rows g_k^H U / σ [1/√W].
    hs : complex128 (K-1,)
        h_K / σ [1/√W].
    je : float64 (K-1,)
        λ J_k / σ_E² [1/W].
    pmax : float
        P_max [W].
    z : complex128 (N-1,)
        Null-space coordinates of v [√W].
    w : complex128 (K-1,)
        Helpers' beamformer [√W].

    """
    m, n1 = hs_mat.shape
    nc = n1 + m
    pieces = np.empty(m + 1)
    grads = np.zeros((m + 1, 2 * nc))
    _user_pieces(hs_mat, z, 0.5, pieces, grads, nc)
    _relay_piece(hs, w, 0.5, 1.0, pieces, grads, nc)
    leak = 0.0
    for k in range(m):
        leak += je[k] * (w[k].real ** 2 + w[k].imag ** 2)
    penalty = np.zeros(2 * nc)
    for k in range(m):
        _put(penalty, n1 + k, nc, 2.0 * je[k] * w[k] * (0.5 / (LN2 * (1.0 + leak))))
    cons = np.empty(1)
    cons_grads = np.empty((1, 2 * nc))
    power = _add_power(w, n1, cons_grads[0], nc, _add_power(z, 0, cons_grads[0], nc, 0.0))
    cons[0] = power - 2.0 * pmax
    scale = np.full(2 * nc, math.sqrt(2.0 * pmax))
    return maxmin_kkt_residual(pieces, grads, penalty, cons, cons_grads, scale)


@jit
def direct_residual(g, sigma, pmax, v):
    """KKT residual of direct transmission's max–min multicast at v (module docstring).

    ``g`` (K, N) are the users' channels [√W/√W], σ the noise amplitude [√W].
    """
    K, N = g.shape
    pieces = np.empty(K)
    grads = np.empty((K, 2 * N))
    amp = np.empty(K, dtype=np.complex128)
    for k in range(K):
        acc = 0.0j
        for j in range(N):
            acc += (g[k, j].conjugate() / sigma) * v[j]
        amp[k] = acc
    f = _log_snr_rows(amp, 1.0, pieces, 0)
    for k in range(K):
        for j in range(N):
            _put(grads[k], j, N, 2.0 * amp[k] * (g[k, j] / sigma) * f[k])
    cons = np.empty(1)
    cons_grads = np.empty((1, 2 * N))
    cons[0] = _add_power(v, 0, cons_grads[0], N, 0.0) - pmax
    return maxmin_kkt_residual(pieces, grads, np.zeros(2 * N), cons, cons_grads,
                               np.full(2 * N, math.sqrt(pmax)))


@jit
def q2_residual(hs_mat, row2, hs, je, sigma, pmax, z, c):
    """KKT residual of Q2 at (z, c), c the reflected amplitudes in units of σ (eq. (45)).

    ``row2`` holds the squared row norms of ``hs_mat``; the other arguments as in
    :func:`p2_residual`, σ the user noise amplitude [√W].
    """
    m, n1 = hs_mat.shape
    nc = n1 + m
    pieces = np.empty(m + 1)
    grads = np.zeros((m + 1, 2 * nc))
    amp = _user_pieces(hs_mat, z, 1.0, pieces, grads, nc)
    _relay_piece(hs, c, 1.0, sigma, pieces, grads, nc)
    sigma2 = sigma * sigma
    leak = 0.0
    for k in range(m):
        leak += je[k] * (c[k].real ** 2 + c[k].imag ** 2)
    leak *= sigma2
    penalty = np.zeros(2 * nc)
    for k in range(m):
        _put(penalty, n1 + k, nc, 2.0 * sigma2 * je[k] * c[k] / (LN2 * (1.0 + leak)))
    cons = np.empty(m + 1)
    cons_grads = np.zeros((m + 1, 2 * nc))
    cons[0] = _add_power(z, 0, cons_grads[0], nc, 0.0) - pmax
    for k in range(m):
        cons[k + 1] = (c[k].real ** 2 + c[k].imag ** 2) - (amp[k].real ** 2 + amp[k].imag ** 2)
        for j in range(n1):
            _put(cons_grads[k + 1], j, nc, -2.0 * amp[k] * hs_mat[k, j].conjugate())
        _put(cons_grads[k + 1], n1 + k, nc, 2.0 * c[k])
    scale = np.empty(2 * nc)
    root = math.sqrt(pmax)
    for j in range(n1):
        scale[j] = scale[nc + j] = root
    for k in range(m):
        scale[n1 + k] = scale[nc + n1 + k] = root * math.sqrt(row2[k])
    return maxmin_kkt_residual(pieces, grads, penalty, cons, cons_grads, scale)


@jit
def kkt_drop(b, problem, g, hs, je, consts, v, w):
    """Residual of drop ``b`` of :func:`kkt_drops` for its ``problem`` code."""
    sigma, pmax = consts
    K, N = g.shape[1], g.shape[2]
    if problem == DIRECT:
        return direct_residual(g[b], sigma, pmax, v[b])
    u = np.empty(N, dtype=np.complex128)
    householder(g[b, K - 1], u)
    hs_mat = np.empty((K - 1, N - 1), dtype=np.complex128)
    row2 = np.empty(K - 1)
    helper_rows(g[b], u, sigma, hs_mat, row2)
    z = np.empty(N - 1, dtype=np.complex128)
    null_coordinates(u, v[b], z)
    if problem == Q2:
        c = np.empty(K - 1, dtype=np.complex128)
        for k in range(K - 1):
            c[k] = w[b, k] / sigma
        return q2_residual(hs_mat, row2, hs[b], je[b], sigma, pmax, z, c)
    return p2_residual(hs_mat, hs[b], je[b], pmax, z, w[b])


@jit
def kkt_drops(problems, g, hs, je, consts, v, w, out):
    """KKT residual of each drop's returned point for the problem its method solves.

    Parameters
    ----------
    problems : int64 (B,)
        :data:`P2`, :data:`DIRECT` or :data:`Q2` per drop.
    g : complex128 (B, K, N)
        BS-to-user channels, row K-1 the attacked user's g_K (non-zero).
    hs : complex128 (B, K-1)
        h_K / σ [1/√W].
    je : float64 (B, K-1)
        λ J / σ_E² [1/W].
    consts : tuple of float
        ``(σ, P_max)``: the user noise amplitude [√W] and the power budget [W].
    v : complex128 (B, N)
        BS beamformers [√W].
    w : complex128 (B, K-1)
        Helpers' beamformers [√W] (P2), the reflected amplitudes c [√W] (Q2), unused for
        direct transmission.
    out : float64 (B,)
        Output: the residuals.

    """
    for b in range(g.shape[0]):
        out[b] = kkt_drop(b, problems[b], g, hs, je, consts, v, w)


@jit(parallel=True)
def kkt_drops_parallel(problems, g, hs, je, consts, v, w, out):
    """:func:`kkt_drops` with the drops spread over Numba's threads."""
    for b in numba.prange(g.shape[0]):
        out[b] = kkt_drop(b, problems[b], g, hs, je, consts, v, w)
