"""asv suites for the double-RIS OAM model (paper 002): channels, secrecy rate, BER."""

import numpy as np
from fastsec.kernels.oam.nearfield import spherical_wave

from fastsec.oam import Scenario, channels, eve_ber, secrecy_rate
from fastsec.reference.oam import cophased_phases


def _candidates(s, batch, seed=0):
    rng = np.random.default_rng(seed)
    p = np.full((batch, s.N_s), s.signal_power_w / s.N_s)
    a = rng.uniform(0.0, s.a_max, size=(batch, s.Q2))
    theta1 = np.exp(2j * np.pi * rng.random((batch, s.Q1)))
    theta2 = np.exp(2j * np.pi * rng.random((batch, s.Q2)))
    return p, a, theta1, theta2


class NearFieldKernel:
    """Spherical-wave kernel (eq. (9)) for a Q x Q RIS-to-RIS link."""

    params = [40, 100, 400]
    param_names = ["Q"]

    def setup(self, q):
        rng = np.random.default_rng(0)
        self.rx = rng.uniform(-1, 1, size=(1, q, 3))
        self.tx = rng.uniform(-1, 1, size=(1, q, 3)) + [0.0, 0.0, 40.0]
        self.lam = np.array([0.1])
        self.beta = np.array([1.0])
        self.out = np.empty((1, q, q), dtype=complex)
        spherical_wave(self.rx, self.tx, self.lam, self.beta, self.out)

    def time_spherical_wave(self, q):
        spherical_wave(self.rx, self.tx, self.lam, self.beta, self.out)


class Channels:
    """All five channel matrices of a scenario (geometry + five kernel calls)."""

    params = [40, 400]
    param_names = ["Q"]

    def setup(self, q):
        self.scenario = Scenario(Q1=q, Q2=q)
        channels(self.scenario)

    def time_channels(self, q):
        channels(self.scenario)


class SecrecyRate:
    """``secrecy_rate`` over a batch of candidates (eq. (14)-(19))."""

    params = ([40, 100], [1, 100, 10_000])
    param_names = ["Q", "batch"]

    def setup(self, q, batch):
        self.scenario = Scenario(Q1=q, Q2=q)
        self.ch = channels(self.scenario)
        self.cands = _candidates(self.scenario, batch)
        secrecy_rate(self.scenario, self.ch, *self.cands)

    def time_secrecy_rate(self, q, batch):
        secrecy_rate(self.scenario, self.ch, *self.cands)

    def track_mean_secrecy_rate(self, q, batch):
        return float(np.mean(secrecy_rate(self.scenario, self.ch, *self.cands).R_s))


class EveBER:
    """Symbol-level QPSK simulation at one SNR point (Fig. 7)."""

    params = [["per_antenna", "zf"]]
    param_names = ["receiver"]

    def setup(self, receiver):
        self.scenario = Scenario()
        self.ch = channels(self.scenario)
        self.a = np.full(self.scenario.Q2, self.scenario.a_max)
        self.t1, self.t2 = cophased_phases(self.scenario, self.ch, self.a)
        self.p = np.full(self.scenario.N_s, self.scenario.signal_power_w / self.scenario.N_s)

    def time_eve_ber_10k_symbols(self, receiver):
        eve_ber(self.scenario, self.ch, self.p, self.a, self.t1, self.t2, [70.0],
                rng=np.random.default_rng(0), symbols=10_000, receiver=receiver)
