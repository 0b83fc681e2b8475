"""Property tests (hypothesis) over the public entry points of fastsec.

Random valid inputs (integers as ``int`` or ``np.int64``, reals as ``float``, ``np.float64`` or
``np.float32``) must give finite results that satisfy the problem's constraints and
invariants; random invalid inputs must raise ``ParameterError``/``ParameterTypeError`` naming
the parameter. Sizes are small and examples few (CI has 2 cores); examples are derandomised
so that CI runs the same cases every time.

Tolerances: the power budget and the null constraint hold to rounding (1e-9 relative; SCO's
conic solver: 1e-6 relative, its feasibility tolerance); |θ| = 1 to 1e-9; SCO/SCA histories
may dip by ``ASCENT_SLACK`` (relative) per step, the solver tolerance the method itself allows.
"""

import dataclasses
import math

import numpy as np
import pytest
from experiments_toy import make
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fastsec import aauc, oam
from fastsec.aauc.sco import ASCENT_SLACK
from fastsec.errors import ParameterError, ParameterTypeError
from fastsec.experiments import run

FAST = settings(max_examples=8, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
BAD = (ParameterError, ParameterTypeError)


def ints(low: int, high: int) -> st.SearchStrategy:
    """Integers in [low, high] as ``int`` or ``np.int64``."""
    return st.builds(lambda v, t: t(v), st.integers(low, high), st.sampled_from([int, np.int64]))


def reals(low: float, high: float) -> st.SearchStrategy:
    """Reals in [low, high] as ``float``, ``np.float64`` or ``np.float32`` (rounded inside)."""
    def typed(v: float, t: type) -> float:
        out = t(v)
        return out if low <= float(out) <= high else t(low)
    return st.builds(typed, st.floats(low, high), st.sampled_from([float, np.float64,
                                                                    np.float32]))


# ----------------------------------------------------------------------------------- AAUC


@st.composite
def aauc_scenarios(draw) -> aauc.Scenario:
    d_min = draw(st.floats(50.0, 200.0))
    return aauc.Scenario(
        N=draw(ints(2, 12)), K=draw(ints(2, 5)), kr_db=draw(reals(-10.0, 40.0)),
        rayleigh=draw(st.booleans()), alpha=draw(reals(1.5, 4.0)),
        pmax_dbm=draw(reals(0.0, 40.0)), lam=draw(reals(0.0, 1.0)),
        d_min_m=d_min, d_max_m=d_min * draw(st.floats(1.0, 4.0)),
        placement=draw(st.sampled_from(aauc.PLACEMENTS)))


def _finite(*arrays) -> bool:
    return all(np.all(np.isfinite(np.asarray(a))) for a in arrays)


@FAST
@given(aauc_scenarios(), st.integers(0, 2**32))
def test_aauc_draw_and_angular_matrix_are_finite_and_shaped(sc, seed):
    drop = aauc.draw(sc, np.random.default_rng(seed))
    n, k = int(sc.N), int(sc.K)
    assert drop.g.shape == (k, n) and drop.h_E.shape == (k - 1,) and drop.g_E.shape == (n,)
    assert _finite(drop.D, drop.theta, drop.D_E, drop.g, drop.h_K, drop.h_E, drop.g_E)
    J = aauc.angular_matrix(drop)
    assert J.shape == (k - 1,) and _finite(J) and np.all(J > 0)
    batch = aauc.draw_batch(sc, np.random.default_rng(seed), np.int64(2))
    np.testing.assert_array_equal(batch[0].g, drop.g)  # a batch is successive draws


@FAST
@given(aauc_scenarios(), st.integers(0, 2**32),
       st.sampled_from(["closed_form", "asymptotic", "bfom", "sco"]))
def test_aauc_solutions_are_feasible(sc, seed, method):
    drop = aauc.draw(sc, np.random.default_rng(seed))
    options = {"iters": np.int64(4)} if method in ("bfom", "sco") else {}
    res = aauc.solve(drop, method, **options)
    assert _finite(res.v, res.w, res.objective, res.secrecy_rate, res.history)
    assert res.secrecy_rate >= 0.0
    slack = 1e-6 if method == "sco" else 1e-9  # SCO: the conic solver's feasibility tolerance
    assert res.power_residual_w <= slack * sc.pmax_w  # (11a)
    assert res.null_residual <= 1e-6  # (11b): g_K^H v = 0
    power = (np.linalg.norm(res.v) ** 2 + np.linalg.norm(res.w) ** 2) / 2
    assert math.isclose(power, res.power_w, rel_tol=1e-9, abs_tol=1e-300)
    h = res.history
    assert len(h) == res.iterations + 1
    assert np.all(np.diff(h) >= -ASCENT_SLACK * np.maximum(1.0, np.abs(h[:-1])))


@FAST
@given(aauc_scenarios(), st.integers(0, 2**32),
       st.sampled_from(["closed_form", "asymptotic", "bfom", "sco"]))
def test_aauc_batch_solutions_are_feasible(sc, seed, method):
    batch = aauc.draw_batch(sc, np.random.default_rng(seed), np.int64(2))
    options = {"iters": np.int64(3), "tol": np.float64(1e-6)} if method in ("bfom", "sco") else {}
    res = aauc.solve_batch(batch, method, **options)
    assert len(res) == 2
    assert _finite(res.v, res.w, res.objective, res.secrecy_rate, *res.history)
    assert np.all(res.secrecy_rate >= 0.0)
    slack = 1e-6 if method == "sco" else 1e-9  # SCO: the conic solver's feasibility tolerance
    assert np.all(res.power_residual_w <= slack * sc.pmax_w)  # (11a)
    assert np.all(res.null_residual <= 1e-6)  # (11b)
    power = (np.linalg.norm(res.v, axis=1) ** 2 + np.linalg.norm(res.w, axis=1) ** 2) / 2
    np.testing.assert_allclose(power, res.power_w, rtol=1e-9)
    assert res[1].secrecy_rate == res.secrecy_rate[1]


_AAUC_BAD = [
    ("N", st.integers(-5, 1)), ("N", st.floats(2.5, 9.5).filter(lambda v: v != int(v))),
    ("K", st.integers(-5, 1)), ("alpha", st.floats(-5.0, 0.0)),
    ("lam", st.floats(1.0, 1e6, exclude_min=True)), ("lam", st.floats(-1e6, -1e-9)),
    ("kr_db", st.sampled_from([math.nan, math.inf, -math.inf])),
    ("pmax_dbm", st.sampled_from([math.nan, "30"])), ("sco_iters", st.integers(-3, 0)),
    ("d_min_m", st.floats(-100.0, 0.0)), ("placement", st.text(max_size=5)),
    ("beta_rad", st.floats(1.58, 10.0)), ("rayleigh", st.sampled_from([0, 1, "yes", None])),
]


@FAST
@given(st.sampled_from(_AAUC_BAD).flatmap(lambda nb: st.tuples(st.just(nb[0]), nb[1])))
def test_aauc_scenario_rejects_bad_parameters_by_name(bad):
    name, value = bad
    assume(not (name == "placement" and value in aauc.PLACEMENTS))
    with pytest.raises(BAD, match=name):
        aauc.Scenario(**{name: value})


@FAST
@given(st.sampled_from([("method", {"method": "nope"}), ("iters", {"iters": 0}),
                        ("tol", {"tol": -1.0}), ("unknown option", {"colour": 1}),
                        ("J", {"J": np.ones(7)}), ("J", {"J": [1.0, math.nan]})]))
def test_aauc_solve_rejects_bad_arguments_by_name(case):
    name, kwargs = case
    drop = aauc.draw(aauc.Scenario(N=4, K=3), np.random.default_rng(0))
    method = kwargs.pop("method", "sco")
    with pytest.raises(BAD, match=name):
        aauc.solve(drop, method, **kwargs)


@FAST
@given(st.sampled_from([("method", {"method": "nope"}), ("iters", {"iters": 0}),
                        ("tol", {"tol": -1.0}), ("unknown option", {"colour": 1}),
                        ("J", {"J": np.ones((2, 7))}), ("J", {"J": [[1.0, math.nan]] * 2}),
                        ("batch", {"batch": "drops"})]))
def test_aauc_solve_batch_rejects_bad_arguments_by_name(case):
    name, kwargs = case
    batch = aauc.draw_batch(aauc.Scenario(N=4, K=3), np.random.default_rng(0), 2)
    batch = kwargs.pop("batch", batch)
    method = kwargs.pop("method", "sco")
    with pytest.raises(BAD, match=name):
        aauc.solve_batch(batch, method, **kwargs)


@FAST
@given(aauc_scenarios(), st.integers(0, 2**32), st.data())
def test_aauc_draw_at_given_positions_is_finite_and_keeps_them(sc, seed, data):
    k = int(sc.K)
    D = np.array(data.draw(st.lists(st.floats(1.0, 500.0), min_size=k, max_size=k)))
    theta = np.array(data.draw(st.lists(st.floats(-math.pi, math.pi), min_size=k, max_size=k)))
    D_E = data.draw(reals(0.5, 500.0))
    # coinciding positions are rejected (test below); J is documented as inf for a helper
    # exactly on the BS-user K segment (eq. (12) diverges): keep positions apart by 1 mm
    helpers = D[:-1] * np.exp(1j * theta[:-1])
    user_k = D[-1] * np.exp(1j * theta[-1])
    assume(np.all(np.abs(helpers - user_k) > 1e-3))
    assume(np.all(np.abs(helpers - D_E / D[-1] * user_k) > 1e-3))
    along = np.real(helpers * np.conj(user_k)) / abs(user_k)
    assume(np.all((along < 0) | (along > abs(user_k)) | (np.abs(helpers.imag * user_k.real
           - helpers.real * user_k.imag) / abs(user_k) > 1e-3)))
    drop = aauc.draw_at(sc, np.random.default_rng(seed), D, theta, D_E)
    np.testing.assert_array_equal(drop.D, D)
    assert drop.theta_E == theta[-1] and drop.g.shape == (k, int(sc.N))
    assert _finite(drop.g, drop.h_K, drop.h_E, drop.g_E, aauc.angular_matrix(drop))


@FAST
@given(st.sampled_from([("D", {"D": [0.0, 10.0, 10.0]}), ("D", {"D": [10.0, 10.0]}),
                        ("theta", {"theta": [0.0, math.nan, 1.0]}), ("D_E", {"D_E": 0.0}),
                        ("D, theta", {"D": [30.0, 20.0, 30.0], "theta": [1.0, 0.5, 1.0]}),
                        ("D, theta", {"D": [1.0, 5.0, 1.0], "theta": [0.0, 0.5, 1e-300]}),
                        ("theta_E", {"theta_E": math.inf}), ("rng", {"rng": 3})]))
def test_aauc_draw_at_rejects_bad_positions_by_name(case):
    name, bad = case
    args = {"rng": np.random.default_rng(0), "D": [10.0, 20.0, 30.0],
            "theta": [0.0, 0.5, 1.0], "D_E": 15.0} | bad
    with pytest.raises(BAD, match=name):
        aauc.draw_at(aauc.Scenario(N=4, K=3), **args)


@settings(max_examples=5, deadline=None, derandomize=True)
@given(aauc_scenarios(), st.integers(0, 2**32), reals(0.0, 8.0), reals(0.1, 10.0))
def test_aauc_average_secrecy_rate_lies_between_zero_and_the_rate(sc, seed, R, scale):
    rng = np.random.default_rng(seed)
    drop = aauc.draw(sc, rng)
    w = rng.standard_normal((int(sc.K) - 1, 2)) @ [1, 1j]
    w *= float(scale) * np.sqrt(sc.pmax_w) / np.linalg.norm(w)
    avg = aauc.average_secrecy_rate(drop, R, w, rng=rng, samples=64, rho_panels=2)
    assert _finite(avg.value, avg.stderr) and np.all(avg.stderr >= 0.0)
    assert np.all(avg.value >= 0.0) and np.all(avg.value <= float(R) * (1 + 1e-12))


@settings(max_examples=4, deadline=None, derandomize=True)
@given(aauc_scenarios(), st.integers(0, 2**32), ints(2, 6))
def test_aauc_fit_lambda_stays_in_the_unit_interval(sc, seed, T):
    rng = np.random.default_rng(seed)
    drop = aauc.draw(sc, rng)
    k = int(sc.K) - 1
    w = np.sqrt(sc.pmax_w / k) * np.exp(2j * np.pi * rng.random((int(T), k)))
    fit = aauc.fit_lambda(drop, rng.uniform(0.5, 4.0, int(T)), w,
                          sc.sigma_e2_w * rng.uniform(0.1, 10.0, int(T)), rng=rng, samples=64,
                          rho_panels=2)
    assert 0.0 <= fit.lam <= 1.0 and math.isfinite(fit.mse) and fit.mse >= 0.0
    assert fit.model.shape == (int(T),) and _finite(fit.model)


@FAST
@given(st.sampled_from([("samples", {"samples": 1}), ("rho_panels", {"rho_panels": 0}),
                        ("rng", {"rng": None}), ("R", {"R": -1.0}),
                        ("sigma_e2_w", {"sigma_e2_w": 0.0})]))
def test_aauc_average_secrecy_rate_rejects_bad_arguments_by_name(case):
    name, bad = case
    drop = aauc.draw(aauc.Scenario(N=4, K=3), np.random.default_rng(0))
    args = {"R": 1.0, "w": np.ones(2) * 0.1, "rng": np.random.default_rng(1)} | bad
    with pytest.raises(BAD, match=name):
        aauc.average_secrecy_rate(drop, **args)


# ------------------------------------------------------------------------------------ OAM


@st.composite
def oam_scenarios(draw, active: bool | None = None) -> oam.Scenario:
    """Small valid scenes; ``active`` fixes ``active_ris`` (default: drawn)."""
    n = draw(st.integers(2, 6))
    n_a = draw(st.integers(1, n))
    n_s = draw(st.integers(1, n_a))
    n_z = draw(st.integers(0, n - n_a))
    topology = draw(st.sampled_from(["double", "single_ris1", "single_ris2"]))
    q1 = draw(st.integers(1, 6))
    q2 = q1 if topology != "double" else draw(st.integers(1, 6))
    rho = draw(reals(0.3, 0.95)) if n_z else draw(reals(0.3, 1.0))
    int_type = draw(st.sampled_from([int, np.int64]))
    return oam.Scenario(N=int_type(n), N_E=int_type(draw(st.integers(n_a, 6))),
                        N_A=int_type(n_a), N_s=int_type(n_s), N_z=int_type(n_z),
                        Q1=int_type(q1), Q2=int_type(q2), rho=rho,
                        p_total_dbm=draw(reals(10.0, 40.0)), a_max=draw(reals(1.0, 20.0)),
                        topology=topology,
                        active_ris=draw(st.booleans()) if active is None else active,
                        waveform=draw(st.sampled_from(["oam", "mimo"])))


def _unit(rng: np.random.Generator, q: int) -> np.ndarray:
    return np.exp(1j * rng.uniform(0, 2 * np.pi, q))


@FAST
@given(oam_scenarios(), st.integers(0, 2**32))
def test_oam_channels_and_rates_are_finite_and_secrecy_below_bob(sc, seed):
    rng = np.random.default_rng(seed)
    ch = oam.channels(sc)
    assert all(_finite(getattr(ch, f.name)) for f in dataclasses.fields(ch)
               if isinstance(getattr(ch, f.name), np.ndarray))
    n_s, q1, q2 = int(sc.N_s), int(sc.Q1), int(sc.Q2)
    p = rng.dirichlet(np.ones(n_s)) * sc.signal_power_w * rng.uniform(0.1, 1.0)
    a = rng.uniform(0.0, float(sc.a_max), q2)
    rates = oam.secrecy_rate(sc, ch, p, a, _unit(rng, q1), _unit(rng, q2))
    assert _finite(rates.R_B, rates.R_E, rates.R_s, rates.sinr_B, rates.sinr_E)
    assert rates.R_E >= 0 and rates.R_s <= rates.R_B  # eq. (19): R_s = R_B - R_E


@FAST
@given(oam_scenarios(), st.integers(0, 2**32))
def test_oam_optimize_keeps_every_constraint_and_ascends(sc, seed):
    # "proposed" amplifies at RIS2 on an active scene; on a passive one a stays 1
    res = oam.optimize(sc, "proposed", rng=np.random.default_rng(seed), iters=np.int64(3))
    assert _finite(res.p, res.a, res.theta1, res.theta2, res.history)
    assert np.all(res.p >= 0) and res.p.sum() <= sc.signal_power_w * (1 + 1e-9)
    np.testing.assert_allclose(np.abs(res.theta1), 1.0, atol=1e-9)  # unit modulus
    np.testing.assert_allclose(np.abs(res.theta2), 1.0, atol=1e-9)
    assert np.all(res.a >= 0) and np.all(res.a <= float(sc.a_max) * (1 + 1e-9))  # a <= a_max
    assert res.rates.R_s <= res.rates.R_B
    assert np.all(np.diff(res.history) >= -1e-9 * np.maximum(1.0, np.abs(res.history[:-1])))


def test_oam_optimize_proposed_on_a_passive_ris_scene():
    # found by the property test above (then for active scenes only): 'proposed' on a scene
    # with active_ris=False ran the a-step, which a passive surface does not have
    sc = oam.Scenario(N=2, N_E=1, N_A=1, N_s=1, N_z=0, Q1=1, Q2=1, active_ris=False)
    res = oam.optimize(sc, "proposed", rng=np.random.default_rng(0), iters=3)
    assert np.all(np.isfinite(res.history)) and np.all(res.a == 1.0)
    assert set(res.kkt_blocks) == {"p", "theta1", "theta2"}
    # the same problem as the double-passive baseline on that scene
    dp = oam.optimize(sc, "dp", rng=np.random.default_rng(0), iters=3)
    np.testing.assert_array_equal(res.history, dp.history)


_OAM_BAD = [
    ("N", st.integers(-3, 1)), ("N_s", st.integers(5, 9)), ("N_z", st.integers(-3, -1)),
    ("Q1", st.integers(-3, 0)), ("rho", st.floats(-1.0, 0.0)), ("rho", st.floats(1.01, 5.0)),
    ("a_max", st.floats(-10.0, 0.0)), ("waveform", st.sampled_from(["ofdm", "", 3])),
    ("topology", st.sampled_from(["triple", None])), ("p_total_dbm", st.just(math.nan)),
    ("eve_distance_m", st.floats(-5.0, 0.0)), ("active_ris", st.sampled_from([1, "no"])),
    ("N_A", st.floats(1.5, 3.5)),
]


@FAST
@given(st.sampled_from(_OAM_BAD).flatmap(lambda nb: st.tuples(st.just(nb[0]), nb[1])))
def test_oam_scenario_rejects_bad_parameters_by_name(bad):
    name, value = bad
    with pytest.raises(BAD, match=name):
        oam.Scenario(**{name: value})


@FAST
@given(st.sampled_from(["p", "a", "theta1", "theta2"]),
       st.sampled_from(["shape", "nan", "complex-type"]))
def test_oam_secrecy_rate_rejects_bad_vectors_by_name(name, fault):
    sc = oam.Scenario(N=4, N_E=4, N_A=2, N_s=1, N_z=1, Q1=3, Q2=3)
    ch = oam.channels(sc)
    args = {"p": np.array([0.1]), "a": np.ones(3), "theta1": np.ones(3, complex),
            "theta2": np.ones(3, complex)}
    if fault == "shape":
        args[name] = np.ones(7)
    elif fault == "nan":
        args[name] = np.full(args[name].shape, np.nan)
    else:
        args[name] = np.array(["x"] * args[name].size)
    with pytest.raises(BAD, match=name):
        oam.secrecy_rate(sc, ch, **args)


@settings(max_examples=3, deadline=None, derandomize=True)
@given(st.integers(0, 2**32), st.sampled_from(["per_antenna", "zf"]))
def test_oam_eve_ber_is_a_probability_inside_its_interval(seed, receiver):
    sc = oam.Scenario(N=4, N_E=4, N_A=2, N_s=1, N_z=1, Q1=3, Q2=3)
    ch = oam.channels(sc)
    res = oam.eve_ber(sc, ch, np.array([0.1]), np.ones(3), np.ones(3, complex),
                      np.ones(3, complex), np.float32([0.0, 20.0]),
                      rng=np.random.default_rng(seed), symbols=np.int64(100), receiver=receiver)
    for ber, ci in ((res.eve_ber, res.eve_ci), (res.bob_ber, res.bob_ci)):
        assert np.all((ber >= 0) & (ber <= 1))
        assert np.all((ci[:, 0] <= ber) & (ber <= ci[:, 1]))


# ------------------------------------------------------------------------------------ run


@settings(max_examples=5, deadline=None, derandomize=True)
@given(ints(1, 3), ints(0, 2**63 - 1), st.one_of(st.none(), ints(1, 3)))
def test_run_gives_every_row_once_whatever_the_chunking(drops, seed, chunk):
    study = make(values=(4.0, 8.0), drops=3)
    table = run(study, drops=drops, seed=seed, workers=np.int64(1), chunk=chunk)
    assert len(table) == 2 * int(drops) * 3
    assert not table.duplicated(["point", "drop", "method"]).any()
    assert (table["seed"] == int(seed)).all()
    ok = table[table["error"].isna()]
    assert np.all(np.isfinite(ok["secrecy_rate"])) and np.all(ok["secrecy_rate"] >= 0)
    again = run(study, drops=drops, seed=seed, workers=1)  # the other chunking
    np.testing.assert_array_equal(table["secrecy_rate"], again["secrecy_rate"])


@FAST
@given(st.sampled_from([
    ("drops", st.integers(-3, 0)), ("drops", st.integers(2**32 + 1, 2**40)),
    ("drops", st.just(2.0)), ("seed", st.integers(-(2**70), -1)),
    ("seed", st.integers(2**63, 2**70)), ("seed", st.just(np.float64(3))),
    ("workers", st.integers(-2, 0)), ("workers", st.integers(4097, 10**9)),
    ("chunk", st.integers(-2, 0)), ("quick", st.sampled_from([1, "yes", None])),
    ("scheduler", st.sampled_from(["local:0", "local:-1", 5])),
]).flatmap(lambda nb: st.tuples(st.just(nb[0]), nb[1])))
def test_run_rejects_bad_arguments_by_name(bad):
    name, value = bad
    with pytest.raises(BAD, match=name):
        run(make(values=(4.0,), drops=1), **{name: value})
