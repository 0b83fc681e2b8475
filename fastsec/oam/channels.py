"""Near-field LoS channels of the double-RIS OAM system (paper 002, eq. (9)).

Every entry is ``λ β / (4π d) · exp(-j 2π d / λ)`` with d the distance between the two
elements (:func:`fastsec.kernels.oam.nearfield.spherical_wave`). Rows index receive elements and
columns transmit elements, in the element order of :mod:`fastsec.oam.geometry`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from fastsec.errors import ParameterError, ParameterTypeError
from fastsec.kernels.oam.nearfield import spherical_wave
from fastsec.oam.geometry import geometry
from fastsec.oam.scenario import Scenario

#: The five links of eq. (9): (name, receive array, transmit array, attenuation field).
LINKS = (
    ("H_AR1", "ris1", "alice", "beta_ar1"),
    ("H_R1R2", "ris2", "ris1", "beta_r1r2"),
    ("H_R2B", "bob", "ris2", "beta_r2b"),
    ("H_AE", "eve", "alice", "beta_ae"),
    ("H_R1E", "eve", "ris1", "beta_r1e"),
)

#: Links per topology (``Scenario.topology``). A single surface at RIS1's place keeps RIS1's
#: links and reaches Bob directly; one at RIS2's place keeps RIS2's links and its link to Eve
#: is blocked. A ``None`` transmit array marks the single surface's identity RIS1 -> RIS2 hop
#: (H_R1R2 = I, so the cascade of eq. (11) is unchanged) or a blocked link (H_R1E = 0).
TOPOLOGY_LINKS = {
    "double": LINKS,
    "single_ris1": (
        ("H_AR1", "ris1", "alice", "beta_ar1"),
        ("H_R1R2", None, None, None),
        ("H_R2B", "bob", "ris1", "beta_r2b"),
        ("H_AE", "eve", "alice", "beta_ae"),
        ("H_R1E", "eve", "ris1", "beta_r1e"),
    ),
    "single_ris2": (
        ("H_AR1", "ris2", "alice", "beta_ar1"),
        ("H_R1R2", None, None, None),
        ("H_R2B", "bob", "ris2", "beta_r2b"),
        ("H_AE", "eve", "alice", "beta_ae"),
        ("H_R1E", "eve", None, None),
    ),
}


@dataclass(frozen=True, eq=False)
class Channels:
    """Channel matrices of one scene, or of a batch of B scenes (leading axis).

    Attributes
    ----------
    H_AR1 : ndarray, shape ([B,] Q1, N), complex128
        Alice -> RIS1.
    H_R1R2 : ndarray, shape ([B,] Q2, Q1), complex128
        RIS1 -> RIS2.
    H_R2B : ndarray, shape ([B,] N, Q2), complex128
        RIS2 -> Bob.
    H_AE : ndarray, shape ([B,] N_E, N), complex128
        Alice -> Eve (direct).
    H_R1E : ndarray, shape ([B,] N_E, Q1), complex128
        RIS1 -> Eve (RIS2 -> Eve is blocked; see the errata in PAPERS.md).

    """

    H_AR1: np.ndarray
    H_R1R2: np.ndarray
    H_R2B: np.ndarray
    H_AE: np.ndarray
    H_R1E: np.ndarray


def channels(scenario: Scenario) -> Channels:
    """Compute the five channel matrices of ``scenario`` (paper 002, eq. (9)).

    Single-RIS topologies (``scenario.topology``) fill them per :data:`TOPOLOGY_LINKS`.

    Parameters
    ----------
    scenario : Scenario
        The scene.

    Returns
    -------
    Channels
        Unbatched matrices (no leading axis).

    """
    batch = channels_batch([scenario])
    return Channels(**{name: getattr(batch, name)[0] for name, *_ in LINKS})


def channels_batch(scenarios: Sequence[Scenario]) -> Channels:
    """Channel matrices of many scenes with one kernel call per link (paper 002, eq. (9)).

    Parameters
    ----------
    scenarios : sequence of Scenario
        B >= 1 scenes with equal ``N``, ``N_E``, ``Q1`` and ``Q2`` (geometry, wavelength and
        attenuations may differ).

    Returns
    -------
    Channels
        Matrices with a leading batch axis of length B.

    """
    scenarios = list(scenarios)
    if not scenarios:
        raise ParameterError("scenarios must contain at least one Scenario, got none")
    for i, s in enumerate(scenarios):
        if not isinstance(s, Scenario):
            raise ParameterTypeError(f"scenarios[{i}] must be a Scenario, got {type(s).__name__}")
    sizes = {(s.N, s.N_E, s.Q1, s.Q2, s.topology) for s in scenarios}
    if len(sizes) != 1:
        raise ParameterError("scenarios must share (N, N_E, Q1, Q2, topology) to be batched, "
                             f"got {sizes}")
    geoms = [geometry(s) for s in scenarios]
    wavelength = np.array([s.wavelength_m for s in scenarios])
    out = {}
    s0 = scenarios[0]
    for name, rx_name, tx_name, beta_name in TOPOLOGY_LINKS[s0.topology]:
        if tx_name is None:  # identity hop of a single surface / blocked link to Eve
            shape = (len(scenarios), s0.N_E if name == "H_R1E" else s0.Q2, s0.Q1)
            out[name] = np.zeros(shape, dtype=np.complex128)
            if name == "H_R1R2":
                out[name][:] = np.eye(s0.Q1)
            continue
        assert rx_name is not None and beta_name is not None  # only the transmitter may be
        rx = np.ascontiguousarray([getattr(g, rx_name) for g in geoms])
        tx = np.ascontiguousarray([getattr(g, tx_name) for g in geoms])
        beta = np.array([getattr(s, beta_name) for s in scenarios])
        out[name] = np.empty((len(scenarios), rx.shape[1], tx.shape[1]), dtype=np.complex128)
        spherical_wave(rx, tx, wavelength, beta, out[name])
    return Channels(**out)
