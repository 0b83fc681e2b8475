"""Primal-dual interior-point method for small smooth convex problems, batched by the caller.

:func:`primal_dual` is the method of Boyd & Vandenberghe, *Convex Optimization*, Sec. 11.7
(Algorithm 11.2): from a strictly feasible point, Newton steps on the modified KKT
conditions with the centring parameter ``t = mu m / eta`` (``eta`` the surrogate duality
gap ``s^T lambda``) and a backtracking line search on the norm of the primal-dual residual,
until ``eta <= gap_rel (1 + |f0|)`` and the dual residual is below
``gap_rel (1 + ||grad f0||)`` (max norms), or, for an oracle that can bound ``min f0`` from
below, ``f0`` is that close to the bound. It knows no problem: a caller passes one *oracle*
function that evaluates the objective, slacks, dual residual, Newton step and constraint
Jacobian products of its problem (see :func:`primal_dual`); oracles are declared
``inline="always"``, which removes a call (about 0.1 µs, a tenth of an iteration of the AAUC
surrogates) from each of the four evaluations an iteration makes. :func:`cholesky_solve` is
the small dense SPD solve such oracles use. :func:`primal_dual_from` solves one of a sequence
of nearby problems (an SCA loop's surrogates) from the solution of the last
(:func:`warm_start`).
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import jit

#: Factor ``mu`` by which the centring parameter ``t = mu m / eta`` leads the current gap.
PD_MU = 10.0
#: Iteration cap of one primal-dual solve (10-20 iterations are typical, up to Q = 400).
PD_MAX_ITER = 200
#: Backtracking constants of the residual line search (B&V Algorithm 11.2).
PD_ALPHA = 0.01
PD_BETA = 0.5

#: ``start_gap`` of :func:`primal_dual` from an arbitrary strictly feasible start, and from a
#: warm start (the previous solution of a nearby problem with its small entries raised to
#: :data:`WARM_FLOOR` times the largest). Measured on the AAUC surrogates of consecutive SCA
#: iterations (N = 32/100, K = 8-50): 16.8 -> 7.0 iterations per solve with ``WARM_GAP`` 1e-4
#: and the floor 1e-5 (gap 1e-2: 9.0; floor 1e-3: 10.4); in SCO's whole loop at N = 32, K = 8,
#: failed warm starts repeated cold included, 17.2 -> 8.2 per SCA step.
COLD_GAP = 1.0
WARM_GAP = 1e-4
WARM_FLOOR = 1e-5

#: Oracle modes of :func:`primal_dual`.
SLACKS = 0
DUAL_RESIDUAL = 1
NEWTON = 2
JAC_TIMES = 3
LOWER_BOUND = 4


@jit(inline="always")
def primal_dual(oracle, data, b, x, m, gap_rel, start_gap):
    """Minimise ``f0(x)`` s.t. ``s_i(x) > 0`` from the strictly feasible ``x`` (in place).

    The multipliers start at ``lam_i = start_gap (1 + |f0|) / (m s_i)``, a surrogate gap of
    ``start_gap (1 + |f0|)``: 1 from an arbitrary start (:data:`COLD_GAP`), smaller from a
    warm start near the optimum (:data:`WARM_GAP`), which then skips the early centring
    iterations.

    ``oracle(mode, x, data, b, lam, s, t, vin, vout) -> float`` is one problem-specific
    function (a single dispatcher argument keeps the callers cacheable):

    * ``SLACKS``: fill ``s`` with the slacks ``s_i = -h_i(x)``; return ``f0(x)``, or ``inf``
      outside the domain or when a slack is ``<= 0``;
    * ``DUAL_RESIDUAL``: ``vout = grad f0(x) + sum_i lam_i grad h_i(x)``;
    * ``NEWTON``: ``vout`` solves ``(hess f0 + sum lam_i hess h_i + sum (lam_i / s_i)
      grad h_i grad h_i^T) vout = -(grad f0 + sum grad h_i / (t s_i))`` (B&V eq. (11.55)
      reduced to the primal step);
    * ``JAC_TIMES``: ``vout[i] = grad h_i(x)^T vin``;
    * ``LOWER_BOUND``: a lower bound of ``min f0`` built from ``x`` (where ``f0`` is the
      Lagrange dual of a maximisation: the value of a feasible point of that problem), or
      ``-inf`` where the oracle has none.

    It stops (converged) once the surrogate gap is below ``gap_rel (1 + |f0|)`` and either
    the dual residual is below ``gap_rel (1 + ||grad f0||)`` or ``f0`` is within
    ``gap_rel (1 + |f0|)`` of the lower bound: a certified duality gap. The second test ends
    solves whose dual optimum is not unique in the direction the residual measures (a
    constraint of the primal inactive with its multiplier at 0, where the Lagrangian's
    maximiser is 0/0 and the residual shrinks by a few percent per iteration).

    Returns ``(iterations, converged)``.
    """
    nx = x.shape[0]
    s = np.empty(m)
    lam = np.empty(m)
    dlam = np.empty(m)
    jdx = np.empty(m)
    dx = np.empty(nx)
    rd = np.empty(nx)
    x_new = np.empty(nx)
    s_new = np.empty(m)
    lam_new = np.empty(m)
    f0 = oracle(SLACKS, x, data, b, lam, s, 0.0, dx, dx)
    for i in range(m):  # start with a gap eta = start_gap (1 + |f0|)
        lam[i] = start_gap * (1.0 + abs(f0)) / (m * s[i])
    oracle(DUAL_RESIDUAL, x, data, b, lam, s, 0.0, dx, rd)
    for it in range(PD_MAX_ITER):  # rd: the dual residual at (x, lam), kept from the search
        eta = 0.0
        for i in range(m):
            eta += s[i] * lam[i]
        if eta <= gap_rel * (1.0 + abs(f0)):  # then the dual residual (grad f0 into x_new)
            rd_norm = 0.0
            for k in range(nx):
                rd_norm = max(rd_norm, abs(rd[k]))
            dlam[:] = 0.0
            oracle(DUAL_RESIDUAL, x, data, b, dlam, s, 0.0, dx, x_new)
            g_norm = 0.0
            for k in range(nx):
                g_norm = max(g_norm, abs(x_new[k]))
            if rd_norm <= gap_rel * (1.0 + g_norm):
                return it, True
            bound = oracle(LOWER_BOUND, x, data, b, lam, s, 0.0, dx, dx)
            if f0 - bound <= gap_rel * (1.0 + abs(f0)):
                return it, True
        t = PD_MU * m / eta
        oracle(NEWTON, x, data, b, lam, s, t, dx, dx)
        oracle(JAC_TIMES, x, data, b, lam, s, t, dx, jdx)
        step = 1.0
        for i in range(m):
            dlam[i] = -lam[i] + 1.0 / (t * s[i]) + lam[i] * jdx[i] / s[i]
            if dlam[i] < 0.0:
                step = min(step, -lam[i] / dlam[i])
        step *= 0.99
        res = _residual_norm(rd, lam, s, t)
        while step > 1e-16:
            for k in range(nx):
                x_new[k] = x[k] + step * dx[k]
            for i in range(m):
                lam_new[i] = lam[i] + step * dlam[i]
            f_new = oracle(SLACKS, x_new, data, b, lam_new, s_new, 0.0, dx, dx)
            if f_new < np.inf:
                oracle(DUAL_RESIDUAL, x_new, data, b, lam_new, s_new, 0.0, dx, rd)
                if _residual_norm(rd, lam_new, s_new, t) <= (1.0 - PD_ALPHA * step) * res:
                    break
            step *= PD_BETA
        if step <= 1e-16:
            return it, False
        x[:] = x_new
        lam[:] = lam_new
        s[:] = s_new
        f0 = f_new
    return PD_MAX_ITER, False


@jit(inline="always")
def primal_dual_from(oracle, data, b, x, cold, m, gap_rel, previous):
    """:func:`primal_dual` from the solution ``previous`` of a nearby problem, else from ``cold``.

    Starts at :func:`warm_start` of ``previous`` (``start_gap`` :data:`WARM_GAP`) when it is
    usable, and from the strictly feasible ``cold`` (:data:`COLD_GAP`) when it is not or when
    the warm run does not converge (both runs' iterations are counted). ``x`` gets the result;
    ``previous`` becomes it, or ``-1`` (unusable) when the method did not converge, ready for
    the next problem of the sequence. Returns ``(iterations, converged)``.
    """
    warm = warm_start(previous, x)
    its = 0
    while True:  # one call site of the inlined method (compile time)
        if not warm:
            x[:] = cold
        more, ok = primal_dual(oracle, data, b, x, m, gap_rel, WARM_GAP if warm else COLD_GAP)
        its += more
        if ok or not warm:
            break
        warm = False  # a warm start that failed is repeated from the cold one
    if ok:
        previous[:] = x
    else:
        previous[:] = -1.0
    return its, ok


@jit
def warm_start(previous, x):
    """Fill ``x`` from ``previous``, the solution of a nearby problem constrained to ``x >= 0``.

    Entries below :data:`WARM_FLOOR` times the largest are raised to it, so the start is
    strictly inside (an entry at 0 is a slack at 0). Returns False, leaving ``x`` as it was,
    when ``previous`` is unusable (an entry not finite, or none positive).
    """
    top = 0.0
    for i in range(previous.shape[0]):
        if not np.isfinite(previous[i]):
            return False
        top = max(top, previous[i])
    if not top > 0.0:
        return False
    for i in range(previous.shape[0]):
        x[i] = max(previous[i], WARM_FLOOR * top)
    return True


@jit
def _residual_norm(rd, lam, s, t):
    """Euclidean norm of the primal-dual residual ``(r_dual, lam o s - 1/t)``."""
    acc = 0.0
    for k in range(rd.shape[0]):
        acc += rd[k] * rd[k]
    for i in range(s.shape[0]):
        rc = lam[i] * s[i] - 1.0 / t
        acc += rc * rc
    return math.sqrt(acc)


@jit
def cholesky_solve(A, b):
    """Solve ``A x = b`` for symmetric positive definite ``A`` into ``b``.

    Reads the lower triangle of ``A`` and overwrites it with the Cholesky factor ``L``
    (``A = L L^T``). For the small Woodbury cores of P5 this is about twice as fast as
    ``np.linalg.solve`` (no copies, no pivoting, half the arithmetic).
    """
    n = b.shape[0]
    for j in range(n):
        acc = A[j, j]
        for k in range(j):
            acc -= A[j, k] * A[j, k]
        diag = math.sqrt(acc)
        A[j, j] = diag
        for r in range(j + 1, n):
            acc = A[r, j]
            for k in range(j):
                acc -= A[r, k] * A[j, k]
            A[r, j] = acc / diag
    for r in range(n):  # L y = b
        acc = b[r]
        for k in range(r):
            acc -= A[r, k] * b[k]
        b[r] = acc / A[r, r]
    for r in range(n - 1, -1, -1):  # L^T x = y
        acc = b[r]
        for k in range(r + 1, n):
            acc -= A[k, r] * b[k]
        b[r] = acc / A[r, r]
