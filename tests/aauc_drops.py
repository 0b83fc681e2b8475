"""Drops for the AAUC solver tests: the system model's ``draw`` and ``angular_matrix``."""

import cvxpy as cp
import numpy as np

from fastsec.aauc import Scenario, angular_matrix, draw
from fastsec.aauc.bfom import p5_instance
from fastsec.aauc.closed_form import asymptotic_point
from fastsec.aauc.problem import p2_data


def make_drop(rng, **scenario):
    """One drop of ``Scenario(**scenario)`` and its angular diagonal J, shape (K-1,)."""
    drop = draw(Scenario(**scenario), rng)
    return drop, angular_matrix(drop)


def eq30_instance(drop, J):
    """The BFOM inner problem (paper 000, eq. (30)) at the asymptotic point: (R, t, c, ρ²)."""
    data = p2_data(drop, J)
    q = np.linalg.qr(data.Hs.conj().T)[0]
    Hq = (data.Hs @ q)[None]
    R, t = p5_instance(Hq, (q.conj().T @ asymptotic_point(data)[0])[None])
    c = np.array([np.vdot(data.hs, data.hs).real])
    return R, t, c, np.array([2 * data.pmax])


def eq30_cvxpy(R, t, c, rho2):
    """Eq. (30) as max s s.t. R x + t ≥ s, c (ρ² − ‖x‖²) ≥ s, solved by cvxpy + Clarabel."""
    x, s = cp.Variable(R.shape[2]), cp.Variable()
    cons = [R[0] @ x + t[0] >= s, c[0] * cp.sum_squares(x) <= c[0] * rho2[0] - s]
    return cp.Problem(cp.Maximize(s), cons).solve(solver="CLARABEL")
