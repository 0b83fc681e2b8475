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
P_max. :func:`sco_drop` runs the whole SCA loop of one drop with
:func:`fastsec.kernels.optim.ascent.sca_loop` (the loop and ascent rule every compiled SCA
method uses).
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from fastsec.units import LN2

from .._jit import jit
from ..optim import ascent, ball_log
from .kkt import p2_residual

#: Kept under its former home: Numba's on-disk cache indexes written before the loop moved to
#: :mod:`fastsec.kernels.optim.ascent` pickle the options type as ``sco.SCAOptions``, and an
#: index that cannot be unpickled fails the call instead of being recompiled.
SCAOptions = ascent.SCAOptions

#: KKT residual of P2 (:mod:`fastsec.kernels.aauc.kkt`) at or below which SCO may stop on its
#: tolerance: the certificate every converged SCO result carries (issue 13).
CERTIFIED_KKT = 1e-4

#: Result of :func:`sco_drop`: final ``beta`` (r,) and ``w`` (K-1,) [√W], ``history``
#: (P2 objective [bit/s/Hz] at the start and after every kept step), ``stop`` (a stop code of
#: :mod:`fastsec.kernels.optim.ascent`), ``ipm_iterations`` (total primal-dual iterations)
#: and ``ipm_failures`` (surrogates whose solver stopped before its tolerance; the point it
#: had, scaled into the budget, was judged as the candidate).
SCOResult = namedtuple("SCOResult",
                       ["beta", "w", "history", "stop", "ipm_iterations", "ipm_failures"])


@jit
def amplitudes(hq, beta, base, amps):
    """Fill ``amps`` with the users' amplitudes H_s Q β; return min_j (base + |amps_j|²)."""
    least = np.inf
    for j in range(hq.shape[0]):
        acc = 0j
        for k in range(hq.shape[1]):
            acc += hq[j, k] * beta[k]
        amps[j] = acc
        least = min(least, base + acc.real ** 2 + acc.imag ** 2)
    return least


@jit
def complex_from_pairs(x, offset, scale, out):
    """Fill ``out`` (n,) with scale · (x[offset + k] + j x[offset + n + k]), [Re, Im] blocks."""
    n = out.shape[0]
    for k in range(n):
        out[k] = scale * (x[offset + k] + 1j * x[offset + n + k])


@jit
def relay_and_leak(h, je, w):
    """Relayed amplitude Σ conj(h_k) w_k and the eavesdropper's leak Σ je_k |w_k|²."""
    relay = 0j
    leak = 0.0
    for k in range(h.shape[0]):
        relay += np.conj(h[k]) * w[k]
        leak += je[k] * (w[k].real ** 2 + w[k].imag ** 2)
    return relay, leak


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
    snr = amplitudes(hq, beta, 0.0, np.empty(hq.shape[0], dtype=np.complex128))
    if hs.shape[0] == 0:
        return math.log1p(snr) / LN2
    relay, leak = relay_and_leak(hs, je, w)
    snr = min(snr, relay.real ** 2 + relay.imag ** 2)
    return 0.5 * (math.log1p(snr) - math.log1p(leak)) / LN2


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
    a_min = amplitudes(hq, beta, 1.0, amps)
    amp_k, leak = relay_and_leak(hs, je, w)
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
def _sca_oracle(mode, problem, beta, w, beta_new, w_new, gap_rel):
    """P2's objective, or a surrogate step into (β_new, w_new) [√W] (``ascent.sca_loop``).

    ``problem`` is ``(hq, hs, je, budget, dual, tol, slack)``; ``dual`` carries the surrogate
    multipliers from one step to the next (the warm start of
    :func:`~fastsec.kernels.optim.ball_log.solve`), ``tol`` and ``slack`` are the loop's.

    A run of SCO stops on its tolerance only at a point whose P2 KKT residual
    (:func:`fastsec.kernels.aauc.kkt.p2_residual`, in the row-space coordinates, which leave
    it unchanged) is at most :data:`CERTIFIED_KKT`; otherwise it goes on, to its cap.

    The step has one rule beyond the surrogate, the *zero-relay floor* (P2 only): a candidate
    with a negative objective that would end the run on its tolerance is replaced by the same
    z with w = 0, whose objective is exactly 0 (user K gets nothing, nor does the
    eavesdropper) and which is a KKT point of P2 (the relay piece and the penalty have zero
    gradient there). Such a run has converged towards w = 0, the supremum of its iterates,
    which the surrogate steps approach only linearly; a run that is negative but still climbing
    is left alone (it may cross to positive values, as most negative starts do).
    """
    hq, hs, je, budget, dual, tol, slack = problem
    if mode == ascent.VALUE:
        return p2_value(hq, hs, je, beta, w), 0, True
    if mode == ascent.CERTIFY:
        if hs.shape[0] == 0:  # direct transmission: the tolerance alone stops the run
            return 0.0, 0, True
        residual = p2_residual(hq, hs, je, 0.5 * budget, beta, w)
        return residual, 0, residual <= CERTIFIED_KKT
    A, d, rr, c = surrogate(hq, hs, je, budget, beta, w)
    x, _, its, ok = ball_log.solve(A, d, rr, c, gap_rel, dual)
    scale = math.sqrt(budget)
    complex_from_pairs(x, 0, scale, beta_new)
    complex_from_pairs(x, 2 * beta.shape[0], scale, w_new)
    value = p2_value(hq, hs, je, beta_new, w_new)
    if value < 0.0 and hs.shape[0] > 0 and ascent.converges_below_zero(
            p2_value(hq, hs, je, beta, w), value, tol, slack):
        w_new[:] = 0.0
        value = p2_value(hq, hs, je, beta_new, w_new)
    return value, its, ok


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
    options : fastsec.kernels.optim.ascent.SCAOptions
        Loop and solver options.

    Returns
    -------
    SCOResult
        With the zero-relay floor of the step (``_sca_oracle``): a run that converges towards
        a negative P2 objective ends at w = 0, objective 0.

    """
    dual = np.full(hq.shape[0] + (1 if hs.shape[0] > 0 else 0) + 1, -1.0)  # first: cold
    problem = (hq, hs, je, budget, dual, options.tol, options.slack)
    return SCOResult(*ascent.sca_loop(_sca_oracle, problem, beta0, w0, options))

