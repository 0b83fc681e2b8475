import math

import numpy as np
import pytest

from fastsec.errors import ParameterError
from fastsec.oam import Scenario, channels, eve_ber
from fastsec.reference.oam import cophased_phases

# BER tolerance: 5 binomial standard errors of the simulated rate (bits per point below).
SIGMAS = 5.0


def _setup(n_s, rng):
    # Little AN and a quiet RIS2 so that Eve's and Bob's BERs both leave 0.5 in the SNR range.
    s = Scenario(Q1=12, Q2=12, N_s=n_s, rho=0.98, sigma_r2_dbm=-100.0)
    ch = channels(s)
    a = np.full(s.Q2, s.a_max)
    t1, t2 = cophased_phases(s, ch, a)
    t1 = t1 * np.exp(0.3j * rng.standard_normal(s.Q1))
    p = np.full(n_s, s.signal_power_w / n_s)
    return s, ch, p, a, t1, t2


def _within(ber, prediction, bits):
    se = np.sqrt(prediction * (1 - prediction) / bits)
    return np.all(np.abs(ber - prediction) < SIGMAS * se + 1.0 / bits)


# Transmit SNRs [dB] where each receiver's BER is informative (Eve per antenna sees Alice's
# direct link; ZF pays a noise enhancement; Bob's two-hop link needs the highest SNRs).
SNRS_DB = {"per_antenna": [66.0, 72.0, 78.0, 120.0, 126.0, 132.0],
           "zf": [108.0, 114.0, 120.0, 126.0, 132.0]}


@pytest.mark.parametrize("receiver", ["per_antenna", "zf"])
def test_single_mode_ber_matches_gaussian_prediction(receiver, rng, reduced):
    # With one signal mode, AN and every noise are Gaussian: Q(sqrt(γ)) is exact for QPSK.
    s, ch, p, a, t1, t2 = _setup(1, rng)
    symbols = 20_000 if reduced else 60_000
    snr_db = np.array(SNRS_DB[receiver])
    res = eve_ber(s, ch, p, a, t1, t2, snr_db, rng=rng, symbols=symbols, receiver=receiver)
    assert res.bits == 2 * symbols
    # the comparison is informative: at least two points per receiver between 1e-3 and 0.4
    for pred in (res.eve_ber_gaussian, res.bob_ber_gaussian):
        assert np.count_nonzero((pred > 1e-3) & (pred < 0.4)) >= 2, pred
    assert _within(res.eve_ber, res.eve_ber_gaussian, res.bits), (res.eve_ber,
                                                                 res.eve_ber_gaussian)
    assert _within(res.bob_ber, res.bob_ber_gaussian, res.bits), (res.bob_ber,
                                                                 res.bob_ber_gaussian)
    assert np.all(res.eve_ci[:, 0] <= res.eve_ber) and np.all(res.eve_ber <= res.eve_ci[:, 1])
    assert np.all(res.bob_ci[:, 0] <= res.bob_ber) and np.all(res.bob_ber <= res.bob_ci[:, 1])


def test_ber_is_reproducible_with_the_same_seed():
    s, ch, p, a, t1, t2 = _setup(3, np.random.default_rng(1))
    runs = [eve_ber(s, ch, p, a, t1, t2, [60.0], rng=np.random.default_rng(7), symbols=500)
            for _ in range(2)]
    assert runs[0].eve_ber[0] == runs[1].eve_ber[0] and runs[0].bob_ber[0] == runs[1].bob_ber[0]


def test_bad_inputs(rng):
    s, ch, p, a, t1, t2 = _setup(3, rng)
    with pytest.raises(TypeError, match="scenario must be a Scenario"):
        eve_ber(None, ch, p, a, t1, t2, [10.0], rng=rng)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        eve_ber(s, ch, p, a, t1, t2, [10.0], rng=1)
    with pytest.raises(ParameterError, match="receiver must be one of"):
        eve_ber(s, ch, p, a, t1, t2, [10.0], rng=rng, receiver="mmse")
    with pytest.raises(ParameterError, match="p must be one vector"):
        eve_ber(s, ch, np.tile(p, (2, 1)), a, t1, t2, [10.0], rng=rng)
    with pytest.raises(ParameterError, match=r"symbols must be in \[100, inf\]"):
        eve_ber(s, ch, p, a, t1, t2, [10.0], rng=rng, symbols=10)
    with pytest.raises(ParameterError, match="theta1 must have unit modulus"):
        eve_ber(s, ch, p, a, 2 * t1, t2, [10.0], rng=rng)
    assert math.isfinite(eve_ber(s, ch, p, a, t1, t2, [10.0], rng=rng, symbols=100).eve_ber[0])
