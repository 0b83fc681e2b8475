"""Plain NumPy/scipy twins of the AAUC kernels, for tests and benchmarks only.

They follow the paper's formulas literally and share no code with the kernels:

- :func:`angular_matrix_quad`: eq. (12)/(16) with ``scipy.integrate.quad`` on the integrand
  written as in the paper (Cartesian positions).
- :func:`draw_numpy`: one drop with vectorised NumPy draws in the documented draw order of
  :mod:`fastsec.kernels.aauc.channels` (so it reproduces the kernel's numbers).
- :func:`eavesdropper_channel_samples`: h_E(ρ, φ, δ) of eq. (8)-(9) for ρ ~ U(0, D_K), the
  Monte-Carlo simulation of the signal model behind eq. (10) and (47).
- :func:`mirror_prox`: :func:`fastsec.kernels.optim.mirror_prox.mirror_prox` (eq. (34), (40))
  repeated operation by operation in NumPy (same arguments, same in-place outputs).
- :func:`secrecy_average_numpy`: the eq. (10) kernel's inner sums with NumPy/BLAS.
- :func:`sco_cvx`: SCO written as a CVX user writes it (benchmark reference).
- :func:`sco_cvx_dpp`: the same problem built once with cvxpy parameters (DPP), independent
  of :mod:`fastsec.aauc.sco`'s scaled form (benchmark reference of the compiled SCO).
"""

from __future__ import annotations

import math

import cvxpy as cp
import numpy as np
from scipy import integrate

from fastsec.aauc.closed_form import closed_form_point
from fastsec.aauc.problem import P2Data, eve_leak, p2_objective
from fastsec.aauc.scenario import Drop, Scenario
from fastsec.units import LN2


def angular_matrix_quad(D: np.ndarray, theta: np.ndarray, alpha: float, rho0: float,
                        beta_rad: float = 0.0, epsrel: float = 1e-12) -> np.ndarray:
    """J_1..J_{K-1} of eq. (16) by ``scipy.integrate.quad``, one call per user (shape (K,) in)."""
    D_K, th_K = float(D[-1]), float(theta[-1])
    cK, sK, t2 = math.cos(th_K), math.sin(th_K), math.tan(beta_rad) ** 2
    out = np.empty(len(D) - 1)
    for k in range(len(D) - 1):
        xk, yk = D[k] * math.cos(theta[k]), D[k] * math.sin(theta[k])

        def f(rho, xk=xk, yk=yk):
            return ((rho * cK - xk) ** 2 + (rho * sK - yk) ** 2 + rho * rho * t2) ** (-alpha / 2)

        closest = (xk * cK + yk * sK) / (1.0 + t2)
        points = [closest] if 0.0 < closest < D_K else None
        val, _ = integrate.quad(f, 0.0, D_K, points=points, epsabs=0.0, epsrel=epsrel,
                                limit=200)
        out[k] = rho0 / D_K * val
    return out


def draw_numpy(scenario: Scenario, rng: np.random.Generator) -> Drop:
    """One drop drawn with vectorised NumPy, in the kernel's draw order ("segment" placement).

    A straightforward per-drop implementation of eq. (1)-(2) and (9): the benchmark baseline
    and an independent check of the kernel's formulas.
    """
    s = scenario
    K, N, kr = s.K, s.N, s.kr
    if s.common_distance_m is None:
        D = rng.uniform(s.d_min_m, s.d_max_m, K)
    else:
        D = np.full(K, float(s.common_distance_m))
    theta = rng.uniform(-np.pi, np.pi, K)
    D_E = rng.uniform(0.0, D[-1])
    theta_E = theta[-1]
    los, nlos = math.sqrt(kr / (1 + kr)), math.sqrt(1 / (1 + kr))

    def ula(dist, ang, nlos_part):
        steer = np.exp(-1j * np.pi * np.arange(N) * np.sin(ang)[..., None])
        pl = np.sqrt(s.rho0 * dist ** (-s.alpha))[..., None]
        return pl * (los * steer + nlos * nlos_part)

    g = ula(D, theta, _complex_normals(rng, (K, N)))
    g_E = ula(np.float64(D_E), np.float64(theta_E), _complex_normals(rng, N))
    pos = D * np.exp(1j * theta)  # positions as complex numbers x + j y
    h_K = _link(rng, np.abs(pos[:-1] - pos[-1]), s, los, nlos)
    h_E = _link(rng, np.abs(pos[:-1] - D_E * np.exp(1j * theta_E)), s, los, nlos)
    return Drop(scenario=s, D=D, theta=theta, D_E=float(D_E), theta_E=float(theta_E), g=g,
                h_K=h_K, h_E=h_E, g_E=g_E)


