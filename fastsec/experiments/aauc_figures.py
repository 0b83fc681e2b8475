"""The AAUC paper's figures as studies (paper 000, Sec. VII; settings in PAPERS.md).

Every study draws one :class:`~fastsec.aauc.Drop` per (sweep point, drop) with
:func:`fastsec.aauc.draw` from a :class:`~fastsec.aauc.Scenario` with the Section VII
defaults (σ² = σ_E² = −80 dBm, P_max = 30 dBm, α = 2.5, ϱ0 = −40 dB, λ = 0.64,
D_k ~ U(100, 500) m), the paper's I = 20 SCA iterations (``sco_iters``) and the figure's own
settings, and runs each method with :func:`fastsec.aauc.solve`. The reported
``secrecy_rate`` is the realised one with the drop's eavesdropper channels, counting what the
eavesdropper overhears in both phases (the BS's multicast through g_E and the helpers' relay
through h_E; ``docs/secrecy.md``), clipped at zero as in eq. (6); ``secrecy_rate_signed``
keeps the sign, ``secrecy_rate_eq6`` is eq. (6) (phase-2 leakage only), ``rate`` the users'
common rate R and ``objective`` the model objective (P2, eq. (18)). 50 drops per point, as in
the paper.

The drops of a sweep point go through :func:`fastsec.aauc.solve_batch` (:func:`solve_many`:
one compiled call for the closed forms, one vectorised call for BFOM, same numbers as
:func:`fastsec.aauc.solve` drop by drop). Timing figures (4a, 4b) plot the wall ``seconds``
per row: the batch call's wall time divided by its drops (for SCO, drop by drop, its own
solve). Every method is run once on a small batch in each worker before any timed call
(:func:`warm`), so the seconds exclude compilation and first-call set-up, whatever the
state of Numba's on-disk cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache, partial
from typing import Any

import numpy as np

from fastsec import aauc
from fastsec.aauc.secrecy import lambda_least_squares, secrecy_given_leak
from fastsec.experiments.custom import coerce
from fastsec.experiments.seeding import method_rng
from fastsec.experiments.study import PlotSpec, Study, Sweep

#: The paper's legend entries.
LEGEND = {
    "sco": "SCO based AAUC",
    "closed_form": "Closed-form AAUC",
    "bfom": "BFOM based AAUC",
    "irs": "IRS based scheme",
    "direct": "Direct transmission",
    "hybrid": "Hybrid transmission",
    "eq10": "Numerical integration, eq. (10)",
    "model": "Angular secrecy model, eq. (13), λ = 0.64",
}
_RATE_LABEL = "Average secrecy rate [bit/s/Hz]"
_TIME_LABEL = "Average execution time [s]"
_PAPER_DROPS = 50
#: Drops per point of the quick forms (the README's first command runs aauc-fig3a --quick).
_QUICK_DROPS = 4
#: Fig. 2a geometry (paper 000; K = 3, α = 2.5, K_R = 30 dB): user distances [m] and azimuths
#: [deg], user K last. Only J_1 = 1e-5 ϱ0 and J_2 = 2e-6 ϱ0 are given; these positions give
#: them (eq. (12)) and reproduce the paper's fit (λ ≈ 0.64).
FIG2A_D_M = (335.3, 108.6, 500.0)
FIG2A_THETA_DEG = (10.0, 90.0, 0.0)
#: Eavesdropper distance of the drawn Fig. 2a drop [m]; eq. (10) integrates over its position,
#: so it does not enter the figure.
FIG2A_D_E_M = 250.0
#: Fig. 2b training set (Sec. IV-A): 100 samples per σ_E², R ~ U(0, 3) bit/s/Hz,
#: w ~ CN(0, 0.01/(K-1) I) W, and the Monte-Carlo samples of eq. (10) per training sample.
_FIT_DROPS, _FIT_RATE_MAX, _FIT_W_POWER_W, _FIT_MC_SAMPLES = 100, 3.0, 0.01, 2000
#: The paper's fitted λ (Sec. IV-A, Fig. 2b).
_PAPER_LAMBDA = 0.64


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
    return _row(aauc.solve(drop, method, J=J))


def solve_many(instances: list[tuple[aauc.Drop, np.ndarray]], method: str
               ) -> list[dict[str, Any]]:
    """:func:`solve` for the drops of one sweep point in one :func:`fastsec.aauc.solve_batch`."""
    batch = aauc.DropBatch.from_drops([drop for drop, _ in instances])
    res = aauc.solve_batch(batch, method, J=np.stack([J for _, J in instances]))
    return [_row(res[i]) for i in range(len(res))]


#: Drops of the warm-up batch: enough for the multi-threaded closed-form kernel.
_WARM_DROPS = 8


def warm(method: str) -> None:
    """Run ``method`` on a small batch (N = 4, K = 3, one iteration) and on one of its drops.

    Compiles (or loads from Numba's cache) every kernel the single and the batched path of
    the method use, so that no timed call of a study includes compilation.
    """
    batch = aauc.draw_batch(aauc.Scenario(N=4, K=3, sco_iters=1), np.random.default_rng(0),
                            _WARM_DROPS)
    aauc.solve_batch(batch, method)
    aauc.solve(batch[0], method)


def _row(res: aauc.AAUCResult) -> dict[str, Any]:
    row = {"secrecy_rate": res.secrecy_rate, "secrecy_rate_signed": res.secrecy_rate_signed,
           "secrecy_rate_eq6": res.secrecy_rate_eq6, "rate": res.rate,
           "objective": res.objective,
           "iterations": res.iterations, "converged": res.converged, "solver": res.solver,
           "stop_reason": res.stop_reason, "kkt_residual": res.kkt_residual,
           "solver_seconds": res.seconds}
    if "chosen" in res.extras:
        row["chosen"] = res.extras["chosen"]
    return row


def draw_fit_sample(x: float, rng: np.random.Generator, settings: Mapping[str, Any]) -> tuple:
    """One training sample of eq. (14) on the Fig. 2a geometry at σ_E² = ``x`` [dBm].

    Returns ``(drop, R, w, key)``: the drop (positions of :data:`FIG2A_D_M`,
    :data:`FIG2A_THETA_DEG`), R ~ U(0, 3) [bit/s/Hz], w ~ CN(0, 0.01/(K-1) I) [√W] and an
    integer key for the Monte-Carlo draws of eq. (10).
    """
    s = _scenario((("sigma_e2_dbm", float(x)),), tuple(sorted(settings.items())))
    drop = aauc.draw_at(s, rng, np.array(FIG2A_D_M), np.radians(FIG2A_THETA_DEG), FIG2A_D_E_M)
    R = rng.uniform(0.0, _FIT_RATE_MAX)
    w = rng.standard_normal((s.K - 1, 2)).view(np.complex128)[:, 0]
    w *= np.sqrt(_FIT_W_POWER_W / (s.K - 1) / 2)
    return drop, R, w, int(rng.integers(2 ** 62))


def solve_fit_sample(instance: tuple, method: str) -> dict[str, Any]:
    """``eq10``: S of eq. (10) (Monte Carlo, with ``stderr``); ``model``: Ŝ of eq. (13)."""
    drop, R, w, key = instance
    s = drop.scenario
    J = aauc.angular_matrix(drop)
    if method == "eq10":
        avg = aauc.average_secrecy_rate(drop, R, w, rng=method_rng(key, method),
                                        samples=_FIT_MC_SAMPLES)
        value, stderr = float(avg.value[0]), float(avg.stderr[0])
    else:
        value, stderr = float(aauc.model_secrecy_rate(R, w, J, s.sigma_e2_w, s.lam)), 0.0
    return {"secrecy_rate": value, "objective": value, "iterations": 0, "converged": True,
            "solver": "numba" if method == "eq10" else "numpy", "stderr": stderr, "rate": R,
            "leak_w": float(np.sum(J * np.abs(w) ** 2)), "sigma_e2_w": s.sigma_e2_w}


def lambda_fit_notes(table: Any) -> list[str]:
    """Report lines: λ fitted by eq. (14) on every ``eq10`` row, its MSE, and the paper's."""
    ok = table[(table["method"] == "eq10") & table["error"].isna()]
    if ok.empty:
        return []
    S, R, leak, sigma = (ok[c].to_numpy(dtype=float)
                         for c in ("secrecy_rate", "rate", "leak_w", "sigma_e2_w"))
    lam, mse = lambda_least_squares(S, R, leak, sigma)
    at_paper = float(np.mean((S - secrecy_given_leak(R, _PAPER_LAMBDA * leak, sigma)) ** 2))
    return [f"Fitted λ (eq. (14), least squares over {len(ok)} training samples): "
            f"**λ = {lam:.3f}, MSE = {mse:.4f}** (bit/s/Hz)²; at λ = 0.64 the MSE is "
            f"{at_paper:.4f}. Paper (its Fig. 2a setting): λ = {_PAPER_LAMBDA}, MSE = 0.0056."]


def solve_positions(instance: tuple[aauc.Drop, np.ndarray], method: str) -> dict[str, Any]:
    """:func:`solve` plus the drop's positions [m] and the helpers' shares of ‖w‖²."""
    drop, J = instance
    res = aauc.solve(drop, method, J=J)
    row = _row(res)
    w2 = np.abs(res.w) ** 2
    row.update(users_x_m=list(drop.D * np.cos(drop.theta)),
               users_y_m=list(drop.D * np.sin(drop.theta)),
               eve_x_m=float(drop.D_E * np.cos(drop.theta_E)),
               eve_y_m=float(drop.D_E * np.sin(drop.theta_E)),
               helper_share=list(w2 / max(w2.sum(), 1e-300)))
    return row


#: Paper 000, Sec. VII: "the number of iterations for SCO is set to I = 20". Every study here
#: sets the scenario's ``sco_iters`` to it (:func:`_paper`), used by every SCA method; the
#: library's default runs each method to its tolerance instead.
PAPER_ITERATIONS = 20


def _paper(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``settings`` with the paper's I = 20 (:data:`PAPER_ITERATIONS`) as ``sco_iters``."""
    return {**settings, "sco_iters": PAPER_ITERATIONS}


def _study(name: str, reproduces: str, sweep: Sweep, field: str, methods: tuple[str, ...],
           settings: Mapping[str, Any], x_label: str, *, timing: bool = False,
           x_scale: str = "linear", title: str = "") -> Study:
    plot = PlotSpec(x_label=x_label, y_label=_TIME_LABEL if timing else _RATE_LABEL,
                    legend={m: LEGEND[m] for m in methods},
                    y="seconds" if timing else "secrecy_rate", x_scale=x_scale,
                    y_scale="log" if timing else "linear", title=title, y_range=(0.0, None))
    settings = _paper(settings)
    return Study(name=name, reproduces=reproduces, sweep=sweep, methods=methods,
                 drops=_PAPER_DROPS, quick_drops=_QUICK_DROPS,
                 draw=partial(draw, fields=(field,), settings=dict(settings)), solve=solve,
                 plot=plot, params={"fields": [field], "settings": dict(settings)},
                 scenario=aauc.Scenario, paper_iterations=PAPER_ITERATIONS,
                 solve_batch=solve_many, warm=warm)


def _fig2b() -> Study:
    settings = {"N": 4, "K": 3, "alpha": 2.5, "kr_db": 30.0}
    values = tuple(float(x) for x in range(-100, -58, 2))  # 21 values, Sec. IV-A
    plot = PlotSpec(x_label="Eavesdropper noise power σ_E² (dBm)", y_label=_RATE_LABEL,
                    legend={m: LEGEND[m] for m in ("eq10", "model")},
                    title="Fig. 2a setting: K = 3, α = 2.5, K_R = 30 dB")
    return Study(name="aauc-fig2b",
                 reproduces="Paper 000 Fig. 2b: angular secrecy model (13) vs eq. (10), λ fit (14)",
                 sweep=Sweep("σ_E²", values, "dBm", quick=values[::4]), methods=("eq10", "model"),
                 drops=_FIT_DROPS, quick_drops=_QUICK_DROPS * 2,
                 draw=partial(draw_fit_sample, settings=settings), solve=solve_fit_sample,
                 plot=plot, params={"field": "sigma_e2_dbm", "settings": settings},
                 notes=lambda_fit_notes)


def _positions_study(name: str, figure: str, K: int) -> Study:
    settings = _paper(_FIG5_SETTINGS)
    plot = PlotSpec(x_label="x (m)", y_label="y (m)", legend={"sco": LEGEND["sco"]},
                    kind="positions", title=f"One realisation, K = {K}, N = 100, D_K = 1000 m")
    return Study(name=name,
                 reproduces=f"Paper 000 Fig. {figure}: one realisation of the Sec. VII-D "
                            f"positions, K = {K}",
                 sweep=Sweep("K", (float(K),)), methods=("sco",), drops=1, quick_drops=1,
                 draw=partial(draw, fields=("K",), settings=settings), solve=solve_positions,
                 plot=plot, params={"fields": ["K"], "settings": settings},
                 scenario=aauc.Scenario, paper_iterations=PAPER_ITERATIONS)


#: Sec. VII-D: Rayleigh fading, eavesdropper off the users' angles, D_K = 1000 m.
_FIG5_SETTINGS = {"N": 100, "rayleigh": True, "placement": "off_angle", "d_far_m": 1000.0}

STUDIES = (
    _fig2b(),
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
           ("sco", "closed_form", "bfom", "direct", "hybrid"), _FIG5_SETTINGS,
           "Number of users $K$", title="$N = 100$, Rayleigh, $D_K = 1000$ m"),
    _positions_study("aauc-fig5b", "5b", 100),
    _positions_study("aauc-fig5c", "5c", 20),
)
