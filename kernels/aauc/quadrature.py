"""The angular matrix J (paper 000, eq. (12), (16)): closed form and Gauss-Legendre quadrature.

For helping user k and the segment BS-user K, the squared distance of eq. (15) is a quadratic
in the eavesdropper's ground distance ρ,

    q(ρ) = c (ρ - a)² + b²,  c = 1 + tan²β,  a = D_k cos Δ / c,  b² = D_k² (sin²Δ + tan²β) / c,

with Δ = θ_k - θ_K; b² is formed from sin²Δ (not as D_k² - c a²) so that a user close to the
segment keeps full relative accuracy, and the integration variable is u = ρ - a for the same
reason. The integrand (c u² + b²)^(-α/2) has its complex singularities at u = ± i w,
w = b/√c. The kernel splits [0, D_K] at the closest point a (when it lies inside) and covers
each side with panels of an n-point Gauss-Legendre rule, marching away from the split point:
each panel is the longest one whose Bernstein ellipse (parameter r) excludes the singularity,
so that the rule's error is below (64/15) r^(-2n) of the panel's integrand scale. The panel
length then grows geometrically (the number of panels is O(log(D_K / w))), and the relative
error stays near the requested level however close the user is to the segment.

For 1 < α the kernel first uses a closed antiderivative instead (one per α, tabulated by the
caller). With u = (b/√c) tan φ and s = sin φ = √c u / √q(u),

    ∫_{u1}^{u2} q^(-α/2) du = c^(-1/2) b^(1-α) [sgn(s2) G(|s2|) - sgn(s1) G(|s1|)],
    G(s) = ∫_0^s (1 - σ²)^((α-3)/2) dσ = ½ B(s²; ½, (α-1)/2),

an incomplete beta function with G(1) = ½ B(½, (α-1)/2) =: C. It is carried by one regular
function: G(1 - τ) = C - τ^((α-1)/2) H(τ), H analytic for |τ| < 2, tabulated as a
Chebyshev series on τ in [0, 1] (table ``tail``). The singular factor b^(1-α) τ^((α-1)/2) is
evaluated as (q (1 + s))^((1-α)/2), since 1 - s² = b²/q, so no term loses accuracy when the
user is close to the segment, and when both ends lie on one side C cancels exactly. At ρ = 0
q = D_k², so s1 = -cos Δ / √c needs no square root. Each integral costs a sine and cosine
(branch-free, :func:`fastsec.kernels.trig.sin_cos`), three square roots, two Chebyshev series
and three powers (square roots when 2α is an integer), with no branches, so that LLVM vectorises the
loop over users. Where the difference is small compared with its terms (C - T cancels for
|s| near 0 on both ends: a short segment seen broadside from far away; CANCELLATION) the
graded Gauss-Legendre rule is used instead.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from .._jit import jit
from ..trig import SINCOS_MAX, sin_cos

#: Chebyshev coefficients of the ``tail`` table of H(τ) on τ in [0, 1] (H is analytic for
#: |τ| < 2: Bernstein ellipse parameter 3 + √8, ~5.8^-n decay).
TAIL_COEFFICIENTS = 22

#: The antiderivative is used only when G(s2) - G(s1) keeps at least this fraction of the
#: sum of the magnitudes of its terms (at most 5 bits lost to cancellation).
CANCELLATION = 1.0 / 32.0


@jit
def _quarter_inv_pow(q, quarter_power):
    """q^(-m/4) for an integer m = ``quarter_power`` in [0, 63], branch-free (vectorisable).

    q^(m/4) = q^(m >> 2) · √q^(bit 1 of m) · q^(1/4)^(bit 0 of m), with q^(m >> 2) from the
    binary powers q, q², q⁴, q⁸ selected by the bits of m >> 2.
    """
    s = math.sqrt(q)
    q2 = q * q
    q4 = q2 * q2
    j = quarter_power >> 2
    p = (q if j & 1 else 1.0) * (q2 if j & 2 else 1.0) * (q4 if j & 4 else 1.0)
    p *= (q4 * q4 if j & 8 else 1.0) * (s if quarter_power & 2 else 1.0)
    p *= math.sqrt(s) if quarter_power & 1 else 1.0
    return 1.0 / p


@jit
def _graded(u0, direction, length, w, ellipse, c, b2, half_alpha, quarter_power, x, wts, buf):
    """∫ (c u² + b²)^(-α/2) du over [u0, u0 + direction·length], marching away from u = 0.

    The singularities are at u = ± i w; ``direction`` points away from u = 0 (|u| grows).
    ``ellipse`` = (r + 1/r)/2 for the Bernstein parameter r; a panel starting at u_lo gets the
    length 2(ellipse·|u_lo - i w| + |u_lo|)/(ellipse² - 1), for which the singularity lies on
    the panel's ellipse. ``x``, ``wts``: Gauss-Legendre nodes and weights on [0, 1].
    ``quarter_power`` = 2α in [0, 63] selects the branch-free power, -1 the exp/log one.
    ``buf`` (n,) is scratch for the integrand values: filling it is a loop without a
    reduction, which LLVM vectorises (a floating-point sum is not reassociated without
    fastmath).
    """
    total = 0.0
    lo = 0.0
    growth = 2.0 / (ellipse * ellipse - 1.0)
    while lo < length:
        u_lo = abs(u0 + direction * lo)
        step = growth * (ellipse * math.sqrt(u_lo * u_lo + w * w) + u_lo)
        hi = min(lo + step, length)
        width = hi - lo
        base = u0 + direction * lo
        scale = direction * width
        if quarter_power >= 0:
            for i in range(x.shape[0]):
                u = base + scale * x[i]
                buf[i] = _quarter_inv_pow(c * u * u + b2, quarter_power)
        else:
            for i in range(x.shape[0]):
                u = base + scale * x[i]
                buf[i] = math.exp(-half_alpha * math.log(c * u * u + b2))
        acc = 0.0
        for i in range(x.shape[0]):
            acc += wts[i] * buf[i]
        total += width * acc
        lo = hi
    return total


@jit
def _pow_one_minus_alpha_half(v, quarter_power, half_alpha):
    """v^((1-α)/2) for α >= 1; ``quarter_power`` = 2α selects the branch-free power."""
    if quarter_power >= 2:
        return _quarter_inv_pow(v, quarter_power - 2)
    return math.exp((0.5 - half_alpha) * math.log(v))


@jit
def _chebyshev_tail(tail, tau):
    """H(τ) = Σ_j tail[j] T_j(2τ - 1) by Clenshaw's recurrence (TAIL_COEFFICIENTS terms)."""
    x = 2.0 * tau - 1.0
    b1 = 0.0
    b2 = 0.0
    for j in range(TAIL_COEFFICIENTS - 1, 0, -1):
        b1, b2 = tail[j] + 2.0 * x * b1 - b2, b1
    return tail[0] + x * b1 - b2


