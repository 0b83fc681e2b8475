"""Problem P2 of paper 000 on plain arrays: data, null space, objective and rates.

Every AAUC solver works on a :class:`P2Data` (built once per drop by :func:`p2_data`): the
helping users' channels projected on the null space of g_K and scaled to SNR units, so the
solvers' numbers are O(1) whatever the path loss. Notation (paper 000, Sec. IV-B):

- U (N, N-1): orthonormal basis of the null space of g_K^H (v = U z, eq. (18)), applied
  through a Householder reflector and never formed.
- ``Hs`` (K-1, N-1): row k is g_k^H U / σ, so |g_k^H v|² / σ² = |Hs[k] @ z|².
- ``hs`` (K-1,): h_K / σ, so |h_K^H w|² / σ² = |hs^H w|².
- ``je`` (K-1,): λ J / σ_E², so λ w^H J w / σ_E² = Σ je |w|².

All users share one noise power σ² (Sec. VII), which is what :class:`~fastsec.aauc.Scenario`
provides.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fastsec._validate import check_array
from fastsec.aauc.scenario import Drop
from fastsec.errors import ParameterError


@dataclass(frozen=True, eq=False)
class P2Data:
    """Arrays of problem P2 for one drop (paper 000, eq. (18)-(20)).

    Attributes
    ----------
    u : ndarray, shape (N,), complex128
        Householder vector of g_K (:func:`householder`); U = (I − 2 u u^H)[:, 1:].
    Hs : ndarray, shape (K-1, N-1), complex128
        Row k is g_k^H U / σ [1/√W].
    hs_row2 : ndarray, shape (K-1,), float64
        ‖U^H g_k‖² / σ² [1/W], the squared row norms of Hs (eq. (24), (25)).
    hs : ndarray, shape (K-1,), complex128
        h_K / σ [1/√W].
    je : ndarray, shape (K-1,), float64
        λ J_k / σ_E² [1/W], the eavesdropper weight of each helper (eq. (13)).
    pmax : float
        Power budget P_max [W] (eq. (11a)).
    g : ndarray, shape (K, N), complex128
        The drop's BS-to-user channels (rows g_k).
    hs_e : ndarray, shape (K-1,), complex128
        h_E / σ_E [1/√W], the realised helpers-to-eavesdropper channel.
    gs_e : ndarray, shape (N,), complex128
        g_E / σ_E [1/√W], the realised BS-to-eavesdropper channel.
    sigma2 : float
        User noise power σ² [W].

    """

    u: np.ndarray
    Hs: np.ndarray
    hs_row2: np.ndarray
    hs: np.ndarray
    je: np.ndarray
    pmax: float
    g: np.ndarray
    hs_e: np.ndarray
    gs_e: np.ndarray
    sigma2: float

    def v_of(self, z: np.ndarray) -> np.ndarray:
        """BS beamformer v = U z [√W], shape (N,)."""
        v = np.concatenate([[0.0], z]).astype(np.complex128)
        return v - 2.0 * self.u * np.vdot(self.u, v)

    def z_of(self, v: np.ndarray) -> np.ndarray:
        """Null-space coordinates z = U^H v [√W], shape (N-1,)."""
        return (v - 2.0 * self.u * np.vdot(self.u, v))[1:]

    @property
    def n_help(self) -> int:
        """Number of helping users K-1."""
        return self.Hs.shape[0]


def householder(g_K: np.ndarray) -> np.ndarray:
    """Return the unit vector u of the Householder reflector H = I − 2 u u^H: H g_K ∥ e_1.

    The last N − 1 columns of H are an orthonormal basis U of the null space of g_K^H
    (paper 000, Sec. IV-B), so v = U z and z = U^H v cost O(N) without forming U.

    Parameters
    ----------
    g_K : ndarray, shape (N,), complex128
        Channel of the attacked user.

    Returns
    -------
    ndarray, shape (N,), complex128

    """
    u = g_K.astype(np.complex128, copy=True)
    phase = u[0] / abs(u[0]) if u[0] != 0 else 1.0
    u[0] += phase * np.linalg.norm(g_K)
    return u / np.linalg.norm(u)


def p2_data(drop: Drop, J: object) -> P2Data:
    """Build the P2 arrays of a drop.

    Parameters
    ----------
    drop : Drop
        Positions and channels (validated on construction: shapes and finiteness).
    J : array_like, shape (K-1,), float64
        Diagonal J_1..J_{K-1} of the angular matrix (eq. (12)) [W/W, a path-loss gain].

    Returns
    -------
    P2Data

    """
    if not isinstance(drop, Drop):
        raise ParameterError(f"drop must be a fastsec.aauc.Drop, got {type(drop).__name__}")
    sc = drop.scenario
    J = check_array("J", J, shape=(sc.K - 1,), complex_ok=False)
    if np.any(J < 0):
        raise ParameterError("J must be non-negative (it is an average path loss)")
    sigma = np.sqrt(sc.sigma2_w)
    sigma_e = np.sqrt(sc.sigma_e2_w)
    g = drop.g
    if not np.linalg.norm(g[-1]) > 0:
        raise ParameterError("drop.g[K-1] (g_K) must be non-zero")
    u = householder(g[-1])
    helpers = g[:-1].conj()  # rows g_k^H; g_k^H U = (g_k^H H)[1:], H = I − 2 u u^H
    Hs = helpers[:, 1:] - (2.0 * (helpers @ u))[:, None] * u[1:].conj()
    Hs /= sigma
    parts = Hs.view(np.float64)  # (K-1, 2(N-1)): real and imaginary parts
    return P2Data(u=u, Hs=Hs, hs_row2=np.einsum("ij,ij->i", parts, parts), hs=drop.h_K / sigma,
                  je=sc.lam * J / sc.sigma_e2_w, pmax=sc.pmax_w, g=g, hs_e=drop.h_E / sigma_e,
                  gs_e=drop.g_E / sigma_e, sigma2=sc.sigma2_w)


def row_space(Hs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Orthonormal basis Q of range(Hs^H) and Hs Q, exactly lower triangular.

    P2 sees z only through Hs z and ‖z‖, so an optimal z lies in range(Hs^H) and z = Q β is
    exact. With Hs^H = Q R (QR factorisation), Hs Q = R^H: triangular, half the non-zeros.

    Parameters
    ----------
    Hs : ndarray, shape (K-1, N-1), complex128
        Helpers' channels in SNR units (:class:`P2Data`).

    Returns
    -------
    Q : ndarray, shape (N-1, r), complex128
        r = min(K-1, N-1).
    Hq : ndarray, shape (K-1, r), complex128
        Hs Q (= R^H, zeros above the diagonal).

    """
    q, rq = np.linalg.qr(Hs.conj().T)
    return q, np.ascontiguousarray(rq.conj().T)


