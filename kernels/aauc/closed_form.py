"""Closed-form AAUC for a batch of drops in one call (paper 000, Prop. 2-3, eq. (24)-(28), (43)).

Per drop ``b`` (leading axis of every array) :func:`closed_form_drops` builds the arrays of
problem P2 as :func:`fastsec.aauc.problem.p2_data` does (the Householder vector u of g_K, the
helpers' channels in the null space Hs = g_k^H U / σ, their squared norms, h_K / σ and the
eavesdropper weights λ J / σ_E²), the point (z, w) of the closed-form AAUC (Prop. 3's w then
eq. (24)'s z, as :func:`fastsec.aauc.closed_form.closed_form_point`) or of the large-N, K
asymptote (eq. (43), :func:`fastsec.aauc.closed_form.asymptotic_point`), v = U z and every
scalar output of :func:`fastsec.aauc.solve`: the P2 objective (eq. (18)), the common rate R
(eq. (7)), the power (eq. (11a)), the null-steering residual (eq. (11b)), the realised
secrecy rates of two equal phases (:func:`fastsec.aauc.secrecy.realised_secrecy_rate`) and
P2's KKT residual at the point (:func:`fastsec.kernels.aauc.kkt.p2_residual`).

The dominant generalised eigenvector of Prop. 3, A u = μ B u with A = Ξ + h h^H/σ² and
B = Ξ + λJ/σ_E², comes from a secular equation: with P = 2 P_max, Ξ = (I + n_s h h^H)/P
(h = h_K/σ, n_s of eq. (25)), both matrices are a diagonal plus a multiple of the same
h h^H: A = I/P + α h h^H, B = D + β h h^H with α = n_s/P + 1, β = n_s/P and
D = diag(1/P + λJ_k/σ_E²). Then (I/P − μ D) u = (μβ − α) h (h^H u), so
u ∝ (μ D − I/P)⁻¹ h, and μ is the root of (α − μβ) Σ_k |h_k|² / (μ d_k − 1/P) = 1 above
the largest pole μ_k = 1/(1 + P λJ_k/σ_E²) with h_k ≠ 0 (the left side falls from +∞ to 0
there, so the root is unique and the largest eigenvalue). O(K) per Newton step instead of
a Cholesky factorisation and a dense eigensolver. The NumPy functions named above are the
reference twins (same formulas, SciPy's generalised ``eigh``); the two agree to rounding
(tests/test_aauc_closed_form.py, tests/test_aauc_batch.py), and w to a unit phase.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from .._jit import jit
from .kkt import p2_residual
from .null_space import helper_rows, householder

#: ``mode`` values of :func:`closed_form_drops`.
CLOSED_FORM, ASYMPTOTIC = 0, 1
#: Columns of the ``stats`` output: P2 objective, common rate R [bit/s/Hz], power
#: (‖z‖² + ‖w‖²)/2 [W], null residual, secrecy rate [R − R_E]^+, R − R_E, eq. (6)'s rate,
#: P2's KKT residual at (z, w) (:func:`fastsec.kernels.aauc.kkt.p2_residual`).
OBJECTIVE, RATE, POWER, NULL, SECRECY, SIGNED, EQ6, KKT = range(8)
STATS = 8


@jit
def _secular_root(h2, poles, d, alpha, beta):
    """Root of (α − μβ) Σ_k h2_k / (d_k (μ − poles_k)) = 1 above the largest pole with h2 > 0.

    The left side falls strictly from +∞ (at that pole) to 0 (at μ = α/β), so the root is
    unique; safeguarded Newton (bisection when a step leaves the bracket).
    """
    m = h2.shape[0]
    lo = -np.inf
    for k in range(m):
        if h2[k] > 0.0:
            lo = max(lo, poles[k])
    hi = alpha / beta
    mu = 0.5 * (lo + hi)
    for _ in range(200):
        s = 0.0
        ds = 0.0
        for k in range(m):
            den = d[k] * (mu - poles[k])
            s += h2[k] / den
            ds -= h2[k] * d[k] / (den * den)
        gap = alpha - mu * beta
        g = gap * s - 1.0
        if g > 0.0:
            lo = mu
        else:
            hi = mu
        step = g / (gap * ds - beta * s)
        new = mu - step
        if not lo < new < hi:
            new = 0.5 * (lo + hi)
        if new == mu or hi - lo <= 2.0 * np.finfo(np.float64).eps * abs(mu):
            return new
        mu = new
    return mu


@jit
def _prop3_w(hs, ns, je, pmax2, w):
    """Prop. 3's w (eq. (27)-(28)), scaled so that w^H Ξ w = 1 (see the module docstring)."""
    m = hs.shape[0]
    inv_p = 1.0 / pmax2
    alpha = ns / pmax2 + 1.0  # A = I/P + α h h^H
    beta = ns / pmax2  # B = D + β h h^H
    h2 = np.empty(m)
    d = np.empty(m)
    poles = np.empty(m)
    top, k0, any_h = -np.inf, -1, False
    for k in range(m):
        h2[k] = hs[k].real ** 2 + hs[k].imag ** 2
        d[k] = inv_p + je[k]
        poles[k] = inv_p / d[k]
        if h2[k] > 0.0:
            any_h = True
        elif poles[k] > top:
            top, k0 = poles[k], k
    mu = _secular_root(h2, poles, d, alpha, beta) if any_h else -np.inf
    if k0 >= 0 and top >= mu:  # an eigenvector orthogonal to h_K dominates: e_k0
        for k in range(m):
            w[k] = 1.0 if k == k0 else 0.0
    else:
        for k in range(m):
            w[k] = hs[k] / (d[k] * (mu - poles[k]))
    proj = 0.0j
    w2 = 0.0
    for k in range(m):
        proj += hs[k].conjugate() * w[k]
        w2 += w[k].real ** 2 + w[k].imag ** 2
    scale = 1.0 / math.sqrt((ns * (proj.real ** 2 + proj.imag ** 2) + w2) / pmax2)
    for k in range(m):
        w[k] *= scale


