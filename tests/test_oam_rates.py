import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from fastsec.errors import ParameterError
from fastsec.oam import Channels, Scenario, channels, geometry, secrecy_rate, stream_matrices
from fastsec.oam.signalling import receive_matrix, transmit_matrix
from fastsec.reference.oam import (
    cophased_phases,
    secrecy_rate_reference,
    sinr_terms_reference,
    spherical_wave_reference,
)

# Kernel vs literal matrix formulas: same sums in another order, ~1e-15 relative per term.
RTOL = 1e-10


def _candidates(s, rng, batch):
    p = rng.uniform(0.01, 0.3, size=(batch, s.N_s))
    a = rng.uniform(0.0, s.a_max, size=(batch, s.Q2))
    theta1 = np.exp(2j * np.pi * rng.random((batch, s.Q1)))
    theta2 = np.exp(2j * np.pi * rng.random((batch, s.Q2)))
    return p, a, theta1, theta2


SCENES = {
    "oam": dict(Q1=12, Q2=10, ris1_shape=(3, 4)),
    "zc": dict(Q1=12, Q2=10, waveform="zc", zc_root=3),
    "mimo": dict(Q1=12, Q2=10, waveform="mimo"),
    "no_an": dict(Q1=12, Q2=10, N_z=0, rho=1.0),
    "paper": dict(Q1=12, Q2=10, sigma_b2_dbm=-20.0, sigma_e2_dbm=-20.0, sn_pair=5),
}


@pytest.mark.parametrize("name", SCENES)
def test_kernel_matches_literal_matrix_formulas(name, rng):
    s = Scenario(**SCENES[name])
    ch = channels(s)
    cands = _candidates(s, rng, 5)
    rates = secrecy_rate(s, ch, *cands)
    r_b, r_e, r_s = secrecy_rate_reference(s, ch, *cands)
    for b, row in enumerate(zip(*cands, strict=True)):
        terms = sinr_terms_reference(s, ch, *row)
        assert_allclose(rates.sinr_B[b], terms["sinr_B"], rtol=RTOL)
        assert_allclose(rates.sinr_E[b], terms["sinr_E"], rtol=RTOL)
        assert_allclose(rates.ris2_power_w[b], terms["ris2_power"], rtol=RTOL)
    assert_allclose(rates.R_B, r_b, rtol=RTOL)
    assert_allclose(rates.R_E, r_e, rtol=RTOL)
    assert_allclose(rates.R_s, r_s, rtol=RTOL, atol=1e-12)


def test_rates_are_eq16_to_eq19(rng):
    s = Scenario(Q1=8, Q2=8)
    ch = channels(s)
    rates = secrecy_rate(s, ch, *_candidates(s, rng, 4))
    assert rates.index_bits == math.log2(8)
    assert_allclose(rates.R_B, np.log2(1 + rates.sinr_B).sum(axis=1) + 3.0, rtol=1e-14)
    assert_allclose(rates.R_E, np.log2(1 + rates.sinr_E).sum(axis=1), rtol=1e-14)
    assert_allclose(rates.R_s, rates.R_B - rates.R_E, rtol=1e-14)
    assert rates.ris2_budget_w == pytest.approx(0.1)
    assert Scenario(waveform="mimo").index_bits == 0.0


def test_batched_rows_equal_single_calls_and_unbatched_inputs_broadcast(rng):
    s = Scenario(Q1=8, Q2=8)
    ch = channels(s)
    p, a, theta1, theta2 = _candidates(s, rng, 3)
    batch = secrecy_rate(s, ch, p, a[0], theta1, theta2[0])
    for b in range(3):
        single = secrecy_rate(s, ch, p[b], a[0], theta1[b], theta2[0])
        assert isinstance(single.R_s, float) and single.sinr_B.shape == (s.N_s,)
        assert_allclose(batch.sinr_B[b], single.sinr_B, rtol=1e-14)
        assert_allclose(batch.sinr_E[b], single.sinr_E, rtol=1e-14)
        assert_allclose(batch.R_s[b], single.R_s, rtol=1e-14)


# ---------------------------------------------------------------------------------------
# End-to-end check: symbols, AN and every noise through eq. (10)-(13), SINRs measured.

MC_SAMPLES = 100_000


def _measured_sinr(y, s_l):
    """Regress y on the known symbols: SINR = |ĥ|² E|s|² / E|y - ĥ s|²."""
    h = np.vdot(s_l, y) / np.vdot(s_l, s_l)
    e = y - h * s_l
    return abs(h) ** 2 * np.mean(np.abs(s_l) ** 2) / np.mean(np.abs(e) ** 2)


def _cn(rng, var, shape):
    return np.sqrt(var / 2) * (rng.standard_normal(shape) + 1j * rng.standard_normal(shape))


