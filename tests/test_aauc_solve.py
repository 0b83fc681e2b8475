"""fastsec.aauc.solve: the method table, option validation before any work, result fields."""

import dataclasses
import importlib

import numpy as np
import pytest
from aauc_drops import make_drop

from fastsec.aauc import AAUCResult, solve
from fastsec.errors import ParameterError, ParameterTypeError

# the module (its name is shadowed by the function in fastsec.aauc)
solve_module = importlib.import_module("fastsec.aauc.solve")


@pytest.fixture
def drop_j(rng):
    return make_drop(rng, N=10, K=4)


@pytest.fixture
def no_work(monkeypatch):
    """Replace every method by a function that fails the test if it is ever called."""
    def forbidden(*args, **kwargs):
        raise AssertionError("work started before validation finished")

    table = {name: (forbidden, opts) for name, (_, opts) in solve_module.METHODS.items()}
    monkeypatch.setattr(solve_module, "METHODS", table)


@pytest.mark.parametrize("method", list(solve_module.METHODS))
def test_every_method_returns_a_complete_feasible_result(drop_j, method):
    drop, J = drop_j
    res = solve(drop, method, J=J)
    assert isinstance(res, AAUCResult)
    assert res.method == method
    assert res.v.shape == (10,) and res.w.shape == (3,)
    assert res.history.shape == (res.iterations + 1,)
    assert np.isfinite(res.objective) and res.secrecy_rate >= 0 and res.seconds >= 0
    assert res.power_residual_w <= 1e-9 * drop.scenario.pmax_w
    if method != "direct" and not (method == "hybrid" and res.extras["chosen"] == "direct"):
        assert res.null_residual <= 1e-9
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.objective = 0.0
    with pytest.raises(TypeError):
        res.extras["x"] = 1


@pytest.mark.parametrize(("method", "options", "error", "match"), [
    ("newton", {}, ParameterError, "method must be one of"),
    ("sco", {"iterations": 3}, ParameterError, "unknown option"),
    ("sco", {"iters": 0}, ParameterError, "iters must be in"),
    ("sco", {"iters": 2.5}, ParameterTypeError, "iters must be an integer"),
    ("sco", {"tol": -1.0}, ParameterError, "tol must be in"),
    ("sco", {"tol": float("nan")}, ParameterError, "tol must be finite"),
    ("sco", {"solver": "GUROBI"}, ParameterError, "solver must be one of"),
    ("sco", {"rebuild": 1}, ParameterTypeError, "rebuild must be a bool"),
    ("bfom", {"variant": "literal"}, ParameterError, "variant must be one of"),
    ("bfom", {"inner_stop": "never"}, ParameterError, "inner_stop must be one of"),
    ("bfom", {"max_inner": 0}, ParameterError, "max_inner must be in"),
    ("closed_form", {"iters": 3}, ParameterError, "unknown option"),
])
def test_bad_options_raise_before_work(drop_j, no_work, method, options, error, match):
    drop, J = drop_j
    with pytest.raises(error, match=match):
        solve(drop, method, J=J, **options)


@pytest.mark.parametrize(("J", "error", "match"), [
    (np.ones(4), ParameterError, r"J must have shape \(3\)"),
    (np.array([1e-10, np.nan, 1e-10]), ParameterError, "J must be finite"),
    (np.array([1e-10, -1e-10, 1e-10]), ParameterError, "J must be non-negative"),
    (np.array(["a", "b", "c"]), ParameterTypeError, "J must be a numeric array"),
])
def test_bad_angular_matrix(drop_j, no_work, J, error, match):
    drop, _ = drop_j
    with pytest.raises(error, match=match):
        solve(drop, "sco", J=J)


def test_bad_drop(drop_j, no_work):
    _, J = drop_j
    with pytest.raises(ParameterTypeError, match="drop must be a fastsec.aauc.Drop"):
        solve({"g": np.ones((4, 10))}, "sco", J=J)


def test_nan_channels_are_refused_by_the_drop(drop_j):
    drop, _ = drop_j
    g = drop.g.copy()
    g[0, 0] = np.nan
    with pytest.raises(ValueError, match="finite"):
        dataclasses.replace(drop, g=g)


def test_iteration_cap_defaults_to_the_scenarios_sco_iters(rng):
    drop, J = make_drop(rng, N=10, K=4, sco_iters=2)
    res = solve(drop, "sco", J=J, tol=1e-15)
    assert res.iterations == 2 and res.stop_reason == "iterations"
