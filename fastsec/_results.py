"""What the result objects of both papers share: core names, a short repr and ``to_dict``.

:class:`AAUCResult` (paper 000) and :class:`OAMResult` (paper 002) both expose
:data:`CORE`: ``method``, ``secrecy_rate`` [bit/s/Hz], ``objective``, ``iterations``,
``converged``, ``seconds`` [s] and ``solver``. Their ``repr`` shows only those (an array
field would make it thousands of characters) and ``to_dict()`` returns every field as plain
Python: arrays as lists (complex arrays as ``{"real": [...], "imag": [...]}``), nested
dataclasses as dicts, so that ``json.dumps(result.to_dict())`` works.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

#: Names every result object of both papers has, in the order its repr shows them.
CORE = ("method", "secrecy_rate", "objective", "iterations", "converged", "seconds", "solver")


def plain(value: Any) -> Any:
    """Return ``value`` as JSON-serialisable Python (see the module docstring)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return out | {name: plain(getattr(value, name))
                      for name in getattr(value, "DERIVED", ())}
    if isinstance(value, np.ndarray | np.generic):
        if np.iscomplexobj(value):
            return {"real": plain(np.real(value)), "imag": plain(np.imag(value))}
        return value.tolist()
    if isinstance(value, complex):
        return {"real": value.real, "imag": value.imag}
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _short(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return f"{float(value):.6g}"
    return repr(value)


class ResultMixin:
    """Short ``repr`` (the :data:`CORE` names only) and ``to_dict`` for a result dataclass.

    The dataclass must be declared with ``repr=False`` so that this ``__repr__`` is kept.
    Names in the class attribute ``DERIVED`` (properties) are added to ``to_dict``; names in
    ``REPR_FIRST`` are shown before the core ones.
    """

    DERIVED: tuple[str, ...] = ()
    REPR_FIRST: tuple[str, ...] = ()

    def __repr__(self) -> str:
        core = ", ".join(f"{name}={_short(getattr(self, name))}"
                         for name in (*self.REPR_FIRST, *CORE))
        return f"{type(self).__name__}({core})"

    def to_dict(self) -> dict[str, Any]:
        """Return every field (and derived core name) as plain, JSON-serialisable Python."""
        return plain(self)
