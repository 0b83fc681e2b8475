"""fastsec.aauc.solve_batch and the compiled closed forms (paper 000, Prop. 2-3, eq. (43)).

References: ``solve(batch[i], method)`` for the batch (same numbers to 1e-12 relative: the
closed forms and the loop methods run the same per-drop code, ``bfom`` is vectorised over
drops, so rounding may differ); the NumPy twins ``closed_form_point`` / ``asymptotic_point``
(SciPy's generalised eigh) for the kernel, to 1e-12 relative (both are O(1)-conditioned
sums of O(N + K) terms: rounding ~1e-15; w only up to a unit phase, which no output sees).
"""

import dataclasses
import json

import numpy as np
import pytest
from fastsec.kernels.aauc import closed_form as kernel

from fastsec import aauc
from fastsec.aauc import AAUCBatchResult, AAUCResult, solve, solve_batch
from fastsec.aauc.closed_form import PARALLEL_MIN_DROPS, asymptotic_point, closed_form_point
from fastsec.aauc.problem import aauc_solution, p2_data
from fastsec.aauc.secrecy import realised_secrecy_rate
from fastsec.errors import ParameterError, ParameterTypeError

METHODS = ("closed_form", "asymptotic", "bfom", "sco", "direct", "irs", "hybrid")
FLOATS = ("objective", "secrecy_rate", "secrecy_rate_signed", "secrecy_rate_eq6", "rate",
          "power_w", "power_residual_w", "null_residual")


@pytest.fixture(scope="module")
def batch():
    return aauc.draw_batch(aauc.Scenario(N=6, K=4, sco_iters=3), np.random.default_rng(5), 3)


def _close(a, b, rel=1e-12):
    return abs(a - b) <= rel * max(abs(a), abs(b)) or abs(a - b) <= 1e-300


@pytest.mark.parametrize("method", METHODS)
def test_solve_batch_equals_solve_per_drop(batch, method):
    res = solve_batch(batch, method)
    assert isinstance(res, AAUCBatchResult) and len(res) == len(batch) and res.method == method
    assert res.v.shape == (3, 6) and res.w.shape == (3, 3) and res.objective.shape == (3,)
    for i in range(len(batch)):
        one, item = solve(batch[i], method), res[i]
        assert isinstance(item, AAUCResult)
        for name in FLOATS:
            assert _close(getattr(item, name), getattr(one, name)), (name, i)
        np.testing.assert_allclose(item.v, one.v, rtol=1e-12, atol=1e-12 * np.abs(one.v).max())
        np.testing.assert_allclose(item.history, one.history, rtol=1e-12)
        assert (item.iterations, item.converged, item.stop_reason, item.solver) == (
            one.iterations, one.converged, one.stop_reason, one.solver)
        assert dict(item.extras).get("chosen") == dict(one.extras).get("chosen")
    assert res[-1].objective == res[len(batch) - 1].objective


def test_batch_result_serialises_and_reprs(batch):
    res = solve_batch(batch, "closed_form")
    data = json.loads(json.dumps(res.to_dict()))
    assert data["method"] == "closed_form" and len(data["secrecy_rate"]) == 3
    assert "drops=3" in repr(res) and "closed_form" in repr(res)
    with pytest.raises(ParameterError, match="i must be"):
        res[3]


@pytest.mark.parametrize("method", ["closed_form", "asymptotic"])
@pytest.mark.parametrize("shape", [(32, 4), (8, 12), (100, 10)])
def test_kernel_matches_the_numpy_twins(method, shape):
    N, K = shape
    batch = aauc.draw_batch(aauc.Scenario(N=N, K=K), np.random.default_rng(N + K), 4)
    _assert_twins(batch, aauc.angular_matrix(batch), method)


@pytest.mark.parametrize("case", ["equal_J", "zero_h_entry", "one_nonzero_h"])
def test_secular_equation_matches_the_twin_on_degenerate_pencils(case):
    """Prop. 3's pencil with coinciding poles (equal J), with h_K orthogonal to a helper
    (a pole without residue: e_k may be the dominant eigenvector) and with h_K along one axis."""
    batch = aauc.draw_batch(aauc.Scenario(N=16, K=6), np.random.default_rng(7), 4)
    J = aauc.angular_matrix(batch)
    if case == "equal_J":
        J = np.repeat(J[:, :1], J.shape[1], axis=1)
    else:
        h_K = batch.h_K.copy()
        if case == "zero_h_entry":
            h_K[:, 1] = 0.0
            # drop 0: J_1 = 0 and a weak h_K make e_1 (eigenvalue 1) the dominant eigenvector
            J[0, 1] = 0.0
            h_K[0] *= 1e-4
        else:
            h_K[:, 1:] = 0.0
        batch = dataclasses.replace(batch, h_K=h_K)
    # drop 0 of zero_h_entry gives the helpers the whole budget: ‖z‖² = 2 P_max − ‖w‖² is a
    # rounding-level difference there, so v is only defined to √(4 ε · 2 P_max)
    v_atol = np.sqrt(8 * np.finfo(float).eps * batch.scenario.pmax_w)
    _assert_twins(batch, J, "closed_form", v_atol)


