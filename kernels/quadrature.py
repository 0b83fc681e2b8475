"""Gauss-Legendre quadrature of the angular matrix J (paper 000, eq. (12), (16)).

For helping user k and the segment BS-user K, the squared distance of eq. (15) is a quadratic
in the eavesdropper's ground distance ρ,

    q(ρ) = c (ρ - a)² + b²,  c = 1 + tan²β,  a = D_k cos Δ / c,  b² = D_k² (sin²Δ + tan²β) / c,

with Δ = θ_k - θ_K; b² is formed from sin²Δ (not as D_k² - c a²) so that a user close to the
segment keeps full relative accuracy. The integrand q^(-α/2) has its complex singularities at
ρ = a ± i b/√c, at distance w = b/√c from the real axis. The kernel splits [0, D_K] at the
closest point a (when it lies inside) and covers each side with panels that start at the split
point and double in width (first width = distance to the singularity), with a fixed n-point
Gauss-Legendre rule per panel: every panel then sees the singularity outside a Bernstein
ellipse of parameter >= √5 + 2, so n = 10 gives a relative error near 1e-13 however close the
user is to the segment (the number of panels grows like log2(D_K / w)).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from ._jit import jit


@jit
def _inv_pow(q, half_alpha, quarter_power):
    """q^(-α/2); when 2α is a small integer m (``quarter_power`` = m), via sqrt and products."""
    if quarter_power < 0:
        return math.exp(-half_alpha * math.log(q))
    s = math.sqrt(q)
    r = math.sqrt(s)
    p = 1.0
    for _ in range(quarter_power // 4):
        p *= q
    rem = quarter_power % 4
    if rem == 1:
        p *= r
    elif rem == 2:
        p *= s
    elif rem == 3:
        p *= s * r
    return 1.0 / p


@jit
def _graded(u0, direction, length, dist, c, b2, half_alpha, quarter_power, x, wts):
    """∫ (c u² + b²)^(-α/2) du over [u0, u0 + direction·length], panels doubling from u0.

    u = ρ - a is the offset from the closest point (kept as the variable so that nodes near a
    user close to the segment keep their relative accuracy); ``dist`` > 0 is the distance
    from u0 to the nearest singularity; ``x``, ``wts`` are Gauss-Legendre nodes and weights
    mapped to [0, 1].
    """
    total = 0.0
    lo = 0.0
    hi = min(dist, length)
    while lo < length:
        width = hi - lo
        acc = 0.0
        for i in range(x.shape[0]):
            u = u0 + direction * (lo + width * x[i])
            acc += wts[i] * _inv_pow(c * u * u + b2, half_alpha, quarter_power)
        total += width * acc
        lo = hi
        hi = min(2.0 * hi, length)
    return total


@jit
def segment_integral(D_k, delta, D_K, tan_beta, alpha, quarter_power, x, wts):
    """∫_0^{D_K} [ρ²(1 + tan²β) - 2ρ D_k cos Δ + D_k²]^(-α/2) dρ (eq. (16) without ϱ0/D_K).

    Parameters
    ----------
    D_k : float
        Helping user's distance [m].
    delta : float
        Azimuth difference θ_k - θ_K [rad].
    D_K : float
        Attacked user's distance [m] (the segment's length).
    tan_beta : float
        tan β of the eavesdropper's elevation (0 in 2-D).
    alpha : float
        Path-loss exponent α.
    quarter_power : int
        2α when it is a small non-negative integer, else -1 (selects the fast power).
    x, wts : float64 (n,)
        Gauss-Legendre nodes and weights on [0, 1].

    Returns
    -------
    float
        The integral [m^(1-α)]; ``inf`` when the user lies exactly on the segment and α >= 1.

    """
    half_alpha = 0.5 * alpha
    t2 = tan_beta * tan_beta
    c = 1.0 + t2
    sd = math.sin(delta)
    a = D_k * math.cos(delta) / c
    b2 = D_k * D_k * (sd * sd + t2) / c
    w = math.sqrt(b2 / c)  # distance of the singularities from the real ρ axis
    if w == 0.0 and 0.0 <= a <= D_K:  # on the segment: c^(-α/2) |ρ - a|^(-α), closed form
        if alpha >= 1.0:
            return np.inf
        return c ** (-half_alpha) * (a ** (1.0 - alpha) + (D_K - a) ** (1.0 - alpha)) / (
            1.0 - alpha)
    if 0.0 < a < D_K:
        return (_graded(0.0, 1.0, D_K - a, w, c, b2, half_alpha, quarter_power, x, wts)
                + _graded(0.0, -1.0, a, w, c, b2, half_alpha, quarter_power, x, wts))
    if a <= 0.0:
        return _graded(-a, 1.0, D_K, math.sqrt(a * a + w * w), c, b2, half_alpha,
                       quarter_power, x, wts)
    return _graded(D_K - a, -1.0, D_K, math.sqrt((a - D_K) ** 2 + w * w), c, b2, half_alpha,
                   quarter_power, x, wts)


@jit(parallel=True)
def angular_batch(D, theta, tan_beta, alpha, rho0, quarter_power, x, wts, out):
    """Fill ``out`` (B, K-1) with J_k of eq. (16) for B drops (eq. (12) when tan β = 0).

    Parameters
    ----------
    D, theta : float64 (B, K)
        User distances [m] and azimuths [rad]; user K is the last column.
    tan_beta : float64 (B,)
        tan β of the eavesdropper's elevation per drop.
    alpha, rho0 : float
        Path-loss exponent α and path loss ϱ0 at 1 m (linear).
    quarter_power : int
        See :func:`segment_integral`.
    x, wts : float64 (n,)
        Gauss-Legendre nodes and weights on [0, 1].
    out : float64 (B, K-1)
        Output, J_k = ϱ0 / D_K · ∫ (linear).

    """
    B, K = D.shape
    for i in numba.prange(B * (K - 1)):
        b = i // (K - 1)
        k = i % (K - 1)
        D_K = D[b, K - 1]
        out[b, k] = rho0 / D_K * segment_integral(D[b, k], theta[b, k] - theta[b, K - 1], D_K,
                                                  tan_beta[b], alpha, quarter_power, x, wts)
