import numpy as np
from fastsec.kernels.optim.interior_point import WARM_FLOOR, cholesky_solve, warm_start
from numpy.testing import assert_allclose


def test_cholesky_solve_matches_numpy(rng):
    for n in (1, 5, 18):
        u = rng.standard_normal((3 * n, n))
        a = np.eye(n) + u.T @ u  # the SPD shape of P5's Woodbury core
        b = rng.standard_normal(n)
        x = b.copy()
        cholesky_solve(np.tril(a) + np.triu(rng.standard_normal((n, n)), 1), x)  # lower only
        # backward-stable solves, condition number below 1e2: agree to 1e-12
        assert_allclose(x, np.linalg.solve(a, b), rtol=1e-12, atol=1e-14 * np.abs(x).max())


def test_warm_start_raises_small_entries_and_refuses_unusable_ones():
    x = np.full(4, 7.0)
    assert warm_start(np.array([2.0, 0.0, 1e-9, 0.5]), x)
    # entries below WARM_FLOOR x the largest are raised to it: strictly inside x > 0
    assert_allclose(x, [2.0, 2.0 * WARM_FLOOR, 2.0 * WARM_FLOOR, 0.5], rtol=0, atol=0)
    for unusable in ([1.0, np.nan, 1.0, 1.0], [0.0, 0.0, -1.0, 0.0], [-1.0] * 4,
                     [1.0, np.inf, 1.0, 1.0]):
        x = np.full(4, 7.0)
        assert not warm_start(np.array(unusable), x)
        assert np.all(x == 7.0)  # left as it was
