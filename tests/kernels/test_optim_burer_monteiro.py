"""Burer–Monteiro on {X ⪰ 0, diag X = 1} (kernels/optim/burer_monteiro.py) and the oblique
manifold of kernels/optim/rcg.py.

References: the circle geometry (the oblique manifold with one column), cvxpy/Clarabel on
the same SDP, and the definition of the dual certificate recomputed in NumPy.
"""

import cvxpy as cp
import numba
import numpy as np
import pytest
from fastsec.kernels.optim import burer_monteiro as bm
from fastsec.kernels.optim import rcg
from numpy.testing import assert_allclose, assert_array_equal

from fastsec import solvers


def _rows(rng, n, r):
    y = rng.standard_normal((n, r)) + 1j * rng.standard_normal((n, r))
    return (y / np.linalg.norm(y, axis=1, keepdims=True)).ravel()


def test_oblique_geometry_with_one_column_is_the_circle_bit_for_bit(rng):
    q = 17
    theta = np.exp(2j * np.pi * rng.random(q))
    v = rng.standard_normal(q) + 1j * rng.standard_normal(q)
    a, b = np.empty(q, complex), np.empty(q, complex)
    rcg.tangent_project(theta, v, a)
    rcg.oblique_project(theta, v, b, 1)
    assert_array_equal(a, b)
    rcg.retract(theta, a, 0.7, a)
    rcg.oblique_retract(theta, b, 0.7, b, 1)
    assert_array_equal(a, b)


def test_oblique_projection_and_retraction(rng):
    n, r = 6, 3
    y = _rows(rng, n, r)
    v = rng.standard_normal(n * r) + 1j * rng.standard_normal(n * r)
    t = np.empty_like(v)
    rcg.oblique_project(y, v, t, r)
    Y, T = y.reshape(n, r), t.reshape(n, r)
    assert_allclose(np.sum(Y.conj() * T, axis=1).real, 0.0, atol=1e-14)  # tangent rows
    t2 = np.empty_like(t)
    rcg.oblique_project(y, t, t2, r)
    assert_allclose(t2, t, atol=1e-14)  # idempotent
    out = np.empty_like(y)
    rcg.oblique_retract(y, t, 0.3, out, r)
    Z = Y + 0.3 * T
    assert_allclose(out.reshape(n, r), Z / np.linalg.norm(Z, axis=1, keepdims=True), rtol=1e-14)


@numba.njit(cache=True)
def _linear_cost(y, data, b, grad, need_grad):
    C = data[0][b]
    n = C.shape[0]
    Y = y.reshape((n, y.shape[0] // n))
    CY = C @ Y
    if need_grad:
        grad[:] = 2.0 * CY.ravel()
    return np.sum(np.conj(Y) * CY).real


@numba.njit(cache=True)
def _linear_gradient(y, data, out):
    out[:] = data[0][0]


@numba.njit(cache=True)
def _solve_linear(C, y0, gap_tol):
    return bm.bm_minimize(_linear_cost, _linear_gradient, (C[None],), y0, C.shape[0], 1e-10,
                          1e-14, 5000, gap_tol)


def test_linear_sdp_matches_clarabel_and_the_gap_is_a_bound():
    """min Re tr(C X) over the complex elliptope (a MaxCut-type SDP) for random C."""
    ranks = []
    for seed in range(3):
        rng = np.random.default_rng(seed)
        n = 8
        G = rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n))
        C = (G + G.conj().T) / 2
        X = cp.Variable((n, n), hermitian=True)
        ref = solvers.solve(cp.Problem(cp.Minimize(cp.real(cp.trace(C @ X))),
                                       [X >> 0, cp.real(cp.diag(X)) == 1]), "CLARABEL")
        y0 = np.exp(2j * np.pi * rng.random(n))
        # stopped early (loose gap tolerance): still a valid bound on f - min f
        y, rank, f, gap, _, status = _solve_linear(C, y0, 1e-1)
        assert f - gap <= ref + 1e-7 * abs(ref)
        y, rank, f, gap, iterations, status = _solve_linear(C, y0, 1e-8)
        assert status == bm.BM_CERTIFIED and iterations > 0
        # Clarabel (retried with tightened settings by solvers.solve) to about 1e-7 relative
        assert f == pytest.approx(ref, rel=1e-6)
        Y = y.reshape(n, rank)
        assert_allclose(np.linalg.norm(Y, axis=1), 1.0, atol=1e-13)
        # the certificate by its definition, in NumPy
        lam = np.sum((C @ Y) * Y.conj(), axis=1).real
        assert gap == pytest.approx(n * max(0.0, -np.linalg.eigvalsh(C - np.diag(lam)).min()),
                                    abs=1e-12)
        ranks.append(rank)
    assert max(ranks) > 1  # the rank was raised at least once
