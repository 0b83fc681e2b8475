"""Power (p) and amplification (a) steps of RMCG-AO (Paper 002, Sec. IV-A and IV-B).

Each step has two parts, both batched over a leading axis of ``n`` instances:

* a **surrogate** builder (:func:`p_surrogate`, :func:`a_surrogate`) that turns the effective
  channel gains at the current point into the data of the convex problem P4 (Lemma 1,
  eq. (24)-(31)) or P5 (WMMSE weights eq. (32)-(38), QCQP eq. (39)); the exact cvxpy path in
  :mod:`fastsec.oam.steps` uses the same builders, so both paths solve the same problem;
* a **fast solver** (:func:`p4_solve`, :func:`p5_solve`): a primal log-barrier method with
  damped Newton steps (Boyd & Vandenberghe, Sec. 11.3) on the few variables of each problem,
  run until the barrier's duality-gap bound ``m / t`` is below ``gap_rel * (1 + |f|)``.

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

from ._jit import jit

#: Barrier parameter growth per outer iteration.
BARRIER_GROWTH = 20.0
#: Newton iterations allowed per barrier parameter.
MAX_NEWTON = 100
#: Newton decrement ``lambda^2 / 2`` below which a centring step has converged.
NEWTON_TOL = 1e-12
#: Armijo fraction of the Newton line search.
NEWTON_ARMIJO = 0.25


# ------------------------------------------------------------------------ barrier method
@jit(inline="always")
def _barrier_minimize(oracle, data, b, x, m, gap_rel):
    """Minimise ``f0`` over ``{x : constraints}`` from the strictly feasible ``x`` (in place).

    ``oracle(x, data, b, t, grad, hess, need_derivs) -> float`` returns
    ``t * f0(x) - sum_i log(s_i(x))`` (``inf`` outside the domain) and, when
    ``need_derivs``, fills its gradient and Hessian. ``m`` is the number of constraints.
    Returns the number of Newton steps taken.
    """
    nx = x.shape[0]
    grad = np.empty(nx)
    hess = np.empty((nx, nx))
    trial = np.empty(nx)
    t = 1.0
    steps = 0
    while True:
        for _ in range(MAX_NEWTON):
            value = oracle(x, data, b, t, grad, hess, True)
            dx = np.linalg.solve(hess, -grad)
            slope = 0.0
            for i in range(nx):
                slope += grad[i] * dx[i]
            if -slope / 2.0 <= NEWTON_TOL:
                break
            step = 1.0
            while step > 1e-20:
                for i in range(nx):
                    trial[i] = x[i] + step * dx[i]
                trial_value = oracle(trial, data, b, t, grad, hess, False)
                if trial_value <= value + NEWTON_ARMIJO * step * slope:
                    break
                step *= 0.5
            x[:] = trial
            steps += 1
        f0 = oracle(x, data, b, 1.0, grad, hess, False) - oracle(x, data, b, 0.0, grad, hess, False)
        if m / t <= gap_rel * (1.0 + abs(f0)):
            return steps
        t *= BARRIER_GROWTH


@jit
def _log_slack(s):
    """Return ``-log(s)`` for a slack ``s > 0``, ``inf`` for ``s <= 0`` (outside the domain)."""
    if s <= 0.0:
        return np.inf
    return -math.log(s)


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


@jit
def _p4_oracle(p, data, i, t, grad, hess, need_derivs):
    bmat, c, total, r, ris, p_th = data
    nj, ns = bmat.shape[1], bmat.shape[2]
    value = 0.0
    if need_derivs:
        grad[:] = 0.0
        hess[:, :] = 0.0
    for j in range(nj):
        arg = 1.0
        for k in range(ns):
            arg += bmat[i, j, k] * p[k]
        if arg <= 0.0:
            return np.inf
        value -= t * math.log(arg)
        if need_derivs:
            for k in range(ns):
                grad[k] -= t * bmat[i, j, k] / arg
                for kk in range(ns):
                    hess[k, kk] += t * bmat[i, j, k] * bmat[i, j, kk] / (arg * arg)
    s_total = total[i]
    s_ris = ris[i]
    for k in range(ns):
        value += t * c[i, k] * p[k]
        s_total -= p[k]
        s_ris -= r[i, k] * p[k]
    value += _log_slack(s_total) + _log_slack(s_ris)
    for k in range(ns):
        value += _log_slack(p[k] - p_th[i])
    if need_derivs and value < np.inf:
        for k in range(ns):
            s_k = p[k] - p_th[i]
            grad[k] += t * c[i, k] + 1.0 / s_total + r[i, k] / s_ris - 1.0 / s_k
            hess[k, k] += 1.0 / (s_k * s_k)
            for kk in range(ns):
                hess[k, kk] += 1.0 / (s_total * s_total) + r[i, k] * r[i, kk] / (s_ris * s_ris)
    return value


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
        out[i] = acc / math.log(2.0)
    return out


@jit
def p4_solve(bmat, c, total, r, ris, p_th, gap_rel):
    """Solve P4 for each instance (barrier method).

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
        Relative duality-gap bound at which the barrier method stops.

    Returns
    -------
    p : ndarray, shape (n, N_s)
        Optimal powers [W].
    newton_steps : ndarray, shape (n,), int64
        Newton steps taken (0 when the feasible set is the single point ``p = p_th``).

    """
    n, ns = c.shape
    p_out = np.empty((n, ns))
    steps = np.zeros(n, dtype=np.int64)
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
            steps[i] = _barrier_minimize(_p4_oracle, data, i, x, ns + 2.0, gap_rel)
        p_out[i] = x
    return p_out, steps


# ------------------------------------------------------------------------------- a-step
@jit
def a_surrogate(chi, kappa2, p, sigma2_r2, sigma2_b, a_bar):
    """Build the data of P5 at the current amplification (WMMSE, Paper 002 eq. (32)-(38)).

    Parameters
    ----------
    chi : ndarray, shape (n, N_s, N_s, Q), complex128
        ``chi[i, l, k] = diag(f_l^H H_R2B Theta2) H_R1R2 Theta1 H_AR1 f_k`` (eq. (37)), so
        that ``h^B_{l,k} = chi_{l,k}^T a`` [amplitude gain per unit amplification].
    kappa2 : ndarray, shape (n, N_s, Q), float64
        ``|kappa_l|^2 = |f_l^H H_R2B Theta2|^2`` elementwise, so that
        ``||h_{B,l} A||^2 = sum_q kappa2[l, q] a_q^2`` (eq. (14)).
    p : ndarray, shape (n, N_s), float64
        Mode powers [W].
    sigma2_r2, sigma2_b : ndarray, shape (n,), float64
        RIS2 and Bob noise powers ``sigma_R2^2``, ``sigma_B^2`` [W].
    a_bar : ndarray, shape (n, Q), float64
        Current amplification, where ``tau`` (eq. (35)) and ``omega`` (eq. (36)) are taken.

    Returns
    -------
    F : ndarray, shape (n, Q, 2 N_s^2)
        ``Re(Omega) = F F^T + diag(D)`` with ``Omega`` of eq. (38): columns
        ``sqrt(omega_l |tau_l|^2 p_k) Re(chi_{l,k})`` and ``... Im(chi_{l,k})``.
    D : ndarray, shape (n, Q)
        ``sum_l omega_l |tau_l|^2 sigma_R2^2 |kappa_l|^2``.
    g : ndarray, shape (n, Q)
        ``Re(g)`` of eq. (38), ``sum_l omega_l Re(tau_l^* sqrt(p_l) chi_{l,l})``.
    const : ndarray, shape (n,)
        ``c_3`` of eq. (37): ``(-a^T Re(Omega) a + 2 g^T a + const) / ln 2`` is the WMMSE
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
            tau = math.sqrt(p[i, lm]) * h[lm] / total  # eq. (35)
            signal = p[i, lm] * (h[lm].real ** 2 + h[lm].imag ** 2)
            omega = total / (total - signal)  # eq. (36): 1 + SINR
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


