"""Power (p) and amplification (a) steps of RMCG-AO (Paper 002, Sec. IV-A and IV-B).

Each step has two parts, both batched over a leading axis of ``n`` instances:

* a **surrogate** builder (:func:`p_surrogate`, :func:`a_surrogate`) that turns the effective
  channel gains at the current point into the data of the convex problem P4 (Lemma 1,
  eq. (24)-(31)) or P5 (WMMSE weights eq. (32)-(38), QCQP eq. (39)); the exact cvxpy path in
  :mod:`fastsec.oam.steps` uses the same builders, so both paths solve the same problem;
* a **fast solver** (:func:`p4_solve`, :func:`p5_solve`): the primal-dual interior-point
  method of Boyd & Vandenberghe (Sec. 11.7, Algorithm 11.2;
  :func:`fastsec.kernels.optim.interior_point.primal_dual`, fed by one oracle per problem
  here) on the few variables of each problem, run until the surrogate duality gap
  ``s^T lambda`` is below ``gap_rel * (1 + |f|)`` and the dual residual below
  ``gap_rel * (1 + ||grad f||)``.
  P5's curved RIS2 budget stalls that method when it is active (the iterates jam against
  it), so P5 is solved through its Lagrangian: a box-constrained QP per budget multiplier
  (linear constraints only; Newton systems, diagonal plus rank ``2 N_s^2``, solved by the
  Woodbury identity), and a one-dimensional search for the multiplier that makes the
  budget hold with equality (secular equation as in More & Sorensen's trust-region
  solver) when the multiplier-0 solution exceeds it.

Problem forms (minimisation, as solved here):

P4 (variables ``p``, shape (N_s,))::

    min  -sum_j log(1 + b_j^T p) + c^T p
    s.t. sum(p) <= P1,  r^T p <= P2,  p >= p_th

P5 (variables ``a``, shape (Q,), real)::

    min  ||F^T a||^2 + sum_q D_q a_q^2 - 2 g^T a
    s.t. sum_q w_q a_q^2 <= P_R2,  0 <= a <= a_max
"""

from __future__ import annotations

import math

import numpy as np

from fastsec.units import LN2

from .._jit import jit
from ..optim.interior_point import (
    COLD_GAP,
    DUAL_RESIDUAL,
    JAC_TIMES,
    LOWER_BOUND,
    SLACKS,
    cholesky_solve,
    primal_dual,
)

#: Relative accuracy of the RIS2 budget when it is active (dual search on its multiplier).
DUAL_TOL = 1e-10
#: Iteration cap of that dual search.
DUAL_MAX_ITER = 100

# ------------------------------------------------------------------------------- p-step
@jit
def p_surrogate(gain_bob, gain_eve, noise_bob, noise_eve, p_bar):
    """Build the data of P4 at the current powers (Lemma 1, Paper 002 eq. (24)-(30)).

    Parameters
    ----------
    gain_bob, gain_eve : ndarray, shape (n, N_s, N_s), float64
        ``gain_bob[i, l, k] = |h^B_{l,k}|^2`` (eq. (14)), ``gain_eve[i, l, k] = |h^E_{l,k}|^2``
        (eq. (17)): power gain from mode ``k``'s transmit power into Bob's/Eve's stream
        ``l`` [linear].
    noise_bob, noise_eve : ndarray, shape (n, N_s), float64
        Power-independent denominator terms [W]: ``sigma_R2^2 ||h_{B,l} A||^2 + sigma_B^2``
        (eq. (14)) and ``sigma_z^2 sum_z |h^E_{l,z}|^2 + sigma_E^2`` (eq. (17)).
    p_bar : ndarray, shape (n, N_s), float64
        Current mode powers [W], where the auxiliary ``t*`` of eq. (30) are evaluated.

    Returns
    -------
    b : ndarray, shape (n, 2 N_s, N_s)
        Rows ``j < N_s``: Bob's signal-plus-interference gains ``gain_bob[l] / noise_bob[l]``;
        rows ``j >= N_s``: Eve's interference gains (``k != l``) ``/ noise_eve[l]`` [1/W].
    c : ndarray, shape (n, N_s)
        Linear coefficients ``sum_l t*_B,l g^B_{l,k!=l} / n^B_l + t*_E,l g^E_{l,k} / n^E_l``.
    const : ndarray, shape (n,)
        Constant such that ``(sum_j log(1 + b_j^T p) - c^T p + const) / ln 2`` is the P4
        surrogate of ``R_B - R_E`` [bit/s/Hz]; it equals ``R_B - R_E`` (eq. (16), (18),
        without ``log2 G``) at ``p = p_bar`` and is below it elsewhere.

    """
    n, ns = noise_bob.shape
    bmat = np.zeros((n, 2 * ns, ns))
    c = np.zeros((n, ns))
    const = np.zeros(n)
    for i in range(n):
        for lm in range(ns):
            x_b_int = 1.0  # Lemma 1's x for Bob's interference term, eq. (30)
            x_e_all = 1.0  # and for Eve's signal-plus-interference term
            for k in range(ns):
                gb = gain_bob[i, lm, k] / noise_bob[i, lm]
                ge = gain_eve[i, lm, k] / noise_eve[i, lm]
                bmat[i, lm, k] = gb
                if k != lm:
                    bmat[i, ns + lm, k] = ge
                    x_b_int += gb * p_bar[i, k]
                x_e_all += ge * p_bar[i, k]
            t_b = 1.0 / x_b_int
            t_e = 1.0 / x_e_all
            for k in range(ns):
                if k != lm:
                    c[i, k] += t_b * bmat[i, lm, k]
                c[i, k] += t_e * gain_eve[i, lm, k] / noise_eve[i, lm]
            const[i] += 2.0 - t_b - t_e + math.log(t_b) + math.log(t_e)
    return bmat, c, const


