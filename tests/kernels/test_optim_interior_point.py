import numpy as np
from fastsec.kernels.optim.interior_point import cholesky_solve
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
