"""Secrecy-rate models of AAUC (paper 000, Sec. III-IV-A).

- :func:`instantaneous_secrecy_rate`: eq. (6) for a realised eavesdropper channel h_E.
- :func:`realised_secrecy_rate`: the secrecy rate with what the eavesdropper overhears in
  every phase (the BS's multicast through g_E as well as the helpers' relay through h_E),
  the rate the studies report (see ``docs/secrecy.md``).
- :func:`average_secrecy_rate`: eq. (10), the average of eq. (6) over the eavesdropper's
  position ρ ~ U(0, D_K) on the segment BS-user K (composite Gauss-Legendre quadrature in ρ) and
  over the LoS phases φ_k and NLoS parts δ_k of eq. (9) (Monte Carlo, common samples for every
  ρ and every training point), with its standard error.
- :func:`model_secrecy_rate`: the angular model Ŝ of eq. (13) with the angular matrix J.
- :func:`fit_lambda`: the least-squares fit of λ in eq. (14) (:func:`lambda_least_squares` on
  given values of eq. (10)).

Rates are in bit/s/Hz and already include the factor 1/2 of the two phases (R of eq. (7));
powers are in watts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize

from fastsec._validate import check_array, check_int, check_real
from fastsec.aauc.angular import _gauss_legendre_01, angular_matrix
from fastsec.aauc.scenario import Drop
from fastsec.errors import ParameterError, ParameterTypeError
from fastsec.kernels.aauc import secrecy as _k

#: Gauss-Legendre points per ρ panel in :func:`average_secrecy_rate`.
RHO_PANEL_NODES = 4

#: Terms (training points x samples x ρ nodes) from which the multi-threaded kernel is used.
PARALLEL_MIN_TERMS = 2_000_000


@dataclass(frozen=True)
class AverageSecrecyRate:
    """Result of :func:`average_secrecy_rate`.

    Attributes
    ----------
    value : ndarray, shape (T,), float64
        S(R, w | σ_E) of eq. (10) [bit/s/Hz] per training point.
    stderr : ndarray, shape (T,), float64
        Monte-Carlo standard error of ``value`` (over the φ, δ samples).
    samples : int
        Monte-Carlo samples of (φ_k, δ_k).
    rho_nodes : int
        Quadrature nodes in ρ.

    """

    value: np.ndarray
    stderr: np.ndarray
    samples: int
    rho_nodes: int


@dataclass(frozen=True)
class LambdaFit:
    """Result of :func:`fit_lambda` (paper 000, eq. (14)).

    Attributes
    ----------
    lam : float
        Fitted λ ∈ [0, 1].
    mse : float
        Mean squared error of eq. (14) at ``lam`` [(bit/s/Hz)²].
    average : AverageSecrecyRate
        The numerical S of eq. (10) for the training set.
    model : ndarray, shape (T,), float64
        Ŝ of eq. (13) at ``lam``.
    J : ndarray, shape (K-1,), float64
        The angular matrix used (eq. (12)/(16)).

    """

    lam: float
    mse: float
    average: AverageSecrecyRate
    model: np.ndarray
    J: np.ndarray


@dataclass(frozen=True)
class RealisedSecrecy:
    """Result of :func:`realised_secrecy_rate`; rates in bit/s/Hz, shape of the broadcast inputs.

    Attributes
    ----------
    secrecy_rate : ndarray, float64
        [R − R_E]^+ with R_E counting every path to the eavesdropper.
    signed : ndarray, float64
        R − R_E (negative when the eavesdropper decodes more than the users).
    eq6 : ndarray, float64
        [R − R_E]^+ with the BS-to-eavesdropper term g_E^H v dropped, as eq. (6) does
        (it relies on g_E ∥ g_K and g_K^H v = 0).
    eve_rate : ndarray, float64
        R_E, the eavesdropper's rate with every path counted.

    """

    secrecy_rate: np.ndarray
    signed: np.ndarray
    eq6: np.ndarray
    eve_rate: np.ndarray


def realised_secrecy_rate(R: ArrayLike, v: ArrayLike, w: ArrayLike, g_E: ArrayLike,
                          h_E: ArrayLike, sigma_e2_w: ArrayLike, *, phases: int = 2
                          ) -> RealisedSecrecy:
    """Secrecy rate with what the eavesdropper overhears in every phase (paper 000, Sec. II).

    The eavesdropper is a receiver like the users, with noise power σ_E², and the BS and the
    helpers send the same Gaussian symbol s (Sec. II-B: the helpers forward s).

    - ``phases=2`` (AAUC, two phases of equal length): it hears y₁ = g_E^H v s + n₁ in the
      multicast phase and y₂ = h_E^H w s + n₂ in the cooperation phase, with independent
      noises. (y₁, y₂) is two looks at one symbol; maximal-ratio combining is a sufficient
      statistic and the SNRs add: ``R_E = ½ log2(1 + (|g_E^H v|² + |h_E^H w|²)/σ_E²)``.
    - ``phases=1`` (IRS scheme of Sec. VI and direct transmission: one slot): the BS's and
      the reflected paths superpose, y = (g_E^H v + h_E^H w) s + n, and
      ``R_E = log2(1 + |g_E^H v + h_E^H w|²/σ_E²)``.

    The secrecy rate is [R − R_E]^+ as in eq. (6) (its min with R_1..R_{K-1} in eq. (5) does
    not change the clipped value). With g_E^H v = 0 and ``phases=2`` it is eq. (6).

    Parameters
    ----------
    R : float or array_like, shape (...)
        Users' common rate [bit/s/Hz], >= 0 (eq. (7) for AAUC, with the phase factor).
    v : array_like, shape (..., N), complex
        BS beamformer [√W].
    w : array_like, shape (..., K-1), complex
        Helpers' beamformer [√W] (the reflected amplitudes c for the IRS scheme; zero
        for direct transmission).
    g_E : array_like, shape (..., N), complex
        BS-to-eavesdropper channel (eq. (1)).
    h_E : array_like, shape (..., K-1), complex
        Helpers-to-eavesdropper channel (eq. (9)).
    sigma_e2_w : float or array_like, shape (...)
        Eavesdropper noise power σ_E² [W], > 0.
    phases : {1, 2}
        Equal-length phases the users' rate R is spread over.

    Returns
    -------
    RealisedSecrecy

    """
    R, w, sigma = _check_rate_inputs(R, w, sigma_e2_w)
    phases = check_int("phases", phases, 1, 2)
    v, g_E, h_E = (check_array(name, x) for name, x in (("v", v), ("g_E", g_E), ("h_E", h_E)))
    if g_E.shape[-1] != v.shape[-1] or h_E.shape[-1] != w.shape[-1]:
        raise ParameterError(f"g_E {g_E.shape} must match v {v.shape} and h_E {h_E.shape} "
                             f"must match w {w.shape} in the last dimension")
    bs = np.sum(np.conj(g_E) * v, axis=-1)  # g_E^H v
    relay = np.sum(np.conj(h_E) * w, axis=-1)  # h_E^H w
    if phases == 2:
        snr = (np.abs(bs) ** 2 + np.abs(relay) ** 2) / sigma
    else:
        snr = np.abs(bs + relay) ** 2 / sigma
    eve = np.log2(1.0 + snr) / phases
    signed = R - eve
    eq6 = np.maximum(R - np.log2(1.0 + np.abs(relay) ** 2 / sigma) / phases, 0.0)
    return RealisedSecrecy(secrecy_rate=np.maximum(signed, 0.0), signed=signed, eq6=eq6,
                           eve_rate=eve)


def instantaneous_secrecy_rate(R: ArrayLike, w: ArrayLike, h_E: ArrayLike,
                               sigma_e2_w: ArrayLike) -> np.ndarray:
    """Secrecy rate ``[R - ½ log2(1 + |h_E^H w|² / σ_E²)]^+`` (paper 000, eq. (6)).

    Parameters
    ----------
    R : float or array_like, shape (...)
        Common rate R of eq. (7) [bit/s/Hz], >= 0.
    w : array_like, shape (..., K-1), complex
        Distributed beamformer of the helping users [√W].
    h_E : array_like, shape (..., K-1), complex
        Helping-users-to-eavesdropper channel (eq. (9)).
    sigma_e2_w : float or array_like, shape (...)
        Eavesdropper noise power σ_E² [W], > 0.

    Returns
    -------
    ndarray, broadcast shape of R, σ_E² and w[..., 0], float64
        Secrecy rate [bit/s/Hz].

    """
    R, w, sigma = _check_rate_inputs(R, w, sigma_e2_w)
    h_E = check_array("h_E", h_E)
    if h_E.shape[-1] != w.shape[-1]:
        raise ParameterError(f"h_E must have last dimension {w.shape[-1]} (like w), got "
                             f"{h_E.shape}")
    leak = np.abs(np.sum(np.conj(h_E) * w, axis=-1)) ** 2
    return secrecy_given_leak(R, leak, sigma)


def model_secrecy_rate(R: ArrayLike, w: ArrayLike, J: ArrayLike, sigma_e2_w: ArrayLike,
                       lam: float) -> np.ndarray:
    """Angular secrecy model Ŝ = [R - ½ log2(1 + λ w^H J w / σ_E²)]^+ (paper 000, eq. (13)).

    Parameters
    ----------
    R : float or array_like, shape (...)
        Common rate R [bit/s/Hz], >= 0.
    w : array_like, shape (..., K-1), complex
        Distributed beamformer [√W].
    J : array_like, shape (..., K-1)
        Diagonal of the angular matrix (:func:`~fastsec.aauc.angular_matrix`), >= 0.
    sigma_e2_w : float or array_like, shape (...)
        Eavesdropper noise power σ_E² [W], > 0.
    lam : float
        Model parameter λ ∈ [0, 1]; λ = 1 is the lower bound of property (iii).

    Returns
    -------
    ndarray, float64
        Ŝ [bit/s/Hz].

    """
    R, w, sigma = _check_rate_inputs(R, w, sigma_e2_w)
    J = check_array("J", J, complex_ok=False)
    if J.shape[-1] != w.shape[-1] or np.any(J < 0):
        raise ParameterError(f"J must be >= 0 with last dimension {w.shape[-1]} (like w), got "
                             f"shape {J.shape}")
    lam = check_real("lam", lam, 0.0, 1.0)
    return secrecy_given_leak(R, lam * np.sum(J * np.abs(w) ** 2, axis=-1), sigma)


def average_secrecy_rate(drop: Drop, R: ArrayLike, w: ArrayLike,
                         sigma_e2_w: ArrayLike | None = None, *, rng: np.random.Generator,
                         samples: int = 2000, rho_panels: int = 32) -> AverageSecrecyRate:
    """Average secrecy rate S(R, w | σ_E) of paper 000, eq. (10), with its standard error.

    The eavesdropper is at ground distance ρ ∈ [0, D_K] along θ_K (height ρ tan β in 3-D,
    eq. (15)); ρ is integrated by composite Gauss-Legendre quadrature (``rho_panels`` panels of
    :data:`RHO_PANEL_NODES` points, with panel edges at the points of the segment closest to
    each helping user), and E over {φ_k, δ_k} by ``samples`` Monte-Carlo draws shared by all ρ
    nodes and all training points. The standard error is over those draws.

    Parameters
    ----------
    drop : Drop
        Geometry (D, θ) and scenario (α, ϱ0, K_R, β, default σ_E²).
    R : float or array_like, shape (T,)
        Common rate R [bit/s/Hz], >= 0.
    w : array_like, shape (K-1,) or (T, K-1), complex
        Distributed beamformer(s) [√W].
    sigma_e2_w : float or array_like of shape (T,), optional
        σ_E² [W], > 0; default the scenario's.
    rng : numpy.random.Generator
        Source of the Monte-Carlo draws: M x (K-1) phases φ ~ U(-π, π), then M x (K-1)
        complex normals δ ~ CN(0, 1).
    samples : int, default 2000
        Monte-Carlo samples M >= 2.
    rho_panels : int, default 32
        Quadrature panels in ρ, >= 1 (more are added at the closest points).

    Returns
    -------
    AverageSecrecyRate
        ``value`` and ``stderr`` of shape (T,) (T = 1 for scalar inputs).

    """
    if not isinstance(drop, Drop):
        raise ParameterTypeError(f"drop must be a fastsec.aauc.Drop, got {type(drop).__name__}")
    s = drop.scenario
    if sigma_e2_w is None:
        sigma_e2_w = s.sigma_e2_w
    R, w, sigma = _check_rate_inputs(R, w, sigma_e2_w, width=s.K - 1)
    if not isinstance(rng, np.random.Generator):
        raise ParameterTypeError(f"rng must be a numpy.random.Generator, got "
                                 f"{type(rng).__name__}")
    samples = check_int("samples", samples, 2)
    rho_panels = check_int("rho_panels", rho_panels, 1)
    T = (np.broadcast_shapes(R.shape, sigma.shape, w.shape[:-1]) or (1,))[0]
    R = np.ascontiguousarray(np.broadcast_to(R, (T,)))
    sigma = np.ascontiguousarray(np.broadcast_to(sigma, (T,)))
    w = np.ascontiguousarray(np.broadcast_to(w, (T, s.K - 1)))

    rho, weights = _rho_rule(drop, rho_panels)
    amp = _path_amplitudes(drop, rho)  # (n_rho, K-1)
    kr = s.kr
    phi = rng.uniform(-np.pi, np.pi, (samples, s.K - 1))
    delta = rng.standard_normal((samples, s.K - 1, 2)).view(np.complex128)[..., 0]
    mix = math.sqrt(kr / (1 + kr)) * np.exp(1j * phi) + math.sqrt(1 / (1 + kr) / 2) * delta
    conj_mix = np.ascontiguousarray(np.conj(mix).T)  # (K-1, M)
    value, mean_sq = np.empty(T), np.empty(T)
    parallel = T * samples * rho.size >= PARALLEL_MIN_TERMS
    kernel = _k.secrecy_average_batch_parallel if parallel else _k.secrecy_average_batch
    kernel(amp, weights, conj_mix, w, R, sigma, value, mean_sq)
    variance = np.maximum(mean_sq - value ** 2, 0.0) * samples / (samples - 1)
    return AverageSecrecyRate(value=value, stderr=np.sqrt(variance / samples), samples=samples,
                              rho_nodes=rho.size)


def fit_lambda(drop: Drop, R: ArrayLike, w: ArrayLike, sigma_e2_w: ArrayLike, *,
               rng: np.random.Generator, samples: int = 2000, rho_panels: int = 32) -> LambdaFit:
    """Fit λ of the angular model by least squares (paper 000, eq. (14)).

    Computes S of eq. (10) for the training set with :func:`average_secrecy_rate`, then
    minimises ``(1/T) Σ |S_i - Ŝ_i(λ)|²`` over λ ∈ [0, 1] (a 1001-point scan refined by bounded
    Brent minimisation).

    Parameters
    ----------
    drop : Drop
        Geometry and scenario (J of eq. (12)/(16) is computed from it).
    R : array_like, shape (T,)
        Training rates R^(i) [bit/s/Hz].
    w : array_like, shape (T, K-1), complex
        Training beamformers w^(i) [√W].
    sigma_e2_w : array_like, shape (T,)
        Training noise powers σ_E^(i)² [W].
    rng : numpy.random.Generator
        Source of the Monte-Carlo draws of eq. (10).
    samples : int, default 2000
        Monte-Carlo samples of eq. (10).
    rho_panels : int, default 32
        Quadrature panels in ρ for eq. (10).

    Returns
    -------
    LambdaFit

    """
    avg = average_secrecy_rate(drop, R, w, sigma_e2_w, rng=rng, samples=samples,
                               rho_panels=rho_panels)
    J = angular_matrix(drop)
    R = np.broadcast_to(np.asarray(R, dtype=float), avg.value.shape)
    sigma = np.broadcast_to(np.asarray(sigma_e2_w, dtype=float), avg.value.shape)
    leak = np.sum(J * np.abs(np.asarray(w)) ** 2, axis=-1)
    lam, err = lambda_least_squares(avg.value, R, leak, sigma)
    return LambdaFit(lam=lam, mse=err, average=avg,
                     model=secrecy_given_leak(R, lam * leak, sigma), J=J)


def lambda_least_squares(S: ArrayLike, R: ArrayLike, leak_w: ArrayLike,
                         sigma_e2_w: ArrayLike) -> tuple[float, float]:
    """λ ∈ [0, 1] minimising (1/T) Σ |S_i − Ŝ_i(λ)|² (paper 000, eq. (14)), and that MSE.

    A 1001-point scan of [0, 1] refined by bounded Brent minimisation.

    Parameters
    ----------
    S : array_like, shape (T,)
        Target secrecy rates (eq. (10)) [bit/s/Hz].
    R : array_like, shape (T,)
        Common rates R^(i) [bit/s/Hz].
    leak_w : array_like, shape (T,)
        w^(i)H J w^(i) [W] (the model's leakage before the factor λ).
    sigma_e2_w : array_like, shape (T,)
        σ_E^(i)² [W].

    Returns
    -------
    (float, float)
        The fitted λ and its mean squared error [(bit/s/Hz)²].

    """
    S, R, leak, sigma = (np.asarray(x, dtype=float) for x in (S, R, leak_w, sigma_e2_w))

    def mse(lam: float) -> float:
        return float(np.mean((S - secrecy_given_leak(R, lam * leak, sigma)) ** 2))

    grid = np.linspace(0.0, 1.0, 1001)
    i = int(np.argmin([mse(x) for x in grid]))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, 1000)]
    best = optimize.minimize_scalar(mse, bounds=(lo, hi), method="bounded",
                                    options={"xatol": 1e-8})
    lam = float(best.x) if best.fun <= mse(grid[i]) else float(grid[i])
    return lam, mse(lam)


def secrecy_given_leak(R: np.ndarray, leak: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """[R - ½ log2(1 + leak/σ²)]^+ (eq. (6) with leak = |h_E^H w|²), unchecked."""
    return np.maximum(R - 0.5 * np.log2(1.0 + leak / sigma), 0.0)


def _check_rate_inputs(R: ArrayLike, w: ArrayLike, sigma_e2_w: ArrayLike, width: int | None = None
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check and return (R, w, σ_E²); scalars stay 0-d (check_array returns >= 1-d)."""
    R = check_array("R", R, complex_ok=False).reshape(np.shape(R))
    if np.any(R < 0):
        raise ParameterError(f"R must be >= 0 bit/s/Hz, got min {R.min()}")
    w = check_array("w", w)
    if w.ndim == 0 or w.ndim > 2 or (width is not None and w.shape[-1] != width):
        want = "K-1" if width is None else str(width)
        raise ParameterError(f"w must have shape ({want},) or (T, {want}), got {w.shape}")
    sigma = check_array("sigma_e2_w", sigma_e2_w, complex_ok=False).reshape(np.shape(sigma_e2_w))
    if np.any(sigma <= 0):
        raise ParameterError(f"sigma_e2_w must be > 0 W, got min {sigma.min()}")
    for name, arr in (("R", R), ("sigma_e2_w", sigma)):
        if arr.ndim > 1:
            raise ParameterError(f"{name} must be a scalar or have shape (T,), got {arr.shape}")
    try:
        np.broadcast_shapes(R.shape, sigma.shape, w.shape[:-1])
    except ValueError:
        raise ParameterError(f"R {R.shape}, sigma_e2_w {sigma.shape} and w {w.shape} do not "
                             "broadcast to one training-set length T") from None
    return R, w, sigma


def _rho_rule(drop: Drop, panels: int) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss-Legendre nodes ρ [m] and weights (÷ D_K) on [0, D_K]."""
    D_K = float(drop.D[-1])
    t2 = math.tan(drop.scenario.beta_rad) ** 2
    closest = drop.D[:-1] * np.cos(drop.theta[:-1] - drop.theta[-1]) / (1 + t2)
    edges = np.unique(np.concatenate([np.linspace(0.0, D_K, panels + 1),
                                      closest[(closest > 0) & (closest < D_K)]]))
    x, wts = _gauss_legendre_01(RHO_PANEL_NODES)
    width = np.diff(edges)[:, None]
    rho = (edges[:-1, None] + width * x).ravel()
    weights = (width * wts).ravel() / D_K
    return rho, weights


def _path_amplitudes(drop: Drop, rho: np.ndarray) -> np.ndarray:
    """√(ϱ0 d_{E,k}(ρ)^-α) of eq. (9) with d_{E,k} of eq. (8)/(15), shape (n_rho, K-1)."""
    s = drop.scenario
    th_K = drop.theta[-1]
    ex, ey = rho * math.cos(th_K), rho * math.sin(th_K)
    ux, uy = drop.D[:-1] * np.cos(drop.theta[:-1]), drop.D[:-1] * np.sin(drop.theta[:-1])
    d2 = ((ex[:, None] - ux) ** 2 + (ey[:, None] - uy) ** 2
          + (rho[:, None] * math.tan(s.beta_rad)) ** 2)
    return np.sqrt(s.rho0 * d2 ** (-s.alpha / 2))
