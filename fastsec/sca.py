"""The outer loop of successive convex approximation (SCA), written once for every method.

An SCA method starts from a feasible point, solves a convex surrogate built at the current
point (the *step*) and judges the candidate by the true objective. :func:`sca` runs that loop
for a batch of independent runs (one run is a batch of one): it asks ``step`` for the
candidates of the runs still going, judges each with its run's :class:`Ascent` and tells
``accept`` which candidates to keep. The rule is the same for every method:

* a candidate that falls more than ``slack`` (relative, scale ``max(1, |last|)``) below the
  last accepted objective is a *descent*: with ``reject=True`` it is dropped and the run
  stops with ``"no_ascent"`` (its last point stays); with ``reject=False`` it is kept and
  the run goes on (a method whose steps are inexact by design);
* any other candidate is kept and appended to the history; the run stops with
  ``"tolerance"`` (converged) when it gained at most ``tol`` (relative, same scale) and the
  method's stationarity certificate, if it has one (``certify``), holds at the kept point;
* after ``iters`` steps a run stops with ``"iterations"``.

The rule itself is :func:`fastsec.kernels.optim.ascent.judge`, which the compiled SCA loop
:func:`fastsec.kernels.optim.ascent.sca_loop` (run by :func:`fastsec.kernels.aauc.sco.sco_drop`
and :func:`fastsec.kernels.aauc.irs.irs_drop`) calls too, so it is written once.

The loop knows neither paper: :mod:`fastsec.aauc.sco`, :mod:`~fastsec.aauc.direct`,
:mod:`~fastsec.aauc.irs` (one run each) and :mod:`~fastsec.aauc.bfom` (a batch of drops)
supply their steps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from fastsec.kernels.optim import ascent as _rule

#: Stop reasons of an iterative method, shared by both papers' results.
TOLERANCE = "tolerance"
ITERATIONS = "iterations"
NO_ASCENT = "no_ascent"
#: Indexed by the stop codes of :mod:`fastsec.kernels.optim.ascent`.
STOP_REASONS = (TOLERANCE, ITERATIONS, NO_ASCENT)


class Ascent:
    """Monotone-ascent bookkeeping of one SCA run (see the module docstring for the rule).

    Parameters
    ----------
    value : float
        Objective at the starting point.
    tol : float
        Relative gain at or below which the run has converged.
    slack : float
        Relative fall below the last objective that still counts as no descent.
    reject : bool
        Whether a descent is dropped and stops the run (``"no_ascent"``) or kept.
    certify : callable or None
        ``certify()`` tells whether the candidate just kept is certified stationary; asked only
        when it meets the tolerance, and the run goes on if it is not (as the ``CERTIFY`` mode
        of :func:`fastsec.kernels.optim.ascent.sca_loop`). None: the tolerance alone stops.

    Attributes
    ----------
    history : list of float
        Objective at the start and after every kept step.
    stop_reason : str
        One of :data:`STOP_REASONS` (``"iterations"`` while running).
    running : bool
        Whether the run goes on.

    """

    def __init__(self, value: float, *, tol: float, slack: float, reject: bool = True,
                 certify: Callable[[], bool] | None = None) -> None:
        self.history = [value]
        self.tol, self.slack, self.reject, self.certify = tol, slack, reject, certify
        self.stop_reason = ITERATIONS
        self.running = True

    @property
    def converged(self) -> bool:
        """Whether the run stopped on the tolerance."""
        return self.stop_reason == TOLERANCE

    def judge(self, value: float) -> bool:
        """Judge a candidate's objective; return whether the candidate is kept."""
        keep, stop = _rule.judge(self.history[-1], float(value), self.tol, self.slack,
                                 self.reject)
        if keep:
            self.history.append(value)
        if stop == _rule.TOLERANCE and self.certify is not None and not self.certify():
            stop = _rule.RUNNING
        if stop != _rule.RUNNING:
            self._stop(STOP_REASONS[stop])
        return bool(keep)

    def _stop(self, reason: str) -> None:
        self.stop_reason = reason
        self.running = False


def sca(runs: Sequence[Ascent], step: Callable[[np.ndarray], Sequence[float]],
        accept: Callable[[int, int], None], iters: int) -> None:
    """Run at most ``iters`` SCA steps on ``runs`` (in place).

    Parameters
    ----------
    runs : sequence of Ascent
        One per independent run, each holding its starting objective.
    step : callable
        ``step(idx)`` takes the indices (ndarray of int) of the runs still going, solves their
        surrogates at their current points, keeps the candidates and returns their objective
        values (same order).
    accept : callable
        ``accept(run, j)`` makes candidate ``j`` of the last ``step`` run ``run``'s point.
    iters : int
        Cap on steps.

    """
    for _ in range(iters):
        idx = np.flatnonzero([run.running for run in runs])
        if idx.size == 0:
            return
        for j, (b, value) in enumerate(zip(idx.tolist(), step(idx), strict=True)):
            if runs[b].judge(value):
                accept(int(b), j)
