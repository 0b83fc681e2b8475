"""The SDR θ-step's once-built DPP relaxation against the former term-by-term cvxpy problem."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from fastsec import solvers
from fastsec.errors import ParameterError
from fastsec.oam import Scenario, channels, optimize
from fastsec.oam import effective as ef
from fastsec.oam.optimize import random_phases
from fastsec.oam.sdr import lifted_forms, relaxation, sdr_solver, solve_relaxation
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
        X = solve_relaxation(data, theta, solver)
        # optimal for the former problem (X itself need not be unique: compare values)
        assert_allclose(_relaxed_objective(data, theta, X), value_ref, rtol=rtol)
        assert_allclose(np.diag(X).real, 1.0, atol=feas_tol)
        assert np.linalg.eigvalsh(X).min() >= -feas_tol
    n_terms = _instances()[0][0][5].shape[1]
    assert relaxation(Q + 1, n_terms) is relaxation(Q + 1, n_terms)  # built once per shape


def test_sdr_solver_choice():
    assert sdr_solver("auto") == ("MOSEK" if solvers.mosek_licensed() else "SCS")
    assert sdr_solver("CLARABEL") == "CLARABEL"
    with pytest.raises(ParameterError, match="solver"):
        optimize(Scenario(Q1=4, Q2=4), method="sdr", rng=np.random.default_rng(0),
                 solver="NOPE")
