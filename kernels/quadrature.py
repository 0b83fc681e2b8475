"""Gauss-Legendre quadrature of the angular matrix J (paper 000, eq. (12), (16)).

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

For 1 < α the kernel first tries a closed antiderivative instead (one per α, tabulated by the
caller). With u = (b/√c) tan φ and s = sin φ = √c u / √q(u),

    ∫_{u1}^{u2} q^(-α/2) du = c^(-1/2) b^(1-α) [sgn(s2) G(|s2|) - sgn(s1) G(|s1|)],
    G(s) = ∫_0^s (1 - σ²)^((α-3)/2) dσ = ½ B(s²; ½, (α-1)/2),

an incomplete beta function with G(1) = ½ B(½, (α-1)/2) =: C. Two regular functions carry it:
G(s) = s g(s²) for s² <= S2_SPLIT, and G(s) = C - τ^((α-1)/2) H(τ) with τ = 1 - s for
larger s, both piecewise polynomials (tables ``small`` and ``tail``). The singular factor
b^(1-α) τ^((α-1)/2) is evaluated as (q (1 + s))^((1-α)/2), since 1 - s² = b²/q, so no term
loses accuracy when the user is close to the segment; when both ends lie on the same side
the constant C cancels exactly. Each integral then costs a few square roots, two short
polynomials and at most three powers. Where the difference G(s2) - G(s1) is small compared
with its terms (a short segment seen from far away: CANCELLATION) the graded Gauss-Legendre
rule is used, which needs a single panel there.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from ._jit import jit

#: The ``small`` table covers s² in [0, S2_SPLIT], the ``tail`` table τ = 1 - s in
#: [0, TAU_SPLIT], each with equal pieces of the local variable x in [-1, 1].
S2_SPLIT = 0.5
TAU_SPLIT = 1.0 - math.sqrt(S2_SPLIT)

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
def _piecewise(coef, span, v):
    """Piece i = floor(v · P / span) of ``coef`` (P, n) at x = 2 (v P / span - i) - 1 (Horner)."""
    pieces = coef.shape[0]
    pos = v * (pieces / span)
    i = min(int(pos), pieces - 1)
    x = 2.0 * (pos - i) - 1.0
    acc = coef[i, coef.shape[1] - 1]
    for j in range(coef.shape[1] - 2, -1, -1):
        acc = acc * x + coef[i, j]
    return acc


@jit
def _pow_one_minus_alpha_half(v, quarter_power, half_alpha):
    """v^((1-α)/2) for α >= 1; ``quarter_power`` = 2α selects the branch-free power."""
    if quarter_power >= 2:
        return _quarter_inv_pow(v, quarter_power - 2)
    return math.exp((0.5 - half_alpha) * math.log(v))


@jit
def _endpoint(u, q, b2, sc, small, tail, total, quarter_power, half_alpha):
    """G(|s|) at s = √c u / √q as (k, t) with G(|s|) b^(1-α) = k b^(1-α) - t."""
    s = sc * abs(u) / math.sqrt(q)
    if s * s <= S2_SPLIT:
        return s * _piecewise(small, S2_SPLIT, s * s), 0.0
    m = q * (1.0 + s)  # b² / τ
    return total, (_pow_one_minus_alpha_half(m, quarter_power, half_alpha)
                   * _piecewise(tail, TAU_SPLIT, b2 / m))


@jit
def _antiderivative(u1, u2, c, b2, small, tail, total, quarter_power, half_alpha):
    """∫_{u1}^{u2} (c u² + b²)^(-α/2) du from the tabulated G; -1 where it cancels.

    ``small`` (P, n): monomial coefficients of g(s²) = G(s)/s per piece of [0, S2_SPLIT];
    ``tail`` (P', n): of H(τ) per piece of [0, TAU_SPLIT]; ``total`` = C = G(1).
    """
    sc = math.sqrt(c)
    k1, t1 = _endpoint(u1, c * u1 * u1 + b2, b2, sc, small, tail, total, quarter_power,
                       half_alpha)
    k2, t2 = _endpoint(u2, c * u2 * u2 + b2, b2, sc, small, tail, total, quarter_power,
                       half_alpha)
    sg1 = 1.0 if u1 >= 0.0 else -1.0
    sg2 = 1.0 if u2 >= 0.0 else -1.0
    kb = sg2 * k2 - sg1 * k1  # exactly 0 when both ends are on one side, in the tail part
    value = sg1 * t1 - sg2 * t2
    magnitude = t1 + t2
    if kb != 0.0:
        bp = _pow_one_minus_alpha_half(b2, quarter_power, half_alpha)
        value += kb * bp
        magnitude += (k1 + k2) * bp
    if not value > CANCELLATION * magnitude:
        return -1.0
    return value / sc


@jit
def segment_integral(D_k, delta, D_K, tan_beta, alpha, quarter_power, ellipse, x, wts, buf,
                     small, tail, total):
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
    small, tail : float64 (P, m), (P', m)
        Piecewise-polynomial tables of the antiderivative for this α (see the module
        docstring); ``small`` with no rows (P = 0) selects Gauss-Legendre only.
    total : float
        C = ½ B(½, (α-1)/2), the antiderivative's limit.

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
    if small.shape[0] > 0:
        value = _antiderivative(-a, D_K - a, c, b2, small, tail, total, quarter_power,
                                half_alpha)
        if value >= 0.0:
            return value
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
def _angular_row(b, D, theta, tan_beta, alpha, rho0, quarter_power, ellipse, x, wts, small,
                 tail, total, out):
    """Row ``b`` of :func:`angular_batch`."""
    K = D.shape[1]
    buf = np.empty(x.shape[0])
    D_K = D[b, K - 1]
    for k in range(K - 1):
        out[b, k] = rho0 / D_K * segment_integral(D[b, k], theta[b, k] - theta[b, K - 1], D_K,
                                                  tan_beta[b], alpha, quarter_power, ellipse, x,
                                                  wts, buf, small, tail, total)


@jit
def angular_batch(D, theta, tan_beta, alpha, rho0, quarter_power, ellipse, x, wts, small,
                  tail, total, out):
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
    small, tail, total : float64 (P, m), float64 (P', m), float
        Antiderivative tables for this α, see :func:`segment_integral`.
    out : float64 (B, K-1)
        Output, J_k = ϱ0 / D_K · ∫ (linear).

    """
    for b in range(D.shape[0]):
        _angular_row(b, D, theta, tan_beta, alpha, rho0, quarter_power, ellipse, x, wts, small,
                     tail, total, out)


@jit(parallel=True)
def angular_batch_parallel(D, theta, tan_beta, alpha, rho0, quarter_power, ellipse, x, wts,
                           small, tail, total, out):
    """:func:`angular_batch` with the drops spread over threads (for large batches only)."""
    for b in numba.prange(D.shape[0]):
        _angular_row(b, D, theta, tan_beta, alpha, rho0, quarter_power, ellipse, x, wts, small,
                     tail, total, out)


@jit
def _secrecy_point(t, amp, weights, conj_mix, w, R, sigma, mean, mean_sq):
    """Training point ``t`` of :func:`secrecy_average_batch`."""
    n_rho, n_users = amp.shape
    M = conj_mix.shape[1]
    c = np.empty(n_users, dtype=np.complex128)
    # [.]^+ vanishes once the leak reaches σ (2^{2R} - 1): skip the logarithm there
    leak_max = sigma[t] * (2.0 ** (2.0 * R[t]) - 1.0)
    s1 = 0.0
    s2 = 0.0
    for m in range(M):
        for k in range(n_users):
            c[k] = conj_mix[k, m] * w[t, k]
        y = 0.0
        for j in range(n_rho):
            x = 0j
            for k in range(n_users):
                x += amp[j, k] * c[k]
            leak = x.real * x.real + x.imag * x.imag
            if leak < leak_max:
                y += weights[j] * (R[t] - 0.5 * math.log2(1.0 + leak / sigma[t]))
        s1 += y
        s2 += y * y
    mean[t] = s1 / M
    mean_sq[t] = s2 / M


@jit
def secrecy_average_batch(amp, weights, conj_mix, w, R, sigma, mean, mean_sq):
    """Eq. (10) of paper 000 per training point: ρ by quadrature, (φ, δ) by given samples.

    For training point t and sample m, Y_tm = Σ_j weights_j [R_t - ½ log2(1 + |x_jm|²/σ_t)]^+
    with x_jm = Σ_k amp_jk conj(mix_km) w_tk = h_E(ρ_j)^H w_t. Outputs the sample means of
    Y_t· and of Y_t·² (for the standard error).

    Parameters
    ----------
    amp : float64 (n_rho, K-1)
        √(ϱ0 d_{E,k}(ρ_j)^-α), the path amplitudes at the quadrature nodes.
    weights : float64 (n_rho,)
        Quadrature weights of the nodes, divided by D_K.
    conj_mix : complex128 (K-1, M)
        conj(√(K_R/(1+K_R)) e^{jφ} + √(1/(1+K_R)) δ) per user and sample.
    w : complex128 (T, K-1)
        Beamformers.
    R, sigma : float64 (T,)
        Rates [bit/s/Hz] and eavesdropper noise powers [W].
    mean, mean_sq : float64 (T,)
        Outputs.

    """
    for t in range(w.shape[0]):
        _secrecy_point(t, amp, weights, conj_mix, w, R, sigma, mean, mean_sq)


@jit(parallel=True)
def secrecy_average_batch_parallel(amp, weights, conj_mix, w, R, sigma, mean, mean_sq):
    """:func:`secrecy_average_batch` with the training points spread over threads."""
    for t in numba.prange(w.shape[0]):
        _secrecy_point(t, amp, weights, conj_mix, w, R, sigma, mean, mean_sq)
