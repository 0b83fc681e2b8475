"""Per-mode SINRs, rates and secrecy rate of the double-RIS OAM link (paper 002, Sec. III).

One kernel (:func:`fastsec.kernels.oam.sinr.oam_sinr_batch`, single candidate
:func:`~fastsec.kernels.oam.sinr.oam_sinr_one`) evaluates every candidate
``(p, a, θ1, θ2)``; :func:`secrecy_rate` validates, broadcasts the batch and forms the rates.
Notation (Θ_i = diag(θ_i^H), A = diag(a), T the precoders of :func:`stream_matrices`, t_k its
column k, r_l^H Bob's combining row of signal mode l, e_l Eve's antenna for mode l):

* cascaded channel to Bob  H_B = H_R2B Θ2 A H_R1R2 Θ1 H_AR1                      (eq. (11))
* Bob's gains              h^B_{l,k} = r_l^H H_B t_k, and RIS2-noise row
                            h_{B,l} A = r_l^H H_R2B Θ2 A                           (eq. (14))
* Bob's SINR of signal mode l (AN known and removed):
  γ_B,l = p_l |h^B_{l,l}|² / [ Σ_{k∈L_s, k≠l} p_k |h^B_{l,k}|²     (residual inter-mode
                                                                       interference)
                              + σ_R2² ‖h_{B,l} A‖²                  (amplified RIS2 noise)
                              + σ_B² ]                              (thermal noise; the DFT is
                                                                       unitary)         (eq. (14))
* Eve's gains              h^E_{l,k} = (H_AE[e_l] + H_R1E[e_l] Θ1 H_AR1) t_k      (eq. (17))
* Eve's SINR of signal mode l (per antenna, AN not removed):
  γ_E,l = p_l |h^E_{l,l}|² / [ Σ_{k∈L_s, k≠l} p_k |h^E_{l,k}|²     (inter-mode interference)
                              + σ_z² Σ_{k∈L_z} |h^E_{l,k}|²         (artificial noise)
                              + σ_E² ]                              (thermal noise)  (eq. (17))
* R_B = Σ_l log2(1 + γ_B,l) + log2 G (eq. (16)), R_E = Σ_l log2(1 + γ_E,l) (eq. (18)),
  R_s = R_B - R_E (eq. (19), not clipped at 0).
* RIS2 output power  Σ_{k∈L_s} p_k ‖A H_R2 t_k‖² + σ_z² Σ_{k∈L_z} ‖A H_R2 t_k‖² + σ_R2² ‖a‖²,
  H_R2 = H_R1R2 Θ1 H_AR1 (eq. (11), constraint (20d)); reported beside the budget P_R2.

The gradients of issue 4 follow from these sums: every gain is linear in conj(θ1) and, for
Bob, in ``a ∘ conj(θ2)``; the RIS2-noise term depends on a only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fastsec._validate import check_array
from fastsec.errors import ParameterError, ParameterTypeError
from fastsec.kernels.oam.sinr import oam_sinr_batch
from fastsec.oam.channels import Channels
from fastsec.oam.scenario import Scenario
from fastsec.oam.signalling import receive_matrix, transmit_matrix

#: Largest accepted deviation of |θ| from 1 (phases are unit-modulus, constraint (20f)-(20g)).
UNIT_MODULUS_TOL = 1e-8


@dataclass(frozen=True, eq=False)
class Rates:
    """Rates of one or of B candidates (leading axis when batched).

    Attributes
    ----------
    R_B : float or ndarray, shape (B,)
        Bob's rate [bit/s/Hz], eq. (16), index bits included.
    R_E : float or ndarray, shape (B,)
        Eve's rate [bit/s/Hz], eq. (18).
    R_s : float or ndarray, shape (B,)
        Secrecy rate R_B - R_E [bit/s/Hz], eq. (19).
    sinr_B : ndarray, shape ([B,] N_s), float64
        Bob's per-mode SINR γ_B (linear), eq. (14), in the order of ``Scenario.signal_modes``.
    sinr_E : ndarray, shape ([B,] N_s), float64
        Eve's per-mode SINR γ_E (linear), eq. (17).
    ris2_power_w : float or ndarray, shape (B,)
        RIS2 output power [W], eq. (11).
    ris2_budget_w : float
        RIS2 budget P_R2 [W], constraint (20d).
    index_bits : float
        log2 G included in R_B.

    """

    R_B: np.ndarray | float
    R_E: np.ndarray | float
    R_s: np.ndarray | float
    sinr_B: np.ndarray
    sinr_E: np.ndarray
    ris2_power_w: np.ndarray | float
    ris2_budget_w: float
    index_bits: float


def stream_matrices(scenario: Scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precoders, Bob's combining rows and Eve's antennas of the scenario's SN pair.

    Returns
    -------
    tx : ndarray, shape (N, N_s + N_z), complex128
        Columns t_k of T (eq. (8) / (59)) for the signal modes, then the AN modes.
    rx : ndarray, shape (N_s, N), complex128
        Bob's combining rows r_l^H (rows of F^H, eq. (13)) of the signal modes.
    eve_rows : ndarray, shape (N_s,), int64
        Eve's antenna for each signal mode (antenna l listens to mode l, eq. (17)).

    """
    s = scenario
    modes = np.concatenate([s.signal_modes, s.an_modes])
    tx = np.ascontiguousarray(transmit_matrix(s.waveform, s.N, s.alpha_a_rad, s.zc_root)[:, modes])
    rx = np.ascontiguousarray(receive_matrix(s.waveform, s.N, s.alpha_a_rad)[s.signal_modes])
    return tx, rx, s.signal_modes.copy()


