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
conditioning).

**Default solver** (:func:`relax`): a Burer–Monteiro factorisation ``X = Y Y^H`` on the
complex oblique manifold, rank raised from 1 until the dual certificate holds
(:mod:`fastsec.kernels.oam.sdr`, :mod:`fastsec.kernels.optim.burer_monteiro`), started at
the current point. It returns a certified upper bound of the relaxed optimum (a dual bound,
valid whatever the accuracy of ``Y``).

**Exact path** (``exact=True``, the reference): cvxpy. The program is built once per shape
as a DPP problem (:func:`relaxation`) and re-solved with new parameters at every step; it is
dominated by the solver, not by cvxpy's compilation: at Q = 40 the real lifting of the
Hermitian 41 x 41 cone is an 82 x 82 PSD cone whose dense 3403 x 3403 KKT block costs
Clarabel about 1 s per interior-point iteration (cvxpy's compilation is ~1 % of a step).
``solver="auto"`` is MOSEK when licensed, else Clarabel (an interior-point method to a 1e-8
relative gap: the accurate reference); ``solver="SCS"`` (:data:`SCS_SETTINGS`, cold started so
that a step does not depend on earlier solves) is about 6x faster per step at Q = 40 but
solves to 1e-6 only, which moves a whole SDR-AO start's R_s by up to 4.0 % at Q = 12 (7 of
the starts of seeds 0-47 beyond 2 %; Burer–Monteiro: 4 of 48, up to 2.6 %) once Gaussian
randomisation and the AO amplify it. Its bound is the solver's optimal
value (to the solver's tolerance).

**Upper bound.** The relaxed program is a concave minorizer of the θ objective, tight at the
current θ, maximised over a superset of the rank-1 points, so its optimum bounds the
*surrogate* θ-subproblem (the minorizer maximised over unit-modulus θ) from above; it is
reported in bit/s/Hz of the θ objective (``R_B - R_E`` for θ1, ``R_B`` for θ2, both without
``log2 G``), as ``rate(θ) + (v* - v(θ̄ θ̄^H)) / ln 2`` (:class:`Relaxed`).

Gaussian randomisation then draws ``ξ ~ CN(0, X)``, takes ``θ = exp(j arg(ξ_q / ξ_{Q+1}))``,
and the best candidate by the true objective (the current θ among them, so the step never
increases the cost) is returned. Both solvers draw the same numbers from ``rng``.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, field

import cvxpy as cp
import numpy as np

from fastsec import solvers
from fastsec.errors import SolverError
from fastsec.kernels.oam.objectives import secrecy_terms
from fastsec.kernels.oam.sdr import sdr_relaxation
from fastsec.kernels.optim.burer_monteiro import BM_NONFINITE, BM_STATUS
from fastsec.units import LN2

#: SCS settings of the SDR θ-step (``solver="SCS"``, the fast cvxpy choice): the relaxed
#: optimum to about 1e-6 relative (3e-7 measured at Q = 40 against Clarabel), far below what
#: Gaussian randomisation resolves.
SCS_SETTINGS = {"eps_abs": 1e-6, "eps_rel": 1e-6, "max_iters": 100_000}

#: Stopping rules of the Burer–Monteiro solver: Riemannian CG to a gradient norm ``1e-8``
#: times its start (step floor, iteration cap per rank), and the certified gap (nat) at most
#: ``1e-9 (1 + |φ|)``: far below what Gaussian randomisation resolves.
BM_GTOL = 1e-8
BM_MIN_STEP = 1e-14
BM_MAX_INNER = 5000
BM_GAP_TOL = 1e-9
#: Coordinates whose weight (:func:`fastsec.kernels.oam.sdr.coordinate_weights`) is below
#: this fraction of the largest are left uncoupled in ``X`` (module docstring).
UNCOUPLED_WEIGHT = 1e-6


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
    """Return the cvxpy solver of the SDR step: ``"auto"`` is MOSEK when licensed, else Clarabel."""
    if solver is None or solver == "auto":
        return "MOSEK" if solvers.mosek_licensed() else "CLARABEL"
    return solvers.resolve_solver(solver)


def solve_relaxation(data: tuple, theta: np.ndarray, solver: str = "auto"
                     ) -> tuple[np.ndarray, float]:
    """Solve the relaxed SDP at ``theta`` with cvxpy (the exact path).

    Returns ``(X, value)``: ``X`` (Q+1, Q+1), complex128, and the optimal value of the
    relaxed objective [nat]. Raises :class:`~fastsec.errors.SolverError` when the solver fails
    (after one retry).
    """
    logs, linear = relaxation_coefficients(data, theta)
    name = sdr_solver(solver)
    settings = SCS_SETTINGS if name == "SCS" else {}
    sdp = relaxation(theta.shape[0] + 1, logs.shape[0])
    with sdp.lock:
        sdp.logs.value = _real_coefficients(logs)
        sdp.linear.value = _real_coefficients(linear)
        value = solvers.solve(sdp.problem, name, **settings)
        return np.array(sdp.X.value), value


@dataclass(frozen=True)
class Relaxed:
    """The relaxed program of one SDR θ-step, solved.

    Attributes
    ----------
    X : ndarray, shape (Q+1, Q+1), complex128
        Relaxed solution (``Y Y^H`` on the default path).
    bound : float
        Upper bound [bit/s/Hz] of the surrogate θ-subproblem (module docstring): certified
        (dual) on the default path, the solver's optimal value on the exact path.
    rank : int
        Rank of the factor ``Y`` (default path) or ``Q + 1`` (exact path).
    iterations : int
        Riemannian CG iterations (default path) or the cvxpy solver's.

    """

    X: np.ndarray
    bound: float
    rank: int
    iterations: int


def relax(data: tuple, theta: np.ndarray, exact: bool = False, solver: str = "auto"
          ) -> Relaxed:
    """Solve the relaxed program at ``theta``: Burer–Monteiro, or cvxpy when ``exact``."""
    grad = np.empty_like(theta)
    rate = -secrecy_terms(theta, data, 0, grad, False)  # θ objective, maximised form
    if exact:
        X, value = solve_relaxation(data, theta, solver)
        logs, linear = relaxation_coefficients(data, theta)
        lifted = np.append(theta, 1.0)
        at = np.real(np.einsum("p,lpq,q->l", lifted.conj(), logs, lifted))
        start = float(np.sum(np.log(at)) - np.real(lifted.conj() @ linear @ lifted))
        iters = relaxation(theta.shape[0] + 1, logs.shape[0]).problem.solver_stats.num_iters
        return Relaxed(X, rate + (value - start) / LN2, X.shape[0], int(iters or 0))
    Y, weights, gain, iterations, status = sdr_relaxation(*data, theta, BM_GTOL, BM_MIN_STEP,
                                                          BM_MAX_INNER, BM_GAP_TOL)
    if status == BM_NONFINITE:
        raise SolverError("the relaxed θ program became non-finite", solver="burer-monteiro",
                          status=BM_STATUS[status])
    X = np.eye(theta.shape[0] + 1, dtype=np.complex128)  # negligible coordinates: uncoupled
    coupled = np.flatnonzero(weights > UNCOUPLED_WEIGHT * weights.max())
    X[np.ix_(coupled, coupled)] = Y[coupled] @ Y[coupled].conj().T
    return Relaxed(X, rate + gain / LN2, Y.shape[1], int(iterations))


def sdr_theta_step(data: tuple, theta: np.ndarray, rng: np.random.Generator,
                   randomizations: int, exact: bool = False, solver: str = "auto"
                   ) -> tuple[np.ndarray, float]:
    """One SDR θ-step from ``theta`` (module docstring).

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
    exact : bool
        Solve the relaxed program with cvxpy (``solver``) instead of Burer–Monteiro.
    solver : str
        cvxpy solver of the exact path (:func:`sdr_solver`).

    Returns
    -------
    theta : ndarray, shape (Q,), complex128
        The best of the current θ, the principal eigenvector's phases and the draws.
    bound : float
        :attr:`Relaxed.bound` [bit/s/Hz].

    """
    relaxed = relax(data, theta, exact, solver)
    n = relaxed.X.shape[0]
    eigval, eigvec = np.linalg.eigh(relaxed.X)
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
    return best, relaxed.bound
