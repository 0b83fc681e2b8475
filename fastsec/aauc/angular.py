"""The angular matrix J of the AAUC secrecy model (paper 000, eq. (12), (16)).

J = diag(J_1, ..., J_{K-1}) with

    J_k = ϱ0 / D_K ∫_0^{D_K} d_{E,k}(ρ)^(-α) dρ,

the path loss from helping user k to an eavesdropper at ground distance ρ on the segment
BS-user K, averaged over ρ ~ U(0, D_K) (eq. (47)); d_{E,k} is eq. (8) in 2-D and eq. (15) with
elevation β in 3-D. Errata applied (see PAPERS.md): the exponent of eq. (8) is +1/2 (a distance)
and the prefactor of eq. (12) is ϱ0/D_K. The integral is computed by composite Gauss-Legendre
quadrature in :mod:`fastsec.kernels.aauc.quadrature` (split at the point of the segment closest to
user k, panels graded towards it), to a relative error of about 1e-13. For α > 1 the kernel
uses the integral's closed form instead, an incomplete beta function tabulated once per α as
a Chebyshev series (:func:`_antiderivative_table`), and falls back to the quadrature only
where that form would cancel.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import numpy.typing as npt
from numpy.polynomial import chebyshev

from fastsec._validate import check_array, check_int, check_real
from fastsec.aauc.channels import DropBatch
from fastsec.aauc.scenario import Drop
from fastsec.errors import ParameterError, ParameterTypeError
from fastsec.kernels.aauc import quadrature as _k

#: Gauss-Legendre points per panel.
DEFAULT_NODES = 10

#: Target relative error of one panel; sets the panel lengths (Bernstein ellipse bound).
PANEL_TOL = 1e-16

#: Number of integrals from which the multi-threaded kernel is used (a parallel launch costs
#: far more than one drop's integrals, ~30 ns each for alpha > 1).
PARALLEL_MIN = 2048

#: Terms of H's power series that fill the table (ratio <= 1/2: below rounding).
TABLE_SERIES_TERMS = 64


def angular_matrix(
    drop: Drop | DropBatch | None = None,
    *,
    D: npt.ArrayLike | None = None,
    theta: npt.ArrayLike | None = None,
    alpha: float | None = None,
    rho0: float | None = None,
    beta_rad: npt.ArrayLike = 0.0,
    nodes: int = DEFAULT_NODES,
) -> np.ndarray:
    """Diagonal J_1..J_{K-1} of the angular matrix (paper 000, eq. (12); 3-D: eq. (16)).

    Pass either a drop (a :class:`~fastsec.aauc.Drop` or a
    :class:`~fastsec.aauc.channels.DropBatch`, whose scenario supplies α, ϱ0 and β), or the
    geometry as keyword arrays ``D``, ``theta``, ``alpha``, ``rho0`` (and ``beta_rad``).

    Parameters
    ----------
    drop : Drop or DropBatch, optional
        Geometry source; excludes ``D``, ``theta``, ``alpha``, ``rho0``, ``beta_rad``.
    D : array_like, shape (K,) or (B, K), optional
        User distances D_k [m], > 0; the last column is the attacked user K.
    theta : array_like, same shape as ``D``, optional
        User azimuths θ_k [rad].
    alpha : float, optional
        Path-loss exponent α > 0.
    rho0 : float, optional
        Path loss ϱ0 at d0 = 1 m (linear), > 0.
    beta_rad : float or array_like of shape (B,), default 0
        Eavesdropper elevation β [rad] in (-π/2, π/2); 0 is the 2-D eq. (12).
    nodes : int, default :data:`DEFAULT_NODES`
        Gauss-Legendre points per panel, in [2, 64]; the panel lengths adapt so that each
        panel's error bound is :data:`PANEL_TOL` whatever ``nodes`` is. The quadrature
        serves α <= 1 and the few integrals where the closed form would cancel.

    Returns
    -------
    ndarray, shape (K-1,) or (B, K-1), float64
        J_k (linear, same unit as ϱ0 · m^-α). ``inf`` for a user exactly on the segment when
        α >= 1 (the integral diverges).

    """
    nodes = check_int("nodes", nodes, 2, 64)
    if drop is not None:
        if D is not None or theta is not None or alpha is not None or rho0 is not None or (
                not isinstance(beta_rad, float) or beta_rad != 0.0) and np.any(beta_rad != 0.0):
            raise ParameterError("pass either drop or the arrays D, theta, alpha, rho0, "
                                 "beta_rad, not both")
        if not isinstance(drop, Drop | DropBatch):
            raise ParameterTypeError(f"drop must be a Drop or DropBatch, got "
                                     f"{type(drop).__name__}")
        s = drop.scenario  # validated, and the drop's D, theta too (shape, finite, D > 0)
        D2 = drop.D[None] if isinstance(drop, Drop) else drop.D
        tan_beta = np.empty(D2.shape[0])
        tan_beta[:] = s.tan_beta
        out = _angular(D2, drop.theta.reshape(D2.shape), float(s.alpha), s.rho0, tan_beta,
                       nodes)
        return out[0] if isinstance(drop, Drop) else out
    elif D is None or theta is None or alpha is None or rho0 is None:
        raise ParameterError("angular_matrix needs a drop, or all of D, theta, alpha, rho0")
    D = check_array("D", D, complex_ok=False)
    if D.ndim not in (1, 2) or D.shape[-1] < 2:
        raise ParameterError(f"D must have shape (K,) or (B, K) with K >= 2, got {D.shape}")
    if np.any(D <= 0.0):
        raise ParameterError(f"D must be > 0 m, got min {D.min()}")
    theta = check_array("theta", theta, shape=D.shape, complex_ok=False)
    alpha = check_real("alpha", alpha, 0.0, low_open=True)
    rho0 = check_real("rho0", rho0, 0.0, low_open=True)
    single = D.ndim == 1
    D2, theta2 = np.atleast_2d(D), np.atleast_2d(theta)
    if np.ndim(beta_rad) == 0:
        beta: np.floating | np.ndarray = np.float64(check_real("beta_rad", beta_rad))
    else:
        beta = check_array("beta_rad", beta_rad, shape=(D2.shape[0],), complex_ok=False)
    if np.any(np.abs(beta) >= np.pi / 2):
        raise ParameterError(f"beta_rad must be in (-pi/2, pi/2), got {beta}")
    tan_beta = np.ascontiguousarray(np.broadcast_to(np.tan(beta), (D2.shape[0],)))
    out = _angular(D2, theta2, alpha, rho0, tan_beta, nodes)
    return out[0] if single else out


def _angular(D: np.ndarray, theta: np.ndarray, alpha: float, rho0: float,
             tan_beta: np.ndarray, nodes: int) -> np.ndarray:
    """J of checked arrays D, theta (B, K), tan β (B,): one kernel call, shape (B, K-1)."""
    out = np.empty((D.shape[0], D.shape[1] - 1))
    kernel = _k.angular_batch_parallel if out.size >= PARALLEL_MIN else _k.angular_batch
    kernel(D, theta, tan_beta, alpha, rho0, *_rule(alpha, nodes), out)
    return out


@functools.lru_cache(maxsize=64)
def _rule(alpha: float, nodes: int) -> tuple:
    """Return the kernel's arguments fixed by α and the nodes per panel (cached per pair)."""
    x, wts = _gauss_legendre_01(nodes)
    return (_quarter_power(alpha), _ellipse(nodes), x, wts, *_antiderivative_table(alpha))


