"""θ-steps by semidefinite relaxation with Gaussian randomisation (``method="sdr"``, Fig. 2).

The θ objectives of :mod:`fastsec.kernels.oam.objectives` are sums of signed rate terms
``s_l log2(1 + num_l(θ) / den_l(θ))`` whose powers are quadratic forms of the lifted vector
``θ̄ = [θ; 1]``: ``num_l = θ̄^H Ā_l θ̄``, ``den_l = θ̄^H B̄_l θ̄`` (the offsets and the constant
``c_l`` go into the last row and column). With ``X = θ̄ θ̄^H`` relaxed to ``X ⪰ 0``,
``diag(X) = 1`` (dropping rank 1), each term is a difference of a concave and a convex
function of X; the convex ``log`` of every term is linearised at the current point (a
minorizer, tight there), leaving the concave program::

    max_X  Σ_{s_l < 0} [log tr((Ā_l + B̄_l) X) - tr(B̄_l X) / D_l]
         + Σ_{s_l > 0} [log tr(B̄_l X) - tr((Ā_l + B̄_l) X) / (N_l + D_l)]
    s.t.   X ⪰ 0,  X_qq = 1,

(``N_l``, ``D_l``: values at the current point; each term is scaled by ``1 / D_l`` for
conditioning), solved by cvxpy. The program is built once per shape as a DPP problem
(:func:`relaxation`) and re-solved with new parameters at every step; it is dominated by the
solver, not by cvxpy's compilation: at Q = 40 the real lifting of the Hermitian 41 x 41 cone
is an 82 x 82 PSD cone whose dense 3403 x 3403 KKT block costs Clarabel about 1 s per
interior-point iteration (cvxpy's compilation is ~1 % of a step), so without MOSEK the step
uses SCS (:data:`SCS_SETTINGS`; about 6x faster per step at Q = 40), cold started so that a
step does not depend on earlier solves.

Gaussian randomisation then draws ``ξ ~ CN(0, X)``, takes ``θ = exp(j arg(ξ_q / ξ_{Q+1}))``,
and the best candidate by the true objective (the current θ among them, so the step never
increases the cost) is returned.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, field

import cvxpy as cp
import numpy as np

from fastsec import solvers
from fastsec.kernels.oam.objectives import secrecy_terms

#: SCS settings of the SDR θ-step (``solver="SCS"``, the default without MOSEK): the relaxed
#: optimum to about 1e-6 relative (3e-7 measured at Q = 40 against Clarabel), far below what
#: Gaussian randomisation resolves.
SCS_SETTINGS = {"eps_abs": 1e-6, "eps_rel": 1e-6, "max_iters": 100_000}


def lifted_forms(data: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Lifted Hermitian matrices ``Ā_l``, ``B̄_l`` (L, Q+1, Q+1) of instance 0 of ``data``.

    ``data`` is the tuple ``(W, alpha, V, beta, c, sign)`` of
    :func:`~fastsec.kernels.oam.objectives.secrecy_terms`; ``θ̄^H Ā_l θ̄ = num_l(θ)`` and
    ``θ̄^H B̄_l θ̄ = den_l(θ)`` for ``θ̄ = [θ; 1]``.
    """
    W, alpha, V, beta, c, _ = (x[0] for x in data)
    ua = np.concatenate([W, np.conj(alpha)[..., None]], axis=-1)  # (L, R_A, Q+1)
    ub = np.concatenate([V, np.conj(beta)[..., None]], axis=-1)
    a_bar = np.einsum("lrp,lrq->lpq", ua, ua.conj())
    b_bar = np.einsum("lrp,lrq->lpq", ub, ub.conj())
    b_bar[:, -1, -1] += c
    return a_bar, b_bar