def _complex_normals(rng: np.random.Generator, shape) -> np.ndarray:
    """CN(0, 1) samples; real and imaginary parts interleaved in draw order."""
    pairs = rng.standard_normal((*np.atleast_1d(shape), 2))
    return pairs.view(np.complex128)[..., 0] / math.sqrt(2)


def _link(rng, dist, s, los, nlos):
    phi = rng.uniform(-np.pi, np.pi, dist.shape)
    delta = _complex_normals(rng, dist.shape)
    return np.sqrt(s.rho0 * dist ** (-s.alpha)) * (los * np.exp(1j * phi) + nlos * delta)


def eavesdropper_channel_samples(drop: Drop, rng: np.random.Generator, samples: int
                                 ) -> np.ndarray:
    """h_E(ρ, {φ_k, δ_k}) of eq. (9) with ρ ~ U(0, D_K) on the segment, shape (samples, K-1).

    The eavesdropper sits at ground distance ρ along θ_K at height ρ tan β (eq. (15)).
    """
    s = drop.scenario
    kr = s.kr
    rho = rng.uniform(0.0, drop.D[-1], (samples, 1))
    ex, ey = rho * math.cos(drop.theta[-1]), rho * math.sin(drop.theta[-1])
    ux, uy = drop.D[:-1] * np.cos(drop.theta[:-1]), drop.D[:-1] * np.sin(drop.theta[:-1])
    d = np.sqrt((ex - ux) ** 2 + (ey - uy) ** 2 + (rho * math.tan(s.beta_rad)) ** 2)
    phi = rng.uniform(-np.pi, np.pi, d.shape)
    delta = (rng.standard_normal(d.shape) + 1j * rng.standard_normal(d.shape)) / math.sqrt(2)
    mix = math.sqrt(kr / (1 + kr)) * np.exp(1j * phi) + math.sqrt(1 / (1 + kr)) * delta
    return np.sqrt(s.rho0 * d ** (-s.alpha)) * mix


def secrecy_average_numpy(amp: np.ndarray, weights: np.ndarray, conj_mix: np.ndarray,
                          w: np.ndarray, R: np.ndarray, sigma: np.ndarray
                          ) -> tuple[np.ndarray, np.ndarray]:
    """NumPy twin of ``kernels.aauc.secrecy.secrecy_average_batch``: (mean, mean of squares)."""
    T, M = w.shape[0], conj_mix.shape[1]
    mean, mean_sq = np.empty(T), np.empty(T)
    for t in range(T):
        leak = np.abs(amp @ (conj_mix * w[t][:, None])) ** 2  # |h_E(rho_j)^H w|^2, (n_rho, M)
        y = weights @ np.maximum(R[t] - 0.5 * np.log2(1.0 + leak / sigma[t]), 0.0)
        mean[t], mean_sq[t] = y.sum() / M, (y * y).sum() / M
    return mean, mean_sq


# --- mirror-prox twin (BFOM, Sec. V-B) ---------------------------------------------

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


def mirror_prox(R, t, c, rho2, x, logeta, L, options, out_iters, out_gap):
    """NumPy twin of :func:`fastsec.kernels.optim.mirror_prox.mirror_prox` (same signature)."""
    backtrack, stop_gap, tol, max_iter = options
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


