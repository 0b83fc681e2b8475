"""Algorithm 1 (kernels/oam/ao.py) and its effective-quantity kernels (kernels/oam/effective.py).

References: the literal full-matrix NumPy twin of eq. (11), (14), (17)
(:func:`fastsec.reference.oam.sinr_terms_reference`), the NumPy forms of
:mod:`fastsec.oam.effective`, Algorithm 1 run by the interpreter with the same step kernels,
and the loop of single-start calls (for the starts run in one parallel call).
"""

import sys

import numpy as np
import pytest
from fastsec.kernels.oam import effective as ke
from numpy.testing import assert_allclose, assert_array_equal
from oam_points import random_point, scene_with_channels

from fastsec.oam import Scenario, optimize
from fastsec.oam import effective as ef
from fastsec.reference.oam import sinr_terms_reference

#: Same products summed in another order (loops vs BLAS): a few ulps of the largest term.
REORDER_RTOL = 1e-10


@pytest.fixture(scope="module")
def scene():
    return scene_with_channels(Q1=8, Q2=12)


def test_effective_kernels_match_numpy_forms_and_matrix_twin(scene, rng):
    s, ch = scene
    lk = ef.link(s, ch)
    ns, m = s.N_s, lk.w1.shape[0]
    for _ in range(3):
        p, a, theta1, theta2 = random_point(s, rng)
        v = np.empty((m, s.Q2), dtype=complex)
        ke.incident(lk.arrays, theta1, v)
        assert_allclose(v, (lk.w1 * theta1.conj()) @ ch.H_R1R2.T, rtol=REORDER_RTOL)
        want = ef.power_terms(lk, v, a, theta1, theta2, s.p_r2_w)
        got = {k: np.empty(want[k].shape) for k in ("gain_bob", "gain_eve", "noise_bob",
                                                    "noise_eve", "ris_gain")}
        headroom = ke.power_terms(lk.arrays, v, a, theta1, theta2, lk.noise, s.p_r2_w,
                                  *got.values())
        for key, value in got.items():
            assert_allclose(value, want[key], rtol=REORDER_RTOL, err_msg=key)
        assert_allclose(headroom, want["ris_headroom"], rtol=REORDER_RTOL)
        want = ef.amplification_terms(lk, v, theta2, p)
        chi, kappa2, weight = (np.empty((ns, ns, s.Q2), dtype=complex), np.empty((ns, s.Q2)),
                               np.empty(s.Q2))
        ke.amplification_terms(lk.arrays, v, theta2, chi, kappa2)
        ke.ris_weight(v, p, lk.noise, weight)
        assert_allclose(chi, want["chi"], rtol=REORDER_RTOL)
        assert_allclose(kappa2, want["kappa2"], rtol=REORDER_RTOL)
        assert_allclose(weight, want["ris_weight"], rtol=REORDER_RTOL)
        # R_s and RIS2 power against the independent full-matrix twin
        t = sinr_terms_reference(s, ch, p, a, theta1, theta2)
        sinr_b, sinr_e = np.empty(ns), np.empty(ns)
        fields = ke.empty_fields(lk.arrays)
        ke.ris1_fields(lk.arrays, theta1, fields)
        assert_allclose(fields[3], v, rtol=0)  # one computation of v
        rs, power = ke.secrecy(lk.arrays, fields, p, a, theta2, lk.noise, lk.index_bits,
                               sinr_b, sinr_e)
        assert_allclose(sinr_b, t["sinr_B"], rtol=REORDER_RTOL)
        assert_allclose(sinr_e, t["sinr_E"], rtol=REORDER_RTOL)
        expected = (np.log2(1 + t["sinr_B"]).sum() + s.index_bits
                    - np.log2(1 + t["sinr_E"]).sum())
        assert_allclose(rs, expected, rtol=REORDER_RTOL)
        assert_allclose(power, t["ris2_power"], rtol=REORDER_RTOL)
        assert_allclose(ke.ris2_power(v, p, a, lk.noise, weight), t["ris2_power"],
                        rtol=REORDER_RTOL)


def _interpreted(monkeypatch):
    """Make optimize run Algorithm 1 in the interpreter with the same kernel steps."""
    module = sys.modules["fastsec.oam.optimize"]
    monkeypatch.setattr(module, "_solve_compiled", lambda runs: [run.solve() for run in runs])


@pytest.mark.parametrize(("scheme", "fields", "seed"), [
    ("proposed", {}, 3),
    # P_R2 = 1e-6 W: the budget binds, so θ1-steps trigger the rescale bookkeeping
    ("proposed", {"pt_fraction": 1 - 1e-6}, 5),
    ("dp", {}, 3),  # passive surfaces: no a-step, no RIS2 row in P4
    ("sa", {}, 3),  # single active RIS: θ1 not optimised
])
def test_compiled_algorithm_equals_the_interpreted_one(monkeypatch, scheme, fields, seed):
    """Algorithm 1 is one function: compiled (default) and run by the interpreter with the
    same step kernels (as the exact and SDR paths run it), it gives the same numbers."""
    s = Scenario(Q1=12, Q2=12, **fields)
    kernel = optimize(s, scheme=scheme, rng=np.random.default_rng(seed), iters=6, starts=2)
    with monkeypatch.context() as patch:
        _interpreted(patch)
        steps = optimize(s, scheme=scheme, rng=np.random.default_rng(seed), iters=6, starts=2)
    assert kernel.iterations == steps.iterations
    assert kernel.converged == steps.converged and kernel.solver == steps.solver
    assert (kernel.a_rescales, kernel.theta1_rejections, kernel.theta_iterations) == (
        steps.a_rescales, steps.theta1_rejections, steps.theta_iterations)
    for name in ("history", "substep_history", "substep_ris2_power", "starts_rs", "p", "a",
                 "theta1", "theta2"):
        assert_array_equal(getattr(kernel, name), getattr(steps, name), err_msg=name)


def test_starts_in_one_call_equal_the_loop_of_single_starts():
    s = Scenario(Q1=10, Q2=10)
    batch = optimize(s, rng=np.random.default_rng(7), iters=8, starts=4)
    rng = np.random.default_rng(7)  # the same stream, drawn start after start
    singles = [optimize(s, rng=rng, iters=8) for _ in range(4)]
    assert_array_equal(batch.starts_rs, [r.starts_rs[0] for r in singles])
    best = singles[int(np.argmax(batch.starts_rs))]
    for name in ("history", "substep_history", "p", "a", "theta1", "theta2"):
        assert_array_equal(getattr(batch, name), getattr(best, name), err_msg=name)