@jit
def _antiderivative_row(b, D, theta, t2, c, tail, total, quarter_power, half_alpha, scale,
                        out):
    """Row ``b`` of J (times ``scale``) from the tabulated G; -1 where it cancels.

    With s1 = -cos Δ / √c at ρ = 0 (where q = D_k²) and s2 = √c (D_K - a) / √q(D_K), each
    end contributes G(|s|) b^(1-α) = C b^(1-α) - (q (1 + |s|))^((1-α)/2) H(1 - |s|).
    ``tail`` (TAIL_COEFFICIENTS,): Chebyshev coefficients of H on τ in [0, 1]; ``total`` =
    C = G(1); ``t2`` = tan²β, ``c`` = 1 + t2. The loop has no branches and no table
    look-ups, so LLVM vectorises it. Gives -1 also for |Δ| > SINCOS_MAX and for a user on
    the segment's line beyond its ends (b = 0); on the segment itself, inf (the divergent
    integral, α > 1).
    """
    K = D.shape[1]
    D_K = D[b, K - 1]
    sc = math.sqrt(c)
    inv_c = 1.0 / c
    inv_sc = 1.0 / sc
    factor = scale * inv_sc
    for k in range(K - 1):
        delta = theta[b, k] - theta[b, K - 1]
        sd, cd = sin_cos(delta)
        D_k = D[b, k]
        a = D_k * cd * inv_c
        b2 = D_k * D_k * (sd * sd + t2) * inv_c
        u2 = D_K - a
        q2 = c * u2 * u2 + b2
        s1 = abs(cd) * inv_sc
        s2 = sc * abs(u2) / math.sqrt(q2)
        tail1 = (_pow_one_minus_alpha_half(D_k * D_k * (1.0 + s1), quarter_power, half_alpha)
                 * _chebyshev_tail(tail, 1.0 - s1))
        tail2 = (_pow_one_minus_alpha_half(q2 * (1.0 + s2), quarter_power, half_alpha)
                 * _chebyshev_tail(tail, 1.0 - s2))
        sg1 = 1.0 if cd <= 0.0 else -1.0  # sign of u1 = -a
        sg2 = 1.0 if u2 >= 0.0 else -1.0
        kb = (sg2 - sg1) * total  # 0 when both ends lie on one side: C cancels exactly
        bp = _pow_one_minus_alpha_half(b2, quarter_power, half_alpha)
        value = kb * bp + sg1 * tail1 - sg2 * tail2
        magnitude = abs(kb) * bp + tail1 + tail2
        ok = value > CANCELLATION * magnitude and abs(delta) <= SINCOS_MAX
        out[b, k] = factor * value if ok else -1.0


