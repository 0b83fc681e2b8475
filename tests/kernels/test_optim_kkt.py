"""The compiled max–min KKT residual (kernels/optim/kkt.py) against its reference.

The reference, fastsec.reference.kkt, is the same definition in NumPy with
scipy.optimize.nnls. Tolerance: 1e-9 relative (two backward-stable NNLS codes on systems of
condition <= 1e5), plus an absolute ATOL = 4 ε W² ≈ 9e-8 with W = SIMPLEX_WEIGHT = 1e4: the
weighted row Σμ = 1 is only resolved to ε W² in the fit, and the residual, evaluated at μ/Σμ
without that row, moves by up to that much between NNLS minimisers that agree to rounding
(measured: 2e-8 on a direct-transmission point whose NNLS minimum was the lower of the two).
Near a KKT point (residual <= 1e-7) the two codes may differ relatively, not absolutely.
"""

import numpy as np
import pytest
from fastsec.kernels.optim.kkt import SIMPLEX_WEIGHT, maxmin_kkt_residual

from fastsec.reference.kkt import maxmin_kkt_residual as reference

ATOL = 4 * np.finfo(float).eps * SIMPLEX_WEIGHT ** 2
RTOL = 1e-9


def _case(rng, n_i, n_j, n):
    return (rng.standard_normal(n_i), rng.standard_normal((n_i, n)), rng.standard_normal(n),
            -np.abs(rng.standard_normal(n_j)), rng.standard_normal((n_j, n)),
            rng.uniform(0.5, 2.0, n))


def _both(args):
    ours = maxmin_kkt_residual(*args)
    ref = reference(*args)
    assert ours == pytest.approx(ref, rel=RTOL, abs=ATOL)
    return ours


@pytest.mark.parametrize(("n_i", "n_j", "n"), [(1, 1, 4), (1, 0, 3), (4, 1, 20), (8, 8, 30),
                                               (5, 2, 2)])
def test_random_points_match_reference(rng, n_i, n_j, n):
    for _ in range(20):
        assert 0.0 <= _both(_case(rng, n_i, n_j, n)) < 2.0


def test_kkt_point_gives_zero(rng):
    """Pieces tied, constraint active, ∇L = Σ μ ∇f − κ ∇c exactly: residual at rounding."""
    n_i, n = 3, 12
    grads = rng.standard_normal((n_i, n))
    mu = np.array([0.2, 0.5, 0.3])
    cg = rng.standard_normal((1, n))
    penalty = mu @ grads - 0.7 * cg[0]
    args = (np.full(n_i, 0.4), grads, penalty, np.zeros(1), cg, np.ones(n))
    assert _both(args) <= 10 * np.finfo(float).eps * SIMPLEX_WEIGHT  # rounding, amplified by W
    # the same point with the constraint inactive is not a KKT point: κ must be 0
    assert _both((*args[:3], np.array([-1.0]), cg, np.ones(n))) > 1e-3


def test_degenerate_inputs(rng):
    n = 6
    grads = rng.standard_normal((1, n))
    # all pieces equal, with equal gradients: the μ split is not unique, the residual is
    same = (np.zeros(4), np.repeat(grads, 4, axis=0), rng.standard_normal(n), np.array([-0.5]),
            rng.standard_normal((1, n)), np.ones(n))
    _both(same)
    # zero gradients everywhere: B = 0, residual 0 by definition
    zero = (np.ones(2), np.zeros((2, n)), np.zeros(n), np.zeros(1), np.zeros((1, n)), np.ones(n))
    assert _both(zero) == 0.0
    # one piece, no penalty, no constraint: the gradient cannot cancel, residual 1
    one = (np.ones(1), grads, np.zeros(n), np.zeros(0), np.zeros((0, n)), np.ones(n))
    assert _both(one) == pytest.approx(1.0, rel=1e-12)
    # a constraint far inactive and one active
    mixed = (rng.standard_normal(3), rng.standard_normal((3, n)), rng.standard_normal(n),
             np.array([-10.0, 0.0]), rng.standard_normal((2, n)), np.full(n, 3.0))
    _both(mixed)
