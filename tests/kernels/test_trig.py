import math

import numpy as np
from fastsec.kernels.trig import cis_cycles, sin_cos
from numpy.testing import assert_allclose


def test_branch_free_sin_cos_matches_libm():
    # fdlibm's kernels with a three-part pi/2: within 2 ulp of libm, including arguments next
    # to multiples of pi/2 and tiny ones (near-segment users), relative for sin near 0.
    x = np.concatenate([np.linspace(-2 * np.pi, 2 * np.pi, 2001),
                        np.arange(-4, 5) * (np.pi / 2) + 1e-9, [1e-12, -3e-9, 1e3]])
    for v in x:
        s, c = sin_cos(v)
        assert abs(s - math.sin(v)) <= 2 * np.spacing(abs(math.sin(v)) + 1e-300) + 1e-16 * (
            abs(v) > 1.0)
        assert abs(c - math.cos(v)) <= 2 * np.spacing(1.0)


def test_cis_cycles_matches_libm():
    cycles = np.linspace(-700.0, 700.0, 20011)
    got = np.array([cis_cycles(c) for c in cycles])
    # Reduction c - q/4 is exact; the polynomials are accurate to ~1 ulp on [-π/4, π/4].
    assert_allclose(got[:, 0], np.cos(2 * np.pi * (cycles - np.round(cycles))), atol=2e-15)
    assert_allclose(got[:, 1], np.sin(2 * np.pi * (cycles - np.round(cycles))), atol=2e-15)
