"""Synthetic AAUC drops for the solver tests (positions -> Rician channels, eq. (1), (2), (9)).

Independent of fastsec.aauc's own channel model: it is a few lines of the paper's equations,
and J (eq. (16) with β = 0) comes from scipy quadrature.
"""

import numpy as np
from scipy.integrate import quad

from fastsec.aauc import Drop, Scenario


def _rician(rng, gain, kr, los):
    nlos = (rng.standard_normal(los.shape) + 1j * rng.standard_normal(los.shape)) / np.sqrt(2)
    return np.sqrt(gain) * (np.sqrt(kr / (1 + kr)) * los + np.sqrt(1 / (1 + kr)) * nlos)


def make_drop(rng, **scenario):
    """One drop of ``Scenario(**scenario)`` and its angular diagonal J, shape (K-1,)."""
    sc = Scenario(**scenario)
    n, k, kr, a, rho0 = sc.N, sc.K, sc.kr, sc.alpha, sc.rho0
    if sc.common_distance_m is None:
        D = rng.uniform(sc.d_min_m, sc.d_max_m, k)
    else:
        D = np.full(k, sc.common_distance_m)
    theta = rng.uniform(-np.pi, np.pi, k)
    D_E = rng.uniform(0.0, D[-1])
    pos = D[:, None] * np.stack([np.cos(theta), np.sin(theta)], axis=1)
    pos_e = D_E * np.array([np.cos(theta[-1]), np.sin(theta[-1])])
    steer = np.exp(-1j * np.pi * np.outer(np.sin(theta), np.arange(n)))
    g = _rician(rng, rho0 * D[:, None] ** -a, kr, steer)
    g_E = _rician(rng, rho0 * D_E ** -a, kr, steer[-1])
    d_k = np.linalg.norm(pos[:-1] - pos[-1], axis=1)
    d_e = np.maximum(np.linalg.norm(pos[:-1] - pos_e, axis=1), 1.0)
    phase = np.exp(1j * rng.uniform(-np.pi, np.pi, (2, k - 1)))
    h_K = _rician(rng, rho0 * d_k ** -a, kr, phase[0])
    h_E = _rician(rng, rho0 * d_e ** -a, kr, phase[1])
    u = pos[-1] / D[-1]
    J = np.array([quad(lambda r, p=p: np.sum((r * u - p) ** 2) ** (-a / 2), 0, D[-1],
                       limit=200)[0] for p in pos[:-1]]) * rho0 / D[-1]
    drop = Drop(scenario=sc, D=D, theta=theta, D_E=D_E, theta_E=theta[-1], g=g, h_K=h_K,
                h_E=h_E, g_E=g_E)
    return drop, J