@jit(inline="always")
def _p4_oracle(mode, p, data, i, lam, s, t, vin, vout):
    """P4 for :func:`primal_dual`.

    Slacks: ``p_k - p_th`` (k < N_s), ``P1 - sum p``, ``P2 - r^T p``.
    """
    bmat, c, total, r, ris, p_th = data
    nj, ns = bmat.shape[1], bmat.shape[2]
    if mode == LOWER_BOUND:  # a primal problem: no dual bound
        return -np.inf
    if mode == JAC_TIMES:
        acc_total = 0.0
        acc_ris = 0.0
        for k in range(ns):
            vout[k] = -vin[k]
            acc_total += vin[k]
            acc_ris += r[i, k] * vin[k]
        vout[ns] = acc_total
        vout[ns + 1] = acc_ris
        return 0.0
    args = np.empty(nj)
    value = 0.0
    for j in range(nj):
        arg = 1.0
        for k in range(ns):
            arg += bmat[i, j, k] * p[k]
        args[j] = arg
        value -= math.log(arg) if arg > 0.0 else -np.inf
    if mode == SLACKS:
        s[ns] = total[i]
        s[ns + 1] = ris[i]
        for k in range(ns):
            value += c[i, k] * p[k]
            s[k] = p[k] - p_th[i]
            s[ns] -= p[k]
            s[ns + 1] -= r[i, k] * p[k]
        for k in range(ns + 2):
            if not s[k] > 0.0:
                return np.inf
        return value
    for k in range(ns):  # gradient of f0
        acc = c[i, k]
        for j in range(nj):
            acc -= bmat[i, j, k] / args[j]
        vout[k] = acc
    if mode == DUAL_RESIDUAL:
        for k in range(ns):
            vout[k] += -lam[k] + lam[ns] + lam[ns + 1] * r[i, k]
        return 0.0
    # NEWTON: the constraints are linear, so only the rank-one weights lam / s enter
    hess = np.zeros((ns, ns))
    w_total = lam[ns] / s[ns]
    w_ris = lam[ns + 1] / s[ns + 1]
    rhs = np.empty(ns)
    for k in range(ns):
        rhs[k] = -(vout[k] - 1.0 / (t * s[k]) + 1.0 / (t * s[ns]) + r[i, k] / (t * s[ns + 1]))
        hess[k, k] += lam[k] / s[k]
        for kk in range(ns):
            acc = w_total + w_ris * r[i, k] * r[i, kk]
            for j in range(nj):
                acc += bmat[i, j, k] * bmat[i, j, kk] / (args[j] * args[j])
            hess[k, kk] += acc
    vout[:] = np.linalg.solve(hess, rhs)
    return 0.0


