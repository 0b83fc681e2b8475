"""Closed-form AAUC for large N (Prop. 2-3) and for large N and K (eq. (43)); paper 000, Sec. V.

Both return the point (z, w) of P2 and cost O(K³ + K N) after the null-space projection.
:func:`closed_form_drops` computes the same points, and every output of
:func:`fastsec.aauc.solve`, for a batch of drops in one compiled call; the NumPy functions
here are its reference twins and the starting points of SCO, BFOM and the IRS scheme.
"""

from __future__ import annotations

import math

import numba
import numpy as np
from scipy.linalg import eigh

from fastsec.aauc.problem import P2Data, prop2_z
from fastsec.aauc.scenario import Scenario
from fastsec.kernels.aauc import closed_form as _k


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


#: Closed-form methods of :func:`fastsec.aauc.solve` computed by the compiled kernel.
KERNEL_MODES = {"closed_form": _k.CLOSED_FORM, "asymptotic": _k.ASYMPTOTIC}

#: Drops from which :func:`closed_form_drops` uses the multi-threaded kernel (a parallel
#: launch costs tens of microseconds, more than a few drops' arithmetic); it is never used
#: (nor compiled) on one Numba thread, as in the study workers.
PARALLEL_MIN_DROPS = 8


def threaded(drops: int) -> bool:
    """Whether a per-drop kernel runs ``drops`` drops on Numba's threads (its parallel twin)."""
    return drops >= PARALLEL_MIN_DROPS and numba.get_num_threads() > 1


def closed_form_drops(scenario: Scenario, method: str, g: np.ndarray, h_K: np.ndarray,
                      h_E: np.ndarray, g_E: np.ndarray, J: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Closed-form AAUC (Prop. 2-3) or eq. (43) for B checked drops in one kernel call.

    Same numbers as :func:`closed_form_point` / :func:`asymptotic_point` to rounding, with
    every output of :func:`fastsec.aauc.solve` (:mod:`fastsec.kernels.aauc.closed_form`).

    Parameters
    ----------
    scenario : Scenario
        Noise powers, λ and P_max of the drops.
    method : {"closed_form", "asymptotic"}
        Prop. 3's w with eq. (24)'s z, or eq. (43).
    g, h_K, h_E, g_E : ndarray, shapes (B, K, N), (B, K-1), (B, K-1), (B, N), complex128
        The drops' channels (checked: finite, C-contiguous).
    J : ndarray, shape (B, K-1), float64
        Angular-matrix diagonals (eq. (12)), >= 0.

    Returns
    -------
    v : ndarray, shape (B, N), complex128
    w : ndarray, shape (B, K-1), complex128
    stats : ndarray, shape (B, STATS), float64
        Columns :data:`fastsec.kernels.aauc.closed_form.OBJECTIVE` ... ``EQ6``.

    """
    B, N = g_E.shape
    v = np.empty((B, N), dtype=np.complex128)
    w = np.empty(h_K.shape, dtype=np.complex128)
    stats = np.empty((B, _k.STATS))
    s = scenario
    kernel = _k.closed_form_drops_parallel if threaded(B) else _k.closed_form_drops
    kernel(KERNEL_MODES[method], g, h_K, h_E, g_E, J,
           (math.sqrt(s.sigma2_w), math.sqrt(s.sigma_e2_w), s.lam / s.sigma_e2_w, s.pmax_w),
           v, w, stats)
    return v, w, stats
