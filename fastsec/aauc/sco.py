"""SCO-based AAUC: successive convex optimisation of P2 (paper 000, Sec. IV-B).

The surrogate P2[n+1] (eq. (23)) is built **once** per drop as a parameterised (DPP) cvxpy
problem; each iteration only writes the new expansion point into its parameters. It is the
same convex program as eq. (23), rewritten so that Clarabel is robust:

- variables are divided by √(2 P_max), so the power budget is one constraint ‖y‖₂ ≤ 1;
- channels are in SNR units (:mod:`fastsec.aauc.problem`);
- z lives in the row space of the helpers' channels (exact: z enters P2 only through
  g_k^H U z and ‖z‖), which leaves 2 min(K-1, N-1) real unknowns for z;
- min_j log(arg_j) is log(min_j arg_j): one exponential cone, every linear row normalised
  at the expansion point (:func:`log_snr_params`);
- the eavesdropper term, linearised as in eq. (21), keeps its slack O(1).

That cvxpy path is the reference (``exact=True``). By default the same surrogate is solved by
the compiled kernel :func:`fastsec.kernels.aauc.sco.sco_drop` (a primal-dual interior-point
method on the same rows, the whole SCA loop of a drop in one call; :func:`compiled_sca`).

``rebuild=True`` (with ``exact=True``) builds the same problem from constants at every
iteration, which is what a CVX user writes; it is the reference for tests and benchmarks
(same iterates to the solver's tolerance).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cvxpy as cp
import numpy as np
from scipy import sparse

from fastsec import solvers
from fastsec.aauc.closed_form import closed_form_point
from fastsec.aauc.kkt import result_kkt
from fastsec.aauc.problem import (
    P2Data,
    Solution,
    aauc_solution,
    eve_leak,
    p2_objective,
    row_space,
)
from fastsec.aauc.scenario import SCA_ITERS
from fastsec.kernels.aauc import sco as _k
from fastsec.kernels.optim import ascent as _rule
from fastsec.kernels.optim.ascent import SCAOptions
from fastsec.sca import STOP_REASONS, TOLERANCE, Ascent, sca


def real_map(m: np.ndarray) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """Real matrices (Re, Im) with Re(m @ x) = A_r @ [Re x; Im x], Im(m @ x) = A_i @ [...].

    Sparse, so that exact zeros (the triangle of :func:`~fastsec.aauc.problem.row_space`)
    never reach the conic solver.
    """
    m = np.atleast_2d(m)
    return (sparse.csr_matrix(np.hstack([m.real, -m.imag])),
            sparse.csr_matrix(np.hstack([m.imag, m.real])))


def checked_solve(problem: cp.Problem, solver: str) -> None:
    """Solve a surrogate with :func:`fastsec.solvers.solve`, first with :data:`FIRST_TRY`.

    The retries (tightened settings, then a last resort) and the
    :class:`~fastsec.errors.SolverError` with the solver's status are those of
    :func:`fastsec.solvers.solve`.
    """
    solvers.solve(problem, solver, **FIRST_TRY.get(solver, {}))


#: Settings of the first attempt per solver: Clarabel's default static regularisation (1e-8)
#: stalls more often on nearly converged steps than 1e-10.
FIRST_TRY = {"CLARABEL": {"static_regularization_constant": 1e-10}}

#: A step may lower the objective by this much (relative) before SCO declares "no_ascent":
#: the conic solver's own tolerance (1e-8) with a decade of headroom.
ASCENT_SLACK = 1e-7


#: Default relative tolerance ``tol`` of the SCA methods (sco, direct, irs, hybrid).
SCA_TOL = 1e-6

#: Relative duality gap of each compiled surrogate solve (the interior-point stop): two
#: decades below Clarabel's 1e-8, so the compiled path is at least as exact as the reference.
GAP_REL = 1e-10


def compiled_sca(hq: np.ndarray, hs: np.ndarray, je: np.ndarray, budget: float,
                 beta0: np.ndarray, w0: np.ndarray, *, iters: int, tol: float) -> dict:
    """Run :func:`fastsec.kernels.aauc.sco.sco_drop` and unpack its result.

    Returns
    -------
    dict
        ``beta``, ``w``, ``history``, ``converged``, ``stop_reason`` and ``extras``
        (``ipm_iterations``: primal-dual iterations in all; ``ipm_failures``: surrogates
        whose solver stopped short of its tolerance, their last strictly feasible iterate
        judged as the candidate).

    """
    return unpack(_k.sco_drop(hq, np.ascontiguousarray(hs, dtype=np.complex128),
                              np.ascontiguousarray(je, dtype=np.float64), float(budget),
                              np.ascontiguousarray(beta0, dtype=np.complex128),
                              np.ascontiguousarray(w0, dtype=np.complex128),
                              sca_options(iters, tol)))


def sca_options(iters: int, tol: float) -> SCAOptions:
    """Return the compiled SCA loops' options: ``iters``, ``tol`` and this module's constants."""
    return SCAOptions(int(iters), float(tol), ASCENT_SLACK, GAP_REL)


def unpack(res: _k.SCOResult) -> dict:
    """Return the fields of a compiled SCA loop's result (as :func:`compiled_sca`)."""
    reason = STOP_REASONS[res.stop]
    return {"beta": res.beta, "w": res.w, "history": res.history.tolist(),
            "converged": reason == TOLERANCE, "stop_reason": reason,
            "extras": {"ipm_iterations": int(res.ipm_iterations),
                       "ipm_failures": int(res.ipm_failures)}}


