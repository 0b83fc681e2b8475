"""The jitted RMCG-AO (kernels/oam_ao.py) and its effective-quantity kernels (oam_effective.py).

References: the literal full-matrix NumPy twin of eq. (11), (14), (17)
(:func:`fastsec.reference.oam.sinr_terms_reference`), the NumPy forms of
:mod:`fastsec.oam.effective` (which the exact/SDR paths use), and the step-by-step Python
AO loop through the validated step functions (:func:`fastsec.oam.steps.power_step`,
:func:`~fastsec.oam.steps.amplification_step`).
"""

import sys

import numpy as np
import pytest
from fastsec.kernels.oam import effective as ke
from numpy.testing import assert_allclose
from oam_points import random_point

from fastsec.oam import Scenario, channels, optimize
from fastsec.oam import effective as ef
from fastsec.reference.oam import sinr_terms_reference

#: Same products summed in another order (loops vs BLAS): a few ulps of the largest term.
REORDER_RTOL = 1e-10


@pytest.fixture(scope="module")
def scene():
    s = Scenario(Q1=8, Q2=12)
    return s, channels(s)


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


def _step_loop(monkeypatch):
    """Make optimize run the Python step loop (validated step wrappers) on the fast path."""
    run = sys.modules["fastsec.oam.optimize"]._AORun
    monkeypatch.setattr(run, "solve", run._solve_steps)


@pytest.mark.parametrize(("scheme", "fields", "seed"), [
    ("proposed", {}, 3),
    # P_R2 = 1e-6 W: the budget binds, so θ1-steps trigger the rescale bookkeeping
    ("proposed", {"pt_fraction": 1 - 1e-6}, 5),
    ("dp", {}, 3),  # passive surfaces: no a-step, no RIS2 row in P4
    ("sa", {}, 3),  # single active RIS: θ1 not optimised
])
def test_kernel_loop_matches_python_step_loop(monkeypatch, scheme, fields, seed):
    s = Scenario(Q1=12, Q2=12, **fields)
    kernel = optimize(s, scheme=scheme, rng=np.random.default_rng(seed), iters=6)
    with monkeypatch.context() as patch:
        _step_loop(patch)
        steps = optimize(s, scheme=scheme, rng=np.random.default_rng(seed), iters=6)
    assert kernel.iterations == steps.iterations
    assert kernel.converged == steps.converged and kernel.solver == steps.solver
    assert (kernel.a_rescales, kernel.theta1_rejections) == (steps.a_rescales,
                                                             steps.theta1_rejections)
    # Same sub-steps on the same data; only summation order differs (kernels vs NumPy/BLAS),
    # which the P4/P5 solvers (relative gap 1e-10) and the RCG (relative gradient stop 1e-6)
    # carry forward at well below 1e-7 relative over 6 AO iterations.
    assert_allclose(kernel.substep_history, steps.substep_history, rtol=1e-7)
    assert_allclose(kernel.substep_ris2_power, steps.substep_ris2_power, rtol=1e-6)
    assert_allclose(kernel.history, steps.history, rtol=1e-7)
