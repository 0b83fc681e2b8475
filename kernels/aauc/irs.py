"""Compiled IRS-based AAUC of paper 000 (Sec. VI, eq. (44)-(45)): Q2's SCO surrogate and loop.

The surrogate is the convex program of :mod:`fastsec.aauc.irs` (same scaling, same rows) in
the real variables

    y = [Re β, Im β] / √P_max,   x = [Re ĉ, Im ĉ],   ĉ_k = c_k / cmax_k,

and t > 0, where β are the coordinates of z in the helpers' row space (z = Q β), c the
reflected amplitudes in units of σ and cmax_k = √P_max ‖U^H g_k‖/σ >= |c_k| (so ‖x_k‖ <= 1),
x_k = (x[k], x[m + k]). With m = K-1 helpers it is

    maximise    log t − Σ_k d_k |x_k|²
    subject to  r_i t <= a_i^T y + c_i   (i < m: the users' linearised SNRs, eq. (21)-(22)),
                r_m t <= h^T x + c_m     (user K's linearised SNR through the IRS),
                ‖y‖² <= 1                (‖v‖² <= P_max),
                |x_k|² <= b_k^T y + e_k  (|c_k|² <= |g_k^H v|²/σ², right side linearised),

with d_k = λ σ² J_k cmax_k² / σ_E² / (1 + λ σ² c*^H J c*/σ_E²) (the eavesdropper term
linearised at c*). :func:`solve_surrogate` minimises its dual over the 2m + 2 multipliers
(μ_0..μ_m >= 0 on the rows, ν >= 0 on the ball, κ_k >= 0 on the discs), as
:mod:`fastsec.kernels.optim.ball_log` does for SCO's surrogate: the Lagrangian's maximiser is

    t = 1/ρ (ρ = r^T μ),   y = q / (2ν) (q = Σ_{i<m} μ_i a_i + Σ_k κ_k b_k),
    x_k = μ_m h_k / (2 (d_k + κ_k)),

and the dual function

    g = −log ρ − 1 + c^T μ + ν + e^T κ + ν ‖y‖² + Σ_k (d_k + κ_k) |x_k|²,

whose gradient is the primal slacks (a_i^T y + c_i − r_i t, h^T x + c_m − r_m t, 1 − ‖y‖²,
b_k^T y + e_k − |x_k|²), so the stop of
:func:`~fastsec.kernels.optim.interior_point.primal_dual` certifies the point to ``gap_rel``.
The point returned is that maximiser made feasible (:func:`lower_bound`), whose value also
ends a solve once it is within ``gap_rel`` of g (where the dual residual stalls).
:func:`irs_drop` runs the whole SCA loop of one drop with
:func:`fastsec.kernels.optim.ascent.sca_loop`, judging each candidate by the true Q2 objective.
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import jit
from ..optim import ascent, interior_point
from ..optim.interior_point import DUAL_RESIDUAL, JAC_TIMES, LOWER_BOUND, SLACKS, cholesky_solve
from .sco import SCOResult, amplitudes, complex_from_pairs, relay_and_leak


@jit
def q2_value(hq, h, je_s, beta, c):
    """Q2 objective [bit/s/Hz] (eq. (45)) and the users' common rate R at (z = Q β, c).

    Parameters
    ----------
    hq : ndarray, shape (m, r), complex128
        Users' channels in the row-space basis, H_s Q [1/√W].
    h : ndarray, shape (m,), complex128
        h_K (c in units of σ: |h_K^H c|² is user K's SNR).
    je_s : ndarray, shape (m,), float64
        σ² λ J / σ_E² (so λ σ² c^H J c / σ_E² = Σ je_s |c|²).
    beta : ndarray, shape (r,), complex128
        Row-space coordinates of z [√W].
    c : ndarray, shape (m,), complex128
        Reflected amplitudes in units of σ.

    """
    snr = amplitudes(hq, beta, 0.0, np.empty(hq.shape[0], dtype=np.complex128))
    relay, leak = relay_and_leak(h, je_s, c)
    rate = math.log2(1.0 + min(snr, relay.real ** 2 + relay.imag ** 2))
    return rate - math.log2(1.0 + leak), rate


@jit
def surrogate(hq, h, je_s, pmax, cmax, beta, c):
    """Arrays of the IRS surrogate expanded at (β, c) (module docstring).

    ``pmax`` is P_max [W] and ``cmax`` (m,) the bounds of |c_k|; the other arguments are those
    of :func:`q2_value`.

    Returns
    -------
    A : ndarray, shape (m, 2r)
    hx : ndarray, shape (2m,)
    r, cc : ndarray, shape (m + 1,)
    B : ndarray, shape (m, 2r)
    e, d : ndarray, shape (m,)
        The problem of :func:`solve_surrogate`.

    """
    m, rdim = hq.shape
    n = 2 * rdim
    scale = math.sqrt(pmax)
    A = np.zeros((m, n))
    B = np.zeros((m, n))
    hx = np.empty(2 * m)
    r = np.empty(m + 1)
    cc = np.empty(m + 1)
    e = np.empty(m)
    d = np.empty(m)
    amps = np.empty(m, dtype=np.complex128)
    a_min = amplitudes(hq, beta, 1.0, amps)
    amp_k, leak = relay_and_leak(h, je_s, c)
    a_k = 1.0 + amp_k.real ** 2 + amp_k.imag ** 2
    a_min = min(a_min, a_k)
    for j in range(m):
        # users: ratio_j t <= 2 Re(conj(amp_j) h_j^T β)/a_j + (2 - a_j)/a_j, and the disc
        # |ĉ_j|² <= (2 Re(conj(amp_j) h_j^T β) - |amp_j|²)/cmax_j²
        a_j = 1.0 + amps[j].real ** 2 + amps[j].imag ** 2
        inv = 1.0 / (cmax[j] * cmax[j])
        for k in range(rdim):
            coef = np.conj(amps[j]) * hq[j, k] * (2.0 * scale)
            A[j, k] = coef.real / a_j
            A[j, rdim + k] = -coef.imag / a_j
            B[j, k] = coef.real * inv
            B[j, rdim + k] = -coef.imag * inv
        r[j] = a_min / a_j
        cc[j] = (2.0 - a_j) / a_j
        e[j] = -(amps[j].real ** 2 + amps[j].imag ** 2) * inv
    for k in range(m):  # user K through the IRS, in ĉ; the eavesdropper term at c*
        coef = np.conj(amp_k) * np.conj(h[k]) * (2.0 * cmax[k] / a_k)
        hx[k] = coef.real
        hx[m + k] = -coef.imag
        d[k] = je_s[k] * cmax[k] * cmax[k] / (1.0 + leak)
    r[m] = a_min / a_k
    cc[m] = (2.0 - a_k) / a_k
    return A, hx, r, cc, B, e, d


@jit
def _recover(x, A, hx, B, d, y, xc):
    """Fill ``y`` and ``xc`` with the Lagrangian maximiser at the multipliers ``x``; ‖y‖²."""
    m, n = A.shape
    nu = x[m + 1]
    norm2 = 0.0
    for k in range(n):
        acc = 0.0
        for i in range(m):
            acc += A[i, k] * x[i] + B[i, k] * x[m + 2 + i]
        y[k] = acc / (2.0 * nu)
        norm2 += y[k] * y[k]
    for k in range(m):
        s_k = d[k] + x[m + 2 + k]
        xc[k] = x[m] * hx[k] / (2.0 * s_k)
        xc[m + k] = x[m] * hx[m + k] / (2.0 * s_k)
    return norm2


@jit
def lower_bound(x, A, hx, r, cc, B, e, d, y, xc):
    """Fill ``y``, ``xc`` with a feasible point built from the multipliers ``x``; its value.

    The point is the Lagrangian maximiser with ``y`` scaled into the ball and each ``x_k``
    then clipped onto its disc, and ``t`` the largest the rows allow there. Its value
    ``log t - Σ_k d_k |x_k|²`` is a lower bound of the optimum (weak duality); ``-inf`` where
    no ``t > 0`` fits or a disc is empty.
    """
    m, n = A.shape
    norm2 = _recover(x, A, hx, B, d, y, xc)
    if norm2 > 1.0:
        scale = 1.0 / math.sqrt(norm2)
        for k in range(n):
            y[k] *= scale
    t = np.inf
    value = 0.0
    for i in range(m):
        row = cc[i]
        disc = e[i]
        for k in range(n):
            row += A[i, k] * y[k]
            disc += B[i, k] * y[k]
        t = min(t, row / r[i])  # r > 0 (surrogate)
        size2 = xc[i] ** 2 + xc[m + i] ** 2
        if size2 > disc:  # an empty disc (disc < 0) leaves no feasible point: t = -inf
            shrink = math.sqrt(disc / size2) if disc >= 0.0 else 0.0
            t = t if disc >= 0.0 else -np.inf
            xc[i] *= shrink
            xc[m + i] *= shrink
            size2 *= shrink * shrink
        value -= d[i] * size2
    relay = cc[m]
    for k in range(2 * m):
        relay += hx[k] * xc[k]
    t = min(t, relay / r[m])
    if not t > 0.0:
        return -np.inf
    return value + math.log(t)


@jit(inline="always")
def _oracle(mode, x, data, b, lam, s, t, vin, vout):
    """Evaluate the dual of the module docstring for :func:`primal_dual` (``b`` unused).

    ``x`` = (μ_0..μ_m, ν, κ_0..κ_{m-1}); ``data`` is ``(A, hx, r, cc, B, e, d, gram, y, xc)``
    with ``gram`` the Gram matrix of the rows [a_0..a_{m-1}, b_0..b_{m-1}] and ``y``, ``xc``
    work arrays.
    """
    A, hx, r, cc, B, e, d, gram, y, xc = data
    m, n = A.shape
    nz = 2 * m + 2
    if mode == LOWER_BOUND:  # weak duality: a feasible point's value
        return lower_bound(x, A, hx, r, cc, B, e, d, y, xc)
    if mode == JAC_TIMES:  # the constraints are x >= 0: grad h_i = -e_i
        for i in range(nz):
            vout[i] = -vin[i]
        return 0.0
    rho = 0.0
    for i in range(m + 1):
        rho += r[i] * x[i]
    if mode == SLACKS:
        for i in range(nz):
            s[i] = x[i]
            if not x[i] > 0.0:
                return np.inf
        if not rho > 0.0:
            return np.inf
    nu = x[m + 1]
    norm2 = _recover(x, A, hx, B, d, y, xc)
    if mode == SLACKS:
        value = -math.log(rho) - 1.0 + nu + nu * norm2
        for i in range(m + 1):
            value += cc[i] * x[i]
        for k in range(m):
            s_k = d[k] + x[m + 2 + k]
            value += e[k] * x[m + 2 + k] + s_k * (xc[k] ** 2 + xc[m + k] ** 2)
        return value
    for i in range(m):  # gradient: the primal slacks
        acc = cc[i] - r[i] / rho
        dis = e[i] - xc[i] ** 2 - xc[m + i] ** 2
        for k in range(n):
            acc += A[i, k] * y[k]
            dis += B[i, k] * y[k]
        vout[i] = acc
        vout[m + 2 + i] = dis
    acc = cc[m] - r[m] / rho
    for k in range(2 * m):
        acc += hx[k] * xc[k]
    vout[m] = acc
    vout[m + 1] = 1.0 - norm2
    if mode == DUAL_RESIDUAL:
        for i in range(nz):
            vout[i] -= lam[i]
        return 0.0
    # NEWTON: (hess g + diag(lam / s)) dx = -(grad g - 1 / (t s)), lower triangle
    hess = np.zeros((nz, nz))
    rhs = np.empty(nz)
    for i in range(nz):
        rhs[i] = -(vout[i] - 1.0 / (t * s[i]))
        hess[i, i] = lam[i] / s[i]
    half = 0.5 / nu
    for i in range(m + 1):
        for j in range(i + 1):
            hess[i, j] += r[i] * r[j] / (rho * rho)
    for i in range(m):
        for j in range(i + 1):
            hess[i, j] += half * gram[i, j]
        for k in range(m):  # κ rows, μ columns
            hess[m + 2 + k, i] += half * gram[m + k, i]
    for k in range(m):
        s_k = d[k] + x[m + 2 + k]
        hess[m, m] += (hx[k] ** 2 + hx[m + k] ** 2) / (2.0 * s_k)
        hess[m + 2 + k, m] -= (hx[k] * xc[k] + hx[m + k] * xc[m + k]) / s_k
        for j in range(k + 1):
            hess[m + 2 + k, m + 2 + j] += half * gram[m + k, m + j]
        hess[m + 2 + k, m + 2 + k] += 2.0 * (xc[k] ** 2 + xc[m + k] ** 2) / s_k
    for i in range(m):  # the ν row
        ay = 0.0
        by = 0.0
        for k in range(n):
            ay += A[i, k] * y[k]
            by += B[i, k] * y[k]
        hess[m + 1, i] -= ay / nu
        hess[m + 2 + i, m + 1] -= by / nu
    hess[m + 1, m + 1] += 2.0 * norm2 / nu
    cholesky_solve(hess, rhs)
    vout[:] = rhs
    return 0.0


@jit
def _cold_start(A, hx, r, B, d, x, y, xc):
    """Fill ``x`` with the default start of :func:`solve_surrogate`."""
    m = A.shape[0]
    rho = 0.0
    for i in range(m + 1):
        rho += r[i]
    for i in range(m + 1):  # equal row multipliers at t = 1 (weighting the rows by 1/r_i
        x[i] = 1.0 / rho    # instead starts far from the central path when r spreads)
    for k in range(m):  # |x_k| <= 1/2 at the start
        x[m + 2 + k] = max(x[m] * math.sqrt(hx[k] ** 2 + hx[m + k] ** 2), 1e-12)
    x[m + 1] = 1.0
    x[m + 1] = max(2.0 * math.sqrt(_recover(x, A, hx, B, d, y, xc)), 1e-12)  # ‖y‖ = 1/2


@jit
def solve_surrogate(A, hx, r, cc, B, e, d, gap_rel, dual):
    """Maximise the IRS surrogate of the module docstring (arrays of :func:`surrogate`).

    ``dual`` (2m + 2,): in, the multipliers of the last SCA step's surrogate to start from
    (or the default start, as :func:`fastsec.kernels.optim.ball_log.solve`); out, those found
    (``-1`` if the method did not converge).

    Returns
    -------
    y : ndarray, shape (2r,)
        Scaled into the ball (‖y‖ <= 1 exactly).
    x : ndarray, shape (2m,)
        The amplitudes ĉ as [Re, Im], clipped onto their discs (:func:`lower_bound`).
    iterations : int
        Primal-dual iterations.
    converged : bool
        Whether the tolerances were met.

    """
    m, n = A.shape
    rows = np.empty((2 * m, n))
    rows[:m] = A
    rows[m:] = B
    gram = rows @ rows.T
    y = np.empty(n)
    xc = np.empty(2 * m)
    data = (A, hx, r, cc, B, e, d, gram, y, xc)
    x = np.empty(2 * m + 2)
    cold = np.empty(2 * m + 2)
    _cold_start(A, hx, r, B, d, cold, y, xc)
    its, ok = interior_point.primal_dual_from(_oracle, data, 0, x, cold, 2 * m + 2, gap_rel,
                                              dual)
    lower_bound(x, A, hx, r, cc, B, e, d, y, xc)
    return y, xc, its, ok


@jit
def _sca_oracle(mode, problem, beta, c, beta_new, c_new, gap_rel):
    """Q2's objective, or a surrogate step into (β_new [√W], c_new) (``ascent.sca_loop``).

    ``problem`` is ``(hq, h, je_s, pmax, cmax, dual, tol, slack)``; ``dual`` carries the
    surrogate multipliers from one step to the next (the warm start of
    :func:`solve_surrogate`), ``tol`` and ``slack`` are the loop's. The step has SCO's
    zero-relay floor (:func:`fastsec.kernels.aauc.sco._sca_oracle`): a candidate that would end
    the run on its tolerance at a negative Q2 objective becomes the same z with c = 0
    (objective exactly 0, a KKT point of Q2).
    """
    hq, h, je_s, pmax, cmax, dual, tol, slack = problem
    if mode == ascent.VALUE:
        return q2_value(hq, h, je_s, beta, c)[0], 0, True
    if mode == ascent.CERTIFY:  # the tolerance alone stops the run
        return 0.0, 0, True
    A, hx, rr, cc, B, e, d = surrogate(hq, h, je_s, pmax, cmax, beta, c)
    y, xc, its, ok = solve_surrogate(A, hx, rr, cc, B, e, d, gap_rel, dual)
    complex_from_pairs(y, 0, math.sqrt(pmax), beta_new)
    r = beta.shape[0]
    m = c.shape[0]
    for k in range(m):
        # the disc |c_k| <= |h_k^T β| holds to the solver's tolerance only: clip onto it
        c_new[k] = cmax[k] * (xc[k] + 1j * xc[m + k])
        acc = 0j
        for j in range(r):
            acc += hq[k, j] * beta_new[j]
        size = abs(c_new[k])
        if size > abs(acc):
            c_new[k] *= abs(acc) / size
    value = q2_value(hq, h, je_s, beta_new, c_new)[0]
    if value < 0.0 and ascent.converges_below_zero(q2_value(hq, h, je_s, beta, c)[0], value,
                                                   tol, slack):
        c_new[:] = 0.0
        value = q2_value(hq, h, je_s, beta_new, c_new)[0]
    return value, its, ok


@jit
def irs_drop(hq, h, je_s, pmax, cmax, beta0, c0, options):
    """IRS-based AAUC on one drop (paper 000, Sec. VI): SCA on the surrogate of Q2.

    Parameters
    ----------
    hq, h, je_s :
        As in :func:`q2_value`.
    pmax : float
        Power budget ‖z‖² <= P_max [W].
    cmax : ndarray, shape (m,), float64
        √P_max ‖U^H g_k‖/σ, the bounds of |c_k|.
    beta0 : ndarray, shape (r,), complex128
        Start, row-space coordinates of z [√W] (‖β0‖² <= P_max).
    c0 : ndarray, shape (m,), complex128
        Start, reflected amplitudes in units of σ (|c0_k| <= |h_k^T β0|).
    options : fastsec.kernels.optim.ascent.SCAOptions
        Of :func:`fastsec.kernels.aauc.sco.sco_drop`.

    Returns
    -------
    SCOResult
        With ``w`` the final c (units of σ) and ``history`` the Q2 objective.

    """
    dual = np.full(2 * c0.shape[0] + 2, -1.0)  # the surrogate's multipliers; first: cold
    problem = (hq, h, je_s, pmax, cmax, dual, options.tol, options.slack)
    return SCOResult(*ascent.sca_loop(_sca_oracle, problem, beta0, c0, options))
