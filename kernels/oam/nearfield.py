"""Near-field spherical-wave channel matrices (paper 002, eq. (9)).

Entry (m, k) of the channel from a transmit array to a receive array is
``λ β / (4 π d_mk) · exp(-j 2π d_mk / λ)`` with ``d_mk = ||u_rx,m - u_tx,k||`` [m].

The phase is evaluated in cycles: ``c = d/λ`` is reduced to the nearest quarter cycle and
the remainder (|r| <= π/4) goes through the Cephes minimax polynomials for sin and cos
(absolute error < 3e-16 on [-π/4, π/4]). Unlike two libm calls on the unreduced argument
2πd/λ (hundreds of radians) this vectorises, and it is at least as accurate, since the
reduction ``c - q/4`` is exact.
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import jit
from ..trig import cis_cycles


@jit
def spherical_wave(rx, tx, wavelength, beta, out):
    """Fill ``out`` with spherical-wave channels (eq. (9)), batched over scenes.

    Parameters
    ----------
    rx : ndarray, shape (B, M, 3), float64
        Receive element positions [m].
    tx : ndarray, shape (B, K, 3), float64
        Transmit element positions [m].
    wavelength : ndarray, shape (B,), float64
        Carrier wavelength λ [m] of each scene.
    beta : ndarray, shape (B,), float64
        Attenuation factor β of the link in each scene.
    out : ndarray, shape (B, M, K), complex128, C-contiguous
        Output, ``out[b, m, k] = λβ/(4π d) exp(-j 2π d/λ)`` with d the distance between
        ``rx[b, m]`` and ``tx[b, k]``.

    """
    n_batch, n_rx, n_tx = out.shape
    # Transmit coordinates as rows and the output as interleaved float64 (re, im): both keep
    # the inner loop free of strided loads and complex stores, so LLVM vectorises it.
    parts = out.view(np.float64)
    tx_rows = np.empty((3, n_tx))
    for b in range(n_batch):
        lam = wavelength[b]
        gain = lam * beta[b] / (4.0 * np.pi)
        inv_lam = 1.0 / lam
        for k in range(n_tx):
            for axis in range(3):
                tx_rows[axis, k] = tx[b, k, axis]
        for m in range(n_rx):
            x, y, z = rx[b, m, 0], rx[b, m, 1], rx[b, m, 2]
            for k in range(n_tx):
                dx = x - tx_rows[0, k]
                dy = y - tx_rows[1, k]
                dz = z - tx_rows[2, k]
                d = math.sqrt(dx * dx + dy * dy + dz * dz)
                cos_p, sin_p = cis_cycles(d * inv_lam)
                amp = gain / d
                parts[b, m, 2 * k] = amp * cos_p
                parts[b, m, 2 * k + 1] = -amp * sin_p
