"""asv suites for the AAUC system model: draws, angular matrix, secrecy-rate models.

Each fastsec path sits beside its reference (NumPy twin, the NumPy floor of drawing the same
number of normals, a scipy.integrate.quad loop), and ``track_*`` records accuracy.
"""

import math

import numpy as np

from fastsec import units
from fastsec.aauc import (
    Scenario,
    angular_matrix,
    average_secrecy_rate,
    draw_at,
    draw_batch,
    fit_lambda,
)
from fastsec.reference.aauc import angular_matrix_quad, draw_numpy


class Draws:
    """draw_batch vs NumPy's cost of the same number of complex normals vs a per-drop loop."""

    params = ([20, 100], [10, 100], [10, 1000])
    param_names = ["N", "K", "drops"]

    def setup(self, N, K, drops):
        self.scenario = Scenario(N=N, K=K)
        self.normals = 2 * drops * (K * N + N + 2 * (K - 1))  # real normals per batch
        self.rng = np.random.default_rng(0)
        self.time_draw_batch(N, K, drops)

    def time_draw_batch(self, N, K, drops):
        draw_batch(self.scenario, self.rng, drops)

    def time_numpy_normals_floor(self, N, K, drops):
        self.rng.standard_normal(self.normals)

    def time_numpy_per_drop(self, N, K, drops):
        for _ in range(drops):
            draw_numpy(self.scenario, self.rng)


class Angular:
    """angular_matrix vs a scipy.integrate.quad loop (epsrel 1e-10) on the same drops.

    ``drops = 1`` times ``angular_matrix`` on one ``Drop`` (the per-call path of issue 14).
    """

    params = ([10, 12, 100], [1, 10, 100])
    param_names = ["K", "drops"]

    def setup(self, K, drops):
        self.batch = draw_batch(Scenario(N=2, K=K), np.random.default_rng(1), drops)
        self.source = self.batch[0] if drops == 1 else self.batch
        self.time_angular_matrix(K, drops)

    def time_angular_matrix(self, K, drops):
        angular_matrix(self.source)

    def time_quad_loop(self, K, drops):
        s = self.batch.scenario
        for i in range(drops):  # ~30-60 us per integral
            angular_matrix_quad(self.batch.D[i], self.batch.theta[i], s.alpha, s.rho0,
                                epsrel=1e-10)

    def track_max_rel_error_vs_quad(self, K, drops):
        s = self.batch.scenario
        J = angular_matrix(self.batch)
        ref = np.array([angular_matrix_quad(self.batch.D[i], self.batch.theta[i], s.alpha,
                                            s.rho0) for i in range(min(drops, 5))])
        return float(np.max(np.abs(J[: len(ref)] / ref - 1)))

    track_max_rel_error_vs_quad.unit = "relative error"


class Secrecy:
    """average_secrecy_rate (eq. 10) and fit_lambda (eq. 14) on the Fig. 2a-like geometry."""

    params = ([100, 1000],)
    param_names = ["samples"]

    def setup(self, samples):
        s = Scenario(N=4, K=3, alpha=2.5, kr_db=30.0)
        self.drop = draw_at(s, np.random.default_rng(0), np.array([335.3, 108.6, 500.0]),
                            np.radians([10.0, 90.0, 0.0]), 250.0)
        rng = np.random.default_rng(1)
        sigma_dbm = np.repeat(np.arange(-100.0, -59.0, 2.0), 10)
        self.R = rng.uniform(0, 3, sigma_dbm.size)
        self.w = (rng.standard_normal((sigma_dbm.size, 2))
                  + 1j * rng.standard_normal((sigma_dbm.size, 2))) * math.sqrt(0.01 / 4)
        self.sigma = units.dbm_to_watts(sigma_dbm)

    def time_average_secrecy_rate(self, samples):
        average_secrecy_rate(self.drop, self.R, self.w, self.sigma,
                             rng=np.random.default_rng(2), samples=samples)

    def track_fit_lambda(self, samples):
        return fit_lambda(self.drop, self.R, self.w, self.sigma, rng=np.random.default_rng(2),
                          samples=samples).lam

    track_fit_lambda.unit = "lambda"

    def track_fit_lambda_mse(self, samples):
        return fit_lambda(self.drop, self.R, self.w, self.sigma, rng=np.random.default_rng(2),
                          samples=samples).mse

    track_fit_lambda_mse.unit = "(bit/s/Hz)^2"
