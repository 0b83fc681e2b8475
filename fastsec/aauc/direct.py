"""Baselines: direct multicast transmission and the hybrid strategy (paper 000, Sec. VII).

Direct transmission multicasts from the BS to all K users in one phase with ‖v‖² ≤ P_max:
max–min SNR beamforming by successive conic quadratic programming (ref. [54]: each step
maximises t subject to 2 Re(conj(g_k^H v*) g_k^H v) − |g_k^H v*|² ≥ t σ² and one norm
constraint, a once-built DPP problem with ``exact=True``; by default the same step in the
compiled kernel of SCO, :func:`fastsec.aauc.sco.compiled_sca`, with no helpers and v in the
row space of the users' channels). Its secrecy rate is
[log2(1 + min_k SNR_k) − log2(1 + |g_E^H v|²/σ_E²)]^+ with the drop's realised g_E
(:func:`fastsec.aauc.secrecy.realised_secrecy_rate` with one phase and w = 0).
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from fastsec.aauc.problem import P2Data, Solution, row_space
from fastsec.aauc.scenario import SCA_ITERS
from fastsec.aauc.sco import SCA_TOL, checked_solve, compiled_sca, real_map, sca_single


def _rate(data: P2Data, v: np.ndarray) -> float:
    """Multicast rate log2(1 + min_k |g_k^H v|²/σ²) [bit/s/Hz]."""
    snr = np.abs(data.g.conj() @ v) ** 2 / data.sigma2
    return float(np.log2(1.0 + snr.min()))


def direct(data: P2Data, *, iters: int = SCA_ITERS, tol: float = SCA_TOL, exact: bool = False,
           solver: str = "CLARABEL", rebuild: bool = False) -> Solution:
    """Max–min multicast beamforming to all K users by SCA (ref. [54]); one phase.

    Parameters
    ----------
    data : P2Data
        Arrays of the drop.
    iters, tol, exact, solver, rebuild :
        As in :func:`fastsec.aauc.sco.sco`; ``tol`` applies to the multicast rate.

    Returns
    -------
    Solution
        ``objective`` is the multicast rate log2(1 + min_k SNR_k) [bit/s/Hz], ``w`` is zero
        (no cooperation phase) and ``power_w`` is ‖v‖² [W]. Starts from the dominant
        eigenvector of Σ_k g_k g_k^H / ‖g_k‖² at full power.

    """
    scale = np.sqrt(data.pmax)
    gs = data.g.conj() / np.sqrt(data.sigma2)  # row k: g_k^H / σ
    unit = data.g / np.linalg.norm(data.g, axis=1, keepdims=True)
    # dominant eigenvector of Σ_k u_k u_k^H = U^T conj(U) through the K x K conj(U) U^T
    v0 = unit.T @ np.linalg.eigh(unit.conj() @ unit.T)[1][:, -1]
    v0 *= scale / np.linalg.norm(v0)
    if exact:
        v, run = _direct_cvxpy(gs, scale, v0, data, iters, tol, solver, rebuild)
        history, converged, stop_reason, extras = (run.history, run.converged,
                                                   run.stop_reason, {})
    else:
        basis, hq = row_space(gs)
        none = np.empty(0)
        out = compiled_sca(hq, none, none, data.pmax, basis.conj().T @ v0, none,
                           iters=iters, tol=tol)
        v = basis @ out["beta"]
        history, converged, stop_reason, extras = (out["history"], out["converged"],
                                                   out["stop_reason"], out["extras"])
        solver = "numba"
    rate = _rate(data, v)
    return Solution(v=v, w=np.zeros(data.n_help, dtype=np.complex128), objective=rate,
                    rate=rate, power_w=float(np.real(np.vdot(v, v))),
                    history=np.array(history), iterations=len(history) - 1,
                    converged=converged, stop_reason=stop_reason, solver=solver,
                    extras=extras)


def _direct_cvxpy(gs, scale, v0, data, iters, tol, solver, rebuild):
    """Run the reference path of :func:`direct`: each step a DPP cvxpy problem."""
    a_r, a_i = real_map(scale * gs)
    n_users, n = gs.shape

    def build(p):
        y, t = cp.Variable(2 * n), cp.Variable()
        lin = 2 * cp.multiply(p["mr"], a_r @ y) + 2 * cp.multiply(p["mi"], a_i @ y) - p["m2"]
        return cp.Problem(cp.Maximize(t), [lin >= t, cp.norm(y, 2) <= 1]), y

    if not rebuild:
        params = {"mr": cp.Parameter(n_users), "mi": cp.Parameter(n_users),
                  "m2": cp.Parameter(n_users)}
        built = build(params)

    def step(v):
        amp = gs @ v
        vals = {"mr": amp.real, "mi": amp.imag, "m2": np.abs(amp) ** 2}
        if rebuild:
            problem, y = build(vals)
        else:
            problem, y = built
            for name, value in vals.items():
                params[name].value = value
        checked_solve(problem, solver)
        yv = y.value / max(1.0, float(np.linalg.norm(y.value)))
        return scale * (yv[:n] + 1j * yv[n:])

    return sca_single(v0, step, lambda v: _rate(data, v), iters=iters, tol=tol)