def _assert_twins(batch, J, method, v_atol=0.0):
    res = solve_batch(batch, method, J=J)
    point = closed_form_point if method == "closed_form" else asymptotic_point
    for i in range(len(batch)):
        data = p2_data(batch[i], J[i])
        sol = aauc_solution(data, *point(data), history=[0.0], converged=True,
                            stop_reason="closed_form", solver="numpy")
        sec = realised_secrecy_rate(sol.rate, sol.v, sol.w, data.gs_e, data.hs_e, 1.0)
        for got, want in ((res.objective[i], sol.objective), (res.rate[i], sol.rate),
                          (res.power_w[i], sol.power_w),
                          (res.secrecy_rate_signed[i], float(sec.signed)),
                          (res.secrecy_rate_eq6[i], float(sec.eq6))):
            assert _close(got, want, 1e-12), (i, got, want)
        phase = np.vdot(res.w[i], sol.w)
        phase /= abs(phase)
        np.testing.assert_allclose(res.w[i] * phase, sol.w, rtol=0,
                                   atol=1e-12 * np.abs(sol.w).max())
        np.testing.assert_allclose(res.v[i], sol.v, rtol=0,
                                   atol=max(1e-12 * np.abs(sol.v).max(), v_atol))
        assert res.null_residual[i] <= 1e-13


def test_parallel_kernel_is_bit_identical_to_the_serial_one():
    s = aauc.Scenario(N=16, K=6)
    batch = aauc.draw_batch(s, np.random.default_rng(1), 2 * PARALLEL_MIN_DROPS)
    J = aauc.angular_matrix(batch)
    consts = (np.sqrt(s.sigma2_w), np.sqrt(s.sigma_e2_w), s.lam / s.sigma_e2_w, s.pmax_w)
    outs = []
    for fn in (kernel.closed_form_drops, kernel.closed_form_drops_parallel):
        v = np.empty(batch.g_E.shape, dtype=complex)
        w = np.empty(batch.h_K.shape, dtype=complex)
        st = np.empty((len(batch), kernel.STATS))
        fn(kernel.CLOSED_FORM, batch.g, batch.h_K, batch.h_E, batch.g_E, J, consts, v, w, st)
        outs.append((v, w, st))
    for a, b in zip(*outs, strict=True):
        np.testing.assert_array_equal(a, b)


def test_solve_batch_checks_its_arguments_before_any_work(batch, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("work started before validation finished")

    monkeypatch.setattr("fastsec.aauc.batch.closed_form_drops", forbidden)
    monkeypatch.setattr("fastsec.aauc.batch.p2_data", forbidden)
    cases = [({"method": "nope"}, ParameterError, "method"),
             ({"method": "bfom", "colour": 1}, ParameterError, "unknown option"),
             ({"method": "sco", "iters": 0}, ParameterError, "iters"),
             ({"J": np.ones((3, 2))}, ParameterError, "J"),
             ({"J": -np.ones((3, 3))}, ParameterError, "J must be non-negative")]
    for kwargs, exc, match in cases:
        method = kwargs.pop("method", "closed_form")
        with pytest.raises(exc, match=match):
            solve_batch(batch, method, **kwargs)
    with pytest.raises(ParameterTypeError, match="batch"):
        solve_batch(batch[0], "closed_form")
    g = batch.g.copy()
    g[1, -1] = 0.0
    with pytest.raises(ParameterError, match="g_K"):
        solve_batch(dataclasses.replace(batch, g=g), "closed_form")


@pytest.mark.parametrize("field", ["D", "g", "h_E", "D_E"])
def test_drop_batch_rejects_non_finite_arrays_by_name(batch, field):
    bad = getattr(batch, field).copy()
    bad.flat[0] = np.nan
    with pytest.raises(ParameterError, match=f"DropBatch.{field}"):
        dataclasses.replace(batch, **{field: bad})


def test_drop_and_batch_reject_non_positive_distances(batch):
    D = batch.D.copy()
    D[0, 0] = 0.0
    with pytest.raises(ParameterError, match="D must be > 0"):
        dataclasses.replace(batch, D=D)
    with pytest.raises(ParameterError, match="D must be > 0"):
        dataclasses.replace(batch[0], D=D[0])