def eve_leak(data: P2Data, w: np.ndarray) -> float:
    """Angular-model eavesdropper SNR λ w^H J w / σ_E² (eq. (13))."""
    return float(np.sum(data.je * np.abs(w) ** 2))


def p2_objective(data: P2Data, z: np.ndarray, w: np.ndarray) -> float:
    """Objective of P2 [bit/s/Hz]: min(min_k Φ_k(z, w), Υ(w)) (paper 000, eq. (18)-(20)).

    Parameters
    ----------
    data : P2Data
        Arrays of the drop (:func:`p2_data`).
    z : ndarray, shape (N-1,), complex128
        Null-space coordinates of v = U z [√W].
    w : ndarray, shape (K-1,), complex128
        Helpers' beamformer [√W].

    """
    return common_rate(data, z, w) - float(0.5 * np.log2(1.0 + eve_leak(data, w)))


def common_rate(data: P2Data, z: np.ndarray, w: np.ndarray) -> float:
    """Users' common rate R of AAUC [bit/s/Hz] (paper 000, eq. (7), with the factor ½).

    Same arguments as :func:`p2_objective`.
    """
    snr_users = np.abs(data.Hs @ z) ** 2
    snr_k = np.abs(np.vdot(data.hs, w)) ** 2
    return float(0.5 * np.log2(1.0 + min(snr_users.min(), snr_k)))


def prop2_z(data: P2Data, power_w: float) -> np.ndarray:
    """Prop. 2 (eq. (24)) direction for z, rescaled onto ‖z‖² = ``power_w`` (finite N).

    Parameters
    ----------
    data : P2Data
        Arrays of the drop (:func:`p2_data`).
    power_w : float
        Power left for the multicasting phase, 2 P_max − ‖w‖² [W].

    Returns
    -------
    ndarray, shape (N-1,), complex128
        z = c Σ_k U^H g_k / ‖U^H g_k‖² with c chosen so that ‖z‖² = power_w. As N → ∞
        the columns are orthogonal and c equals eq. (24)'s factor.

    """
    direction = ((1.0 / data.hs_row2) @ data.Hs).conj()
    norm = np.linalg.norm(direction)
    return direction * (np.sqrt(max(power_w, 0.0)) / norm)


@dataclass(frozen=True, eq=False)
class Solution:
    """What one AAUC method found, before :func:`fastsec.aauc.solve` adds timing and checks.

    Attributes
    ----------
    v : ndarray, shape (N,), complex128
        BS beamformer [√W].
    w : ndarray, shape (K-1,), complex128
        Helpers' beamformer [√W] (for ``irs``: the reflected amplitudes c of eq. (45)).
    objective : float
        The method's model objective [bit/s/Hz] (P2 for the AAUC methods).
    rate : float
        The users' common rate R [bit/s/Hz] (eq. (7) for AAUC); :func:`fastsec.aauc.solve`
        turns it into the secrecy rates with the drop's eavesdropper channels.
    power_w : float
        Power used, in the method's own budget definition [W].
    history : ndarray, shape (iterations + 1,), float64
        Objective at the start point and after each outer iteration.
    iterations : int
        Outer iterations run.
    converged : bool
        Whether the stopping tolerance was met (closed forms: always true).
    stop_reason : str
        ``"closed_form"``, ``"tolerance"``, ``"iterations"`` or ``"no_ascent"``.
    solver : str
        Backend that did the work (``"CLARABEL"``, ``"numba"``, ``"numpy"``, ...).
    extras : dict
        Method-specific diagnostics (documented by each method).

    """

    v: np.ndarray
    w: np.ndarray
    objective: float
    rate: float
    power_w: float
    history: np.ndarray
    iterations: int
    converged: bool
    stop_reason: str
    solver: str
    extras: dict


def aauc_solution(data: P2Data, z: np.ndarray, w: np.ndarray, *, history: list[float],
                  converged: bool, stop_reason: str, solver: str,
                  extras: dict | None = None) -> Solution:
    """Package an AAUC point (z, w) of P2: v = U z, power (‖v‖² + ‖w‖²)/2 (eq. (11a))."""
    return Solution(
        v=data.v_of(z), w=w, objective=p2_objective(data, z, w),
        rate=common_rate(data, z, w),
        power_w=0.5 * float(np.real(np.vdot(z, z) + np.vdot(w, w))),
        history=np.asarray(history, dtype=np.float64), iterations=len(history) - 1,
        converged=converged, stop_reason=stop_reason, solver=solver, extras=extras or {})
