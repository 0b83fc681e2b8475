"""Riemannian conjugate gradient on the complex circle manifold (Paper 002, Sec. IV-C/D).

The manifold is the product of ``Q`` unit circles, ``M = {theta in C^Q : |theta_q| = 1}``,
with the Riemannian metric inherited from ``C^Q = R^{2Q}``: ``<u, v> = Re(u^H v)``.

The module is split as pymanopt splits it:

* **geometry** -- :func:`tangent_project` (tangent space eq. (44), Riemannian gradient
  eq. (45) and projection vector transport eq. (48)), :func:`retract` (retraction by
  elementwise normalisation eq. (49)), :func:`inner`;
* **problem** -- one jitted ``cost_grad(theta, data, b, grad, need_grad) -> float`` giving
  the cost and (on request) its Euclidean gradient for instance ``b`` of a batch held in
  ``data`` (a tuple of arrays with a leading batch axis). :func:`log_ratio_terms` is the
  family the theta subproblems belong to (signed sums of log-ratios of affine quadratic
  forms); :func:`rate_ratio` is its offset-free, all-negative member;
* **optimizer** -- :func:`rcg_minimize`, Polak--Ribiere+ CG (eq. (47)) with a restart on a
  non-descent direction and Armijo backtracking, looping over the batch.

Gradient convention: ``cost_grad`` returns the *real* gradient
``df/dRe(theta) + 1j * df/dIm(theta)`` (``= 2 df/dconj(theta)``), so that the directional
derivative along ``v`` is ``Re(grad^H v)``; this is pymanopt's convention on
``ComplexCircle`` and the paper's eq. (46) (``grad theta^H A theta = 2 A theta``).

The line search and the CG update follow pymanopt 2.2's ``ConjugateGradient(beta_rule=
"PolakRibiere")`` with its ``AdaptiveLineSearcher`` (Manopt's ``linesearch_adaptive``, the
default of both for CG): Armijo backtracking with sufficient decrease 0.5 and contraction
0.5, at most 10 backtracks; the first trial step is ``1/||xi_0||``, later ones the last
accepted step (after exactly one backtrack) or twice it; a step that does not decrease the
cost is rejected (step size 0, which then stops the run). Starting from the same point with
``min_gradient_norm = gtol * ||grad f(theta_0)||`` pymanopt walks the same iterates up to
round-off. (This search needs about half the iterations of pymanopt's
``BackTrackingLineSearcher`` on the theta subproblems.)

The generic loop takes the problem as a dispatcher argument. Numba cannot cache a function
that receives a dispatcher as a run-time value (it embeds the object's address), so the loop
is inlined at the Numba IR level (``inline="always"``) into one cached concrete entry point
per problem (:func:`rcg_rate_ratio`), where the problem is a global. One ``cost_grad``
function per problem (rather than a cost and a gradient) also lets the two share their
matrix-vector products.
"""

from __future__ import annotations

import math

import numpy as np

from fastsec.units import LN2

from .._jit import jit

#: Stop reason codes returned by :func:`rcg_minimize` (index into :data:`STOP_REASONS`).
STOP_GRADIENT = 0
STOP_STEP = 1
STOP_MAX_ITER = 2
STOP_NONFINITE = 3
STOP_REASONS = ("gradient", "step", "max_iter", "nonfinite")

#: Armijo backtracking constants (Manopt's ``linesearch_adaptive`` / pymanopt's
#: ``AdaptiveLineSearcher`` defaults).
ARMIJO_SUFFICIENT_DECREASE = 0.5
ARMIJO_CONTRACTION = 0.5
ARMIJO_MAX_BACKTRACKS = 10


# --------------------------------------------------------------------------------- geometry
@jit
def inner(u, v):
    """Riemannian metric ``Re(u^H v)`` of two complex vectors of equal length."""
    acc = 0.0
    for q in range(u.shape[0]):
        acc += u[q].real * v[q].real + u[q].imag * v[q].imag
    return acc


@jit
def tangent_project(theta, v, out):
    """Project ``v`` onto the tangent space at ``theta`` (Paper 002, eq. (44)-(45), (48)).

    ``out = v - Re(v o conj(theta)) o theta``; ``out`` may alias ``v``. Used for the
    Riemannian gradient (eq. (45)) and as the vector transport (eq. (48)).
    """
    for q in range(theta.shape[0]):
        t = theta[q]
        r = v[q].real * t.real + v[q].imag * t.imag
        out[q] = v[q] - r * t