def sco_cvx(data: P2Data, iters: int, solver: str = "CLARABEL") -> np.ndarray:
    """SCO as a CVX user writes it: P2[n+1] (eq. (21)-(23)) rebuilt every iteration.

    Variables z ∈ C^{N-1} and w ∈ C^{K-1} as the paper states them (no row-space
    reduction, no scaling), started from the closed-form point like
    :func:`fastsec.aauc.sco.sco`, for exactly ``iters`` iterations. Returns the P2 objective
    after each iteration, shape (iters + 1,) [bit/s/Hz]. Benchmarks only.
    """
    z, w = closed_form_point(data)
    history = [p2_objective(data, z, w)]
    for _ in range(iters):
        zv = cp.Variable(data.Hs.shape[1], complex=True)
        wv = cp.Variable(data.n_help, complex=True)
        t = cp.Variable()
        a, b = data.Hs @ z, np.vdot(data.hs, w)
        e_s = eve_leak(data, w)
        lin_users = 2 * cp.real(cp.multiply(np.conj(a), data.Hs @ zv)) - np.abs(a) ** 2
        lin_k = 2 * cp.real(np.conj(b) * (data.hs.conj() @ wv)) - abs(b) ** 2
        eve = cp.sum(cp.multiply(data.je, cp.square(cp.abs(wv))))
        objective = cp.log(1 + t) / (2 * LN2) - (eve - e_s) / (2 * LN2 * (1 + e_s))
        constraints = [t <= lin_users, t <= lin_k,
                       cp.sum_squares(zv) + cp.sum_squares(wv) <= 2 * data.pmax]
        cp.Problem(cp.Maximize(objective), constraints).solve(solver=solver)
        z, w = np.asarray(zv.value), np.asarray(wv.value)
        history.append(p2_objective(data, z, w))
    return np.array(history)


def sco_cvx_dpp(data: P2Data, iters: int, solver: str = "CLARABEL") -> np.ndarray:
    """SCO with P2[n+1] (eq. (21)-(23)) built once as a DPP problem, as a CVX user would.

    The problem of :func:`sco_cvx` (z ∈ C^{N-1}, w ∈ C^{K-1} as the paper states them,
    unscaled), with the expansion point's amplitudes and the eavesdropper's linearisation
    weight as cvxpy parameters; each iteration writes them and re-solves. Started from the
    closed-form point, ``iters`` iterations. Returns the P2 objective after each iteration,
    shape (iters + 1,) [bit/s/Hz]. Benchmarks only.
    """
    m, n1 = data.Hs.shape
    zv, wv, t = cp.Variable(n1, complex=True), cp.Variable(m, complex=True), cp.Variable()
    a, b = cp.Parameter(m, complex=True), cp.Parameter(complex=True)
    a2, b2 = cp.Parameter(m), cp.Parameter()
    weight = cp.Parameter(nonneg=True)  # 1 / (2 ln 2 (1 + λ w*^H J w*/σ_E²))
    lin_users = 2 * cp.real(cp.multiply(cp.conj(a), data.Hs @ zv)) - a2
    lin_k = 2 * cp.real(cp.conj(b) * (data.hs.conj() @ wv)) - b2
    eve = cp.sum(cp.multiply(data.je, cp.square(cp.abs(wv))))
    problem = cp.Problem(cp.Maximize(cp.log(1 + t) / (2 * LN2) - weight * eve),
                         [t <= lin_users, t <= lin_k,
                          cp.sum_squares(zv) + cp.sum_squares(wv) <= 2 * data.pmax])
    z, w = closed_form_point(data)
    history = [p2_objective(data, z, w)]
    for _ in range(iters):
        a.value, b.value = data.Hs @ z, np.vdot(data.hs, w)
        a2.value, b2.value = np.abs(a.value) ** 2, abs(b.value) ** 2
        weight.value = 1.0 / (2 * LN2 * (1 + eve_leak(data, w)))
        problem.solve(solver=solver)
        z, w = np.asarray(zv.value), np.asarray(wv.value)
        history.append(p2_objective(data, z, w))
    return np.array(history)
