"""fastsec: fast physical-layer-security optimisation for wireless networks.

Subpackages: :mod:`fastsec.aauc` (paper 000, angle-aware user cooperation in Rician massive
MIMO) and :mod:`fastsec.oam` (paper 002, double-RIS OAM near-field secure communications);
:mod:`fastsec.kernels` holds the Numba hot paths.
"""

#: The package version: defined here only (pyproject.toml reads it, CITATION.cff omits it).
__version__ = "0.1.0"
