"""Lawson–Hanson NNLS (kernels/optim/nnls.py) against scipy.optimize.nnls.

The solution of an NNLS problem need not be unique (dependent columns), so the tests compare
the attained minimum ‖A x − b‖ (unique) and check x >= 0 and the KKT conditions of NNLS at
the returned x. Tolerance: both codes are backward stable with condition numbers below 1e5
here, so the minima agree to 1e-9 relative; 1e-12 ‖b‖ absolute covers exact fits (minimum 0,
reached up to rounding).
"""

import numpy as np
import pytest
from fastsec.kernels.optim.nnls import nnls
from scipy.optimize import nnls as scipy_nnls

RTOL, ATOL = 1e-9, 1e-12


def _check(a, b):
    x = np.empty(a.shape[1])
    rnorm, iterations = nnls(a, b, 50 * a.shape[1], x)
    _, ref = scipy_nnls(a, b, maxiter=50 * a.shape[1])
    assert iterations <= 50 * a.shape[1]
    assert (x >= 0).all()
    scale = np.linalg.norm(b)
    assert rnorm == pytest.approx(np.linalg.norm(a @ x - b), rel=1e-12, abs=ATOL * scale)
    assert rnorm == pytest.approx(ref, rel=RTOL, abs=ATOL * np.linalg.norm(b))
    return x


@pytest.mark.parametrize("shape", [(1, 1), (3, 1), (1, 4), (5, 5), (20, 6), (86, 9), (4, 12)])
def test_random_problems_reach_scipys_minimum(rng, shape):
    for _ in range(40):
        _check(rng.standard_normal(shape), rng.standard_normal(shape[0]))


def test_weighted_row_and_dependent_columns(rng):
    """The shape of the KKT fit: a row of weight 1e4 and repeated columns."""
    for _ in range(40):
        a = rng.standard_normal((30, 6))
        a[:, 3] = a[:, 1]  # dependent: the solution is not unique, the minimum is
        a = np.vstack([a, np.r_[np.full(5, 1e4), 0.0]])
        b = np.r_[rng.standard_normal(30), 1e4]
        _check(a, b)


def test_kkt_conditions_of_nnls(rng):
    a, b = rng.standard_normal((25, 8)), rng.standard_normal(25)
    x = _check(a, b)
    grad = a.T @ (b - a @ x)  # <= 0 where x = 0, = 0 where x > 0
    assert np.all(grad[x == 0] <= 1e-12)
    np.testing.assert_allclose(grad[x > 0], 0.0, atol=1e-12)
    assert (x == 0).any() and (x > 0).any()  # both kinds are exercised


def test_edge_cases():
    x = np.empty(2)
    assert nnls(np.zeros((3, 2)), np.ones(3), 100, x)[0] == pytest.approx(np.sqrt(3.0))
    assert (x == 0).all()
    rnorm, _ = nnls(np.eye(2), np.array([-1.0, 2.0]), 100, x)  # one bound active
    np.testing.assert_array_equal(x, [0.0, 2.0])
    assert rnorm == 1.0
    # an unconstrained solution > 0 is found by one back substitution
    rnorm, iterations = nnls(np.eye(3), np.ones(3), 1, x3 := np.empty(3))
    assert iterations == 1 and rnorm == 0.0
    np.testing.assert_array_equal(x3, 1.0)
    # otherwise the active-set method runs, and the cap stops it
    rnorm, iterations = nnls(np.eye(3), np.array([1.0, 1.0, -1.0]), 1, x3)
    assert iterations == 2 and rnorm > 1.0