@jit
def p2_drop(b, g, h_K, J, consts):
    """P2's arrays of drop ``b`` (as :func:`fastsec.aauc.problem.p2_data`).

    Returns
    -------
    u : complex128 (N,)
        Householder vector of g_K (U = (I − 2 u u^H)[:, 1:]).
    hs_mat : complex128 (K-1, N-1)
        Hs, row k g_k^H U / σ.
    row2 : float64 (K-1,)
        Squared row norms of Hs.
    ns : float
        Σ_k 1 / row2_k (eq. (25)).
    hs : complex128 (K-1,)
        h_K / σ.
    je : float64 (K-1,)
        λ J / σ_E².
    norm_gk : float
        ‖g_K‖.

    """
    sigma, _, lam_per_se2, _ = consts
    K, N = g.shape[1], g.shape[2]
    m = K - 1
    u = np.empty(N, dtype=np.complex128)
    norm_gk = householder(g[b, K - 1], u)
    hs_mat = np.empty((m, N - 1), dtype=np.complex128)
    row2 = np.empty(m)
    ns = helper_rows(g[b], u, sigma, hs_mat, row2)
    hs = np.empty(m, dtype=np.complex128)
    je = np.empty(m)
    for k in range(m):
        hs[k] = h_K[b, k] / sigma
        je[k] = lam_per_se2 * J[b, k]
    return u, hs_mat, row2, ns, hs, je, norm_gk


@jit
def prop2_z(hs_mat, row2, left, z):
    """Eq. (24)'s z rescaled onto ‖z‖² = ``left`` (as ``prop2_z``), written into ``z``."""
    dn = 0.0
    for j in range(hs_mat.shape[1]):
        acc = 0.0j
        for k in range(hs_mat.shape[0]):
            acc += hs_mat[k, j] / row2[k]
        z[j] = acc.conjugate()
        dn += acc.real ** 2 + acc.imag ** 2
    zscale = math.sqrt(max(left, 0.0)) / math.sqrt(dn)
    for j in range(z.shape[0]):
        z[j] *= zscale


@jit
def realise(b, g, g_E, u, norm_gk, sigma_e, vb, rate, relay_e, phases, out):
    """Apply v = U z in place (``vb`` = [0, z] on entry); fill drop ``b``'s realised outputs.

    Fills ``out``'s RATE, NULL, SIGNED, SECRECY and EQ6 columns from the common rate
    ``rate``, the helpers' term ``relay_e`` = h_E^H w / σ_E and g_E^H v over ``phases``
    equal phases (:func:`fastsec.aauc.secrecy.realised_secrecy_rate`); returns ‖v‖².
    """
    N = vb.shape[0]
    K = g.shape[1]
    proj = 0.0j
    for j in range(N):
        proj += u[j].conjugate() * vb[j]
    bs = 0.0j
    null = 0.0j
    vn = 0.0
    for j in range(N):
        vb[j] -= 2.0 * u[j] * proj
        bs += g_E[b, j].conjugate() * vb[j]
        null += g[b, K - 1, j].conjugate() * vb[j]
        vn += vb[j].real ** 2 + vb[j].imag ** 2
    bs /= sigma_e
    relay2 = relay_e.real ** 2 + relay_e.imag ** 2
    if phases == 2:
        eve = 0.5 * math.log2(1.0 + (bs.real ** 2 + bs.imag ** 2 + relay2))
        eq6 = max(rate - 0.5 * math.log2(1.0 + relay2), 0.0)
    else:
        both = bs + relay_e
        eve = math.log2(1.0 + (both.real ** 2 + both.imag ** 2))
        eq6 = max(rate - math.log2(1.0 + relay2), 0.0)
    out[RATE] = rate
    out[NULL] = abs(null) / (norm_gk * math.sqrt(vn)) if vn > 0.0 else 0.0
    out[SIGNED] = rate - eve
    out[SECRECY] = max(rate - eve, 0.0)
    out[EQ6] = eq6
    return vn


