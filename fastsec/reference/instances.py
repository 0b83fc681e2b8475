"""Seeded random problem instances shared by tests, pytest-benchmark and asv suites.

They live in the installed package (not in ``tests/``) because the asv suites in ``bench/``
import the installed fastsec only. Each function draws from the generator or seed it is given.
"""

from __future__ import annotations

import numpy as np

from fastsec.oam import effective as ef
from fastsec.oam.channels import channels as scene_channels
from fastsec.oam.optimize import random_phases
from fastsec.oam.scenario import Scenario


def random_rate_ratio(rng: np.random.Generator, n: int = 1, nl: int = 3, q: int = 12,
                      ra: int = 1, rb: int = 3, c_scale: float = 1.0):
    """Random theta-subproblem data ``(U, V, c, theta0)`` for :func:`~.oam_steps.rate_ratio_cost`.

    Shaped like theta2's problem with ``nl`` modes: ``ra = 1`` signal factor and
    ``rb = nl`` interference-plus-RIS-noise factors per mode, scaled so that
    ``theta^H A theta ~ 1``; ``c ~ U(0.2, 1) * c_scale``; random unit-modulus starts.
    """
    def factors(rank):
        shape = (n, nl, rank, q)
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2 * q)

    U, V = factors(ra), factors(rb)
    c = c_scale * rng.uniform(0.2, 1.0, (n, nl))
    theta0 = np.exp(2j * np.pi * rng.random((n, q)))
    return U, V, c, theta0


def random_power_step(rng: np.random.Generator, n: int = 4, ns: int = 3):
    """Random p-step data ``(gain_bob, gain_eve, noise_bob, noise_eve, ris_gain, p)``.

    Own-mode gains dominate Bob's crosstalk (x5); noise of the same order as the gains.
    """
    gb = rng.uniform(0.1, 1.0, (n, ns, ns))
    gb[:, range(ns), range(ns)] *= 5.0
    ge = rng.uniform(0.05, 0.5, (n, ns, ns))
    nb = rng.uniform(0.05, 0.2, (n, ns))
    ne = rng.uniform(0.05, 0.2, (n, ns))
    r = rng.uniform(0.5, 2.0, (n, ns))
    p = rng.uniform(0.1, 0.3, (n, ns))
    return gb, ge, nb, ne, r, p


def random_amplification_step(rng: np.random.Generator, n: int = 3, q: int = 12, ns: int = 3):
    """Random a-step data ``(chi, kappa2, p, a, ris_weight)`` (own-mode ``chi`` x3)."""
    chi = 0.1 * (rng.standard_normal((n, ns, ns, q)) + 1j * rng.standard_normal((n, ns, ns, q)))
    chi[:, range(ns), range(ns)] *= 3.0
    kappa2 = rng.uniform(0.0, 1.0, (n, ns, q))
    p = rng.uniform(0.1, 0.5, (n, ns))
    a = rng.uniform(0.5, 1.5, (n, q))
    w = rng.uniform(0.5, 1.5, (n, q))
    return chi, kappa2, p, a, w


def theta1_instance(q: int, seed: int = 0) -> tuple[tuple, np.ndarray]:
    """θ1 subproblem of a Q1 = Q2 = q default scene at a random point, and its start θ1.

    Powers split equally, ``a = a_max``, random phases from ``default_rng(seed)``; returns
    the data tuple of :func:`fastsec.kernels.oam.objectives.secrecy_terms` and θ1 (q,).
    """
    s = Scenario(Q1=q, Q2=q)
    lk = ef.link(s, scene_channels(s))
    rng = np.random.default_rng(seed)
    p = np.full(s.N_s, s.signal_power_w / s.N_s)
    a = np.full(s.Q2, s.a_max)
    theta1, theta2 = random_phases(rng, s.Q1), random_phases(rng, s.Q2)
    return ef.theta1_data(lk, p, a, theta2), theta1
