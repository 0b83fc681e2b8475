"""SCO, direct transmission, the hybrid and IRS on B drops in one compiled call (paper 000).

:func:`sca_drops` runs :func:`fastsec.kernels.aauc.sca_drops.sca_drops` (or its
multi-threaded twin for several drops on several Numba threads): per drop the P2 arrays,
the start, the whole SCA loop and every output of :func:`fastsec.aauc.solve`, in compiled
code. ``solve(drop, "sco")`` runs it on one drop and ``solve_batch`` on a batch, so both
give the same numbers bit for bit. The cvxpy references stay in :mod:`fastsec.aauc.sco`,
:mod:`fastsec.aauc.direct` and :mod:`fastsec.aauc.irs` (``exact=True``).
"""

from __future__ import annotations

import math
from types import MappingProxyType
from typing import NamedTuple

import numba
import numpy as np

from fastsec.aauc.scenario import Scenario
from fastsec.aauc.sco import sca_options
from fastsec.kernels.aauc import closed_form as _cf
from fastsec.kernels.aauc import sca_drops as _k
from fastsec.sca import STOP_REASONS, TOLERANCE

#: Methods of :func:`fastsec.aauc.solve` run by :func:`sca_drops` unless ``exact=True``.
SCA_MODES = {"sco": _k.SCO, "direct": _k.DIRECT, "hybrid": _k.HYBRID, "irs": _k.IRS}

#: Drops from which the multi-threaded kernel is used (a drop costs about a millisecond, so
#: two drops already fill two threads); never on one Numba thread (the study workers).
PARALLEL_MIN_DROPS = 2

#: Drops handed to a Numba thread at a time. A drop's SCA loop runs for a data-dependent
#: number of iterations (one drop can cost ten times another), so static halves leave one
#: thread idle; chunks of one drop balance the load (16 SCO drops at N = 32, K = 8 on two
#: threads: 1.37x -> 1.91x the loop of single calls).
CHUNK_DROPS = 1


class SCADrops(NamedTuple):
    """Outputs of :func:`sca_drops` (arrays of :func:`fastsec.kernels.aauc.sca_drops.sca_drops`)."""

    v: np.ndarray
    w: np.ndarray
    stats: np.ndarray
    history: np.ndarray
    info: np.ndarray
    rates: np.ndarray


def sca_drops(scenario: Scenario, method: str, g: np.ndarray, h_K: np.ndarray,
              h_E: np.ndarray, g_E: np.ndarray, J: np.ndarray, *, iters: int,
              tol: float) -> SCADrops:
    """Run ``method`` (a key of :data:`SCA_MODES`) on B checked drops in one kernel call.

    Parameters
    ----------
    scenario : Scenario
        Noise powers, λ and P_max of the drops.
    method : {"sco", "direct", "hybrid", "irs"}
        As in :func:`fastsec.aauc.solve`.
    g, h_K, h_E, g_E, J :
        As in :func:`fastsec.aauc.closed_form.closed_form_drops` (checked, C-contiguous).
    iters, tol :
        SCA iteration cap and relative tolerance (:func:`fastsec.aauc.sco.sco`); each
        surrogate is solved to :data:`~fastsec.aauc.sco.GAP_REL` and a step more than
        :data:`~fastsec.aauc.sco.ASCENT_SLACK` below the last objective is rejected.

    Returns
    -------
    SCADrops

    """
    B, N = g_E.shape
    s = scenario
    out = SCADrops(v=np.empty((B, N), dtype=np.complex128),
                   w=np.empty(h_K.shape, dtype=np.complex128),
                   stats=np.empty((B, _cf.STATS)), history=np.empty((B, iters + 1)),
                   info=np.empty((B, _k.INFO), dtype=np.int64), rates=np.zeros((B, 2)))
    parallel = B >= PARALLEL_MIN_DROPS and numba.get_num_threads() > 1
    kernel = _k.sca_drops_parallel if parallel else _k.sca_drops
    with numba.parallel_chunksize(CHUNK_DROPS):  # read by the parallel kernel only
        kernel(SCA_MODES[method], (g, h_K, h_E, g_E, J),
               (math.sqrt(s.sigma2_w), math.sqrt(s.sigma_e2_w), s.lam / s.sigma_e2_w,
                s.pmax_w), sca_options(iters, tol), tuple(out))
    return out


def run_fields(method: str, out: SCADrops, i: int, g: np.ndarray) -> dict:
    """Drop i's run fields of :class:`~fastsec.aauc.AAUCResult` from :func:`sca_drops`' outputs.

    Returns ``history``, ``iterations``, ``converged``, ``stop_reason`` and ``extras``
    (``ipm_iterations``, ``ipm_failures`` as :func:`fastsec.aauc.sco.compiled_sca`; for
    ``hybrid`` also ``chosen`` and ``secrecy_rates`` as :func:`fastsec.aauc.solve.choose`;
    for ``irs`` the IRS coefficients ``u`` = c_k / g_k^H v as :func:`fastsec.aauc.irs.irs`).
    ``g`` (K, N) is the drop's BS-to-user channels.
    """
    info = out.info[i]
    n_hist = int(info[_k.N_HIST])
    reason = STOP_REASONS[info[_k.STOP]]
    extras: dict = {"ipm_iterations": int(info[_k.IPM_ITERATIONS]),
                    "ipm_failures": int(info[_k.IPM_FAILURES])}
    if method == "hybrid":
        extras["chosen"] = _CHOSEN[info[_k.CHOSEN]]
        extras["secrecy_rates"] = {"sco": float(out.rates[i, _k.SCO]),
                                   "direct": float(out.rates[i, _k.DIRECT])}
    elif method == "irs":
        extras["u"] = out.w[i] / (g[:-1].conj() @ out.v[i])
    return {"history": out.history[i, :n_hist].copy(), "iterations": n_hist - 1,
            "converged": reason == TOLERANCE, "stop_reason": reason,
            "extras": MappingProxyType(extras)}


#: Kernel codes of the runs -> method names (``extras["chosen"]`` of the hybrid).
_CHOSEN = {_k.SCO: "sco", _k.DIRECT: "direct"}
