"""The compiled SCA loop (fastsec.kernels.optim.ascent.sca_loop) on toy problems.

The toy objective f(x, y) = -‖x - 1‖² - ‖y + 2‖² has its maximum 0 at (1, -2); its "surrogate
step" moves a fraction ``problem[0]`` of the way there, so the candidates, their objectives and
the stop are known in closed form and computed here independently in NumPy.
"""

import numba
import numpy as np
from fastsec.kernels.optim import ascent


@numba.njit
def _toy_oracle(mode, problem, x, y, x_new, y_new, gap_rel):
    frac, solver_its, converged, certified_gap = problem
    if mode == ascent.VALUE:
        return -np.sum((x - 1.0) ** 2) - np.sum((y + 2.0) ** 2), 0, True
    if mode == ascent.CERTIFY:  # certified within ``certified_gap`` of the maximum
        gap = np.sum((x - 1.0) ** 2) + np.sum((y + 2.0) ** 2)
        return gap, 0, gap <= certified_gap
    x_new[:] = x + frac * (1.0 - x)
    y_new[:] = y + frac * (-2.0 - y)
    return -np.sum((x_new - 1.0) ** 2) - np.sum((y_new + 2.0) ** 2), solver_its, converged


@numba.njit
def _run(problem, x0, y0, options):
    return ascent.sca_loop(_toy_oracle, problem, x0, y0, options)


def _f(x, y):
    return -np.sum((x - 1.0) ** 2) - np.sum((y + 2.0) ** 2)


def test_contraction_converges_on_tolerance_with_the_exact_history():
    x0, y0 = np.zeros(3), np.zeros(2)
    options = ascent.SCAOptions(iters=50, tol=1e-6, slack=1e-9, gap_rel=1e-8)
    x, y, history, stop, its, fails = _run((0.5, 7, True, np.inf), x0, y0, options)
    # independent replay of the rule: keep while the gain exceeds tol * max(1, |last|)
    ref, xs, ys = [_f(x0, y0)], x0.copy(), y0.copy()
    while True:
        xs, ys = xs + 0.5 * (1.0 - xs), ys + 0.5 * (-2.0 - ys)
        ref.append(_f(xs, ys))
        if ref[-1] - ref[-2] <= 1e-6 * max(1.0, abs(ref[-2])):
            break
    assert stop == ascent.TOLERANCE
    np.testing.assert_array_equal(history, ref)
    np.testing.assert_allclose(x, xs, rtol=0, atol=1e-15)
    assert its == 7 * (len(ref) - 1) and fails == 0
    np.testing.assert_array_equal(x0, 0.0)  # the start is copied, never written


def test_cap_counts_iterations_and_solver_failures():
    options = ascent.SCAOptions(iters=4, tol=0.0, slack=1e-9, gap_rel=1e-8)
    _, _, history, stop, its, fails = _run((0.1, 3, False, np.inf), np.zeros(2), np.zeros(1),
                                           options)
    assert stop == ascent.ITERATIONS and len(history) == 5
    assert np.all(np.diff(history) > 0) and its == 12 and fails == 4


def test_descending_candidate_is_rejected_and_stops_the_run():
    # frac = 2.5 overshoots: f falls from -5 to -11.25, beyond the slack
    options = ascent.SCAOptions(iters=10, tol=1e-6, slack=1e-3, gap_rel=1e-8)
    x0, y0 = np.zeros(1), np.zeros(1)
    x, y, history, stop, its, fails = _run((2.5, 1, True, np.inf), x0, y0, options)
    assert stop == ascent.NO_ASCENT
    np.testing.assert_array_equal(history, [-5.0])
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(y, y0)
    assert its == 1 and fails == 0


def test_tolerance_stops_only_where_the_certificate_holds():
    # tol = 0.1 alone stops the run after a few steps; the certificate asks for a gap
    # <= 1e-6, so the run goes on until it holds, then stops on the tolerance
    options = ascent.SCAOptions(iters=60, tol=0.1, slack=1e-9, gap_rel=1e-8)
    x0, y0 = np.zeros(3), np.zeros(2)
    x, y, history, stop, its, fails = _run((0.5, 1, True, 1e-6), x0, y0, options)
    ref, xs, ys = [_f(x0, y0)], x0.copy(), y0.copy()
    while True:
        xs, ys = xs + 0.5 * (1.0 - xs), ys + 0.5 * (-2.0 - ys)
        ref.append(_f(xs, ys))
        if ref[-1] - ref[-2] <= 0.1 * max(1.0, abs(ref[-2])) and -ref[-1] <= 1e-6:
            break
    assert stop == ascent.TOLERANCE and -history[-1] <= 1e-6
    np.testing.assert_array_equal(history, ref)
    assert len(ref) > 4  # the tolerance alone would have stopped after three steps
    options = ascent.SCAOptions(iters=60, tol=0.1, slack=1e-9, gap_rel=1e-8)
    _, _, alone, _, _, _ = _run((0.5, 1, True, np.inf), x0, y0, options)
    assert len(alone) < len(ref)
