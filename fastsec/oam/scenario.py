"""Double-RIS OAM scenario: the paper's Section V parameters and documented defaults.

Paper 002, Sec. II, III and V. :class:`Scenario` is a frozen dataclass that validates on
construction; fields that are not SI-linear say their unit in the name (``_dbm``, ``_m``,
``_rad``). The paper leaves several quantities out; fastsec's choices are fields with these
defaults:

* carrier wavelength λ = 0.1 m (3 GHz; the RIS spacing d_y = d_z = 0.05 m is then λ/2);
* UCA radii r_A = r_B = r_E = 0.1 m (= λ) and initial azimuths α_A = α_B = α_E = 0;
* Eve's distance from Alice D = 20 m (the paper gives only her angles θ = 0, φ = -π/20);
* attenuation factors β = 1 on every link (free space, eq. (9));
* RIS shapes: the most nearly square factorisation Q_y <= Q_z of Q (40 -> 5 x 8);
* power floor p_th = 0 dBm = 1 mW per signal mode (constraint (20c));
* the SN pair used is the first of the G pairs (``sn_pair=0``: signal modes {0, 1, 2} and AN
  modes {4, 5, 6} for the Section V sizes);
* Alice's and Bob's tilts ϑ_A,y = π/10, ϑ_B,y = -π/10 (Figs. 2-5 and 7).

**Link-budget presets** (:data:`PRESETS`, :meth:`Scenario.preset`). With the paper's literal
noise σ_B² = σ_E² = -20 dBm (preset ``"paper"``) and free-space β = 1, Bob's SINR stays
between about -40 and -55 dB even with RIS phases co-phased for one mode: R_B is essentially
the log2 G index bits and R_s collapses to ≈ log2 G - R_E, so the optimisation can only
suppress Eve and the paper's trends do not show. The default preset (``"default"``) keeps
every paper value but sets σ_B² = σ_E² = -70 dBm. Bob's SINR is then about -25 to -45 dB
with random phases and reaches about 0 dB and above once the phases are aligned (Bob is then
limited by the amplified RIS2 noise, σ_R2² = -60 dBm, rather than by σ_B²), so R_B depends on
the power allocation, the amplification and both phase vectors. Both presets reproduce every
figure's sweep; pick one with ``Scenario.preset("paper", ...)``.

**Baseline topologies** (Sec. V, Fig. 5). ``active_ris=False`` makes the amplifying surface
passive: ``a = 1``, no RIS noise (σ_R2² = 0), no RIS budget, and all of P_total goes to Alice
(P_T = P_total). ``topology`` replaces the two RISs by one surface of Q1 = Q2 elements, written
in the same cascade with an identity RIS1 -> RIS2 hop so that the SINR model is unchanged:
``"single_ris1"`` puts it at RIS1's place (Eve hears it; its phases are θ1),
``"single_ris2"`` at RIS2's place (its link to Eve is blocked as for RIS2; its phases are
θ2 and its amplification a). See :func:`fastsec.oam.channels`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from fastsec import units
from fastsec._validate import check_bool, check_choice, check_int, check_real
from fastsec.errors import ParameterError, ParameterTypeError
from fastsec.oam.signalling import WAVEFORMS, sn_pair, sn_pair_count

#: RIS topologies: the paper's two RISs, or one surface at RIS1's or at RIS2's place.
TOPOLOGIES = ("double", "single_ris1", "single_ris2")

#: Link-budget presets: field overrides applied on top of the dataclass defaults.
#: ``"default"`` = the defaults themselves (σ_B² = σ_E² = -70 dBm); ``"paper"`` = Sec. V
#: literally (σ_B² = σ_E² = -20 dBm), where Bob's SINR is ≈ -40 dB or less.
PRESETS: dict[str, dict[str, float]] = {
    "default": {},
    "paper": {"sigma_b2_dbm": -20.0, "sigma_e2_dbm": -20.0},
}


@dataclass(frozen=True)
class Scenario:
    """Parameters of one double-RIS OAM scene (paper 002, Sec. V values and defaults).

    Attributes
    ----------
    N : int
        Elements of Alice's and Bob's UCAs = number of OAM modes N (Sec. V: 8); N >= 2.
    N_E : int
        Elements of Eve's UCA N_E (Sec. V: 8); N_E >= N_A (Eve's antenna l listens to mode l,
        eq. (17)).
    N_A : int
        Low-order modes available for signals N_A (Sec. V: 4); 1 <= N_A <= N.
    N_s : int
        Signal modes N_s, mode 0 included (Sec. V: 3); 1 <= N_s <= N_A.
    N_z : int
        AN modes N_z (Sec. V: 3); 0 <= N_z <= N - N_A (0 = no AN).
    Q1, Q2 : int
        RIS1 (passive) and RIS2 (active) element counts (Figs. 2, 4, 6, 7: 40).
    ris1_shape, ris2_shape : tuple of int or None
        ``(Q_y, Q_z)`` of each RIS; ``None`` picks the most nearly square Q_y <= Q_z.
        ``Q_y * Q_z`` must equal Q.
    wavelength_m : float
        Carrier wavelength λ [m] (not in the paper; default 0.1 m = 3 GHz).
    r_a_m, r_b_m, r_e_m : float
        UCA radii of Alice, Bob, Eve [m] (not in the paper; default 0.1 m).
    alpha_a_rad, alpha_b_rad, alpha_e_rad : float
        Initial element azimuths α_A, α_B, α_E [rad] (not in the paper; default 0).
    u_b_m, u_r1_m, u_r2_m : tuple of float
        Centres of Bob, RIS1, RIS2 [m] (Sec. V: (0, 0, 40), (2, 0, 0.3), (1, 0, 39.7)).
    eve_distance_m : float
        Distance D of Eve's centre from Alice [m] (not in the paper; default 20 m).
    eve_azimuth_rad, eve_polar_rad : float
        Eve's angles θ (from the x-axis in the x-y plane) and φ (from the z-axis) [rad]
        (Sec. V: 0 and -π/20).
    tilt_a_x_rad, tilt_a_y_rad, tilt_b_x_rad, tilt_b_y_rad : float
        Rotation angles ϑ_A,x, ϑ_A,y, ϑ_B,x, ϑ_B,y [rad] (Sec. V: 0, π/10, 0, -π/10).
    tilt_r1_x_rad, tilt_r1_y_rad, tilt_r2_x_rad, tilt_r2_y_rad : float
        RIS rotation angles [rad] (Sec. V: 0, π/10, 0, -π/10).
    tilt_e_x_rad, tilt_e_y_rad : float
        Eve's rotation angles [rad] (Sec. V: -π/4, -π/4).
    d_y_m, d_z_m : float
        RIS element spacings d_y, d_z [m] (Sec. V: 0.05).
    beta_ar1, beta_r1r2, beta_r2b, beta_ae, beta_r1e : float
        Attenuation factors β of the five links of eq. (9) (not in the paper; default 1).
    a_max : float
        Largest RIS2 amplification a_max (Sec. V: 10), constraint (20e).
    sigma_b2_dbm, sigma_e2_dbm : float
        Noise powers σ_B², σ_E² at Bob and Eve [dBm] (Sec. V: -20; default -70, see
        :data:`PRESETS`).
    sigma_r2_dbm : float
        RIS2 noise power σ_R2² [dBm] (Sec. V: -60).
    p_total_dbm : float
        Total power P_total = P_T + P_R2 [dBm] (Figs. 3, 6, 7: 30).
    pt_fraction : float
        P_T / P_total in (0, 1) (Sec. V: 0.9); P_R2 = (1 - pt_fraction) P_total.
    rho : float
        Share ρ of P_T for the signal modes, 0 < ρ <= 1 (Sec. V: 0.9); each AN mode gets
        σ_z² = (1 - ρ) P_T / N_z.
    p_th_dbm : float
        Power floor p_th of every signal mode [dBm], constraint (20c) (default 0 dBm).
    sn_pair : int
        Index of the SN pair used, 0 <= sn_pair < G (see :func:`~fastsec.oam.sn_pairs`).
    waveform : {"oam", "zc", "mimo"}
        Mode matrices, see :data:`~fastsec.oam.signalling.WAVEFORMS`.
    zc_root : int
        Zadoff–Chu root U, 1 <= U < N, coprime with N (``waveform="zc"``).
    topology : {"double", "single_ris1", "single_ris2"}
        The paper's double RIS, or one surface at RIS1's / RIS2's place (module docstring;
        needs Q1 == Q2, the single surface's element count).
    active_ris : bool
        Whether the amplifying surface (RIS2, or the single RIS of ``"single_ris2"``) is
        active; False: a = 1, σ_R2² = 0, P_R2 = 0 and P_T = P_total.

    """

    N: int = 8
    N_E: int = 8
    N_A: int = 4
    N_s: int = 3
    N_z: int = 3
    Q1: int = 40
    Q2: int = 40
    ris1_shape: tuple[int, int] | None = None
    ris2_shape: tuple[int, int] | None = None
    wavelength_m: float = 0.1
    r_a_m: float = 0.1
    r_b_m: float = 0.1
    r_e_m: float = 0.1
    alpha_a_rad: float = 0.0
    alpha_b_rad: float = 0.0
    alpha_e_rad: float = 0.0
    u_b_m: tuple[float, float, float] = (0.0, 0.0, 40.0)
    u_r1_m: tuple[float, float, float] = (2.0, 0.0, 0.3)
    u_r2_m: tuple[float, float, float] = (1.0, 0.0, 39.7)
    eve_distance_m: float = 20.0
    eve_azimuth_rad: float = 0.0
    eve_polar_rad: float = -math.pi / 20
    tilt_a_x_rad: float = 0.0
    tilt_a_y_rad: float = math.pi / 10
    tilt_b_x_rad: float = 0.0
    tilt_b_y_rad: float = -math.pi / 10
    tilt_r1_x_rad: float = 0.0
    tilt_r1_y_rad: float = math.pi / 10
    tilt_r2_x_rad: float = 0.0
    tilt_r2_y_rad: float = -math.pi / 10
    tilt_e_x_rad: float = -math.pi / 4
    tilt_e_y_rad: float = -math.pi / 4
    d_y_m: float = 0.05
    d_z_m: float = 0.05
    beta_ar1: float = 1.0
    beta_r1r2: float = 1.0
    beta_r2b: float = 1.0
    beta_ae: float = 1.0
    beta_r1e: float = 1.0
    a_max: float = 10.0
    sigma_b2_dbm: float = -70.0
    sigma_e2_dbm: float = -70.0
    sigma_r2_dbm: float = -60.0
    p_total_dbm: float = 30.0
    pt_fraction: float = 0.9
    rho: float = 0.9
    p_th_dbm: float = 0.0
    sn_pair: int = 0
    waveform: str = "oam"
    zc_root: int = 1
    topology: str = "double"
    active_ris: bool = True

    def __post_init__(self) -> None:
        check_int("N", self.N, 2)
        check_int("N_A", self.N_A, 1, self.N)
        check_int("N_s", self.N_s, 1, self.N_A)
        check_int("N_z", self.N_z, 0, self.N - self.N_A)
        check_int("N_E", self.N_E, self.N_A)
        check_int("Q1", self.Q1, 1)
        check_int("Q2", self.Q2, 1)
        _check_shape("ris1_shape", self.ris1_shape, self.Q1, "Q1")
        _check_shape("ris2_shape", self.ris2_shape, self.Q2, "Q2")
        for name in ("wavelength_m", "r_a_m", "r_b_m", "r_e_m", "eve_distance_m", "d_y_m",
                     "d_z_m", "beta_ar1", "beta_r1r2", "beta_r2b", "beta_ae", "beta_r1e"):
            check_real(name, getattr(self, name), 0.0, low_open=True)
        for name in ("alpha_a_rad", "alpha_b_rad", "alpha_e_rad", "eve_azimuth_rad",
                     "eve_polar_rad", "tilt_a_x_rad", "tilt_a_y_rad", "tilt_b_x_rad",
                     "tilt_b_y_rad", "tilt_r1_x_rad", "tilt_r1_y_rad", "tilt_r2_x_rad",
                     "tilt_r2_y_rad", "tilt_e_x_rad", "tilt_e_y_rad"):
            check_real(name, getattr(self, name), -2 * math.pi, 2 * math.pi)
        for name in ("u_b_m", "u_r1_m", "u_r2_m"):
            _check_point(name, getattr(self, name))
        check_real("a_max", self.a_max, 0.0, low_open=True)
        for name in ("sigma_b2_dbm", "sigma_e2_dbm", "sigma_r2_dbm", "p_total_dbm", "p_th_dbm"):
            check_real(name, getattr(self, name))
        check_real("pt_fraction", self.pt_fraction, 0.0, 1.0, low_open=True, high_open=True)
        check_real("rho", self.rho, 0.0, 1.0, low_open=True)
        if self.N_z > 0 and self.rho == 1.0:
            raise ParameterError("rho must be < 1 when N_z > 0 (AN power (1 - rho) P_T), got 1.0")
        if self.N_s * self.p_th_w > self.signal_power_w:
            raise ParameterError(
                f"p_th_dbm={self.p_th_dbm} is infeasible: N_s * p_th = {self.N_s * self.p_th_w:g} W"
                f" exceeds the signal budget rho * P_T = {self.signal_power_w:g} W")
        check_choice("waveform", self.waveform, WAVEFORMS)
        check_int("zc_root", self.zc_root, 1, self.N - 1)
        if math.gcd(self.zc_root, self.N) != 1:
            raise ParameterError(f"zc_root must be coprime with N={self.N}, got {self.zc_root}")
        check_int("sn_pair", self.sn_pair, 0, self.G - 1)
        check_choice("topology", self.topology, TOPOLOGIES)
        if self.topology != "double" and self.Q1 != self.Q2:
            raise ParameterError(f"topology={self.topology!r} needs Q1 == Q2 (the single "
                                 f"surface's elements), got Q1={self.Q1}, Q2={self.Q2}")
        check_bool("active_ris", self.active_ris)

    @classmethod
    def preset(cls, name: str, **overrides) -> Scenario:
        """Build a scenario from link-budget preset ``name`` (:data:`PRESETS`) and overrides."""
        check_choice("name", name, PRESETS)
        return cls(**{**PRESETS[name], **overrides})

    @property
    def ris1_dims(self) -> tuple[int, int]:
        """RIS1 shape ``(Q_y1, Q_z1)``."""
        return self.ris1_shape if self.ris1_shape is not None else _square_shape(self.Q1)

    @property
    def ris2_dims(self) -> tuple[int, int]:
        """RIS2 shape ``(Q_y2, Q_z2)``."""
        return self.ris2_shape if self.ris2_shape is not None else _square_shape(self.Q2)

    @property
    def G(self) -> int:
        """Number of usable SN pairs G (Sec. III-A)."""
        return sn_pair_count(self.N, self.N_A, self.N_s, self.N_z)

    @property
    def index_bits(self) -> float:
        """Index-modulation bits log2 G of eq. (16); 0 for the ``"mimo"`` waveform."""
        return 0.0 if self.waveform == "mimo" else math.log2(self.G)

    @property
    def signal_modes(self) -> np.ndarray:
        """Signal modes L_s of the SN pair used, shape (N_s,), int64, ascending."""
        return np.array(self._pair()[0], dtype=np.int64)

    @property
    def an_modes(self) -> np.ndarray:
        """AN modes L_z of the SN pair used, shape (N_z,), int64, ascending."""
        return np.array(self._pair()[1], dtype=np.int64)

    def _pair(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return sn_pair(self.N, self.N_A, self.N_s, self.N_z, self.sn_pair)

    @property
    def p_total_w(self) -> float:
        """Total power P_total [W]."""
        return float(units.dbm_to_watts(self.p_total_dbm))

    @property
    def p_t_w(self) -> float:
        """Alice's transmit power P_T [W] (all of P_total when ``active_ris`` is False)."""
        return self.pt_fraction * self.p_total_w if self.active_ris else self.p_total_w

    @property
    def p_r2_w(self) -> float:
        """RIS2 power budget P_R2 = P_total - P_T [W] (eq. (11), (20d)); 0 if passive."""
        return self.p_total_w - self.p_t_w if self.active_ris else 0.0

    @property
    def signal_power_w(self) -> float:
        """Signal-mode power budget ρ P_T [W] (eq. (20b))."""
        return self.rho * self.p_t_w

    @property
    def sigma_z2_w(self) -> float:
        """AN power per AN mode σ_z² = (1 - ρ) P_T / N_z [W] (Sec. III-A); 0 if N_z = 0."""
        return (1.0 - self.rho) * self.p_t_w / self.N_z if self.N_z else 0.0

    @property
    def p_th_w(self) -> float:
        """Power floor p_th [W] (eq. (20c))."""
        return float(units.dbm_to_watts(self.p_th_dbm))

    @property
    def sigma_b2_w(self) -> float:
        """Bob's noise power σ_B² [W]."""
        return float(units.dbm_to_watts(self.sigma_b2_dbm))

    @property
    def sigma_e2_w(self) -> float:
        """Eve's noise power σ_E² [W]."""
        return float(units.dbm_to_watts(self.sigma_e2_dbm))

    @property
    def sigma_r2_w(self) -> float:
        """RIS2 noise power σ_R2² [W]; 0 for a passive surface."""
        return float(units.dbm_to_watts(self.sigma_r2_dbm)) if self.active_ris else 0.0


def _square_shape(q: int) -> tuple[int, int]:
    q_y = max(d for d in range(1, math.isqrt(q) + 1) if q % d == 0)
    return q_y, q // q_y


def _check_shape(name: str, shape: object, q: int, q_name: str) -> None:
    if shape is None:
        return
    if not isinstance(shape, tuple) or len(shape) != 2:
        raise ParameterTypeError(f"{name} must be a tuple (Q_y, Q_z) or None, got {shape!r}")
    q_y = check_int(f"{name}[0]", shape[0], 1)
    q_z = check_int(f"{name}[1]", shape[1], 1)
    if q_y * q_z != q:
        raise ParameterError(f"{name}={shape} has {q_y * q_z} elements but {q_name}={q}")


def _check_point(name: str, point: object) -> None:
    if not isinstance(point, tuple) or len(point) != 3:
        raise ParameterTypeError(f"{name} must be a tuple of 3 coordinates [m], got {point!r}")
    for i, coordinate in enumerate(point):
        check_real(f"{name}[{i}]", coordinate)
