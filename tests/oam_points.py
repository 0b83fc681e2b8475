"""Double-RIS OAM scenes with their channels, and random feasible operating points
(p, a, θ1, θ2) on them, for the tests."""

import numpy as np

from fastsec.oam import Scenario, channels


def scene_with_channels(**fields):
    """``(scenario, channels(scenario))`` for the :class:`~fastsec.oam.Scenario` ``fields``."""
    s = Scenario(**fields)
    return s, channels(s)


def random_point(s, rng):
    """Mode powers [W], RIS2 amplitudes in [0, a_max] and unit-modulus phases for scene ``s``."""
    p = rng.uniform(0.01, 0.3, s.N_s)
    a = rng.uniform(0.0, s.a_max, s.Q2)
    theta1 = np.exp(2j * np.pi * rng.random(s.Q1))
    theta2 = np.exp(2j * np.pi * rng.random(s.Q2))
    return p, a, theta1, theta2
