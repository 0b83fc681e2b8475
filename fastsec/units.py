"""Unit conversions: decibels and dBm to linear ratios and watts, and back.

Inside fastsec every power is in watts [W] and every gain is a linear ratio; the
constructors accept the papers' dB/dBm values through fields whose names say so.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

#: ln 2: a rate in nats divided by ``LN2`` is in bits (log2 x = ln x / LN2).
LN2 = math.log(2.0)


def db_to_linear(x_db: ArrayLike) -> np.ndarray | float:
    """Convert a ratio in decibels [dB] to a linear ratio: ``10**(x_db/10)``."""
    return _scalar_or_array(10.0 ** (np.asarray(x_db, dtype=float) / 10.0))


def linear_to_db(x: ArrayLike) -> np.ndarray | float:
    """Convert a positive linear ratio to decibels [dB]: ``10 log10(x)``."""
    x = np.asarray(x, dtype=float)
    if np.any(x < 0) or np.any(np.isnan(x)):
        raise ValueError(f"linear_to_db: x must be >= 0, got {x}")
    with np.errstate(divide="ignore"):
        return _scalar_or_array(10.0 * np.log10(x))


def dbm_to_watts(p_dbm: ArrayLike) -> np.ndarray | float:
    """Convert a power in dBm to watts [W]: ``10**((p_dbm - 30)/10)``."""
    return _scalar_or_array(10.0 ** ((np.asarray(p_dbm, dtype=float) - 30.0) / 10.0))


def watts_to_dbm(p_w: ArrayLike) -> np.ndarray | float:
    """Convert a non-negative power in watts [W] to dBm: ``10 log10(p_w) + 30``."""
    p_w = np.asarray(p_w, dtype=float)
    if np.any(p_w < 0) or np.any(np.isnan(p_w)):
        raise ValueError(f"watts_to_dbm: p_w must be >= 0 W, got {p_w}")
    with np.errstate(divide="ignore"):
        return _scalar_or_array(10.0 * np.log10(p_w) + 30.0)


def _scalar_or_array(x: np.ndarray) -> np.ndarray | float:
    return float(x) if x.ndim == 0 else x
