"""Baselines of paper 002, Sec. V, and the paper's qualitative results on a reduced setting.

Default preset (σ_B² = σ_E² = -70 dBm, see fastsec.oam.scenario), Q1 = Q2 = 40 unless a
test sweeps it, two random starts, fixed seeds. The margins (0.3 bit/s/Hz) are far above the
AO's convergence tolerance (1e-6) and below the gaps seen at the paper's settings (> 0.8), so
a regression that loses a scheme's advantage or a trend breaks them.
"""

import numpy as np
import pytest

from fastsec.oam import SCHEMES, Scenario, optimize

MARGIN = 0.3  # bit/s/Hz


def _rs(scenario, scheme="proposed", seed=0):
    return optimize(scenario, scheme, rng=np.random.default_rng(seed), iters=30, starts=2)


def test_scheme_table_and_overrides():
    s = Scenario(Q1=8, Q2=8)
    assert set(SCHEMES) >= {"proposed", "pa_ris_mimo", "no_an", "random_phase", "zc"}
    mimo = optimize(s, "pa_ris_mimo", rng=np.random.default_rng(0), iters=2)
    assert mimo.scenario.waveform == "mimo" and mimo.rates.index_bits == 0.0
    no_an = optimize(s, "no_an", rng=np.random.default_rng(0), iters=2)
    assert no_an.scenario.N_z == 0 and no_an.scenario.sigma_z2_w == 0.0
    assert optimize(s, "zc", rng=np.random.default_rng(0), iters=2).scenario.waveform == "zc"


def test_random_phase_keeps_its_random_phases():
    s = Scenario(Q1=8, Q2=8)
    res = optimize(s, "random_phase", rng=np.random.default_rng(7), iters=5)
    start = np.random.default_rng(7)
    np.testing.assert_array_equal(res.theta1, np.exp(2j * np.pi * start.random(s.Q1)))
    np.testing.assert_array_equal(res.theta2, np.exp(2j * np.pi * start.random(s.Q2)))
    assert res.theta_iterations == 0 and res.history[-1] > res.history[0]


@pytest.mark.slow
def test_proposed_beats_random_phase_and_no_an(reduced):
    for p_dbm in (30.0,) if reduced else (30.0, 35.0):
        s = Scenario(p_total_dbm=p_dbm)
        proposed = _rs(s)
        random_phase = _rs(s, "random_phase")
        no_an = _rs(s, "no_an")
        assert proposed.rates.R_s > random_phase.rates.R_s + MARGIN
        assert proposed.rates.R_s > no_an.rates.R_s + MARGIN
        # AN helps beyond the extra index bits of the AN modes: compare R_B - log2 G - R_E
        assert (proposed.rates.R_s - proposed.rates.index_bits
                > no_an.rates.R_s - no_an.rates.index_bits)


@pytest.mark.slow
def test_secrecy_rate_grows_with_ris_size(reduced):
    sizes = (24, 40) if reduced else (24, 32, 40)
    rates = [_rs(Scenario(Q1=q, Q2=q)).rates.R_s for q in sizes]
    assert np.all(np.diff(rates) > MARGIN), rates


@pytest.mark.slow
def test_secrecy_rate_grows_with_total_power(reduced):
    powers = (25.0, 35.0) if reduced else (25.0, 30.0, 35.0)
    rates = [_rs(Scenario(p_total_dbm=p)).rates.R_s for p in powers]
    assert np.all(np.diff(rates) > MARGIN), rates


def test_scheme_variables_fixed_as_documented():
    s = Scenario(Q1=6, Q2=6)
    dp = optimize(s, "dp", rng=np.random.default_rng(0), iters=3)
    assert not dp.scenario.active_ris
    np.testing.assert_array_equal(dp.a, 1.0)
    assert dp.scenario.p_t_w == s.p_total_w and dp.scenario.sigma_r2_w == 0.0
    sa = optimize(s, "sa", rng=np.random.default_rng(0), iters=3)
    assert sa.scenario.topology == "single_ris2" and sa.scenario.Q1 == sa.scenario.Q2 == 12
    np.testing.assert_array_equal(sa.theta1, 1.0)
    sp = optimize(s, "sp", rng=np.random.default_rng(0), iters=3)
    assert sp.scenario.topology == "single_ris1" and not sp.scenario.active_ris
    np.testing.assert_array_equal(sp.theta2, 1.0)
    np.testing.assert_array_equal(sp.a, 1.0)
    for res in (dp, sa, sp):
        steps = res.substep_history.ravel()
        assert np.all(np.diff(steps) >= -1e-8 * (1 + np.abs(steps[1:])))
        assert res.history[-1] > res.history[0]


@pytest.mark.slow
def test_active_ris2_beats_double_passive(reduced):
    for p_dbm in (30.0,) if reduced else (30.0, 35.0):
        s = Scenario(p_total_dbm=p_dbm)
        assert _rs(s).rates.R_s > _rs(s, "dp").rates.R_s + MARGIN


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=(
    "Fig. 5 does not reproduce under free-space eq. (9) with beta = 1: the RIS1 -> RIS2 hop "
    "(37.7 m) costs lambda / (4 pi d) ~ 2e-4 in amplitude, which Q1 Q2 / (Q1 + Q2) = 20 cannot "
    "recover, so one 80-element RIS beats two 40-element RISs (R_s ~ 8.2 SA, 7.6 SP vs 4.8)"))
def test_double_ris_beats_single_ris_same_element_count():
    s = Scenario(Q1=40, Q2=40)
    proposed = _rs(s).rates.R_s
    assert proposed > _rs(s, "sa").rates.R_s
    assert proposed > _rs(s, "sp").rates.R_s
