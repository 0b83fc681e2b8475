"""The monotone-ascent rule of successive convex approximation, written once.

:func:`judge` decides, from the last accepted objective and a candidate's objective, whether
the candidate is kept and whether the run stops. :class:`fastsec.sca.Ascent` (the Python
driver used by every SCA method) and the compiled SCA loops (e.g.
:func:`fastsec.kernels.aauc.sco.sco_drop`) both call it, so the rule cannot drift apart:

* a candidate more than ``slack`` (relative, scale ``max(1, |last|)``) below ``last`` is a
  *descent*: with ``reject`` it is dropped and the run stops with :data:`NO_ASCENT`; without,
  it is kept and the run goes on;
* any other candidate is kept; the run stops with :data:`TOLERANCE` when it gained at most
  ``tol`` (relative, same scale).

The iteration cap (:data:`ITERATIONS`) is the caller's loop bound.
"""

from __future__ import annotations

from .._jit import jit

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
