"""Input checks shared by the public wrappers.

Each check raises :class:`~fastsec.errors.ParameterError` (a ``ValueError``) or
:class:`~fastsec.errors.ParameterTypeError` (a ``TypeError``) whose message names the
parameter, the value received and the allowed range, before any work starts.
"""

from __future__ import annotations

import math
import warnings
from numbers import Integral, Real

import numpy as np

from fastsec.errors import ParameterError, ParameterTypeError


def check_int(name: str, value: object, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as ``int`` if it is an integer in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ParameterTypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"[{_fmt(low, '-inf')}, {_fmt(high, 'inf')}]"
        raise ParameterError(f"{name} must be in {bounds}, got {value}")
    return value


def check_real(
    name: str,
    value: object,
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite ``float`` in the given (half-)open or closed interval."""
    if isinstance(value, bool) or not isinstance(value, Real):
        kind = type(value).__name__
        raise ParameterTypeError(f"{name} must be a real number, got {kind} {value!r}")
    value = float(value)
    left, right = "(" if low_open else "[", ")" if high_open else "]"
    interval = f"{left}{_fmt(low, '-inf')}, {_fmt(high, 'inf')}{right}"
    if not math.isfinite(value):
        raise ParameterError(f"{name} must be finite and in {interval}, got {value}")
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if too_low or too_high:
        raise ParameterError(f"{name} must be in {interval}, got {value}")
    return value


def check_bool(name: str, value: object) -> bool:
    """Return ``value`` as ``bool`` if it is a ``bool`` (or a NumPy bool)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ParameterTypeError(f"{name} must be a bool, got {type(value).__name__} {value!r}")
    return bool(value)


def check_choice(name: str, value: object, choices: dict | tuple | list) -> str:
    """Return ``value`` if it is one of ``choices`` (an unknown value lists the valid ones)."""
    if not isinstance(value, str) or value not in choices:
        raise ParameterError(f"{name} must be one of {sorted(choices)}, got {value!r}")
    return value


def check_array(
    name: str,
    value: object,
    *,
    shape: tuple[int | None, ...] | None = None,
    ndim: int | None = None,
    complex_ok: bool = True,
    finite: bool = True,
) -> np.ndarray:
    """Return ``value`` as a C-contiguous float64/complex128 array of the expected shape.

    ``shape`` entries that are ``None`` match any length. Non-numeric input raises
    ``TypeError``; a wrong shape or a non-finite entry raises ``ValueError``.
    """
    arr = np.asarray(value)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise ParameterTypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        if not complex_ok:
            raise ParameterTypeError(f"{name} must be real, got a complex array")
        arr = np.ascontiguousarray(arr, dtype=np.complex128)
    else:
        arr = np.ascontiguousarray(arr, dtype=np.float64)
    if ndim is not None and arr.ndim != ndim:
        raise ParameterError(f"{name} must have {ndim} dimension(s), got shape {arr.shape}")
    if shape is not None:
        ok = arr.ndim == len(shape) and all(
            s is None or s == n for s, n in zip(shape, arr.shape, strict=True)
        )
        if not ok:
            want = "(" + ", ".join("*" if s is None else str(s) for s in shape) + ")"
            raise ParameterError(f"{name} must have shape {want}, got {arr.shape}")
    if finite and not np.all(np.isfinite(arr)):
        raise ParameterError(f"{name} must be finite (no NaN or inf)")
    return arr


def renamed_options(where: str, given: dict, renames: dict[str, str], current: dict) -> dict:
    """Map deprecated keyword names in ``given`` onto their new names in ``current``.

    Each old name warns (``DeprecationWarning``; kept for one release); an unknown name, or an
    old name given together with its new one, raises ``TypeError`` as Python does.
    ``current`` holds the new names' values as passed (``None`` when not passed).
    """
    out = dict(current)
    for old, value in given.items():
        if old not in renames:
            raise ParameterTypeError(f"{where}() got an unexpected keyword argument {old!r}")
        new = renames[old]
        if out[new] is not None:
            raise ParameterTypeError(f"{where}() got both {old!r} and its new name {new!r}")
        warnings.warn(f"{where}(): {old!r} is deprecated, use {new!r}", DeprecationWarning,
                      stacklevel=3)
        out[new] = value
    return out


def _fmt(bound: float | None, unbounded: str) -> str:
    if bound is None:
        return unbounded
    return f"{bound:g}" if isinstance(bound, float) else str(bound)