@jit
def retract(theta, v, step, out):
    """Retraction ``out = unt(theta + step * v)`` by elementwise normalisation (eq. (49)).

    ``z / sqrt(re^2 + im^2)`` rather than ``z / abs(z)``: ``abs`` (hypot) and the complex
    division cost as much as a cost evaluation here; ``|theta + step v| >= 1`` for a tangent
    ``v``, so the plain sum of squares cannot under- or overflow.
    """
    for q in range(theta.shape[0]):
        re = theta[q].real + step * v[q].real
        im = theta[q].imag + step * v[q].imag
        inv = 1.0 / math.sqrt(re * re + im * im)
        out[q] = complex(re * inv, im * inv)


@jit
def _circle_project(theta, v, out, block):
    """:func:`tangent_project` in the geometry signature of :func:`riemannian_cg`."""
    tangent_project(theta, v, out)


@jit
def _circle_retract(theta, v, step, out, block):
    """:func:`retract` in the geometry signature of :func:`riemannian_cg`."""
    retract(theta, v, step, out)


@jit
def oblique_project(y, v, out, block):
    """Tangent projection on the complex oblique manifold (rows of unit norm).

    ``y`` holds an ``n x block`` complex matrix row by row (shape ``(n * block,)``), each
    row of unit norm; ``out = v - Re(<y_i, v_i>) y_i`` row by row (``out`` may alias
    ``v``). With ``block = 1`` this is :func:`tangent_project`.
    """
    for i in range(y.shape[0] // block):
        lo = i * block
        r = y[lo].real * v[lo].real + y[lo].imag * v[lo].imag
        for j in range(lo + 1, lo + block):
            r += y[j].real * v[j].real + y[j].imag * v[j].imag
        for j in range(lo, lo + block):
            out[j] = v[j] - r * y[j]


@jit
def oblique_retract(y, v, step, out, block):
    """Retraction on the complex oblique manifold: each row of ``y + step v`` normalised.

    Layout of :func:`oblique_project`; with ``block = 1`` this is :func:`retract`.
    """
    for i in range(y.shape[0] // block):
        lo = i * block
        norm2 = 0.0
        for j in range(lo, lo + block):
            out[j] = y[j] + step * v[j]
            norm2 += out[j].real * out[j].real + out[j].imag * out[j].imag
        inv = 1.0 / math.sqrt(norm2)
        for j in range(lo, lo + block):
            out[j] = complex(out[j].real * inv, out[j].imag * inv)


# ---------------------------------------------------------------------------------- problem
@jit
def rate_ratio(theta, data, b, grad, need_grad):
    """``f(theta) = -sum_l log2(1 + theta^H A_l theta / (theta^H B_l theta + c_l))``.

    The Hermitian PSD matrices are given by their factors, ``A_l = sum_r u_{l,r} u_{l,r}^H``
    and ``B_l = sum_r v_{l,r} v_{l,r}^H``, so that a cost costs ``O(L Q (R_A + R_B))``.

    Parameters
    ----------
    theta : ndarray, shape (Q,), complex128
        Point on the manifold.
    data : tuple (U, V, c)
        ``U``: shape (n, L, R_A, Q) complex128, rows ``u_{l,r}``; ``V``: shape (n, L, R_B, Q)
        complex128, rows ``v_{l,r}``; ``c``: shape (n, L) float64, ``c > 0``. Instance ``b``
        is used.
    b : int
        Instance index.
    grad : ndarray, shape (Q,), complex128
        Output: the real Euclidean gradient
        ``-(2/ln 2) sum_l [(A_l + B_l) theta / (qa + qb + c_l) - B_l theta / (qb + c_l)]``
        with ``qa = theta^H A_l theta``, ``qb = theta^H B_l theta`` (cf. Paper 002,
        eq. (57)); written only when ``need_grad``.
    need_grad : bool
        Whether to compute the gradient.

    Returns
    -------
    float
        The cost ``f(theta)`` [bit/s/Hz, negated].

    Notes
    -----
    This is Bob's rate as a function of one RIS phase vector with everything else fixed:
    for theta2 (Paper 002, eq. (50)-(51)) ``u_{l,1} = sqrt(p_l) mu~_{l,l}``, the rows of
    ``V_l`` are ``sqrt(p_k) mu~_{l,k}`` (k != l) and ``sigma_R2 iota_l``, and
    ``c_l = sigma_B^2``. Written with ``log1p`` of the SINR, accurate at tiny SINRs.

    """
    U, V, c = data
    return log_ratio_terms(theta, U, None, V, None, c, None, None, b, grad, need_grad)


@jit
def log_ratio_terms(theta, W, alpha, V, beta, c, sign, used, b, grad, need_grad):
    """Cost ``sum_l s_l log2(1 + num_l / den_l)`` of instance ``b`` and its real gradient.

    Each term is a ratio of affine quadratic forms in ``theta``::

        num_l = sum_r |alpha_{l,r} + w_{l,r}^H theta|^2
        den_l = sum_r |beta_{l,r} + v_{l,r}^H theta|^2 + c_l

    and, with ``z = alpha + W^H theta`` and ``y = beta + V^H theta``, the real gradient is
    ``(2 / ln 2) sum_l s_l [(W z + V y) / (num_l + den_l) - V y / den_l]``. The value is
    summed with ``log1p(num / den)``, accurate at tiny ratios.

    Parameters
    ----------
    theta : ndarray, shape (Q,), complex128
        Point on the manifold.
    W : ndarray, shape (n, L, R_A, Q), complex128
        Numerator rows ``w_{l,r}``.
    alpha : ndarray, shape (n, L, R_A), complex128, or None
        Numerator offsets; None: all 0.
    V : ndarray, shape (n, L, R_B, Q), complex128
        Denominator rows ``v_{l,r}``.
    beta : ndarray, shape (n, L, R_B), complex128, or None
        Denominator offsets; None: all 0.
    c : ndarray, shape (n, L), float64
        Constant denominators, ``> 0``.
    sign : ndarray, shape (n, L), float64, or None
        Term signs ``s_l``; None: every term -1 (the negated sum of rates, to minimise).
    used : ndarray, shape (n, L), int64, or None
        Rows of ``V`` used by each term (the first ``used[b, l]``); None: all.
    b, grad, need_grad
        As in ``cost_grad`` (module docstring): instance index, gradient output (Q,)
        complex128 written when ``need_grad``, and whether to compute it.

    Returns
    -------
    float
        The cost [bit/s/Hz].

    """
    nl = W.shape[1]
    za = np.empty(W.shape[2], dtype=np.complex128)
    zb = np.empty(V.shape[2], dtype=np.complex128)
    if need_grad:
        grad[:] = 0.0
    total = 0.0
    for m in range(nl):
        nb = V.shape[2] if used is None else used[b, m]
        s = -1.0 if sign is None else sign[b, m]
        num = _affine_rows(W[b, m], None if alpha is None else alpha[b, m], theta, za)
        den = _affine_rows(V[b, m, :nb], None if beta is None else beta[b, m, :nb], theta,
                           zb) + c[b, m]
        total += s * math.log1p(num / den)
        if need_grad:
            inv_all = 1.0 / (num + den)
            _add_rows(W[b, m], za, 2.0 * s * inv_all / LN2, grad)
            _add_rows(V[b, m, :nb], zb, 2.0 * s * (inv_all - 1.0 / den) / LN2, grad)
    return total / LN2


@jit
def _affine_rows(rows, offsets, theta, z):
    """``z[r] = offsets[r] + rows[r]^H theta`` (offsets None: 0); returns ``sum_r |z[r]|^2``."""
    acc = _project_rows(rows, theta, z)
    if offsets is None:
        return acc
    acc = 0.0
    for r in range(rows.shape[0]):
        s = z[r] + offsets[r]
        z[r] = s
        acc += s.real * s.real + s.imag * s.imag
    return acc


@jit
def _project_rows(W, theta, proj):
    """``proj[r] = w_r^H theta`` for the rows of ``W``; returns ``sum_r |proj[r]|^2``.

    Four interleaved partial sums (fixed order, so still deterministic) break the
    floating-point add latency chain that otherwise bounds this loop.
    """
    nq = theta.shape[0]
    n4 = nq - nq % 4
    acc = 0.0
    for r in range(W.shape[0]):
        re0 = re1 = re2 = re3 = 0.0
        im0 = im1 = im2 = im3 = 0.0
        for q in range(0, n4, 4):
            w0, t0 = W[r, q], theta[q]
            w1, t1 = W[r, q + 1], theta[q + 1]
            w2, t2 = W[r, q + 2], theta[q + 2]
            w3, t3 = W[r, q + 3], theta[q + 3]
            re0 += w0.real * t0.real + w0.imag * t0.imag
            im0 += w0.real * t0.imag - w0.imag * t0.real
            re1 += w1.real * t1.real + w1.imag * t1.imag
            im1 += w1.real * t1.imag - w1.imag * t1.real
            re2 += w2.real * t2.real + w2.imag * t2.imag
            im2 += w2.real * t2.imag - w2.imag * t2.real
            re3 += w3.real * t3.real + w3.imag * t3.imag
            im3 += w3.real * t3.imag - w3.imag * t3.real
        for q in range(n4, nq):
            re0 += W[r, q].real * theta[q].real + W[r, q].imag * theta[q].imag
            im0 += W[r, q].real * theta[q].imag - W[r, q].imag * theta[q].real
        re = (re0 + re1) + (re2 + re3)
        im = (im0 + im1) + (im2 + im3)
        proj[r] = complex(re, im)
        acc += re * re + im * im
    return acc


@jit
def _add_rows(W, proj, weight, out):
    """``out += weight * sum_r w_r proj[r]`` for the rows ``w_r`` of ``W``."""
    for r in range(W.shape[0]):
        s = weight * proj[r]
        for q in range(W.shape[1]):
            out[q] += W[r, q] * s


# -------------------------------------------------------------------------------- optimizer
@jit(inline="always")
def rcg_minimize(cost_grad, data, theta0, gtol, min_step, max_iter, trace):
    """Minimise ``cost`` over the complex circle manifold, one run per batch instance.

    :func:`riemannian_cg` with the circle's geometry (:func:`tangent_project`,
    :func:`retract`); parameters and returns are those of :func:`riemannian_cg`.
    """
    return riemannian_cg(cost_grad, _circle_project, _circle_retract, 1, data, theta0, gtol,
                         min_step, max_iter, trace)


@jit(inline="always")
def riemannian_cg(cost_grad, project, retract_, block, data, theta0, gtol, min_step, max_iter,
                  trace):
    """Minimise ``cost`` over a product of spheres, one run per batch instance.

    Polak--Ribiere+ conjugate gradient (Paper 002, eq. (47)) with projection transport
    (eq. (48)), normalisation retraction (eq. (49)) and Armijo backtracking.

    Parameters
    ----------
    cost_grad : jitted function ``(theta, data, b, grad, need_grad) -> float``
        Objective of instance ``b``; when ``need_grad`` it also writes its real Euclidean
        gradient (see the module docstring) into ``grad``.
    project, retract_ : jitted functions
        The manifold's tangent projection ``(x, v, out, block)`` (also the vector transport)
        and retraction ``(x, v, step, out, block)``: the circle's (:func:`rcg_minimize`) or
        the oblique manifold's (:func:`oblique_project`, :func:`oblique_retract`).
    block : int
        Entries per unit-norm row (1 on the circle).
    data : tuple of arrays
        Problem data, every array with a leading batch axis of length ``n``.
    theta0 : ndarray, shape (n, Q), complex128
        Starting points (unit modulus).
    gtol : float
        Stop when ``||grad f(theta_k)|| < gtol * ||grad f(theta_0)||`` (Riemannian norms).
    min_step : float
        Stop when the last accepted step ``alpha_k ||xi_k||`` is below ``min_step``.
    max_iter : int
        Cap on CG iterations (line searches) per instance.
    trace : ndarray, shape (n, T, 3), float64
        Per-iteration record ``(f_k, df_k, alpha_k)`` for ``k < T`` (``df_k`` is the slope
        ``Re<grad f(theta_k), xi_k>`` and ``alpha_k`` the accepted step along ``xi_k``, 0 if
        rejected); ``trace[b, k_final, 0]`` holds the final cost. Pass ``T = 0`` to record
        nothing (test-only diagnostics).

    Returns
    -------
    theta : ndarray, shape (n, Q), complex128
        Final points, ``|theta_q| = 1``.
    f : ndarray, shape (n,), float64
        Final costs.
    iterations : ndarray, shape (n,), int64
        CG iterations taken.
    reason : ndarray, shape (n,), int64
        Stop reason code (:data:`STOP_REASONS`).
    grad_norm : ndarray, shape (n,), float64
        Final Riemannian gradient norm.

    """
    n, nq = theta0.shape
    ntrace = trace.shape[1]
    theta_out = np.empty((n, nq), dtype=np.complex128)
    f_out = np.empty(n)
    iters_out = np.empty(n, dtype=np.int64)
    reason_out = np.empty(n, dtype=np.int64)
    gnorm_out = np.empty(n)
    x = np.empty(nq, dtype=np.complex128)
    x_new = np.empty(nq, dtype=np.complex128)
    g = np.empty(nq, dtype=np.complex128)
    g_new = np.empty(nq, dtype=np.complex128)
    g_old = np.empty(nq, dtype=np.complex128)
    d = np.empty(nq, dtype=np.complex128)
    for b in range(n):
        x[:] = theta0[b]
        f = cost_grad(x, data, b, g, True)
        project(x, g, g, block)
        gg = inner(g, g)
        gnorm = math.sqrt(gg)
        gstop = gtol * gnorm
        for q in range(nq):
            d[q] = -g[q]
        step = np.inf
        alpha_next = np.nan  # remembered trial step of the adaptive line search
        it = 0
        while True:
            if ntrace > it:
                trace[b, it, 0] = f
            if not (math.isfinite(f) and math.isfinite(gnorm)):
                reason = STOP_NONFINITE
                break
            if it >= max_iter:
                reason = STOP_MAX_ITER
                break
            if gnorm < gstop or gnorm == 0.0:  # (a zero gradient has no descent direction)
                reason = STOP_GRADIENT
                break
            if step < min_step:
                reason = STOP_STEP
                break
            df = inner(g, d)
            if df >= 0.0:  # not a descent direction: restart with steepest descent
                for q in range(nq):
                    d[q] = -g[q]
                df = -gg
            dnorm = math.sqrt(inner(d, d))
            alpha = 1.0 / dnorm if math.isnan(alpha_next) else alpha_next
            # each trial also computes the gradient: it shares the cost's projections, and
            # the accepted trial (most often the first) then needs no second evaluation
            retract_(x, d, alpha, x_new, block)
            f_new = cost_grad(x_new, data, b, g_new, True)
            evaluations = 1
            while (f_new > f + ARMIJO_SUFFICIENT_DECREASE * alpha * df
                   and evaluations <= ARMIJO_MAX_BACKTRACKS):
                alpha *= ARMIJO_CONTRACTION
                retract_(x, d, alpha, x_new, block)
                f_new = cost_grad(x_new, data, b, g_new, True)
                evaluations += 1
            if not f_new <= f:  # no decrease (or NaN): reject the step
                alpha = 0.0
                x_new[:] = x
                f_new = f
                g_new[:] = g  # the Riemannian gradient at x (projecting it again is exact)
            if ntrace > it:
                trace[b, it, 1] = df
                trace[b, it, 2] = alpha
            step = alpha * dnorm
            # keep pace after one backtrack, otherwise try twice as far next time
            alpha_next = alpha if evaluations == 2 else 2.0 * alpha
            project(x_new, g_new, g_new, block)
            gg_new = inner(g_new, g_new)
            # Polak-Ribiere+: beta = max(0, <g_new, g_new - T(g)> / <g, g>), eq. (47)-(48)
            project(x_new, g, g_old, block)
            beta = (gg_new - inner(g_new, g_old)) / gg
            if beta < 0.0:
                beta = 0.0
            project(x_new, d, d, block)
            for q in range(nq):
                d[q] = -g_new[q] + beta * d[q]
            x[:] = x_new
            g[:] = g_new
            f = f_new
            gg = gg_new
            gnorm = math.sqrt(gg)
            it += 1
        theta_out[b] = x
        f_out[b] = f
        iters_out[b] = it
        reason_out[b] = reason
        gnorm_out[b] = gnorm
    return theta_out, f_out, iters_out, reason_out, gnorm_out


@jit
def rcg_rate_ratio(A, B, c, theta0, gtol, min_step, max_iter, trace):
    """:func:`rcg_minimize` on :func:`rate_ratio_cost` (cached entry point).

    ``A``, ``B``: shape (n, L, Q, Q) complex128 Hermitian PSD; ``c``: shape (n, L) float64;
    the other arguments and the returned tuple are those of :func:`rcg_minimize`.
    """
    return rcg_minimize(rate_ratio, (A, B, c), theta0, gtol, min_step, max_iter, trace)
