"""Typed errors raised by fastsec.

Input validation raises the built-in ``ValueError``/``TypeError`` (subclassed here so a caller
can catch fastsec's own), and numerical failures raise :class:`SolverError` carrying the
solver's status, so that a failure is never a silent NaN.
"""

from __future__ import annotations


class FastsecError(Exception):
    """Base class of every error fastsec raises on purpose."""


class ParameterError(FastsecError, ValueError):
    """A parameter is out of its allowed range (names the parameter and the range)."""


class ParameterTypeError(FastsecError, TypeError):
    """A parameter has the wrong type, shape or dtype."""


class SolverError(FastsecError, RuntimeError):
    """A numerical solver did not return a usable solution.

    Attributes
    ----------
    solver : str
        The solver that failed (``"CLARABEL"``, ``"MOSEK"``, ``"mirror-prox"``, ...).
    status : str
        The status it reported (e.g. ``"infeasible"``, ``"numerical_error"``).

    """

    def __init__(self, message: str, *, solver: str = "", status: str = "") -> None:
        super().__init__(message)
        self.solver = solver
        self.status = status


class ConvergenceWarning(UserWarning):
    """An iterative method stopped on its iteration cap before meeting its tolerance."""


class RunWarning(UserWarning):
    """A study run went on differently than asked, and says how in one line.

    For example: workers could not start and the run went serially, or a damaged results
    file was set aside and its rows are recomputed.
    """
