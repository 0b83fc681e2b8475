import dataclasses
import math

import numpy as np
import pytest

from fastsec.errors import ParameterError, ParameterTypeError
from fastsec.oam import PRESETS, Scenario, channels, secrecy_rate
from fastsec.reference.oam import cophased_phases


def test_defaults_are_section_v_values():
    s = Scenario()
    assert (s.N, s.N_E, s.N_A, s.N_s, s.N_z) == (8, 8, 4, 3, 3)
    assert s.u_b_m == (0.0, 0.0, 40.0) and s.u_r1_m == (2.0, 0.0, 0.3)
    assert s.u_r2_m == (1.0, 0.0, 39.7)
    assert s.eve_azimuth_rad == 0.0 and s.eve_polar_rad == -math.pi / 20
    assert s.tilt_r1_y_rad == math.pi / 10 and s.tilt_r2_y_rad == -math.pi / 10
    assert s.tilt_e_x_rad == s.tilt_e_y_rad == -math.pi / 4
    assert s.d_y_m == s.d_z_m == 0.05 and s.a_max == 10.0 and s.sigma_r2_dbm == -60.0
    assert s.ris1_dims == (5, 8) and s.ris2_dims == (5, 8)
    assert s.G == 8 and s.index_bits == 3.0
    assert list(s.signal_modes) == [0, 1, 2] and list(s.an_modes) == [4, 5, 6]


def test_derived_powers():
    s = Scenario(p_total_dbm=30.0, pt_fraction=0.9, rho=0.7)
    assert s.p_total_w == pytest.approx(1.0)
    assert s.p_t_w == pytest.approx(0.9) and s.p_r2_w == pytest.approx(0.1)
    assert s.signal_power_w == pytest.approx(0.63)
    assert s.sigma_z2_w == pytest.approx(0.3 * 0.9 / 3)
    assert Scenario(N_z=0, rho=1.0).sigma_z2_w == 0.0


def test_presets():
    assert set(PRESETS) == {"default", "paper"}
    assert Scenario.preset("default") == Scenario()
    paper = Scenario.preset("paper", Q1=20)
    assert paper.sigma_b2_dbm == paper.sigma_e2_dbm == -20.0 and paper.Q1 == 20
    with pytest.raises(ParameterError, match=r"name must be one of \['default', 'paper'\]"):
        Scenario.preset("literal")


def _bob_sinr_db_cophased(s):
    ch = channels(s)
    a = np.full(s.Q2, s.a_max)
    t1, t2 = cophased_phases(s, ch, a)
    rates = secrecy_rate(s, ch, np.full(s.N_s, s.signal_power_w / s.N_s), a, t1, t2)
    return 10 * np.log10(rates.sinr_B.max()), rates


def test_link_budget_presets_behave_as_documented():
    # Paper's literal noise: Bob's SINR far below 0 dB even with co-phased RISs, R_B ≈ log2 G.
    sinr_db, rates = _bob_sinr_db_cophased(Scenario.preset("paper"))
    assert sinr_db < -30.0
    assert rates.R_B - rates.index_bits < 0.01
    # Default preset: Bob's best mode reaches about 0 dB and his rate matters.
    sinr_db, rates = _bob_sinr_db_cophased(Scenario())
    assert sinr_db > -3.0
    assert rates.R_B - rates.index_bits > 0.5


BAD = [
    (dict(Q1=40, ris1_shape=(4, 8)), ParameterError,
     r"ris1_shape=\(4, 8\) has 32 elements but Q1=40"),
    (dict(Q2=12, ris2_shape=(3, 5)), ParameterError, "ris2_shape"),
    (dict(ris1_shape=[5, 8]), ParameterTypeError, "ris1_shape must be a tuple"),
    (dict(N_s=5), ParameterError, r"N_s must be in \[1, 4\]"),
    (dict(N_z=5), ParameterError, r"N_z must be in \[0, 4\]"),
    (dict(N_A=9), ParameterError, r"N_A must be in \[1, 8\]"),
    (dict(N_E=3), ParameterError, r"N_E must be in \[4, inf\]"),
    (dict(N=8.0), ParameterTypeError, "N must be an integer"),
    (dict(sn_pair=8), ParameterError, r"sn_pair must be in \[0, 7\]"),
    (dict(waveform="ofdm"), ParameterError, "waveform must be one of"),
    (dict(zc_root=4), ParameterError, "zc_root must be coprime with N=8"),
    (dict(rho=1.0), ParameterError, "rho must be < 1 when N_z > 0"),
    (dict(rho=0.0), ParameterError, r"rho must be in \(0, 1\]"),
    (dict(pt_fraction=1.0), ParameterError, "pt_fraction"),
    (dict(wavelength_m=-0.1), ParameterError, "wavelength_m"),
    (dict(beta_ae=0.0), ParameterError, "beta_ae"),
    (dict(u_b_m=(0.0, 40.0)), ParameterTypeError, "u_b_m must be a tuple of 3"),
    (dict(u_r1_m=(0.0, float("nan"), 1.0)), ParameterError, r"u_r1_m\[1\] must be finite"),
    (dict(sigma_b2_dbm=float("inf")), ParameterError, "sigma_b2_dbm must be finite"),
    (dict(p_th_dbm=30.0), ParameterError, "p_th_dbm=30.0 is infeasible"),
    (dict(a_max=0.0), ParameterError, "a_max"),
]


@pytest.mark.parametrize(("kwargs", "error", "match"), BAD)
def test_bad_parameters_raise_before_any_work(kwargs, error, match):
    with pytest.raises(error, match=match):
        Scenario(**kwargs)


def test_replace_revalidates():
    with pytest.raises(ParameterError, match="N_s"):
        dataclasses.replace(Scenario(), N_s=6)


def test_passive_surface_and_topology_fields():
    active = Scenario()
    passive = Scenario(active_ris=False)
    assert passive.p_t_w == passive.p_total_w and passive.p_r2_w == 0.0
    assert passive.sigma_r2_w == 0.0 and active.sigma_r2_w == pytest.approx(1e-9, rel=1e-12)
    assert active.p_t_w + active.p_r2_w == pytest.approx(active.p_total_w, rel=1e-15)
    with pytest.raises(ParameterError, match="topology"):
        Scenario(topology="triple")
    with pytest.raises(ParameterTypeError, match="active_ris"):
        Scenario(active_ris=1)
