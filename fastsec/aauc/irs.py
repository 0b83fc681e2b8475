"""IRS-based AAUC: problem Q2 solved by SCO (paper 000, Sec. VI, eq. (44)-(45)).

IRS elements at the helping users reflect c_k = (g_k^H v) u_k, |u_k| ≤ 1, towards user K in
the same (single) phase. Q2 maximises R − log2(1 + λ c^H J c / σ_E²) subject to
‖v‖² ≤ P_max, g_K^H v = 0, R ≤ log2(1 + |g_k^H v|²/σ²) (k < K), R ≤ log2(1 + |h_K^H c|²/σ²)
and |c_k|² ≤ |g_k^H v|². The SCO step linearises the convex |·|² terms on the constraint
right-hand sides and the log of the eavesdropper term at the current point (both give
inner approximations, so each step is feasible and the objective non-decreasing). By default
it is solved by the compiled kernel :mod:`fastsec.kernels.aauc.irs` (through its dual, the
whole SCA loop in one call); ``exact=True`` solves it as a once-built DPP cvxpy problem like
:mod:`fastsec.aauc.sco` (the reference), with v = U Q β as there.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np
from scipy import sparse

from fastsec.aauc.closed_form import asymptotic_point
from fastsec.aauc.problem import P2Data, Solution, eve_leak, row_space
from fastsec.aauc.scenario import SCA_ITERS
from fastsec.aauc.sco import (
    SCA_TOL,
    checked_solve,
    log_snr_params,
    real_map,
    sca_options,
    sca_single,
    unpack,
)
from fastsec.kernels.aauc import irs as _k


def _q2(data: P2Data, z: np.ndarray, c: np.ndarray) -> tuple[float, float]:
    """(Q2 objective, users' common rate R) [bit/s/Hz] (eq. (45)); c in units of σ."""
    snr = np.abs(data.Hs @ z) ** 2
    snr_k = data.sigma2 * abs(np.vdot(data.hs, c)) ** 2
    rate = float(np.log2(1.0 + min(snr.min(), snr_k)))
    leak_model = np.log2(1.0 + data.sigma2 * eve_leak(data, c))
    return float(rate - leak_model), rate


class Surrogate:
    """The SCO surrogate of Q2 for one drop (module docstring), solved by cvxpy.

    Parameters
    ----------
    data : P2Data
        Arrays of the drop.
    rebuild : bool
        Build a fresh problem from constants at each :meth:`solve` (reference) instead of
        writing the expansion point into a once-built DPP problem.

    Attributes
    ----------
    basis, hq :
        The row space of ``data.Hs`` (:func:`~fastsec.aauc.problem.row_space`).
    h : ndarray, shape (K-1,), complex128
        h_K (c is in units of σ, so SNR_K = |h^H c|²).
    cmax : ndarray, shape (K-1,), float64
        √P_max ‖U^H g_k‖/σ >= |c_k|: the variable is ĉ = c / cmax, |ĉ_k| <= 1.

    """

    def __init__(self, data: P2Data, rebuild: bool = False) -> None:
        self.data, self.rebuild = data, rebuild
        self.scale = np.sqrt(data.pmax)
        self.basis, self.hq = row_space(data.Hs)
        self.r, self.m = self.basis.shape[1], data.n_help
        self.u_r, self.u_i = real_map(self.scale * self.hq)
        self.h = np.sqrt(data.sigma2) * data.hs
        self.cmax = self.scale * np.linalg.norm(data.Hs, axis=1)
        self.h_r, self.h_i = real_map(self.h.conj() * self.cmax)
        inv = sparse.diags(1.0 / self.cmax ** 2)
        self.rows_r, self.rows_i = inv @ self.u_r, inv @ self.u_i
        self.weights = np.sqrt(data.sigma2 * data.je) * self.cmax
        self.params: dict[str, cp.Parameter] = {}

    def _build(self, p):
        r, m = self.r, self.m
        y, c, t = cp.Variable(2 * r), cp.Variable(2 * m), cp.Variable()
        leak = cp.Variable(nonneg=True)
        lin_users = (2 * cp.multiply(p["mr"], self.u_r @ y)
                     + 2 * cp.multiply(p["mi"], self.u_i @ y))
        arg_k = 2 * p["hr"] * (self.h_r @ c) + 2 * p["hi"] * (self.h_i @ c) + p["h0"]
        # |c_k|² ≤ |g_k^H v|² / σ², right side linearised at the current amplitudes
        snr_lin = (2 * cp.multiply(p["ar"], self.rows_r @ y)
                   + 2 * cp.multiply(p["ai"], self.rows_i @ y) - p["a2"])
        cons = [cp.multiply(p["ratio"], t) <= lin_users + p["c0"], p["hratio"] * t <= arg_k,
                cp.norm(y, 2) <= 1, cp.square(c[:m]) + cp.square(c[m:]) <= snr_lin,
                cp.sum_squares(cp.multiply(p["leak_w"], c)) <= leak]
        return cp.Problem(cp.Maximize(cp.log(t) - leak), cons), y, c

    def solve(self, beta: np.ndarray, c: np.ndarray, solver: str
              ) -> tuple[np.ndarray, np.ndarray]:
        """Solve the surrogate expanded at (β, c); return its maximiser (β⁺, c⁺)."""
        data, r, m = self.data, self.r, self.m
        amp = self.hq @ beta
        vals = {**log_snr_params(amp, np.vdot(self.h, c)),
                "ar": amp.real, "ai": amp.imag, "a2": np.abs(amp / self.cmax) ** 2,
                "leak_w": np.tile(self.weights / np.sqrt(1.0 + data.sigma2 * eve_leak(data, c)),
                                  2)}
        if self.rebuild:
            problem, y, cvar = self._build(vals)
        else:
            if not self.params:  # the DPP problem, built on the first call
                self.params = {k: cp.Parameter(np.shape(value),
                                               nonneg=k in ("ratio", "hratio", "leak_w"))
                               for k, value in vals.items()}
                self.built = self._build(self.params)
            problem, y, cvar = self.built
            for name, value in vals.items():
                self.params[name].value = value
        checked_solve(problem, solver)
        yv = y.value / max(1.0, float(np.linalg.norm(y.value)))
        beta_new = self.scale * (yv[:r] + 1j * yv[r:])
        c_new = self.cmax * (cvar.value[:m] + 1j * cvar.value[m:])
        # the solver meets |c_k| <= |g_k^H v|/σ to its tolerance only: clip onto it
        bound = np.abs(self.hq @ beta_new)
        c_new *= np.minimum(1.0, bound / np.maximum(np.abs(c_new), 1e-300))
        return beta_new, c_new

    def start(self) -> tuple[np.ndarray, np.ndarray]:
        """(β0, c0): z along eq. (43)'s z at full power, c_k = 0.99 |g_k^H v| e^{j arg h_k}."""
        z0, _ = asymptotic_point(self.data)
        beta0 = self.basis.conj().T @ z0
        beta0 *= self.scale / np.linalg.norm(beta0)
        c0 = 0.99 * np.abs(self.hq @ beta0) * np.exp(1j * np.angle(self.h))
        return beta0, c0


def irs(data: P2Data, *, iters: int = SCA_ITERS, tol: float = SCA_TOL, exact: bool = False,
        solver: str = "CLARABEL", rebuild: bool = False) -> Solution:
    """IRS-based AAUC by SCO on Q2 (paper 000, eq. (45)).

    Parameters
    ----------
    data : P2Data
        Arrays of the drop.
    iters, tol, exact, solver, rebuild :
        As in :func:`fastsec.aauc.sco.sco`: by default each surrogate is solved by the
        compiled kernel :func:`fastsec.kernels.aauc.irs.irs_drop` (the whole loop in one
        call); ``exact=True`` solves it with cvxpy and ``solver`` (the reference).

    Returns
    -------
    Solution
        ``w`` holds the reflected amplitudes c [√W] (eq. (45)), ``extras["u"]`` the IRS
        coefficients u_k = c_k / g_k^H v, ``power_w`` is ‖v‖² [W]. Start
        (:meth:`Surrogate.start`): z along eq. (43)'s z at full power,
        c_k = 0.99 |g_k^H v| e^{j arg h_k}.

    """
    surrogate = Surrogate(data, rebuild=rebuild)
    basis = surrogate.basis
    start = surrogate.start()
    if exact:
        (beta, c), ascent = sca_single(start,
                                       lambda point: surrogate.solve(point[0], point[1], solver),
                                       lambda point: _q2(data, basis @ point[0], point[1])[0],
                                       iters=iters, tol=tol, floor=True)
        history, converged, stop_reason, extras = (ascent.history, ascent.converged,
                                                   ascent.stop_reason, {})
    else:
        run = unpack(_k.irs_drop(surrogate.hq, surrogate.h, data.sigma2 * data.je, data.pmax,
                                 surrogate.cmax, *start, sca_options(iters, tol)))
        beta, c = run["beta"], run["w"]
        history, converged, stop_reason, extras = (run["history"], run["converged"],
                                                   run["stop_reason"], run["extras"])
        solver = "numba"
    z = basis @ beta
    objective, rate = _q2(data, z, c)
    v = data.v_of(z)
    c_w = np.sqrt(data.sigma2) * c
    u = c_w / (data.g[:-1].conj() @ v)
    return Solution(v=v, w=c_w, objective=objective, rate=rate,
                    power_w=float(np.real(np.vdot(v, v))), history=np.array(history),
                    iterations=len(history) - 1, converged=converged,
                    stop_reason=stop_reason, solver=solver, extras={**extras, "u": u})
