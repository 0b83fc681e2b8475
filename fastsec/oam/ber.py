"""Bit error rates of QPSK through the double-RIS OAM signal model (paper 002, Sec. V, Fig. 7).

Symbol-level Monte Carlo of eq. (7)-(13): Alice sends unit-energy QPSK symbols scaled to
``p_l`` on the signal modes and Gaussian AN of power σ_z² on the AN modes, ``x = T s̃``;
RIS2 adds its noise before amplification (eq. (10)); Bob and Eve add thermal noise.

* Eve, ``receiver="per_antenna"``: antenna e_l listens to mode l (eq. (17)):
  ``ŝ_l = y_E[e_l] / h^E_{l,l}``; the Gaussian prediction is ``Q(sqrt(γ_E,l))`` with γ_E of
  eq. (17) (exact when the interference is Gaussian, e.g. N_s = 1).
* Eve, ``receiver="zf"``: a zero-forcing MIMO receiver that knows the precoders of the SN pair
  (worst case for Alice): ``ŝ = pinv(H_E T) y_E`` over the signal and AN streams; prediction
  ``Q(sqrt(γ_ZF,l))`` with γ_ZF the post-ZF SINR (AN and interference are nulled when
  N_E >= N_s + N_z).
* Eve, ``receiver="mmse"``: a linear MMSE receiver that knows the precoders and treats the
  AN and the other streams as Gaussian interference (the conventional MIMO receiver Sec. V
  names): ``ŝ_l ∝ h_l^H C^{-1} y_E`` with ``h_l`` stream l's column of ``H_E T`` and
  ``C = H_E T diag(p, σ_z²) (H_E T)^H + σ_E² I``; prediction ``Q(sqrt(γ_MMSE,l))`` with
  ``γ_MMSE,l = w_l h_l^H C^{-1} h_l / (1 - w_l h_l^H C^{-1} h_l)``. Unlike ZF it does not
  invert the near-rank-one LoS channel at Eve, so it stays informative where ZF gives 0.5.
* Bob: combines with F^H, removes the known AN (eq. (13)) and divides by h^B_{l,l};
  prediction ``Q(sqrt(γ_B,l))`` with γ_B of eq. (14).

The SNR of Fig. 7 sets σ_B² = σ_E² = σ² at each point (the RIS2 noise σ_R2² stays):
``snr_reference="transmit"`` reads it as ``P_T / σ²``; ``"eve"`` as the SNR at Eve,
``P_E / σ²`` with ``P_E = ||H_E T_s diag(p)^{1/2}||_F² / N_E`` her mean received power of the
signal modes per antenna (AN excluded), the reading of the figure's axis "transmit SNR at
Eve" under which a 0-20 dB sweep spans her usable range (with P_T / σ², 0-20 dB puts her
40 dB or more below her noise at the Section V distances). Each BER comes with a Wilson score
confidence interval.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special, stats

from fastsec import units
from fastsec._validate import check_array, check_choice, check_int, check_real
from fastsec.errors import ParameterError, ParameterTypeError
from fastsec.oam.channels import Channels
from fastsec.oam.rates import secrecy_rate, stream_matrices
from fastsec.oam.scenario import Scenario

#: Eve's receivers: per-antenna as eq. (17) implies, zero-forcing or LMMSE over all streams.
RECEIVERS = ("per_antenna", "zf", "mmse")
#: What the SNR axis is relative to: Alice's transmit power, or Eve's received signal power.
SNR_REFERENCES = ("transmit", "eve")

#: Symbols simulated per chunk (bounds memory: RIS2 noise is Q2 x chunk complex).
_CHUNK = 8192


@dataclass(frozen=True, eq=False)
class BERResult:
    """QPSK bit error rates versus transmit SNR, simulated and predicted.

    Attributes
    ----------
    snr_db : ndarray, shape (S,)
        SNR [dB] (``snr_reference``).
    sigma2_w : ndarray, shape (S,)
        The noise power σ_B² = σ_E² [W] simulated at each SNR.
    eve_ber, bob_ber : ndarray, shape (S,)
        Simulated BER of Eve (with ``receiver``) and of Bob, over all signal modes.
    eve_ber_modes : ndarray, shape (S, N_s)
        Simulated BER of Eve on each signal mode (order of ``Scenario.signal_modes``).
    eve_ci, bob_ci : ndarray, shape (S, 2)
        Wilson score intervals (low, high) at level ``confidence``.
    eve_ber_gaussian, bob_ber_gaussian : ndarray, shape (S,)
        Gaussian predictions, mean over modes of Q(sqrt(γ)) (see the module docstring).
    bits : int
        Bits simulated per SNR point and receiver (2 N_s ``symbols``).
    receiver : str
        Eve's receiver.
    snr_reference : str
        What ``snr_db`` is relative to (:data:`SNR_REFERENCES`).
    confidence : float
        Level of the intervals.

    """

    snr_db: np.ndarray
    sigma2_w: np.ndarray
    eve_ber: np.ndarray
    eve_ber_modes: np.ndarray
    eve_ci: np.ndarray
    bob_ber: np.ndarray
    bob_ci: np.ndarray
    eve_ber_gaussian: np.ndarray
    bob_ber_gaussian: np.ndarray
    bits: int
    receiver: str
    snr_reference: str
    confidence: float


def eve_ber(scenario: Scenario, channels: Channels, p: npt.ArrayLike, a: npt.ArrayLike,
            theta1: npt.ArrayLike, theta2: npt.ArrayLike, snr_db: npt.ArrayLike, *,
            rng: np.random.Generator, symbols: int = 20000, receiver: str = "per_antenna",
            snr_reference: str = "transmit", confidence: float = 0.95) -> BERResult:
    """Eve's (and Bob's) QPSK BER versus transmit SNR by symbol-level Monte Carlo.

    Parameters
    ----------
    scenario : Scenario
        The scene; its σ_B², σ_E² are replaced by σ² from the SNR at each point.
    channels : Channels
        Unbatched channels of ``scenario``.
    p : array_like, shape (N_s,)
        Signal-mode powers [W].
    a : array_like, shape (Q2,)
        RIS2 amplification factors.
    theta1, theta2 : array_like, shape (Q1,), (Q2,), complex
        RIS phase vectors (unit modulus).
    snr_db : array_like, shape (S,)
        SNRs [dB]: P_T / σ² or P_E / σ² (``snr_reference``).
    rng : numpy.random.Generator
        Source of symbols, AN and noise.
    symbols : int
        QPSK symbols per signal mode and SNR point (>= 100).
    receiver : {"per_antenna", "zf"}
        Eve's receiver, see :data:`RECEIVERS`.
    snr_reference : {"transmit", "eve"}
        ``snr_db`` relative to P_T or to Eve's received signal power P_E (module docstring).
    confidence : float
        Level of the Wilson intervals, in (0, 1).

    Returns
    -------
    BERResult
        Simulated BERs with intervals and the Gaussian predictions, one entry per SNR.

    """
    if not isinstance(scenario, Scenario):
        raise ParameterTypeError(f"scenario must be a Scenario, got {type(scenario).__name__}")
    if not isinstance(rng, np.random.Generator):
        raise ParameterTypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    check_choice("receiver", receiver, RECEIVERS)
    check_choice("snr_reference", snr_reference, SNR_REFERENCES)
    symbols = check_int("symbols", symbols, 100)
    confidence = check_real("confidence", confidence, 0.0, 1.0, low_open=True, high_open=True)
    snr_db = check_array("snr_db", snr_db, ndim=1, complex_ok=False)
    for name, value in (("p", p), ("a", a), ("theta1", theta1), ("theta2", theta2)):
        if np.ndim(value) != 1:
            raise ParameterError(f"{name} must be one vector (1-D) for eve_ber, got shape "
                                 f"{np.shape(value)}")
    s = scenario
    secrecy_rate(s, channels, p, a, theta1, theta2)  # validates the inputs
    p = np.asarray(p, dtype=float)
    a = np.asarray(a, dtype=float)
    theta1 = np.asarray(theta1, dtype=complex)
    theta2 = np.asarray(theta2, dtype=complex)
    model = _LinkModel(s, channels, p, a, theta1, theta2)
    reference_w = s.p_t_w if snr_reference == "transmit" else model.eve_signal_power()
    ref_dbm = units.watts_to_dbm(reference_w)
    scenes = [dataclasses.replace(s, sigma_b2_dbm=ref_dbm - snr, sigma_e2_dbm=ref_dbm - snr)
              for snr in snr_db]
    predictions = [secrecy_rate(sc, channels, p, a, theta1, theta2) for sc in scenes]
    eve_err, bob_err, eve_pred = [], [], []
    for sc, rates in zip(scenes, predictions, strict=True):
        e, b = model.simulate(sc.sigma_b2_w, symbols, receiver, rng)
        eve_err.append(e)
        bob_err.append(b.sum())
        if receiver == "per_antenna":
            sinr_e = rates.sinr_E
        elif receiver == "zf":
            sinr_e = model.zf_sinr(sc.sigma_e2_w)
        else:
            sinr_e = model.mmse_sinr(sc.sigma_e2_w)
        eve_pred.append(_q(np.sqrt(sinr_e)).mean())
    bits = 2 * s.N_s * symbols
    z = stats.norm.ppf(0.5 + confidence / 2)
    eve_modes, bob_n = np.array(eve_err), np.array(bob_err)
    eve_n = eve_modes.sum(axis=1)
    return BERResult(
        snr_db=snr_db, sigma2_w=np.array([sc.sigma_e2_w for sc in scenes]),
        eve_ber=eve_n / bits, eve_ci=_wilson(eve_n, bits, z),
        eve_ber_modes=eve_modes / (2 * symbols),
        bob_ber=bob_n / bits, bob_ci=_wilson(bob_n, bits, z),
        eve_ber_gaussian=np.array(eve_pred),
        bob_ber_gaussian=np.array([_q(np.sqrt(r.sinr_B)).mean() for r in predictions]),
        bits=bits, receiver=receiver, snr_reference=snr_reference, confidence=confidence)


class _LinkModel:
    """Matrices of eq. (11)-(13) for one candidate, and the symbol-level simulation."""

    def __init__(self, s: Scenario, ch: Channels, p, a, theta1, theta2) -> None:
        tx, rx, eve_rows = stream_matrices(s)
        self.s, self.p = s, p
        self.tx, self.rx, self.eve_rows = tx, rx, eve_rows
        ris1_out = np.conj(theta1)[:, None] * ch.H_AR1                      # Θ1 H_AR1
        self.h_r2 = ch.H_R1R2 @ ris1_out                                    # H_R2 (Q2, N)
        self.ris_out = ch.H_R2B * (np.conj(theta2) * a)[None, :]           # H_R2B Θ2 A
        self.h_eve = ch.H_AE + ch.H_R1E @ ris1_out                          # eq. (12)
        self.bob_gain = rx @ self.ris_out @ self.h_r2 @ tx                  # (N_s, M)
        self.eve_streams = self.h_eve @ tx                                  # (N_E, M)
        self.zf = np.linalg.pinv(self.eve_streams)                          # (M, N_E)
        self.weights = np.concatenate([p, np.full(s.N_z, s.sigma_z2_w)])   # stream powers

    def eve_signal_power(self) -> float:
        """Eve's mean received power of the signal modes per antenna P_E [W]."""
        s = self.s
        return float(np.sum(np.abs(self.eve_streams[:, : s.N_s]) ** 2 * self.p) / s.N_E)

    def mmse_filter(self, sigma_e2: float) -> np.ndarray:
        """Rows h_l^H C^{-1} of Eve's LMMSE receiver for the signal streams, (N_s, N_E)."""
        h = self.eve_streams
        cov = (h * self.weights) @ h.conj().T + sigma_e2 * np.eye(self.s.N_E)
        return np.linalg.solve(cov, h[:, : self.s.N_s]).conj().T

    def mmse_sinr(self, sigma_e2: float) -> np.ndarray:
        """Post-LMMSE SINR of each signal stream at Eve, shape (N_s,)."""
        s = self.s
        filt = self.mmse_filter(sigma_e2)
        g = self.p * np.real(np.einsum("ij,ji->i", filt, self.eve_streams[:, : s.N_s]))
        return g / (1.0 - g)

    def zf_sinr(self, sigma_e2: float) -> np.ndarray:
        """Post-ZF SINR of each signal stream at Eve, shape (N_s,)."""
        s = self.s
        eff = self.zf[: s.N_s] @ self.eve_streams                           # (N_s, M)
        power = np.abs(eff) ** 2 * self.weights[None, :]
        signal = np.diag(power[:, : s.N_s]).copy()
        noise = sigma_e2 * np.sum(np.abs(self.zf[: s.N_s]) ** 2, axis=1)
        return signal / (power.sum(axis=1) - signal + noise)

    def simulate(self, sigma2: float, symbols: int, receiver: str,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Bit errors of Eve and Bob per signal mode over ``symbols`` QPSK symbols each."""
        s = self.s
        eve_errors = np.zeros(s.N_s, dtype=np.int64)
        bob_errors = np.zeros(s.N_s, dtype=np.int64)
        idx = np.arange(s.N_s)
        mmse = self.mmse_filter(sigma2) if receiver == "mmse" else None
        for start in range(0, symbols, _CHUNK):
            n = min(_CHUNK, symbols - start)
            bits = rng.integers(0, 2, size=(2, s.N_s, n))
            qpsk = ((1 - 2 * bits[0]) + 1j * (1 - 2 * bits[1])) / np.sqrt(2)
            streams = np.concatenate([np.sqrt(self.p)[:, None] * qpsk,
                                      _cn(rng, s.sigma_z2_w, (s.N_z, n))])
            x = self.tx @ streams                                               # eq. (8)
            y_eve = self.h_eve @ x + _cn(rng, sigma2, (s.N_E, n))               # eq. (12)
            if receiver == "per_antenna":
                gains = self.eve_streams[self.eve_rows, idx]
                est = y_eve[self.eve_rows] / gains[:, None]
            elif receiver == "zf":
                est = (self.zf @ y_eve)[: s.N_s]
            else:  # LMMSE: a positive real scale per stream, irrelevant to QPSK decisions
                est = mmse @ y_eve
            eve_errors += _bit_errors(est, bits)
            ris_in = self.h_r2 @ x + _cn(rng, s.sigma_r2_w, (s.Q2, n))          # eq. (10)
            y_bob = self.ris_out @ ris_in + _cn(rng, sigma2, (s.N, n))          # eq. (11)
            y_modes = self.rx @ y_bob - self.bob_gain[:, s.N_s:] @ streams[s.N_s:]  # eq. (13)
            est = y_modes / self.bob_gain[idx, idx][:, None]
            bob_errors += _bit_errors(est, bits)
        return eve_errors, bob_errors


def _cn(rng: np.random.Generator, var: float, shape: tuple[int, int]) -> np.ndarray:
    return np.sqrt(var / 2) * (rng.standard_normal(shape) + 1j * rng.standard_normal(shape))


def _bit_errors(est: np.ndarray, bits: np.ndarray) -> np.ndarray:
    """Bit errors per signal mode (row of ``est``), shape (N_s,)."""
    return (np.count_nonzero((est.real < 0) != bits[0], axis=1)
            + np.count_nonzero((est.imag < 0) != bits[1], axis=1))


def _q(x: np.ndarray) -> np.ndarray:
    return 0.5 * special.erfc(x / np.sqrt(2))


def _wilson(errors: np.ndarray, n: int, z: float) -> np.ndarray:
    phat = errors / n
    center = (phat + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    # the exact bounds at 0 and n errors are 0 and 1; avoid the rounding residue there
    low = np.where(errors == 0, 0.0, center - half)
    high = np.where(errors == n, 1.0, center + half)
    return np.stack([low, high], axis=1)
