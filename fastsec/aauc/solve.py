"""``fastsec.aauc.solve``: one entry point for every AAUC method (paper 000, Sec. IV-VII).

``solve(drop, method, **options)`` validates the drop and every option before any work,
runs the method from the table :data:`METHODS`, and returns an :class:`AAUCResult` with the
point, the objective and secrecy rate, the feasibility residuals, the history and the timing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import numpy as np

from fastsec._results import ResultMixin
from fastsec._validate import check_array, check_bool, check_choice, check_int, check_real
from fastsec.aauc import bfom as _bfom
from fastsec.aauc.angular import angular_matrix
from fastsec.aauc.closed_form import KERNEL_MODES, closed_form_drops
from fastsec.aauc.direct import direct
from fastsec.aauc.irs import irs
from fastsec.aauc.kkt import result_kkt
from fastsec.aauc.problem import P2Data, Solution, p2_data
from fastsec.aauc.sca_drops import SCA_MODES, run_fields, sca_drops
from fastsec.aauc.scenario import Drop
from fastsec.aauc.sco import SCA_TOL, sco
from fastsec.aauc.secrecy import RealisedSecrecy, realised_secrecy_rate
from fastsec.errors import ParameterError, ParameterTypeError
from fastsec.solvers import resolve_solver


@dataclass(frozen=True, eq=False, repr=False)
class AAUCResult(ResultMixin):
    """Result of :func:`solve` (contract: DESIGN.md).

    ``repr`` shows the core names shared with :class:`fastsec.oam.OAMResult` (method, secrecy
    rate, objective, iterations, converged, seconds, solver); ``to_dict()`` returns every
    field as plain Python (:mod:`fastsec._results`).

    Attributes
    ----------
    v : ndarray, shape (N,), complex128
        BS beamformer [√W].
    w : ndarray, shape (K-1,), complex128
        Helpers' beamformer [√W]; zero for ``direct``; the reflected amplitudes c for ``irs``.
    objective : float
        Model objective [bit/s/Hz]: P2 with the angular model (eq. (18)) for the AAUC
        methods, Q2 (eq. (45)) for ``irs``, the multicast rate for ``direct``.
    secrecy_rate : float
        Realised secrecy rate [R − R_E]^+ [bit/s/Hz] with the drop's eavesdropper channels,
        counting what the eavesdropper overhears in every phase: the BS's multicast through
        g_E and the helpers' relay through h_E
        (:func:`~fastsec.aauc.secrecy.realised_secrecy_rate`; ``docs/secrecy.md``).
    secrecy_rate_signed : float
        R − R_E without the clipping at zero [bit/s/Hz].
    secrecy_rate_eq6 : float
        The secrecy rate as eq. (6) counts it [bit/s/Hz]: the BS term g_E^H v dropped
        (phase-2 leakage only for AAUC, the reflected path only for ``irs``). Direct
        transmission does not null-steer g_K, so for ``direct`` it equals ``secrecy_rate``.
    rate : float
        The users' common rate R [bit/s/Hz] (eq. (7) for AAUC; log2(1 + min SNR) for the
        one-phase ``irs`` and ``direct``).
    power_w : float
        Power used [W]: (‖v‖² + ‖w‖²)/2 for AAUC (eq. (11a)), ‖v‖² for ``irs``/``direct``.
    power_residual_w : float
        ``power_w − P_max`` [W]; ≤ 0 when the budget holds.
    null_residual : float
        ``|g_K^H v| / (‖g_K‖ ‖v‖)`` (eq. (11b)); rounding-level for every AAUC method.
    kkt_residual : float
        How far the returned point is from a KKT point of the problem the method solves
        (P2 for the AAUC methods, closed forms included; Q2 for ``irs``; the max–min multicast
        for ``direct``; the chosen mode's for ``hybrid``): the smallest stacked norm of the
        stationarity and complementarity residuals over the multipliers, scale-free, 0 at a
        KKT point and O(1) where nothing cancels (:mod:`fastsec.aauc.kkt`,
        :mod:`fastsec.kernels.optim.kkt`). BFOM also keeps its saddle-point gaps in ``extras``.
    history : ndarray, shape (iterations + 1,), float64
        Objective at the start and after each outer iteration.
    iterations : int
        Outer iterations run.
    seconds : float
        Wall time of the method [s] (validation excluded).
    converged : bool
        Whether the method met its tolerance.
    stop_reason : str
        Why it stopped (``"closed_form"``, ``"tolerance"``, ``"iterations"``, ``"no_ascent"``).
    method : str
        The method run (``"hybrid"`` keeps its name; ``extras["chosen"]`` says which mode).
    solver : str
        Backend: cvxpy solver name, ``"numba"`` or ``"numpy"``.
    extras : Mapping
        Method-specific diagnostics (read-only), e.g. BFOM's inner iterations and gaps.

    """

    v: np.ndarray
    w: np.ndarray
    objective: float
    secrecy_rate: float
    secrecy_rate_signed: float
    secrecy_rate_eq6: float
    rate: float
    power_w: float
    power_residual_w: float
    null_residual: float
    kkt_residual: float
    history: np.ndarray
    iterations: int
    seconds: float
    converged: bool
    stop_reason: str
    method: str
    solver: str
    extras: Mapping


def _bfom_one(data: P2Data, **options) -> Solution:
    return _bfom.bfom_batch([data], **options)[0]


#: method -> (equal-length phases of its transmission, whether v null-steers g_K so that
#: eq. (6) drops g_E^H v); see :func:`~fastsec.aauc.secrecy.realised_secrecy_rate`.
SCHEMES = {"sco": (2, True), "closed_form": (2, True), "asymptotic": (2, True),
           "bfom": (2, True), "irs": (1, True), "direct": (1, False)}


def _realised(data: P2Data, sol: Solution, method: str) -> RealisedSecrecy:
    """Secrecy rates of a solution with the drop's realised g_E, h_E (σ_E-scaled in ``data``)."""
    return realised_secrecy_rate(sol.rate, sol.v, sol.w, data.gs_e, data.hs_e, 1.0,
                                 phases=SCHEMES[method][0])


def _hybrid(data: P2Data, **options) -> Solution:
    """Run SCO-based AAUC and direct transmission; keep the better by realised secrecy rate."""
    return choose(data, {"sco": sco(data, **options), "direct": direct(data, **options)})


def choose(data: P2Data, runs: Mapping[str, Solution]) -> Solution:
    """Pick the run with the higher realised secrecy rate (the hybrid; ``extras["chosen"]``)."""
    rates = {name: float(_realised(data, run, name).secrecy_rate) for name, run in runs.items()}
    chosen = max(runs, key=rates.__getitem__)
    best = runs[chosen]
    return replace(best, extras={**best.extras, "chosen": chosen, "secrecy_rates": rates})


def _positive_int(name: str, value: object) -> int:
    return check_int(name, value, 1)


def _positive_real(name: str, value: object) -> float:
    return check_real(name, value, 0.0, low_open=True)


def _solver(name: str, value: object) -> str:
    if value is not None and not isinstance(value, str):
        raise ParameterTypeError(f"{name} must be a solver name or None, got {value!r}")
    return resolve_solver(value)


_CVX_OPTIONS = {"iters": _positive_int, "tol": _positive_real, "solver": _solver,
                "rebuild": check_bool}
#: Methods whose surrogate runs in the compiled kernel by default, cvxpy with ``exact=True``.
_COMPILED_OPTIONS = {**_CVX_OPTIONS, "exact": check_bool}
#: Options that only the cvxpy path (``exact=True``) reads.
_EXACT_ONLY = ("solver", "rebuild")

#: method name -> (function of P2Data, {option: validator}); the closed forms map to the
#: batch function of the compiled kernel instead (:data:`KERNEL_MODES`).
METHODS: dict[str, tuple[Callable[..., Any], dict[str, Callable]]] = {
    "sco": (sco, _COMPILED_OPTIONS),
    "closed_form": (closed_form_drops, {}),
    "asymptotic": (closed_form_drops, {}),
    "bfom": (_bfom_one, {
        "variant": lambda n, v: check_choice(n, v, _bfom.VARIANTS),
        "iters": _positive_int, "tol": _positive_real,
        "inner_stop": lambda n, v: check_choice(n, v, _bfom.INNER_STOPS),
        "inner_tol": _positive_real, "max_inner": _positive_int}),
    "direct": (direct, _COMPILED_OPTIONS),
    "irs": (irs, _COMPILED_OPTIONS),
    "hybrid": (_hybrid, _COMPILED_OPTIONS),
}


def check_options(method: str, options: Mapping[str, object]) -> dict[str, Any]:
    """Check ``method`` and its ``options`` (see :func:`solve`); return the checked options."""
    check_choice("method", method, METHODS)
    allowed = METHODS[method][1]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise ParameterError(f"unknown option(s) {unknown} for method {method!r}; "
                             f"valid: {sorted(allowed)}")
    checked = {name: allowed[name](name, value) for name, value in options.items()}
    if "exact" in allowed and not checked.get("exact", False):
        given = sorted(set(checked) & set(_EXACT_ONLY))
        if given:
            raise ParameterError(f"option(s) {given} of method {method!r} apply to its cvxpy "
                                 "path only: pass exact=True as well")
    elif "solver" in allowed:
        checked.setdefault("solver", resolve_solver("auto"))
    return checked


def check_J(J: object, shape: tuple[int, ...]) -> np.ndarray:
    """Return the angular-matrix diagonal(s) ``J`` as float64 of ``shape``, finite and >= 0."""
    J = check_array("J", J, shape=shape, complex_ok=False)
    if not J.min() >= 0.0:
        raise ParameterError("J must be non-negative (it is an average path loss)")
    return J


def kernel_result(method: str, v: np.ndarray, w: np.ndarray, stats: np.ndarray, pmax_w: float,
                  seconds: float, run: Mapping[str, Any] | None = None) -> AAUCResult:
    """Build the :class:`AAUCResult` of one drop from a compiled kernel's outputs.

    ``stats`` holds the columns of :mod:`fastsec.kernels.aauc.closed_form`; ``run`` the run
    fields (``history``, ``iterations``, ``converged``, ``stop_reason``, ``extras``) of an
    iterative method (:func:`fastsec.aauc.sca_drops.run_fields`), None for a closed form.
    """
    objective, rate, power, null, secrecy, signed, eq6, kkt = stats.tolist()
    if run is None:
        run = {"history": np.array([objective]), "iterations": 0, "converged": True,
               "stop_reason": "closed_form", "extras": _NO_EXTRAS}
    return AAUCResult(v=v, w=w, objective=objective, secrecy_rate=secrecy,
                      secrecy_rate_signed=signed, secrecy_rate_eq6=eq6, rate=rate,
                      power_w=power, power_residual_w=power - pmax_w, null_residual=null,
                      kkt_residual=kkt, seconds=seconds, method=method, solver="numba", **run)


_NO_EXTRAS: Mapping = MappingProxyType({})


def solve(drop: Drop, method: str = "sco", *, J: object = None, **options: Any) -> AAUCResult:
    """Solve one drop with an AAUC method or baseline (paper 000).

    Parameters
    ----------
    drop : Drop
        Positions and channels of one realisation.
    method : str
        One of :data:`METHODS`: ``"sco"`` (Sec. IV-B), ``"closed_form"`` (Prop. 2-3),
        ``"asymptotic"`` (eq. (43)), ``"bfom"`` (Sec. V-B), ``"irs"`` (Sec. VI),
        ``"direct"`` (max–min multicast, ref. [54]) or ``"hybrid"`` (better of ``"sco"`` and
        ``"direct"`` by realised secrecy rate, ``extras["chosen"]``).
    J : array_like, shape (K-1,), float64, optional
        Angular-matrix diagonal (eq. (12)); default ``fastsec.aauc.angular_matrix(drop)``.
    **options
        Method options; unknown names or out-of-range values raise before any work.
        ``sco``, ``irs``, ``direct``, ``hybrid``: ``iters`` (the scenario's ``sco_iters``, a
        cap of 1000 by default: each runs to its tolerance; the paper's figures use I = 20),
        ``tol`` (1e-6). They run in one compiled kernel call
        (:func:`fastsec.aauc.sca_drops.sca_drops`, ``solver`` ``"numba"``) unless
        ``exact=True`` (each surrogate by cvxpy, the reference), which alone takes ``solver``
        ("auto") and ``rebuild`` (False).
        ``bfom``: ``variant`` ("fast" or "paper"), ``iters`` (outer, default
        ``sco_iters``), ``tol``, ``inner_stop``, ``inner_tol``, ``max_inner`` (see
        :func:`fastsec.aauc.bfom.bfom_batch`).

    Returns
    -------
    AAUCResult

    Raises
    ------
    ValueError, TypeError
        Bad drop, method or option (:class:`~fastsec.errors.ParameterError`,
        :class:`~fastsec.errors.ParameterTypeError`).
    fastsec.errors.SolverError
        A convex subproblem could not be solved (carries the solver's status).

    """
    checked = check_options(method, options)
    if not isinstance(drop, Drop):
        raise ParameterTypeError(f"drop must be a fastsec.aauc.Drop, got {type(drop).__name__}")
    func, allowed = METHODS[method]
    if "iters" in allowed:
        checked.setdefault("iters", drop.scenario.sco_iters)
    if method in KERNEL_MODES or (method in SCA_MODES and not checked.get("exact", False)):
        # one compiled call for the whole method and its outputs
        if not drop.g[-1].any():
            raise ParameterError("drop.g[K-1] (g_K) must be non-zero")
        J = angular_matrix(drop) if J is None else check_J(J, (drop.scenario.K - 1,))
        arrays = (drop.g[None], drop.h_K[None], drop.h_E[None], drop.g_E[None], J[None])
        start = time.perf_counter()
        if method in KERNEL_MODES:
            v, w, stats = closed_form_drops(drop.scenario, method, *arrays)
            run = None
        else:
            out = sca_drops(drop.scenario, method, *arrays, iters=checked["iters"],
                            tol=checked.get("tol", SCA_TOL))
            v, w, stats = out.v, out.w, out.stats
            run = run_fields(method, out, 0, drop.g)
        seconds = time.perf_counter() - start
        return kernel_result(method, v[0], w[0], stats[0], drop.scenario.pmax_w, seconds, run)
    if J is None:
        J = angular_matrix(drop)
    data = p2_data(drop, J)
    start = time.perf_counter()
    sol = func(data, **checked)
    return finish(data, sol, method, time.perf_counter() - start)


def finish(data: P2Data, sol: Solution, method: str, seconds: float) -> AAUCResult:
    """Add the null residual and the realised secrecy rates to a method's :class:`Solution`."""
    g_K = data.g[-1]
    vnorm = np.linalg.norm(sol.v)
    null = abs(np.vdot(g_K, sol.v)) / (np.linalg.norm(g_K) * vnorm) if vnorm > 0 else 0.0
    scheme = sol.extras.get("chosen", method)
    secrecy = _realised(data, sol, scheme)
    eq6 = secrecy.eq6 if SCHEMES[scheme][1] else secrecy.secrecy_rate
    return AAUCResult(
        v=sol.v, w=sol.w, objective=sol.objective, secrecy_rate=float(secrecy.secrecy_rate),
        secrecy_rate_signed=float(secrecy.signed), secrecy_rate_eq6=float(eq6), rate=sol.rate,
        power_w=sol.power_w, power_residual_w=sol.power_w - data.pmax, null_residual=null,
        kkt_residual=result_kkt(data, scheme, sol.v, sol.w),
        history=sol.history, iterations=sol.iterations, seconds=seconds,
        converged=sol.converged, stop_reason=sol.stop_reason, method=method,
        solver=sol.solver, extras=MappingProxyType(dict(sol.extras)))
