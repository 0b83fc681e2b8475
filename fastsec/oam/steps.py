"""Power and amplification steps of RMCG-AO on plain arrays (Paper 002, Sec. IV-A, IV-B).

Both steps take the *effective* quantities of the SINRs eq. (14) and (17) at the current
point of Algorithm 1 (everything but the step's own variable fixed), build the convex
surrogate of the paper (P4 for the mode powers, P5 for the RIS2 amplification) and solve it,
either with fastsec's primal-dual interior-point kernel (default) or exactly with cvxpy
(``exact=True``; one DPP problem per shape, built once and re-solved). The surrogate is a
minorizer that is tight at the current point, so the rate it stands for never decreases.

Mapping from the system model (stream ``l`` and modes ``k`` in the signal-mode set
``L_s``, ``f_l`` the OAM mode vector eq. (8), ``H_R2 = H_R1R2 Theta1 H_AR1``):

==================  ==========================================================================
``gain_bob[l, k]``   ``|f_l^H H_R2B Theta2 A H_R2 f_k|^2`` (eq. (14)'s ``|h^B_{l,k}|^2``)
``noise_bob[l]``     ``sigma_R2^2 ||f_l^H H_R2B Theta2 A||^2 + sigma_B^2`` [W]
``gain_eve[l, k]``   ``|(h_AE,l + h_R1E,l Theta1 H_AR1) f_k|^2`` (eq. (17)'s ``|h^E_{l,k}|^2``)
``noise_eve[l]``     ``sigma_z^2 sum_z |h^E_{l,z}|^2 + sigma_E^2`` [W] (AN modes ``z``)
``ris_gain[l]``      ``||A H_R2 f_l||^2`` (eq. (10)): RIS2 output power per watt on mode ``l``
``ris_headroom``     ``P_R2 - sigma_z^2 sum_z ||A H_R2 f_z||^2 - sigma_R2^2 ||A||^2`` [W]
``chi[l, k]``        ``diag(f_l^H H_R2B Theta2) H_R2 f_k`` (eq. (36)), so ``h^B_{l,k} = chi^T a``
``kappa2[l]``        ``|f_l^H H_R2B Theta2|^2`` elementwise (eq. (37)'s ``kappa``)
``ris_weight[q]``    ``sum_l p_l |[H_R2 f_l]_q|^2 + sigma_z^2 sum_z |[H_R2 f_z]_q|^2 + sigma_R2^2``
==================  ==========================================================================
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

import cvxpy as cp
import numpy as np
from numpy.typing import ArrayLike

from fastsec import solvers
from fastsec._validate import check_array, check_real
from fastsec.errors import ParameterError, SolverError
from fastsec.kernels.oam import steps as _k

#: Default relative duality-gap and dual-residual bound of the fast solver (objective error
#: well below the 1e-6 relative agreement promised with the exact path).
GAP_REL = 1e-10
#: Name reported for the fast path.
FAST_SOLVER = "primal-dual-ipm"


@dataclass(frozen=True)
class StepResult:
    """Outcome of one p- or a-step for a batch of ``n`` instances.

    Attributes
    ----------
    solution : ndarray, shape (n, N_s) or (n, Q), float64
        New mode powers ``p`` [W] or amplification ``a`` [linear].
    objective : ndarray, shape (n,)
        Surrogate objective at ``solution`` [bit/s/Hz] (P4: of ``R_B - R_E``; P5: of ``R_B``;
        both without ``log2 G``).
    start_objective : ndarray, shape (n,)
        Surrogate at the current point, equal to the true rate there; ``objective`` is never
        below it up to solver tolerance.
    iterations : ndarray, shape (n,), int64
        Interior-point iterations (fast path) or the cvxpy solver's iterations.
    solver : str
        ``"primal-dual-ipm"`` (fast path) or the cvxpy solver name.
    seconds : float
        Wall time of the solve.

    """

    solution: np.ndarray
    objective: np.ndarray
    start_objective: np.ndarray
    iterations: np.ndarray
    solver: str
    seconds: float


def _batched(name: str, value, ndim: int, shape=None, complex_ok=False) -> np.ndarray:
    """Validate an array of one instance (``ndim``) or a batch (``ndim + 1``)."""
    arr = check_array(name, value, complex_ok=complex_ok)
    if arr.ndim == ndim:
        arr = arr[None]
    if arr.ndim != ndim + 1:
        raise ParameterError(f"{name} must have {ndim} or {ndim + 1} dimensions, got {arr.shape}")
    if shape is not None:
        want = (arr.shape[0], *shape)
        if arr.shape != want:
            raise ParameterError(f"{name} must have shape {want}, got {arr.shape}")
    return np.ascontiguousarray(arr)


def _per_instance(name: str, value, n: int, low: float, low_open: bool = False) -> np.ndarray:
    """Return a scalar or shape-(n,) array of finite values above ``low`` as shape (n,)."""
    if np.ndim(value) == 0:
        return np.full(n, check_real(name, value, low, low_open=low_open))
    arr = check_array(name, value, shape=(n,), complex_ok=False)
    bad = arr <= low if low_open else arr < low
    if np.any(bad):
        raise ParameterError(f"{name} must be {'>' if low_open else '>='} {low:g}, got {arr}")
    return arr


def check_converged(ok: np.ndarray, iters: np.ndarray) -> None:
    """Raise :class:`SolverError` naming the instances where the fast solver stalled."""
    if not np.all(ok):
        bad = np.flatnonzero(~ok)
        raise SolverError(f"{FAST_SOLVER} did not reach its tolerance on instances {bad.tolist()} "
                          f"(iterations {iters[bad].tolist()}); use exact=True",
                          solver=FAST_SOLVER, status="not converged")


# ----------------------------------------------------------------------------------- p-step
def power_step(
    gain_bob: ArrayLike,
    gain_eve: ArrayLike,
    noise_bob: ArrayLike,
    noise_eve: ArrayLike,
    ris_gain: ArrayLike,
    p: ArrayLike,
    *,
    total_power: float | ArrayLike,
    ris_headroom: float | ArrayLike,
    p_th: float,
    exact: bool = False,
    solver: str = "auto",
    gap_rel: float = GAP_REL,
) -> StepResult:
    """Update the mode powers: ``t*`` by eq. (30), then P4 (Paper 002, eq. (31)).

    Parameters
    ----------
    gain_bob, gain_eve : array_like, shape ([n,] N_s, N_s), float
        Power gains ``|h^B_{l,k}|^2`` and ``|h^E_{l,k}|^2`` (module table) [linear].
    noise_bob, noise_eve : array_like, shape ([n,] N_s), float
        Power-independent SINR denominators of eq. (14) and (17) [W], ``> 0``.
    ris_gain : array_like, shape ([n,] N_s), float
        ``||A H_R2 f_l||^2``, RIS2 output power per watt on each mode [linear], ``>= 0``.
    p : array_like, shape ([n,] N_s), float
        Current powers [W], where Lemma 1's ``t*`` are taken (need not be feasible).
    total_power : float or array_like, shape (n,)
        Signal-mode transmit budget ``rho P_T`` [W] (eq. (20b)).
    ris_headroom : float or array_like, shape (n,)
        RIS2 budget left for the signal modes [W] (module table; eq. (10), (20d)).
    p_th : float
        Power floor per mode [W] (eq. (20c)), ``>= 0``.
    exact : bool
        Solve P4 with cvxpy (``solver``) instead of the interior-point kernel.
    solver : str
        cvxpy solver for ``exact=True`` (see :func:`fastsec.solvers.resolve_solver`).
    gap_rel : float
        Relative duality-gap bound of the fast path, in (0, 1e-3].

    Returns
    -------
    StepResult
        ``solution`` is the new ``p`` [W], shape (n, N_s) (n = 1 for one instance).

    Raises
    ------
    ParameterError
        Bad shapes or values, or a budget below ``N_s p_th`` (empty feasible set).
    SolverError
        The exact path's solver failed.

    """
    gain_bob = _batched("gain_bob", gain_bob, 2)
    n, ns = gain_bob.shape[0], gain_bob.shape[1]
    gain_bob = _batched("gain_bob", gain_bob, 2, (ns, ns))
    gain_eve = _batched("gain_eve", gain_eve, 2, (ns, ns))
    noise_bob = _batched("noise_bob", noise_bob, 1, (ns,))
    noise_eve = _batched("noise_eve", noise_eve, 1, (ns,))
    ris_gain = _batched("ris_gain", ris_gain, 1, (ns,))
    p = _batched("p", p, 1, (ns,))
    for name, arr in (("gain_bob", gain_bob), ("gain_eve", gain_eve), ("ris_gain", ris_gain),
                      ("p", p)):
        if np.any(arr < 0):
            raise ParameterError(f"{name} must be >= 0 elementwise")
    for name, arr in (("noise_bob", noise_bob), ("noise_eve", noise_eve)):
        if np.any(arr <= 0):
            raise ParameterError(f"{name} must be > 0 elementwise")
    p_th = check_real("p_th", p_th, 0.0)
    total = _per_instance("total_power", total_power, n, 0.0, low_open=True)
    headroom = _per_instance("ris_headroom", ris_headroom, n, 0.0)
    gap_rel = check_real("gap_rel", gap_rel, 0.0, 1e-3, low_open=True)
    pth = np.full(n, p_th)
    headroom, feasible = _k.p4_budget_rows(total, ris_gain, headroom, pth)
    if not np.all(feasible):
        raise ParameterError(p4_empty_message(p_th, ns))
    name = solvers.resolve_solver(solver) if exact else FAST_SOLVER

    bmat, c, const = _k.p_surrogate(gain_bob, gain_eve, noise_bob, noise_eve, p)
    start = time.perf_counter()
    if exact:
        sol, iters = p4_cvxpy(bmat, c, total, ris_gain, headroom, pth, name)
    else:
        sol, iters, ok = _k.p4_solve(bmat, c, total, ris_gain, headroom, pth, gap_rel)
        check_converged(ok, iters)
    seconds = time.perf_counter() - start
    return StepResult(sol, _k.p4_objective(bmat, c, const, sol),
                      _k.p4_objective(bmat, c, const, p), iters, name, seconds)


def p4_cvxpy(bmat, c, total, r, ris, p_th, solver: str) -> tuple[np.ndarray, np.ndarray]:
    """Solve P4 per instance with cvxpy: :func:`~fastsec.kernels.oam.steps.p4_solve`'s data.

    Returns ``(p, iterations)``, shapes (n, N_s) and (n,).
    """
    n, ns = c.shape
    problem, params, var = _p4_problem(ns)
    sol = np.empty((n, ns))
    iters = np.zeros(n, dtype=np.int64)
    for i in range(n):
        for key, value in (("b", bmat[i]), ("c", c[i]), ("total", total[i]), ("r", r[i]),
                           ("ris", ris[i]), ("p_th", p_th[i])):
            params[key].value = value
        solvers.solve(problem, solver)
        sol[i] = np.maximum(np.asarray(var.value), p_th[i])  # solver round-off below the floor
        iters[i] = problem.solver_stats.num_iters or 0
    return sol, iters


def p5_cvxpy(F, D, g, weight, budget, a_max, solver: str) -> tuple[np.ndarray, np.ndarray]:
    """Solve P5 per instance with cvxpy: :func:`~fastsec.kernels.oam.steps.p5_solve`'s data.

    Returns ``(a, iterations)``, shapes (n, Q) and (n,).
    """
    n, nq = D.shape
    problem, params, var = _p5_problem(nq, F.shape[2])
    sol = np.empty((n, nq))
    iters = np.zeros(n, dtype=np.int64)
    for i in range(n):
        for key, value in (("F", F[i]), ("sqrt_d", np.sqrt(D[i])), ("g", g[i]),
                           ("sqrt_w", np.sqrt(weight[i])), ("budget", budget[i]),
                           ("a_max", a_max[i])):
            params[key].value = value
        solvers.solve(problem, solver)
        sol[i] = np.clip(np.asarray(var.value), 0.0, a_max[i])  # solver round-off outside
        iters[i] = problem.solver_stats.num_iters or 0
    return sol, iters


def exact_step_solvers(solver: str) -> tuple[Callable, Callable]:
    """P4 and P5 by cvxpy (``solver``) in the signatures of the fast kernels.

    Returns ``(p4, p5)`` taking the arguments of :func:`~fastsec.kernels.oam.steps.p4_solve`
    and :func:`~fastsec.kernels.oam.steps.p5_solve` and returning ``(solution, iterations,
    converged)`` (always converged: a failing solver raises
    :class:`~fastsec.errors.SolverError`), for :data:`fastsec.kernels.oam.ao.algorithm1_python`.
    """
    def p4(bmat, c, total, r, ris, p_th, gap_rel):
        sol, iters = p4_cvxpy(bmat, c, total, r, ris, p_th, solver)
        return sol, iters, np.ones(sol.shape[0], dtype=np.bool_)

    def p5(F, D, g, weight, budget, a_max, gap_rel):
        sol, iters = p5_cvxpy(F, D, g, weight, budget, a_max, solver)
        return sol, iters, np.ones(sol.shape[0], dtype=np.bool_)

    return p4, p5


def p4_empty_message(p_th: float, ns: int) -> str:
    """Message of the :class:`ParameterError` raised when P4's feasible set is empty."""
    return (f"p_th = {p_th:g} W on all {ns} modes exceeds total_power or ris_headroom: "
            "the feasible set of P4 is empty")


