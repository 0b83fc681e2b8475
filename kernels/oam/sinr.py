"""Per-mode SINRs of the double-RIS OAM link at Bob and Eve (paper 002, eq. (11), (14), (17)).

Stream k (k < n_s: signal mode with power p_k; k >= n_s: AN mode with power σ_z²) leaves
Alice on precoder t_k (column k of ``tx``). With ``w1 = H_AR1 tx`` and, per candidate,
``u_k = conj(θ1) ∘ w1_k`` (RIS1 output), ``v_k = H_R1R2 u_k`` (incident on RIS2, = H_R2 t_k of
eq. (11)) and Bob's combined RIS2 rows ``c_l = r_l^H H_R2B`` (``rx`` holds r_l^H):

* Bob, signal stream l:   h^B_{l,k} = Σ_q c_{l,q} a_q conj(θ2_q) v_{q,k};
  γ_B,l = p_l |h^B_{l,l}|² / (Σ_{k≠l, k<n_s} p_k |h^B_{l,k}|²
  + σ_R2² Σ_q |c_{l,q}|² a_q² + σ_B²)                                     (eq. (14));
  AN is removed by Bob and does not appear.
* Eve, antenna row e_l listening to stream l:
  h^E_{l,k} = (H_AE[e_l] t_k) + Σ_q H_R1E[e_l, q] u_{q,k};
  γ_E,l = p_l |h^E_{l,l}|² / (Σ_{k≠l, k<n_s} p_k |h^E_{l,k}|²
  + σ_z² Σ_{k>=n_s} |h^E_{l,k}|² + σ_E²)                                   (eq. (17)).
* RIS2 output power (eq. (11), (20d)):
  P = Σ_{k<n_s} p_k Σ_q a_q² |v_{q,k}|² + σ_z² Σ_{k>=n_s} Σ_q a_q² |v_{q,k}|² + σ_R2² Σ_q a_q².
"""

from __future__ import annotations

import numpy as np

from .._jit import jit


@jit
def oam_precompute(h_ar1, h_r1r2, h_r2b, h_ae, h_r1e, tx, rx, eve_rows):
    """Candidate-independent products of the SINR model.

    Parameters
    ----------
    h_ar1 : ndarray, shape (Q1, N), complex128
        Alice -> RIS1 channel.
    h_r1r2 : ndarray, shape (Q2, Q1), complex128
        RIS1 -> RIS2 channel.
    h_r2b : ndarray, shape (N, Q2), complex128
        RIS2 -> Bob channel.
    h_ae : ndarray, shape (N_E, N), complex128
        Alice -> Eve channel.
    h_r1e : ndarray, shape (N_E, Q1), complex128
        RIS1 -> Eve channel.
    tx : ndarray, shape (N, M), complex128
        Precoders of the n_s signal streams followed by the M - n_s AN streams.
    rx : ndarray, shape (n_s, N), complex128
        Bob's combining rows r_l^H of the signal streams.
    eve_rows : ndarray, shape (n_s,), int64
        Eve's antenna (row of H_AE, H_R1E) listening to each signal stream.

    Returns
    -------
    w1 : ndarray, shape (M, Q1), complex128
        ``(H_AR1 tx)^T``: RIS1 incident field per stream.
    c : ndarray, shape (n_s, Q2), complex128
        ``rx H_R2B``.
    e0 : ndarray, shape (n_s, M), complex128
        ``H_AE[eve_rows] tx`` (direct link to Eve).
    er : ndarray, shape (n_s, Q1), complex128
        ``H_R1E[eve_rows]``.
    hre, him : ndarray, shape (Q1, Q2), float64
        Real and imaginary parts of ``H_R1R2^T`` (split so that the dominant product
        ``H_R1R2 u`` runs as SIMD axpy loops).

    """
    q1 = h_ar1.shape[0]
    n_s, q2 = rx.shape[0], h_r2b.shape[1]
    m = tx.shape[1]
    w1 = np.zeros((m, q1), dtype=np.complex128)
    for k in range(m):
        for q in range(q1):
            w1[k, q] = _row_col_dot(h_ar1, q, tx, k)
    c = np.zeros((n_s, q2), dtype=np.complex128)
    e0 = np.zeros((n_s, m), dtype=np.complex128)
    er = np.zeros((n_s, q1), dtype=np.complex128)
    for li in range(n_s):
        for q in range(q2):
            c[li, q] = _row_col_dot(rx, li, h_r2b, q)
        row = eve_rows[li]
        for k in range(m):
            e0[li, k] = _row_col_dot(h_ae, row, tx, k)
        for q in range(q1):
            er[li, q] = h_r1e[row, q]
    hre = np.ascontiguousarray(h_r1r2.real.T)
    him = np.ascontiguousarray(h_r1r2.imag.T)
    return w1, c, e0, er, hre, him


