"""p-step and a-step of RMCG-AO (kernels/oam_steps.py, fastsec/oam/steps.py).

References: the SINR formulas eq. (14)/(17) evaluated directly in NumPy
(fastsec.reference.oam_steps) for the surrogates' tightness and minorization, and cvxpy
(Clarabel) on the same convex problems P4/P5 for the fast interior-point path.
"""

import numpy as np
import pytest
from fastsec.kernels.oam import steps as k
from numpy.testing import assert_allclose

from fastsec.errors import ParameterError, SolverError
from fastsec.oam import steps
from fastsec.reference.instances import random_amplification_step, random_power_step
from fastsec.reference.oam_steps import bob_rate_from_chi, secrecy_rate_from_gains

NS = 3
#: fast vs exact objective agreement promised by the issue (both solve the same convex problem)
OBJ_RTOL = 1e-6
#: distance of the interior-point solution from an active bound, relative (gap 1e-8)
BOUND_RTOL = 1e-4
#: constraint violation allowed to the exact path (Clarabel's feasibility tolerance ~1e-8)
FEAS_TOL = 1e-7


# ------------------------------------------------------------------------------ surrogates
def test_p_surrogate_tight_at_current_point_and_below_elsewhere(rng):
    gb, ge, nb, ne, _, p = random_power_step(rng)
    bmat, c, const = k.p_surrogate(gb, ge, nb, ne, p)
    rate = secrecy_rate_from_gains(gb, ge, nb, ne, p)  # eq. (16) - (18) directly
    assert_allclose(k.p4_objective(bmat, c, const, p), rate, rtol=1e-12)
    for _ in range(20):  # Lemma 1: the surrogate is a lower bound at every other point
        other = rng.uniform(0.0, 1.0, p.shape)
        surrogate = k.p4_objective(bmat, c, const, other)
        assert np.all(surrogate <= secrecy_rate_from_gains(gb, ge, nb, ne, other) + 1e-12)


def test_a_surrogate_tight_at_current_point_and_below_elsewhere(rng):
    chi, kappa2, p, a, _ = random_amplification_step(rng)
    s2r, s2b = 0.01, 0.1
    n = a.shape[0]
    F, D, g, const = k.a_surrogate(chi, kappa2, p, np.full(n, s2r), np.full(n, s2b), a)
    rate = bob_rate_from_chi(chi, kappa2, p, a, s2r, s2b)  # eq. (14), (16) directly
    assert_allclose(k.p5_objective(F, D, g, const, a), rate, rtol=1e-12)
    for _ in range(20):  # WMMSE (eq. (33)): a lower bound of R_B at every other a
        other = rng.uniform(0.0, 3.0, a.shape)
        surrogate = k.p5_objective(F, D, g, const, other)
        assert np.all(surrogate <= bob_rate_from_chi(chi, kappa2, p, other, s2r, s2b) + 1e-12)


# ------------------------------------------------------------------------------ p-step
def power_case(rng, case):
    """P4 data for a named case; the current powers are made feasible so that MM holds."""
    gb, ge, nb, ne, r, p = random_power_step(rng)
    kw = {"total_power": 1.0, "ris_headroom": 5.0, "p_th": 0.01}
    if case == "floor":  # Bob hardly hears anything, Eve hears each mode without crosstalk
        gb *= 1e-3
        ge = np.einsum("nk,kl->nkl", rng.uniform(5.0, 10.0, (len(p), NS)), np.eye(NS))
    if case == "ris_active":
        kw["ris_headroom"] = 0.15
    if case == "budget_near_floor":
        kw["total_power"] = NS * 0.01 * (1 + 1e-4)
    extra = p - kw["p_th"]
    room = np.minimum((kw["total_power"] - NS * kw["p_th"]) / extra.sum(axis=1),
                      (kw["ris_headroom"] - r.sum(axis=1) * kw["p_th"]) / (r * extra).sum(axis=1))
    p = kw["p_th"] + extra * np.minimum(1.0, 0.9 * room)[:, None]
    return (gb, ge, nb, ne, r, p), kw


