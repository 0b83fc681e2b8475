"""Effective quantities of the SINRs at one RMCG-AO point (Paper 002, Sec. IV), as kernels.

Every AO sub-step fixes all variables but its own and needs the SINRs eq. (14), (17) written
as functions of that variable. These kernels turn the candidate-independent products of one
scene (``lk``, a tuple from :func:`fastsec.kernels.oam.sinr.oam_precompute` plus ``H_R1R2``)
and the current point ``(p, a, θ1, θ2)`` into the inputs of the p-step (P4), the a-step (P5)
and the θ objectives, filling preallocated outputs. They serve both the validated helpers of
:mod:`fastsec.oam.effective` and the jitted AO loop of :mod:`fastsec.kernels.oam.ao`.

Notation of :mod:`fastsec.kernels.oam.sinr`: ``lk = (w1, c, e0, er, h_r1r2, hre, him)`` with
``w1`` (M, Q1) the RIS1 incident field per stream (M = N_s + N_z), ``c`` (N_s, Q2) Bob's
combined RIS2 rows, ``e0`` (N_s, M) Eve's direct gains, ``er`` (N_s, Q1) Eve's RIS1 rows,
``h_r1r2`` (Q2, Q1) and its transposed real/imaginary parts ``hre``, ``him`` (Q1, Q2);
``noise = (σ_z², σ_R2², σ_B², σ_E²)`` [W]; ``v`` (M, Q2) the field incident on RIS2,
``v_k = H_R1R2 (conj(θ1) ∘ w1_k)``, part of the θ1-dependent ``fields`` (:func:`ris1_fields`),
which the AO loop recomputes only when θ1 changes.
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import jit
from .objectives import theta1_terms, theta2_terms
from .sinr import oam_sinr_fields, ris_fields


@jit
def empty_fields(lk):
    """Allocate the θ1-dependent fields ``(u, vr, vi, v)`` of one point (:func:`ris1_fields`)."""
    w1, h_r1r2 = lk[0], lk[4]
    m, q1 = w1.shape
    q2 = h_r1r2.shape[0]
    return (np.empty((m, q1), dtype=np.complex128), np.empty((m, q2)), np.empty((m, q2)),
            np.empty((m, q2), dtype=np.complex128))


@jit
def ris1_fields(lk, theta1, fields):
    """Fill ``fields = (u, vr, vi, v)`` for θ1 (:func:`~.sinr.ris_fields`).

    ``u`` (M, Q1) is RIS1's output per stream, ``v = vr + j vi`` (M, Q2) the field incident on
    RIS2, ``v_k = H_R1R2 (conj(θ1) ∘ w1_k)``. Every AO sub-step but the θ1-step keeps them.
    """
    u, vr, vi, v = fields
    ris_fields(lk[0], lk[5], lk[6], theta1, u, vr, vi)
    for k in range(v.shape[0]):
        for q in range(v.shape[1]):
            v[k, q] = complex(vr[k, q], vi[k, q])


@jit
def incident(lk, theta1, v):
    """Fill ``v`` (M, Q2) with the field incident on RIS2, ``v_k = H_R1R2 (conj(θ1) ∘ w1_k)``."""
    fields = empty_fields(lk)
    ris1_fields(lk, theta1, fields)
    v[:] = fields[3]


@jit
def ris_weight(v, p, noise, out):
    """Fill ``out`` (Q2,) with the RIS2 power per unit ``a_q²`` [W] (eq. (11)).

    ``out_q = Σ_l p_l |v_{l,q}|² + σ_z² Σ_z |v_{z,q}|² + σ_R2²`` (signal modes ``l < N_s``,
    AN modes ``z``).
    """
    n_s = p.shape[0]
    m, q2 = v.shape
    sigma_z2, sigma_r2 = noise[0], noise[1]
    for q in range(q2):
        sig = 0.0
        for k in range(n_s):
            sig += p[k] * (v[k, q].real ** 2 + v[k, q].imag ** 2)
        an = 0.0
        for k in range(n_s, m):
            an += v[k, q].real ** 2 + v[k, q].imag ** 2
        out[q] = sig + sigma_z2 * an + sigma_r2


@jit
def ris2_power(v, p, a, noise, weight):
    """RIS2 output power [W] (eq. (11), constraint (20d)); ``weight`` (Q2,) is scratch."""
    ris_weight(v, p, noise, weight)
    acc = 0.0
    for q in range(a.shape[0]):
        acc += weight[q] * a[q] * a[q]
    return acc


@jit
def power_terms(lk, v, a, theta1, theta2, noise, ris_budget, gain_bob, gain_eve, noise_bob,
                noise_eve, ris_gain):
    """Fill the inputs of the p-step (table of :mod:`fastsec.oam.steps`); return the headroom.

    Outputs: ``gain_bob``, ``gain_eve`` (N_s, N_s), ``noise_bob``, ``noise_eve``,
    ``ris_gain`` (N_s,). Returns ``ris_headroom`` [W], the RIS2 budget ``ris_budget`` [W] left
    for the signal modes.
    """
    w1, c, e0, er = lk[0], lk[1], lk[2], lk[3]
    sigma_z2, sigma_r2, sigma_b2, sigma_e2 = noise
    n_s, q2 = c.shape
    m, q1 = w1.shape
    a2 = np.empty(q2)
    for q in range(q2):
        a2[q] = a[q] * a[q]
    for li in range(n_s):
        ris_noise = 0.0
        for q in range(q2):
            ris_noise += (c[li, q].real ** 2 + c[li, q].imag ** 2) * a2[q]
        noise_bob[li] = sigma_r2 * ris_noise + sigma_b2
        for k in range(n_s):
            acc = 0j
            for q in range(q2):
                acc += c[li, q] * (a[q] * theta2[q].conjugate()) * v[k, q]
            gain_bob[li, k] = acc.real ** 2 + acc.imag ** 2
        jamming = 0.0
        for k in range(m):
            acc = e0[li, k]
            for i in range(q1):
                acc += er[li, i] * (w1[k, i] * theta1[i].conjugate())
            mag2 = acc.real ** 2 + acc.imag ** 2
            if k < n_s:
                gain_eve[li, k] = mag2
            else:
                jamming += mag2
        noise_eve[li] = sigma_z2 * jamming + sigma_e2
    headroom = ris_budget
    for k in range(m):
        mag = 0.0
        for q in range(q2):
            mag += (v[k, q].real ** 2 + v[k, q].imag ** 2) * a2[q]
        if k < n_s:
            ris_gain[k] = mag
        else:
            headroom -= sigma_z2 * mag
    for q in range(q2):
        headroom -= sigma_r2 * a2[q]
    return headroom


@jit
def amplification_terms(lk, v, theta2, chi, kappa2):
    """Fill ``chi`` (N_s, N_s, Q2) and ``kappa2`` (N_s, Q2) of the a-step (:mod:`~.steps`).

    ``chi[l, k, q] = c_{l,q} conj(θ2_q) v_{k,q}`` (eq. (36)), ``kappa2[l, q] = |c_{l,q}|²``.
    """
    c = lk[1]
    n_s, q2 = c.shape
    for li in range(n_s):
        for q in range(q2):
            cq = c[li, q] * theta2[q].conjugate()
            kappa2[li, q] = c[li, q].real ** 2 + c[li, q].imag ** 2
            for k in range(n_s):
                chi[li, k, q] = cq * v[k, q]


@jit
def secrecy(lk, fields, p, a, theta2, noise, index_bits, sinr_b, sinr_e):
    """R_s [bit/s/Hz] (eq. (19)) and RIS2 output power [W] (eq. (11)) of one point.

    ``fields`` are θ1's (:func:`ris1_fields`); ``sinr_b``, ``sinr_e`` (N_s,) are filled with
    eq. (14) and (17).
    """
    c, e0, er = lk[1], lk[2], lk[3]
    u, vr, vi, _ = fields
    power = oam_sinr_fields(c, e0, er, u, vr, vi, p, a, theta2, noise, sinr_b, sinr_e)
    r_b = 0.0
    r_e = 0.0
    for li in range(sinr_b.shape[0]):
        r_b += math.log2(1.0 + sinr_b[li])
        r_e += math.log2(1.0 + sinr_e[li])
    return r_b + index_bits - r_e, power


@jit
def theta1_data(lk, noise, p, a, theta2):
    """Build the data of the θ1 objective ``-(R_B - R_E)`` (:func:`~.theta1_terms`)."""
    w1, c, e0, er, h_r1r2, _, _ = lk
    sigma_z2, sigma_r2, sigma_b2, sigma_e2 = noise
    return theta1_terms(w1, c, e0, er, h_r1r2, p, a, theta2, sigma_z2, sigma_r2, sigma_b2,
                        sigma_e2)


@jit
def theta2_data(lk, noise, v, p, a):
    """Build the data of the θ2 objective ``-R_B`` (:func:`~.objectives.theta2_terms`)."""
    return theta2_terms(lk[1], v, p, a, noise[1], noise[2])