def build_p4_problem(ns: int) -> tuple[cp.Problem, dict[str, cp.Parameter], cp.Variable]:
    """P4 as a DPP ``cp.Problem`` for ``N_s = ns`` modes.

    Returns ``(problem, params, p)``: parameters ``b`` (2 N_s, N_s), ``c`` (N_s,), ``total``,
    ``r`` (N_s,), ``ris``, ``p_th`` as in :func:`power_step`; ``p`` is the variable.
    """
    params = {
        "b": cp.Parameter((2 * ns, ns), nonneg=True),
        "c": cp.Parameter(ns),
        "total": cp.Parameter(nonneg=True),
        "r": cp.Parameter(ns, nonneg=True),
        "ris": cp.Parameter(),
        "p_th": cp.Parameter(nonneg=True),
    }
    p = cp.Variable(ns)
    objective = cp.Maximize(cp.sum(cp.log(1 + params["b"] @ p)) - params["c"] @ p)
    constraints = [cp.sum(p) <= params["total"], params["r"] @ p <= params["ris"],
                   p >= params["p_th"]]
    return cp.Problem(objective, constraints), params, p


_p4_problem = functools.cache(build_p4_problem)


# ----------------------------------------------------------------------------------- a-step
def amplification_step(
    chi: ArrayLike,
    kappa2: ArrayLike,
    p: ArrayLike,
    a: ArrayLike,
    ris_weight: ArrayLike,
    *,
    sigma2_r2: float,
    sigma2_b: float,
    ris_budget: float | ArrayLike,
    a_max: float,
    exact: bool = False,
    solver: str = "auto",
    gap_rel: float = GAP_REL,
) -> StepResult:
    """Update the RIS2 amplification: ``tau``, ``omega`` (eq. (34)-(35)), then P5 (eq. (39)).

    Parameters
    ----------
    chi : array_like, shape ([n,] N_s, N_s, Q), complex
        ``chi_{l,k}`` defined with eq. (36) (module table): ``h^B_{l,k} = chi_{l,k}^T a``.
    kappa2 : array_like, shape ([n,] N_s, Q), float
        ``|f_l^H H_R2B Theta2|^2`` elementwise, ``>= 0``.
    p : array_like, shape ([n,] N_s), float
        Mode powers [W], ``>= 0``.
    a : array_like, shape ([n,] Q), float
        Current amplification, where the WMMSE weights are taken, ``>= 0``.
    ris_weight : array_like, shape ([n,] Q), float
        RIS2 power per unit ``a_q^2`` [W] (module table), ``> 0``.
    sigma2_r2, sigma2_b : float
        RIS2 and Bob noise powers ``sigma_R2^2``, ``sigma_B^2`` [W], ``> 0``.
    ris_budget : float or array_like, shape (n,)
        RIS2 power budget ``P_R2`` [W] (eq. (20d)), ``> 0``.
    a_max : float
        Amplification bound (eq. (20e)), ``> 0``.
    exact : bool
        Solve P5 with cvxpy (``solver``) instead of the interior-point kernel.
    solver : str
        cvxpy solver for ``exact=True``.
    gap_rel : float
        Relative duality-gap bound of the fast path, in (0, 1e-3].

    Returns
    -------
    StepResult
        ``solution`` is the new ``a``, shape (n, Q).

    """
    chi = _batched("chi", chi, 3, complex_ok=True)
    n, ns, nq = chi.shape[0], chi.shape[1], chi.shape[3]
    chi = _batched("chi", chi, 3, (ns, ns, nq), complex_ok=True).astype(np.complex128)
    kappa2 = _batched("kappa2", kappa2, 2, (ns, nq))
    p = _batched("p", p, 1, (ns,))
    a = _batched("a", a, 1, (nq,))
    weight = _batched("ris_weight", ris_weight, 1, (nq,))
    for name, arr in (("kappa2", kappa2), ("p", p), ("a", a)):
        if np.any(arr < 0):
            raise ParameterError(f"{name} must be >= 0 elementwise")
    if np.any(weight <= 0):
        raise ParameterError("ris_weight must be > 0 elementwise")
    sigma2_r2 = check_real("sigma2_r2", sigma2_r2, 0.0, low_open=True)
    sigma2_b = check_real("sigma2_b", sigma2_b, 0.0, low_open=True)
    budget = _per_instance("ris_budget", ris_budget, n, 0.0, low_open=True)
    a_max = check_real("a_max", a_max, 0.0, low_open=True)
    gap_rel = check_real("gap_rel", gap_rel, 0.0, 1e-3, low_open=True)
    name = solvers.resolve_solver(solver) if exact else FAST_SOLVER

    F, D, g, const = _k.a_surrogate(chi, kappa2, p, np.full(n, sigma2_r2), np.full(n, sigma2_b),
                                    a)
    start = time.perf_counter()
    if exact:
        sol, iters = p5_cvxpy(F, D, g, weight, budget, np.full(n, a_max), name)
    else:
        sol, iters, ok = _k.p5_solve(F, D, g, weight, budget, np.full(n, a_max), gap_rel)
        check_converged(ok, iters)
    seconds = time.perf_counter() - start
    return StepResult(sol, _k.p5_objective(F, D, g, const, sol),
                      _k.p5_objective(F, D, g, const, a), iters, name, seconds)