@pytest.mark.parametrize("case", ["random", "floor", "ris_active", "budget_near_floor"])
def test_power_step_fast_matches_cvxpy(rng, case):
    args, kw = power_case(rng, case)
    fast = steps.power_step(*args, **kw)
    exact = steps.power_step(*args, exact=True, **kw)
    assert fast.solver == steps.FAST_SOLVER and exact.solver == "CLARABEL"
    assert_allclose(fast.objective, exact.objective, rtol=OBJ_RTOL)
    # fast path feasible (interior point: strictly inside)
    p, r = fast.solution, args[4]
    assert np.all(p >= kw["p_th"])
    assert np.all(p.sum(axis=1) <= kw["total_power"])
    assert np.all((r * p).sum(axis=1) <= kw["ris_headroom"])
    # exact path feasible to its tolerance
    assert np.all(exact.solution.sum(axis=1) <= kw["total_power"] * (1 + FEAS_TOL))
    # MM: the surrogate rises from its value at the start, which is the true R_s there,
    # and the true R_s (eq. (16)-(18)) does not fall
    assert np.all(fast.objective >= fast.start_objective - 1e-9)
    gb, ge, nb, ne, _, p0 = args
    assert np.all(secrecy_rate_from_gains(gb, ge, nb, ne, p)
                  >= secrecy_rate_from_gains(gb, ge, nb, ne, p0) - 1e-9)
    if case == "floor":  # Eve gains more than Bob from any extra power
        assert_allclose(p, kw["p_th"], rtol=1e-6)
    if case == "ris_active":
        assert_allclose((r * p).sum(axis=1), kw["ris_headroom"], rtol=1e-6)
    if case == "budget_near_floor":
        assert_allclose(p.sum(axis=1), kw["total_power"], rtol=1e-6)


def test_power_step_single_feasible_point(rng):
    args, kw = power_case(rng, "random")
    kw["total_power"] = NS * kw["p_th"]  # the feasible set is {p_th}
    fast = steps.power_step(*args, **kw)
    assert_allclose(fast.solution, kw["p_th"], rtol=0)
    assert np.all(fast.iterations == 0)


def test_power_step_without_ris_path(rng):
    """r = 0 makes the RIS2 row vacuous, even with zero headroom."""
    gb, ge, nb, ne, r, p = random_power_step(rng)
    kw = {"total_power": 1.0, "ris_headroom": 0.0, "p_th": 0.01}
    fast = steps.power_step(gb, ge, nb, ne, 0 * r, p, **kw)
    exact = steps.power_step(gb, ge, nb, ne, 0 * r, p, exact=True, **kw)
    assert_allclose(fast.objective, exact.objective, rtol=OBJ_RTOL)


def test_power_step_single_instance_and_batch_agree(rng):
    args, kw = power_case(rng, "random")
    batch = steps.power_step(*args, **kw)
    one = steps.power_step(*(x[1] for x in args), **kw)
    assert one.solution.shape == (1, NS)
    assert_allclose(one.solution[0], batch.solution[1], rtol=0)


def test_power_step_rejects_bad_input(rng):
    args, kw = power_case(rng, "random")
    with pytest.raises(ParameterError, match="p_th"):
        steps.power_step(*args, **{**kw, "total_power": 2 * NS * kw["p_th"] / 3})
    with pytest.raises(ParameterError, match="noise_bob"):
        steps.power_step(args[0], args[1], -args[2], *args[3:], **kw)
    with pytest.raises(ParameterError, match="gain_eve"):
        steps.power_step(args[0], args[1][:, :2], *args[2:], **kw)
    with pytest.raises(ParameterError, match="total_power"):
        steps.power_step(*args, **{**kw, "total_power": 0.0})
    with pytest.raises(ParameterError, match="solver"):
        steps.power_step(*args, exact=True, solver="GUROBI", **kw)


# ------------------------------------------------------------------------------ a-step
def amplification_case(rng, case):
    """P5 data for a named case; the current amplification is made feasible (MM holds)."""
    chi, kappa2, p, a, w = random_amplification_step(rng)
    kw = {"sigma2_r2": 0.01, "sigma2_b": 0.1, "ris_budget": 100.0, "a_max": 3.0}
    if case == "at_a_max":  # so small that every element sits at a bound
        kw["a_max"] = 0.02
    if case == "budget_active":
        kw["ris_budget"] = 2.0
    if case == "switched_off":  # elements that carry no signal but add RIS noise -> a_q = 0
        chi[:, :, :, :4] = 0.0
        kappa2[:, :, :4] = 1.0
    a = np.minimum(a, 0.9 * kw["a_max"])
    a *= np.minimum(1.0, np.sqrt(0.9 * kw["ris_budget"] / (w * a**2).sum(axis=1)))[:, None]
    return (chi, kappa2, p, a, w), kw