@jit
def p4_objective(bmat, c, const, p):
    """P4 surrogate ``(sum_j log(1 + b_j^T p) - c^T p + const) / ln 2`` [bit/s/Hz], shape (n,)."""
    n, nj, ns = bmat.shape
    out = np.empty(n)
    for i in range(n):
        acc = const[i]
        for j in range(nj):
            arg = 1.0
            for k in range(ns):
                arg += bmat[i, j, k] * p[i, k]
            acc += math.log(arg)
        for k in range(ns):
            acc -= c[i, k] * p[i, k]
        out[i] = acc / LN2
    return out


@jit
def p4_budget_rows(total, r, ris, p_th):
    """Check P4's feasible set and give the RIS2 budget row its right-hand side.

    Parameters
    ----------
    total : ndarray, shape (n,)
        Transmit budget for the signal modes ``rho P_T`` [W] (eq. (20b)).
    r, ris : ndarray, shapes (n, N_s) and (n,)
        RIS2 budget row ``r^T p <= ris`` as in :func:`p4_solve`.
    p_th : ndarray, shape (n,)
        Power floor per mode [W] (eq. (20c)).

    Returns
    -------
    ris : ndarray, shape (n,)
        The row's right-hand side for :func:`p4_solve`: without a RIS2 path (``r = 0``) the
        row reads ``0 <= ris``, vacuous, so it gets room 1 (a zero slack would leave the
        interior-point method no strictly feasible start).
    feasible : ndarray, shape (n,), bool
        Whether ``p = p_th`` meets both budgets (to a relative 1e-12), i.e. P4 is not empty.

    """
    n, ns = r.shape
    room = np.empty(n)
    feasible = np.empty(n, dtype=np.bool_)
    for i in range(n):
        r_sum = 0.0
        for k in range(ns):
            r_sum += r[i, k]
        feasible[i] = not (total[i] < ns * p_th[i] * (1 - 1e-12)
                           or ris[i] < r_sum * p_th[i] * (1 - 1e-12))
        room[i] = ris[i] if r_sum > 0 else 1.0
    return room, feasible


@jit
def p4_solve(bmat, c, total, r, ris, p_th, gap_rel):
    """Solve P4 for each instance (primal-dual interior point).

    Parameters
    ----------
    bmat, c : ndarray
        From :func:`p_surrogate`, shapes (n, J, N_s) and (n, N_s).
    total : ndarray, shape (n,)
        Transmit budget for the signal modes ``rho P_T`` [W] (eq. (20b)).
    r, ris : ndarray, shapes (n, N_s) and (n,)
        RIS2 budget row (eq. (10), (20d)) as ``r^T p <= ris``: ``r_l = ||A H_R2 f_l||^2``
        [linear] and ``ris`` = ``P_R2`` minus the AN and RIS-noise power [W].
    p_th : ndarray, shape (n,)
        Power floor per mode [W] (eq. (20c)).
    gap_rel : float
        Relative bound on the duality gap and dual residual at which the method stops.

    Returns
    -------
    p : ndarray, shape (n, N_s)
        Optimal powers [W].
    iterations : ndarray, shape (n,), int64
        Primal-dual iterations (0 when the feasible set is the single point ``p = p_th``).
    converged : ndarray, shape (n,), bool
        Whether the gap and residual tolerances were met.

    """
    n, ns = c.shape
    p_out = np.empty((n, ns))
    iters = np.zeros(n, dtype=np.int64)
    converged = np.ones(n, dtype=np.bool_)
    data = (bmat, c, total, r, ris, p_th)
    for i in range(n):
        room_total = total[i] - ns * p_th[i]
        r_sum = 0.0
        room_ris = ris[i]
        for k in range(ns):
            r_sum += r[i, k]
            room_ris -= r[i, k] * p_th[i]
        # strictly feasible start halfway to the nearer budget (p_th + delta on every mode)
        delta = 0.5 * room_total / ns
        if r_sum > 0.0:
            delta = min(delta, 0.5 * room_ris / r_sum)
        x = np.full(ns, p_th[i])
        if delta > 1e-14 * max(total[i], 1e-300) and room_ris > 0.0:
            x += delta
            iters[i], converged[i] = primal_dual(_p4_oracle, data, i, x, ns + 2, gap_rel,
                                                 COLD_GAP)
        p_out[i] = x
    return p_out, iters, converged


