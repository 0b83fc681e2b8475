"""The monotone-ascent rule of successive convex approximation and the compiled SCA loop.

It knows no paper. :func:`judge` decides, from the last accepted objective and a candidate's
objective, whether the candidate is kept and whether the run stops. :class:`fastsec.sca.Ascent`
(the Python driver used by every SCA method) and the compiled loop :func:`sca_loop` (which a
compiled SCA method drives through one oracle: its surrogate step and its true objective) both
call it, so the rule cannot drift apart:

* a candidate more than ``slack`` (relative, scale ``max(1, |last|)``) below ``last`` is a
  *descent*: with ``reject`` it is dropped and the run stops with :data:`NO_ASCENT`; without,
  it is kept and the run goes on;
* any other candidate is kept; the run stops with :data:`TOLERANCE` when it gained at most
  ``tol`` (relative, same scale) and, in :func:`sca_loop`, the method certifies the point.

The iteration cap (:data:`ITERATIONS`) is the loop's bound (``SCAOptions.iters``).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from .._jit import jit

#: Options of :func:`sca_loop`: ``iters`` (int, cap on SCA steps), ``tol`` (relative gain at
#: which the run has converged), ``slack`` (relative fall still counted as no descent),
#: ``gap_rel`` (the surrogate solver's relative duality gap).
SCAOptions = namedtuple("SCAOptions", ["iters", "tol", "slack", "gap_rel"])

#: Stop codes; index into :data:`fastsec.sca.STOP_REASONS`.
TOLERANCE = 0
ITERATIONS = 1
NO_ASCENT = 2
#: Code of a run that goes on.
RUNNING = -1


@jit
def judge(last, value, tol, slack, reject):
    """Judge a candidate objective ``value`` against the last accepted ``last``.

    Returns
    -------
    keep : bool
        Whether the candidate becomes the run's point.
    stop : int
        :data:`RUNNING`, :data:`TOLERANCE` or :data:`NO_ASCENT`.

    """
    scale = max(1.0, abs(last))
    if value < last - slack * scale:
        if reject:
            return False, NO_ASCENT
        return True, RUNNING
    if value - last <= tol * scale:
        return True, TOLERANCE
    return True, RUNNING


@jit
def converges_below_zero(last, value, tol, slack):
    """Return whether a negative candidate ``value`` would end the run on its tolerance.

    The test is :func:`judge` against the last kept ``last``. For a method whose problem has a
    feasible point of objective 0 (the AAUC problems with no relay:
    :mod:`fastsec.kernels.aauc.sco`, :mod:`fastsec.kernels.aauc.irs`), such a run has
    converged towards that point, and its step returns the point instead.
    """
    return value < 0.0 and judge(last, value, tol, slack, True)[1] == TOLERANCE


#: Modes of the ``oracle`` of :func:`sca_loop`.
VALUE = 0
STEP = 1
CERTIFY = 2


@jit(inline="always")
def sca_loop(oracle, problem, x0, y0, options):
    """Successive convex approximation from ``(x0, y0)``, kept monotone by :func:`judge`.

    The point is a pair of arrays (two blocks of variables). ``oracle(mode, problem, x, y,
    x_new, y_new, gap_rel) -> (objective, solver iterations, solver converged)`` is the one
    problem-specific function (a single dispatcher argument, inlined, keeps the callers
    cacheable, as in :func:`fastsec.kernels.optim.interior_point.primal_dual`):

    * :data:`VALUE`: the true objective at ``(x, y)`` (``x_new``, ``y_new`` untouched);
    * :data:`STEP`: solve the convex surrogate expanded at ``(x, y)``, write its maximiser into
      ``(x_new, y_new)`` and return the true objective there, which judges the candidate (a
      descent is rejected and stops the run);
    * :data:`CERTIFY`: asked when the kept point ``(x, y)`` meets the tolerance; the third
      output says whether the method's stationarity certificate holds there. If it does not,
      the run goes on (a method without a certificate returns True).

    Parameters
    ----------
    oracle : Numba function
        As above.
    problem : tuple
        The problem's data, passed to ``oracle`` unchanged.
    x0, y0 : ndarray
        The start (copied).
    options : SCAOptions
        Iteration cap, tolerances and the surrogate solver's gap.

    Returns
    -------
    x, y : ndarray
        The last kept point.
    history : ndarray
        The objective at the start and after every kept step.
    stop : int
        :data:`TOLERANCE`, :data:`ITERATIONS` or :data:`NO_ASCENT`.
    solver_iterations : int
        Total iterations of the surrogate solver.
    solver_failures : int
        Surrogates whose solver stopped before its tolerance (their point was judged anyway).

    """
    x = x0.copy()
    y = y0.copy()
    x_new = np.empty_like(x)
    y_new = np.empty_like(y)
    history = np.empty(options.iters + 1)
    history[0] = oracle(VALUE, problem, x, y, x_new, y_new, options.gap_rel)[0]
    n_hist = 1
    stop = ITERATIONS
    solver_iterations = 0
    solver_failures = 0
    for _ in range(options.iters):
        candidate, its, ok = oracle(STEP, problem, x, y, x_new, y_new, options.gap_rel)
        solver_iterations += its
        solver_failures += 0 if ok else 1
        keep, code = judge(history[n_hist - 1], candidate, options.tol, options.slack, True)
        if keep:
            x[:] = x_new
            y[:] = y_new
            history[n_hist] = candidate
            n_hist += 1
        if code == TOLERANCE and not oracle(CERTIFY, problem, x, y, x_new, y_new,
                                            options.gap_rel)[2]:
            code = RUNNING
        if code != RUNNING:
            stop = code
            break
    return x, y, history[:n_hist].copy(), stop, solver_iterations, solver_failures