def sca_single(start: Any, step: Callable, objective: Callable, *, iters: int, tol: float,
               certify: Callable[[Any], bool] | None = None, floor: bool = False
               ) -> tuple[Any, Ascent]:
    """One SCA run of a conic-surrogate method by :func:`fastsec.sca.sca`.

    ``step(point)`` solves the surrogate at ``point`` and returns the candidate;
    ``objective(point)`` is the true objective; ``certify(point)``, if given, whether a point
    that meets the tolerance may end the run (:class:`~fastsec.sca.Ascent`). A candidate that
    falls more than :data:`ASCENT_SLACK` below the last objective is dropped
    (``"no_ascent"``). Returns the final point and the run's :class:`~fastsec.sca.Ascent`.

    ``floor``: the zero-relay floor of SCO and IRS, for a point ``(z, w)`` whose objective is
    exactly 0 at w = 0 (P2, Q2). A candidate with a negative objective that would end the run
    on its tolerance (:func:`fastsec.kernels.optim.ascent.converges_below_zero` against the
    last objective) becomes (z, 0): objective 0 and a KKT point, the limit such a run
    approaches only linearly. The compiled steps apply the same rule (``_sca_oracle`` in
    :mod:`fastsec.kernels.aauc.sco`, where it is explained, and in
    :mod:`fastsec.kernels.aauc.irs`).
    """
    point, candidate = [start], [None]
    run = Ascent(objective(start), tol=tol, slack=ASCENT_SLACK,
                 certify=None if certify is None else lambda: certify(candidate[0]))

    def one_step(idx):
        new = step(point[0])
        value = objective(new)
        if floor and value < 0.0 and _rule.converges_below_zero(run.history[-1], value, tol,
                                                                ASCENT_SLACK):
            new = (new[0], np.zeros_like(new[1]))
            value = objective(new)
        candidate[0] = new
        return [value]

    def keep(b, j):
        point[0] = candidate[0]

    sca([run], one_step, keep, iters)
    return point[0], run