@pytest.mark.parametrize("waveform", ["oam", "zc", "mimo"])
def test_monte_carlo_sinr_matches_eq14_eq17(waveform, rng):
    # Noise levels chosen so that every term of each denominator matters (checked below).
    s = Scenario(Q1=12, Q2=12, ris1_shape=(3, 4), rho=0.8, sigma_r2_dbm=-70.0,
                 sigma_b2_dbm=-95.0, sigma_e2_dbm=-45.0, waveform=waveform)
    ch = channels(s)
    a = rng.uniform(2.0, s.a_max, s.Q2)
    theta1, theta2 = cophased_phases(s, ch, a)
    theta1 = theta1 * np.exp(0.7j * rng.standard_normal(s.Q1))
    p = np.array([0.3, 0.2, 0.15])
    rates = secrecy_rate(s, ch, p, a, theta1, theta2)
    terms = sinr_terms_reference(s, ch, p, a, theta1, theta2)
    bob_den = terms["bob_interference"] + terms["bob_ris_noise"] + s.sigma_b2_w
    eve_den = terms["eve_interference"] + terms["eve_an"] + s.sigma_e2_w
    for part, den in ((terms["bob_interference"], bob_den), (terms["bob_ris_noise"], bob_den),
                      (s.sigma_b2_w, bob_den), (terms["eve_interference"], eve_den),
                      (terms["eve_an"], eve_den), (s.sigma_e2_w, eve_den)):
        assert np.all(part / den > 0.02), "a dropped term would go unnoticed"

    n = MC_SAMPLES
    f_t = transmit_matrix(waveform, s.N)
    f_r = receive_matrix(waveform, s.N)
    sym = np.zeros((s.N, n), dtype=complex)
    sym[s.signal_modes] = _cn(rng, 1.0, (s.N_s, n)) * np.sqrt(p)[:, None]
    an = np.zeros((s.N, n), dtype=complex)
    an[s.an_modes] = _cn(rng, s.sigma_z2_w, (s.N_z, n))
    x = f_t @ (sym + an)                                                        # eq. (7)-(8)
    th1, th2, amp = np.diag(theta1.conj()), np.diag(theta2.conj()), np.diag(a)
    x_r2 = ch.H_R1R2 @ th1 @ ch.H_AR1 @ x
    n_r2 = _cn(rng, s.sigma_r2_w, (s.Q2, n))
    y_r2 = th2 @ amp @ (x_r2 + n_r2)                                            # eq. (10)
    y_b = ch.H_R2B @ y_r2 + _cn(rng, s.sigma_b2_w, (s.N, n))                    # eq. (11)
    y_e = (ch.H_AE + ch.H_R1E @ th1 @ ch.H_AR1) @ x + _cn(rng, s.sigma_e2_w, (s.N_E, n))
    # Bob: DFT (eq. (13)), then remove the AN he knows.
    y_modes = f_r @ y_b - f_r @ ch.H_R2B @ th2 @ amp @ ch.H_R1R2 @ th1 @ ch.H_AR1 @ f_t @ an
    # Relative standard error of the estimate: sqrt(2/n) from the two sample powers plus
    # 2/sqrt(n γ) from the fitted gain; tolerance 5 standard errors.
    for i, mode in enumerate(s.signal_modes):
        for measured, model in ((_measured_sinr(y_modes[mode], sym[mode]), rates.sinr_B[i]),
                                (_measured_sinr(y_e[mode], sym[mode]), rates.sinr_E[i])):
            tol = 5 * math.sqrt(2 / n + 4 / (n * model))
            assert abs(measured / model - 1) < tol, (mode, measured, model, tol)
    # RIS2 output power (eq. (11)): sample mean of ||y_R2||², relative std < sqrt(2/n)·...
    power = np.mean(np.sum(np.abs(y_r2) ** 2, axis=0))
    assert abs(power / rates.ris2_power_w - 1) < 5 * math.sqrt(2 / n)


# ---------------------------------------------------------------------------------------
# Validation


@pytest.fixture
def setup():
    s = Scenario(Q1=8, Q2=6)
    return s, channels(s), np.full(3, 0.1), np.ones(6), np.ones(8, complex), np.ones(6, complex)


def test_bad_inputs_raise_typed_errors(setup):
    s, ch, p, a, t1, t2 = setup
    with pytest.raises(ParameterError, match=r"p must have shape \(3,\)"):
        secrecy_rate(s, ch, np.ones(4), a, t1, t2)
    with pytest.raises(ParameterError, match="p must be >= 0"):
        secrecy_rate(s, ch, -p, a, t1, t2)
    with pytest.raises(TypeError, match="p must be real"):
        secrecy_rate(s, ch, p + 1j, a, t1, t2)
    with pytest.raises(ParameterError, match=r"a must be in \[0, a_max=10\]"):
        secrecy_rate(s, ch, p, -a, t1, t2)
    with pytest.raises(ParameterError, match="a must be in"):
        secrecy_rate(s, ch, p, 11 * a, t1, t2)
    with pytest.raises(ParameterError, match="theta1 must have unit modulus"):
        secrecy_rate(s, ch, p, a, 1.1 * t1, t2)
    with pytest.raises(ParameterError, match="theta2 must have unit modulus"):
        secrecy_rate(s, ch, p, a, t1, 0.5 * t2)
    with pytest.raises(ParameterError, match=r"theta2 must have shape \(6,\)"):
        secrecy_rate(s, ch, p, a, t1, np.ones(8, complex))
    with pytest.raises(ParameterError, match="must be finite"):
        secrecy_rate(s, ch, np.array([0.1, np.nan, 0.1]), a, t1, t2)
    with pytest.raises(ParameterError, match="must share B"):
        secrecy_rate(s, ch, np.ones((2, 3)), np.ones((3, 6)), t1, t2)


