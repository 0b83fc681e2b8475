"""Algorithm 1 of Paper 002 (RMCG-AO), written once, and the θ sub-steps it shares.

:func:`algorithm1` is the alternating optimisation of one random start on plain arrays:
effective quantities (:mod:`fastsec.kernels.oam.effective`) -> p-step (Lemma 1 and P4) ->
a-step (WMMSE and P5) -> θ1-step (with the RIS2 budget rescale and the keep-if-not-worse
rule of :func:`theta1_accept`) -> θ2-step, recording R_s and the RIS2 power after every
sub-step, until one AO iteration gains at most ``tol`` or after ``iters`` iterations. The
loop (order of the steps, stopping rule, history, counters and status codes) exists once;
the solvers of P4, P5 and the θ subproblems are its arguments:

* :func:`rmcg_ao` (the default of :func:`fastsec.oam.optimize`) compiles it with the
  interior-point kernels :func:`~.steps.p4_solve`, :func:`~.steps.p5_solve` and the Riemannian
  CG step :func:`theta_rcg_step`: the whole AO of one start is one kernel call, and
  :func:`rmcg_ao_starts` runs S starts in one call, in parallel (``prange``);
* :data:`algorithm1_python` is the same function run by the interpreter, for step solvers
  that are Python (cvxpy's P4/P5 of ``exact=True``, the SDR θ-step with its Gaussian
  randomisation from a NumPy ``Generator``): :mod:`fastsec.oam.optimize` passes them.

Numba compiles :func:`algorithm1` with its step arguments inlined (``inline="always"``, as
:func:`fastsec.kernels.optim.rcg.riemannian_cg` takes its cost), so that :func:`rmcg_ao` is a
cached concrete kernel. Step signatures: ``p4(bmat, c, total, ris_gain, rows, p_th, gap_rel)``
and ``p5(F, D, g, weight, budget, a_max, gap_rel)`` return ``(solution, iterations,
converged)`` for a batch of one (those of :func:`~.steps.p4_solve`, :func:`~.steps.p5_solve`);
``theta(data, theta, options, bounds, it, which)`` returns ``(theta_new, iterations,
nonfinite)`` and may record a bound of sub-step ``which`` (0: θ1, 1: θ2) of AO iteration
``it`` in ``bounds`` (iters, 2). It holds no validation: :func:`fastsec.oam.optimize`
validates once and reads the status code.

Notation of :mod:`fastsec.kernels.oam.effective` (``lk``, ``noise``, ``v``).
"""

from __future__ import annotations

import math
from collections import namedtuple

import numba
import numpy as np

from .._jit import jit
from ..optim.rcg import STOP_NONFINITE
from .effective import (
    amplification_terms,
    empty_fields,
    power_terms,
    ris1_fields,
    ris2_power,
    ris_weight,
    secrecy,
    theta1_data,
    theta2_data,
)
from .objectives import rcg_secrecy
from .steps import a_surrogate, p4_budget_rows, p4_solve, p5_solve, p_surrogate

#: Status codes of :func:`algorithm1` (index into :data:`AO_STATUS`).
AO_OK = 0
AO_P4_EMPTY = 1
AO_P4_STALLED = 2
AO_P5_STALLED = 3
AO_THETA_NONFINITE = 4
AO_STATUS = ("ok", "p4_empty", "p4_stalled", "p5_stalled", "theta_nonfinite")

#: The scene of one Algorithm 1 run (plain arrays and numbers, a Numba-typed record):
#: ``lk``, ``noise`` scene products and noise powers [W] (module docstring of
#: :mod:`~.effective`); ``index_bits`` log2 G of eq. (16); ``total_power`` the signal-mode
#: budget ``rho P_T`` [W] (eq. (20b)); ``p_th`` the power floor per mode [W] (eq. (20c));
#: ``ris_budget`` the RIS2 budget ``P_R2`` [W] (eq. (20d), unused on a passive surface);
#: ``a_max`` the amplification bound (eq. (20e)); ``active_ris`` whether RIS2 amplifies (has a
#: budget row in P4 and an a-step); ``optimised`` (4,) bool, which of the sub-steps p, a, θ1,
#: θ2 run.
AOProblem = namedtuple("AOProblem", ["lk", "noise", "index_bits", "total_power", "p_th",
                                     "ris_budget", "a_max", "active_ris", "optimised"])

