"""Reference RMCG-AO pipeline and NumPy twins of the θ objectives (tests and benchmarks only).

Nothing in fastsec's solvers calls this module. It is what a researcher writes today for
Algorithm 1 (paper 002): the θ subproblems by pymanopt's ``ConjugateGradient`` on
``ComplexCircle`` with the same analytic gradient (NumPy), and P4/P5 by cvxpy problems
rebuilt at every step. It shares fastsec's model (:mod:`fastsec.oam.effective`) and surrogate
builders, so a comparison measures the solvers and the loop, not the model. pymanopt (optional
extra ``fastsec[reference]``) is imported lazily by
:func:`fastsec.reference.oam_steps.pymanopt_cg`.
"""

from __future__ import annotations

import math
import time

import cvxpy as cp
import numpy as np

from fastsec import solvers
from fastsec.kernels.oam import steps as _k
from fastsec.oam import effective as ef
from fastsec.oam.channels import channels as scene_channels
from fastsec.oam.optimize import random_phases
from fastsec.oam.rates import secrecy_rate
from fastsec.oam.scenario import Scenario
from fastsec.oam.sdr import lifted_forms
from fastsec.oam.steps import build_p4_problem, build_p5_problem
from fastsec.reference.oam_steps import pymanopt_cg
from fastsec.units import LN2


def _forms(theta, data):
    W, alpha, V, beta, c, sign = (x[0] for x in data)
    za = alpha + np.einsum("lrq,q->lr", W.conj(), theta)
    zb = beta + np.einsum("lrq,q->lr", V.conj(), theta)
    num = (np.abs(za) ** 2).sum(axis=1)
    den = (np.abs(zb) ** 2).sum(axis=1) + c
    return W, V, sign, za, zb, num, den


def secrecy_terms_cost(theta: np.ndarray, data: tuple) -> float:
    """NumPy twin of :func:`fastsec.kernels.oam.objectives.secrecy_terms` (instance 0)."""
    *_, sign, _, _, num, den = _forms(theta, data)
    return float(np.sum(sign * np.log1p(num / den)) / LN2)


def secrecy_terms_egrad(theta: np.ndarray, data: tuple) -> np.ndarray:
    """Real Euclidean gradient of :func:`secrecy_terms_cost`, shape (Q,)."""
    W, V, sign, za, zb, num, den = _forms(theta, data)
    inv_all = 1.0 / (num + den)
    ga = np.einsum("lrq,lr->lq", W, za) * (sign * inv_all)[:, None]
    gb = np.einsum("lrq,lr->lq", V, zb) * (sign * (inv_all - 1.0 / den))[:, None]
    return 2.0 / LN2 * (ga + gb).sum(axis=0)


def pymanopt_theta(data: tuple, theta0: np.ndarray, gtol: float, min_step: float,
                   max_inner: int):
    """Minimise :func:`secrecy_terms_cost` with pymanopt's CG from ``theta0``.

    :func:`fastsec.reference.oam_steps.pymanopt_cg` (the configuration fastsec's RCG kernel
    reproduces, same relative tolerance) with the NumPy twins of the cost and gradient.
    Returns pymanopt's ``OptimizerResult``.
    """
    return pymanopt_cg(lambda theta: secrecy_terms_cost(theta, data),
                       lambda theta: secrecy_terms_egrad(theta, data), theta0, gtol, min_step,
                       max_inner)


