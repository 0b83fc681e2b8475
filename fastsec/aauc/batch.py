"""``fastsec.aauc.solve_batch``: one method on every drop of a :class:`DropBatch` (paper 000).

``solve_batch(batch, method, **options)`` checks the batch (on construction), the method and
its options once, then runs the method on all drops with as few calls as the method allows:

- ``closed_form``, ``asymptotic``: one compiled call for the whole batch, the drops spread
  over Numba's threads (:func:`fastsec.aauc.closed_form.closed_form_drops`);
- ``bfom``: one :func:`fastsec.aauc.bfom.bfom_batch` call (vectorised over the drops);
- ``sco``, ``direct``, ``irs``, ``hybrid`` (the ``sco`` and ``direct`` runs of each drop,
  keeping the better): one compiled call for the whole batch, the drops spread over Numba's
  threads (:func:`fastsec.aauc.sca_drops.sca_drops`, which ``solve`` runs on one drop);
- the cvxpy references (``exact=True``): drop by drop.

The numbers equal those of ``solve(batch[i], method, **options)`` (to rounding for the
vectorised ``bfom``). The result, :class:`AAUCBatchResult`, holds one array per field of
:class:`~fastsec.aauc.AAUCResult` with the drops axis first, and ``result[i]`` is drop i's
``AAUCResult``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Any

import numpy as np

from fastsec._results import plain
from fastsec._validate import check_int
from fastsec.aauc import bfom as _bfom
from fastsec.aauc.angular import angular_matrix
from fastsec.aauc.channels import DropBatch
from fastsec.aauc.closed_form import KERNEL_MODES, closed_form_drops
from fastsec.aauc.direct import direct
from fastsec.aauc.problem import P2Data, p2_data
from fastsec.aauc.sca_drops import SCA_MODES, run_fields, sca_drops
from fastsec.aauc.sco import SCA_TOL, sco
from fastsec.aauc.solve import (
    METHODS,
    AAUCResult,
    check_J,
    check_options,
    choose,
    finish,
)
from fastsec.errors import ParameterError, ParameterTypeError
from fastsec.kernels.aauc import closed_form as _k


@dataclass(frozen=True, eq=False, repr=False)
class AAUCBatchResult:
    """Result of :func:`solve_batch`: the fields of :class:`~fastsec.aauc.AAUCResult` per drop.

    Every per-drop field is an array whose first axis is the drop (B drops); ``result[i]`` is
    the ``AAUCResult`` of drop i, ``len(result)`` is B and ``to_dict()`` returns every field
    as plain Python (:mod:`fastsec._results`).

    Attributes
    ----------
    v : ndarray, shape (B, N), complex128
    w : ndarray, shape (B, K-1), complex128
    objective, secrecy_rate, secrecy_rate_signed, secrecy_rate_eq6, rate, power_w, \
power_residual_w, null_residual, kkt_residual : ndarray, shape (B,), float64
        As in :class:`~fastsec.aauc.AAUCResult` [bit/s/Hz, W].
    history : tuple of ndarray
        Drop i's objective history, shape (iterations[i] + 1,).
    iterations : ndarray, shape (B,), int64
    seconds : ndarray, shape (B,), float64
        Wall time per drop [s]; where one call served the whole batch (closed forms,
        ``bfom``) its time divided by B.
    converged : ndarray, shape (B,), bool
    stop_reason, solver : ndarray, shape (B,), str
    method : str
    extras : tuple of Mapping
        Drop i's method diagnostics.

    """

    v: np.ndarray
    w: np.ndarray
    objective: np.ndarray
    secrecy_rate: np.ndarray
    secrecy_rate_signed: np.ndarray
    secrecy_rate_eq6: np.ndarray
    rate: np.ndarray
    power_w: np.ndarray
    power_residual_w: np.ndarray
    null_residual: np.ndarray
    kkt_residual: np.ndarray
    history: tuple[np.ndarray, ...]
    iterations: np.ndarray
    seconds: np.ndarray
    converged: np.ndarray
    stop_reason: np.ndarray
    method: str
    solver: np.ndarray
    extras: tuple[Mapping, ...]

    def __len__(self) -> int:
        return self.objective.shape[0]

    def __getitem__(self, i: int) -> AAUCResult:
        i = check_int("i", i, -len(self), len(self) - 1)
        return AAUCResult(**{f.name: _item(getattr(self, f.name), i)
                             for f in fields(AAUCResult)})

    def __repr__(self) -> str:
        return (f"AAUCBatchResult(method={self.method!r}, drops={len(self)}, "
                f"mean secrecy_rate={float(np.mean(self.secrecy_rate)):.6g}, "
                f"converged={int(np.sum(self.converged))}/{len(self)}, "
                f"seconds={float(np.sum(self.seconds)):.6g})")

    def to_dict(self) -> dict[str, Any]:
        """Return every field as plain, JSON-serialisable Python."""
        return plain(self)

    @classmethod
    def stack(cls, results: Sequence[AAUCResult]) -> AAUCBatchResult:
        """Stack the :class:`~fastsec.aauc.AAUCResult` of B drops of one method."""
        out: dict[str, Any] = {}
        for f in fields(cls):
            values = [getattr(r, f.name) for r in results]
            if f.name == "method":
                out[f.name] = values[0]
            elif f.name in ("history", "extras"):
                out[f.name] = tuple(values)
            else:
                out[f.name] = np.array(values) if f.name not in ("v", "w") else np.stack(values)
        return cls(**out)


def _item(value: Any, i: int) -> Any:
    """Drop i's entry of a batch field as the single result holds it."""
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return value[i]
    if value.ndim > 1:
        return value[i].copy()
    return value[i].item()


