"""KKT residuals of the AAUC problems at a method's returned point (paper 000).

``AAUCResult.kkt_residual``: how far a returned point is from a KKT point of the problem its
method solves, scale-free, 0 at a KKT point and O(1) where nothing cancels (the definition:
:mod:`fastsec.kernels.optim.kkt`; the problems: :mod:`fastsec.kernels.aauc.kkt`):

- P2 (eq. (18)-(20)) for the AAUC methods (sco, closed_form, asymptotic, bfom);
- the max–min multicast over v for ``direct``;
- Q2 (eq. (45)) for ``irs``, whose ``w`` holds the reflected amplitudes c [√W].

:func:`kkt_drops` evaluates B drops in one compiled call (the drops spread over Numba's
threads), :func:`result_kkt` one drop from its :class:`~fastsec.aauc.problem.P2Data`; both run
the same per-drop kernel, so a drop gets the same bits either way. The closed forms compute
their residual inside their own kernel (:mod:`fastsec.kernels.aauc.closed_form`). The
NumPy/SciPy reference is :mod:`fastsec.reference.aauc_kkt`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from fastsec._validate import check_choice
from fastsec.aauc.closed_form import threaded
from fastsec.aauc.problem import P2Data
from fastsec.aauc.scenario import Scenario
from fastsec.errors import ParameterError
from fastsec.kernels.aauc import kkt as _k

#: Problem each method's point is judged against (``hybrid``: the mode it chose).
PROBLEMS = {"sco": _k.P2, "closed_form": _k.P2, "asymptotic": _k.P2, "bfom": _k.P2,
            "direct": _k.DIRECT, "irs": _k.Q2}


def kkt_drops(scenario: Scenario, schemes: str | Sequence[str], g: np.ndarray,
              h_K: np.ndarray, J: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
    """KKT residual of B drops' returned points, one compiled call.

    Parameters
    ----------
    scenario : Scenario
        σ², σ_E², λ and P_max of the drops.
    schemes : str or sequence of B str
        The method each point comes from (one for all drops, or one per drop): a key of
        :data:`PROBLEMS` (for ``hybrid`` pass the mode it chose, ``extras["chosen"]``).
    g : ndarray, shape (B, K, N), complex128
        BS-to-user channels (checked, as in a :class:`~fastsec.aauc.DropBatch`), g_K non-zero.
    h_K : ndarray, shape (B, K-1), complex128
        Helpers-to-user-K channels.
    J : ndarray, shape (B, K-1), float64
        Angular-matrix diagonals (eq. (12)), >= 0.
    v : ndarray, shape (B, N), complex128
        BS beamformers [√W].
    w : ndarray, shape (B, K-1), complex128
        Helpers' beamformers [√W]; the reflected amplitudes c [√W] for ``irs``; ignored for
        ``direct``.

    Returns
    -------
    ndarray, shape (B,), float64
        Equal, drop by drop and bit for bit, to ``result_kkt(p2_data(drop_i, J_i), scheme_i,
        v_i, w_i)``.

    """
    B = g.shape[0]
    names = [schemes] * B if isinstance(schemes, str) else list(schemes)
    if len(names) != B:
        raise ParameterError(f"schemes must name one method or one per drop ({B}), "
                             f"got {len(names)}")
    problems = np.array([PROBLEMS[check_choice("schemes", s, PROBLEMS)] for s in names],
                        dtype=np.int64)
    s = scenario
    # the same expressions as p2_data builds hs and je from (bit for bit)
    hs = h_K / np.sqrt(s.sigma2_w)
    je = s.lam * J / s.sigma_e2_w
    return _run(problems, g, hs, je, (math.sqrt(s.sigma2_w), s.pmax_w),
                np.ascontiguousarray(v, dtype=np.complex128),
                np.ascontiguousarray(w, dtype=np.complex128))


def result_kkt(data: P2Data, scheme: str, v: np.ndarray, w: np.ndarray) -> float:
    """KKT residual of one method's returned (v, w) for the problem it solves.

    ``scheme`` as in :func:`kkt_drops` (``w`` holds c [√W] for ``irs``).
    """
    return float(_run(np.full(1, PROBLEMS[scheme], dtype=np.int64), data.g[None],
                      data.hs[None], data.je[None], (math.sqrt(data.sigma2), data.pmax),
                      np.ascontiguousarray(v, dtype=np.complex128)[None],
                      np.ascontiguousarray(w, dtype=np.complex128)[None])[0])


def _run(problems, g, hs, je, consts, v, w) -> np.ndarray:
    out = np.empty(g.shape[0])
    kernel = _k.kkt_drops_parallel if threaded(g.shape[0]) else _k.kkt_drops
    kernel(problems, g, hs, je, consts, v, w, out)
    return out