@pytest.mark.parametrize("case", ["random", "at_a_max", "budget_active", "switched_off"])
def test_amplification_step_fast_matches_cvxpy(rng, case):
    args, kw = amplification_case(rng, case)
    fast = steps.amplification_step(*args, **kw)
    exact = steps.amplification_step(*args, exact=True, **kw)
    assert_allclose(fast.objective, exact.objective, rtol=OBJ_RTOL)
    a, w = fast.solution, args[4]
    assert np.all((a >= 0) & (a <= kw["a_max"]))
    assert np.all((w * a**2).sum(axis=1) <= kw["ris_budget"])
    assert np.all((w * exact.solution**2).sum(axis=1) <= kw["ris_budget"] * (1 + FEAS_TOL))
    chi, kappa2, p, a0, _ = args
    assert np.all(fast.objective >= fast.start_objective - 1e-9)
    s2r, s2b = kw["sigma2_r2"], kw["sigma2_b"]
    assert np.all(bob_rate_from_chi(chi, kappa2, p, a, s2r, s2b)
                  >= bob_rate_from_chi(chi, kappa2, p, a0, s2r, s2b) - 1e-9)
    if case == "at_a_max":  # at a_max, or at 0 where the linear term g_q pushes down
        # an interior point stops a distance ~ gap / multiplier inside an active bound
        at_max = np.isclose(a, kw["a_max"], rtol=BOUND_RTOL, atol=0)
        assert np.all(at_max | (a <= BOUND_RTOL * kw["a_max"]))
        assert at_max.mean() > 0.5
    if case == "budget_active":
        assert_allclose((w * a**2).sum(axis=1), kw["ris_budget"], rtol=1e-6)
    if case == "switched_off":
        # zero gradient at a_q = 0 (no linear term): the optimum is approached only like
        # sqrt(gap), with an objective effect ~ D a^2 far below the tolerance
        assert np.all(a[:, :4] <= 1e-3 * kw["a_max"])


@pytest.mark.parametrize("budget", [5.0, 0.5])
def test_amplification_step_tight_budget_at_q40(rng, budget):
    """The paper's Q2 = 40 with the RIS2 budget far below the unconstrained use."""
    chi, kappa2, p, a, w = random_amplification_step(rng, n=4, q=40)
    kw = {"sigma2_r2": 0.01, "sigma2_b": 0.1, "ris_budget": budget, "a_max": 3.0}
    fast = steps.amplification_step(chi, kappa2, p, a, w, **kw)
    exact = steps.amplification_step(chi, kappa2, p, a, w, exact=True, **kw)
    assert_allclose(fast.objective, exact.objective, rtol=OBJ_RTOL)
    used = (w * fast.solution**2).sum(axis=1)
    assert np.all(used <= budget)
    assert_allclose(used, budget, rtol=1e-9)  # active, met to the multiplier search's DUAL_TOL


def test_amplification_step_rejects_bad_input(rng):
    args, kw = amplification_case(rng, "random")
    with pytest.raises(ParameterError, match="a_max"):
        steps.amplification_step(*args, **{**kw, "a_max": 0.0})
    with pytest.raises(ParameterError, match="ris_weight"):
        steps.amplification_step(*args[:4], np.zeros_like(args[4]), **kw)
    with pytest.raises(ParameterError, match="kappa2"):
        steps.amplification_step(args[0], args[1][:, :, :3], *args[2:], **kw)
    with pytest.raises(ParameterError, match="gap_rel"):
        steps.amplification_step(*args, gap_rel=0.5, **kw)


def test_unreachable_tolerance_raises_solver_error(rng):
    """A stalled fast path is a typed error naming the instances, never a silent result."""
    args, kw = amplification_case(rng, "random")
    with pytest.raises(SolverError, match="primal-dual-ipm did not reach its tolerance"):
        steps.amplification_step(*args, gap_rel=1e-17, **kw)
