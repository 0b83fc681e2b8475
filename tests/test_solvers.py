import cvxpy as cp
import numpy as np
import pytest

from fastsec import solvers
from fastsec.errors import SolverError


def test_default_is_clarabel_without_mosek_licence():
    expected = "MOSEK" if solvers.mosek_licensed() else "CLARABEL"
    assert solvers.default_solver() == expected
    assert solvers.resolve_solver("auto") == expected
    assert solvers.resolve_solver(None) == expected


def test_mosek_detection_is_cached_and_cheap():
    solvers.mosek_licensed()
    assert solvers.mosek_licensed.cache_info().hits >= 1


def test_unknown_solver_lists_choices():
    with pytest.raises(ValueError, match="solver must be one of"):
        solvers.resolve_solver("GUROBI")


@pytest.mark.skipif(solvers.mosek_licensed(), reason="MOSEK is licensed here")
def test_unlicensed_mosek_request_is_refused():
    with pytest.raises(ValueError, match="MOSEK"):
        solvers.resolve_solver("MOSEK")


def test_solve_returns_optimum_against_closed_form():
    # min ||x - c||^2 s.t. sum(x) = 1 has x* = c + (1 - sum c)/n
    c = np.array([0.3, -0.2, 0.5, 0.1])
    x = cp.Variable(4)
    prob = cp.Problem(cp.Minimize(cp.sum_squares(x - c)), [cp.sum(x) == 1])
    value = solvers.solve(prob, "CLARABEL")
    shift = (1 - c.sum()) / 4
    assert value == pytest.approx(4 * shift**2, rel=1e-7)
    np.testing.assert_allclose(x.value, c + shift, rtol=1e-7)


def test_infeasible_problem_raises_typed_error_with_status():
    x = cp.Variable()
    prob = cp.Problem(cp.Minimize(x), [x >= 1, x <= 0])
    with pytest.raises(SolverError) as info:
        solvers.solve(prob, "CLARABEL")
    assert info.value.solver == "CLARABEL"
    assert "infeasible" in info.value.status


def test_retries_end_with_the_last_resort_settings(monkeypatch):
    """Caller's settings, then tightened over them, then the last resort alone."""
    x = cp.Variable()
    prob = cp.Problem(cp.Minimize(x), [x >= 1])
    seen = []
    real_solve = cp.Problem.solve

    def stalls_until_short_steps(self, *args, **kwargs):
        seen.append(kwargs)
        if "max_step_fraction" not in kwargs:
            raise cp.error.SolverError("insufficient progress")
        return real_solve(self, *args, **kwargs)

    monkeypatch.setattr(cp.Problem, "solve", stalls_until_short_steps)
    assert solvers.solve(prob, "CLARABEL", max_iter=50) == pytest.approx(1.0, rel=1e-6)
    assert [k.get("max_iter") for k in seen] == [50, 500, None]
    assert seen[-1]["max_step_fraction"] == 0.9