# ------------------------------------------------------------------------------- a-step
@jit
def a_surrogate(chi, kappa2, p, sigma2_r2, sigma2_b, a_bar):
    """Build the data of P5 at the current amplification (WMMSE, Paper 002 eq. (32)-(38)).

    Parameters
    ----------
    chi : ndarray, shape (n, N_s, N_s, Q), complex128
        ``chi[i, l, k] = diag(f_l^H H_R2B Theta2) H_R1R2 Theta1 H_AR1 f_k`` (defined with
        eq. (36)), so that ``h^B_{l,k} = chi_{l,k}^T a`` [amplitude gain per unit
        amplification].
    kappa2 : ndarray, shape (n, N_s, Q), float64
        ``|kappa_l|^2 = |f_l^H H_R2B Theta2|^2`` elementwise, so that
        ``||h_{B,l} A||^2 = sum_q kappa2[l, q] a_q^2`` (eq. (14)).
    p : ndarray, shape (n, N_s), float64
        Mode powers [W].
    sigma2_r2, sigma2_b : ndarray, shape (n,), float64
        RIS2 and Bob noise powers ``sigma_R2^2``, ``sigma_B^2`` [W].
    a_bar : ndarray, shape (n, Q), float64
        Current amplification, where ``tau`` (eq. (34)) and ``omega`` (eq. (35)) are taken.

    Returns
    -------
    F : ndarray, shape (n, Q, 2 N_s^2)
        ``Re(Omega) = F F^T + diag(D)`` with ``Omega`` of eq. (37): columns
        ``sqrt(omega_l |tau_l|^2 p_k) Re(chi_{l,k})`` and ``... Im(chi_{l,k})``.
    D : ndarray, shape (n, Q)
        ``sum_l omega_l |tau_l|^2 sigma_R2^2 |kappa_l|^2``.
    g : ndarray, shape (n, Q)
        ``Re(g)`` of eq. (38), ``sum_l omega_l Re(tau_l^* sqrt(p_l) chi_{l,l})``.
    const : ndarray, shape (n,)
        ``c_3`` of eq. (36): ``(-a^T Re(Omega) a + 2 g^T a + const) / ln 2`` is the WMMSE
        surrogate of ``R_B`` [bit/s/Hz], equal to it at ``a = a_bar`` and below elsewhere.

    """
    n, ns, _, nq = chi.shape
    F = np.zeros((n, nq, 2 * ns * ns))
    D = np.zeros((n, nq))
    g = np.zeros((n, nq))
    const = np.zeros(n)
    for i in range(n):
        for lm in range(ns):
            h = np.zeros(ns, dtype=np.complex128)  # h^B_{l,k} at a_bar
            total = sigma2_b[i]
            for k in range(ns):
                for q in range(nq):
                    h[k] += chi[i, lm, k, q] * a_bar[i, q]
                total += p[i, k] * (h[k].real ** 2 + h[k].imag ** 2)
            for q in range(nq):
                total += sigma2_r2[i] * kappa2[i, lm, q] * a_bar[i, q] ** 2
            tau = math.sqrt(p[i, lm]) * h[lm] / total  # eq. (34)
            signal = p[i, lm] * (h[lm].real ** 2 + h[lm].imag ** 2)
            omega = total / (total - signal)  # eq. (35): 1 + SINR
            wt = omega * (tau.real ** 2 + tau.imag ** 2)
            for k in range(ns):
                scale = math.sqrt(wt * p[i, k])
                col = 2 * (lm * ns + k)
                for q in range(nq):
                    F[i, q, col] = scale * chi[i, lm, k, q].real
                    F[i, q, col + 1] = scale * chi[i, lm, k, q].imag
            for q in range(nq):
                D[i, q] += wt * sigma2_r2[i] * kappa2[i, lm, q]
                g[i, q] += omega * math.sqrt(p[i, lm]) * (tau.conjugate() * chi[i, lm, lm, q]).real
            const[i] += math.log(omega) - omega - wt * sigma2_b[i] + 1.0
    return F, D, g, const


