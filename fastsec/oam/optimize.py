"""RMCG-AO (Paper 002, Algorithm 1) and the paper's baselines (Sec. V) behind one call.

:func:`optimize` maximises the secrecy rate R_s of problem P1 (eq. (20)) by alternating

1. **p-step**: Lemma 1's ``t*`` and the convex P4 (eq. (24)-(31));
2. **a-step**: WMMSE weights and the convex QCQP P5 (eq. (32)-(39));
3. **θ1-step**: minimise ``-(R_B - R_E)`` over RIS1's phases on the complex circle manifold
   (eq. (40)-(49)); the RIS2 output power depends on θ1, so when the new θ1 breaks the budget
   (20d) ``a`` is scaled down to meet it, and the step is kept only if R_s does not drop
   (both events are counted in the result);
4. **θ2-step**: minimise ``-R_B`` over RIS2's phases (eq. (50)-(58)),

until the R_s gain of one AO iteration is at most ``tol`` or after ``iters`` iterations.
On a passive RIS2 (``active_ris=False``) there is no a-step: ``a`` stays 1 and RIS2 adds no
noise. Inputs are validated once, here.

Algorithm 1 is written once, :func:`fastsec.kernels.oam.ao.algorithm1`, with the solvers of
its sub-steps as arguments. With ``method="rmcg"`` and the fast P4/P5 solvers (the default)
it is compiled with the interior-point and Riemannian CG kernels, and all random starts run in
one kernel call (:func:`fastsec.kernels.oam.ao.rmcg_ao_starts`, in parallel over the starts).
With ``exact=True`` (cvxpy's P4/P5, :func:`fastsec.oam.steps.exact_step_solvers`) or
``method="sdr"`` (semidefinite relaxation with Gaussian randomisation,
:mod:`fastsec.oam.sdr`) the same function runs in the interpreter with those step solvers.

Schemes (:data:`SCHEMES`): the proposed double-RIS OAM design and the baselines of Sec. V,
each a scenario override plus which variables are optimised.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from fastsec import solvers
from fastsec._results import ResultMixin
from fastsec._validate import check_bool, check_choice, check_int, check_real, renamed_options
from fastsec.errors import ParameterError, ParameterTypeError
from fastsec.kernels.oam import ao as _ao
from fastsec.kernels.oam import steps as _ks
from fastsec.oam import effective as ef
from fastsec.oam import kkt
from fastsec.oam.channels import Channels
from fastsec.oam.channels import channels as scene_channels
from fastsec.oam.rates import Rates, check_channels
from fastsec.oam.scenario import Scenario
from fastsec.oam.sdr import sdr_solver, sdr_theta_step
from fastsec.oam.steps import FAST_SOLVER, GAP_REL, exact_step_solvers, p4_empty_message
from fastsec.sca import ITERATIONS, TOLERANCE

#: Sub-steps of one AO iteration, in order (Algorithm 1).
SUBSTEPS = ("p", "a", "theta1", "theta2")


@dataclass(frozen=True)
class Scheme:
    """One row of the scheme table (Paper 002, Sec. V).

    Attributes
    ----------
    overrides : callable
        ``Scenario -> dict`` of the scenario fields replaced for this scheme.
    optimised : tuple of str
        The variables of :data:`SUBSTEPS` that the AO updates; ``a`` stays 1 on a passive
        surface, a phase vector that is not optimised keeps its random start, or stays 1 where
        it belongs to no surface (the unused factor of a single RIS).
    description : str
        The paper's name of the scheme.

    """

    overrides: Callable[[Scenario], dict]
    optimised: tuple[str, ...]
    description: str


def _same(s: Scenario) -> dict:
    return {}


def _single(topology: str, active: bool) -> Callable[[Scenario], dict]:
    def overrides(s: Scenario) -> dict:  # one surface with all Q1 + Q2 elements
        q = s.Q1 + s.Q2
        return {"topology": topology, "active_ris": active, "Q1": q, "Q2": q,
                "ris1_shape": None, "ris2_shape": None}
    return overrides


#: Schemes of Sec. V by ``scheme=`` name.
SCHEMES: dict[str, Scheme] = {
    "proposed": Scheme(_same, SUBSTEPS, "PA RIS-OAM with JiMa and AN (Algorithm 1)"),
    "pa_ris_mimo": Scheme(lambda s: {"waveform": "mimo"}, SUBSTEPS,
                          "PA RIS-MIMO: antenna-domain streams, no index bits"),
    "no_an": Scheme(lambda s: {"N_z": 0, "rho": 1.0}, SUBSTEPS,
                    "PA RIS-OAM without AN: N_z = 0, all of P_T on the signal modes"),
    "random_phase": Scheme(_same, ("p", "a"),
                           "PA RIS-OAM with random RIS phases (p, a optimised)"),
    "zc": Scheme(lambda s: {"waveform": "zc"}, SUBSTEPS,
                 "PA RIS-OAM with Zadoff-Chu sequences (eq. (59))"),
    "dp": Scheme(lambda s: {"active_ris": False}, ("p", "theta1", "theta2"),
                 "double passive RIS (a = 1, P_T = P_total)"),
    "sa": Scheme(_single("single_ris2", True), ("p", "a", "theta2"),
                 "single active RIS of Q1 + Q2 elements at RIS2's place"),
    "sp": Scheme(_single("single_ris1", False), ("p", "theta1"),
                 "single passive RIS of Q1 + Q2 elements at RIS1's place"),
}

#: θ-step solvers by ``method=`` name.
METHODS = ("rmcg", "sdr")
#: θ subproblem modes: to the RCG tolerance (default) or one RCG step per AO iteration.
THETA_MODES = ("tolerance", "step")


@dataclass(frozen=True, eq=False, repr=False)
class OAMResult(ResultMixin):
    """Outcome of :func:`optimize` (best of the random starts).

    ``repr`` shows the core names shared with :class:`fastsec.aauc.AAUCResult`;
    ``to_dict()`` returns every field, ``secrecy_rate`` and ``objective`` as plain Python
    (:mod:`fastsec._results`). ``secrecy_rate`` and ``objective`` are both R_s of eq. (19)
    at the solution [bit/s/Hz]: P1 (eq. (20)) maximises the secrecy rate itself.

    Attributes
    ----------
    p : ndarray, shape (N_s,), float64
        Signal-mode powers [W].
    a : ndarray, shape (Q2,), float64
        RIS2 amplification.
    theta1, theta2 : ndarray, shape (Q1,) / (Q2,), complex128
        RIS phases, ``|θ| = 1``.
    rates : Rates
        Rates at the solution (:func:`fastsec.oam.secrecy_rate`).
    history : ndarray, shape (iterations + 1,), float64
        R_s [bit/s/Hz] at the start and after every AO iteration.
    substep_history : ndarray, shape (iterations, 4), float64
        R_s after the p-, a-, θ1- and θ2-step of every AO iteration (:data:`SUBSTEPS`).
    substep_ris2_power : ndarray, shape (iterations, 4), float64
        RIS2 output power [W] (eq. (11)) after every sub-step, to check (20d) throughout.
    iterations : int
        AO iterations run.
    seconds : float
        Wall time of the whole call [s].
    converged : bool
        Whether the R_s gain fell to ``tol`` before ``iters``.
    stop_reason : str
        ``"tolerance"`` (R_s gain <= ``tol``) or ``"iterations"`` (:data:`fastsec.sca.STOP_REASONS`;
        ``"max_iters"`` before this release).
    scheme, method : str
        The scheme and θ-step method used.
    scenario : Scenario
        The scenario actually optimised (the scheme's overrides applied).
    starts_rs : ndarray, shape (starts,), float64
        Final R_s of every random start.
    a_rescales : int
        How often ``a`` was scaled down after a θ1-step to meet the RIS2 budget (20d).
    theta1_rejections : int
        How often a θ1-step was undone because the rescaled point had a lower R_s.
    theta_iterations : int
        Total RCG iterations (``method="rmcg"``) or SDPs solved (``"sdr"``).
    sdr_bounds : ndarray, shape (iterations, 2), float64
        ``method="sdr"``: the optimal value of each relaxed θ1/θ2 program, an upper bound
        [bit/s/Hz] of that step's surrogate θ-subproblem (``R_B - R_E`` for θ1, ``R_B`` for
        θ2, without ``log2 G``; :mod:`fastsec.oam.sdr`), certified by the dual bound of the
        Burer–Monteiro solver (the cvxpy solver's value with ``exact=True``). NaN where no
        program was solved (``method="rmcg"``, or a step the scheme does not optimise).
    solver : str
        Solver of the p- and a-steps (``"primal-dual-ipm"`` or the cvxpy solver).
    kkt_residual : float
        Distance of the solution from stationarity of P1, scale-free: the largest of
        ``kkt_blocks`` (:mod:`fastsec.oam.kkt`); 0 at a KKT point.
    kkt_blocks : dict
        Per optimised block: ``p``, ``a`` the relative residual of the KKT conditions of P1 in
        that block (non-negative multipliers of its active constraints), ``theta1``,
        ``theta2`` the Riemannian gradient norm of R_s relative to its Euclidean gradient
        norm (θ1 with the RIS2 budget's multiplier when the budget is active).
    residuals : dict
        Constraint residuals of P1 at the solution (all ``<= 0`` when feasible):
        ``power_sum`` (Σp - ρP_T) [W], ``power_floor`` (p_th - min p) [W], ``ris2_budget``
        (RIS2 power - P_R2 [W]; 0 for a passive surface, which has none), ``a_low``
        (-min a), ``a_high`` (max a - a_max), ``unit_modulus`` (``max ||θ| - 1|``).

    """

    p: np.ndarray
    a: np.ndarray
    theta1: np.ndarray
    theta2: np.ndarray
    rates: Rates
    history: np.ndarray
    substep_history: np.ndarray
    substep_ris2_power: np.ndarray
    iterations: int
    seconds: float
    converged: bool
    stop_reason: str
    scheme: str
    method: str
    scenario: Scenario
    starts_rs: np.ndarray
    a_rescales: int
    theta1_rejections: int
    theta_iterations: int
    sdr_bounds: np.ndarray
    solver: str
    residuals: dict
    kkt_residual: float
    kkt_blocks: dict

    DERIVED = ("secrecy_rate", "objective")
    REPR_FIRST = ("scheme",)

    @property
    def secrecy_rate(self) -> float:
        """Secrecy rate R_s = R_B - R_E at the solution [bit/s/Hz] (eq. (19))."""
        return float(self.rates.R_s)

    @property
    def objective(self) -> float:
        """Objective of P1 (eq. (20a)) at the solution: R_s [bit/s/Hz]."""
        return self.secrecy_rate


@dataclass(frozen=True)
class _Options:
    iters: int
    tol: float
    theta_mode: str
    starts: int
    exact: bool
    solver: str
    sdr_solver: str
    gtol: float
    max_inner: int
    min_step: float
    randomizations: int


#: Option names of the first release, accepted with a ``DeprecationWarning`` for one release.
RENAMED_OPTIONS = {"max_iters": "iters", "rcg_max_iter": "max_inner"}
#: Defaults of the renamed options.
_DEFAULTS = {"iters": 30, "max_inner": 1000}


def optimize(scenario: Scenario, scheme: str = "proposed", method: str = "rmcg",
             rng: np.random.Generator | None = None, *,
             iters: int | None = None, tol: float = 1e-6, theta_mode: str = "tolerance",
             starts: int = 1, exact: bool = False, solver: str = "auto", gtol: float = 1e-6,
             max_inner: int | None = None, min_step: float = 1e-10, randomizations: int = 50,
             channels: Channels | None = None, **renamed: Any) -> OAMResult:
    """Maximise the secrecy rate by RMCG-AO (Paper 002, Algorithm 1) or a baseline.

    Parameters
    ----------
    scenario : Scenario
        The scene; the scheme's overrides (:data:`SCHEMES`) are applied to it.
    scheme : str
        One of :data:`SCHEMES`.
    method : {"rmcg", "sdr"}
        θ-step solver: Riemannian CG (Sec. IV-C/D) or SDR with Gaussian randomisation.
    rng : numpy.random.Generator
        Draws the random starting phases (and the SDR randomisations).
    iters : int
        Cap on AO iterations, >= 1 (default 30).
    tol : float
        Stop when one AO iteration raises R_s by at most ``tol`` [bit/s/Hz], >= 0.
    theta_mode : {"tolerance", "step"}
        Solve each θ subproblem to ``gtol`` (default) or take one RCG step per AO iteration
        (Algorithm 1 read literally).
    starts : int
        Random starts; the one with the highest final R_s is returned.
    exact : bool
        Solve P4/P5 with cvxpy instead of the fast interior-point kernels, and with
        ``method="sdr"`` the relaxed SDP with cvxpy instead of Burer–Monteiro (the reference
        paths).
    solver : str
        cvxpy solver for ``exact=True`` (for the SDP too, ``"auto"`` is MOSEK when licensed, else
        Clarabel; ``"SCS"`` is faster and less accurate: :func:`fastsec.oam.sdr.sdr_solver`).
    gtol : float
        RCG stop: Riemannian gradient norm below ``gtol`` times its starting value, in (0, 1).
    max_inner : int
        Cap on RCG iterations per θ subproblem (default 1000).
    min_step : float
        RCG stop on the step length.
    randomizations : int
        Gaussian randomisations per SDR θ-step (``method="sdr"``).
    channels : Channels, optional
        Channels of the scheme's scenario (computed by :func:`fastsec.oam.channels` if None).
    **renamed
        ``max_iters`` and ``rcg_max_iter``, the former names of ``iters`` and ``max_inner``
        (:data:`RENAMED_OPTIONS`; deprecated, removed in the next release).

    Returns
    -------
    OAMResult

    """
    start_time = time.perf_counter()
    named = renamed_options("optimize", renamed, RENAMED_OPTIONS,
                            {"iters": iters, "max_inner": max_inner})
    iters, max_inner = (_DEFAULTS[k] if named[k] is None else named[k] for k in _DEFAULTS)
    if not isinstance(scenario, Scenario):
        raise ParameterTypeError(f"scenario must be a Scenario, got {type(scenario).__name__}")
    check_choice("scheme", scheme, SCHEMES)
    check_choice("method", method, METHODS)
    if not isinstance(rng, np.random.Generator):
        raise ParameterTypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    opts = _Options(
        iters=check_int("iters", iters, 1),
        tol=check_real("tol", tol, 0.0),
        theta_mode=check_choice("theta_mode", theta_mode, THETA_MODES),
        starts=check_int("starts", starts, 1),
        exact=check_bool("exact", exact),
        solver=solvers.resolve_solver(solver) if exact else solver,
        sdr_solver=sdr_solver(solver) if method == "sdr" else "",
        gtol=check_real("gtol", gtol, 0.0, 1.0, low_open=True, high_open=True),
        max_inner=check_int("max_inner", max_inner, 1),
        min_step=check_real("min_step", min_step, 0.0),
        randomizations=check_int("randomizations", randomizations, 1),
    )
    spec = SCHEMES[scheme]
    overrides = spec.overrides(scenario)
    s = dataclasses.replace(scenario, **overrides) if overrides else scenario
    ch = scene_channels(s) if channels is None else check_channels(s, channels)
    lk = ef.link(s, ch)

    optimised = tuple(name for name in spec.optimised if name != "a" or s.active_ris)
    if method == "rmcg" and not opts.exact:  # compiled: every start in one kernel call
        runs = [_AORun(s, lk, optimised, method, opts, rng) for _ in range(opts.starts)]
        _solve_compiled(runs)
    else:  # Python step solvers, which may draw from rng: one start after the other
        runs = []
        for _ in range(opts.starts):
            runs.append(_AORun(s, lk, optimised, method, opts, rng))
            runs[-1].solve()
    best = runs[int(np.argmax([run.rs for run in runs]))]  # the first of equal bests
    rates = ef.rates(lk, best.p, best.a, best.theta1, best.theta2, s.p_r2_w)
    blocks = kkt.kkt_blocks(s, lk, optimised, best.p, best.a, best.theta1, best.theta2)
    return OAMResult(
        p=best.p, a=best.a, theta1=best.theta1, theta2=best.theta2, rates=rates,
        history=best.history, substep_history=best.substeps,
        substep_ris2_power=best.substep_power,
        iterations=len(best.history) - 1, seconds=time.perf_counter() - start_time,
        converged=best.converged, stop_reason=TOLERANCE if best.converged else ITERATIONS,
        scheme=scheme, method=method, scenario=s,
        starts_rs=np.array([run.rs for run in runs]), a_rescales=best.a_rescales,
        theta1_rejections=best.theta1_rejections, theta_iterations=best.theta_iterations,
        sdr_bounds=best.bounds, solver=best.solver,
        residuals=residuals(s, rates, best.p, best.a, best.theta1, best.theta2),
        kkt_residual=kkt.kkt_residual(blocks), kkt_blocks=blocks)


def residuals(s: Scenario, rates: Rates, p, a, theta1, theta2) -> dict:
    """Constraint residuals of P1 (eq. (20b)-(20g)); every entry ``<= 0`` when feasible.

    See :attr:`OAMResult.residuals` for the keys and units.
    """
    return {
        "power_sum": float(p.sum() - s.signal_power_w),
        "power_floor": float(s.p_th_w - p.min()),
        "ris2_budget": float(rates.ris2_power_w - rates.ris2_budget_w) if s.active_ris else 0.0,
        "a_low": float(-a.min()),
        "a_high": float(a.max() - s.a_max),
        "unit_modulus": float(max(np.abs(np.abs(theta1) - 1).max(),
                                  np.abs(np.abs(theta2) - 1).max())),
    }


def random_phases(rng: np.random.Generator, q: int) -> np.ndarray:
    """``q`` unit-modulus phases with uniform angles, shape (q,), complex128."""
    return np.exp(2j * np.pi * rng.random(q))


#: Error raised when a θ objective becomes non-finite.
_NONFINITE_THETA = ("the θ objective became non-finite; check the scenario's noise powers "
                    "(all must be > 0 W)")


def _solve_compiled(runs: list[_AORun]) -> None:
    """Run Algorithm 1 from every start of ``runs`` in one kernel call (``prange``).

    Equal, start by start, to :meth:`_AORun.solve` (:func:`~fastsec.kernels.oam.ao.
    rmcg_ao_starts` runs :func:`~fastsec.kernels.oam.ao.rmcg_ao` per start); a start whose
    P4/P5 kernel stalled is redone from its start with the cvxpy steps, as there.
    """
    first = runs[0]
    points = [np.array([getattr(run, name) for run in runs])
              for name in ("p", "a", "theta1", "theta2")]
    (history, substeps, substep_power, iterations, converged, counters, status,
     step_iterations) = _ao.rmcg_ao_starts(first.problem(), first.kernel_options(), *points)
    for i, run in enumerate(runs):
        k = iterations[i]
        out = _ao.AOResult(history[i, : k + 1], substeps[i, :k], substep_power[i, :k],
                           converged[i], counters[i], status[i], step_iterations[i])
        run.solve(out, tuple(point[i] for point in points))


class _AORun:
    """One start of Algorithm 1 (:func:`fastsec.kernels.oam.ao.algorithm1`).

    Draws its random phases on creation; :meth:`solve` runs the algorithm with the step
    solvers of the options (or reads the outcome of the compiled batch) and keeps the result.
    """

    def __init__(self, s, lk, optimised, method, opts, rng):
        self.s, self.lk, self.optimised, self.method = s, lk, optimised, method
        self.opts, self.rng = opts, rng
        self.theta1 = random_phases(rng, s.Q1)
        self.theta2 = random_phases(rng, s.Q2)
        if s.topology == "single_ris2":  # the single surface's phases are θ2
            self.theta1 = np.ones(s.Q1, dtype=np.complex128)
        if s.topology == "single_ris1":  # the single surface's phases are θ1
            self.theta2 = np.ones(s.Q2, dtype=np.complex128)
        self.p = np.full(s.N_s, s.signal_power_w / s.N_s)
        if s.active_ris:
            weight = ef.ris_weight(lk, ef.incident(lk, self.theta1), self.p)
            self.a = np.full(s.Q2, min(s.a_max, math.sqrt(s.p_r2_w / weight.sum())))
        else:
            self.a = np.ones(s.Q2)
        self.exact_steps = opts.exact
        self.rs = ef.secrecy(lk, self.p, self.a, self.theta1, self.theta2)[0]

    def problem(self) -> _ao.AOProblem:
        s, lk = self.s, self.lk
        optimised = np.array([name in self.optimised for name in SUBSTEPS])
        return _ao.AOProblem(lk.arrays, lk.noise, lk.index_bits, s.signal_power_w, s.p_th_w,
                             s.p_r2_w, s.a_max, s.active_ris, optimised)

    def kernel_options(self) -> _ao.AOOptions:
        o = self.opts
        inner = 1 if o.theta_mode == "step" else o.max_inner
        return _ao.AOOptions(o.iters, o.tol, o.gtol, o.min_step, inner, GAP_REL)

    def solve(self, out: _ao.AOResult | None = None, final=None) -> None:
        """Run Algorithm 1 (or take ``out`` and the ``final`` point of the compiled batch)."""
        self.bounds = np.full((self.opts.iters, 2), np.nan)
        if out is None:
            out, final = self._run()
        if out.status in (_ao.AO_P4_STALLED, _ao.AO_P5_STALLED) and not self.exact_steps:
            self.exact_steps = True  # the fast P4/P5 kernel stalled: redo with cvxpy steps
            self.bounds[:] = np.nan
            out, final = self._run()
        if out.status == _ao.AO_P4_EMPTY:
            raise ParameterError(p4_empty_message(self.s.p_th_w, self.s.N_s))
        if out.status == _ao.AO_THETA_NONFINITE:
            raise ParameterError(_NONFINITE_THETA)
        self.p, self.a, self.theta1, self.theta2 = final
        self.history, self.substeps, self.substep_power = (out.history, out.substeps,
                                                           out.substep_power)
        self.bounds = self.bounds[: len(out.history) - 1]
        self.rs = float(out.history[-1])
        self.converged = bool(out.converged)
        self.a_rescales, self.theta1_rejections, self.theta_iterations = map(int, out.counters)
        self.solver = ""
        if "p" in self.optimised:
            self.solver = self._step_solver if self.exact_steps else FAST_SOLVER

    @property
    def _step_solver(self) -> str:
        """Solver (cvxpy) of the exact P4/P5 steps, also the fallback of a stalled kernel."""
        return self.opts.solver if self.opts.exact else solvers.resolve_solver("auto")

    def _run(self) -> tuple[_ao.AOResult, tuple]:
        """Algorithm 1 from this start with Python-called step solvers; (outcome, final point)."""
        point = (self.p.copy(), self.a.copy(), self.theta1.copy(), self.theta2.copy())
        p4, p5 = (exact_step_solvers(self._step_solver) if self.exact_steps
                  else (_ks.p4_solve, _ks.p5_solve))
        theta = _ao.theta_rcg_step if self.method == "rmcg" else self._sdr_step
        out = _ao.algorithm1_python(self.problem(), self.kernel_options(), *point, p4, p5,
                                    theta, self.bounds)
        return out, point

    def _sdr_step(self, data, theta, options, bounds, it, which):
        """Take the SDR θ-step (:func:`fastsec.oam.sdr.sdr_theta_step`), Algorithm 1's signature."""
        o = self.opts
        new, bounds[it, which] = sdr_theta_step(data, theta, self.rng, o.randomizations,
                                                o.exact, o.sdr_solver)
        return new, 1, False
