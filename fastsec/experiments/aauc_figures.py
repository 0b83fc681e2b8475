"""The AAUC paper's figures as studies (paper 000, Sec. VII; settings in PAPERS.md).

Every study draws one :class:`~fastsec.aauc.Drop` per (sweep point, drop) with
:func:`fastsec.aauc.draw` from a :class:`~fastsec.aauc.Scenario` with the Section VII
defaults (σ² = σ_E² = −80 dBm, P_max = 30 dBm, α = 2.5, ϱ0 = −40 dB, λ = 0.64, I = 20,
D_k ~ U(100, 500) m) plus the figure's own settings, and runs each method with
:func:`fastsec.aauc.solve`. The reported secrecy rate is the instantaneous one, eq. (6), with
the drop's realised eavesdropper channel; the model objective (P2, eq. (18)) is recorded
next to it. 50 drops per point, as in the paper. Timing figures (4a, 4b) plot the wall
seconds the runner measures around each ``solve`` call.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache, partial
from typing import Any

import numpy as np

from fastsec import aauc
from fastsec.experiments.custom import coerce
from fastsec.experiments.study import PlotSpec, Study, Sweep

#: The paper's legend entries.
LEGEND = {
    "sco": "SCO based AAUC",
    "closed_form": "Closed-form AAUC",
    "bfom": "BFOM based AAUC",
    "irs": "IRS based scheme",
    "direct": "Direct transmission",
    "hybrid": "Hybrid transmission",
}
_RATE_LABEL = "Average secrecy rate [bit/s/Hz]"
_TIME_LABEL = "Average execution time [s]"
_PAPER_DROPS = 50
#: Drops per point of the quick forms (the README's first command runs aauc-fig3a --quick).
_QUICK_DROPS = 4


def draw(x: float, rng: np.random.Generator, fields: tuple[str, ...],
         settings: Mapping[str, Any]) -> tuple[aauc.Drop, np.ndarray]:
    """Draw one drop of ``Scenario(**settings, each of fields = x)`` and its angular matrix.

    Returns the :class:`~fastsec.aauc.Drop` (paper 000, Sec. VII) and the diagonal of J
    (eq. (12)), computed once here and shared by every method of the drop.
    """
    point = tuple((name, coerce(aauc.Scenario, name, x)) for name in fields)
    drop = aauc.draw(_scenario(point, tuple(sorted(settings.items()))), rng)
    return drop, aauc.angular_matrix(drop)


@lru_cache(maxsize=64)
def _scenario(point: tuple[tuple[str, Any], ...], settings: tuple[tuple[str, Any], ...]
              ) -> aauc.Scenario:
    """Return the (frozen) Scenario of one sweep point, built and validated once per process."""
    return aauc.Scenario(**dict(settings), **dict(point))


def solve(instance: tuple[aauc.Drop, np.ndarray], method: str) -> dict[str, Any]:
    """Run ``fastsec.aauc.solve(drop, method, J=J)``; return the row's outputs."""
    drop, J = instance
    res = aauc.solve(drop, method, J=J)
    row = {"secrecy_rate": res.secrecy_rate, "objective": res.objective,
           "iterations": res.iterations, "converged": res.converged, "solver": res.solver,
           "stop_reason": res.stop_reason, "solver_seconds": res.seconds}
    if "chosen" in res.extras:
        row["chosen"] = res.extras["chosen"]
    return row


def _study(name: str, reproduces: str, sweep: Sweep, field: str, methods: tuple[str, ...],
           settings: Mapping[str, Any], x_label: str, *, timing: bool = False,
           x_scale: str = "linear", title: str = "") -> Study:
    plot = PlotSpec(x_label=x_label, y_label=_TIME_LABEL if timing else _RATE_LABEL,
                    legend={m: LEGEND[m] for m in methods},
                    y="seconds" if timing else "secrecy_rate", x_scale=x_scale,
                    y_scale="log" if timing else "linear", title=title, y_range=(0.0, None))
    return Study(name=name, reproduces=reproduces, sweep=sweep, methods=methods,
                 drops=_PAPER_DROPS, quick_drops=_QUICK_DROPS,
                 draw=partial(draw, fields=(field,), settings=dict(settings)), solve=solve,
                 plot=plot, params={"fields": [field], "settings": dict(settings)},
                 scenario=aauc.Scenario)


STUDIES = (
    _study("aauc-fig3a", "Paper 000 Fig. 3a: secrecy rate vs Rician K-factor (K = 10, N = 100)",
           Sweep("K_R", (0.0, 10.0, 20.0, 40.0), "dB"), "kr_db",
           ("sco", "closed_form", "bfom", "direct"), {"K": 10, "N": 100},
           "Rician K-factor $K_R$ [dB]", title="$K = 10$, $N = 100$"),
    _study("aauc-fig3b", "Paper 000 Fig. 3b: secrecy rate vs BS antennas N (K = 20, K_R = 30 dB)",
           Sweep("N", (20.0, 100.0, 200.0, 500.0), "", quick=(20.0, 100.0)), "N",
           ("sco", "closed_form"), {"K": 20, "kr_db": 30.0},
           "Number of antennas $N$", title="$K = 20$, $K_R = 30$ dB"),
    _study("aauc-fig3c", "Paper 000 Fig. 3c: secrecy rate vs users K (N = 100, K_R = 30 dB)",
           Sweep("K", (10.0, 20.0, 50.0, 100.0), "", quick=(10.0, 20.0)), "K",
           ("sco", "closed_form", "bfom"), {"N": 100, "kr_db": 30.0},
           "Number of users $K$", title="$N = 100$, $K_R = 30$ dB"),
    _study("aauc-fig4a", "Paper 000 Fig. 4a: execution time vs BS antennas N (K = 20)",
           Sweep("N", (20.0, 100.0, 200.0, 500.0), "", quick=(20.0, 100.0)), "N",
           ("sco", "closed_form"), {"K": 20, "kr_db": 30.0},
           "Number of antennas $N$", timing=True, title="$K = 20$, $K_R = 30$ dB"),
    _study("aauc-fig4b", "Paper 000 Fig. 4b: execution time vs users K (N = 100)",
           Sweep("K", (10.0, 20.0, 50.0, 100.0), "", quick=(10.0, 20.0)), "K",
           ("sco", "closed_form", "bfom"), {"N": 100, "kr_db": 30.0},
           "Number of users $K$", timing=True, title="$N = 100$, $K_R = 30$ dB"),
    _study("aauc-fig4c", "Paper 000 Fig. 4c: IRS vs AAUC secrecy rate vs common user distance",
           Sweep("D_k", (20.0, 30.0, 40.0, 50.0, 60.0), "m", quick=(20.0, 60.0)),
           "common_distance_m", ("sco", "irs"), {"N": 100, "K": 10, "kr_db": 70.0},
           "Distance $D_k$ [m]", title="$N = 100$, $K = 10$, $K_R = 70$ dB"),
    _study("aauc-fig5a", "Paper 000 Fig. 5a: Rayleigh fading, eavesdropper off the users' angles",
           Sweep("K", (20.0, 100.0), "", quick=(20.0,)), "K",
           ("sco", "closed_form", "bfom", "direct", "hybrid"),
           {"N": 100, "rayleigh": True, "placement": "off_angle", "d_far_m": 1000.0},
           "Number of users $K$", title="$N = 100$, Rayleigh, $D_K = 1000$ m"),
)