@jit(inline="always")
def _box_qp_oracle(mode, a, data, i, lam, s, t, vin, vout):
    """P5's Lagrangian in ``a`` for a fixed budget multiplier, for :func:`primal_dual`.

    ``min ||F^T a||^2 + sum_q De_q a_q^2 - 2 g^T a`` over ``0 <= a <= a_max`` with
    ``De = D + lambda_budget w`` (set by :func:`p5_solve`). Slacks: ``a_q`` (q < Q), then
    ``a_max - a_q``. All constraints are linear, which keeps the primal-dual steps long.
    """
    F, De, g, a_max = data
    nq, nf = F.shape[1], F.shape[2]
    if mode == LOWER_BOUND:  # a primal problem: no dual bound
        return -np.inf
    if mode == JAC_TIMES:
        for q in range(nq):
            vout[q] = -vin[q]
            vout[nq + q] = vin[q]
        return 0.0
    ft_a = np.empty(nf)  # F^T a
    value = 0.0
    for f in range(nf):
        acc = 0.0
        for q in range(nq):
            acc += F[i, q, f] * a[q]
        ft_a[f] = acc
        value += acc * acc
    if mode == SLACKS:
        for q in range(nq):
            value += De[i, q] * a[q] * a[q] - 2.0 * g[i, q] * a[q]
            s[q] = a[q]
            s[nq + q] = a_max[i] - a[q]
            if not (s[q] > 0.0 and s[nq + q] > 0.0):
                return np.inf
        return value
    for q in range(nq):  # gradient of the objective
        acc = 0.0
        for f in range(nf):
            acc += F[i, q, f] * ft_a[f]
        vout[q] = 2.0 * acc + 2.0 * De[i, q] * a[q] - 2.0 * g[i, q]
    if mode == DUAL_RESIDUAL:
        for q in range(nq):
            vout[q] += -lam[q] + lam[nq + q]
        return 0.0
    # NEWTON: matrix = diag(d) + U U^T with U = sqrt(2) F, solved by the Woodbury identity
    # in O(Q K^2) instead of O(Q^3)
    d = np.empty(nq)
    rhs = np.empty(nq)
    for q in range(nq):
        d[q] = 2.0 * De[i, q] + lam[q] / s[q] + lam[nq + q] / s[nq + q]
        rhs[q] = -(vout[q] - 1.0 / (t * s[q]) + 1.0 / (t * s[nq + q]))
    small = np.eye(nf)
    proj = np.zeros(nf)
    two = np.empty(nf)  # row q of 2 F
    for q in range(nq):
        inv_d = 1.0 / d[q]
        y = rhs[q] * inv_d
        for f in range(nf):
            two[f] = 2.0 * F[i, q, f]
            proj[f] += two[f] * y
        for f in range(nf):
            scaled = F[i, q, f] * inv_d
            for ff in range(f + 1):  # the lower triangle, all that Cholesky reads
                small[f, ff] += two[ff] * scaled
    cholesky_solve(small, proj)  # I + 2 F^T diag(1/d) F is symmetric positive definite
    for q in range(nq):
        acc = rhs[q]
        for f in range(nf):
            acc -= F[i, q, f] * proj[f]
        vout[q] = acc / d[q]
    return 0.0


@jit
def p5_objective(F, D, g, const, a):
    """P5 surrogate ``(-a^T Re(Omega) a + 2 g^T a + const) / ln 2`` [bit/s/Hz], shape (n,)."""
    n, nq, nf = F.shape
    out = np.empty(n)
    for i in range(n):
        acc = const[i]
        for f in range(nf):
            s = 0.0
            for q in range(nq):
                s += F[i, q, f] * a[i, q]
            acc -= s * s
        for q in range(nq):
            acc += 2.0 * g[i, q] * a[i, q] - D[i, q] * a[i, q] * a[i, q]
        out[i] = acc / LN2
    return out


