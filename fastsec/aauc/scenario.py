"""AAUC scenario parameters and the per-drop channel realisation (paper 000, Sec. II, VII).

:class:`Scenario` holds the paper's parameters with the Section VII defaults; fields that are
not SI-linear say their unit in the name (``kr_db``, ``pmax_dbm``, ``d_min_m``). It validates on
construction. :class:`Drop` is one realisation of positions and channels (made by
:func:`fastsec.aauc.draw`); solvers take a ``Drop``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property
from typing import Any

import numpy as np

from fastsec import units
from fastsec._validate import check_bool, check_choice, check_int, check_real
from fastsec.errors import ParameterError
from fastsec.kernels.aauc import channels as _finite

#: Eavesdropper placements: ``"segment"`` hides it on the segment BS–user K with
#: D_E ~ U(0, D_K) (Sec. VII); ``"off_angle"`` is Sec. VII-D: users at θ_k ~ U(0, π),
#: D_K = ``d_far_m``, eavesdropper at θ_E ~ U(−π, 0), D_E ~ U(d_min_m, d_max_m).
PLACEMENTS = ("segment", "off_angle")

#: Default cap on the SCA methods' iterations (:attr:`Scenario.sco_iters`): a safeguard, not a
#: setting. Run to their tolerance, SCO took at most 382 iterations on 84 drops of seven
#: settings (N = 8…100, K = 3…20), direct transmission 706 and BFOM's outer loop 1000 on one.
SCA_ITERS = 1000


@dataclass(frozen=True)
class Scenario:
    """Parameters of one AAUC setting (paper 000, Sec. VII defaults).

    Attributes
    ----------
    N : int
        BS antennas (ULA, half-wavelength spacing, eq. (2)); N >= 2.
    K : int
        Users; user K is the attacked one, users 1..K-1 help; K >= 2.
    kr_db : float
        Rician K-factor K_R [dB] of every link (eq. (1), (9)); ignored when ``rayleigh``.
    rayleigh : bool
        Use K_R = 0 (linear), i.e. pure Rayleigh fading (Sec. VII-D).
    alpha : float
        Path-loss exponent α > 0.
    rho0_db : float
        Path loss ϱ0 at the reference distance d0 = 1 m [dB].
    sigma2_dbm : float
        Noise power σ_k² of every user [dBm].
    sigma_e2_dbm : float
        Eavesdropper noise power σ_E² [dBm].
    pmax_dbm : float
        Total power budget P_max of both phases [dBm] (eq. (11a)).
    lam : float
        Angular-model parameter λ ∈ [0, 1] (eq. (13)).
    sco_iters : int
        Cap I on the iterations of the SCA methods (SCO, Sec. IV-B; ``irs``, ``direct``,
        ``hybrid`` and BFOM's outer loop). Each run stops on its tolerance first; the default,
        :data:`SCA_ITERS`, is a safeguard, so by default SCO returns a KKT point of P2
        (``kkt_residual`` <= 1e-4). The paper fixes I = 20 (Sec. VII), as its figures' studies
        do (``sco_iters=20``); at I = 20 a third of the drops at N = 100, K = 10 stop short of
        a KKT point (residual up to 4e-4, objective up to 0.3 % below the converged one).
    d_min_m, d_max_m : float
        User distances D_k ~ U(d_min_m, d_max_m) [m].
    common_distance_m : float or None
        If set, every user is at this distance [m] (Fig. 4c).
    placement : {"segment", "off_angle"}
        Eavesdropper placement, see :data:`PLACEMENTS`.
    d_far_m : float
        Distance of user K in the ``"off_angle"`` placement [m] (Sec. VII-D: 1000 m).
    beta_rad : float
        Eavesdropper elevation β [rad] for the 3-D angular matrix (eq. (15)-(16)); 0 is 2-D.

    """

    N: int = 100
    K: int = 10
    kr_db: float = 30.0
    rayleigh: bool = False
    alpha: float = 2.5
    rho0_db: float = -40.0
    sigma2_dbm: float = -80.0
    sigma_e2_dbm: float = -80.0
    pmax_dbm: float = 30.0
    lam: float = 0.64
    sco_iters: int = SCA_ITERS
    d_min_m: float = 100.0
    d_max_m: float = 500.0
    common_distance_m: float | None = None
    placement: str = "segment"
    d_far_m: float = 1000.0
    beta_rad: float = 0.0

    def __post_init__(self) -> None:
        check_int("N", self.N, 2)
        check_int("K", self.K, 2)
        check_real("kr_db", self.kr_db)
        check_bool("rayleigh", self.rayleigh)
        check_real("alpha", self.alpha, 0.0, low_open=True)
        check_real("rho0_db", self.rho0_db)
        check_real("sigma2_dbm", self.sigma2_dbm)
        check_real("sigma_e2_dbm", self.sigma_e2_dbm)
        check_real("pmax_dbm", self.pmax_dbm)
        check_real("lam", self.lam, 0.0, 1.0)
        check_int("sco_iters", self.sco_iters, 1)
        check_real("d_min_m", self.d_min_m, 0.0, low_open=True)
        check_real("d_max_m", self.d_max_m, self.d_min_m)
        if self.common_distance_m is not None:
            check_real("common_distance_m", self.common_distance_m, 0.0, low_open=True)
        check_choice("placement", self.placement, PLACEMENTS)
        check_real("d_far_m", self.d_far_m, 0.0, low_open=True)
        check_real("beta_rad", self.beta_rad, -np.pi / 2, np.pi / 2, low_open=True,
                   high_open=True)

    @cached_property
    def tan_beta(self) -> float:
        """Tangent of the eavesdropper's elevation β (eq. (16))."""
        return float(np.tan(self.beta_rad))

    @cached_property
    def kr(self) -> float:
        """Rician K-factor K_R (linear); 0 for Rayleigh fading."""
        return 0.0 if self.rayleigh else float(units.db_to_linear(self.kr_db))

    @cached_property
    def rho0(self) -> float:
        """Path loss at 1 m, ϱ0 (linear)."""
        return float(units.db_to_linear(self.rho0_db))

    @cached_property
    def sigma2_w(self) -> float:
        """User noise power σ_k² [W]."""
        return float(units.dbm_to_watts(self.sigma2_dbm))

    @cached_property
    def sigma_e2_w(self) -> float:
        """Eavesdropper noise power σ_E² [W]."""
        return float(units.dbm_to_watts(self.sigma_e2_dbm))

    @cached_property
    def pmax_w(self) -> float:
        """Power budget P_max [W]."""
        return float(units.dbm_to_watts(self.pmax_dbm))


@dataclass(frozen=True, eq=False)
class Drop:
    """One realisation of positions and channels for a :class:`Scenario`.

    Attributes
    ----------
    scenario : Scenario
        The parameters it was drawn from.
    D : ndarray, shape (K,), float64
        User distances D_k from the BS [m].
    theta : ndarray, shape (K,), float64
        User azimuths θ_k [rad] (0 = north, π/2 = east; position (D cos θ, D sin θ)).
    D_E : float
        Eavesdropper distance from the BS [m].
    theta_E : float
        Eavesdropper azimuth [rad] (= θ_K in the ``"segment"`` placement).
    g : ndarray, shape (K, N), complex128
        BS-to-user channels, row k is g_k (eq. (1)-(2)).
    h_K : ndarray, shape (K-1,), complex128
        Helping-users-to-user-K channel h_K (eq. (9) with d_{K,k}).
    h_E : ndarray, shape (K-1,), complex128
        Helping-users-to-eavesdropper channel h_E (eq. (9) with d_{E,k}).
    g_E : ndarray, shape (N,), complex128
        BS-to-eavesdropper channel (eq. (1) at the eavesdropper's distance and angle).

    """

    scenario: Scenario
    D: np.ndarray
    theta: np.ndarray
    D_E: float
    theta_E: float
    g: np.ndarray
    h_K: np.ndarray
    h_E: np.ndarray
    g_E: np.ndarray

    def __post_init__(self) -> None:
        check_drop_arrays("Drop", self.scenario, (), (self.D, self.theta, self.g, self.h_K,
                                                      self.h_E, self.g_E))

    @classmethod
    def _valid(cls, *values: Any) -> Drop:
        """Make a drop of fields (in declaration order) valid by construction, unchecked.

        For fastsec's own producers only: a kernel's draws for a checked :class:`Scenario`
        (:func:`fastsec.aauc.draw`) and a row of a checked batch; the check of
        :meth:`__post_init__` is a third of a ``draw`` call at N = 32, K = 4.
        """
        drop = object.__new__(cls)
        for name, value in zip(_DROP_FIELDS, values, strict=True):
            object.__setattr__(drop, name, value)
        return drop


#: The fields of :class:`Drop` in declaration order.
_DROP_FIELDS = tuple(f.name for f in fields(Drop))


def check_drop_arrays(owner: str, scenario: Scenario, lead: tuple[int, ...],
                      arrays: tuple[np.ndarray, ...]) -> None:
    """Check the arrays D, theta, g, h_K, h_E, g_E of a drop (``lead`` = ()) or a batch (B,).

    Shapes ``lead`` + (K,), (K,), (K, N), (K-1,), (K-1,), (N,); every entry finite; D > 0.
    Raises :class:`~fastsec.errors.ParameterError` naming ``owner.field``.
    """
    n, k = scenario.N, scenario.K
    for name, arr, shape in zip(_FIELDS, arrays, ((k,), (k,), (k, n), (k - 1,), (k - 1,), (n,)),
                                strict=True):
        if not isinstance(arr, np.ndarray) or arr.shape != lead + shape:
            got = getattr(arr, "shape", type(arr).__name__)
            raise ParameterError(f"{owner}.{name} must have shape {lead + shape}, got {got}")
    if all(a.dtype == t and a.flags.c_contiguous for a, t in zip(arrays, _DTYPES, strict=True)):
        bad = _finite.first_non_finite(*arrays)  # one compiled pass: finite, then D > 0
    else:
        bad = next((i for i, a in enumerate(arrays) if not np.all(np.isfinite(a))), -1)
        if bad < 0 and not arrays[0].min() > 0.0:
            bad = _finite.NON_POSITIVE_D
    if 0 <= bad < _finite.NON_POSITIVE_D:
        raise ParameterError(f"{owner}.{_FIELDS[bad]} must be finite (no NaN or inf)")
    if bad == _finite.NON_POSITIVE_D:
        raise ParameterError(f"{owner}.D must be > 0 m, got min {arrays[0].min()}")


#: Array fields of :class:`Drop` in the order its checks report them, and their usual dtypes.
_FIELDS = ("D", "theta", "g", "h_K", "h_E", "g_E")
_DTYPES = (np.dtype(np.float64),) * 2 + (np.dtype(np.complex128),) * 4