def secrecy_rate(scenario: Scenario, channels: Channels, p: npt.ArrayLike, a: npt.ArrayLike,
                 theta1: npt.ArrayLike, theta2: npt.ArrayLike) -> Rates:
    """Per-mode SINRs, R_B, R_E, R_s and RIS2 power of candidates (paper 002, eq. (14)-(19)).

    Each of ``p, a, theta1, theta2`` is either one vector or a batch of B rows; unbatched
    inputs are shared by every row. All B candidates go through one kernel call.

    Parameters
    ----------
    scenario : Scenario
        The scene (noise powers, AN power, SN pair, waveform).
    channels : Channels
        Unbatched channel matrices of ``scenario`` (:func:`fastsec.oam.channels`).
    p : array_like, shape ([B,] N_s), float
        Signal-mode powers p_l [W] >= 0, in the order of ``scenario.signal_modes``.
    a : array_like, shape ([B,] Q2), float
        RIS2 amplification factors, 0 <= a <= a_max.
    theta1 : array_like, shape ([B,] Q1), complex
        RIS1 phases, ``|θ| = 1`` (Θ1 = diag(θ1^H)).
    theta2 : array_like, shape ([B,] Q2), complex
        RIS2 phases, ``|θ| = 1`` (Θ2 = diag(θ2^H)).

    Returns
    -------
    Rates
        Batched (leading axis B) if any input is batched, else scalars and (N_s,) vectors.

    """
    s = scenario
    if not isinstance(s, Scenario):
        raise ParameterTypeError(f"scenario must be a Scenario, got {type(s).__name__}")
    ch = check_channels(s, channels)
    p = check_array("p", p, complex_ok=False)
    a = check_array("a", a, complex_ok=False)
    theta1 = check_array("theta1", theta1)
    theta2 = check_array("theta2", theta2)
    batch = _batch_size({"p": (p, s.N_s), "a": (a, s.Q2), "theta1": (theta1, s.Q1),
                         "theta2": (theta2, s.Q2)})
    if np.any(p < 0):
        raise ParameterError(f"p must be >= 0 W, got min {p.min():g}")
    if np.any(a < 0) or np.any(a > s.a_max * (1 + 1e-12)):
        raise ParameterError(f"a must be in [0, a_max={s.a_max:g}], got range "
                             f"[{a.min():g}, {a.max():g}]")
    for name, theta in (("theta1", theta1), ("theta2", theta2)):
        dev = np.max(np.abs(np.abs(theta) - 1.0))
        if dev > UNIT_MODULUS_TOL:
            raise ParameterError(f"{name} must have unit modulus (|θ| = 1 within "
                                 f"{UNIT_MODULUS_TOL:g}), got max ||θ| - 1| = {dev:g}")
    rows = batch or 1
    p, a = _rows(p, rows, np.float64), _rows(a, rows, np.float64)
    theta1, theta2 = _rows(theta1, rows, np.complex128), _rows(theta2, rows, np.complex128)
    tx, rx, eve_rows = stream_matrices(s)
    sinr_b = np.empty((rows, s.N_s))
    sinr_e = np.empty((rows, s.N_s))
    power = np.empty(rows)
    noise = (s.sigma_z2_w, s.sigma_r2_w, s.sigma_b2_w, s.sigma_e2_w)
    oam_sinr_batch((ch.H_AR1, ch.H_R1R2, ch.H_R2B, ch.H_AE, ch.H_R1E), tx, rx, eve_rows, p, a,
                   theta1, theta2, noise, sinr_b, sinr_e, power)
    r_b = np.log2(1.0 + sinr_b).sum(axis=1) + s.index_bits
    r_e = np.log2(1.0 + sinr_e).sum(axis=1)
    if batch is None:
        return Rates(float(r_b[0]), float(r_e[0]), float(r_b[0] - r_e[0]), sinr_b[0], sinr_e[0],
                     float(power[0]), s.p_r2_w, s.index_bits)
    return Rates(r_b, r_e, r_b - r_e, sinr_b, sinr_e, power, s.p_r2_w, s.index_bits)


def check_channels(s: Scenario, ch: Channels) -> Channels:
    """Validate unbatched channels of ``s`` (type, shapes, finite); returns coerced copies."""
    if not isinstance(ch, Channels):
        raise ParameterTypeError(f"channels must be a Channels, got {type(ch).__name__}")
    shapes = {"H_AR1": (s.Q1, s.N), "H_R1R2": (s.Q2, s.Q1), "H_R2B": (s.N, s.Q2),
              "H_AE": (s.N_E, s.N), "H_R1E": (s.N_E, s.Q1)}
    return Channels(**{name: check_array(f"channels.{name}", getattr(ch, name), shape=shape)
                       for name, shape in shapes.items()})


def _batch_size(inputs: dict[str, tuple[np.ndarray, int]]) -> int | None:
    batch = None
    for name, (arr, length) in inputs.items():
        if arr.ndim not in (1, 2) or arr.shape[-1] != length:
            raise ParameterError(f"{name} must have shape ({length},) or (B, {length}), "
                                 f"got {arr.shape}")
        if arr.ndim == 2:
            if batch is not None and arr.shape[0] != batch:
                raise ParameterError(f"{name} has {arr.shape[0]} rows but another input has "
                                     f"{batch}; batched inputs must share B")
            batch = arr.shape[0]
    return batch


def _rows(arr: np.ndarray, rows: int, dtype) -> np.ndarray:
    return np.ascontiguousarray(np.broadcast_to(arr.astype(dtype, copy=False),
                                                (rows, arr.shape[-1])))
