import itertools
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from fastsec.oam import dft_matrix, idft_matrix, sn_pair, sn_pair_count, sn_pairs, zadoff_chu
from fastsec.oam.geometry import attitude, uca_positions
from fastsec.oam.signalling import receive_matrix, transmit_matrix
from fastsec.reference.oam import spherical_wave_reference

# Products of N x N unit-modulus matrices: errors of a few ulps times N.
ATOL = 1e-13


@pytest.mark.parametrize("n", [2, 5, 8, 16])
@pytest.mark.parametrize("alpha", [0.0, 0.37])
def test_idft_is_unitary_and_dft_inverts_it(n, alpha):
    f = idft_matrix(n, alpha)
    assert_allclose(f.conj().T @ f, np.eye(n), atol=ATOL)
    assert_allclose(dft_matrix(n, alpha) @ f, np.eye(n), atol=ATOL)


@pytest.mark.parametrize("n", [4, 8, 9])
def test_idft_matches_numpy_ifft(n):
    # F[k, l] = exp(j 2π k l / N) / sqrt(N) = sqrt(N) * ifft(I)[k, l]; α adds exp(j l α).
    alpha = 0.2
    want = np.sqrt(n) * np.fft.ifft(np.eye(n), axis=0) * np.exp(1j * alpha * np.arange(n))
    assert_allclose(idft_matrix(n, alpha), want, atol=ATOL)


def _mode_coupling(tilt_y, offset):
    n, dist = 8, 5.0
    alice = uca_positions(np.zeros(3), 0.1, n, 0.0, np.eye(3))
    bob = uca_positions(np.array([offset, 0.0, dist]), 0.1, n, 0.0, attitude(0.0, tilt_y))
    h = spherical_wave_reference(bob, alice, 0.1, 1.0)
    g = dft_matrix(n) @ h @ idft_matrix(n)
    power = np.abs(g) ** 2
    return (power.sum() - np.trace(power)) / np.trace(power)


def test_aligned_uca_modes_are_orthogonal_and_misalignment_couples_them():
    # Coaxial, parallel UCAs: H is circulant, F^H H F is diagonal (the OAM property).
    assert _mode_coupling(0.0, 0.0) < 1e-24
    # Tilting Bob by π/10 or shifting him off-axis creates inter-mode interference.
    assert _mode_coupling(-math.pi / 10, 0.0) > 1e-3
    assert _mode_coupling(0.0, 0.5) > 1e-3


def _brute_force_g(n, n_a, n_s, n_z):
    count = 0
    for sig in itertools.combinations(range(n), n_s):
        if 0 not in sig or max(sig) >= n_a:
            continue
        for an in itertools.combinations(range(n), n_z):
            if all(m >= n_a for m in an):
                count += 1
    g = 1
    while 2 * g <= count:
        g *= 2
    return g


SIZES = [(8, 4, 3, 3), (8, 4, 2, 2), (16, 8, 4, 4), (6, 3, 1, 2), (8, 4, 4, 0), (8, 8, 3, 0),
         (12, 5, 3, 4)]


@pytest.mark.parametrize("sizes", SIZES)
def test_g_against_brute_force_enumeration(sizes):
    assert sn_pair_count(*sizes) == _brute_force_g(*sizes)


@pytest.mark.parametrize("sizes", SIZES)
def test_sn_pairs_are_distinct_valid_pairs(sizes):
    n, n_a, n_s, n_z = sizes
    pairs = sn_pairs(*sizes)
    assert len(pairs) == sn_pair_count(*sizes) == len(set(pairs))
    for sig, an in pairs:
        assert sig[0] == 0 and len(sig) == n_s and len(set(sig)) == n_s
        assert all(m < n_a for m in sig)
        assert len(an) == n_z and all(n_a <= m < n for m in an)


@pytest.mark.parametrize("sizes", SIZES)
def test_sn_pair_unranks_the_enumeration(sizes):
    pairs = sn_pairs(*sizes)
    assert [sn_pair(*sizes, i) for i in range(len(pairs))] == pairs


def test_sn_pair_needs_no_enumeration_for_large_n():
    # C(31, 15) C(32, 16) ≈ 9e16 pairs: only the requested one is built.
    sig, an = sn_pair(64, 32, 16, 16, sn_pair_count(64, 32, 16, 16) - 1)
    assert sig[0] == 0 and len(sig) == 16 and len(an) == 16 and min(an) >= 32


def test_section_v_pair_count():
    assert sn_pair_count(8, 4, 3, 3) == 8          # C(3,2) C(4,3) = 12 -> G = 8
    assert sn_pairs(8, 4, 3, 3)[0] == ((0, 1, 2), (4, 5, 6))


@pytest.mark.parametrize(("n", "root"), [(8, 1), (8, 3), (7, 2), (9, 4)])
def test_zadoff_chu_is_cazac(n, root):
    w = zadoff_chu(n, root)
    assert_allclose(np.abs(w), 1.0, atol=ATOL)
    # periodic autocorrelation vanishes at every non-zero lag when gcd(U, N) = 1
    corr = np.array([np.vdot(w, np.roll(w, -lag)) for lag in range(1, n)])
    assert_allclose(corr, 0.0, atol=1e-12)


def test_zadoff_chu_even_length_is_eq59():
    n, root = 8, 3
    k = np.arange(1, n + 1)
    assert_allclose(zadoff_chu(n, root), np.exp(1j * np.pi * root * (k - 1) ** 2 / n), atol=ATOL)


def test_transmit_and_receive_matrices_of_each_waveform():
    n = 8
    f = idft_matrix(n)
    assert_allclose(transmit_matrix("oam", n), f, atol=0)
    assert_allclose(transmit_matrix("zc", n, zc_root=3), np.diag(zadoff_chu(n, 3)) @ f, atol=ATOL)
    assert_allclose(transmit_matrix("mimo", n), np.eye(n), atol=0)
    assert_allclose(receive_matrix("zc", n), f.conj().T, atol=0)
    assert_allclose(receive_matrix("mimo", n), np.eye(n), atol=0)
