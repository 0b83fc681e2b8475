"""θ1 and θ2 objectives of RMCG-AO with analytic Euclidean gradients (Paper 002, Sec. IV-C/D).

Both objectives are sums of signed rate terms whose gains are *affine* in the phase vector
θ (Q,). Term ``l`` of instance ``b``::

    num_l(θ) = Σ_r |α_{l,r} + w_{l,r}^H θ|²          (desired-stream power)
    den_l(θ) = Σ_r |β_{l,r} + v_{l,r}^H θ|² + c_l    (interference + noise)
    f(θ)     = Σ_l s_l log2(1 + num_l / den_l)

with signs ``s_l`` in {-1, +1}. The gradients were derived directly from the SINRs eq. (14)
and (17) (not copied from eq. (46)/(57); they agree with eq. (57) for θ2, where every
offset is 0): with ``z = α + w^H θ`` the real gradient of ``|z|²`` is ``2 w z``, hence::

    grad f = (2 / ln 2) Σ_l s_l [ (Σ_r w_r z_r + Σ_r v_r y_r) / (num_l + den_l)
                                  - Σ_r v_r y_r / den_l ]

(``y = β + v^H θ``), in the real convention of :mod:`fastsec.kernels.optim.rcg`
(``df/dRe θ + j df/dIm θ``). The value uses ``log1p(num/den)``, exact at tiny SINRs.
The generic :func:`fastsec.kernels.optim.rcg.log_ratio_terms` evaluates the terms; this
module builds their rows, offsets, constants and signs from the scene.

* **θ2 objective** ``-R_B`` (eq. (51)-(57)): Bob's gains are linear in ``conj(θ2)``,
  ``h^B_{l,k} = θ2^H (c_l ∘ a ∘ v_k)``; rows ``w_{l,1} = sqrt(p_l) c_l ∘ a ∘ v_l``,
  ``v_{l,k} = sqrt(p_k) c_l ∘ a ∘ v_k`` (k ≠ l), offsets 0,
  ``c_l = σ_R2² Σ_q |c_{l,q}|² a_q² + σ_B²``, ``s_l = -1``.
* **θ1 objective** ``-(R_B - R_E)`` (eq. (40)-(46)): Bob's gains are linear in ``conj(θ1)``,
  ``h^B_{l,k} = θ1^H (w1_k ∘ (cb_l^T H_R1R2))`` with ``cb_l = c_l ∘ a ∘ conj(θ2)``
  (``s_l = -1``); Eve's are affine, ``h^E_{l,k} = e0_{l,k} + θ1^H (er_l ∘ w1_k)``, so
  ``|h^E| = |conj(e0) + (er_l ∘ w1_k)^H θ1|`` (``s = +1``, AN rows weighted by σ_z,
  ``c = σ_E²``).

Unused rows are zero (they add nothing). The notation (``w1``, ``c``, ``e0``, ``er``, ``v``)
is that of :mod:`fastsec.kernels.oam.sinr`.
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import jit
from ..optim.rcg import log_ratio_terms, rcg_minimize


@jit
def secrecy_terms(theta, data, b, grad, need_grad):
    """Cost ``Σ_l s_l log2(1 + num_l / den_l)`` of instance ``b`` and its real gradient.

    Parameters
    ----------
    theta : ndarray, shape (Q,), complex128
        Phase vector (unit modulus).
    data : tuple (W, alpha, V, beta, c, sign)
        ``W``: (n, L, R_A, Q) complex128 numerator rows; ``alpha``: (n, L, R_A) complex128
        their offsets; ``V``: (n, L, R_B, Q) complex128 denominator rows; ``beta``:
        (n, L, R_B) complex128 their offsets; ``c``: (n, L) float64 > 0 constant
        denominators [W]; ``sign``: (n, L) float64 term signs.
    b : int
        Instance index.
    grad : ndarray, shape (Q,), complex128
        Output: real Euclidean gradient (module docstring); written when ``need_grad``.
    need_grad : bool
        Whether to compute the gradient.

    Returns
    -------
    float
        The cost [bit/s/Hz].

    """
    W, alpha, V, beta, c, sign = data
    return log_ratio_terms(theta, W, alpha, V, beta, c, sign, None, b, grad, need_grad)


@jit
def _secrecy_terms_used(theta, data, b, grad, need_grad):
    """:func:`secrecy_terms` on ``data + (used,)``: only the first ``used[b, l]`` rows of V."""
    W, alpha, V, beta, c, sign, used = data
    return log_ratio_terms(theta, W, alpha, V, beta, c, sign, used, b, grad, need_grad)


@jit
def _used_rows(V, beta):
    """Rows of ``V`` up to the last one with a nonzero entry or offset, shape (n, L), int64.

    Trailing all-zero rows (and offsets) add exactly 0 to a term and to its gradient, so
    skipping them changes no result; the θ1 objective pads Bob's terms with ``M - N_s`` such
    rows.
    """
    n, nl, nr, nq = V.shape
    used = np.zeros((n, nl), dtype=np.int64)
    for b in range(n):
        for m in range(nl):
            for r in range(nr - 1, -1, -1):
                nonzero = beta[b, m, r] != 0
                for q in range(nq):
                    nonzero = nonzero or V[b, m, r, q] != 0
                if nonzero:
                    used[b, m] = r + 1
                    break
    return used


@jit
def rcg_secrecy(W, alpha, V, beta, c, sign, theta0, gtol, min_step, max_iter, trace):
    """:func:`fastsec.kernels.optim.rcg.rcg_minimize` on :func:`secrecy_terms` (cached entry point).

    Arguments after ``sign`` and the returned tuple are those of ``rcg_minimize``.
    """
    used = _used_rows(V, beta)
    return rcg_minimize(_secrecy_terms_used, (W, alpha, V, beta, c, sign, used), theta0, gtol,
                        min_step, max_iter, trace)


@jit
def theta2_terms(c, v, p, a, sigma_r2, sigma_b2):
    """Build the data of the θ2 objective ``-R_B`` for one instance (module docstring).

    Parameters
    ----------
    c : ndarray, shape (n_s, Q2), complex128
        Bob's combined RIS2 rows ``r_l^H H_R2B``.
    v : ndarray, shape (M, Q2), complex128
        Field incident on RIS2 per stream, ``H_R1R2 (conj(θ1) ∘ w1_k)``.
    p : ndarray, shape (n_s,), float64
        Signal-mode powers [W].
    a : ndarray, shape (Q2,), float64
        RIS2 amplification.
    sigma_r2, sigma_b2 : float
        RIS2 and Bob noise powers [W].

    Returns
    -------
    W, alpha, V, beta, c, sign
        Arrays for :func:`secrecy_terms` with a leading batch axis of length 1,
        ``L = n_s``, ``R_A = 1``, ``R_B = n_s - 1``.

    """
    n_s, q2 = c.shape
    rb = max(n_s - 1, 0)
    W = np.zeros((1, n_s, 1, q2), dtype=np.complex128)
    V = np.zeros((1, n_s, rb, q2), dtype=np.complex128)
    cc = np.empty((1, n_s))
    for li in range(n_s):
        r = 0
        noise = 0.0
        for q in range(q2):
            noise += (c[li, q].real ** 2 + c[li, q].imag ** 2) * a[q] * a[q]
        cc[0, li] = sigma_r2 * noise + sigma_b2
        for k in range(n_s):
            amp = math.sqrt(p[k])
            row = W[0, li, 0] if k == li else V[0, li, r]
            for q in range(q2):
                row[q] = amp * a[q] * c[li, q] * v[k, q]
            if k != li:
                r += 1
    return (W, np.zeros((1, n_s, 1), dtype=np.complex128), V,
            np.zeros((1, n_s, rb), dtype=np.complex128), cc, np.full((1, n_s), -1.0))


@jit
def theta1_terms(w1, c, e0, er, h_r1r2, p, a, theta2, sigma_z2, sigma_r2, sigma_b2, sigma_e2):
    """Build the data of the θ1 objective ``-(R_B - R_E)`` for one instance (module docstring).

    Parameters
    ----------
    w1 : ndarray, shape (M, Q1), complex128
        RIS1 incident field per stream ``(H_AR1 T)^T``.
    c : ndarray, shape (n_s, Q2), complex128
        Bob's combined RIS2 rows.
    e0 : ndarray, shape (n_s, M), complex128
        Direct Alice -> Eve gains ``H_AE[e_l] t_k``.
    er : ndarray, shape (n_s, Q1), complex128
        Eve's RIS1 rows ``H_R1E[e_l]``.
    h_r1r2 : ndarray, shape (Q2, Q1), complex128
        RIS1 -> RIS2 channel.
    p : ndarray, shape (n_s,), float64
        Signal-mode powers [W].
    a : ndarray, shape (Q2,), float64
        RIS2 amplification.
    theta2 : ndarray, shape (Q2,), complex128
        RIS2 phases.
    sigma_z2, sigma_r2, sigma_b2, sigma_e2 : float
        AN power per AN mode, RIS2, Bob and Eve noise powers [W].

    Returns
    -------
    W, alpha, V, beta, c, sign
        Arrays for :func:`secrecy_terms` with a leading batch axis of length 1,
        ``L = 2 n_s`` (Bob's terms, then Eve's), ``R_A = 1``, ``R_B = M - 1``.

    """
    m, q1 = w1.shape
    n_s, q2 = c.shape
    rb = m - 1
    W = np.zeros((1, 2 * n_s, 1, q1), dtype=np.complex128)
    alpha = np.zeros((1, 2 * n_s, 1), dtype=np.complex128)
    V = np.zeros((1, 2 * n_s, rb, q1), dtype=np.complex128)
    beta = np.zeros((1, 2 * n_s, rb), dtype=np.complex128)
    cc = np.empty((1, 2 * n_s))
    sign = np.empty((1, 2 * n_s))
    back = np.zeros(q1, dtype=np.complex128)
    for li in range(n_s):
        # Bob: back-propagated weights cb_l^T H_R1R2 with cb_l = c_l ∘ a ∘ conj(θ2)
        back[:] = 0.0
        noise = 0.0
        for q in range(q2):
            cb = c[li, q] * a[q] * theta2[q].conjugate()
            noise += (c[li, q].real ** 2 + c[li, q].imag ** 2) * a[q] * a[q]
            for i in range(q1):
                back[i] += cb * h_r1r2[q, i]
        cc[0, li] = sigma_r2 * noise + sigma_b2
        sign[0, li] = -1.0
        r = 0
        for k in range(n_s):
            amp = math.sqrt(p[k])
            row = W[0, li, 0] if k == li else V[0, li, r]
            for i in range(q1):
                row[i] = amp * w1[k, i] * back[i]
            if k != li:
                r += 1
        # Eve: affine gains conj(e0) + (er_l ∘ w1_k)^H θ1
        le = n_s + li
        cc[0, le] = sigma_e2
        sign[0, le] = 1.0
        r = 0
        for k in range(m):
            amp = math.sqrt(p[k]) if k < n_s else math.sqrt(sigma_z2)
            if k == li:
                row = W[0, le, 0]
                alpha[0, le, 0] = amp * e0[li, k].conjugate()
            else:
                row = V[0, le, r]
                beta[0, le, r] = amp * e0[li, k].conjugate()
                r += 1
            for i in range(q1):
                row[i] = amp * er[li, i] * w1[k, i]
    return W, alpha, V, beta, cc, sign