#: Options of one Algorithm 1 run: ``iters`` cap on AO iterations; ``tol`` stop when one AO
#: iteration raises R_s by at most ``tol`` [bit/s/Hz]; ``gtol``, ``min_step``, ``max_inner``
#: the RCG stopping rules of each θ subproblem
#: (:func:`fastsec.kernels.optim.rcg.rcg_minimize`); ``gap_rel`` the relative duality-gap
#: bound of the P4/P5 solvers.
AOOptions = namedtuple("AOOptions", ["iters", "tol", "gtol", "min_step", "max_inner", "gap_rel"])

#: Outcome of :func:`algorithm1`: ``history`` (iterations + 1,) R_s [bit/s/Hz] at the start and
#: after every AO iteration; ``substeps``, ``substep_power`` (iterations, 4) R_s and RIS2 output
#: power [W] after every sub-step; ``converged`` whether the R_s gain fell to ``tol`` before
#: ``iters``; ``counters`` (3,) int64: RIS2 budget rescales after θ1-steps, rejected θ1-steps,
#: RCG iterations; ``status`` an :data:`AO_STATUS` code (on failure the run stopped at the
#: failing sub-step); ``step_iterations`` iterations of the failing P4/P5 solve (0 otherwise).
AOResult = namedtuple("AOResult", ["history", "substeps", "substep_power", "converged",
                                   "counters", "status", "step_iterations"])

#: Factor below 1 applied on top of the exact RIS2 budget rescale, so that round-off cannot
#: leave the rescaled point above the budget (20d).
RESCALE_MARGIN = 1e-12


@jit
def theta_rcg(data, theta, options):
    """Minimise the θ objective ``data`` (:func:`~.objectives.secrecy_terms`) from ``theta``.

    ``options`` (:data:`AOOptions`) gives the RCG stopping rules ``gtol``, ``min_step`` and
    ``max_inner``.
    Returns ``(theta_new, iterations, nonfinite)``: the new phases (Q,), the RCG iterations
    and whether the objective became non-finite.
    """
    W, alpha, V, beta, c, sign = data
    out = rcg_secrecy(W, alpha, V, beta, c, sign, theta.reshape((1, theta.shape[0])),
                      options.gtol, options.min_step, options.max_inner, np.zeros((1, 0, 3)))
    return out[0][0], out[2][0], out[3][0] == STOP_NONFINITE


@jit
def theta1_accept(problem, p, a, theta1, theta2, rs, new_theta1, fields, weight, sinr_b,
                  sinr_e):
    """Keep a θ1 candidate if R_s does not drop, after restoring the RIS2 budget (20d).

    The RIS2 output power depends on θ1: when ``new_theta1`` breaks the budget, ``a`` is
    scaled onto it (times ``1 - RESCALE_MARGIN``). ``theta1`` and ``a`` are overwritten
    when the candidate is kept. ``fields`` (:func:`~.effective.ris1_fields`) are filled
    with the candidate's; ``weight``, ``sinr_b``, ``sinr_e`` are scratch.

    Returns ``(rescaled, kept)``.
    """
    lk, noise, ris_budget = problem.lk, problem.noise, problem.ris_budget
    ris1_fields(lk, new_theta1, fields)
    power = ris2_power(fields[3], p, a, noise, weight)
    new_a = a.copy()
    rescaled = problem.active_ris and power > ris_budget
    if rescaled:
        scale = math.sqrt(ris_budget / power)
        for q in range(a.shape[0]):
            new_a[q] = a[q] * scale * (1.0 - RESCALE_MARGIN)
    rs_new, _ = secrecy(lk, fields, p, new_a, theta2, noise, problem.index_bits, sinr_b, sinr_e)
    kept = rs_new >= rs
    if kept:
        theta1[:] = new_theta1
        a[:] = new_a
    return rescaled, kept


@jit
def _stopped(trace, it, counters, status, step_iterations):
    """Return the :data:`AOResult` of a run stopped in AO iteration ``it`` on ``status``.

    ``trace = (history, substeps, substep_power)`` as allocated for the whole run.
    """
    history, substeps, substep_power = trace
    return AOResult(history[: it + 1], substeps[:it], substep_power[:it], False, counters,
                    status, step_iterations)


