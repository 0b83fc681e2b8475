"""fastsec: fast physical-layer-security optimisation for wireless networks.

Subpackages: :mod:`fastsec.aauc` (paper 000, angle-aware user cooperation in Rician massive
MIMO) and :mod:`fastsec.oam` (paper 002, double-RIS OAM near-field secure communications);
:mod:`fastsec.kernels` holds the Numba hot paths.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("fastsec")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
