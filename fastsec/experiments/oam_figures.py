"""The double-RIS OAM paper's figures as studies (paper 002, Sec. V; settings in PAPERS.md).

The scene is deterministic (fixed geometry, near-field LoS channels, eq. (9)); what is random
is the optimiser's starting point (random RIS phases). A "drop" of these studies is one run
of the nonconvex optimiser as a practitioner runs it: the best of :data:`STARTS` random
starts (``optimize(..., starts=STARTS)``). ``draw`` builds the :class:`~fastsec.oam.Scenario`
of the sweep point (the default link budget: the paper's σ_B² = σ_E² = −20 dBm with β = 4π in
eq. (9), see :mod:`fastsec.oam.scenario` and ``docs/oam-link-budget.md``) and draws an integer
key; each method runs :func:`fastsec.oam.optimize` from its own generator
``method_rng(key, method)``. The paper does not state a number of runs; the studies default
to 20 drops per point and report mean ± 95 % CI of the secrecy rate R_s = R_B − R_E
(eq. (19)) of the best start; ``secrecy_rate_mean_start`` is the mean over the starts and
``kkt_residual`` the best start's distance from stationarity of P1
(:attr:`fastsec.oam.OAMResult.kkt_residual`), summarised by ``fastsec report``.

Method names are the paper's schemes (:data:`fastsec.oam.SCHEMES`), optionally with the
θ-step method after a colon (``"proposed:sdr"``) or the AN power split after ``@``
(``"proposed@0.5"`` is ρ = 0.5).

Fig. 2 (``oam-fig2``) plots R_s against the AO iteration for RMCG-AO and SDR-AO
(``"proposed:sdr"``) at several P_total; its rows carry the per-iteration ``history`` and it
runs :data:`FIG2_ITERS` AO iterations (stopping early only when one brings no gain) from
:data:`FIG2_STARTS` = 1 start per drop: the figure traces single AO runs. The
paper's legend values of P_total are not in its text; the study uses 20, 30 and 40 dBm, the
range of Figs. 4 and 5, and its quick form only 30 dBm.

Every study runs under any link-budget preset of :data:`fastsec.oam.PRESETS`
(``fastsec run oam-fig3 --preset NAME``, ``run(..., preset=NAME)``; see
:mod:`fastsec.experiments.custom`); ``free_space`` is the literal free-space reading of eq. (9)
(β = 1, σ_B² = σ_E² = −20 dBm), where R_s collapses to ≈ log2 G − R_E.

Fig. 7 (``oam-fig7``) sweeps the SNR at Eve (``eve_ber(..., snr_reference="eve")``: her
received signal power per antenna over σ²) with a linear MMSE eavesdropper that knows the
precoders (``receiver="mmse"``). Rows carry ``ber_eve`` (all signal modes), ``ber_eve_dominant``
(the signal mode with the largest power, the figure's y) and ``ber_bob``. The optimiser leaves
all but one signal mode at the floor p_th (about 29 dB below the third), so over all modes
Eve's BER floors near 1/3 for both schemes; on the mode that carries the power it falls from
about 3e-2 to 1e-4 over 0-20 dB (see ``docs/oam-link-budget.md``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from functools import partial
from typing import Any

import numpy as np

from fastsec import oam
from fastsec.experiments.custom import coerce
from fastsec.experiments.seeding import method_rng
from fastsec.experiments.study import PlotSpec, Study, Sweep

_RATE_LABEL = "Secrecy rate $R_s$ [bit/s/Hz]"
_PTOTAL_LABEL = "Total power consumption $P_{total}$ [dBm]"
#: Drops per sweep point; the paper does not give its number of runs.
_DROPS = 20
#: Random starts per drop (the best is reported), as a practitioner runs a nonconvex method.
STARTS = 5
_QUICK_DROPS = 2
#: P_total sweep [dBm] of Figs. 4 and 5 (the paper's axis range is not given in the text).
_PTOTAL_DBM = (10.0, 20.0, 30.0, 40.0)
#: SNR-at-Eve sweep [dB] of Fig. 7.
_SNR_DB = (0.0, 5.0, 10.0, 15.0, 20.0)
#: QPSK symbols per signal mode and SNR point of Fig. 7.
_BER_SYMBOLS = 20000
#: Eve's receiver and SNR reference of Fig. 7 (module docstring).
FIG7_RECEIVER = "mmse"
FIG7_SNR_REFERENCE = "eve"
#: P_total values [dBm] of Fig. 2 (one series per value and method).
_FIG2_PTOTAL_DBM = (20.0, 30.0, 40.0)
#: AO iterations of Fig. 2 (its x-axis).
FIG2_ITERS = 10
#: Starts per drop of Fig. 2: one, since the figure traces one AO run per algorithm.
FIG2_STARTS = 1


def draw(x: float, rng: np.random.Generator, fields: tuple[str, ...],
         settings: Mapping[str, Any]) -> tuple[oam.Scenario, int]:
    """Return ``(Scenario(**settings, each of fields = x), key)``; ``key`` seeds the methods."""
    scenario = oam.Scenario(**settings, **{name: coerce(oam.Scenario, name, x) for name in fields})
    return scenario, int(rng.integers(2**63))


def _parse(method: str) -> tuple[str, str, dict[str, Any]]:
    """``"scheme[:theta_method][@rho]"`` -> (scheme, theta method, scenario overrides)."""
    name, _, rho = method.partition("@")
    scheme, _, theta = name.partition(":")
    return scheme, theta or "rmcg", ({"rho": float(rho)} if rho else {})


def _optimize(instance: tuple[oam.Scenario, int], method: str, **options: Any
              ) -> tuple[Any, Any]:
    scenario, key = instance
    scheme, theta, overrides = _parse(method)
    if overrides:
        scenario = dataclasses.replace(scenario, **overrides)
    rng = method_rng(key, method)
    return oam.optimize(scenario, scheme, theta, rng=rng, **options), rng


def _row(res: Any) -> dict[str, Any]:
    return {"secrecy_rate": float(res.rates.R_s), "objective": float(res.rates.R_s),
            "secrecy_rate_mean_start": float(np.mean(res.starts_rs)),
            "iterations": res.iterations, "converged": res.converged, "solver": res.solver,
            "R_B": float(res.rates.R_B), "R_E": float(res.rates.R_E),
            "history": [float(h) for h in res.history], "stop_reason": res.stop_reason,
            "kkt_residual": float(res.kkt_residual)}


def solve(instance: tuple[oam.Scenario, int], method: str, starts: int = STARTS
          ) -> dict[str, Any]:
    """Run :func:`fastsec.oam.optimize` for ``method``, best of ``starts``; the row."""
    res, _ = _optimize(instance, method, starts=starts)
    return _row(res)


def solve_iterations(instance: tuple[oam.Scenario, int], method: str, max_iters: int,
                     starts: int = FIG2_STARTS) -> dict[str, Any]:
    """Fig. 2: :func:`solve` with ``max_iters`` AO iterations, stopping early only without gain.

    The row adds ``rate_per_iteration``: R_s [bit/s/Hz] after AO iteration 1, 2, ...
    (``history`` of the best start without its starting value), the figure's y-axis.
    """
    res, _ = _optimize(instance, method, iters=max_iters, tol=0.0, starts=starts)
    return _row(res) | {"rate_per_iteration": [float(h) for h in res.history[1:]]}


def solve_ber(instance: tuple[oam.Scenario, int], method: str, snr_db: float) -> dict[str, Any]:
    """Optimise at the scene's own noise, then Eve's QPSK BER at SNR-at-Eve ``snr_db``.

    Columns ``ber_eve`` (all signal modes), ``ber_eve_dominant`` (the mode with the largest
    power) and ``ber_bob``, with :data:`FIG7_RECEIVER` and :data:`FIG7_SNR_REFERENCE`.
    """
    res, rng = _optimize(instance, method, starts=STARTS)
    s = res.scenario
    ber = oam.eve_ber(s, oam.channels(s), res.p, res.a, res.theta1, res.theta2, [snr_db],
                      rng=rng, symbols=_BER_SYMBOLS, receiver=FIG7_RECEIVER,
                      snr_reference=FIG7_SNR_REFERENCE)
    return _row(res) | {"ber_eve": float(ber.eve_ber[0]),
                        "ber_eve_dominant": float(ber.eve_ber_modes[0, np.argmax(res.p)]),
                        "ber_bob": float(ber.bob_ber[0])}


def draw_snr(x: float, rng: np.random.Generator, settings: Mapping[str, Any]
             ) -> tuple[tuple[oam.Scenario, int], float]:
    """Fig. 7: the scene (``settings``) and a key; the sweep value is the transmit SNR [dB]."""
    return (oam.Scenario(**settings), int(rng.integers(2**63))), float(x)


def solve_snr(instance: tuple[tuple[oam.Scenario, int], float], method: str) -> dict[str, Any]:
    """Fig. 7: :func:`solve_ber` at the drawn SNR."""
    scene, snr_db = instance
    return solve_ber(scene, method, snr_db)


def _study(name: str, reproduces: str, sweep: Sweep, fields: tuple[str, ...],
           legend: Mapping[str, str], settings: Mapping[str, Any], x_label: str,
           **plot: Any) -> Study:
    return Study(name=name, reproduces=reproduces, sweep=sweep, methods=tuple(legend),
                 drops=_DROPS, quick_drops=_QUICK_DROPS,
                 draw=partial(draw, fields=fields, settings=dict(settings)), solve=solve,
                 plot=PlotSpec(x_label=x_label, y_label=_RATE_LABEL, legend=dict(legend),
                               **plot),
                 params={"fields": list(fields), "settings": dict(settings), "starts": STARTS},
                 scenario=oam.Scenario, presets=oam.PRESETS)


_FIG2_LEGEND = {"proposed": "RMCG-AO", "proposed:sdr": "SDR-AO"}
_FIG7_LEGEND = {"proposed": "Proposed scheme", "pa_ris_mimo": "PA RIS-MIMO"}

STUDIES = (
    Study(name="oam-fig2",
          reproduces=(f"Paper 002 Fig. 2: secrecy rate vs AO iteration, RMCG-AO vs SDR-AO, "
                      f"P_total = 20/30/40 dBm (quick: 30 dBm only), {FIG2_ITERS} iterations"),
          sweep=Sweep("P_total", _FIG2_PTOTAL_DBM, "dBm", quick=(30.0,)),
          methods=tuple(_FIG2_LEGEND), drops=_DROPS, quick_drops=_QUICK_DROPS,
          draw=partial(draw, fields=("p_total_dbm",), settings={"Q1": 40, "Q2": 40}),
          solve=partial(solve_iterations, max_iters=FIG2_ITERS, starts=FIG2_STARTS),
          plot=PlotSpec(x_label="Number of iterations", y_label=_RATE_LABEL, y="rate_per_iteration",
                        kind="history", legend=_FIG2_LEGEND,
                        title=(r"$Q_1 = Q_2 = 40$, $\vartheta_{A,y} = \pi/10$, "
                               r"$\vartheta_{B,y} = -\pi/10$, $\rho = 0.9$")),
          params={"fields": ["p_total_dbm"], "settings": {"Q1": 40, "Q2": 40},
                  "max_iters": FIG2_ITERS, "starts": FIG2_STARTS},
          scenario=oam.Scenario, presets=oam.PRESETS),
    _study("oam-fig3", "Paper 002 Fig. 3: secrecy rate vs RIS elements Q1 = Q2 (all schemes)",
           Sweep("Q", (10.0, 20.0, 30.0, 40.0, 50.0, 60.0), "", quick=(20.0, 40.0)),
           ("Q1", "Q2"),
           {"proposed": "Proposed scheme", "pa_ris_mimo": "PA RIS-MIMO",
            "no_an": "PA RIS-OAM without AN", "random_phase": "PA RIS-OAM with random phases"},
           {"p_total_dbm": 30.0}, "RIS reflecting elements $Q_1 = Q_2$",
           title=r"$P_{total} = 30$ dBm, $\rho = 0.9$"),
    _study("oam-fig4", "Paper 002 Fig. 4: secrecy rate vs P_total for ρ = 0.5, 0.7, 0.9 and no AN",
           Sweep("P_total", _PTOTAL_DBM, "dBm", quick=(20.0, 40.0)), ("p_total_dbm",),
           {"proposed@0.5": r"Proposed, $\rho = 0.5$", "proposed@0.7": r"Proposed, $\rho = 0.7$",
            "proposed@0.9": r"Proposed, $\rho = 0.9$", "no_an": "PA RIS-OAM without AN"},
           {"Q1": 40, "Q2": 40}, _PTOTAL_LABEL, title="$Q_1 = Q_2 = 40$"),
    _study("oam-fig5", "Paper 002 Fig. 5: proposed vs DP, SA, SP RIS-OAM (80 elements in all)",
           Sweep("P_total", _PTOTAL_DBM, "dBm", quick=(20.0, 40.0)), ("p_total_dbm",),
           {"proposed": "Proposed scheme", "dp": "DP RIS-OAM", "sa": "SA RIS-OAM",
            "sp": "SP RIS-OAM"},
           {"Q1": 40, "Q2": 40}, _PTOTAL_LABEL, title=r"80 RIS elements, $\rho = 0.9$"),
    _study("oam-fig6", "Paper 002 Fig. 6: secrecy rate vs Alice's tilt ϑ_A,y, OAM vs ZC",
           Sweep("theta_Ay", tuple(round(k * math.pi / 20, 12) for k in range(11)), "rad",
                 quick=(0.0, round(math.pi / 5, 12))),
           ("tilt_a_y_rad",), {"proposed": "Proposed scheme", "zc": "PA RIS-OAM with ZC"},
           {"p_total_dbm": 30.0, "tilt_b_y_rad": 0.0}, r"Tilt $\vartheta_{A,y}$ [rad]",
           title=r"$P_{total} = 30$ dBm, $\vartheta_{B,y} = 0$"),
    Study(name="oam-fig7",
          reproduces=("Paper 002 Fig. 7: Eve's QPSK BER (LMMSE receiver, power-carrying mode) "
                      "vs the SNR at Eve"),
          sweep=Sweep("SNR", _SNR_DB, "dB", quick=(0.0, 20.0)), methods=tuple(_FIG7_LEGEND),
          drops=_DROPS, quick_drops=_QUICK_DROPS,
          draw=partial(draw_snr, settings={"p_total_dbm": 30.0}), solve=solve_snr,
          plot=PlotSpec(x_label="SNR at Eve [dB]", y_label="BER of Eve", y="ber_eve_dominant",
                        y_scale="log", legend=_FIG7_LEGEND,
                        title=r"$P_{total} = 30$ dBm, LMMSE Eve, power-carrying mode",
                        y_range=(0.0, 1.0)),
          params={"settings": {"p_total_dbm": 30.0}, "symbols": _BER_SYMBOLS,
                  "starts": STARTS, "receiver": FIG7_RECEIVER,
                  "snr_reference": FIG7_SNR_REFERENCE},
          scenario=oam.Scenario, presets=oam.PRESETS),
)
