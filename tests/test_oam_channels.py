import cmath
import math

import numpy as np
import pytest
from fastsec.kernels.oam.nearfield import spherical_wave
from numpy.testing import assert_allclose, assert_array_equal

from fastsec.errors import ParameterError
from fastsec.oam import Scenario, channels, channels_batch, geometry
from fastsec.reference.oam import spherical_wave_reference

# Phases reach ~800 cycles (40 m at λ = 0.05 m): rounding of d and of 2πd/λ in either
# computation moves the phase by up to 2π·800·1e-15 ≈ 5e-12 rad, hence the relative tolerance.
RTOL = 1e-11


def _entry(rx, tx, lam, beta):
    d = math.dist(rx, tx)
    return lam * beta / (4 * math.pi * d) * cmath.exp(-2j * math.pi * d / lam)


LINKS = {"H_AR1": ("ris1", "alice", "beta_ar1"), "H_R1R2": ("ris2", "ris1", "beta_r1r2"),
         "H_R2B": ("bob", "ris2", "beta_r2b"), "H_AE": ("eve", "alice", "beta_ae"),
         "H_R1E": ("eve", "ris1", "beta_r1e")}


def test_entries_equal_eq9_from_element_coordinates():
    s = Scenario(Q1=12, Q2=6, ris1_shape=(3, 4), wavelength_m=0.05, beta_ar1=0.7, beta_r1r2=1.3,
                 beta_r2b=2.0, beta_ae=0.5, beta_r1e=0.9, N_E=5)
    g = geometry(s)
    ch = channels(s)
    for name, (rx_name, tx_name, beta_name) in LINKS.items():
        rx, tx = getattr(g, rx_name), getattr(g, tx_name)
        want = np.array([[_entry(r, t, s.wavelength_m, getattr(s, beta_name)) for t in tx]
                         for r in rx])
        got = getattr(ch, name)
        assert got.shape == want.shape, name
        assert_allclose(got, want, rtol=RTOL, err_msg=name)


def test_kernel_matches_numpy_broadcast_twin(rng):
    rx = rng.uniform(-3, 3, size=(2, 30, 3))
    tx = rng.uniform(-3, 3, size=(2, 25, 3)) + [0, 0, 10]
    lam, beta = np.array([0.1, 0.03]), np.array([1.0, 0.4])
    out = np.empty((2, 30, 25), dtype=complex)
    spherical_wave(rx, tx, lam, beta, out)
    for b in range(2):
        assert_allclose(out[b], spherical_wave_reference(rx[b], tx[b], lam[b], beta[b]),
                        rtol=RTOL)


def test_batch_equals_single_scenarios():
    scenes = [Scenario(Q1=8, Q2=8), Scenario(Q1=8, Q2=8, eve_distance_m=5.0, tilt_b_y_rad=0.0)]
    batch = channels_batch(scenes)
    for b, s in enumerate(scenes):
        single = channels(s)
        for name in LINKS:
            assert_array_equal(getattr(batch, name)[b], getattr(single, name))


def test_batch_rejects_mixed_sizes_and_non_scenarios():
    with pytest.raises(ParameterError, match="share"):
        channels_batch([Scenario(Q1=8), Scenario(Q1=10)])
    with pytest.raises(ParameterError, match="at least one"):
        channels_batch([])
    with pytest.raises(TypeError, match="Scenario"):
        channels_batch([{"N": 8}])


def test_single_ris_topologies_from_geometry():
    # One surface of Q elements in the double-RIS cascade: identity RIS1 -> RIS2 hop, the
    # surface's own links from the geometry (eq. (9)), RIS2 -> Eve blocked as in the paper.
    for topology, place in (("single_ris1", "ris1"), ("single_ris2", "ris2")):
        s = Scenario(Q1=6, Q2=6, topology=topology)
        g, ch = geometry(s), channels(s)
        surface = getattr(g, place)
        assert_array_equal(ch.H_R1R2, np.eye(6))
        assert_allclose(ch.H_AR1, spherical_wave_reference(surface, g.alice, 0.1, 1.0),
                        rtol=RTOL)
        assert_allclose(ch.H_R2B, spherical_wave_reference(g.bob, surface, 0.1, 1.0), rtol=RTOL)
        eve = (spherical_wave_reference(g.eve, surface, 0.1, 1.0) if place == "ris1"
               else np.zeros((s.N_E, 6)))
        assert_allclose(ch.H_R1E, eve, rtol=RTOL)
    with pytest.raises(ParameterError, match="Q1 == Q2"):
        Scenario(Q1=6, Q2=4, topology="single_ris1")
