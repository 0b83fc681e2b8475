"""Pure-NumPy reference twins of the OAM kernels (used only by tests and benchmarks).

They follow the paper's matrix expressions literally (full N x N cascades, one candidate at a
time) so that the kernels, which reorder and fuse the sums, are checked against the formulas.
"""

from __future__ import annotations

import numpy as np

from fastsec.oam.channels import Channels
from fastsec.oam.scenario import Scenario
from fastsec.oam.signalling import receive_matrix, transmit_matrix


def spherical_wave_reference(rx: np.ndarray, tx: np.ndarray, wavelength_m: float,
                             beta: float) -> np.ndarray:
    """Eq. (9) by NumPy broadcasting: rx (M, 3), tx (K, 3) [m] -> (M, K) complex128."""
    d = np.sqrt(((rx[:, None, :] - tx[None, :, :]) ** 2).sum(axis=-1))
    return wavelength_m * beta / (4 * np.pi * d) * np.exp(-2j * np.pi * d / wavelength_m)


def sinr_terms_reference(scenario: Scenario, ch: Channels, p, a, theta1, theta2) -> dict:
    """Every term of eq. (14), (17) and (11) for one candidate, from the full matrices.

    Returns a dict with per-mode arrays (N_s,) ``bob_signal``, ``bob_interference``,
    ``bob_ris_noise``, ``eve_signal``, ``eve_interference``, ``eve_an``, the SINRs
    ``sinr_B``, ``sinr_E`` and the scalar ``ris2_power`` [W].
    """
    s = scenario
    t = transmit_matrix(s.waveform, s.N, s.alpha_a_rad, s.zc_root)
    r = receive_matrix(s.waveform, s.N, s.alpha_a_rad)
    theta1_m = np.diag(np.conj(theta1))
    theta2_m = np.diag(np.conj(theta2))
    amp = np.diag(a)
    h_r2 = ch.H_R1R2 @ theta1_m @ ch.H_AR1
    h_bob = r @ ch.H_R2B @ theta2_m @ amp @ h_r2 @ t
    h_eve = (ch.H_AE + ch.H_R1E @ theta1_m @ ch.H_AR1) @ t
    ls, lz = s.signal_modes, s.an_modes
    p = np.asarray(p, dtype=float)
    out = {k: np.zeros(s.N_s) for k in ("bob_signal", "bob_interference", "bob_ris_noise",
                                         "eve_signal", "eve_interference", "eve_an")}
    for i, li in enumerate(ls):
        gb = np.abs(h_bob[li, ls]) ** 2
        ge = np.abs(h_eve[li, ls]) ** 2
        out["bob_signal"][i] = p[i] * gb[i]
        out["bob_interference"][i] = p @ gb - p[i] * gb[i]
        out["bob_ris_noise"][i] = s.sigma_r2_w * np.linalg.norm(
            r[li] @ ch.H_R2B @ theta2_m @ amp) ** 2
        out["eve_signal"][i] = p[i] * ge[i]
        out["eve_interference"][i] = p @ ge - p[i] * ge[i]
        out["eve_an"][i] = s.sigma_z2_w * np.sum(np.abs(h_eve[li, lz]) ** 2)
    out["sinr_B"] = out["bob_signal"] / (out["bob_interference"] + out["bob_ris_noise"]
                                         + s.sigma_b2_w)
    out["sinr_E"] = out["eve_signal"] / (out["eve_interference"] + out["eve_an"] + s.sigma_e2_w)
    col = np.linalg.norm(amp @ h_r2 @ t, axis=0) ** 2
    out["ris2_power"] = p @ col[ls] + s.sigma_z2_w * col[lz].sum() + s.sigma_r2_w * np.sum(a ** 2)
    return out


def secrecy_rate_reference(scenario: Scenario, ch: Channels, p, a, theta1, theta2):
    """Per-candidate loop over :func:`sinr_terms_reference`: inputs (B, ·) -> R_B, R_E, R_s (B,)."""
    r_b, r_e = [], []
    for row in zip(p, a, theta1, theta2, strict=True):
        terms = sinr_terms_reference(scenario, ch, *row)
        r_b.append(np.log2(1 + terms["sinr_B"]).sum() + scenario.index_bits)
        r_e.append(np.log2(1 + terms["sinr_E"]).sum())
    rb, re = np.array(r_b), np.array(r_e)
    return rb, re, rb - re


def cophased_phases(scenario: Scenario, ch: Channels, a, iters: int = 20, mode_index: int = 0):
    """RIS phases that co-phase Bob's gain of one signal mode, by alternating alignment.

    A simple deterministic heuristic (not the paper's optimiser) that puts Bob's link in the
    regime where his SINR matters; used by tests and benchmarks. Returns (θ1 (Q1,), θ2 (Q2,)).
    """
    t = transmit_matrix(scenario.waveform, scenario.N, scenario.alpha_a_rad, scenario.zc_root)
    r = receive_matrix(scenario.waveform, scenario.N, scenario.alpha_a_rad)
    mode = scenario.signal_modes[mode_index]
    w1 = ch.H_AR1 @ t[:, mode]
    c = r[mode] @ ch.H_R2B
    theta1 = np.ones(scenario.Q1, dtype=complex)
    theta2 = np.ones(scenario.Q2, dtype=complex)
    for _ in range(iters):
        theta2 = np.exp(1j * np.angle(c * (ch.H_R1R2 @ (np.conj(theta1) * w1))))
        theta1 = np.exp(1j * np.angle(((c * np.conj(theta2) * a) @ ch.H_R1R2) * w1))
    return theta1, theta2
