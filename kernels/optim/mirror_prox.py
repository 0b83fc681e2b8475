"""Kernels for the ball-simplex saddle problem, batched over instances (paper 000, eq. (31)-(33)).

The saddle function, for one instance with m linear pieces in d real dimensions, is

    Θ(x, γ) = Σ_{k<m} γ_k (R_k · x + t_k) + γ_m c (ρ² − ‖x‖²),
    x ∈ A = {‖x‖₂² ≤ ρ²},  γ ∈ B = {γ ≥ 0, Σ γ = 1}  (m + 1 entries),

and the problem is max_x min_γ Θ = max_x min(min_k R_k·x + t_k, c(ρ² − ‖x‖²)).

- :func:`mirror_prox` is the mirror-prox iteration (eq. (34), closed forms eq. (40)):
  Euclidean prox on the ball, KL prox on the simplex computed in the log domain (the literal
  update underflows to exact zeros), fixed or backtracking L, and either the paper's stopping
  rule ‖y^{m+1} − y^m‖ < tol or a relative saddle-point gap ≤ tol.
- :func:`active_set` solves the same problem exactly from the Gram matrix M = R Rᵀ: for fixed
  γ the maximisation over x has a closed form, so the problem lives on the simplex, and at a
  solution with the ball inactive the active pieces are all equal, which gives s (the optimal
  value) as the root of a quadratic. Active pieces are added/dropped until the KKT conditions
  hold; it reports failure (instead of guessing) when the ball is active or M_A is singular.

Both report the saddle-point gap d(γ) − p(x) ≥ 0 of the point they return, where
p(x) = min_γ Θ(x, γ) and d(γ) = max_x Θ(x, γ) (closed form, see :func:`dual_value`).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from .._jit import jit


@jit
def dual_value(tmu, g, c, rho2, b2):
    """d(γ) = max_{x∈A} Θ(x, γ) given Σ_{k<m} μ_k t_k, γ_m = g and ‖Rᵀμ‖² = b2."""
    gc = g * c
    bn = np.sqrt(b2)
    rho = np.sqrt(rho2)
    if bn <= 2.0 * gc * rho:
        inner = b2 / (4.0 * gc) if gc > 0.0 else 0.0
    else:
        inner = rho * bn - gc * rho2
    return tmu + gc * rho2 + inner


@jit
def _prox(x, logeta, gx, gg, step, rho2, x_out, logeta_out):
    """Euclidean prox on the ball and KL prox on the simplex (eq. (40)), log domain."""
    y = x + step * gx
    nrm2 = np.dot(y, y)
    scale = np.sqrt(rho2 / nrm2) if nrm2 > rho2 else 1.0
    x_out[:] = scale * y
    le = logeta - step * gg
    top = le.max()
    le = le - top
    logeta_out[:] = le - np.log(np.sum(np.exp(le)))


@jit
def _grads(R, t, c, rho2, x, eta, gx, gg):
    """Gradients (eq. (37)) of Θ at (x, γ = eta); returns ‖Rᵀμ‖² and Σ μ t."""
    m = t.shape[0]
    mu = eta[:m]
    b = np.dot(R.T, mu)
    gx[:] = b - 2.0 * eta[m] * c * x
    gg[:m] = np.dot(R, x) + t
    gg[m] = c * (rho2 - np.dot(x, x))
    return np.dot(b, b), np.dot(mu, t)


@jit
def _kl(logp, logq):
    return np.sum(np.exp(logp) * (logp - logq))


#: Options of :func:`mirror_prox`: ``backtrack`` (bool) double L until the mirror-prox step
#: condition holds, then shrink it by 0.8; ``stop_gap`` (bool) stop on the relative saddle gap
#: (d − p) ≤ tol·|p|, otherwise on ‖y^{m+1} − y^m‖ < tol; ``tol`` (float) tolerance of that
#: rule; ``max_inner`` (int) iteration cap (the paper uses 3000).
MirrorProxOptions = namedtuple("MirrorProxOptions", ["backtrack", "stop_gap", "tol", "max_inner"])


@jit
def mirror_prox(R, t, c, rho2, x, logeta, L, options, out_iters, out_gap):
    """Mirror-prox for max_x min_γ Θ (paper 000, eq. (34), (40)), batched, in place.

    Parameters
    ----------
    R : ndarray, shape (B, m, d), float64
        Rows R_k of the linear pieces.
    t : ndarray, shape (B, m), float64
        Offsets t_k.
    c : ndarray, shape (B,), float64
        Weight of the quadratic piece (‖h_K‖²/σ_K² in eq. (33)).
    rho2 : ndarray, shape (B,), float64
        Squared radius of the ball A (2 P_max in eq. (31)).
    x : ndarray, shape (B, d), float64
        Start y^[0] on entry, last iterate y^[M] on exit.
    logeta : ndarray, shape (B, m + 1), float64
        log η^[0] on entry (normalised), log η^[M] on exit.
    L : ndarray, shape (B,), float64
        Bregman Lipschitz constant; the step is 1/(2L). Updated when ``options.backtrack``.
    options : MirrorProxOptions
        Step-size rule and stopping rule (:data:`MirrorProxOptions`).
    out_iters : ndarray, shape (B,), int64
        Iterations run.
    out_gap : ndarray, shape (B,), float64
        Saddle gap d(η) − p(y) at the returned iterate.

    """
    backtrack, stop_gap, tol, max_iter = options
    nb, m, d = R.shape
    for ib in range(nb):
        Rb, tb, cb, r2 = R[ib], t[ib], c[ib], rho2[ib]
        y, le = x[ib].copy(), logeta[ib].copy()
        gx, gg = np.empty(d), np.empty(m + 1)
        gx2, gg2 = np.empty(d), np.empty(m + 1)
        yd, led = np.empty(d), np.empty(m + 1)
        yn, len_ = np.empty(d), np.empty(m + 1)
        Lb = L[ib]
        it = 0
        gap = np.inf
        while True:
            eta = np.exp(le)
            b2, tmu = _grads(Rb, tb, cb, r2, y, eta, gx, gg)
            p = gg.min()
            gap = dual_value(tmu, eta[m], cb, r2, b2) - p
            if it >= max_iter or (stop_gap and gap <= tol * abs(p)):
                break
            while True:
                step = 0.5 / Lb
                _prox(y, le, gx, gg, step, r2, yd, led)
                _grads(Rb, tb, cb, r2, yd, np.exp(led), gx2, gg2)
                _prox(y, le, gx2, gg2, step, r2, yn, len_)
                if not backtrack:
                    break
                # Nemirovski's step condition with F = (−∇_xΘ, ∇_γΘ)
                lhs = step * (np.dot(gx - gx2, yd - yn)
                              + np.dot(gg2 - gg, np.exp(led) - np.exp(len_)))
                dist = (0.5 * np.dot(yd - y, yd - y) + _kl(led, le)
                        + 0.5 * np.dot(yn - yd, yn - yd) + _kl(len_, led))
                if lhs <= dist or Lb > 1e300:
                    Lb *= 0.8
                    break
                Lb *= 2.0
            move = np.sqrt(np.dot(yn - y, yn - y))
            y[:] = yn
            le[:] = len_
            it += 1
            if not stop_gap and move < tol:
                eta = np.exp(le)
                b2, tmu = _grads(Rb, tb, cb, r2, y, eta, gx, gg)
                gap = dual_value(tmu, eta[m], cb, r2, b2) - gg.min()
                break
        x[ib] = y
        logeta[ib] = le
        L[ib] = Lb
        out_iters[ib] = it
        out_gap[ib] = gap


@jit
def _equal_pieces(M, t, c, rho2, act, nu):
    """Solve the active pieces as equalities; fill nu, return s (NaN when impossible)."""
    idx = np.flatnonzero(act)
    na = idx.size
    nu[:] = 0.0
    if na == 0:
        return np.nan
    Ma = np.empty((na, na))
    rhs = np.empty((na, 2))
    ta = np.empty(na)
    for i in range(na):
        for j in range(na):
            Ma[i, j] = M[idx[i], idx[j]]
        rhs[i, 0] = 1.0
        rhs[i, 1] = t[idx[i]]
        ta[i] = t[idx[i]]
    try:
        sol = np.linalg.solve(Ma, rhs)
    except Exception:  # singular M_A: let the caller fall back
        return np.nan
    a_sol = np.ascontiguousarray(sol[:, 0])
    b_sol = np.ascontiguousarray(sol[:, 1])
    alpha = np.sum(a_sol)
    beta = np.sum(b_sol)
    gam = np.dot(ta, b_sol)
    # c(ρ² − ‖x(s)‖²) = s with ‖x(s)‖² = α s² − 2 β s + γ0, x(s) the min-norm point
    qa, qb, qc = c * alpha, 1.0 - 2.0 * c * beta, c * (gam - rho2)
    disc = qb * qb - 4.0 * qa * qc
    if not (qa > 0.0) or disc < 0.0:
        return np.nan
    s = (-qb + np.sqrt(disc)) / (2.0 * qa)
    for i in range(na):
        nu[idx[i]] = s * a_sol[i] - b_sol[i]
    return s


@jit
def active_set(M, t, c, rho2, active, max_steps, nu_out, gap_out, ok_out):
    """Exact solution of max_x min(min_k R_k·x + t_k, c(ρ² − ‖x‖²)) from M = R Rᵀ, batched.

    The maximiser is x = Rᵀ ν (ν ≥ 0, zero off the active set); γ_k ∝ ν_k (k < m) and
    γ_m = 1/(1 + 2cΣν) recover the minimising simplex point.

    Parameters
    ----------
    M : ndarray, shape (B, m, m), float64
        Gram matrices R Rᵀ.
    t, c, rho2 : ndarray, shapes (B, m), (B,), (B,), float64
        Offsets t_k, weight of the quadratic piece, squared radius of the ball (as in
        :func:`mirror_prox`).
    active : ndarray, shape (B, m), bool
        Warm-start active set on entry, final active set on exit.
    max_steps : int
        Add/drop steps allowed.
    nu_out : ndarray, shape (B, m), float64
        ν of the solution.
    gap_out : ndarray, shape (B,), float64
        Saddle gap of the returned (x, γ) (rounding-level when ``ok``).
    ok_out : ndarray, shape (B,), bool
        False when no KKT point was found (singular M_A, ball active, step cap).

    """
    nb, m = t.shape
    for ib in range(nb):
        Mb, tb, cb, r2 = M[ib], t[ib], c[ib], rho2[ib]
        act = active[ib]
        nu = nu_out[ib]
        ok = False
        first = True
        for _ in range(max_steps):
            s = _equal_pieces(Mb, tb, cb, r2, act, nu)
            if not np.isfinite(s):
                break
            scale = max(abs(s), 1e-300)
            neg = nu < -1e-13 * np.max(np.abs(nu))
            if np.any(neg):
                if first:  # from the warm start drop every negative multiplier at once
                    act[neg] = False
                else:  # then one at a time (most negative), as in Lawson-Hanson
                    act[np.argmin(nu)] = False
                first = False
                continue
            first = False
            viol = s - (np.dot(Mb, nu) + tb)
            viol[act] = -np.inf
            k_add = np.argmax(viol)
            if viol[k_add] > 1e-12 * scale:
                act[k_add] = True
                continue
            ok = s > 0.0
            break
        nu = np.maximum(nu, 0.0)
        nu_out[ib] = nu
        mnu = np.dot(Mb, nu)
        x2 = np.dot(nu, mnu)
        p = min(np.min(mnu + tb), cb * (r2 - x2))
        g = 1.0 / (1.0 + 2.0 * cb * np.sum(nu))
        mu_scale = 2.0 * g * cb
        gap_out[ib] = dual_value(mu_scale * np.dot(nu, tb), g, cb, r2, mu_scale ** 2 * x2) - p
        ok_out[ib] = ok


@jit
def _ray_pieces(a, t, c, rho2, s):
    return np.min(s * a + t), c * (rho2 - s * s)


@jit
def ray_split(a, t, c, rho2, out_s):
    """Norm s = √τ along a direction: min_k s a_k + t_k = c(ρ² − s²) (paper 000, eq. (41)).

    Bisection (100 halvings) on [0, ρ] when the two sides cross; otherwise (eq. (41) has no
    root, a case the paper leaves open) the s maximising min(min_k s a_k + t_k, c(ρ² − s²)),
    a concave function of s, by ternary search.

    Parameters
    ----------
    a : ndarray, shape (B, m), float64
        R_k · ŷ for the unit direction ŷ.
    t, c, rho2 : ndarray, shapes (B, m), (B,), (B,), float64
        Offsets t_k, weight of the quadratic piece, squared radius of the ball (as in
        :func:`mirror_prox`).
    out_s : ndarray, shape (B,), float64
        s = √τ.

    """
    for ib in range(a.shape[0]):
        ab, tb, cb, r2 = a[ib], t[ib], c[ib], rho2[ib]
        smax = np.sqrt(r2)
        left, right = _ray_pieces(ab, tb, cb, r2, smax)
        lo, hi = 0.0, smax
        if left - right >= 0.0:
            for _ in range(100):
                mid = 0.5 * (lo + hi)
                left, right = _ray_pieces(ab, tb, cb, r2, mid)
                if left - right < 0.0:
                    lo = mid
                else:
                    hi = mid
        else:
            for _ in range(100):
                m1, m2 = lo + (hi - lo) / 3.0, hi - (hi - lo) / 3.0
                l1, r1 = _ray_pieces(ab, tb, cb, r2, m1)
                l2, r2b = _ray_pieces(ab, tb, cb, r2, m2)
                if min(l1, r1) < min(l2, r2b):
                    lo = m1
                else:
                    hi = m2
        out_s[ib] = 0.5 * (lo + hi)