def build_p5_problem(
    nq: int, nf: int
) -> tuple[cp.Problem, dict[str, cp.Parameter], cp.Variable]:
    """P5 as a DPP ``cp.Problem`` for ``Q = nq`` elements and ``nf`` columns of ``F``.

    Returns ``(problem, params, a)``: parameters ``F`` (Q, nf), ``sqrt_d`` (Q,), ``g`` (Q,),
    ``sqrt_w`` (Q,), ``budget``, ``a_max``; ``a`` is the variable.
    """
    params = {
        "F": cp.Parameter((nq, nf)),
        "sqrt_d": cp.Parameter(nq, nonneg=True),
        "g": cp.Parameter(nq),
        "sqrt_w": cp.Parameter(nq, nonneg=True),
        "budget": cp.Parameter(nonneg=True),
        "a_max": cp.Parameter(nonneg=True),
    }
    a = cp.Variable(nq)
    objective = cp.Maximize(-cp.sum_squares(params["F"].T @ a)
                            - cp.sum_squares(cp.multiply(params["sqrt_d"], a))
                            + 2 * params["g"] @ a)
    constraints = [cp.sum_squares(cp.multiply(params["sqrt_w"], a)) <= params["budget"],
                   a >= 0, a <= params["a_max"]]
    return cp.Problem(objective, constraints), params, a


_p5_problem = functools.cache(build_p5_problem)