def test_bad_channels_raise(setup):
    s, ch, p, a, t1, t2 = setup
    with pytest.raises(TypeError, match="channels must be a Channels"):
        secrecy_rate(s, {"H_AR1": ch.H_AR1}, p, a, t1, t2)
    other = channels(Scenario(Q1=10, Q2=6))
    with pytest.raises(ParameterError, match=r"channels.H_AR1 must have shape \(8, 8\)"):
        secrecy_rate(s, other, p, a, t1, t2)
    with pytest.raises(TypeError, match="scenario must be a Scenario"):
        secrecy_rate(None, ch, p, a, t1, t2)
    assert isinstance(ch, Channels)


def test_stream_matrices_pick_the_sn_pair():
    s = Scenario(sn_pair=3)
    tx, rx, rows = stream_matrices(s)
    modes = np.concatenate([s.signal_modes, s.an_modes])
    assert_allclose(tx, transmit_matrix("oam", s.N)[:, modes], atol=0)
    assert_allclose(rx, receive_matrix("oam", s.N)[s.signal_modes], atol=0)
    assert list(rows) == list(s.signal_modes)


def test_single_candidate_kernel_is_callable_from_user_jitted_code(rng):
    # Issue 4 evaluates candidates inside its own kernels: the building blocks must compose.
    from fastsec.kernels._jit import jit
    from fastsec.kernels.oam.sinr import oam_precompute, oam_sinr_one

    @jit
    def user_objective(ch, tx, rx, rows, p, a, t1, t2, noise):
        pre = oam_precompute(ch[0], ch[1], ch[2], ch[3], ch[4], tx, rx, rows)
        sinr_b = np.empty(p.shape[0])
        sinr_e = np.empty(p.shape[0])
        oam_sinr_one(pre, p, a, t1, t2, noise, sinr_b, sinr_e)
        return np.sum(np.log2(1 + sinr_b)) - np.sum(np.log2(1 + sinr_e))

    s = Scenario(Q1=8, Q2=8)
    ch = channels(s)
    p, a, t1, t2 = (c[0] for c in _candidates(s, rng, 1))
    tx, rx, rows = stream_matrices(s)
    noise = (s.sigma_z2_w, s.sigma_r2_w, s.sigma_b2_w, s.sigma_e2_w)
    got = user_objective((ch.H_AR1, ch.H_R1R2, ch.H_R2B, ch.H_AE, ch.H_R1E), tx, rx, rows, p, a,
                         t1, t2, noise)
    rates = secrecy_rate(s, ch, p, a, t1, t2)
    assert_allclose(got, rates.R_s - rates.index_bits, rtol=1e-12)


def test_single_passive_ris_rates_match_direct_formula():
    # Bob's gain through one passive surface, written directly: r_l^H H_RB diag(conj θ) H_AR t_k,
    # no RIS noise; Eve's as eq. (17) with that surface's link.
    s = Scenario(Q1=8, Q2=8, topology="single_ris1", active_ris=False)
    rng = np.random.default_rng(11)
    theta = np.exp(2j * np.pi * rng.random(8))
    p = np.array([0.2, 0.3, 0.1])
    rates = secrecy_rate(s, channels(s), p, np.ones(8), theta, np.ones(8))
    g = geometry(s)
    h_ar = spherical_wave_reference(g.ris1, g.alice, 0.1, 1.0)
    h_rb = spherical_wave_reference(g.bob, g.ris1, 0.1, 1.0)
    t = transmit_matrix("oam", s.N)[:, np.concatenate([s.signal_modes, s.an_modes])]
    r = receive_matrix("oam", s.N)[s.signal_modes]
    gain = np.abs(r @ h_rb @ np.diag(theta.conj()) @ h_ar @ t[:, :3]) ** 2
    signal = p * np.diag(gain)
    sinr = signal / (gain @ p - signal + s.sigma_b2_w)
    np.testing.assert_allclose(rates.sinr_B, sinr, rtol=1e-10)
    assert s.sigma_r2_w == 0.0 and s.p_r2_w == 0.0 and s.p_t_w == s.p_total_w