@jit
def p5_solve(F, D, g, w, budget, a_max, gap_rel):
    """Solve P5 for each instance (Lagrangian in the budget + interior-point box QPs).

    The budget multiplier ``lam`` is 0 if the box-constrained optimum fits the budget;
    otherwise it is found to ``|used - P_R2| <= DUAL_TOL * P_R2`` (a last excess below that
    is removed by scaling ``a`` onto the budget, which keeps ``0 <= a <= a_max``).

    Parameters
    ----------
    F, D, g : ndarray
        From :func:`a_surrogate`, shapes (n, Q, K), (n, Q), (n, Q).
    w : ndarray, shape (n, Q), float64
        RIS2 power per unit ``a_q^2`` (eq. (39)): ``sum_l p_l |[H_R2 f_l]_q|^2 +
        sigma_z^2 sum_z |[H_R2 f_z]_q|^2 + sigma_R2^2`` [W].
    budget : ndarray, shape (n,)
        RIS2 power budget ``P_R2`` [W] (eq. (20d)).
    a_max : ndarray, shape (n,)
        Amplification bound (eq. (20e)).
    gap_rel : float
        Relative bound on the duality gap and dual residual at which the method stops.

    Returns
    -------
    a : ndarray, shape (n, Q)
        Optimal amplification.
    iterations : ndarray, shape (n,), int64
        Primal-dual iterations, summed over the box QPs solved.
    converged : ndarray, shape (n,), bool
        Whether every box QP met its tolerances and the multiplier search its own.

    """
    n, nq = D.shape
    a_out = np.empty((n, nq))
    iters = np.zeros(n, dtype=np.int64)
    converged = np.ones(n, dtype=np.bool_)
    De = D.copy()
    data = (F, De, g, a_max)
    x = np.empty(nq)
    for i in range(n):
        # budget multiplier 0 first: if the box-constrained optimum meets the budget, done
        used, it_i, ok = _box_qp_at(data, D, w, i, 0.0, x, gap_rel)
        iters[i] += it_i
        converged[i] &= ok
        if used > budget[i]:
            # The budget is active: find its multiplier lam > 0 with used(lam) = P_R2 (the
            # use falls monotonically in lam). Root-find on the secular form
            # h(lam) = 1/sqrt(used) - 1/sqrt(P_R2), nearly linear in lam (More & Sorensen),
            # by bracketing and Illinois regula falsi.
            target = 1.0 / math.sqrt(budget[i])
            lam_lo, h_lo = 0.0, 1.0 / math.sqrt(used) - target
            lam_hi, h_hi = 1.0, 0.0
            for _ in range(60):
                used, it_i, ok = _box_qp_at(data, D, w, i, lam_hi, x, gap_rel)
                iters[i] += it_i
                converged[i] &= ok
                h_hi = 1.0 / math.sqrt(max(used, 1e-300)) - target
                if used <= budget[i]:
                    break
                lam_lo, h_lo = lam_hi, h_hi
                lam_hi *= 10.0
            side = 0
            for _ in range(DUAL_MAX_ITER):
                if abs(used - budget[i]) <= DUAL_TOL * budget[i]:
                    break
                lam = (lam_lo * h_hi - lam_hi * h_lo) / (h_hi - h_lo)
                used, it_i, ok = _box_qp_at(data, D, w, i, lam, x, gap_rel)
                iters[i] += it_i
                converged[i] &= ok
                h = 1.0 / math.sqrt(max(used, 1e-300)) - target
                if used > budget[i]:
                    lam_lo, h_lo = lam, h
                    if side == -1:
                        h_hi *= 0.5
                    side = -1
                else:
                    lam_hi, h_hi = lam, h
                    if side == 1:
                        h_lo *= 0.5
                    side = 1
            else:
                converged[i] = False
            if used > budget[i]:  # within DUAL_TOL above the budget: scale onto it
                scale = math.sqrt(budget[i] / used)
                for q in range(nq):
                    x[q] *= scale
        a_out[i] = x
    return a_out, iters, converged


@jit
def _box_qp_at(data, D, w, i, lam, x, gap_rel):
    """Solve P5's box QP with ``D + lam w`` into ``x``; return the RIS2 power it uses."""
    De = data[1]
    a_max = data[3]
    nq = x.shape[0]
    for q in range(nq):
        De[i, q] = D[i, q] + lam * w[i, q]
        x[q] = 0.5 * a_max[i]
    it, ok = primal_dual(_box_qp_oracle, data, i, x, 2 * nq, gap_rel, COLD_GAP)
    used = 0.0
    for q in range(nq):
        used += w[i, q] * x[q] * x[q]
    return used, it, ok
