"""Non-negative least squares by the active-set method of Lawson and Hanson (knows no paper).

:func:`nnls` minimises ``‖A x − b‖`` over ``x >= 0`` (Lawson & Hanson, *Solving Least Squares
Problems*, 1974, ch. 23, algorithm NNLS): columns enter the passive set by the largest
positive gradient ``A^T (b − A x)``; each least-squares solve on the passive columns that
leaves a coordinate <= 0 is followed by a step back to the boundary and the removal of the
coordinates that reach zero.

When the unconstrained least-squares solution is > 0 it is the solution, and a back
substitution finds it; otherwise the active-set method starts from x = 0.

``A`` (m × p) is first reduced by one Householder QR: ``A = Q R`` with ``r = min(m, p)`` rows
of R kept and ``c = Q^T b``, so that ``‖A x − b‖² = ‖R x − c‖² + ‖b_⊥‖²`` and every later
least-squares solve costs O(p³) instead of O(m p²). The tests use the same algorithm in
:func:`scipy.optimize.nnls` as the reference.

Floating-point guards (where exact arithmetic needs none), as in Lawson and Hanson's code:
a column with a positive gradient that is numerically dependent on the passive ones (pivot
below ``10 (r + p) ε`` times its norm), or whose coefficient is <= 0 right after it entered
(impossible in exact arithmetic), is set aside until the point moves again; ``maxiter``
bounds the solves.
"""

from __future__ import annotations

import math

import numpy as np

from .._jit import jit

_EPS = np.finfo(np.float64).eps


@jit
def _reflect(a, col, stop, v, s):
    """Householder step zeroing column ``col`` of ``a`` below its diagonal.

    Applied to the columns ``col + 1 .. stop - 1``; ``v``, ``s`` are work vectors. Returns
    False for a zero column. Row by row, so that the column dot products are independent sums.
    """
    m = a.shape[0]
    norm = 0.0
    for i in range(col, m):
        norm += a[i, col] ** 2
    norm = math.sqrt(norm)
    if norm == 0.0:
        return False
    head = a[col, col]
    alpha = -norm if head >= 0.0 else norm
    for i in range(col, m):
        v[i] = a[i, col]
    v[col] -= alpha
    scale = 1.0 / (norm * (norm + abs(head)))  # 2 / v^T v
    for k in range(col + 1, stop):
        s[k] = 0.0
    for i in range(col, m):
        vi = v[i]
        for k in range(col + 1, stop):
            s[k] += vi * a[i, k]
    for k in range(col + 1, stop):
        s[k] *= scale
    for i in range(col, m):
        vi = v[i]
        for k in range(col + 1, stop):
            a[i, k] -= s[k] * vi
    a[col, col] = alpha
    for i in range(col + 1, m):
        a[i, col] = 0.0
    return True


@jit
def _passive_lstsq(rc, passive, sol, work, v, s):
    """Least squares of ``R[:, passive] sol = c`` into ``sol`` (zeros off the passive set).

    ``rc`` is ``[R | c]``. Returns False when the passive columns are numerically dependent.
    """
    r, p = rc.shape[0], rc.shape[1] - 1
    q = 0
    for j in range(p):
        if passive[j]:
            for i in range(r):
                work[i, q] = rc[i, j]
            q += 1
    if q > r:
        return False
    for i in range(r):
        work[i, q] = rc[i, p]
    sub = work[:, :q + 1]
    for k in range(q):
        norm = 0.0
        for i in range(k, r):
            norm += sub[i, k] ** 2
        for i in range(k):
            norm += sub[i, k] ** 2
        if not _reflect(sub, k, q + 1, v, s):
            return False
        if abs(sub[k, k]) <= 10.0 * (r + p) * _EPS * math.sqrt(norm):
            return False
    for k in range(q - 1, -1, -1):  # back substitution into the last column
        acc = sub[k, q]
        for t in range(k + 1, q):
            acc -= sub[k, t] * sub[t, q]
        sub[k, q] = acc / sub[k, k]
    q = 0
    for j in range(p):
        sol[j] = 0.0
        if passive[j]:
            sol[j] = sub[q, -1]
            q += 1
    return True