def log_snr_params(amp: np.ndarray, amp_k: complex) -> dict:
    """Parameters of the linearised rate terms at the amplitudes of the expansion point.

    ``amp`` are the helpers' amplitudes g_k^H v* / σ and ``amp_k`` the relay amplitude
    (h_K^H w* / σ, or its IRS analogue). |u|² ≥ 2 Re(conj(a) u) − |a|² (first-order expansion
    at u = a, eq. (21)-(22)). As log is increasing, min_j log(1 + lin_j) = log(min_j (1 +
    lin_j)): the surrogate keeps one exponential cone, log(s), with s ≤ every linearised
    1 + SNR_j divided by the common a = 1 + min_j SNR_j (so s ≈ 1 at the expansion point).
    Each of those linear constraints is in turn divided by its own 1 + SNR_j, so every row
    is O(1) whatever the spread of SNRs: ``ratio_j`` s ≤ 2 mr_j Re(u_j) + 2 mi_j Im(u_j) + c0_j.

    Returns
    -------
    dict
        ``mr``, ``mi``, ``c0``, ``ratio`` (arrays like ``amp``) and ``hr``, ``hi``, ``h0``,
        ``hratio`` (floats, the relay row).

    """
    a_j = 1.0 + np.abs(amp) ** 2
    a_k = 1.0 + abs(amp_k) ** 2
    a = min(a_j.min(), a_k)
    return {"mr": amp.real / a_j, "mi": amp.imag / a_j, "c0": (2.0 - a_j) / a_j,
            "ratio": a / a_j, "hr": amp_k.real / a_k, "hi": amp_k.imag / a_k,
            "h0": (2.0 - a_k) / a_k, "hratio": a / a_k}


class Surrogate:
    """The surrogate P2[n+1] of eq. (23) for one drop, scaled, with its parameters.

    Parameters
    ----------
    data : P2Data
        Arrays of the drop (:func:`p2_data`).
    rebuild : bool
        If true, :meth:`solve` builds a fresh problem from constants each call (reference);
        otherwise the DPP problem is built here once and only its parameters change.

    """

    def __init__(self, data: P2Data, rebuild: bool = False) -> None:
        self.data = data
        self.rebuild = rebuild
        self.scale = np.sqrt(2.0 * data.pmax)
        # z only matters through Hs z and ‖z‖, so an optimal z lies in the row space of Hs:
        # z = Q β with Q an orthonormal basis of range(Hs^H) is exact and has min(K-1, N-1)
        # coordinates instead of N-1.
        self.basis, hq = row_space(data.Hs)
        self.n1 = self.basis.shape[1]
        self.m = data.n_help
        self.users_r, self.users_i = real_map(self.scale * hq)
        self.h_r, self.h_i = real_map(self.scale * data.hs.conj())
        # eavesdropper term linearised at w* (eq. (21)): the weights √(2 P_max λ J/σ_E²)
        # are divided by √(1 + λ w*^H J w*/σ_E²), so the slack ``leak`` stays O(1)
        self.leak_w = np.sqrt(2.0 * data.pmax * data.je)
        if not rebuild:
            self.params = {
                "mr": cp.Parameter(self.m), "mi": cp.Parameter(self.m),
                "c0": cp.Parameter(self.m), "ratio": cp.Parameter(self.m, nonneg=True),
                "hr": cp.Parameter(), "hi": cp.Parameter(), "h0": cp.Parameter(),
                "hratio": cp.Parameter(nonneg=True),
                "leak_w": cp.Parameter(2 * self.m, nonneg=True)}
            self.problem, self.y = self._build(self.params)

    def _build(self, p: dict) -> tuple[cp.Problem, cp.Variable]:
        n1, m = self.n1, self.m
        y = cp.Variable(2 * n1 + 2 * m)
        t = cp.Variable()
        leak = cp.Variable(nonneg=True)
        yz, yw = y[: 2 * n1], y[2 * n1:]
        arg_users = (2 * cp.multiply(p["mr"], self.users_r @ yz)
                     + 2 * cp.multiply(p["mi"], self.users_i @ yz) + p["c0"])
        arg_k = 2 * p["hr"] * (self.h_r @ yw) + 2 * p["hi"] * (self.h_i @ yw) + p["h0"]
        constraints = [cp.multiply(p["ratio"], t) <= arg_users, p["hratio"] * t <= arg_k,
                       cp.norm(y, 2) <= 1,
                       cp.sum_squares(cp.multiply(p["leak_w"], yw)) <= leak]
        return cp.Problem(cp.Maximize(cp.log(t) - leak), constraints), y

    def values(self, z: np.ndarray, w: np.ndarray) -> dict:
        """Parameter values of the expansion point (z*, w*) (eq. (21)-(22))."""
        return {**log_snr_params(self.data.Hs @ z, np.vdot(self.data.hs, w)),
                "leak_w": np.tile(self.leak_w / np.sqrt(1.0 + eve_leak(self.data, w)), 2)}

    def solve(self, z: np.ndarray, w: np.ndarray, solver: str) -> tuple[np.ndarray, np.ndarray]:
        """Solve P2[n+1] expanded at (z, w); return its maximiser (z⁺, w⁺)."""
        vals = self.values(z, w)
        if self.rebuild:
            problem, y = self._build(vals)
        else:
            for name, value in vals.items():
                self.params[name].value = value
            problem, y = self.problem, self.y
        checked_solve(problem, solver)
        # the solver meets ‖y‖ <= 1 only to its tolerance: project so the budget holds exactly
        y_value = np.asarray(y.value)
        yv = self.scale * y_value / max(1.0, float(np.linalg.norm(y_value)))
        n1 = self.n1
        z_new = self.basis @ (yv[:n1] + 1j * yv[n1:2 * n1])
        return z_new, yv[2 * n1:2 * n1 + self.m] + 1j * yv[2 * n1 + self.m:]