def _algorithm1(problem, options, p, a, theta1, theta2, p4, p5, theta, bounds):
    """Algorithm 1 from ``(p, a, θ1, θ2)`` with the step solvers ``p4``, ``p5``, ``theta``.

    Parameters
    ----------
    problem : AOProblem
        The scene (:data:`AOProblem`).
    options : AOOptions
        Stopping rules (:data:`AOOptions`).
    p, a, theta1, theta2 : ndarray, shapes (N_s,), (Q2,), (Q1,), (Q2,)
        Starting point, overwritten with the final point.
    p4, p5, theta : functions
        The step solvers (module docstring).
    bounds : ndarray, shape (iters, 2) or (0, 2)
        Passed to ``theta`` (where it may record a bound per θ-step).

    Returns
    -------
    AOResult

    """
    lk, noise, index_bits = problem.lk, problem.noise, problem.index_bits
    ris_budget, active_ris, optimised = problem.ris_budget, problem.active_ris, problem.optimised
    max_iters, tol, gap_rel = options.iters, options.tol, options.gap_rel
    c = lk[1]
    n_s = p.shape[0]
    q2 = c.shape[1]
    history = np.empty(max_iters + 1)
    substeps = np.empty((max_iters, 4))
    substep_power = np.empty((max_iters, 4))
    trace = (history, substeps, substep_power)
    counters = np.zeros(3, dtype=np.int64)
    fields = empty_fields(lk)  # of the current θ1
    candidate = empty_fields(lk)  # of a θ1-step's candidate
    v = fields[3]
    sinr_b = np.empty(n_s)
    sinr_e = np.empty(n_s)
    # batch-of-one views for the batched step kernels
    gain_bob = np.empty((1, n_s, n_s))
    gain_eve = np.empty((1, n_s, n_s))
    noise_bob = np.empty((1, n_s))
    noise_eve = np.empty((1, n_s))
    ris_gain = np.zeros((1, n_s))
    chi = np.empty((1, n_s, n_s, q2), dtype=np.complex128)
    kappa2 = np.empty((1, n_s, q2))
    weight = np.empty((1, q2))
    total = np.full(1, problem.total_power)
    pth = np.full(1, problem.p_th)
    headroom = np.zeros(1)
    budget = np.full(1, ris_budget)
    amax = np.full(1, problem.a_max)
    sigma_r2 = np.full(1, noise[1])
    sigma_b2 = np.full(1, noise[2])
    p1 = p.reshape((1, n_s))
    a1 = a.reshape((1, q2))

    ris1_fields(lk, theta1, fields)
    rs, _ = secrecy(lk, fields, p, a, theta2, noise, index_bits, sinr_b, sinr_e)
    history[0] = rs
    converged = False
    it = 0
    while it < max_iters:
        previous = rs
        for step in range(4):
            if optimised[step]:
                if step == 0:  # p-step: Lemma 1 and P4
                    room = power_terms(lk, v, a, theta1, theta2, noise, ris_budget, gain_bob[0],
                                       gain_eve[0], noise_bob[0], noise_eve[0], ris_gain[0])
                    if not active_ris:  # a passive surface has no budget: no RIS2 row
                        ris_gain[0] = 0.0
                        room = 0.0
                    headroom[0] = room
                    rows, feasible = p4_budget_rows(total, ris_gain, headroom, pth)
                    if not feasible[0]:
                        return _stopped(trace, it, counters, AO_P4_EMPTY, 0)
                    bmat, cvec, _ = p_surrogate(gain_bob, gain_eve, noise_bob, noise_eve, p1)
                    sol, iters, ok = p4(bmat, cvec, total, ris_gain, rows, pth, gap_rel)
                    if not ok[0]:
                        return _stopped(trace, it, counters, AO_P4_STALLED, iters[0])
                    p[:] = sol[0]
                elif step == 1:  # a-step: WMMSE weights and P5
                    amplification_terms(lk, v, theta2, chi[0], kappa2[0])
                    ris_weight(v, p, noise, weight[0])
                    F, D, g, _ = a_surrogate(chi, kappa2, p1, sigma_r2, sigma_b2, a1)
                    sol, iters, ok = p5(F, D, g, weight, budget, amax, gap_rel)
                    if not ok[0]:
                        return _stopped(trace, it, counters, AO_P5_STALLED, iters[0])
                    a[:] = sol[0]
                elif step == 2:  # θ1-step: RCG, budget rescale, keep if R_s does not drop
                    data = theta1_data(lk, noise, p, a, theta2)
                    new, iters_t, bad = theta(data, theta1, options, bounds, it, 0)
                    if bad:
                        return _stopped(trace, it, counters, AO_THETA_NONFINITE, 0)
                    counters[2] += iters_t
                    rescaled, kept = theta1_accept(problem, p, a, theta1, theta2, rs, new,
                                                   candidate, weight[0], sinr_b, sinr_e)
                    counters[0] += rescaled
                    counters[1] += not kept
                    if kept:
                        fields[0][:] = candidate[0]
                        fields[1][:] = candidate[1]
                        fields[2][:] = candidate[2]
                        fields[3][:] = candidate[3]
                else:  # θ2-step: RCG
                    data = theta2_data(lk, noise, v, p, a)
                    new, iters_t, bad = theta(data, theta2, options, bounds, it, 1)
                    if bad:
                        return _stopped(trace, it, counters, AO_THETA_NONFINITE, 0)
                    counters[2] += iters_t
                    theta2[:] = new
            rs, power = secrecy(lk, fields, p, a, theta2, noise, index_bits, sinr_b, sinr_e)
            substeps[it, step] = rs
            substep_power[it, step] = power
        it += 1
        history[it] = rs
        if rs - previous <= tol:
            converged = True
            break
    return AOResult(history[: it + 1], substeps[:it], substep_power[:it], converged, counters,
                    AO_OK, 0)