@jit
def _row_col_dot(a, row, b, col):
    """``sum_i a[row, i] b[i, col]``, summed in index order (complex128)."""
    acc = 0j
    for i in range(a.shape[1]):
        acc += a[row, i] * b[i, col]
    return acc


@jit
def ris_fields(w1, hre, him, theta1, u, vr, vi):
    """Fill the RIS1 output ``u`` (M, Q1) and the field incident on RIS2 ``vr + j vi`` (M, Q2).

    ``u_k = conj(θ1) ∘ w1_k``, ``v_k = H_R1R2 u_k`` (``hre``, ``him`` from
    :func:`oam_precompute`); these depend on θ1 only.
    """
    m, q1 = w1.shape
    q2 = hre.shape[1]
    for k in range(m):
        for q in range(q1):
            u[k, q] = theta1[q].conjugate() * w1[k, q]
    # v_k = H_R1R2 u_k (incident on RIS2), as axpy loops over RIS2 elements.
    vr[:] = 0.0
    vi[:] = 0.0
    for k in range(m):
        for i in range(q1):
            ur, ui = u[k, i].real, u[k, i].imag
            for q in range(q2):
                vr[k, q] += hre[i, q] * ur - him[i, q] * ui
                vi[k, q] += hre[i, q] * ui + him[i, q] * ur


@jit
def oam_sinr_fields(c, e0, er, u, vr, vi, p, a, theta2, noise, sinr_b, sinr_e):
    """:func:`oam_sinr_one` given the θ1-dependent fields of :func:`ris_fields`."""
    sigma_z2, sigma_r2, sigma_b2, sigma_e2 = noise
    m = u.shape[0]
    q1 = u.shape[1]
    q2 = vr.shape[1]
    n_s = p.shape[0]
    power = 0.0
    for q in range(q2):
        power += sigma_r2 * a[q] * a[q]
    for k in range(m):
        weight = p[k] if k < n_s else sigma_z2
        for q in range(q2):
            power += weight * a[q] * a[q] * (vr[k, q] * vr[k, q] + vi[k, q] * vi[k, q])
    # Bob's RIS2 output weights: c_{l,q} a_q conj(θ2_q).
    cb = np.empty((n_s, q2), dtype=np.complex128)
    for li in range(n_s):
        for q in range(q2):
            cb[li, q] = c[li, q] * (a[q] * theta2[q].conjugate())
    for li in range(n_s):
        ris_noise = 0.0
        for q in range(q2):
            ris_noise += (c[li, q].real ** 2 + c[li, q].imag ** 2) * a[q] * a[q]
        signal = 0.0
        interference = 0.0
        for k in range(n_s):
            hr = 0.0
            hi = 0.0
            for q in range(q2):
                hr += cb[li, q].real * vr[k, q] - cb[li, q].imag * vi[k, q]
                hi += cb[li, q].real * vi[k, q] + cb[li, q].imag * vr[k, q]
            term = p[k] * (hr * hr + hi * hi)
            if k == li:
                signal = term
            else:
                interference += term
        sinr_b[li] = signal / (interference + sigma_r2 * ris_noise + sigma_b2)
        signal = 0.0
        interference = 0.0
        jamming = 0.0
        for k in range(m):
            acc = e0[li, k]
            for q in range(q1):
                acc += er[li, q] * u[k, q]
            mag2 = acc.real * acc.real + acc.imag * acc.imag
            if k == li:
                signal = p[k] * mag2
            elif k < n_s:
                interference += p[k] * mag2
            else:
                jamming += mag2
        sinr_e[li] = signal / (interference + sigma_z2 * jamming + sigma_e2)
    return power