@jit
def _p5_oracle(a, data, i, t, grad, hess, need_derivs):
    F, D, g, w, budget, a_max = data
    nq, nf = F.shape[1], F.shape[2]
    value = 0.0
    if need_derivs:
        grad[:] = 0.0
        hess[:, :] = 0.0
    # t * (||F^T a||^2 + sum D a^2 - 2 g^T a)
    for f in range(nf):
        s = 0.0
        for q in range(nq):
            s += F[i, q, f] * a[q]
        value += t * s * s
        if need_derivs:
            for q in range(nq):
                grad[q] += 2.0 * t * s * F[i, q, f]
                for qq in range(nq):
                    hess[q, qq] += 2.0 * t * F[i, q, f] * F[i, qq, f]
    s_budget = budget[i]
    for q in range(nq):
        value += t * (D[i, q] * a[q] * a[q] - 2.0 * g[i, q] * a[q])
        value += _log_slack(a[q]) + _log_slack(a_max[i] - a[q])
        s_budget -= w[i, q] * a[q] * a[q]
    value += _log_slack(s_budget)
    if need_derivs and value < np.inf:
        for q in range(nq):
            lo = a[q]
            hi = a_max[i] - a[q]
            grad[q] += (t * (2.0 * D[i, q] * a[q] - 2.0 * g[i, q]) - 1.0 / lo + 1.0 / hi
                        + 2.0 * w[i, q] * a[q] / s_budget)
            hess[q, q] += 2.0 * t * D[i, q] + 1.0 / (lo * lo) + 1.0 / (hi * hi)
            hess[q, q] += 2.0 * w[i, q] / s_budget
            for qq in range(nq):
                hess[q, qq] += 4.0 * w[i, q] * a[q] * w[i, qq] * a[qq] / (s_budget * s_budget)
    return value


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
        out[i] = acc / math.log(2.0)
    return out


@jit
def p5_solve(F, D, g, w, budget, a_max, gap_rel):
    """Solve P5 for each instance (barrier method).

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
        Relative duality-gap bound at which the barrier method stops.

    Returns
    -------
    a : ndarray, shape (n, Q)
        Optimal amplification.
    newton_steps : ndarray, shape (n,), int64
        Newton steps taken.

    """
    n, nq = D.shape
    a_out = np.empty((n, nq))
    steps = np.zeros(n, dtype=np.int64)
    data = (F, D, g, w, budget, a_max)
    for i in range(n):
        w_sum = 0.0
        for q in range(nq):
            w_sum += w[i, q]
        x = np.full(nq, min(0.5 * a_max[i], math.sqrt(0.5 * budget[i] / w_sum)))
        steps[i] = _barrier_minimize(_p5_oracle, data, i, x, 2.0 * nq + 1.0, gap_rel)
        a_out[i] = x
    return a_out, steps