def reference_ao(scenario: Scenario, rng: np.random.Generator, iters: int = 15,
                 tol: float = 1e-6, gtol: float = 1e-6, min_step: float = 1e-10,
                 max_inner: int = 1000) -> dict:
    """Algorithm 1 for the proposed scheme with pymanopt and rebuilt cvxpy problems.

    Same start (drawn from ``rng`` in the order of :func:`fastsec.oam.optimize`), same
    sub-steps and stopping rule. Returns a dict with ``p``, ``a``, ``theta1``, ``theta2``,
    ``history`` (R_s per AO iteration) and ``seconds``.
    """
    start = time.perf_counter()
    s = scenario
    ch = scene_channels(s)
    lk = ef.link(s, ch)
    theta1, theta2 = random_phases(rng, s.Q1), random_phases(rng, s.Q2)
    p = np.full(s.N_s, s.signal_power_w / s.N_s)
    weight = ef.ris_weight(lk, ef.incident(lk, theta1), p)
    a = np.full(s.Q2, min(s.a_max, math.sqrt(s.p_r2_w / weight.sum())))

    def rate(p, a, theta1, theta2):
        return float(secrecy_rate(s, ch, p, a, theta1, theta2).R_s)

    history = [rate(p, a, theta1, theta2)]
    name = solvers.resolve_solver("auto")
    for _ in range(iters):
        # p-step: P4 rebuilt and solved by cvxpy
        v = ef.incident(lk, theta1)
        t = ef.power_terms(lk, v, a, theta1, theta2, s.p_r2_w)
        bmat, c, _ = _k.p_surrogate(*(t[k][None] for k in ("gain_bob", "gain_eve", "noise_bob",
                                                            "noise_eve")), p[None])
        problem, params, var = build_p4_problem(s.N_s)
        for key, value in (("b", bmat[0]), ("c", c[0]), ("total", s.signal_power_w),
                           ("r", t["ris_gain"]), ("ris", t["ris_headroom"]),
                           ("p_th", s.p_th_w)):
            params[key].value = value
        solvers.solve(problem, name)
        p = np.maximum(np.asarray(var.value), s.p_th_w)
        # a-step: P5 rebuilt and solved by cvxpy
        t = ef.amplification_terms(lk, v, theta2, p)
        F, D, g, _ = _k.a_surrogate(t["chi"][None], t["kappa2"][None], p[None],
                                    np.array([s.sigma_r2_w]), np.array([s.sigma_b2_w]), a[None])
        problem, params, var = build_p5_problem(s.Q2, F.shape[2])
        for key, value in (("F", F[0]), ("sqrt_d", np.sqrt(D[0])), ("g", g[0]),
                           ("sqrt_w", np.sqrt(t["ris_weight"])), ("budget", s.p_r2_w),
                           ("a_max", s.a_max)):
            params[key].value = value
        solvers.solve(problem, name)
        a = np.clip(np.asarray(var.value), 0.0, s.a_max)
        # θ1-step by pymanopt, RIS2 budget restored by rescaling a, kept if R_s does not drop
        before = rate(p, a, theta1, theta2)
        new = pymanopt_theta(ef.theta1_data(lk, p, a, theta2), theta1, gtol, min_step,
                             max_inner).point
        new_a = a
        power = ef.ris2_power(lk, ef.incident(lk, new), p, a)
        if power > s.p_r2_w:
            new_a = a * math.sqrt(s.p_r2_w / power) * (1 - 1e-12)
        if rate(p, new_a, new, theta2) >= before:
            theta1, a = new, new_a
        # θ2-step by pymanopt
        data = ef.theta2_data(lk, ef.incident(lk, theta1), p, a)
        theta2 = pymanopt_theta(data, theta2, gtol, min_step, max_inner).point
        history.append(rate(p, a, theta1, theta2))
        if history[-1] - history[-2] <= tol:
            break
    return {"p": p, "a": a, "theta1": theta1, "theta2": theta2, "history": np.array(history),
            "seconds": time.perf_counter() - start}


def sdr_relaxation_reference(data: tuple, theta: np.ndarray, solver: str = "CLARABEL"
                             ) -> tuple[np.ndarray, float]:
    """Solve the SDR θ-step's relaxed SDP written term by term, rebuilt per call (former code).

    One ``cp.real(cp.sum(cp.multiply(M.T, X)))`` tree per trace ``tr(M X)`` and per rate term
    (:mod:`fastsec.oam.sdr`'s module docstring); returns ``(X, optimal value)``.
    """
    a_bar, b_bar = lifted_forms(data)
    sign = data[5][0]
    n = theta.shape[0] + 1
    lifted = np.append(theta, 1.0)
    num = np.real(np.einsum("p,lpq,q->l", lifted.conj(), a_bar, lifted))
    den = np.real(np.einsum("p,lpq,q->l", lifted.conj(), b_bar, lifted))
    X = cp.Variable((n, n), hermitian=True)
    terms = []
    for m in range(sign.shape[0]):
        total = cp.real(cp.sum(cp.multiply(((a_bar[m] + b_bar[m]) / den[m]).T, X)))
        interference = cp.real(cp.sum(cp.multiply((b_bar[m] / den[m]).T, X)))
        if sign[m] < 0:  # a rate to maximise: keep log(total), linearise -log(interference)
            terms.append(cp.log(total) - interference)
        else:  # a rate to minimise: keep log(interference), linearise -log(total)
            terms.append(cp.log(interference) - total * den[m] / (num[m] + den[m]))
    problem = cp.Problem(cp.Maximize(cp.sum(cp.hstack(terms))),
                         [X >> 0, cp.real(cp.diag(X)) == 1])
    value = solvers.solve(problem, solver)
    return np.array(X.value), value
