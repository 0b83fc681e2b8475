"""asv suites for the Numba kernels (plain arrays in, no validation)."""

import numpy as np
from fastsec.kernels.aauc import channels as aauc_channels
from fastsec.kernels.aauc import quadrature

from fastsec.aauc.angular import (
    _antiderivative_table,
    _ellipse,
    _gauss_legendre_01,
    _quarter_power,
)


class ChannelDraws:
    """kernels.aauc.channels.draw_drops: positions and Rician channels for many drops."""

    params = ([20, 100], [10, 100], [10, 1000])
    param_names = ["N", "K", "drops"]

    def setup(self, N, K, drops):
        self.rng = np.random.default_rng(0)
        self.out = (np.empty((drops, K)), np.empty((drops, K)), np.empty(drops),
                    np.empty(drops), np.empty((drops, K, N), dtype=np.complex128),
                    np.empty((drops, K - 1), dtype=np.complex128),
                    np.empty((drops, K - 1), dtype=np.complex128),
                    np.empty((drops, N), dtype=np.complex128))
        self.time_draw_drops(N, K, drops)  # warm-up: JIT compilation is never timed

    def time_draw_drops(self, N, K, drops):
        aauc_channels.draw_drops(self.rng, aauc_channels.SEGMENT, (-1.0, 100.0, 500.0, 1000.0),
                                 (1000.0, 2.5, 1e-4), self.out)


class AngularQuadrature:
    """kernels.aauc.quadrature.angular_batch(_parallel): J_1..J_{K-1} for many drops.

    α = 2.5 (2α integer: powers by square roots) and 2.7 (exp/log) take the closed form;
    α = 0.8 the Gauss-Legendre quadrature.
    """

    params = ([10, 100], [10, 1000], [0.8, 2.5, 2.7])
    param_names = ["K", "drops", "alpha"]

    def setup(self, K, drops, alpha):
        rng = np.random.default_rng(0)
        self.D = rng.uniform(100, 500, (drops, K))
        self.theta = rng.uniform(-np.pi, np.pi, (drops, K))
        self.tan_beta = np.zeros(drops)
        self.x, self.w = _gauss_legendre_01(10)
        self.args = (_quarter_power(alpha), _ellipse(10))
        self.tables = _antiderivative_table(alpha)
        self.out = np.empty((drops, K - 1))
        self.time_angular_batch(K, drops, alpha)  # warm-up of both kernels
        self.time_angular_batch_parallel(K, drops, alpha)

    def time_angular_batch(self, K, drops, alpha):
        quadrature.angular_batch(self.D, self.theta, self.tan_beta, alpha, 1e-4, *self.args,
                                 self.x, self.w, *self.tables, self.out)

    def time_angular_batch_parallel(self, K, drops, alpha):
        quadrature.angular_batch_parallel(self.D, self.theta, self.tan_beta, alpha, 1e-4,
                                          *self.args, self.x, self.w, *self.tables, self.out)
