"""Closed-form AAUC for large N (Prop. 2-3) and for large N and K (eq. (43)); paper 000, Sec. V.

Both return the point (z, w) of P2 and cost O(K³ + K N) after the null-space projection.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import eigh

from fastsec.aauc.problem import P2Data, prop2_z


def noise_sum(data: P2Data) -> float:
    """Σ_i σ_i² / ‖U^H g_i‖² of eq. (25), (28), (43) [W/W]."""
    return float(np.sum(1.0 / data.hs_row2))


def prop3_w(data: P2Data) -> np.ndarray:
    """Helpers' beamformer of Prop. 3 (paper 000, eq. (27)-(28)).

    Returns
    -------
    ndarray, shape (K-1,), complex128
        w* [√W], normalised so that w^H Ξ w = 1, i.e. Ψ(w) = Υ(w) (eq. (25), (20)).

    """
    pmax2 = 2.0 * data.pmax
    hh = np.outer(data.hs, data.hs.conj())
    xi = (hh * noise_sum(data) + np.eye(data.n_help)) / pmax2
    # q dominant eigenvector of B^{-1/2} (Ξ + h h^H/σ²) B^{-1/2}, B = Ξ + λJ/σ_E², and
    # B^{-1/2} q is the dominant generalised eigenvector of (Ξ + h h^H/σ², B): one call
    m = data.n_help
    u = eigh(xi + hh, xi + np.diag(data.je), subset_by_index=[m - 1, m - 1],
             check_finite=False)[1][:, 0]  # finite: P2Data is built from checked arrays
    return u / np.sqrt(np.real(np.vdot(u, xi @ u)))


def closed_form_point(data: P2Data) -> tuple[np.ndarray, np.ndarray]:
    """(z, w) of the closed-form AAUC: eq. (27) then eq. (24) rescaled onto the budget."""
    w = prop3_w(data)
    z = prop2_z(data, 2.0 * data.pmax - np.real(np.vdot(w, w)))
    return z, w


def asymptotic_power(data: P2Data) -> float:
    """Helpers' total power p* of eq. (43) [W]."""
    return 2.0 * data.pmax / (1.0 + np.real(np.vdot(data.hs, data.hs)) * noise_sum(data))


def asymptotic_point(data: P2Data) -> tuple[np.ndarray, np.ndarray]:
    """(z, w) for large N and K: w = √p* h_K/‖h_K‖ (eq. (43)), z from eq. (24)."""
    p = asymptotic_power(data)
    w = np.sqrt(p) * data.hs / np.linalg.norm(data.hs)
    return prop2_z(data, 2.0 * data.pmax - p), w
