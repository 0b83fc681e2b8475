"""Distance from stationarity of P1 at a point (``OAMResult.kkt_residual``; Paper 002, eq. (20)).

P1 maximises ``R_s(p, a, θ1, θ2)`` over the variables the scheme optimises, subject to the
power budget and floor (20b)-(20c), the RIS2 budget (20d) (active RIS only), ``0 <= a <=
a_max`` (20e) and ``|θ| = 1`` (20f)-(20g). Per block (:func:`kkt_blocks`), with ``g = ∇R_s``
the Euclidean gradient of that block [bit/s/Hz per unit of the variable], the stationarity
residual ``r`` of the KKT conditions of P1 in that block is

* **p, a**: ``r = g - Σ_i μ_i ∇c_i`` with the multipliers ``μ >= 0`` of the active
  constraints ``c_i <= 0`` (slack at most :data:`ACTIVE_TOL` of the bound's scale) that make
  it shortest (non-negative least squares);
* **θ1, θ2**: the Riemannian gradient on the complex circle (eq. (45)), for θ1 less ``μ``
  times that of the RIS2 power (which depends on θ1) when the budget is active, ``μ >= 0``
  by least squares;

and the block's residual is ``||s ∘ r|| / (1 + |R_s|)``, ``s`` the range of the variable
(``ρ P_T`` [W] for p, ``a_max`` for a, 1 rad for θ): the first-order change of R_s
[bit/s/Hz] that moving along the unbalanced part of the gradient across the variable's range
would bring, relative to R_s. It is scale-free (no units, invariant to the units of p) and 0
exactly at a KKT point of P1 in that block. ``kkt_residual`` is the largest block residual.

The gradients come from the step surrogates at the point itself, which are tight there with
the same gradient (Lemma 1 for p, WMMSE for a, eq. (32)-(38)), and from the θ objectives
(eq. (40)-(57)).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import nnls

from fastsec.kernels.oam import steps as _k
from fastsec.kernels.oam.objectives import secrecy_terms
from fastsec.oam import effective as ef
from fastsec.oam.scenario import Scenario
from fastsec.units import LN2

#: A constraint counts as active when its slack is at most this fraction of its bound's scale.
ACTIVE_TOL = 1e-6


def gradients(s: Scenario, lk: ef.Link, p, a, theta1, theta2) -> dict[str, np.ndarray]:
    """Euclidean gradients of R_s and of the RIS2 power at a point.

    Returns ``p``, ``a`` (real, [bit/s/Hz per W] and per unit of ``a``), ``theta1``,
    ``theta2`` (complex, real convention ``∂/∂Re + j ∂/∂Im`` of
    :mod:`fastsec.kernels.optim.rcg`) of R_s, and ``power_a``, ``power_theta1`` of the RIS2
    output power [W] (eq. (11)).
    """
    v = ef.incident(lk, theta1)
    t = ef.power_terms(lk, v, a, theta1, theta2, s.p_r2_w)
    bmat, c, _ = _k.p_surrogate(*(t[k][None] for k in ("gain_bob", "gain_eve", "noise_bob",
                                                        "noise_eve")), p[None])
    grad_p = (bmat[0].T @ (1.0 / (1.0 + bmat[0] @ p)) - c[0]) / LN2
    u = ef.amplification_terms(lk, v, theta2, p)
    F, D, g, _ = _k.a_surrogate(u["chi"][None], u["kappa2"][None], p[None],
                                np.array([s.sigma_r2_w]), np.array([s.sigma_b2_w]), a[None])
    grad_a = 2.0 * (g[0] - F[0] @ (F[0].T @ a) - D[0] * a) / LN2
    out = {"p": grad_p, "a": grad_a, "power_a": 2.0 * u["ris_weight"] * a}
    for name, data, theta in (("theta1", ef.theta1_data(lk, p, a, theta2), theta1),
                              ("theta2", ef.theta2_data(lk, v, p, a), theta2)):
        grad = np.empty_like(theta)
        secrecy_terms(theta, data, 0, grad, True)  # of -(R_B - R_E) and of -R_B
        out[name] = -grad
    # RIS2 power Σ_{k,q} π_k a_q² |v_kq|² + const with v_kq = conj(u_kq^H θ1),
    # u_kq = h_q ∘ w1_k (π: p on signal streams, σ_z² on AN streams); the real gradient of
    # |u^H θ|² is 2 u (u^H θ) = 2 u conj(v)
    pi = np.concatenate([p, np.full(v.shape[0] - lk.n_s, lk.sigma_z2)])
    weighted = (pi[:, None] * a[None, :] ** 2) * v.conj()  # (M, Q2)
    out["power_theta1"] = 2.0 * np.einsum("kq,qi,ki->i", weighted, lk.h_r1r2, lk.w1)
    return out


def _kkt_vector(g: np.ndarray, normals: list[np.ndarray]) -> np.ndarray:
    """``g - Σ μ_i n_i`` with the ``μ >= 0`` that make it shortest (``g`` without normals)."""
    if not normals:
        return g
    scale = max(float(np.linalg.norm(g)), 1e-300)
    N = np.array(normals).T
    mu = nnls(N / scale, g / scale)[0]
    return g - N @ mu


def _riemannian(theta: np.ndarray, g: np.ndarray) -> np.ndarray:
    return g - (g * theta.conj()).real * theta


def kkt_blocks(s: Scenario, lk: ef.Link, optimised, p, a, theta1, theta2) -> dict[str, float]:
    """Return the per-block residuals (module docstring) of the blocks in ``optimised``."""
    grads = gradients(s, lk, p, a, theta1, theta2)
    rates = ef.rates(lk, p, a, theta1, theta2, s.p_r2_w)
    scale = 1.0 + abs(float(rates.R_s))
    budget_active = s.active_ris and float(rates.ris2_power_w) >= s.p_r2_w * (1 - ACTIVE_TOL)
    out = {}
    if "p" in optimised:
        normals = []
        if p.sum() >= s.signal_power_w * (1 - ACTIVE_TOL):
            normals.append(np.ones_like(p))
        if budget_active:  # the RIS2 power is linear in p: its row of P4
            normals.append(ef.power_terms(lk, ef.incident(lk, theta1), a, theta1, theta2,
                                          s.p_r2_w)["ris_gain"])
        floor = s.signal_power_w * ACTIVE_TOL
        normals += [-np.eye(p.size)[k] for k in np.flatnonzero(p - s.p_th_w <= floor)]
        r = _kkt_vector(grads["p"], normals)
        out["p"] = float(np.linalg.norm(s.signal_power_w * r) / scale)
    if "a" in optimised and s.active_ris:
        normals = [grads["power_a"]] if budget_active else []
        normals += [-np.eye(a.size)[q] for q in np.flatnonzero(a <= s.a_max * ACTIVE_TOL)]
        normals += [np.eye(a.size)[q]
                    for q in np.flatnonzero(a >= s.a_max * (1 - ACTIVE_TOL))]
        r = _kkt_vector(grads["a"], normals)
        out["a"] = float(np.linalg.norm(s.a_max * r) / scale)
    for name, theta in (("theta1", theta1), ("theta2", theta2)):
        if name not in optimised:
            continue
        rg = _riemannian(theta, grads[name])
        if name == "theta1" and budget_active:
            rc = _riemannian(theta, grads["power_theta1"])
            rg = _kkt_vector(rg.view(float), [rc.view(float)]).view(complex)
        out[name] = float(np.linalg.norm(rg) / scale)
    return out


def kkt_residual(blocks: dict[str, float]) -> float:
    """Return the largest block residual (0 when no block is optimised)."""
    return max(blocks.values(), default=0.0)
