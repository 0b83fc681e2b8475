"""The average secrecy rate of paper 000, eq. (10), per training point, as kernels.

ρ by quadrature (nodes and weights from the caller), (φ, δ) by the given samples; the
validating wrapper is :func:`fastsec.aauc.secrecy.average_secrecy_rate`.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from .._jit import jit


@jit
def _secrecy_point(t, amp, weights, conj_mix, w, R, sigma, mean, mean_sq):
    """Training point ``t`` of :func:`secrecy_average_batch`."""
    n_rho, n_users = amp.shape
    M = conj_mix.shape[1]
    c = np.empty(n_users, dtype=np.complex128)
    # [.]^+ vanishes once the leak reaches σ (2^{2R} - 1): skip the logarithm there
    leak_max = sigma[t] * (2.0 ** (2.0 * R[t]) - 1.0)
    s1 = 0.0
    s2 = 0.0
    for m in range(M):
        for k in range(n_users):
            c[k] = conj_mix[k, m] * w[t, k]
        y = 0.0
        for j in range(n_rho):
            x = 0j
            for k in range(n_users):
                x += amp[j, k] * c[k]
            leak = x.real * x.real + x.imag * x.imag
            if leak < leak_max:
                y += weights[j] * (R[t] - 0.5 * math.log2(1.0 + leak / sigma[t]))
        s1 += y
        s2 += y * y
    mean[t] = s1 / M
    mean_sq[t] = s2 / M


@jit
def secrecy_average_batch(amp, weights, conj_mix, w, R, sigma, mean, mean_sq):
    """Eq. (10) of paper 000 per training point: ρ by quadrature, (φ, δ) by given samples.

    For training point t and sample m, Y_tm = Σ_j weights_j [R_t - ½ log2(1 + |x_jm|²/σ_t)]^+
    with x_jm = Σ_k amp_jk conj(mix_km) w_tk = h_E(ρ_j)^H w_t. Outputs the sample means of
    Y_t· and of Y_t·² (for the standard error).

    Parameters
    ----------
    amp : float64 (n_rho, K-1)
        √(ϱ0 d_{E,k}(ρ_j)^-α), the path amplitudes at the quadrature nodes.
    weights : float64 (n_rho,)
        Quadrature weights of the nodes, divided by D_K.
    conj_mix : complex128 (K-1, M)
        conj(√(K_R/(1+K_R)) e^{jφ} + √(1/(1+K_R)) δ) per user and sample.
    w : complex128 (T, K-1)
        Beamformers.
    R, sigma : float64 (T,)
        Rates [bit/s/Hz] and eavesdropper noise powers [W].
    mean, mean_sq : float64 (T,)
        Outputs.

    """
    for t in range(w.shape[0]):
        _secrecy_point(t, amp, weights, conj_mix, w, R, sigma, mean, mean_sq)


@jit(parallel=True)
def secrecy_average_batch_parallel(amp, weights, conj_mix, w, R, sigma, mean, mean_sq):
    """:func:`secrecy_average_batch` with the training points spread over threads."""
    for t in numba.prange(w.shape[0]):
        _secrecy_point(t, amp, weights, conj_mix, w, R, sigma, mean, mean_sq)
