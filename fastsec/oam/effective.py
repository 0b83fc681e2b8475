"""Effective quantities of the SINRs at the current RMCG-AO point (Paper 002, Sec. IV).

Every AO sub-step fixes all variables but its own and needs the SINRs eq. (14), (17) written
as functions of that variable. This module turns one scene and the current point
``(p, a, θ1, θ2)`` into the inputs of :func:`fastsec.oam.steps.power_step` (P4),
:func:`fastsec.oam.steps.amplification_step` (P5) and of the θ objectives of
:mod:`fastsec.kernels.oam.objectives`. Notation of :mod:`fastsec.kernels.oam.sinr`:
``w1_k`` RIS1 incident field of stream k, ``c_l = r_l^H H_R2B``, ``e0``/``er`` Eve's direct
gains and RIS1 rows, ``v_k = H_R1R2 (conj(θ1) ∘ w1_k)`` the field incident on RIS2.

These NumPy forms serve the step-by-step AO of the exact (cvxpy) and SDR paths and are the
reference twins of the kernels of :mod:`fastsec.kernels.oam.effective`, which the jitted
RMCG-AO (:func:`fastsec.kernels.oam.ao.rmcg_ao`) uses. The exact path keeps NumPy's
round-off: cvxpy's P4/P5 solutions are accurate to about 1e-5 relative, and the AO can turn
an ulp-level change of their inputs into a different (equally good) trajectory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fastsec.kernels.oam.objectives import theta1_terms, theta2_terms
from fastsec.kernels.oam.sinr import oam_precompute, oam_sinr_one
from fastsec.oam.channels import Channels
from fastsec.oam.rates import Rates, stream_matrices
from fastsec.oam.scenario import Scenario


@dataclass(frozen=True, eq=False)
class Link:
    """Candidate-independent products of one scene (from :func:`link`).

    Attributes
    ----------
    w1 : ndarray, shape (M, Q1), complex128
        RIS1 incident field per stream (M = N_s + N_z).
    c : ndarray, shape (N_s, Q2), complex128
        Bob's combined RIS2 rows ``r_l^H H_R2B``.
    e0 : ndarray, shape (N_s, M), complex128
        Direct Alice -> Eve gains.
    er : ndarray, shape (N_s, Q1), complex128
        Eve's RIS1 rows.
    h_r1r2 : ndarray, shape (Q2, Q1), complex128
        RIS1 -> RIS2 channel.
    hre, him : ndarray, shape (Q1, Q2), float64
        Real and imaginary parts of ``H_R1R2^T`` (for :func:`~.sinr.oam_sinr_one`).
    n_s : int
        Signal streams N_s.
    sigma_z2, sigma_r2, sigma_b2, sigma_e2 : float
        AN power per AN mode, RIS2, Bob and Eve noise powers [W].
    index_bits : float
        log2 G of eq. (16).
    arrays : tuple
        ``(w1, c, e0, er, h_r1r2, hre, him)``, the ``lk`` argument of the kernels of
        :mod:`fastsec.kernels.oam.effective` and :mod:`fastsec.kernels.oam.ao`.
    noise : tuple of float
        ``(sigma_z2, sigma_r2, sigma_b2, sigma_e2)`` [W], their ``noise`` argument.

    """

    w1: np.ndarray
    c: np.ndarray
    e0: np.ndarray
    er: np.ndarray
    h_r1r2: np.ndarray
    hre: np.ndarray
    him: np.ndarray
    n_s: int
    sigma_z2: float
    sigma_r2: float
    sigma_b2: float
    sigma_e2: float
    index_bits: float
    arrays: tuple
    noise: tuple


def link(scenario: Scenario, ch: Channels) -> Link:
    """Precompute the candidate-independent products of ``scenario`` with channels ``ch``."""
    tx, rx, eve_rows = stream_matrices(scenario)
    w1, c, e0, er, hre, him = oam_precompute(ch.H_AR1, ch.H_R1R2, ch.H_R2B, ch.H_AE, ch.H_R1E,
                                             tx, rx, eve_rows)
    s = scenario
    h_r1r2 = np.ascontiguousarray(ch.H_R1R2)
    noise = (float(s.sigma_z2_w), float(s.sigma_r2_w), float(s.sigma_b2_w), float(s.sigma_e2_w))
    return Link(w1, c, e0, er, h_r1r2, hre, him, s.N_s, *noise, float(s.index_bits),
                (w1, c, e0, er, h_r1r2, hre, him), noise)


def rates(lk: Link, p, a, theta1, theta2, ris_budget: float) -> Rates:
    """Rates of one point: unvalidated form of :func:`fastsec.oam.secrecy_rate`.

    ``ris_budget`` is P_R2 [W], recorded in the result.
    """
    sinr_b = np.empty(lk.n_s)
    sinr_e = np.empty(lk.n_s)
    power = oam_sinr_one((lk.w1, lk.c, lk.e0, lk.er, lk.hre, lk.him), p, a, theta1, theta2,
                         lk.noise, sinr_b, sinr_e)
    r_b = float(np.log2(1 + sinr_b).sum() + lk.index_bits)
    r_e = float(np.log2(1 + sinr_e).sum())
    return Rates(r_b, r_e, r_b - r_e, sinr_b, sinr_e, float(power), ris_budget, lk.index_bits)


def secrecy(lk: Link, p, a, theta1, theta2) -> tuple[float, float]:
    """R_s [bit/s/Hz] (eq. (19)) and RIS2 output power [W] (eq. (11)) of one point.

    Unvalidated kernel call for the AO loop; :func:`fastsec.oam.secrecy_rate` is the
    validated public form.
    """
    r = rates(lk, p, a, theta1, theta2, 0.0)
    return float(r.R_s), float(r.ris2_power_w)


def incident(lk: Link, theta1: np.ndarray) -> np.ndarray:
    """Field incident on RIS2 per stream, ``v_k = H_R1R2 (conj(θ1) ∘ w1_k)``, shape (M, Q2)."""
    return (lk.w1 * theta1.conj()) @ lk.h_r1r2.T


def ris2_power(lk: Link, v: np.ndarray, p: np.ndarray, a: np.ndarray) -> float:
    """RIS2 output power [W] (eq. (11), constraint (20d))."""
    return float(ris_weight(lk, v, p) @ a**2)


def ris_weight(lk: Link, v: np.ndarray, p: np.ndarray) -> np.ndarray:
    """RIS2 power per unit ``a_q²`` [W], shape (Q2,) (``ris_weight`` of :mod:`~.steps`)."""
    mag = np.abs(v) ** 2
    return p @ mag[: lk.n_s] + lk.sigma_z2 * mag[lk.n_s:].sum(axis=0) + lk.sigma_r2


def power_terms(lk: Link, v, a, theta1, theta2, ris_budget: float) -> dict:
    """Build the inputs of :func:`fastsec.oam.steps.power_step` at the current point.

    Returns a dict with ``gain_bob``, ``gain_eve`` (N_s, N_s), ``noise_bob``, ``noise_eve``,
    ``ris_gain`` (N_s,) and ``ris_headroom`` [W] (table of :mod:`fastsec.oam.steps`).
    """
    ns = lk.n_s
    cb = lk.c * (a * theta2.conj())
    h_bob = cb @ v[:ns].T
    h_eve = lk.e0 + lk.er @ (lk.w1 * theta1.conj()).T
    mag = (np.abs(v) ** 2) @ a**2
    return {
        "gain_bob": np.abs(h_bob) ** 2,
        "gain_eve": np.abs(h_eve[:, :ns]) ** 2,
        "noise_bob": lk.sigma_r2 * (np.abs(lk.c) ** 2 @ a**2) + lk.sigma_b2,
        "noise_eve": lk.sigma_z2 * (np.abs(h_eve[:, ns:]) ** 2).sum(axis=1) + lk.sigma_e2,
        "ris_gain": mag[:ns],
        "ris_headroom": ris_budget - lk.sigma_z2 * mag[ns:].sum() - lk.sigma_r2 * (a @ a),
    }


def amplification_terms(lk: Link, v, theta2, p) -> dict:
    """Build the inputs of :func:`fastsec.oam.steps.amplification_step` at the current point.

    Returns a dict with ``chi`` (N_s, N_s, Q2), ``kappa2`` (N_s, Q2), ``p`` and
    ``ris_weight`` (Q2,) (table of :mod:`fastsec.oam.steps`).
    """
    ns = lk.n_s
    chi = (lk.c * theta2.conj())[:, None, :] * v[None, :ns, :]
    return {"chi": chi, "kappa2": np.abs(lk.c) ** 2, "p": p, "ris_weight": ris_weight(lk, v, p)}


def theta1_data(lk: Link, p, a, theta2) -> tuple:
    """Build the θ1 objective ``-(R_B - R_E)`` (:func:`~.objectives.theta1_terms`)."""
    return theta1_terms(lk.w1, lk.c, lk.e0, lk.er, lk.h_r1r2, p, a, theta2, lk.sigma_z2,
                        lk.sigma_r2, lk.sigma_b2, lk.sigma_e2)


def theta2_data(lk: Link, v, p, a) -> tuple:
    """Build the θ2 objective ``-R_B`` (:func:`~.objectives.theta2_terms`)."""
    return theta2_terms(lk.c, np.ascontiguousarray(v), p, a, lk.sigma_r2, lk.sigma_b2)
