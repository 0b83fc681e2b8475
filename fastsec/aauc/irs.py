"""IRS-based AAUC: problem Q2 solved by SCO (paper 000, Sec. VI, eq. (44)-(45)).

IRS elements at the helping users reflect c_k = (g_k^H v) u_k, |u_k| ≤ 1, towards user K in
the same (single) phase. Q2 maximises R − log2(1 + λ c^H J c / σ_E²) subject to
‖v‖² ≤ P_max, g_K^H v = 0, R ≤ log2(1 + |g_k^H v|²/σ²) (k < K), R ≤ log2(1 + |h_K^H c|²/σ²)
and |c_k|² ≤ |g_k^H v|². The SCO step linearises the convex |·|² terms on the constraint
right-hand sides and the log of the eavesdropper term at the current point (both give
inner approximations, so each step is feasible and the objective non-decreasing), and is a
once-built DPP problem like :mod:`fastsec.aauc.sco`, with v = U Q β as there.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np
from scipy import sparse

from fastsec.aauc.closed_form import asymptotic_point
from fastsec.aauc.problem import P2Data, Solution, eve_leak, row_space
from fastsec.aauc.sco import SCA_TOL, checked_solve, log_snr_params, real_map, sca_single


def _q2(data: P2Data, z: np.ndarray, c: np.ndarray) -> tuple[float, float]:
    """(Q2 objective, users' common rate R) [bit/s/Hz] (eq. (45)); c in units of σ."""
    snr = np.abs(data.Hs @ z) ** 2
    snr_k = data.sigma2 * abs(np.vdot(data.hs, c)) ** 2
    rate = float(np.log2(1.0 + min(snr.min(), snr_k)))
    leak_model = np.log2(1.0 + data.sigma2 * eve_leak(data, c))
    return float(rate - leak_model), rate


def irs(data: P2Data, *, iters: int = 20, tol: float = SCA_TOL, solver: str = "CLARABEL",
        rebuild: bool = False) -> Solution:
    """IRS-based AAUC by SCO on Q2 (paper 000, eq. (45)).

    Parameters
    ----------
    data : P2Data
        Arrays of the drop.
    iters, tol, solver, rebuild :
        As in :func:`fastsec.aauc.sco.sco`.

    Returns
    -------
    Solution
        ``w`` holds the reflected amplitudes c [√W] (eq. (45)), ``extras["u"]`` the IRS
        coefficients u_k = c_k / g_k^H v, ``power_w`` is ‖v‖² [W]. Start: z along Prop. 2
        at full power, c_k = 0.99 |g_k^H v| e^{j arg h_k}.

    """
    scale = np.sqrt(data.pmax)
    basis, hq = row_space(data.Hs)
    r, m = basis.shape[1], data.n_help
    u_r, u_i = real_map(scale * hq)
    h = np.sqrt(data.sigma2) * data.hs  # c is in units of σ, so SNR_K = |h^H c|²
    # the variable is ĉ = c / cmax with cmax_k = √P_max ‖U^H g_k‖/σ ≥ |c_k|, so |ĉ_k| ≤ 1
    cmax = scale * np.linalg.norm(data.Hs, axis=1)
    h_r, h_i = real_map(h.conj() * cmax)
    inv = sparse.diags(1.0 / cmax ** 2)
    rows_r, rows_i = inv @ u_r, inv @ u_i
    weights = np.sqrt(data.sigma2 * data.je) * cmax

    def eve_snr(c):  # λ c^H J c / σ_E² with c in units of σ
        return data.sigma2 * eve_leak(data, c)

    def build(p):
        y, c, t = cp.Variable(2 * r), cp.Variable(2 * m), cp.Variable()
        leak = cp.Variable(nonneg=True)
        lin_users = 2 * cp.multiply(p["mr"], u_r @ y) + 2 * cp.multiply(p["mi"], u_i @ y)
        arg_k = 2 * p["hr"] * (h_r @ c) + 2 * p["hi"] * (h_i @ c) + p["h0"]
        # |c_k|² ≤ |g_k^H v|² / σ², right side linearised at the current amplitudes
        snr_lin = (2 * cp.multiply(p["ar"], rows_r @ y) + 2 * cp.multiply(p["ai"], rows_i @ y)
                   - p["a2"])
        cons = [cp.multiply(p["ratio"], t) <= lin_users + p["c0"], p["hratio"] * t <= arg_k,
                cp.norm(y, 2) <= 1, cp.square(c[:m]) + cp.square(c[m:]) <= snr_lin,
                cp.sum_squares(cp.multiply(p["leak_w"], c)) <= leak]
        return cp.Problem(cp.Maximize(cp.log(t) - leak), cons), y, c

    names: dict[str, int | tuple[int, ...]] = {
        "mr": m, "mi": m, "c0": m, "ratio": m, "ar": m, "ai": m, "a2": m, "hr": (), "hi": (),
        "h0": (), "hratio": (), "leak_w": 2 * m}
    if not rebuild:
        params = {k: cp.Parameter(shape, nonneg=k in ("ratio", "hratio", "leak_w"))
                  for k, shape in names.items()}
        built = build(params)

    def step(point):
        beta, c = point
        amp = data.Hs @ (basis @ beta)
        vals = {**log_snr_params(amp, np.vdot(h, c)),
                "ar": amp.real, "ai": amp.imag, "a2": np.abs(amp / cmax) ** 2,
                "leak_w": np.tile(weights / np.sqrt(1.0 + eve_snr(c)), 2)}
        if rebuild:
            problem, y, cvar = build(vals)
        else:
            problem, y, cvar = built
            for name, value in vals.items():
                params[name].value = value
        checked_solve(problem, solver)
        yv = y.value / max(1.0, float(np.linalg.norm(y.value)))
        beta_new = scale * (yv[:r] + 1j * yv[r:])
        c_new = cmax * (cvar.value[:m] + 1j * cvar.value[m:])
        # the solver meets |c_k| <= |g_k^H v|/σ to its tolerance only: clip onto it
        bound = np.abs(data.Hs @ (basis @ beta_new))
        c_new *= np.minimum(1.0, bound / np.maximum(np.abs(c_new), 1e-300))
        return beta_new, c_new

    z0, _ = asymptotic_point(data)
    beta0 = basis.conj().T @ z0
    beta0 *= scale / np.linalg.norm(beta0)
    amp0 = data.Hs @ (basis @ beta0)
    c0 = 0.99 * np.abs(amp0) * np.exp(1j * np.angle(h))
    (beta, c), run = sca_single((beta0, c0), step,
                                lambda point: _q2(data, basis @ point[0], point[1])[0],
                                iters=iters, tol=tol)
    z = basis @ beta
    objective, rate = _q2(data, z, c)
    v = data.v_of(z)
    c_w = np.sqrt(data.sigma2) * c
    u = c_w / (data.g[:-1].conj() @ v)
    return Solution(v=v, w=c_w, objective=objective, rate=rate,
                    power_w=float(np.real(np.vdot(v, v))), history=np.array(run.history),
                    iterations=len(run.history) - 1, converged=run.converged,
                    stop_reason=run.stop_reason, solver=solver, extras={"u": u})
