import numpy as np
import pytest

from fastsec.sca import ITERATIONS, NO_ASCENT, TOLERANCE, Ascent, sca


def _run(values, *, start=1.0, tol=1e-3, slack=1e-6, reject=True, iters=10):
    """Drive one run whose step returns the next of ``values``; return (run, kept indices)."""
    run, kept, it = Ascent(start, tol=tol, slack=slack, reject=reject), [], iter(values)
    sca([run], lambda idx: [next(it)], lambda b, j: kept.append(len(run.history) - 1), iters)
    return run, kept


def test_gains_above_tol_go_on_until_the_cap():
    run, kept = _run([1.1, 1.2, 1.3], iters=3)
    assert run.stop_reason == ITERATIONS and not run.converged and run.running
    assert run.history == [1.0, 1.1, 1.2, 1.3] and kept == [1, 2, 3]


def test_small_gain_converges_relative_to_max_one_abs_last():
    # scale max(1, |last|) = 100: a gain of 0.05 is 5e-4 relative, below tol = 1e-3
    run, _ = _run([100.05], start=100.0)
    assert run.stop_reason == TOLERANCE and run.converged and not run.running
    run, _ = _run([0.5005], start=0.5)  # scale 1 below |last| = 1: gain 5e-4 <= 1e-3
    assert run.converged


def test_descent_within_slack_counts_as_converged():
    run, kept = _run([1.0 - 5e-7])
    assert run.stop_reason == TOLERANCE and kept == [1]


def test_descent_beyond_slack_is_dropped_with_no_ascent():
    run, kept = _run([1.5, 1.5 - 1e-3])
    assert run.stop_reason == NO_ASCENT and not run.converged
    assert run.history == [1.0, 1.5] and kept == [1]  # the descending candidate is not kept


def test_descent_kept_when_not_rejecting():
    run, kept = _run([0.5, 0.8, 0.8004], reject=False, slack=1e-3)
    assert run.history == [1.0, 0.5, 0.8, 0.8004] and kept == [1, 2, 3]
    assert run.stop_reason == TOLERANCE


def test_batch_steps_only_running_runs_and_accepts_per_run():
    runs = [Ascent(0.0, tol=1e-3, slack=0.0) for _ in range(3)]
    gains = np.array([[1.0, 0.0, 1.0], [1.0, -1.0, 1e-4], [1.0, 0.0, 0.0]])
    seen, step_no = [], [0]

    def step(idx):
        seen.append(list(idx))
        row = gains[step_no[0]]
        step_no[0] += 1
        return [runs[b].history[-1] + row[b] for b in idx]

    accepted = []
    sca(runs, step, lambda b, j: accepted.append((step_no[0], b, j)), iters=3)
    # run 1 converges at step 1 (gain 0); run 1 gone at step 2, where run 2 converges
    assert seen == [[0, 1, 2], [0, 2], [0]]
    assert [r.stop_reason for r in runs] == [ITERATIONS, TOLERANCE, TOLERANCE]
    assert accepted == [(1, 0, 0), (1, 1, 1), (1, 2, 2), (2, 0, 0), (2, 2, 1), (3, 0, 0)]


@pytest.mark.parametrize("iters", [0, 1])
def test_cap_of_zero_or_one_step(iters):
    run, _ = _run([2.0], iters=iters)
    assert len(run.history) == 1 + iters


def test_tolerance_waits_for_the_certificate():
    answers = iter([False, True])
    run = Ascent(1.0, tol=1e-3, slack=1e-6, certify=lambda: next(answers))
    sca([run], lambda idx: [run.history[-1] + 1e-4], lambda b, j: None, 10)
    # both steps met the tolerance; the first was not certified, so the run went on
    assert run.stop_reason == TOLERANCE and run.history == [1.0, 1.0001, 1.0002]