@jit
def oam_sinr_one(pre, p, a, theta1, theta2, noise, sinr_b, sinr_e):
    """SINRs of one candidate (p, a, θ1, θ2); returns the RIS2 output power [W].

    ``pre = (w1, c, e0, er, hre, him)`` comes from :func:`oam_precompute`; ``p`` (n_s,) [W],
    ``a`` (Q2,), ``theta1`` (Q1,), ``theta2`` (Q2,); ``noise = (σ_z², σ_R2², σ_B², σ_E²)``
    [W]. Fills ``sinr_b`` and ``sinr_e`` (n_s,) with eq. (14) and eq. (17); see the module
    docstring for every term.
    """
    w1, c, e0, er, hre, him = pre
    m, q1 = w1.shape
    q2 = hre.shape[1]
    u = np.empty((m, q1), dtype=np.complex128)
    vr = np.empty((m, q2))
    vi = np.empty((m, q2))
    ris_fields(w1, hre, him, theta1, u, vr, vi)
    return oam_sinr_fields(c, e0, er, u, vr, vi, p, a, theta2, noise, sinr_b, sinr_e)


@jit
def oam_sinr_batch(chans, tx, rx, eve_rows, p, a, theta1, theta2, noise, sinr_b, sinr_e,
                   ris2_power):
    """Per-mode SINRs of B candidates (eq. (14), (17)) and their RIS2 power (eq. (11)).

    Serial over candidates: ``parallel=True`` measured no faster on a 2-core runner, and
    studies already run drops in parallel processes.

    Parameters
    ----------
    chans : tuple of ndarray, complex128
        Channels of one scene ``(H_AR1, H_R1R2, H_R2B, H_AE, H_R1E)``, shapes (Q1, N),
        (Q2, Q1), (N, Q2), (N_E, N), (N_E, Q1).
    tx, rx, eve_rows : ndarray
        Stream precoders (N, M), Bob's combining rows (n_s, N), Eve's rows (n_s,), as in
        :func:`oam_precompute`.
    p : ndarray, shape (B, n_s), float64
        Signal-mode powers [W].
    a : ndarray, shape (B, Q2), float64
        RIS2 amplification factors.
    theta1 : ndarray, shape (B, Q1), complex128
        RIS1 phase vectors (Θ1 = diag(θ1^H)).
    theta2 : ndarray, shape (B, Q2), complex128
        RIS2 phase vectors (Θ2 = diag(θ2^H)).
    noise : tuple of float
        ``(σ_z², σ_R2², σ_B², σ_E²)``: AN power per AN mode, RIS2 noise, Bob's and Eve's
        noise [W].
    sinr_b, sinr_e : ndarray, shape (B, n_s), float64
        Outputs: γ_B (eq. (14)) and γ_E (eq. (17)).
    ris2_power : ndarray, shape (B,), float64
        Output: RIS2 output power [W] (eq. (11)).

    """
    h_ar1, h_r1r2, h_r2b, h_ae, h_r1e = chans
    pre = oam_precompute(h_ar1, h_r1r2, h_r2b, h_ae, h_r1e, tx, rx, eve_rows)
    for b in range(p.shape[0]):
        ris2_power[b] = oam_sinr_one(pre, p[b], a[b], theta1[b], theta2[b], noise, sinr_b[b],
                                     sinr_e[b])
