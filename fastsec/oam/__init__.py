"""Double-RIS-assisted OAM near-field secure communications (paper 002).

Scene and link parameters (:class:`Scenario`, presets in :data:`PRESETS`), geometry
(:func:`geometry`), near-field channels (:func:`channels`, eq. (9)), OAM/JiMa signalling
(:mod:`fastsec.oam.signalling`), per-mode SINRs and secrecy rate (:func:`secrecy_rate`,
eq. (14)-(19)), the eavesdropper's bit error rate by symbol-level simulation
(:func:`eve_ber`), and RMCG-AO with the paper's baselines (:func:`optimize`, Algorithm 1).
"""

from fastsec.oam.ber import BERResult, eve_ber
from fastsec.oam.channels import Channels, channels, channels_batch
from fastsec.oam.geometry import Geometry, geometry
from fastsec.oam.optimize import SCHEMES, OAMResult, optimize
from fastsec.oam.rates import Rates, secrecy_rate, stream_matrices
from fastsec.oam.scenario import PRESETS, Scenario
from fastsec.oam.signalling import (
    dft_matrix,
    idft_matrix,
    sn_pair,
    sn_pair_count,
    sn_pairs,
    zadoff_chu,
)

__all__ = [
    "PRESETS",
    "SCHEMES",
    "BERResult",
    "Channels",
    "Geometry",
    "OAMResult",
    "Rates",
    "Scenario",
    "channels",
    "channels_batch",
    "dft_matrix",
    "eve_ber",
    "geometry",
    "idft_matrix",
    "optimize",
    "secrecy_rate",
    "sn_pair",
    "sn_pair_count",
    "sn_pairs",
    "stream_matrices",
    "zadoff_chu",
]
