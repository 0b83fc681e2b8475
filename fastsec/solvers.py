"""Choice of the conic solver behind cvxpy, and a checked ``solve``.

MOSEK is used only when it is importable *and* a licence can be checked out (tested once per
process, cheaply, without crashing); otherwise Clarabel. Every call can override the choice.
:func:`solve` never returns a bad iterate silently: anything but ``optimal`` is retried with
tighter settings and then raised as :class:`~fastsec.errors.SolverError` with the status.
Every solve is cold (``warm_start=False``): a once-built problem re-solved with new parameters
returns what its parameters determine, whatever was solved before it (cvxpy warm-starts by
default, and Clarabel's warm-started iterates moved SDR-AO's R_s by up to 1 % between two
identical calls in one process).
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import cvxpy as cp

from fastsec.errors import ParameterError, SolverError

#: Accepted values of every ``solver=`` option (``"auto"`` picks :func:`default_solver`).
SOLVER_CHOICES = ("auto", "MOSEK", "CLARABEL", "SCS")

#: Extra settings for a second attempt after a non-optimal status, per solver.
#: (The third and last attempt uses :data:`_LAST_RESORT` alone.)
_TIGHTENED: dict[str, dict[str, Any]] = {
    "CLARABEL": {"max_iter": 500, "tol_gap_abs": 1e-10, "tol_gap_rel": 1e-10, "tol_feas": 1e-10,
                 "static_regularization_constant": 1e-7},
    "MOSEK": {"mosek_params": {"MSK_DPAR_INTPNT_CO_TOL_REL_GAP": 1e-10}},
    "SCS": {"eps_abs": 1e-9, "eps_rel": 1e-9, "max_iters": 100_000},
}
#: Settings of a last attempt, per solver, replacing the caller's: 1e-7 tolerances and
#: shorter interior-point steps (0.9 of the way to the cone boundary instead of 0.99).
#: Nearly converged SCO steps are degenerate (every piece active) and Clarabel can stall a
#: hair above its 1e-8 tolerances, or on "insufficient progress" at about 1e-3 gap (3 of 50
#: drops of aauc-fig5a at K = 100 before this rung, 0 of 180 with it).
_LAST_RESORT = {
    "CLARABEL": {"tol_feas": 1e-7, "tol_gap_abs": 1e-7, "tol_gap_rel": 1e-7,
                 "max_step_fraction": 0.9},
}


@functools.cache
def mosek_licensed() -> bool:
    """Whether MOSEK is importable and a licence can be checked out (cached per process)."""
    try:
        import mosek
    except Exception:  # not installed, or a broken install: fall back quietly
        return False
    try:
        with mosek.Env() as env:
            env.checkoutlicense(mosek.feature.pton)
        return "MOSEK" in installed_solvers()
    except Exception:  # mosek.Error: no licence file, expired, server unreachable
        return False


@functools.cache
def installed_solvers() -> tuple[str, ...]:
    """Installed cvxpy solvers, looked up once per process (the lookup costs milliseconds)."""
    return tuple(cp.installed_solvers())


def default_solver() -> str:
    """``"MOSEK"`` when licensed, else ``"CLARABEL"``."""
    return "MOSEK" if mosek_licensed() else "CLARABEL"


def resolve_solver(solver: str | None = "auto") -> str:
    """Map a ``solver=`` option to a cvxpy solver name, checking it is usable here."""
    if solver is None or solver == "auto":
        return default_solver()
    if solver not in SOLVER_CHOICES:
        raise ParameterError(f"solver must be one of {list(SOLVER_CHOICES)}, got {solver!r}")
    if solver == "MOSEK" and not mosek_licensed():
        raise ParameterError("solver='MOSEK' requested but MOSEK is not installed and licensed")
    if solver not in installed_solvers():
        raise ParameterError(f"solver={solver!r} is not installed (have {installed_solvers()})")
    return solver


def solve(problem: cp.Problem, solver: str | None = "auto", **settings) -> float:
    """Solve ``problem`` and return its optimal value, or raise :class:`SolverError`.

    A status other than ``optimal`` triggers a retry with tightened settings
    (:data:`_TIGHTENED` over ``settings``), then, where the solver has one, a last attempt with
    :data:`_LAST_RESORT`; if that also fails the error carries the solver name and its last
    status. cvxpy's "Solution may be inaccurate" warning is not propagated: the status behind
    it is acted on here.
    """
    name = resolve_solver(solver)
    status = "not run"
    attempts = [settings, {**settings, **_TIGHTENED.get(name, {})}]
    if name in _LAST_RESORT:
        attempts.append(_LAST_RESORT[name])
    for attempt in attempts:
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="Solution may be inaccurate")
                value = problem.solve(solver=name, **{"warm_start": False, **attempt})
            status = problem.status
        except cp.error.SolverError as exc:
            status = f"solver error: {exc}"
            continue
        if status == cp.OPTIMAL:
            return float(value)
    raise SolverError(f"{name} did not solve the problem (status {status})", solver=name,
                      status=status)
