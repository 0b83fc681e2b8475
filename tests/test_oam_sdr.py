"""The SDR θ-step: its relaxed program by Burer–Monteiro (default) and by the once-built DPP
cvxpy problem (exact path), both against the former term-by-term cvxpy problem (Clarabel), and
SDR-AO against its exact path."""

import numpy as np
import pytest
from fastsec.kernels.oam import sdr as ksdr
from numpy.testing import assert_allclose

from fastsec import solvers
from fastsec.errors import ParameterError
from fastsec.oam import Scenario, channels, optimize
from fastsec.oam import effective as ef
from fastsec.oam.optimize import random_phases
from fastsec.oam.sdr import lifted_forms, relax, relaxation, sdr_solver, solve_relaxation
from fastsec.reference.instances import theta1_instance
from fastsec.reference.oam_optimize import sdr_relaxation_reference

Q = 8


def _relaxed_objective(data, theta, X):
    """The relaxed objective (sdr module docstring) at X, term by term in NumPy."""
    a_bar, b_bar = lifted_forms(data)
    lifted = np.append(theta, 1.0)
    num = np.einsum("p,lpq,q->l", lifted.conj(), a_bar, lifted).real
    den = np.einsum("p,lpq,q->l", lifted.conj(), b_bar, lifted).real
    total = np.einsum("lpq,qp->l", a_bar + b_bar, X).real
    interference = np.einsum("lpq,qp->l", b_bar, X).real
    maximised = data[5][0] < 0
    return float(np.sum(np.where(maximised, np.log(total / den) - interference / den,
                                 np.log(interference / den) - total / (num + den))))


def _instances():
    """θ1 data of two random points and θ2 data of one (same cached shape for the θ1 pair)."""
    out = [theta1_instance(Q, seed) for seed in (0, 1)]
    s = Scenario(Q1=Q, Q2=Q)
    lk = ef.link(s, channels(s))
    rng = np.random.default_rng(2)
    p = np.full(s.N_s, s.signal_power_w / s.N_s)
    a, theta1, theta2 = np.full(Q, s.a_max), random_phases(rng, Q), random_phases(rng, Q)
    out.append((ef.theta2_data(lk, ef.incident(lk, theta1), p, a), theta2))
    return out


# Clarabel stops at a relative gap of 1e-8; SCS at eps_rel = eps_abs = 1e-6
# (sdr.SCS_SETTINGS) on residuals and gap: 10x margin on each.
@pytest.mark.parametrize(("solver", "rtol", "feas_tol"), [("CLARABEL", 1e-6, 1e-7),
                                                          ("SCS", 1e-5, 1e-5)])
def test_once_built_relaxation_matches_the_term_by_term_sdp(solver, rtol, feas_tol):
    for data, theta in _instances():  # re-solves of the cached problems, new parameters
        X_ref, value_ref = sdr_relaxation_reference(data, theta, "CLARABEL")
        assert_allclose(_relaxed_objective(data, theta, X_ref), value_ref, rtol=1e-8)
        X, value = solve_relaxation(data, theta, solver)
        assert value == pytest.approx(value_ref, rel=rtol)
        # optimal for the former problem (X itself need not be unique: compare values)
        assert_allclose(_relaxed_objective(data, theta, X), value_ref, rtol=rtol)
        assert_allclose(np.diag(X).real, 1.0, atol=feas_tol)
        assert np.linalg.eigvalsh(X).min() >= -feas_tol
    n_terms = _instances()[0][0][5].shape[1]
    assert relaxation(Q + 1, n_terms) is relaxation(Q + 1, n_terms)  # built once per shape


def test_sdr_solver_choice():
    assert sdr_solver("auto") == ("MOSEK" if solvers.mosek_licensed() else "CLARABEL")
    assert sdr_solver("CLARABEL") == "CLARABEL"
    with pytest.raises(ParameterError, match="solver"):
        optimize(Scenario(Q1=4, Q2=4), method="sdr", rng=np.random.default_rng(0),
                 solver="NOPE")


def _lifted_point(rng, data, theta, rank):
    """The lifted program at ``theta`` and a random point of rank ``rank`` (flattened Y)."""
    lifted, _ = ksdr.lifted_problem(*data, theta)
    n = theta.shape[0] + 1
    Y = rng.standard_normal((n, rank)) + 1j * rng.standard_normal((n, rank))
    return lifted, (Y / np.linalg.norm(Y, axis=1, keepdims=True)).ravel()


