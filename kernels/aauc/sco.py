"""Compiled SCO of paper 000 (Sec. IV-B, eq. (21)-(23)): the surrogate P2[n+1] and its loop.

The surrogate is the convex program of :mod:`fastsec.aauc.sco` (same scaling, same rows),
written as a problem of :mod:`fastsec.kernels.optim.ball_log` in the real variable

    y = [Re y_β, Im y_β, Re y_w, Im y_w],   y_β = β / √(2 P_max),  y_w = w / √(2 P_max),

and t > 0, where β are the coordinates of z in the helpers' row space (z = Q β, exact:
:func:`fastsec.aauc.problem.row_space`), so y has 2 r + 2 (K-1) entries, r = min(K-1, N-1).
Constraints:

- users k < K: ``ratio_k t <= lin_k(y_β)``, the first-order expansion of 1 + |h_k^H β|²
  (eq. (21)-(22)) divided by its value a_k at the expansion point, ``ratio_k = a / a_k``
  with a the smallest a_k (so every row is O(1) and t = 1 at the expansion point);
- the relay row, the same for 1 + |h_K^H w|²/σ²;
- the power budget ``||y||² <= 1`` (eq. (11a)).

The objective is ``log t - sum d |y_w|²`` with ``d = 2 P_max λ J / σ_E² / (1 + λ w*^H J w*/σ_E²)``,
the eavesdropper term linearised at w* (eq. (21)). With no helpers (``hs`` empty) the same
kernel runs direct transmission's max–min multicast steps (ref. [54]): users' rows only, budget
P_max. :func:`sco_drop` runs the whole SCA loop of one drop, judging each candidate by the
true objective with :func:`fastsec.kernels.optim.ascent.judge` (the rule every SCA method uses).
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from .._jit import jit
from ..optim import ascent, ball_log

#: Options of :func:`sco_drop`: ``iters`` (int, cap on SCA steps), ``tol`` (relative gain at
#: which the run has converged), ``slack`` (relative fall still counted as no descent),
#: ``gap_rel`` (the surrogate solver's relative duality gap).
SCAOptions = namedtuple("SCAOptions", ["iters", "tol", "slack", "gap_rel"])

#: Result of :func:`sco_drop`: final ``beta`` (r,) and ``w`` (K-1,) [√W], ``history``
#: (P2 objective [bit/s/Hz] at the start and after every kept step), ``stop`` (a stop code of
#: :mod:`fastsec.kernels.optim.ascent`), ``ipm_iterations`` (total primal-dual iterations)
#: and ``ipm_failures`` (surrogates whose solver stopped before its tolerance; the point it
#: had, scaled into the budget, was judged as the candidate).
SCOResult = namedtuple("SCOResult",
                       ["beta", "w", "history", "stop", "ipm_iterations", "ipm_failures"])

@jit
def p2_value(hq, hs, je, beta, w):
    """P2 objective [bit/s/Hz] at (z = Q β, w) (paper 000, eq. (18)-(20)).

    Parameters
    ----------
    hq : ndarray, shape (M, r), complex128
        Users' channels in the row-space basis, H_s Q [1/√W] (M = K-1 helpers).
    hs : ndarray, shape (K-1,) or (0,), complex128
        h_K / σ [1/√W]. Empty: one-phase multicast to the M users without helpers (direct
        transmission, ref. [54]), whose objective is log2(1 + min_k SNR_k).
    je : ndarray, shape like ``hs``, float64
        λ J / σ_E² [1/W].
    beta : ndarray, shape (r,), complex128
        Row-space coordinates of z [√W].
    w : ndarray, shape like ``hs``, complex128
        Helpers' beamformer [√W].

    """
    snr = np.inf
    for j in range(hq.shape[0]):
        acc = 0j
        for k in range(hq.shape[1]):
            acc += hq[j, k] * beta[k]
        snr = min(snr, acc.real ** 2 + acc.imag ** 2)
    mw = hs.shape[0]
    if mw == 0:
        return math.log1p(snr) / math.log(2.0)
    relay = 0j
    leak = 0.0
    for k in range(mw):
        relay += np.conj(hs[k]) * w[k]
        leak += je[k] * (w[k].real ** 2 + w[k].imag ** 2)
    snr = min(snr, relay.real ** 2 + relay.imag ** 2)
    return 0.5 * (math.log1p(snr) - math.log1p(leak)) / math.log(2.0)


@jit
def surrogate(hq, hs, je, budget, beta, w):
    """Arrays of P2[n+1] expanded at (β, w) (module docstring).

    ``budget`` [W] is the power of the ball ‖z‖² + ‖w‖² <= budget (2 P_max for AAUC, eq.
    (11a); P_max for direct transmission, where ``hs`` is empty and the relay row absent).

    Returns
    -------
    A : ndarray, shape (rows, n - 1)
    d : ndarray, shape (n - 1,)
    r, c : ndarray, shape (rows,)
        The problem of :func:`fastsec.kernels.optim.ball_log.solve` in y (t is its own
        variable there): ``r_i t <= a_i^T y + c_i``, ``||y||² <= 1``, maximise
        ``log t - sum d y²``.

    """
    mu, rdim = hq.shape
    mw = hs.shape[0]
    relay = 1 if mw > 0 else 0
    n = 2 * rdim + 2 * mw
    scale = math.sqrt(budget)
    A = np.zeros((mu + relay, n))
    d = np.zeros(n)
    r = np.empty(mu + relay)
    c = np.empty(mu + relay)
    amps = np.empty(mu, dtype=np.complex128)
    a_min = np.inf
    for j in range(mu):
        acc = 0j
        for k in range(rdim):
            acc += hq[j, k] * beta[k]
        amps[j] = acc
        a_min = min(a_min, 1.0 + acc.real ** 2 + acc.imag ** 2)
    amp_k = 0j
    leak = 0.0
    for k in range(mw):
        amp_k += np.conj(hs[k]) * w[k]
        leak += je[k] * (w[k].real ** 2 + w[k].imag ** 2)
    a_k = 1.0 + amp_k.real ** 2 + amp_k.imag ** 2
    if relay:
        a_min = min(a_min, a_k)
    # users: ratio_j t <= 2 Re(conj(amp_j) h_j^T β)/a_j + (2 - a_j)/a_j
    for j in range(mu):
        a_j = 1.0 + amps[j].real ** 2 + amps[j].imag ** 2
        for k in range(rdim):
            coef = np.conj(amps[j]) * hq[j, k] * (2.0 * scale / a_j)
            A[j, k] = coef.real
            A[j, rdim + k] = -coef.imag
        r[j] = a_min / a_j
        c[j] = (2.0 - a_j) / a_j
    if relay:  # the relay row, the same in w with coefficients conj(h_K)
        for k in range(mw):
            coef = np.conj(amp_k) * np.conj(hs[k]) * (2.0 * scale / a_k)
            A[mu, 2 * rdim + k] = coef.real
            A[mu, 2 * rdim + mw + k] = -coef.imag
            d[2 * rdim + k] = d[2 * rdim + mw + k] = budget * je[k] / (1.0 + leak)
        r[mu] = a_min / a_k
        c[mu] = (2.0 - a_k) / a_k
    return A, d, r, c


@jit
def sco_drop(hq, hs, je, budget, beta0, w0, options):
    """SCO-based AAUC on one drop (paper 000, Sec. IV-B): SCA on the surrogate of eq. (23).

    Parameters
    ----------
    hq, hs, je :
        As in :func:`p2_value`.
    budget : float
        Power of the ball ‖z‖² + ‖w‖² <= budget [W]: 2 P_max for AAUC (eq. (11a)); P_max for
        direct transmission (``hs`` empty, :func:`p2_value`).
    beta0 : ndarray, shape (r,), complex128
        Start, row-space coordinates of z [√W] (within the budget with ``w0``).
    w0 : ndarray, shape like ``hs``, complex128
        Start, helpers' beamformer [√W].
    options : SCAOptions
        Loop and solver options.

    Returns
    -------
    SCOResult

    """
    beta = beta0.copy()
    w = w0.copy()
    r = beta.shape[0]
    m = w.shape[0]
    scale = math.sqrt(budget)
    history = np.empty(options.iters + 1)
    history[0] = p2_value(hq, hs, je, beta, w)
    n_hist = 1
    stop = ascent.ITERATIONS
    ipm_iterations = 0
    ipm_failures = 0
    beta_new = np.empty(r, dtype=np.complex128)
    w_new = np.empty(m, dtype=np.complex128)
    for _ in range(options.iters):
        A, d, rr, c = surrogate(hq, hs, je, budget, beta, w)
        x, _, its, ok = ball_log.solve(A, d, rr, c, options.gap_rel)
        ipm_iterations += its
        ipm_failures += 0 if ok else 1
        for k in range(r):
            beta_new[k] = scale * (x[k] + 1j * x[r + k])
        for k in range(m):
            w_new[k] = scale * (x[2 * r + k] + 1j * x[2 * r + m + k])
        value = p2_value(hq, hs, je, beta_new, w_new)
        keep, code = ascent.judge(history[n_hist - 1], value, options.tol, options.slack,
                                  True)
        if keep:
            beta[:] = beta_new
            w[:] = w_new
            history[n_hist] = value
            n_hist += 1
        if code != ascent.RUNNING:
            stop = code
            break
    return SCOResult(beta, w, history[:n_hist].copy(), stop, ipm_iterations, ipm_failures)
