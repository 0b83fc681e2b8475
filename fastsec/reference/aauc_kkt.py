"""Reference: KKT residuals of the AAUC problems in NumPy on a :class:`P2Data` (paper 000).

The independent twin of :mod:`fastsec.kernels.aauc.kkt` (the tests compare the two). Each
function writes its problem in the max–min form of :mod:`fastsec.reference.kkt` (real
coordinates [Re, Im] of its complex variables) and returns
:func:`fastsec.reference.kkt.maxmin_kkt_residual`: 0 at a KKT point, scale-free, O(1) where
nothing cancels. Coordinates are scaled by the radius of their power budget.

- :func:`p2_kkt`: P2 (eq. (18)-(20)) over (z, w), pieces Φ_k = ½ log2(1 + |g_k^H U z|²/σ²)
  (k < K) and Υ = ½ log2(1 + |h_K^H w|²/σ²), penalty ½ log2(1 + λ w^H J w/σ_E²), budget
  ‖z‖² + ‖w‖² <= 2 P_max (eq. (11a)); the AAUC methods (sco, closed_form, asymptotic, bfom).
- :func:`direct_kkt`: max–min multicast over v, pieces log2(1 + |g_k^H v|²/σ²), ‖v‖² <= P_max.
- :func:`q2_kkt`: Q2 (eq. (45)) over (z, c), c the reflected amplitudes in units of σ,
  pieces log2(1 + |g_k^H U z|²/σ²) and log2(1 + |h_K^H c|²) (c in units of σ), penalty
  log2(1 + λ σ² c^H J c/σ_E²), constraints ‖z‖² <= P_max and |c_k|² <= |g_k^H U z|²/σ²;
  the c coordinates are scaled by their bounds √P_max ‖U^H g_k‖/σ.

:func:`result_kkt` picks the problem a method solves (as ``AAUCResult.kkt_residual`` does).
"""

from __future__ import annotations

import numpy as np

from fastsec.aauc.problem import P2Data, eve_leak
from fastsec.reference.kkt import maxmin_kkt_residual
from fastsec.units import LN2


def _real(g: np.ndarray) -> np.ndarray:
    """Real gradient [Re, Im] of a complex gradient vector (shape (..., n) -> (..., 2n))."""
    return np.concatenate([g.real, g.imag], axis=-1)


def _log_snr_grads(rows: np.ndarray, x: np.ndarray, factor: float
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Factor · log2(1 + |rows @ x|²) and its gradients in x (complex form 2 s conj(row))."""
    amp = rows @ x
    snr = np.abs(amp) ** 2
    grads = 2.0 * amp[:, None] * rows.conj() * (factor / (LN2 * (1.0 + snr)))[:, None]
    return factor * np.log2(1.0 + snr), grads


def p2_kkt(data: P2Data, z: np.ndarray, w: np.ndarray) -> float:
    """KKT residual of P2 at (z, w) (module docstring)."""
    n1, m = z.size, w.size
    users, g_users = _log_snr_grads(data.Hs, z, 0.5)
    relay, g_relay = _log_snr_grads(data.hs.conj()[None], w, 0.5)
    grads = np.zeros((m + 1, n1 + m), dtype=np.complex128)
    grads[:m, :n1], grads[m, n1:] = g_users, g_relay[0]
    leak = eve_leak(data, w)
    penalty = np.concatenate([np.zeros(n1), 2.0 * data.je * w]) * (0.5 / (LN2 * (1.0 + leak)))
    x = np.concatenate([z, w])
    power = float(np.real(np.vdot(x, x))) - 2.0 * data.pmax
    return maxmin_kkt_residual(np.append(users, relay), _real(grads), _real(penalty),
                               np.array([power]), _real(2.0 * x)[None],
                               np.full(2 * x.size, np.sqrt(2.0 * data.pmax)))


def direct_kkt(data: P2Data, v: np.ndarray) -> float:
    """KKT residual of direct transmission's max–min multicast at v (module docstring)."""
    pieces, grads = _log_snr_grads(data.g.conj() / np.sqrt(data.sigma2), v, 1.0)
    power = float(np.real(np.vdot(v, v))) - data.pmax
    return maxmin_kkt_residual(pieces, _real(grads), np.zeros(2 * v.size), np.array([power]),
                               _real(2.0 * v)[None], np.full(2 * v.size, np.sqrt(data.pmax)))


def q2_kkt(data: P2Data, z: np.ndarray, c: np.ndarray) -> float:
    """KKT residual of Q2 at (z, c), c the reflected amplitudes in units of σ (eq. (45))."""
    n1, m = z.size, c.size
    users, g_users = _log_snr_grads(data.Hs, z, 1.0)
    relay, g_relay = _log_snr_grads(np.sqrt(data.sigma2) * data.hs.conj()[None], c, 1.0)
    grads = np.zeros((m + 1, n1 + m), dtype=np.complex128)
    grads[:m, :n1], grads[m, n1:] = g_users, g_relay[0]
    leak = data.sigma2 * eve_leak(data, c)
    penalty = np.concatenate([np.zeros(n1), 2.0 * data.sigma2 * data.je * c]) / (
        LN2 * (1.0 + leak))
    amp = data.Hs @ z
    cons = np.append(float(np.real(np.vdot(z, z))) - data.pmax, np.abs(c) ** 2 - np.abs(amp) ** 2)
    cons_grads = np.zeros((m + 1, n1 + m), dtype=np.complex128)
    cons_grads[0, :n1] = 2.0 * z
    cons_grads[1:, :n1] = -2.0 * amp[:, None] * data.Hs.conj()
    cons_grads[1:, n1:] = np.diag(2.0 * c)
    cmax = np.sqrt(data.pmax) * np.linalg.norm(data.Hs, axis=1)
    scale = np.concatenate([np.full(n1, np.sqrt(data.pmax)), cmax])
    return maxmin_kkt_residual(np.append(users, relay), _real(grads), _real(penalty), cons,
                               _real(cons_grads), np.concatenate([scale, scale]))


def result_kkt(data: P2Data, scheme: str, v: np.ndarray, w: np.ndarray) -> float:
    """KKT residual of a method's returned (v, w) for the problem it solves.

    ``scheme`` is the method (for ``hybrid`` the mode it chose): ``"direct"`` ->
    :func:`direct_kkt`, ``"irs"`` -> :func:`q2_kkt` (``w`` holds c [√W]), any AAUC method ->
    :func:`p2_kkt`.
    """
    if scheme == "direct":
        return direct_kkt(data, v)
    if scheme == "irs":
        return q2_kkt(data, data.z_of(v), w / np.sqrt(data.sigma2))
    return p2_kkt(data, data.z_of(v), w)