@functools.lru_cache(maxsize=64)
def _antiderivative_table(alpha: float) -> tuple[np.ndarray, float]:
    """Table of G(s) = ∫_0^s (1 - σ²)^((α-3)/2) dσ for the kernel (module docstring there).

    G(1 - τ) = C - τ^((α-1)/2) H(τ) with p = (α-3)/2, C = ½ B(½, (α-1)/2) and

        H(τ) = ∫_0^1 y^p (2 - τ y)^p dy = 2^p Σ_n (p choose n) (-τ/2)^n / (p + n + 1),

    a series with ratio <= 1/2 on τ in [0, 1] (all terms positive for p < 0), summed to
    TABLE_SERIES_TERMS terms. Returns the coefficients of H's Chebyshev interpolant on
    τ in [0, 1] (shape (TAIL_COEFFICIENTS,), in x = 2τ - 1), and C. For α <= 1 (G diverges)
    the table is empty and the kernel uses quadrature only.
    """
    if alpha <= 1.0:
        return np.empty(0), 0.0
    p = 0.5 * (alpha - 3.0)
    n = np.arange(TABLE_SERIES_TERMS)
    ratios = np.concatenate([[1.0], (n[1:] - 1.0 - p) / (2.0 * n[1:])])  # (p choose n)(-1/2)^n
    series = 2.0 ** p * np.cumprod(ratios) / (p + n + 1.0)

    def h(x):
        return np.polynomial.polynomial.polyval(0.5 * (x + 1.0), series)

    total = 0.5 * math.exp(math.lgamma(0.5) + math.lgamma(p + 1.0) - math.lgamma(p + 1.5))
    return chebyshev.chebinterpolate(h, _k.TAIL_COEFFICIENTS - 1), total


def _quarter_power(alpha: float) -> int:
    """2α when it is an integer in [0, 63] (branch-free q^(-α/2) in the kernel), else -1."""
    m = 2.0 * alpha
    return int(m) if m == round(m) and m <= 63 else -1


def _ellipse(nodes: int) -> float:
    """(r + 1/r)/2 with r such that (64/15) r^(-2n) = PANEL_TOL (n-point GL error bound)."""
    r = (64.0 / 15.0 / PANEL_TOL) ** (1.0 / (2 * nodes))
    return 0.5 * (r + 1.0 / r)


@functools.cache
def _gauss_legendre_01(n: int) -> tuple[np.ndarray, np.ndarray]:
    """n-point Gauss-Legendre nodes and weights on [0, 1]."""
    t, w = np.polynomial.legendre.leggauss(n)
    return 0.5 * (t + 1.0), 0.5 * w
