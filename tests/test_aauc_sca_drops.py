"""SCO, direct transmission, the hybrid and IRS on a batch of drops in one compiled call.

References: the cvxpy paths (``exact=True``, Clarabel) from the same start — the compiled
final objective may fall below theirs by at most 1e-6 relative (the compiled surrogate solve
stops at a 1e-10 duality gap, Clarabel at 1e-8, so the two SCA runs are the same to ~1e-8;
1e-6 leaves room for an extra or missing step at the tolerance); NumPy's QR and an N x N
``eigh`` for the compiled row space and direct start (O(1)-conditioned: 1e-12); the serial
kernel for the multi-threaded one (same per-drop code: bit for bit).
"""

import numpy as np
import pytest
from aauc_drops import make_drop
from fastsec.kernels.aauc import sca_drops as kernel

from fastsec import aauc
from fastsec.aauc import sca_drops as wrapper
from fastsec.aauc import solve, solve_batch
from fastsec.aauc.kkt import result_kkt
from fastsec.aauc.problem import p2_data, row_space
from fastsec.solvers import resolve_solver

#: The compiled default may end below the cvxpy reference by at most this (relative).
COMPILED_RTOL = 1e-6


@pytest.mark.parametrize("method", ["sco", "direct", "hybrid", "irs"])
def test_parallel_kernel_is_bit_identical_to_the_serial_one(method, monkeypatch):
    s = aauc.Scenario(N=12, K=5, sco_iters=5)
    batch = aauc.draw_batch(s, np.random.default_rng(7), 4)
    J = aauc.angular_matrix(batch)
    arrays = (batch.g, batch.h_K, batch.h_E, batch.g_E, J)
    monkeypatch.setattr(wrapper, "PARALLEL_MIN_DROPS", 10 ** 9)
    serial = wrapper.sca_drops(s, method, *arrays, iters=5, tol=1e-6)
    monkeypatch.setattr(wrapper, "PARALLEL_MIN_DROPS", 1)
    monkeypatch.setattr(wrapper.numba, "get_num_threads", lambda: 2)
    parallel = wrapper.sca_drops(s, method, *arrays, iters=5, tol=1e-6)
    for a, b in zip(serial, parallel, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("method", ["sco", "direct", "hybrid", "irs"])
def test_batch_and_single_drop_paths_are_bit_identical(method):
    batch = aauc.draw_batch(aauc.Scenario(N=10, K=4, sco_iters=6), np.random.default_rng(3), 3)
    J = aauc.angular_matrix(batch)
    res = solve_batch(batch, method, J=J)
    for i in range(len(batch)):
        one, item = solve(batch[i], method, J=J[i]), res[i]
        for name in ("objective", "secrecy_rate", "secrecy_rate_signed", "secrecy_rate_eq6",
                     "rate", "power_w", "null_residual", "kkt_residual"):
            assert getattr(item, name) == getattr(one, name), name
        np.testing.assert_array_equal(item.v, one.v)
        np.testing.assert_array_equal(item.w, one.w)
        np.testing.assert_array_equal(item.history, one.history)
        assert item.extras.keys() == one.extras.keys()
        for key, value in one.extras.items():
            np.testing.assert_array_equal(item.extras[key], value)


def test_row_space_matches_numpy(rng):
    drop, J = make_drop(rng, N=9, K=5)
    data = p2_data(drop, J)
    q, hq = kernel.row_space(data.Hs)
    q_ref, hq_ref = row_space(data.Hs)
    np.testing.assert_allclose(q.conj().T @ q, np.eye(4), atol=1e-13)
    np.testing.assert_allclose(data.Hs @ q, hq, atol=1e-13 * np.abs(hq).max())
    assert np.all(np.triu(hq, 1) == 0)
    # the same basis up to the sign/phase of each column (both are Householder QR)
    phases = np.sum(q.conj() * q_ref, axis=0)
    np.testing.assert_allclose(np.abs(phases), 1.0, atol=1e-12)


def test_direct_start_is_the_dominant_eigenvector(rng):
    drop, _ = make_drop(rng, N=12, K=5)
    unit = drop.g / np.linalg.norm(drop.g, axis=1, keepdims=True)
    v0 = np.empty(12, dtype=complex)
    kernel._start_direct(unit, 2.0, v0)
    ref = np.linalg.eigh(unit.T @ unit.conj())[1][:, -1]  # the N x N matrix itself
    assert np.linalg.norm(v0) == pytest.approx(2.0, rel=1e-14)
    assert abs(np.vdot(ref, v0)) == pytest.approx(2.0, rel=1e-12)


def test_compiled_direct_reaches_the_exact_path_objective():
    rng = np.random.default_rng(17)
    for n, k in ((8, 3), (16, 5), (32, 8)):
        drop, J = make_drop(rng, N=n, K=k, kr_db=float(rng.uniform(0.0, 30.0)))
        ours, ref = solve(drop, "direct", J=J), solve(drop, "direct", J=J, exact=True)
        assert (ours.solver, ref.solver) == ("numba", resolve_solver("auto"))
        assert ours.history[0] == pytest.approx(ref.history[0], rel=1e-12)  # same start
        assert ours.objective >= ref.objective - COMPILED_RTOL * abs(ref.objective)
        assert ours.power_residual_w <= 1e-9 * drop.scenario.pmax_w


def test_hybrid_is_its_better_run(rng):
    for kr in (0.0, 30.0):
        drop, J = make_drop(rng, N=16, K=5, kr_db=kr)
        runs = {m: solve(drop, m, J=J) for m in ("sco", "direct")}
        res = solve(drop, "hybrid", J=J)
        assert res.extras["secrecy_rates"] == {m: r.secrecy_rate for m, r in runs.items()}
        chosen = runs[res.extras["chosen"]]
        assert chosen.secrecy_rate == max(r.secrecy_rate for r in runs.values())
        assert (res.objective, res.secrecy_rate, res.kkt_residual) == (
            chosen.objective, chosen.secrecy_rate, chosen.kkt_residual)
        np.testing.assert_array_equal(res.v, chosen.v)


@pytest.mark.parametrize("method", ["sco", "direct", "irs", "hybrid"])
def test_kkt_residual_is_that_of_the_returned_point(rng, method):
    """The kernel's residual equals ``result_kkt`` at the returned (v, w) (i14-kkt's tolerance:
    the residual is computed from z there, from v = U z here: 1e-9 relative + 1e-7 absolute)."""
    drop, J = make_drop(rng, N=12, K=4, kr_db=70.0, common_distance_m=20.0)
    res = solve(drop, method, J=J)
    scheme = res.extras.get("chosen", method)
    ref = result_kkt(p2_data(drop, J), scheme, res.v, res.w)
    assert res.kkt_residual == pytest.approx(ref, rel=1e-9, abs=1e-7)
