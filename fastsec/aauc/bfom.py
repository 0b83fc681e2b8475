"""BFOM-based AAUC for many users (paper 000, Sec. V-B), batched over drops.

w is fixed along h_K (w = √p h_K/‖h_K‖), which turns P2 into P4 (eq. (29)); P4 is solved by
SCO, each step (eq. (30)) being the ball-simplex saddle problem P5 (eq. (31)-(33)) handled by
the kernels of :mod:`fastsec.kernels.optim.mirror_prox`, followed by the power split τ of eq. (41).

Variants
--------
``"paper"``
    Sec. V-B as written: inner mirror-prox from y = 0, η = 1/K, fixed L = L̂/K (eq. (39)),
    stopped when ‖y^{m+1} − y^m‖ < ``inner_tol`` (1e-4) or after ``max_inner`` (3000)
    iterations (Remark 2); ``inner_stop="gap"`` stops on the relative saddle gap instead.
``"fast"``
    Same outer SCO and eq. (41), but each eq. (30) is solved exactly on the K-simplex
    (:func:`~fastsec.kernels.optim.mirror_prox.active_set`, warm-started from the previous outer
    active set), with the Gram matrix of eq. (33)'s rows obtained in O(K²) per outer
    iteration from Hs Hs^H; instances it cannot certify fall back to mirror-prox with
    backtracking L, warm-started from the previous outer solution, to ``inner_tol``
    (relative gap 1e-9). The number of fallbacks is reported.

Both work in the coordinates z = Q β, Q an orthonormal basis of range(Hs^H): an optimal z
lies there (P4 sees z only through Hs z and ‖z‖), and mirror-prox started from y = 0 never
leaves it, so this changes no iterate, only the cost (2 min(K-1, N-1) real unknowns).
"""

from __future__ import annotations

import numpy as np

from fastsec.aauc.closed_form import asymptotic_point
from fastsec.aauc.problem import P2Data, Solution, aauc_solution, p2_objective, row_space
from fastsec.aauc.scenario import SCA_ITERS
from fastsec.kernels.optim.mirror_prox import (
    MirrorProxOptions,
    active_set,
    mirror_prox,
    ray_split,
)
from fastsec.sca import Ascent, sca

#: Valid ``variant=`` values.
VARIANTS = ("paper", "fast")
#: Valid ``inner_stop=`` values: the paper's step rule or the relative saddle gap.
INNER_STOPS = ("step", "gap")


