"""Pure-NumPy reference twins of the AAUC kernels (tests and benchmarks only).

:func:`mirror_prox` repeats :func:`fastsec.kernels.mirror_prox.mirror_prox` operation by
operation in NumPy (same arguments, same in-place outputs), so tests can compare iterates and
benchmarks can measure what the Numba kernel buys.
"""

from __future__ import annotations

import numpy as np


def _dual(tmu, g, c, rho2, b2):
    gc, bn, rho = g * c, np.sqrt(b2), np.sqrt(rho2)
    if bn <= 2.0 * gc * rho:
        inner = b2 / (4.0 * gc) if gc > 0.0 else 0.0
    else:
        inner = rho * bn - gc * rho2
    return tmu + gc * rho2 + inner


def _prox(x, logeta, gx, gg, step, rho2):
    y = x + step * gx
    nrm2 = y @ y
    y = y * (np.sqrt(rho2 / nrm2) if nrm2 > rho2 else 1.0)
    le = logeta - step * gg
    le = le - le.max()
    return y, le - np.log(np.sum(np.exp(le)))


def _grads(R, t, c, rho2, x, eta):
    m = t.shape[0]
    b = R.T @ eta[:m]
    gx = b - 2.0 * eta[m] * c * x
    gg = np.append(R @ x + t, c * (rho2 - x @ x))
    return gx, gg, b @ b, eta[:m] @ t


def _kl(logp, logq):
    return np.sum(np.exp(logp) * (logp - logq))


def mirror_prox(R, t, c, rho2, x, logeta, L, backtrack, stop_gap, tol, max_iter,
                out_iters, out_gap):
    """NumPy twin of :func:`fastsec.kernels.mirror_prox.mirror_prox` (same signature)."""
    for ib in range(R.shape[0]):
        Rb, tb, cb, r2 = R[ib], t[ib], c[ib], rho2[ib]
        m = tb.shape[0]
        y, le, Lb = x[ib].copy(), logeta[ib].copy(), L[ib]
        it = 0
        while True:
            eta = np.exp(le)
            gx, gg, b2, tmu = _grads(Rb, tb, cb, r2, y, eta)
            p = gg.min()
            gap = _dual(tmu, eta[m], cb, r2, b2) - p
            if it >= max_iter or (stop_gap and gap <= tol * abs(p)):
                break
            while True:
                step = 0.5 / Lb
                yd, led = _prox(y, le, gx, gg, step, r2)
                gx2, gg2, _, _ = _grads(Rb, tb, cb, r2, yd, np.exp(led))
                yn, len_ = _prox(y, le, gx2, gg2, step, r2)
                if not backtrack:
                    break
                lhs = step * ((gx - gx2) @ (yd - yn) + (gg2 - gg) @ (np.exp(led) - np.exp(len_)))
                dist = (0.5 * (yd - y) @ (yd - y) + _kl(led, le)
                        + 0.5 * (yn - yd) @ (yn - yd) + _kl(len_, led))
                if lhs <= dist or Lb > 1e300:
                    Lb *= 0.8
                    break
                Lb *= 2.0
            move = np.sqrt((yn - y) @ (yn - y))
            y, le = yn, len_
            it += 1
            if not stop_gap and move < tol:
                eta = np.exp(le)
                gx, gg, b2, tmu = _grads(Rb, tb, cb, r2, y, eta)
                gap = _dual(tmu, eta[m], cb, r2, b2) - gg.min()
                break
        x[ib], logeta[ib], L[ib] = y, le, Lb
        out_iters[ib], out_gap[ib] = it, gap
