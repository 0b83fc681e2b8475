"""Rician ULA channel draws of the AAUC system model (paper 000, eq. (1)-(2), (9)).

The kernels take a ``numpy.random.Generator`` and draw in one fixed order, so that one
batched call and a sequence of single-drop calls on the same generator give identical numbers.
Per drop, in this order:

1. positions (:func:`draw_positions`): user distances D_k (skipped for a common distance;
   K-1 draws and D_K = ``d_far_m`` in the off-angle placement), user azimuths θ_k, then the
   eavesdropper's distance D_E and, in the off-angle placement only, its azimuth θ_E;
2. channels (:func:`draw_channels`): the NLoS parts of g_1..g_K (row by row, each entry real
   then imaginary part), of g_E, then the K-1 LoS phases of h_K, the K-1 NLoS parts of h_K,
   the K-1 LoS phases of h_E and the K-1 NLoS parts of h_E.

Uniforms are ``rng.uniform(low, high)``, normals ``rng.standard_normal()``; a complex
normal CN(0, 1) is (x + j y)/√2. This is also the order of one vectorised NumPy draw per
block, which the reference twin in :mod:`fastsec.reference.aauc` uses.
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import jit

#: Placement codes shared with :mod:`fastsec.aauc.channels`.
SEGMENT = 0
OFF_ANGLE = 1

_INV_SQRT2 = 1.0 / math.sqrt(2.0)

#: The ULA steering vector is built by complex rotation, with an exact cos/sin every
#: _REANCHOR entries: the relative drift stays below ~_REANCHOR · 1e-16.
_REANCHOR = 32


@jit
def draw_positions(rng, placement, distances, D, theta):
    """Draw one drop's positions into ``D`` and ``theta`` (shape (K,)); return (D_E, θ_E).

    ``placement`` is :data:`SEGMENT` or :data:`OFF_ANGLE`; ``distances = (common_distance_m,
    d_min_m, d_max_m, d_far_m)`` [m], a common distance <= 0 meaning "none". Angles in radians.
    """
    common_distance_m, d_min_m, d_max_m, d_far_m = distances
    K = D.shape[0]
    n_random = K if placement == SEGMENT else K - 1
    for k in range(n_random):
        if common_distance_m > 0.0:
            D[k] = common_distance_m
        else:
            D[k] = rng.uniform(d_min_m, d_max_m)
    if placement == SEGMENT:
        for k in range(K):
            theta[k] = rng.uniform(-np.pi, np.pi)
        D_E = rng.uniform(0.0, D[K - 1])
        theta_E = theta[K - 1]
    else:
        D[K - 1] = d_far_m
        for k in range(K):
            theta[k] = rng.uniform(0.0, np.pi)
        D_E = rng.uniform(d_min_m, d_max_m)
        theta_E = rng.uniform(-np.pi, 0.0)
    return D_E, theta_E


@jit
def _rician_ula(rng, distance_m, theta_rad, los, nlos, alpha, rho0, out):
    """Fill ``out`` (N,) with eq. (1): √(ϱ0 D^-α) (los · g^LoS + nlos · CN(0, I))."""
    amp = math.sqrt(rho0 * distance_m ** (-alpha))
    a_nlos = amp * nlos * _INV_SQRT2
    step = -np.pi * math.sin(theta_rad)
    rot = complex(math.cos(step), math.sin(step))
    los_n = 0j  # amp · los · e^{-jπ n sin θ}: rotated by ``rot`` each entry, re-anchored below
    for n in range(out.shape[0]):
        if n % _REANCHOR == 0:  # exact phase every _REANCHOR entries bounds the drift
            los_n = amp * los * complex(math.cos(step * n), math.sin(step * n))
        x = rng.standard_normal()
        y = rng.standard_normal()
        out[n] = complex(los_n.real + a_nlos * x, los_n.imag + a_nlos * y)
        los_n *= rot


@jit
def _user_links(rng, xs, ys, x0, y0, los, nlos, alpha, rho0, out):
    """Fill ``out`` (K-1,) with eq. (9) for the links (xs[k], ys[k]) -> (x0, y0) [m].

    Draws the K-1 LoS phases φ_k ~ U(-π, π) first, then the K-1 NLoS parts δ_k ~ CN(0, 1).
    """
    for k in range(out.shape[0]):
        out[k] = rng.uniform(-np.pi, np.pi)  # park φ_k in the real part
    for k in range(out.shape[0]):
        phi = out[k].real
        d = math.hypot(xs[k] - x0, ys[k] - y0)
        amp = math.sqrt(rho0 * d ** (-alpha))
        x = rng.standard_normal()
        y = rng.standard_normal()
        out[k] = complex(amp * (los * math.cos(phi) + nlos * _INV_SQRT2 * x),
                         amp * (los * math.sin(phi) + nlos * _INV_SQRT2 * y))


@jit
def draw_channels(rng, D, theta, D_E, theta_E, link, out, xy):
    """Draw one drop's channels for given positions (paper 000, eq. (1)-(2), (9)).

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    D, theta : float64 (K,)
        User distances [m] and azimuths [rad].
    D_E, theta_E : float
        Eavesdropper distance [m] and azimuth [rad].
    link : tuple of float
        ``(kr, alpha, rho0)``: Rician K-factor (linear), path-loss exponent, path loss at 1 m
        (linear).
    out : tuple of ndarray
        Outputs ``(g, h_K, h_E, g_E)``: g_1..g_K (rows), complex128 (K, N); helping users to
        user K, complex128 (K-1,); helping users to the eavesdropper, complex128 (K-1,); BS to
        the eavesdropper, complex128 (N,).
    xy : float64 (2, K)
        Scratch for the users' Cartesian positions (D cos θ, D sin θ) [m].

    """
    kr, alpha, rho0 = link
    g, h_K, h_E, g_E = out
    K = D.shape[0]
    los = math.sqrt(kr / (1.0 + kr))
    nlos = math.sqrt(1.0 / (1.0 + kr))
    for k in range(K):
        _rician_ula(rng, D[k], theta[k], los, nlos, alpha, rho0, g[k])
    _rician_ula(rng, D_E, theta_E, los, nlos, alpha, rho0, g_E)
    for k in range(K):
        xy[0, k] = D[k] * math.cos(theta[k])
        xy[1, k] = D[k] * math.sin(theta[k])
    xs = xy[0, : K - 1]
    ys = xy[1, : K - 1]
    _user_links(rng, xs, ys, xy[0, K - 1], xy[1, K - 1], los, nlos, alpha, rho0, h_K)
    _user_links(rng, xs, ys, D_E * math.cos(theta_E), D_E * math.sin(theta_E), los, nlos,
                alpha, rho0, h_E)


@jit
def draw_drops(rng, placement, distances, link, out):
    """Draw ``B`` drops in sequence (positions, then channels, per drop).

    ``placement``, ``distances`` as in :func:`draw_positions`, ``link`` as in
    :func:`draw_channels`. ``out = (D, theta, D_E, theta_E, g, h_K, h_E, g_E)`` with a
    leading drops axis: D, theta (B, K); D_E, theta_E (B,); g (B, K, N); h_K, h_E (B, K-1);
    g_E (B, N). See the module docstring for the draw order.
    """
    D, theta, D_E, theta_E, g, h_K, h_E, g_E = out
    xy = np.empty((2, D.shape[1]))
    for b in range(D.shape[0]):
        de, te = draw_positions(rng, placement, distances, D[b], theta[b])
        D_E[b] = de
        theta_E[b] = te
        draw_channels(rng, D[b], theta[b], de, te, link, (g[b], h_K[b], h_E[b], g_E[b]), xy)


#: :func:`first_non_finite`'s code for a finite drop with a distance <= 0.
NON_POSITIVE_D = 6


@jit
def first_non_finite(D, theta, g, h_K, h_E, g_E):
    """Return the index of the first array with a NaN or inf entry (0-5, argument order).

    Else :data:`NON_POSITIVE_D` if an entry of ``D`` is <= 0, else -1: the value checks of
    :class:`fastsec.aauc.Drop` in one compiled pass.
    """
    for i, arr in enumerate((D.ravel(), theta.ravel())):
        for x in arr:
            if not math.isfinite(x):
                return i
    for i, arr in enumerate((g.ravel(), h_K.ravel(), h_E.ravel(), g_E.ravel())):
        for x in arr:
            if not (math.isfinite(x.real) and math.isfinite(x.imag)):
                return i + 2
    for x in D.ravel():
        if not x > 0.0:
            return NON_POSITIVE_D
    return -1