def sco(data: P2Data, *, iters: int = SCA_ITERS, tol: float = SCA_TOL, exact: bool = False,
        solver: str = "CLARABEL", rebuild: bool = False,
        start: tuple[np.ndarray, np.ndarray] | None = None) -> Solution:
    """SCO-based AAUC (paper 000, Sec. IV-B, eq. (21)-(23)).

    Parameters
    ----------
    data : P2Data
        Arrays of the drop (:func:`p2_data`).
    iters : int
        Maximum SCO iterations I.
    tol : float
        Stop when the P2 objective gains less than ``tol · max(1, |objective|)`` [bit/s/Hz].
    exact : bool
        Solve each surrogate with cvxpy and ``solver`` (the reference) instead of the
        compiled kernel (``solver`` of the result ``"numba"``).
    solver : str
        cvxpy solver name (resolved by :func:`fastsec.solvers.resolve_solver`); ``exact`` only.
    rebuild : bool
        Rebuild the surrogate from constants every iteration (reference path); ``exact`` only.
    start : (z, w) or None
        Starting point; default the closed-form point (Prop. 2-3, feasible), so SCO never
        ends below the closed form.

    Returns
    -------
    Solution
        ``history`` is non-decreasing (to solver tolerance). If a step lowers the objective by
        more than :data:`ASCENT_SLACK` the previous iterate is kept and ``stop_reason`` is
        ``"no_ascent"``. The compiled path's ``extras`` are those of :func:`compiled_sca`.

    """
    z0, w0 = closed_form_point(data) if start is None else start
    if not exact:
        basis, hq = row_space(data.Hs)
        run = compiled_sca(hq, data.hs, data.je, 2.0 * data.pmax, basis.conj().T @ z0, w0,
                           iters=iters, tol=tol)
        return aauc_solution(data, basis @ run["beta"], run["w"], history=run["history"],
                             converged=run["converged"], stop_reason=run["stop_reason"],
                             solver="numba", extras=run["extras"])
    surrogate = Surrogate(data, rebuild=rebuild)

    def certify(point):
        return result_kkt(data, "sco", data.v_of(point[0]), point[1]) <= _k.CERTIFIED_KKT

    (z, w), ascent = sca_single((z0, w0),
                                lambda point: surrogate.solve(point[0], point[1], solver),
                                lambda point: p2_objective(data, *point), iters=iters, tol=tol,
                                certify=certify, floor=True)
    return aauc_solution(data, z, w, history=ascent.history, converged=ascent.converged,
                         stop_reason=ascent.stop_reason, solver=solver)
