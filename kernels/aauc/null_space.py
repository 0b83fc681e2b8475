"""The null space of g_K and P2's helper rows in it (paper 000, Sec. IV-B, eq. (18)).

U (N, N-1) is an orthonormal basis of the null space of g_K^H: the last N-1 columns of the
Householder reflector H = I − 2 u u^H with H g_K ∥ e_1, applied and never formed (as
:func:`fastsec.aauc.problem.householder` and :func:`fastsec.aauc.problem.p2_data`).
"""

from __future__ import annotations

import math

from .._jit import jit


@jit
def householder(g_K, u):
    """Write u of H = I − 2 u u^H (H g_K ∥ e_1) into ``u``; return ‖g_K‖."""
    norm2 = 0.0
    for j in range(g_K.shape[0]):
        u[j] = g_K[j]
        norm2 += g_K[j].real ** 2 + g_K[j].imag ** 2
    a0 = abs(u[0])
    phase = u[0] / a0 if a0 != 0.0 else 1.0 + 0.0j
    u[0] += phase * math.sqrt(norm2)
    un = 0.0
    for j in range(u.shape[0]):
        un += u[j].real ** 2 + u[j].imag ** 2
    un = math.sqrt(un)
    for j in range(u.shape[0]):
        u[j] /= un
    return math.sqrt(norm2)


@jit
def helper_rows(g, u, sigma, hs_mat, row2):
    """Rows g_k^H U / σ of the helpers k < K-1 of ``g`` (K, N) and their squared norms.

    Written into ``hs_mat`` (K-1, N-1) and ``row2``; returns Σ_k 1 / row2[k] (eq. (25)).
    """
    m, N = hs_mat.shape[0], g.shape[1]
    ns = 0.0
    for k in range(m):
        proj = 0.0j
        for j in range(N):
            proj += g[k, j].conjugate() * u[j]
        r2 = 0.0
        for j in range(1, N):
            x = (g[k, j].conjugate() - 2.0 * proj * u[j].conjugate()) / sigma
            hs_mat[k, j - 1] = x
            r2 += x.real ** 2 + x.imag ** 2
        row2[k] = r2
        ns += 1.0 / r2
    return ns


@jit
def null_coordinates(u, v, z):
    """Z = U^H v = (H v)[1:] into ``z`` (N-1,)."""
    proj = 0.0j
    for j in range(v.shape[0]):
        proj += u[j].conjugate() * v[j]
    for j in range(1, v.shape[0]):
        z[j - 1] = v[j] - 2.0 * u[j] * proj
