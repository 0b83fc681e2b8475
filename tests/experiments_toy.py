"""A real but cheap study for the experiments tests (registered only by the tests).

A MISO wiretap link on an AAUC drop (``fastsec.aauc.draw``, a Numba kernel, so worker
processes load compiled kernels): the BS (``x`` antennas) serves user K, the eavesdropper
sits on the segment BS-user K. Methods:
``"mrt"`` (maximum-ratio transmission to the user), ``"null"`` (MRT projected onto the
eavesdropper's null space) and ``"flaky"`` (like ``"mrt"`` but raises on about a fifth of the
drops, to exercise failure rows). Module-level functions so that worker processes can
unpickle them (tests/ is on ``sys.path`` under pytest and in spawned children).
"""

from __future__ import annotations

import time
from functools import partial

import numpy as np

from fastsec import aauc
from fastsec.aauc import Scenario
from fastsec.errors import SolverError
from fastsec.experiments.seeding import method_rng
from fastsec.experiments.study import PlotSpec, Study, Sweep


def draw(x: float, rng: np.random.Generator, kr_db: float = 0.0) -> dict:
    sc = Scenario(N=int(x), K=2, kr_db=kr_db)
    drop = aauc.draw(sc, rng)
    return {"g": drop.g[-1], "g_E": drop.g_E, "p": sc.pmax_w, "s2": sc.sigma2_w,
            "s2e": sc.sigma_e2_w, "d_eve_m": drop.D_E, "key": int(rng.integers(2**63))}


def rate(inst: dict, v: np.ndarray) -> float:
    bob = np.log2(1 + abs(np.vdot(inst["g"], v)) ** 2 / inst["s2"])
    eve = np.log2(1 + abs(np.vdot(inst["g_E"], v)) ** 2 / inst["s2e"])
    return max(float(bob - eve), 0.0)


def solve(inst: dict, method: str, delay_s: float = 0.0) -> dict:
    time.sleep(delay_s)
    g = inst["g"]
    if method == "null":
        e = inst["g_E"] / np.linalg.norm(inst["g_E"])
        g = g - e * np.vdot(e, g)
    if method == "flaky" and method_rng(inst["key"], method).random() < 0.2:
        raise SolverError("toy solver gave up", solver="toy", status="numerical_error")
    v = np.sqrt(inst["p"]) * g / np.linalg.norm(g)
    r = rate(inst, v)
    return {"secrecy_rate": r, "objective": r, "iterations": 1, "converged": True,
            "solver": "numpy", "d_eve_m": inst["d_eve_m"], "history": [0.5 * r, r]}


def logged_solve(inst: dict, method: str, log: str, delay_s: float = 0.0) -> dict:
    """:func:`solve`, first appending one line per call (drop key, method) to the file ``log``."""
    with open(log, "a") as fh:  # one short O_APPEND write per call: lines never interleave
        fh.write(f"{inst['key']} {method}\n")
    return solve(inst, method, delay_s)


def make(name: str = "toy", delay_s: float = 0.0, values=(4.0, 8.0), drops: int = 6,
         history: bool = False, log: str | None = None, y_range=(None, None)) -> Study:
    legend = {"mrt": "MRT", "null": "Null-space MRT", "flaky": "Flaky MRT"}
    plot = PlotSpec(x_label="Number of antennas N", y_label="Secrecy rate (bit/s/Hz)",
                    legend=legend, x_scale="log", y="history" if history else "secrecy_rate",
                    kind="history" if history else "sweep", title="toy",
                    y_range=y_range)
    return Study(name=name, reproduces="a toy MISO wiretap figure", drops=drops, quick_drops=2,
                 sweep=Sweep("N", tuple(values), "", quick=tuple(values[:1])),
                 methods=tuple(legend), draw=partial(draw, kr_db=0.0),
                 solve=(partial(solve, delay_s=delay_s) if log is None
                        else partial(logged_solve, log=log, delay_s=delay_s)), plot=plot,
                 params={"delay_s": delay_s})