def _apply(A: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Batched matrix-vector product: (B, m, n) @ (B, n) -> (B, m)."""
    return (A @ x[:, :, None])[:, :, 0]


def p5_instance(Hq: np.ndarray, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows R_k and offsets t_k of eq. (33) at the expansion point z^[n] = Q β.

    Parameters
    ----------
    Hq : ndarray, shape (B, m, r), complex128
        Hs Q, the helpers' SNR-unit channels in the row-space coordinates.
    beta : ndarray, shape (B, r), complex128
        Expansion point [√W].

    Returns
    -------
    R : ndarray, shape (B, m, 2r), float64
        r_k of eq. (33) as real vectors on x = [Re β; Im β] (σ_k² absorbed in Hs).
    t : ndarray, shape (B, m), float64
        t_k = −|g_k^H U z^[n]|² / σ_k².

    """
    amp = _apply(Hq, beta)
    return p5_rows(Hq, amp), -np.abs(amp) ** 2


def p5_rows(Hq: np.ndarray, amp: np.ndarray) -> np.ndarray:
    """Rows R_k of eq. (33), shape (B, m, 2r), from ``amp`` = Hq β (see :func:`p5_instance`)."""
    rho = 2.0 * amp[:, :, None] * Hq.conj()
    return np.concatenate([rho.real, rho.imag], axis=2)


def power_split(Hq: np.ndarray, amp: np.ndarray, t: np.ndarray, c: np.ndarray,
                rho2: np.ndarray, y: np.ndarray) -> np.ndarray:
    """√τ of eq. (41) along ŷ = y/‖y‖ (see :func:`fastsec.kernels.optim.mirror_prox.ray_split`).

    R_k · ŷ = Re(2 conj(amp_k) (Hq ŷ_c)_k), ŷ_c = ŷ[:r] + i ŷ[r:], without forming R.

    Parameters
    ----------
    Hq : ndarray, shape (B, m, r), complex128
        Hs Q (:func:`p5_instance`).
    amp : ndarray, shape (B, m), complex128
        Hq β at the expansion point.
    t : ndarray, shape (B, m), float64
        Offsets t_k.
    c : ndarray, shape (B,), float64
        ‖h_K‖²/σ_K².
    rho2 : ndarray, shape (B,), float64
        2 P_max [W].
    y : ndarray, shape (B, 2r), float64
        Direction (the inner solver's x).

    Returns
    -------
    ndarray, shape (B,), float64
        √τ [√W].

    """
    yhat = y / np.linalg.norm(y, axis=1, keepdims=True)
    r = Hq.shape[2]
    a = 2.0 * np.real(amp.conj() * _apply(Hq, yhat[:, :r] + 1j * yhat[:, r:]))
    out = np.empty(a.shape[0])
    ray_split(a, np.ascontiguousarray(t), c, rho2, out)
    return out


def _p4_value(Hq: np.ndarray, beta: np.ndarray, c: np.ndarray, rho2: np.ndarray) -> np.ndarray:
    """Objective of P4 (eq. (29)) with p = 2 P_max − ‖z‖² [SNR, linear]."""
    users = np.min(np.abs(_apply(Hq, beta)) ** 2, axis=1)
    return np.minimum(users, c * (rho2 - np.sum(np.abs(beta) ** 2, axis=1)))


def bfom_batch(datas: list[P2Data], *, variant: str = "fast", iters: int = SCA_ITERS,
               tol: float = 1e-6, inner_stop: str | None = None, inner_tol: float | None = None,
               max_inner: int | None = None) -> list[Solution]:
    """BFOM-based AAUC for a batch of drops of one scenario (paper 000, Sec. V-B).

    Parameters
    ----------
    datas : list of P2Data
        Drops with the same N and K.
    variant : {"paper", "fast"}
        See the module docstring.
    iters : int
        Maximum outer SCO iterations on P4.
    tol : float
        Outer stop when the P4 objective gains less than ``tol`` relative.
    inner_stop : {"step", "gap"} or None
        Mirror-prox stopping rule; default ``"step"`` (paper) / ``"gap"`` (fast fallback).
    inner_tol : float or None
        Its tolerance; default 1e-4 for ``"step"`` (Remark 2), 1e-9 for ``"gap"``.
    max_inner : int or None
        Mirror-prox iteration cap; default 3000 (Remark 2) for the paper, 100000 otherwise.

    Returns
    -------
    list of Solution
        ``extras`` holds ``p4_history`` (P4 objective per outer iteration, linear SNR),
        ``inner_iterations`` and ``inner_gap`` (per outer iteration: mirror-prox iterations
        — 0 when the active set certified the step — and the saddle gap reached), and
        ``fallbacks`` (outer steps the fast variant handed to mirror-prox). The fast variant
        reports ``converged`` only if every inner step reached the ``inner_tol`` gap: the
        active set fails when more than 2 min(K-1, N-1) pieces would be active (N < K/2 + 1),
        and mirror-prox may then stop on ``max_inner`` short of the gap.

    """
    paper = variant == "paper"
    inner_stop = inner_stop or ("step" if paper else "gap")
    inner_tol = inner_tol if inner_tol is not None else (1e-4 if inner_stop == "step" else 1e-9)
    max_inner = max_inner if max_inner is not None else (3000 if paper else 100_000)
    nb, m = len(datas), datas[0].n_help
    Q, Hq = zip(*(row_space(d.Hs) for d in datas), strict=True)
    Hq = np.stack(Hq)
    c = np.array([np.real(np.vdot(d.hs, d.hs)) for d in datas])
    rho2 = np.array([2.0 * d.pmax for d in datas])
    gram = Hq @ Hq.conj().transpose(0, 2, 1) if not paper else None
    beta = np.stack([q.conj().T @ asymptotic_point(d)[0] for d, q in zip(datas, Q, strict=True)])
    r = Hq.shape[2]
    logeta = np.full((nb, m + 1), -np.log(m + 1.0))
    L = np.ones(nb)
    active = np.ones((nb, m), dtype=bool)
    if m > 2 * r:  # more pieces than dimensions: start from the weakest users
        active[:] = False
        weakest = np.argsort(np.abs(_apply(Hq, beta)), axis=1)[:, : 2 * r]
        np.put_along_axis(active, weakest, True, axis=1)

    def point(b, beta_b):
        d = datas[b]
        p = rho2[b] - np.real(np.vdot(beta_b, beta_b))
        return Q[b] @ beta_b, np.sqrt(max(p, 0.0)) * d.hs / np.sqrt(c[b])

    hist = [[p2_objective(datas[b], *point(b, beta[b]))] for b in range(nb)]
    # the fast variant drops a step that lowers P4 by more than tol; the paper's keeps it
    runs = [Ascent(value, tol=tol, slack=tol, reject=not paper)
            for value in _p4_value(Hq, beta, c, rho2)]
    inner_its: list[list[int]] = [[] for _ in range(nb)]
    inner_gaps: list[list[float]] = [[] for _ in range(nb)]
    fallbacks = np.zeros(nb, dtype=np.int64)
    candidates: list[np.ndarray] = []

    def step(idx):
        amp = _apply(Hq[idx], beta[idx])
        t = -np.abs(amp) ** 2
        x = np.zeros((idx.size, 2 * r))
        its = np.zeros(idx.size, dtype=np.int64)
        gap = np.full(idx.size, np.inf)
        if paper:
            le = np.full((idx.size, m + 1), -np.log(m + 1.0))
            R = p5_rows(Hq[idx], amp)
            lhat = np.maximum(np.linalg.norm(R, axis=2).max(axis=1),
                              2.0 * c[idx] * np.maximum(np.sqrt(rho2[idx]), 1.0))
            Lb = lhat / (m + 1)
            mirror_prox(R, t, c[idx], rho2[idx], x, le, Lb,
                        MirrorProxOptions(False, inner_stop == "gap", inner_tol, max_inner), its,
                        gap)
        else:
            assert gram is not None  # built whenever the paper variant is off
            M = 4.0 * np.real(amp.conj()[:, :, None] * amp[:, None, :] * gram[idx])
            act = active[idx]
            nu = np.zeros((idx.size, m))
            ok = np.zeros(idx.size, dtype=bool)
            active_set(M, t, c[idx], rho2[idx], act, 4 * m + 10, nu, gap, ok)
            active[idx] = act
            xc = 2.0 * _apply(Hq[idx].conj().transpose(0, 2, 1), nu * amp)
            x = np.concatenate([xc.real, xc.imag], axis=1)
            g = 1.0 / (1.0 + 2.0 * c[idx] * nu.sum(axis=1))
            gam = np.concatenate([2.0 * (g * c[idx])[:, None] * nu, g[:, None]], axis=1)
            le = np.log(np.maximum(gam, 1e-300))
            le -= np.log(np.exp(le).sum(axis=1, keepdims=True))
            bad = np.flatnonzero(~ok)
            if bad.size:
                fallbacks[idx[bad]] += 1
                xb = np.concatenate([beta[idx[bad]].real, beta[idx[bad]].imag], axis=1)
                leb = logeta[idx[bad]]
                Lf, itf, gf = L[idx[bad]], np.zeros(bad.size, dtype=np.int64), gap[bad]
                mirror_prox(p5_rows(Hq[idx[bad]], amp[bad]), t[bad], c[idx[bad]],
                            rho2[idx[bad]], xb, leb, Lf,
                            MirrorProxOptions(True, inner_stop == "gap", inner_tol, max_inner),
                            itf, gf)
                x[bad], le[bad], L[idx[bad]], its[bad], gap[bad] = xb, leb, Lf, itf, gf
            logeta[idx] = le
        s = power_split(Hq[idx], amp, t, c[idx], rho2[idx], x)
        xn = x / np.linalg.norm(x, axis=1, keepdims=True) * s[:, None]
        new_beta = xn[:, :r] + 1j * xn[:, r:]
        new_p4 = _p4_value(Hq[idx], new_beta, c[idx], rho2[idx])
        for j, b in enumerate(idx.tolist()):
            inner_its[b].append(int(its[j]))
            inner_gaps[b].append(float(gap[j]))
        candidates[:] = [new_beta]
        return [float(v) for v in new_p4]

    def accept(b, j):
        beta[b] = candidates[0][j]
        hist[b].append(p2_objective(datas[b], *point(b, beta[b])))

    sca(runs, step, accept, iters)
    out = []
    for b, run in enumerate(runs):
        extras = {"variant": variant, "p4_history": np.array(run.history),
                  "inner_iterations": np.array(inner_its[b], dtype=np.int64),
                  "inner_gap": np.array(inner_gaps[b]), "fallbacks": int(fallbacks[b])}
        # the fast variant claims convergence only with every inner step certified
        certified = paper or all(g <= inner_tol * abs(p) for g, p in
                                 zip(inner_gaps[b], run.history[1:], strict=False))
        out.append(aauc_solution(datas[b], *point(b, beta[b]), history=hist[b],
                                 converged=run.converged and certified,
                                 stop_reason=run.stop_reason, solver="numba", extras=extras))
    return out