@jit
def segment_integral(D_k, delta, D_K, tan_beta, alpha, quarter_power, ellipse, x, wts, buf):
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
        2α when it is an integer in [0, 63], else -1 (selects the fast power).
    ellipse : float
        (r + 1/r)/2 for the Bernstein ellipse parameter r > 1 that sets the panel lengths.
    x, wts : float64 (n,)
        Gauss-Legendre nodes and weights on [0, 1].
    buf : float64 (n,)
        Scratch.

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
        return (_graded(0.0, 1.0, D_K - a, w, ellipse, c, b2, half_alpha, quarter_power, x, wts,
                        buf)
                + _graded(0.0, -1.0, a, w, ellipse, c, b2, half_alpha, quarter_power, x, wts,
                          buf))
    if a <= 0.0:
        return _graded(-a, 1.0, D_K, w, ellipse, c, b2, half_alpha, quarter_power, x, wts, buf)
    return _graded(D_K - a, -1.0, D_K, w, ellipse, c, b2, half_alpha, quarter_power, x, wts,
                   buf)


@jit
def _angular_row(b, D, theta, tan_beta, alpha, rho0, rule, out):
    """Row ``b`` of :func:`angular_batch`; ``rule = (quarter_power, ellipse, x, wts, tail, total)``.

    The antiderivative for all users first (:func:`_antiderivative_row`), then quadrature
    for those it flagged (-1).
    """
    quarter_power, ellipse, x, wts, tail, total = rule
    K = D.shape[1]
    D_K = D[b, K - 1]
    scale = rho0 / D_K
    t2 = tan_beta[b] * tan_beta[b]
    c = 1.0 + t2
    if tail.shape[0] > 0:
        _antiderivative_row(b, D, theta, t2, c, tail, total, quarter_power, 0.5 * alpha, scale,
                            out)
    else:
        out[b, :] = -1.0
    buf = np.empty(x.shape[0])
    for k in range(K - 1):
        if not out[b, k] >= 0.0:
            out[b, k] = scale * segment_integral(D[b, k], theta[b, k] - theta[b, K - 1], D_K,
                                                 tan_beta[b], alpha, quarter_power, ellipse, x,
                                                 wts, buf)


@jit
def angular_batch(D, theta, tan_beta, alpha, rho0, quarter_power, ellipse, x, wts, tail, total,
                  out):
    """Fill ``out`` (B, K-1) with J_k of eq. (16) for B drops (eq. (12) when tan β = 0).

    Parameters
    ----------
    D, theta : float64 (B, K)
        User distances [m] and azimuths [rad]; user K is the last column.
    tan_beta : float64 (B,)
        tan β of the eavesdropper's elevation per drop.
    alpha, rho0 : float
        Path-loss exponent α and path loss ϱ0 at 1 m (linear).
    quarter_power, ellipse : int, float
        See :func:`segment_integral`.
    x, wts : float64 (n,)
        Gauss-Legendre nodes and weights on [0, 1].
    tail : float64 (TAIL_COEFFICIENTS,) or (0,)
        Chebyshev coefficients of H(τ) for this α (module docstring); empty selects
        quadrature only (α <= 1).
    total : float
        C = ½ B(½, (α-1)/2).
    out : float64 (B, K-1)
        Output, J_k = ϱ0 / D_K · ∫ (linear).

    """
    rule = (quarter_power, ellipse, x, wts, tail, total)
    for b in range(D.shape[0]):
        _angular_row(b, D, theta, tan_beta, alpha, rho0, rule, out)


@jit(parallel=True)
def angular_batch_parallel(D, theta, tan_beta, alpha, rho0, quarter_power, ellipse, x, wts,
                           tail, total, out):
    """:func:`angular_batch` with the drops spread over threads (for large batches only)."""
    rule = (quarter_power, ellipse, x, wts, tail, total)
    for b in numba.prange(D.shape[0]):
        _angular_row(b, D, theta, tan_beta, alpha, rho0, rule, out)