def relaxation_coefficients(data: tuple, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Matrices ``G_l`` (L, Q+1, Q+1) and ``H`` (Q+1, Q+1) of the relaxed objective at ``theta``.

    The concave program of the module docstring is ``Σ_l log tr(G_l X) - tr(H X)``:
    ``G_l = (Ā_l + B̄_l) / D_l`` for ``s_l < 0``, ``B̄_l / D_l`` for ``s_l > 0``, and ``H`` sums
    ``B̄_l / D_l`` (``s_l < 0``) and ``(Ā_l + B̄_l) / (N_l + D_l)`` (``s_l > 0``).
    """
    a_bar, b_bar = lifted_forms(data)
    sign = data[5][0]
    lifted = np.append(theta, 1.0)
    num = np.real(np.einsum("p,lpq,q->l", lifted.conj(), a_bar, lifted))
    den = np.real(np.einsum("p,lpq,q->l", lifted.conj(), b_bar, lifted))
    total = a_bar + b_bar
    maximised = (sign < 0)[:, None, None]
    logs = np.where(maximised, total, b_bar) / den[:, None, None]
    linear = np.where(maximised, b_bar / den[:, None, None],
                      total / (num + den)[:, None, None]).sum(axis=0)
    return logs, linear


def _real_coefficients(m: np.ndarray) -> np.ndarray:
    """``[vec Re M, vec Im M]`` per leading index: ``tr(M X)`` for Hermitian M and X."""
    m = m.reshape(*m.shape[:-2], -1)
    return np.concatenate([m.real, m.imag], axis=-1)


@dataclass(frozen=True)
class Relaxation:
    """The relaxed SDP of one shape, built once as a DPP problem (module docstring).

    ``tr(M X)`` for Hermitian M, X is ``[vec Re M, vec Im M] · [vec Re X, vec Im X]``, so
    the objective is ``Σ_l log(logs @ x)_l - linear @ x`` with the parameters ``logs``
    (L, 2 (Q+1)²) and ``linear`` (2 (Q+1)²,): cvxpy canonicalises it once and later solves
    only substitute the parameters. ``lock`` serialises solves of this shared problem.
    """

    problem: cp.Problem
    X: cp.Variable
    logs: cp.Parameter
    linear: cp.Parameter
    lock: threading.Lock = field(default_factory=threading.Lock)


@functools.lru_cache(maxsize=8)
def relaxation(n: int, terms: int) -> Relaxation:
    """Build (once per process) the :class:`Relaxation` of ``n`` x ``n`` X, ``terms`` terms."""
    X = cp.Variable((n, n), hermitian=True)
    x = cp.hstack([cp.vec(cp.real(X), order="C"), cp.vec(cp.imag(X), order="C")])
    logs = cp.Parameter((terms, 2 * n * n))
    linear = cp.Parameter(2 * n * n)
    problem = cp.Problem(cp.Maximize(cp.sum(cp.log(logs @ x)) - linear @ x),
                         [X >> 0, cp.real(cp.diag(X)) == 1])
    return Relaxation(problem, X, logs, linear)


def sdr_solver(solver: str = "auto") -> str:
    """Return the cvxpy solver of the SDR step: ``"auto"`` is MOSEK when licensed, else SCS."""
    if solver is None or solver == "auto":
        return "MOSEK" if solvers.mosek_licensed() else "SCS"
    return solvers.resolve_solver(solver)


def solve_relaxation(data: tuple, theta: np.ndarray, solver: str = "auto") -> np.ndarray:
    """Solve the relaxed SDP at ``theta``; returns ``X``, shape (Q+1, Q+1), complex128.

    Raises :class:`~fastsec.errors.SolverError` when the solver fails (after one retry).
    """
    logs, linear = relaxation_coefficients(data, theta)
    name = sdr_solver(solver)
    settings = {"warm_start": False, **SCS_SETTINGS} if name == "SCS" else {}
    sdp = relaxation(theta.shape[0] + 1, logs.shape[0])
    with sdp.lock:
        sdp.logs.value = _real_coefficients(logs)
        sdp.linear.value = _real_coefficients(linear)
        solvers.solve(sdp.problem, name, **settings)
        return np.array(sdp.X.value)


def sdr_theta_step(data: tuple, theta: np.ndarray, rng: np.random.Generator,
                   randomizations: int, solver: str = "auto") -> np.ndarray:
    """One SDR θ-step from ``theta`` (module docstring); returns the new θ, shape (Q,).

    Parameters
    ----------
    data : tuple
        ``(W, alpha, V, beta, c, sign)`` with a leading batch axis of length 1.
    theta : ndarray, shape (Q,), complex128
        Current phases (unit modulus).
    rng : numpy.random.Generator
        Draws the Gaussian randomisations.
    randomizations : int
        Number of Gaussian draws.
    solver : str
        cvxpy solver (:func:`sdr_solver`).

    Returns
    -------
    ndarray, shape (Q,), complex128
        The best of the current θ, the principal eigenvector's phases and the draws.

    """
    X = solve_relaxation(data, theta, solver)
    n = X.shape[0]
    eigval, eigvec = np.linalg.eigh(X)
    root = eigvec * np.sqrt(np.maximum(eigval, 0.0))
    draws = (rng.standard_normal((randomizations, n))
             + 1j * rng.standard_normal((randomizations, n))) / np.sqrt(2)
    xi = np.vstack([eigvec[:, -1], draws @ root.T])
    candidates = np.exp(1j * (np.angle(xi[:, :-1]) - np.angle(xi[:, -1:])))
    grad = np.empty(n - 1, dtype=np.complex128)
    best, best_cost = theta, secrecy_terms(theta, data, 0, grad, False)
    for cand in candidates:
        cost = secrecy_terms(cand, data, 0, grad, False)
        if cost < best_cost:
            best, best_cost = cand, cost
    return best
