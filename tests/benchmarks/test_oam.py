"""fastsec OAM paths beside their NumPy references (run with ``pytest -m benchmark``)."""

import numpy as np
import pytest
from fastsec.kernels.oam.nearfield import spherical_wave

from fastsec.oam import Scenario, channels, secrecy_rate
from fastsec.reference.oam import secrecy_rate_reference, spherical_wave_reference

Q_CHANNEL = 400
Q_RATE = 40
BATCH = 10_000


@pytest.fixture(scope="module")
def positions():
    rng = np.random.default_rng(0)
    rx = rng.uniform(-0.5, 0.5, size=(1, Q_CHANNEL, 3))
    tx = rng.uniform(-0.5, 0.5, size=(1, Q_CHANNEL, 3)) + [1.0, 0.0, 39.4]
    return rx, tx


def test_channel_kernel(benchmark, positions):
    rx, tx = positions
    lam, beta = np.array([0.1]), np.array([1.0])
    out = np.empty((1, Q_CHANNEL, Q_CHANNEL), dtype=complex)
    spherical_wave(rx, tx, lam, beta, out)          # compile outside the timing
    benchmark.group = f"oam-channel-Q{Q_CHANNEL}"
    benchmark(spherical_wave, rx, tx, lam, beta, out)
    np.testing.assert_allclose(out[0], spherical_wave_reference(rx[0], tx[0], 0.1, 1.0),
                               rtol=1e-11)


def test_channel_numpy_broadcast(benchmark, positions):
    rx, tx = positions
    benchmark.group = f"oam-channel-Q{Q_CHANNEL}"
    benchmark(spherical_wave_reference, rx[0], tx[0], 0.1, 1.0)


@pytest.fixture(scope="module")
def rate_inputs():
    s = Scenario(Q1=Q_RATE, Q2=Q_RATE)
    rng = np.random.default_rng(1)
    cands = (np.full((BATCH, s.N_s), s.signal_power_w / s.N_s),
             rng.uniform(0.0, s.a_max, size=(BATCH, s.Q2)),
             np.exp(2j * np.pi * rng.random((BATCH, s.Q1))),
             np.exp(2j * np.pi * rng.random((BATCH, s.Q2))))
    return s, channels(s), cands


def test_secrecy_rate_batch(benchmark, rate_inputs):
    s, ch, cands = rate_inputs
    secrecy_rate(s, ch, *(c[:2] for c in cands))      # compile outside the timing
    benchmark.group = f"oam-secrecy-rate-Q{Q_RATE}-B{BATCH}"
    rates = benchmark(secrecy_rate, s, ch, *cands)
    _, _, r_s = secrecy_rate_reference(s, ch, *(c[:50] for c in cands))
    np.testing.assert_allclose(rates.R_s[:50], r_s, rtol=1e-10, atol=1e-12)


def test_secrecy_rate_numpy_loop(benchmark, rate_inputs):
    s, ch, cands = rate_inputs
    benchmark.group = f"oam-secrecy-rate-Q{Q_RATE}-B{BATCH}"
    benchmark.pedantic(secrecy_rate_reference, args=(s, ch, *cands), rounds=3, iterations=1)
