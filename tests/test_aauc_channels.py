import math

import numpy as np
import pytest

from fastsec.aauc import Scenario, angular_matrix, draw, draw_at, draw_batch
from fastsec.reference.aauc import draw_numpy

#: z-score for statistical checks: a correct model fails one check with probability ~6e-7.
Z = 5.0


def _assert_same_drop(a, b):
    for name in ("D", "theta", "g", "h_K", "h_E", "g_E"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert (a.D_E, a.theta_E) == (b.D_E, b.theta_E)


@pytest.mark.parametrize("kwargs", [{}, {"placement": "off_angle", "rayleigh": True},
                                    {"common_distance_m": 40.0}])
def test_batch_equals_successive_single_draws(kwargs):
    s = Scenario(N=6, K=4, **kwargs)
    batch = draw_batch(s, np.random.default_rng(7), 5)
    rng = np.random.default_rng(7)
    singles = [draw(s, rng) for _ in range(5)]
    assert len(batch) == 5
    for i in range(5):
        _assert_same_drop(batch[i], singles[i])
    # both leave the generator in the same state
    rng_b = np.random.default_rng(7)
    draw_batch(s, rng_b, 5)
    assert rng_b.random() == rng.random()


def test_kernel_matches_numpy_twin():
    # The twin draws the same numbers (documented order) with vectorised NumPy and builds the
    # channels with np.exp instead of cos/sin: equal up to rounding, hence rtol 1e-12.
    s = Scenario(N=16, K=5, kr_db=3.0)
    for seed in range(3):
        fast = draw(s, np.random.default_rng(seed))
        ref = draw_numpy(s, np.random.default_rng(seed))
        np.testing.assert_array_equal(fast.D, ref.D)
        np.testing.assert_array_equal(fast.theta, ref.theta)
        assert fast.D_E == ref.D_E
        for name in ("g", "h_K", "h_E", "g_E"):
            np.testing.assert_allclose(getattr(fast, name), getattr(ref, name), rtol=1e-12,
                                       atol=0, err_msg=name)


def test_draw_at_uses_given_positions(rng):
    s = Scenario(N=4, K=3)
    D, theta = np.array([120.0, 250.0, 300.0]), np.array([0.1, -2.0, 1.0])
    d = draw_at(s, rng, D, theta, D_E=100.0)
    np.testing.assert_array_equal(d.D, D)
    assert d.theta_E == 1.0 and d.D_E == 100.0


def test_rician_statistics_match_eq1(rng, reduced):
    # Normalised entries z = g / (sqrt(rho0 D^-alpha) g^LoS) = l + n * CN(0,1) with
    # l^2 = K_R/(1+K_R), n^2 = 1/(1+K_R): mean power 1, mean l, NLoS power n^2.
    s = Scenario(N=32, K=8, kr_db=3.0)
    b = draw_batch(s, rng, 200 if reduced else 1000)
    pl = s.rho0 * b.D ** (-s.alpha)
    steer = np.exp(-1j * np.pi * np.arange(s.N) * np.sin(b.theta)[..., None])
    z = (b.g / (np.sqrt(pl)[..., None] * steer)).ravel()
    n = z.size
    l2 = s.kr / (1 + s.kr)
    n2 = 1 - l2
    power = np.abs(b.g) ** 2 / pl[..., None]
    # |z|^2 is non-central chi-square: variance 1 - l^4
    assert abs(power.mean() - 1) < Z * math.sqrt((1 - l2 ** 2) / n)
    assert abs(z.mean() - math.sqrt(l2)) < Z * math.sqrt(n2 / n)
    nlos_power = np.abs(z - math.sqrt(l2)) ** 2  # n^2 |CN|^2: mean n^2, sd n^2
    assert abs(nlos_power.mean() - n2) < Z * n2 / math.sqrt(n)


def test_user_links_statistics_and_eq47(rng, reduced):
    # E|h_K,k|^2 = rho0 d_Kk^-alpha (eq. 9), and with D_E ~ U(0, D_K) on the segment,
    # E|h_E,k|^2 = J_k (eq. 47): the ratios have mean 1. The h_E ratio is heavy-tailed
    # (users near the segment), so its tolerance uses the sample standard error.
    s = Scenario(N=2, K=6, kr_db=10.0)
    b = draw_batch(s, rng, 4000 if reduced else 20000)
    pos = b.D * np.exp(1j * b.theta)
    d_K = np.abs(pos[:, :-1] - pos[:, -1:])
    r_K = (np.abs(b.h_K) ** 2 / (s.rho0 * d_K ** (-s.alpha))).ravel()
    l2 = s.kr / (1 + s.kr)
    assert abs(r_K.mean() - 1) < Z * math.sqrt((1 - l2 ** 2) / r_K.size)
    assert abs(np.mean(b.h_K)) < Z * math.sqrt(s.rho0 * np.mean(d_K ** -s.alpha) / r_K.size)
    r_E = (np.abs(b.h_E) ** 2 / angular_matrix(b)).ravel()
    assert abs(r_E.mean() - 1) < Z * r_E.std(ddof=1) / math.sqrt(r_E.size)


def test_placements(rng):
    s = Scenario(N=3, K=5, placement="off_angle", d_far_m=1000.0)
    b = draw_batch(s, rng, 200)
    assert np.all(b.D[:, -1] == 1000.0)
    assert np.all((b.D[:, :-1] >= 100) & (b.D[:, :-1] <= 500))
    assert np.all((b.theta >= 0) & (b.theta <= np.pi))
    assert np.all((b.theta_E >= -np.pi) & (b.theta_E <= 0))
    assert np.all((b.D_E >= 100) & (b.D_E <= 500))
    seg = draw_batch(Scenario(N=3, K=5), rng, 200)
    assert np.all(seg.theta_E == seg.theta[:, -1])
    assert np.all((seg.D_E >= 0) & (seg.D_E <= seg.D[:, -1]))
    assert np.all(draw_batch(Scenario(N=3, K=5, common_distance_m=30.0), rng, 3).D == 30.0)


def test_rayleigh_has_no_los_mean(rng):
    s = Scenario(N=16, K=4, rayleigh=True)
    b = draw_batch(s, rng, 500)
    pl = s.rho0 * b.D ** (-s.alpha)
    steer = np.exp(-1j * np.pi * np.arange(s.N) * np.sin(b.theta)[..., None])
    z = (b.g / (np.sqrt(pl)[..., None] * steer)).ravel()
    assert abs(z.mean()) < Z / math.sqrt(z.size)


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda s, r: draw("x", r), TypeError, "scenario must be a fastsec.aauc.Scenario"),
        (lambda s, r: draw(s, 3), TypeError, "rng must be a numpy.random.Generator"),
        (lambda s, r: draw(s, np.random.RandomState(0)), TypeError, "rng must be"),
        (lambda s, r: draw_batch(s, r, 0), ValueError, r"drops must be in \[1, inf\]"),
        (lambda s, r: draw_batch(s, r, 2.0), TypeError, "drops must be an integer"),
        (lambda s, r: draw_at(s, r, [1.0, 2.0], [0.0, 0.0, 0.0], 1.0), ValueError,
         r"D must have shape \(3\)"),
        (lambda s, r: draw_at(s, r, [1.0, -2.0, 3.0], [0.0, 0.0, 0.0], 1.0), ValueError,
         "D must be > 0"),
        (lambda s, r: draw_at(s, r, [1.0, 2.0, 3.0], [0.0, np.nan, 0.0], 1.0), ValueError,
         "theta must be finite"),
        (lambda s, r: draw_at(s, r, [1.0, 2.0, 3.0], [0.0, 0.0, 0.0], -1.0), ValueError,
         r"D_E must be in \(0, inf\]"),
        (lambda s, r: draw_batch(s, r, 2)[2], ValueError, r"i must be in \[-2, 1\]"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call(Scenario(N=2, K=3), np.random.default_rng(0))