@jit
def helpers_w(mode, hs, ns, je, pmax2, wb):
    """Write the helpers' w of Prop. 3 or of eq. (43) into ``wb``; return the power left for z.

    ``mode`` is :data:`CLOSED_FORM` or :data:`ASYMPTOTIC`, ``pmax2`` = 2 P_max [W]; the
    other arguments are those returned by :func:`p2_drop`. Returns 2 P_max − ‖w‖² [W].
    """
    m = hs.shape[0]
    if mode == CLOSED_FORM:
        _prop3_w(hs, ns, je, pmax2, wb)
        w2 = 0.0
        for k in range(m):
            w2 += wb[k].real ** 2 + wb[k].imag ** 2
        return pmax2 - w2
    hs2 = 0.0
    for k in range(m):
        hs2 += hs[k].real ** 2 + hs[k].imag ** 2
    p = pmax2 / (1.0 + hs2 * ns)
    scale = math.sqrt(p) / math.sqrt(hs2)
    for k in range(m):
        wb[k] = scale * hs[k]
    return pmax2 - p


@jit
def _one_drop(b, mode, g, h_K, h_E, g_E, J, consts, v, w, stats):
    """Drop ``b`` of :func:`closed_form_drops`."""
    p2 = p2_drop(b, g, h_K, J, consts)
    _, hs_mat, row2, ns, hs, je, _ = p2
    wb = w[b]
    left = helpers_w(mode, hs, ns, je, 2.0 * consts[3], wb)
    # z of eq. (24) rescaled onto ||z||^2 = left (prop2_z), kept in v[b, 1:] for now
    vb = v[b]
    vb[0] = 0.0
    prop2_z(hs_mat, row2, left, vb[1:])
    p2_outputs(b, g, h_E, g_E, consts, p2, vb, wb, stats[b])


@jit
def p2_outputs(b, g, h_E, g_E, consts, p2, vb, wb, out):
    """Drop ``b``'s outputs at the P2 point (z, w): v = U z in place and every ``out`` column.

    ``vb`` holds [0, z] on entry and v = U z on return; ``wb`` is w [√W]; ``p2`` is what
    :func:`p2_drop` returned; the realised rates are over two phases (:func:`realise`).
    """
    _, sigma_e, _, pmax = consts
    u, hs_mat, _, _, hs, je, norm_gk = p2
    m = wb.shape[0]
    out[KKT] = p2_residual(hs_mat, hs, je, pmax, vb[1:], wb)
    users = np.inf
    for k in range(m):
        acc = 0.0j
        for j in range(hs_mat.shape[1]):
            acc += hs_mat[k, j] * vb[j + 1]
        users = min(users, acc.real ** 2 + acc.imag ** 2)
    z2 = 0.0
    for j in range(1, vb.shape[0]):
        z2 += vb[j].real ** 2 + vb[j].imag ** 2
    relay_k = 0.0j
    relay_e = 0.0j
    leak = 0.0
    w2 = 0.0
    for k in range(m):
        relay_k += hs[k].conjugate() * wb[k]
        relay_e += h_E[b, k].conjugate() * wb[k]
        a2 = wb[k].real ** 2 + wb[k].imag ** 2
        leak += je[k] * a2
        w2 += a2
    relay_e /= sigma_e
    rate = 0.5 * math.log2(1.0 + min(users, relay_k.real ** 2 + relay_k.imag ** 2))
    realise(b, g, g_E, u, norm_gk, sigma_e, vb, rate, relay_e, 2, out)
    out[OBJECTIVE] = rate - 0.5 * math.log2(1.0 + leak)
    out[POWER] = 0.5 * (z2 + w2)


@jit
def closed_form_drops(mode, g, h_K, h_E, g_E, J, consts, v, w, stats):
    """Closed-form AAUC (``mode`` :data:`CLOSED_FORM`) or eq. (43) (:data:`ASYMPTOTIC`) per drop.

    Parameters
    ----------
    mode : int
        :data:`CLOSED_FORM` or :data:`ASYMPTOTIC`.
    g : complex128 (B, K, N)
        BS-to-user channels, row K-1 the attacked user's g_K (non-zero).
    h_K, h_E : complex128 (B, K-1)
        Helpers-to-user-K and helpers-to-eavesdropper channels (eq. (9)).
    g_E : complex128 (B, N)
        BS-to-eavesdropper channel.
    J : float64 (B, K-1)
        Angular-matrix diagonal (eq. (12)), >= 0.
    consts : tuple of float
        ``(σ, σ_E, λ / σ_E², P_max)``: noise amplitudes [√W], the eavesdropper weight per
        unit J [1/W] and the power budget [W].
    v : complex128 (B, N)
        Output: v = U z [√W].
    w : complex128 (B, K-1)
        Output: the helpers' beamformer [√W].
    stats : float64 (B, STATS)
        Output: the columns named by :data:`OBJECTIVE` ... :data:`EQ6`.

    """
    for b in range(g.shape[0]):
        _one_drop(b, mode, g, h_K, h_E, g_E, J, consts, v, w, stats)


@jit(parallel=True)
def closed_form_drops_parallel(mode, g, h_K, h_E, g_E, J, consts, v, w, stats):
    """:func:`closed_form_drops` with the drops spread over Numba's threads."""
    for b in numba.prange(g.shape[0]):
        _one_drop(b, mode, g, h_K, h_E, g_E, J, consts, v, w, stats)