@jit
def _unconstrained(rc, x):
    """Unconstrained least squares of a square, numerically regular ``[R | c]`` into ``x``.

    Returns True when it exists and is > 0 (then it is the NNLS solution, at ‖R x − c‖ = 0).
    """
    r, p = rc.shape[0], rc.shape[1] - 1
    if r != p:
        return False
    for k in range(p - 1, -1, -1):
        norm = 0.0
        for i in range(k + 1):
            norm += rc[i, k] ** 2
        if abs(rc[k, k]) <= 10.0 * (r + p) * _EPS * math.sqrt(norm):
            return False
        acc = rc[k, p]
        for t in range(k + 1, p):
            acc -= rc[k, t] * x[t]
        x[k] = acc / rc[k, k]
        if not x[k] > 0.0:
            return False
    return True


@jit
def nnls(a, b, maxiter, x):
    """Minimise ``‖a x − b‖`` over ``x >= 0`` (module docstring); ``a``, ``b`` are not changed.

    Parameters
    ----------
    a : float64 (m, p)
        The matrix A.
    b : float64 (m,)
        The right-hand side.
    maxiter : int
        Cap on the least-squares solves (as ``scipy.optimize.nnls``'s ``maxiter``).
    x : float64 (p,)
        Output: the solution (feasible, >= 0, also when the cap is hit).

    Returns
    -------
    rnorm : float
        ``‖a x − b‖``.
    iterations : int
        Least-squares solves used; ``maxiter + 1`` when the cap stopped the method.

    """
    m, p = a.shape
    ab = np.empty((m, p + 1))  # [a | b], reduced in place to [R | c] in its first r rows
    ab[:, :p] = a
    ab[:, p] = b
    v = np.empty(m)
    s = np.empty(p + 1)
    r = min(m, p)
    for j in range(r):
        _reflect(ab, j, p + 1, v, s)
    perp = 0.0
    for i in range(r, m):
        perp += ab[i, p] ** 2
    rnorm, iterations = reduced_nnls(ab[:r], maxiter, x)
    return math.sqrt(perp + rnorm ** 2), iterations


@jit
def reduced_nnls(rc, maxiter, x):
    """:func:`nnls` on the reduced problem ``rc = [R | c]``.

    R (r, p) is upper triangular (trapezoidal when r < p): minimise ``‖R x − c‖`` over
    ``x >= 0``; returns that norm and the iterations as :func:`nnls` does. ``rc`` is not
    changed.
    """
    r, p = rc.shape[0], rc.shape[1] - 1
    if _unconstrained(rc, x):  # feasible: it is the solution (one back substitution)
        return 0.0, 1
    passive = np.zeros(p, dtype=np.bool_)
    aside = np.zeros(p, dtype=np.bool_)
    sol = np.empty(p)
    res = np.empty(r)  # c − R x
    work = np.empty((r, p + 1))
    v = np.empty(max(r, 1))
    s = np.empty(p + 1)
    for i in range(r):
        res[i] = rc[i, p]
    x[:] = 0.0
    iterations = 0
    while iterations <= maxiter:
        best, wbest = -1, 0.0
        for j in range(p):
            if passive[j] or aside[j]:
                continue
            wj = 0.0
            for i in range(min(j + 1, r)):
                wj += rc[i, j] * res[i]
            if wj > wbest:
                best, wbest = j, wj
        if best < 0:
            break
        passive[best] = True
        entered = True
        while True:
            iterations += 1
            if iterations > maxiter:
                break
            ok = _passive_lstsq(rc, passive, sol, work, v, s)
            if entered and (not ok or sol[best] <= 0.0):  # noise or dependence: set aside
                passive[best] = False
                aside[best] = True
                break
            entered = False
            if not ok:
                break
            alpha, hit = 2.0, -1
            for j in range(p):
                if passive[j] and sol[j] <= 0.0:
                    t = x[j] / (x[j] - sol[j])
                    if t < alpha:
                        alpha, hit = t, j
            if hit < 0:
                x[:] = sol
                aside[:] = False
                break
            for j in range(p):
                if passive[j]:
                    x[j] += alpha * (sol[j] - x[j])
                    if j == hit or x[j] <= 0.0:
                        x[j] = 0.0
                        passive[j] = False
        for i in range(r):
            acc = rc[i, p]
            for k in range(i, p):
                acc -= rc[i, k] * x[k]
            res[i] = acc
    total = 0.0
    for i in range(r):
        total += res[i] ** 2
    return math.sqrt(total), iterations
