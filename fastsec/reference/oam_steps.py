"""Pure-NumPy reference twins of the RMCG-AO step kernels (tests and benchmarks only).

Nothing in fastsec's solvers calls this module. It holds the NumPy twin of
:func:`fastsec.kernels.optim.rcg.rate_ratio` and the reference pipeline a researcher writes today
for a theta subproblem: pymanopt's ``ConjugateGradient`` on ``ComplexCircle`` with the same
analytic gradient (pymanopt: optional extra ``fastsec[reference]``, imported lazily).
"""

from __future__ import annotations

import numpy as np

from fastsec.units import LN2


def rate_ratio_cost(theta: np.ndarray, U: np.ndarray, V: np.ndarray, c: np.ndarray) -> float:
    """``-sum_l log2(1 + theta^H A_l theta / (theta^H B_l theta + c_l))`` for one instance.

    ``A_l = U_l^T conj(U_l)``, ``B_l = V_l^T conj(V_l)`` (rows are the factors);
    ``theta``: (Q,) complex; ``U``: (L, R_A, Q); ``V``: (L, R_B, Q); ``c``: (L,).
    """
    qa = np.sum(np.abs(U.conj() @ theta) ** 2, axis=1)
    qb = np.sum(np.abs(V.conj() @ theta) ** 2, axis=1)
    return float(-np.sum(np.log1p(qa / (qb + c))) / LN2)


def rate_ratio_egrad(theta: np.ndarray, U: np.ndarray, V: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Real Euclidean gradient of :func:`rate_ratio_cost` (``2 df/dconj(theta)``), shape (Q,)."""
    pu = U.conj() @ theta  # (L, R_A): u_r^H theta
    pv = V.conj() @ theta
    qa = np.sum(np.abs(pu) ** 2, axis=1)
    qb = np.sum(np.abs(pv) ** 2, axis=1)
    den_b = qb + c
    den_ab = qa + den_b
    a_theta = np.einsum("lrq,lr->lq", U, pu)
    b_theta = np.einsum("lrq,lr->lq", V, pv)
    grad = (a_theta + b_theta) / den_ab[:, None] - b_theta / den_b[:, None]
    return -2.0 / LN2 * grad.sum(axis=0)


def pymanopt_cg(cost, egrad, theta0: np.ndarray, gtol: float, min_step: float, max_inner: int):
    """Minimise ``cost`` on ``ComplexCircle`` with pymanopt's CG from ``theta0``.

    ``cost(theta) -> float`` and ``egrad(theta) -> ndarray`` are NumPy callables (real
    gradient convention of :mod:`fastsec.kernels.optim.rcg`). Polak--Ribiere+ with pymanopt's
    Armijo ``AdaptiveLineSearcher`` (its CG default), the configuration fastsec's kernel
    reproduces; the tolerance is made the same as fastsec's relative one:
    ``min_gradient_norm = gtol * ||grad f(theta0)||`` (Riemannian norm) and
    ``max_iterations = max_inner + 1`` (pymanopt counts the starting point as iteration 1).
    Returns pymanopt's ``OptimizerResult``.
    """
    import pymanopt
    from pymanopt.manifolds import ComplexCircle
    from pymanopt.optimizers import ConjugateGradient
    from pymanopt.optimizers.line_search import AdaptiveLineSearcher

    manifold = ComplexCircle(theta0.shape[0])
    gnorm0 = np.linalg.norm(manifold.projection(theta0, egrad(theta0)))
    problem = pymanopt.Problem(manifold, pymanopt.function.numpy(manifold)(cost),
                               euclidean_gradient=pymanopt.function.numpy(manifold)(egrad))
    optimizer = ConjugateGradient(
        beta_rule="PolakRibiere",
        line_searcher=AdaptiveLineSearcher(),
        min_gradient_norm=gtol * gnorm0,
        min_step_size=min_step,
        max_iterations=max_inner + 1,
        verbosity=0,
    )
    return optimizer.run(problem, initial_point=theta0)


def pymanopt_rate_ratio(U, V, c, theta0, gtol: float, min_step: float, max_inner: int):
    """:func:`pymanopt_cg` on :func:`rate_ratio_cost` with its analytic gradient (one instance)."""
    return pymanopt_cg(lambda theta: rate_ratio_cost(theta, U, V, c),
                       lambda theta: rate_ratio_egrad(theta, U, V, c),
                       theta0, gtol, min_step, max_inner)


def sinr(gain: np.ndarray, noise: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Per-stream SINR ``p_l G_ll / (sum_{k != l} p_k G_lk + noise_l)`` (eq. (14), (17)).

    ``gain``: (..., N_s, N_s); ``noise``, ``p``: (..., N_s). Returns shape (..., N_s).
    """
    received = gain * p[..., None, :]
    signal = np.diagonal(received, axis1=-2, axis2=-1)
    return signal / (received.sum(axis=-1) - signal + noise)


def secrecy_rate_from_gains(gain_bob, gain_eve, noise_bob, noise_eve, p) -> np.ndarray:
    """``R_B - R_E`` of eq. (16), (18) without ``log2 G`` [bit/s/Hz], shape (...)."""
    rate_b = np.log2(1 + sinr(gain_bob, noise_bob, p)).sum(axis=-1)
    rate_e = np.log2(1 + sinr(gain_eve, noise_eve, p)).sum(axis=-1)
    return rate_b - rate_e


def bob_rate_from_chi(chi, kappa2, p, a, sigma2_r2, sigma2_b) -> np.ndarray:
    """Bob's ``R_B`` (eq. (14), (16), without ``log2 G``) from ``chi``/``kappa2`` and ``a``.

    ``chi``: (..., N_s, N_s, Q); ``kappa2``: (..., N_s, Q); ``p``: (..., N_s); ``a``: (..., Q).
    """
    h = np.einsum("...lkq,...q->...lk", chi, a)
    noise = sigma2_r2 * np.einsum("...lq,...q->...l", kappa2, a**2) + sigma2_b
    return np.log2(1 + sinr(np.abs(h) ** 2, noise, p)).sum(axis=-1)
