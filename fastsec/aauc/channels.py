"""Random drops of the AAUC system: positions and Rician channels (paper 000, Sec. II, VII).

:func:`draw` makes one :class:`~fastsec.aauc.Drop`, :func:`draw_batch` many at once as a
:class:`DropBatch` (stacked arrays, one Numba kernel call), and :func:`draw_at` draws the
channels for given positions (a fixed geometry such as the paper's Fig. 2a). All three draw
in the order documented in :mod:`fastsec.kernels.aauc.channels`, so ``draw_batch(s, rng, n)``
equals ``n`` successive ``draw(s, rng)`` calls on a generator in the same state.

Placements (``Scenario.placement``):

- ``"segment"`` (Sec. VII): D_k ~ U(d_min_m, d_max_m) (or ``common_distance_m``),
  θ_k ~ U(-π, π), eavesdropper on the segment BS-user K: D_E ~ U(0, D_K), θ_E = θ_K.
- ``"off_angle"`` (Sec. VII-D): θ_k ~ U(0, π), D_k ~ U(d_min_m, d_max_m) for k < K and
  D_K = ``d_far_m``; eavesdropper at D_E ~ U(d_min_m, d_max_m), θ_E ~ U(-π, 0).

``Scenario.rayleigh`` sets K_R = 0 (pure Rayleigh fading) for every link.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from fastsec._validate import check_array, check_int, check_real
from fastsec.aauc.scenario import Drop, Scenario, check_drop_arrays
from fastsec.errors import ParameterError, ParameterTypeError
from fastsec.kernels.aauc import channels as _k

_PLACEMENT_CODES = {"segment": _k.SEGMENT, "off_angle": _k.OFF_ANGLE}


@dataclass(frozen=True, eq=False)
class DropBatch:
    """Many drops of one :class:`Scenario`, stacked along a leading drops axis B.

    Same field names as :class:`~fastsec.aauc.Drop`; ``batch[i]`` is drop ``i`` as a ``Drop``
    (with copies of its rows) and ``len(batch)`` is B.

    Attributes
    ----------
    scenario : Scenario
    D, theta : ndarray, shape (B, K), float64
        User distances [m] and azimuths [rad].
    D_E, theta_E : ndarray, shape (B,), float64
        Eavesdropper distance [m] and azimuth [rad].
    g : ndarray, shape (B, K, N), complex128
        BS-to-user channels (eq. (1)-(2)).
    h_K, h_E : ndarray, shape (B, K-1), complex128
        Helping-users-to-user-K and to-eavesdropper channels (eq. (9)).
    g_E : ndarray, shape (B, N), complex128
        BS-to-eavesdropper channel (eq. (1)).

    """

    scenario: Scenario
    D: np.ndarray
    theta: np.ndarray
    D_E: np.ndarray
    theta_E: np.ndarray
    g: np.ndarray
    h_K: np.ndarray
    h_E: np.ndarray
    g_E: np.ndarray

    def __post_init__(self) -> None:
        if not isinstance(self.scenario, Scenario):
            raise ParameterTypeError(f"DropBatch.scenario must be a fastsec.aauc.Scenario, got "
                                     f"{type(self.scenario).__name__}")
        B = self.D.shape[0] if isinstance(self.D, np.ndarray) and self.D.ndim == 2 else -1
        for name in ("D_E", "theta_E"):
            arr = getattr(self, name)
            if not isinstance(arr, np.ndarray) or arr.shape != (B,) or not np.all(np.isfinite(arr)):
                raise ParameterError(f"DropBatch.{name} must be a finite array of shape (B,) "
                                     f"with B = len(D)")
        check_drop_arrays("DropBatch", self.scenario, (B,), (self.D, self.theta, self.g,
                                                              self.h_K, self.h_E, self.g_E))

    def __len__(self) -> int:
        return self.D.shape[0]

    @classmethod
    def from_drops(cls, drops: list[Drop]) -> DropBatch:
        """Stack drops of one scenario (equal :class:`Scenario`) into a batch."""
        if not drops or not all(isinstance(d, Drop) for d in drops):
            raise ParameterTypeError("drops must be a non-empty list of fastsec.aauc.Drop")
        s = drops[0].scenario
        if any(d.scenario != s for d in drops):
            raise ParameterError("drops must share one Scenario")
        fields = ("D", "theta", "D_E", "theta_E", "g", "h_K", "h_E", "g_E")
        scalar = ("D_E", "theta_E")
        return cls(s, *(np.array([getattr(d, name) for d in drops], dtype=np.float64)
                        if name in scalar else np.stack([getattr(d, name) for d in drops])
                        for name in fields))

    def __getitem__(self, i: int) -> Drop:
        i = check_int("i", i, -len(self), len(self) - 1)
        return Drop._valid(self.scenario, self.D[i].copy(), self.theta[i].copy(),
                           float(self.D_E[i]), float(self.theta_E[i]), self.g[i].copy(),
                           self.h_K[i].copy(), self.h_E[i].copy(), self.g_E[i].copy())


def draw(scenario: Scenario, rng: np.random.Generator) -> Drop:
    """Draw one drop: positions, g_1..g_K, g_E (eq. (1)-(2)), h_K and h_E (eq. (9)).

    Parameters
    ----------
    scenario : Scenario
        Parameters and placement (see the module docstring).
    rng : numpy.random.Generator
        Source of randomness; advanced by exactly the draws of one drop.

    Returns
    -------
    Drop
        Identical to ``draw_batch(scenario, rng, 1)[0]`` for a generator in the same state.

    """
    _check_scenario_rng(scenario, rng)
    D, theta, D_E, theta_E, g, h_K, h_E, g_E = _draw(scenario, rng, 1)
    return Drop._valid(scenario, D[0], theta[0], float(D_E[0]), float(theta_E[0]), g[0],
                       h_K[0], h_E[0], g_E[0])


def draw_batch(scenario: Scenario, rng: np.random.Generator, drops: int) -> DropBatch:
    """Draw ``drops`` independent drops with one Numba kernel call.

    Parameters
    ----------
    scenario : Scenario
        Parameters and placement (see the module docstring).
    rng : numpy.random.Generator
        Source of randomness.
    drops : int
        Number of drops B >= 1.

    Returns
    -------
    DropBatch
        Arrays with a leading axis of length B; drop ``i`` equals the ``i``-th of B successive
        :func:`draw` calls on a generator in the same state.

    """
    _check_scenario_rng(scenario, rng)
    drops = check_int("drops", drops, 1)
    return DropBatch(scenario, *_draw(scenario, rng, drops))


def draw_at(scenario: Scenario, rng: np.random.Generator, D: npt.ArrayLike, theta: npt.ArrayLike,
            D_E: float, theta_E: float | None = None) -> Drop:
    """Draw the channels of one drop at given positions (no position draws).

    Parameters
    ----------
    scenario : Scenario
        Supplies N, K, K_R, α and ϱ0; its placement options are not used.
    rng : numpy.random.Generator
        Advanced by the channel draws only (step 2 of the documented order).
    D : array_like, shape (K,)
        User distances D_k [m], > 0.
    theta : array_like, shape (K,)
        User azimuths θ_k [rad], finite.
    D_E : float
        Eavesdropper distance [m], > 0.
    theta_E : float, optional
        Eavesdropper azimuth [rad]; default θ_K (on the segment BS-user K). No helping user
        may stand at user K's or the eavesdropper's position (eq. (9)'s path loss is
        infinite at distance 0).

    Returns
    -------
    Drop

    """
    _check_scenario_rng(scenario, rng)
    K, N = scenario.K, scenario.N
    D = check_array("D", D, shape=(K,), complex_ok=False)
    if np.any(D <= 0.0):
        raise ParameterError(f"D must be > 0 m, got min {D.min()}")
    theta = check_array("theta", theta, shape=(K,), complex_ok=False)
    D_E = check_real("D_E", D_E, 0.0, low_open=True)
    theta_E = float(theta[-1]) if theta_E is None else check_real("theta_E", theta_E)
    _check_apart(scenario, D, theta, D_E, theta_E)
    g = np.empty((K, N), dtype=np.complex128)
    g_E = np.empty(N, dtype=np.complex128)
    h_K = np.empty(K - 1, dtype=np.complex128)
    h_E = np.empty(K - 1, dtype=np.complex128)
    _k.draw_channels(rng, D, theta, D_E, theta_E,
                     (float(scenario.kr), float(scenario.alpha), float(scenario.rho0)),
                     (g, h_K, h_E, g_E), np.empty((2, K)))
    return Drop(scenario=scenario, D=D, theta=theta, D_E=D_E, theta_E=theta_E, g=g, h_K=h_K,
                h_E=h_E, g_E=g_E)


def _check_apart(scenario: Scenario, D: np.ndarray, theta: np.ndarray, D_E: float,
                 theta_E: float) -> None:
    """Raise unless every link of eq. (1)-(2), (9) has a finite path loss ϱ0 d^-α.

    The links: BS to each user and to the eavesdropper (D, D_E), each helping user to user
    K and to the eavesdropper. Positions that coincide (d = 0) or nearly (d^-α overflows)
    are rejected, naming the link.
    """
    helpers = D[:-1] * np.exp(1j * theta[:-1])
    links = [("D (BS to user k)", D), ("D_E (BS to the eavesdropper)", np.array([D_E]))]
    for name, at in (("user K", D[-1] * np.exp(1j * theta[-1])),
                     ("the eavesdropper", D_E * np.exp(1j * theta_E))):
        links.append((f"D, theta (helping user k to {name})", np.abs(helpers - at)))
    for name, d in links:
        with np.errstate(divide="ignore", over="ignore"):
            loss = scenario.rho0 * d ** -float(scenario.alpha)
        if not np.all(np.isfinite(loss)):
            k = int(np.argmax(~np.isfinite(loss))) + 1
            raise ParameterError(f"{name}: distance {d[k - 1]:.3g} m at k = {k} makes the "
                                 f"path loss rho0 d^-alpha infinite; positions must be apart")


def _check_scenario_rng(scenario: object, rng: object) -> None:
    if not isinstance(scenario, Scenario):
        raise ParameterTypeError(f"scenario must be a fastsec.aauc.Scenario, got "
                                 f"{type(scenario).__name__}")
    if not isinstance(rng, np.random.Generator):
        raise ParameterTypeError(f"rng must be a numpy.random.Generator, got "
                                 f"{type(rng).__name__}")


def _draw(s: Scenario, rng: np.random.Generator, B: int) -> tuple[np.ndarray, ...]:
    """B drops by one kernel call, as arrays in the order of DropBatch's fields after scenario."""
    K, N = s.K, s.N
    out = (np.empty((B, K)), np.empty((B, K)), np.empty(B), np.empty(B),
           np.empty((B, K, N), dtype=np.complex128), np.empty((B, K - 1), dtype=np.complex128),
           np.empty((B, K - 1), dtype=np.complex128), np.empty((B, N), dtype=np.complex128))
    common = -1.0 if s.common_distance_m is None else float(s.common_distance_m)
    _k.draw_drops(rng, _PLACEMENT_CODES[s.placement],
                  (common, float(s.d_min_m), float(s.d_max_m), float(s.d_far_m)),
                  (s.kr, float(s.alpha), s.rho0), out)
    return out