def test_relaxed_cost_is_the_relaxed_objective_with_its_gradient(rng):
    for data, theta in _instances():
        lifted, y = _lifted_point(rng, data, theta, 2)
        n = theta.shape[0] + 1
        Y = y.reshape(n, 2)
        grad = np.empty_like(y)
        f = ksdr.relaxed_cost(y, lifted, 0, grad, True)
        assert f == pytest.approx(-_relaxed_objective(data, theta, Y @ Y.conj().T), rel=1e-12)
        C = np.empty((n, n), dtype=complex)
        ksdr.relaxed_gradient_matrix(y, lifted, C)
        assert_allclose(grad, 2 * (C @ Y).ravel(), rtol=1e-12, atol=1e-12 * np.abs(grad).max())
        # central differences in the real and imaginary part of every entry of Y
        h, fd = 1e-6, np.empty_like(y)
        for k in range(y.size):
            e = np.zeros_like(y)
            e[k] = h
            df = [ksdr.relaxed_cost(y + s * e, lifted, 0, grad, False)
                  - ksdr.relaxed_cost(y - s * e, lifted, 0, grad, False) for s in (1, 1j)]
            fd[k] = (df[0] + 1j * df[1]) / (2 * h)
        ksdr.relaxed_cost(y, lifted, 0, grad, True)
        # truncation O(h^2) and rounding O(eps |f| / h), both far below 1e-6 of the gradient
        assert_allclose(grad, fd, rtol=1e-6, atol=1e-6 * np.abs(grad).max())


def test_burer_monteiro_reaches_the_sdp_optimum_with_a_certified_bound():
    for data, theta in [*_instances(), theta1_instance(24, 5)]:
        X_ref, value_ref = sdr_relaxation_reference(data, theta, "CLARABEL")
        fast, exact = relax(data, theta), relax(data, theta, exact=True, solver="CLARABEL")
        # the relaxed optimum: Clarabel's relative gap 1e-8, 100x margin
        assert_allclose(_relaxed_objective(data, theta, fast.X), value_ref, rtol=1e-6)
        assert_allclose(np.diag(fast.X).real, 1.0, atol=1e-12)
        assert np.linalg.eigvalsh(fast.X).min() >= -1e-12
        # the bounds [bit/s/Hz]: the certified one is above the optimum Clarabel finds ...
        assert fast.bound >= exact.bound - 1e-6
        # ... and tight: both are the same optimum to the solvers' accuracy
        assert fast.bound == pytest.approx(exact.bound, abs=1e-5)


@pytest.mark.slow
def test_sdr_ao_r_s_within_two_percent_of_the_exact_path(reduced):
    """Same start (seed), 10 AO iterations: Burer–Monteiro against the exact path (cvxpy SDPs
    by Clarabel, the default without MOSEK, and cvxpy P4/P5 steps). Measured at Q = 12, seeds
    0-7 (R_s relative gap, %): +0.49, +0.78, +2.54, 0, -1.75, 0, 0, -0.63, mean +0.18 ± 0.43
    (SE). A single start is not a continuous function of the solvers' last digits: Gaussian
    randomisation draws the phases of elements the relaxed objective barely weighs from X's
    solver-dependent block, and the AO then re-activates them. Over seeds 0-47 (2026-12-07)
    Burer–Monteiro is within 2 % of Clarabel on 44 of 48 starts (mean −0.12 ± 0.16 %, mean
    |gap| 0.75 %, max 2.61 %), and the exact path with SCS instead of Clarabel (both solve to
    1e-6 or better) on only 41 (mean +0.50 ± 0.16 %, mean |gap| 0.78 %, max 4.00 %): 2 % per
    start is not a property of SDR with Gaussian randomisation, even between two exact
    solvers. Held: the mean over the seeds within 2 %, every start within 5 %."""
    s = Scenario(Q1=12, Q2=12)
    gaps = []
    for seed in range(4 if reduced else 8):
        fast, exact = (optimize(s, method="sdr", rng=np.random.default_rng(seed), iters=10,
                                tol=0.0, exact=e) for e in (False, True))
        assert exact.solver in ("CLARABEL", "MOSEK"), exact.solver
        gaps.append(fast.secrecy_rate / exact.secrecy_rate - 1)
        assert np.all(np.isfinite(fast.sdr_bounds)) and fast.sdr_bounds.shape == (10, 2)
    assert abs(np.mean(gaps)) <= 0.02
    assert np.max(np.abs(gaps)) <= 0.05