def solve_batch(batch: DropBatch, method: str = "sco", *, J: object = None,
                **options: Any) -> AAUCBatchResult:
    """Solve every drop of a batch with one AAUC method or baseline (paper 000).

    Parameters
    ----------
    batch : DropBatch
        B drops of one scenario (:func:`fastsec.aauc.draw_batch`).
    method : str
        As in :func:`fastsec.aauc.solve`.
    J : array_like, shape (B, K-1), float64, optional
        Angular-matrix diagonals (eq. (12)); default ``fastsec.aauc.angular_matrix(batch)``.
    **options
        As in :func:`fastsec.aauc.solve`, applied to every drop.

    Returns
    -------
    AAUCBatchResult
        ``result[i]`` equals ``solve(batch[i], method, J=J[i], **options)`` (to rounding
        for ``bfom``, whose drops are vectorised), except ``seconds``.

    Raises
    ------
    ValueError, TypeError
        Bad batch, method, ``J`` or option, before any work.
    fastsec.errors.SolverError
        A convex subproblem could not be solved.

    """
    checked = check_options(method, options)
    if not isinstance(batch, DropBatch):
        raise ParameterTypeError(f"batch must be a fastsec.aauc.DropBatch, got "
                                 f"{type(batch).__name__}")
    s = batch.scenario
    if not batch.g[:, -1].any(axis=1).all():
        raise ParameterError("batch.g[:, K-1] (g_K of every drop) must be non-zero")
    J = angular_matrix(batch) if J is None else check_J(J, (len(batch), s.K - 1))
    if method in KERNEL_MODES:
        start = time.perf_counter()
        v, w, stats = closed_form_drops(s, method, batch.g, batch.h_K, batch.h_E, batch.g_E, J)
        seconds = time.perf_counter() - start
        return _from_kernel(method, v, w, stats, s.pmax_w, seconds)
    if "iters" in METHODS[method][1]:
        checked.setdefault("iters", s.sco_iters)
    if method in SCA_MODES and not checked.get("exact", False):
        start = time.perf_counter()
        out = sca_drops(s, method, batch.g, batch.h_K, batch.h_E, batch.g_E, J,
                        iters=checked["iters"], tol=checked.get("tol", SCA_TOL))
        seconds = time.perf_counter() - start
        return _from_kernel(method, out.v, out.w, out.stats, s.pmax_w, seconds,
                            [run_fields(method, out, i, batch.g[i]) for i in range(len(batch))])
    datas = [p2_data(batch[i], J[i]) for i in range(len(batch))]
    if method == "bfom":
        start = time.perf_counter()
        sols = _bfom.bfom_batch(datas, **checked)
        seconds = (time.perf_counter() - start) / len(datas)
        return AAUCBatchResult.stack([finish(d, sol, method, seconds)
                                      for d, sol in zip(datas, sols, strict=True)])
    return AAUCBatchResult.stack([_one(d, method, checked) for d in datas])


def _one(data: P2Data, method: str, options: Mapping[str, Any]) -> AAUCResult:
    """One drop of an iterative method (``hybrid``: its ``sco`` and ``direct`` runs)."""
    start = time.perf_counter()
    if method == "hybrid":
        sol = choose(data, {"sco": sco(data, **options), "direct": direct(data, **options)})
    else:
        sol = METHODS[method][0](data, **options)
    return finish(data, sol, method, time.perf_counter() - start)


def _from_kernel(method: str, v: np.ndarray, w: np.ndarray, stats: np.ndarray, pmax_w: float,
                 seconds: float, runs: list[dict] | None = None) -> AAUCBatchResult:
    """Build the batch result from a compiled kernel's outputs (one call's ``seconds``).

    ``stats`` holds the columns of :mod:`fastsec.kernels.aauc.closed_form`; ``runs`` the run
    fields of each drop of an iterative method (:func:`fastsec.aauc.sca_drops.run_fields`),
    None for a closed form.
    """
    B = stats.shape[0]
    col = stats.T
    if runs is None:
        run = {"history": tuple(stats[:, _k.OBJECTIVE:_k.OBJECTIVE + 1].copy()),
               "iterations": np.zeros(B, dtype=np.int64), "converged": np.ones(B, dtype=bool),
               "stop_reason": np.full(B, "closed_form"), "extras": (MappingProxyType({}),) * B}
    else:
        run = {"history": tuple(r["history"] for r in runs),
               "iterations": np.array([r["iterations"] for r in runs], dtype=np.int64),
               "converged": np.array([r["converged"] for r in runs], dtype=bool),
               "stop_reason": np.array([r["stop_reason"] for r in runs]),
               "extras": tuple(r["extras"] for r in runs)}
    return AAUCBatchResult(
        v=v, w=w, objective=col[_k.OBJECTIVE].copy(), secrecy_rate=col[_k.SECRECY].copy(),
        secrecy_rate_signed=col[_k.SIGNED].copy(), secrecy_rate_eq6=col[_k.EQ6].copy(),
        rate=col[_k.RATE].copy(), power_w=col[_k.POWER].copy(),
        power_residual_w=col[_k.POWER] - pmax_w, null_residual=col[_k.NULL].copy(),
        kkt_residual=col[_k.KKT].copy(), seconds=np.full(B, seconds / B), method=method,
        solver=np.full(B, "numba"), **run)
