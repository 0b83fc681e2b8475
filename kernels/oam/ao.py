"""RMCG-AO (Paper 002, Algorithm 1) as one kernel, and the θ sub-steps it shares.

:func:`rmcg_ao` runs the whole alternating optimisation of one random start on plain arrays:
effective quantities (:mod:`fastsec.kernels.oam.effective`) -> P4 (:func:`~.oam_steps.p4_solve`)
-> P5 (:func:`~.oam_steps.p5_solve`) -> θ1 by Riemannian CG (:func:`theta1_step`, with the
RIS2 budget rescale and the keep-if-not-worse rule of :func:`theta1_accept`) -> θ2 by
Riemannian CG (:func:`theta2_step`), recording R_s and the RIS2 power after every sub-step.
It holds no validation: :func:`fastsec.oam.optimize` validates once and reads the status code.
The θ sub-steps are also called one by one by the Python loop of the exact (cvxpy) and SDR
paths, so both loops take the same θ steps.

Notation of :mod:`fastsec.kernels.oam.effective` (``lk``, ``noise``, ``v``).
"""

from __future__ import annotations

import math

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

#: Status codes of :func:`rmcg_ao` (index into :data:`AO_STATUS`).
AO_OK = 0
AO_P4_EMPTY = 1
AO_P4_STALLED = 2
AO_P5_STALLED = 3
AO_THETA_NONFINITE = 4
AO_STATUS = ("ok", "p4_empty", "p4_stalled", "p5_stalled", "theta_nonfinite")

#: Factor below 1 applied on top of the exact RIS2 budget rescale, so that round-off cannot
#: leave the rescaled point above the budget (20d).
RESCALE_MARGIN = 1e-12


@jit
def theta_rcg(data, theta, gtol, min_step, max_iter):
    """Minimise the θ objective ``data`` (:func:`~.oam_objectives.secrecy_terms`) from ``theta``.

    Returns ``(theta_new, iterations, nonfinite)``: the new phases (Q,), the RCG iterations
    and whether the objective became non-finite.
    """
    W, alpha, V, beta, c, sign = data
    out = rcg_secrecy(W, alpha, V, beta, c, sign, theta.reshape((1, theta.shape[0])), gtol,
                      min_step, max_iter, np.zeros((1, 0, 3)))
    return out[0][0], out[2][0], out[3][0] == STOP_NONFINITE


@jit
def theta1_accept(lk, noise, index_bits, ris_budget, active_ris, p, a, theta1, theta2, rs,
                  new_theta1, fields, weight, sinr_b, sinr_e):
    """Keep a θ1 candidate if R_s does not drop, after restoring the RIS2 budget (20d).

    The RIS2 output power depends on θ1: when ``new_theta1`` breaks the budget, ``a`` is
    scaled onto it (times ``1 - RESCALE_MARGIN``). ``theta1`` and ``a`` are overwritten
    when the candidate is kept. ``fields`` (:func:`~.oam_effective.ris1_fields`) are filled
    with the candidate's; ``weight``, ``sinr_b``, ``sinr_e`` are scratch.

    Returns ``(rescaled, kept)``.
    """
    ris1_fields(lk, new_theta1, fields)
    power = ris2_power(fields[3], p, a, noise, weight)
    new_a = a.copy()
    rescaled = active_ris and power > ris_budget
    if rescaled:
        scale = math.sqrt(ris_budget / power)
        for q in range(a.shape[0]):
            new_a[q] = a[q] * scale * (1.0 - RESCALE_MARGIN)
    rs_new, _ = secrecy(lk, fields, p, new_a, theta2, noise, index_bits, sinr_b, sinr_e)
    kept = rs_new >= rs
    if kept:
        theta1[:] = new_theta1
        a[:] = new_a
    return rescaled, kept