#: :func:`_algorithm1` compiled with its step solvers inlined (for :func:`rmcg_ao`).
algorithm1 = jit(inline="always")(_algorithm1)
#: The same function run by the interpreter, for Python step solvers (module docstring).
algorithm1_python = _algorithm1


@jit
def theta_rcg_step(data, theta, options, bounds, it, which):
    """:func:`theta_rcg` in the θ-step signature of :func:`algorithm1` (records no bound)."""
    return theta_rcg(data, theta, options)


@jit
def rmcg_ao(problem, options, p, a, theta1, theta2):
    """:func:`algorithm1` with the interior-point P4/P5 kernels and RCG θ-steps (one start).

    Arguments and result as :func:`algorithm1`.
    """
    return algorithm1(problem, options, p, a, theta1, theta2, p4_solve, p5_solve,
                      theta_rcg_step, np.empty((0, 2)))


@jit(parallel=True)
def rmcg_ao_starts(problem, options, p, a, theta1, theta2):
    """:func:`rmcg_ao` from each of S starting points, in parallel (``prange`` over starts).

    ``p, a, theta1, theta2``: shapes (S, N_s), (S, Q2), (S, Q1), (S, Q2), overwritten with
    each start's final point. Each start runs exactly :func:`rmcg_ao` (same arithmetic, no
    shared state), so the results equal the loop of single-start calls bit for bit.

    Returns
    -------
    history : ndarray, shape (S, iters + 1)
        R_s per start, NaN after its last AO iteration.
    substeps, substep_power : ndarray, shape (S, iters, 4)
        Per start, NaN after its last AO iteration.
    iterations : ndarray, shape (S,), int64
        AO iterations run per start.
    converged : ndarray, shape (S,), bool
    counters : ndarray, shape (S, 3), int64
    status, step_iterations : ndarray, shape (S,), int64
        As :data:`AOResult`.

    """
    n = p.shape[0]
    iters = options.iters
    history = np.full((n, iters + 1), np.nan)
    substeps = np.full((n, iters, 4), np.nan)
    substep_power = np.full((n, iters, 4), np.nan)
    iterations = np.zeros(n, dtype=np.int64)
    converged = np.zeros(n, dtype=np.bool_)
    counters = np.zeros((n, 3), dtype=np.int64)
    status = np.zeros(n, dtype=np.int64)
    step_iterations = np.zeros(n, dtype=np.int64)
    # a parallel region takes arrays and scalars only: the records are rebuilt inside it
    w1, c, e0, er, h_r1r2, hre, him = problem.lk
    sigma_z2, sigma_r2, sigma_b2, sigma_e2 = problem.noise
    index_bits, total_power, p_th = problem.index_bits, problem.total_power, problem.p_th
    ris_budget, a_max, active_ris = problem.ris_budget, problem.a_max, problem.active_ris
    optimised = problem.optimised
    tol, gtol, min_step = options.tol, options.gtol, options.min_step
    max_inner, gap_rel = options.max_inner, options.gap_rel
    for s in numba.prange(n):
        prob = AOProblem((w1, c, e0, er, h_r1r2, hre, him),
                         (sigma_z2, sigma_r2, sigma_b2, sigma_e2), index_bits, total_power,
                         p_th, ris_budget, a_max, active_ris, optimised)
        opts = AOOptions(iters, tol, gtol, min_step, max_inner, gap_rel)
        out = rmcg_ao(prob, opts, p[s], a[s], theta1[s], theta2[s])
        k = out.history.shape[0] - 1
        iterations[s] = k
        history[s, : k + 1] = out.history
        substeps[s, :k] = out.substeps
        substep_power[s, :k] = out.substep_power
        converged[s] = out.converged
        counters[s] = out.counters
        status[s] = out.status
        step_iterations[s] = out.step_iterations
    return (history, substeps, substep_power, iterations, converged, counters, status,
            step_iterations)