@jit
def rmcg_ao(lk, noise, index_bits, total_power, p_th, ris_budget, a_max, active_ris, optimised,
            p, a, theta1, theta2, max_iters, tol, gtol, min_step, theta_max_iter, gap_rel):
    """Algorithm 1 from ``(p, a, θ1, θ2)`` with the fast P4/P5 solvers and RCG θ-steps.

    Parameters
    ----------
    lk, noise : tuple
        Scene products and noise powers [W] (module docstring of :mod:`~.oam_effective`).
    index_bits : float
        log2 G of eq. (16).
    total_power : float
        Signal-mode budget ``rho P_T`` [W] (eq. (20b)).
    p_th : float
        Power floor per mode [W] (eq. (20c)).
    ris_budget : float
        RIS2 power budget ``P_R2`` [W] (eq. (20d)); unused on a passive surface.
    a_max : float
        Amplification bound (eq. (20e)).
    active_ris : bool
        Whether RIS2 amplifies (has a budget row in P4 and an a-step).
    optimised : ndarray, shape (4,), bool
        Which of the sub-steps p, a, θ1, θ2 run.
    p, a, theta1, theta2 : ndarray, shapes (N_s,), (Q2,), (Q1,), (Q2,)
        Starting point, overwritten with the final point.
    max_iters : int
        Cap on AO iterations.
    tol : float
        Stop when one AO iteration raises R_s by at most ``tol`` [bit/s/Hz].
    gtol, min_step, theta_max_iter : float, float, int
        RCG stopping rules of each θ subproblem (:func:`~.rcg.rcg_minimize`).
    gap_rel : float
        Relative duality-gap bound of the P4/P5 solvers.

    Returns
    -------
    history : ndarray, shape (iterations + 1,), float64
        R_s [bit/s/Hz] at the start and after every AO iteration.
    substeps, substep_power : ndarray, shape (iterations, 4), float64
        R_s and RIS2 output power [W] after every sub-step.
    converged : bool
        Whether the R_s gain fell to ``tol`` before ``max_iters``.
    counters : ndarray, shape (3,), int64
        RIS2 budget rescales after θ1-steps, rejected θ1-steps, RCG iterations.
    status : int
        :data:`AO_STATUS` code; on failure the run stopped at the failing sub-step.
    step_iterations : int
        Iterations of the failing P4/P5 solve (0 otherwise).

    """
    c = lk[1]
    n_s = p.shape[0]
    q2 = c.shape[1]
    history = np.empty(max_iters + 1)
    substeps = np.empty((max_iters, 4))
    substep_power = np.empty((max_iters, 4))
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
    total = np.full(1, total_power)
    pth = np.full(1, p_th)
    headroom = np.zeros(1)
    budget = np.full(1, ris_budget)
    amax = np.full(1, a_max)
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
                        return (history[: it + 1], substeps[:it], substep_power[:it],
                                False, counters, AO_P4_EMPTY, 0)
                    bmat, cvec, _ = p_surrogate(gain_bob, gain_eve, noise_bob, noise_eve, p1)
                    sol, iters, ok = p4_solve(bmat, cvec, total, ris_gain, rows, pth, gap_rel)
                    if not ok[0]:
                        return (history[: it + 1], substeps[:it], substep_power[:it],
                                False, counters, AO_P4_STALLED, iters[0])
                    p[:] = sol[0]
                elif step == 1:  # a-step: WMMSE weights and P5
                    amplification_terms(lk, v, theta2, chi[0], kappa2[0])
                    ris_weight(v, p, noise, weight[0])
                    F, D, g, _ = a_surrogate(chi, kappa2, p1, sigma_r2, sigma_b2, a1)
                    sol, iters, ok = p5_solve(F, D, g, weight, budget, amax, gap_rel)
                    if not ok[0]:
                        return (history[: it + 1], substeps[:it], substep_power[:it],
                                False, counters, AO_P5_STALLED, iters[0])
                    a[:] = sol[0]
                elif step == 2:  # θ1-step: RCG, budget rescale, keep if R_s does not drop
                    data = theta1_data(lk, noise, p, a, theta2)
                    new, iters_t, bad = theta_rcg(data, theta1, gtol, min_step, theta_max_iter)
                    if bad:
                        return (history[: it + 1], substeps[:it], substep_power[:it],
                                False, counters, AO_THETA_NONFINITE, 0)
                    counters[2] += iters_t
                    rescaled, kept = theta1_accept(lk, noise, index_bits, ris_budget,
                                                   active_ris, p, a, theta1, theta2, rs, new,
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
                    new, iters_t, bad = theta_rcg(data, theta2, gtol, min_step, theta_max_iter)
                    if bad:
                        return (history[: it + 1], substeps[:it], substep_power[:it],
                                False, counters, AO_THETA_NONFINITE, 0)
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
    return (history[: it + 1], substeps[:it], substep_power[:it], converged, counters, AO_OK,
            0)
