"""Every ordering paper 002's Sec. V states about Figs. 2-7, tested on the default studies.

Each test runs the registered study's own ``draw`` and ``solve`` (default link budget,
:data:`~fastsec.experiments.oam_figures.STARTS` random starts per drop, best reported) on the
study's seeds (``drop_rng(0, study, point, drop)``), so it checks exactly what
``fastsec run STUDY`` reports. The claims are listed, with the measured numbers, in
``docs/oam-link-budget.md``.

Decision rule: "A > B" holds when the difference of the drop means exceeds ``Z = 3`` standard
errors (independent drops: each method has its own starts, SE² = s_A²/n + s_B²/n). "Rises"
over a sweep means the last point beats the first by ``Z`` SEs and no step falls by more than
``Z`` SEs. :data:`DROPS` = 8 drops per point: per-drop standard deviations of the best of 5
starts are 0.05-0.5 bit/s/Hz (SE 0.02-0.2 with 8 drops), far below the gaps tested (> 0.6)
except where a docstring says otherwise.

Slow tests sweep the whole figure; under ``FASTSEC_REDUCED=1`` they use the study's quick
sweep points (a subset of the same points, same settings and drop count), which decides the
same claim at fewer x values.
"""

import functools
import math

import numpy as np
import pytest

from fastsec.experiments import registry, seeding

#: Drops per sweep point (not tuned: fixed before the claims were measured).
DROPS = 8
#: Standard errors a difference must exceed to count as decided.
Z = 3.0


@functools.cache
def _rows(name: str, x: float, method: str) -> tuple[dict, ...]:
    """Rows of ``DROPS`` drops of study ``name`` at sweep value ``x`` for ``method``."""
    study = registry.get(name)
    point = study.sweep.values.index(x)
    return tuple(study.solve(study.draw(x, seeding.drop_rng(0, name, point, d)), method)
                 for d in range(DROPS))


def _column(name: str, x: float, method: str, column: str = "secrecy_rate") -> np.ndarray:
    """``column`` of :func:`_rows`, shape (DROPS,)."""
    return np.array([row[column] for row in _rows(name, x, method)])


def _diff(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Mean difference a - b and its standard error (independent samples)."""
    return float(a.mean() - b.mean()), float(math.sqrt(a.var(ddof=1) / a.size
                                                       + b.var(ddof=1) / b.size))


def _greater(a: np.ndarray, b: np.ndarray) -> bool:
    diff, se = _diff(a, b)
    return diff > Z * se


def _rises(series: list[np.ndarray]) -> bool:
    pairs = zip(series[:-1], series[1:], strict=True)
    steps_ok = all(_diff(b, a)[0] > -Z * _diff(b, a)[1] for a, b in pairs)
    return steps_ok and _greater(series[-1], series[0])


def _points(name: str, reduced: bool) -> tuple[float, ...]:
    return registry.get(name).sweep.points(reduced)


# ------------------------------------------------------------------------------ Fig. 2
# "the secrecy rates of these two algorithms are rapidly convergent to the maximum values as
# the iteration increases. The iteration number required by the RMCG-AO algorithm is close to
# the same as the SDR-AO algorithm, while the computational complexity of the former algorithm
# is lower." Per AO run (the study's drops are single runs, P_total = 30 dBm): R_s never
# drops and reaches 99 % of its final gain within half of the 10 iterations ("rapidly"), and
# the two algorithms' counts differ by at most 2 ("close to the same"). The complexity claim
# is a timing, reported in docs/oam-link-budget.md, not tested (speed is measured in
# benchmarks). Drops 0 and 1 of the study (reduced: drop 0; a per-run claim, decided on each
# run).
def _iterations_to_99(row: dict) -> int:
    rates = np.asarray(row["rate_per_iteration"])
    start = row["history"][0]
    assert np.all(np.diff([start, *rates]) >= -1e-9 * abs(rates[-1]))  # AO never lowers R_s
    gain = rates - start
    return int(np.argmax(gain >= 0.99 * gain[-1])) + 1


def _fig2_needed(method: str, drop: int) -> int:
    study = registry.get("oam-fig2")
    point = study.sweep.values.index(30.0)
    instance = study.draw(30.0, seeding.drop_rng(0, "oam-fig2", point, drop))
    return _iterations_to_99(study.solve(instance, method))


@pytest.mark.slow
def test_fig2_rmcg_ao_converges_rapidly(reduced):
    for drop in range(1 if reduced else 2):
        assert _fig2_needed("proposed", drop) <= 5, drop


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=(
    "SDR-AO is slower than RMCG-AO: it reaches 99 % of its gain after 8 and 10 AO iterations "
    "in drops 0 and 1 (R_s 2.11 -> 13.28, 2.25 -> 13.67) against 5 and 2 for RMCG-AO "
    "(1.85 -> 13.30, 2.76 -> 12.02); drops 2 and 3: 7 and 7 against 5 and 3. Each SDR "
    "theta-step is one randomised rank-one extraction instead of a Riemannian CG solve to its "
    "gradient tolerance"))
def test_fig2_sdr_ao_converges_as_rapidly_as_rmcg_ao(reduced):
    for drop in range(1 if reduced else 2):
        needed = {m: _fig2_needed(m, drop) for m in ("proposed", "proposed:sdr")}
        assert needed["proposed:sdr"] <= 5 and abs(needed["proposed"] - needed["proposed:sdr"]) <= 2


# ------------------------------------------------------------------------------ Fig. 3
# "our proposed ... scheme has higher secrecy rates than the conventional LoS MIMO secure
# communications with RISs"; "PA RIS-OAM without AN performs worse than our proposed scheme";
# random phases "cannot fully utilize the phase advantage of RIS". Q = 40 (measured means with
# 8 drops: proposed 13.3 ± 0.1, no AN 11.4 ± 0.1, PA RIS-MIMO 8.6 ± 0.05, random 6.3 ± 0.3).
@pytest.mark.parametrize("baseline", ["pa_ris_mimo", "no_an", "random_phase"])
def test_fig3_proposed_beats_baselines_at_q40(baseline):
    assert _greater(_column("oam-fig3", 40.0, "proposed"), _column("oam-fig3", 40.0, baseline))


@pytest.mark.slow
@pytest.mark.parametrize("baseline", ["pa_ris_mimo", "no_an", "random_phase"])
def test_fig3_proposed_beats_baselines_at_every_q(baseline, reduced):
    for q in _points("oam-fig3", reduced):
        assert _greater(_column("oam-fig3", q, "proposed"), _column("oam-fig3", q, baseline)), q


# "the increase of RIS reflecting elements brings to the increase of secrecy rates of all
# schemes"; "the PA RIS-OAM with random phases scheme ... increases slowly".
@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["proposed", "pa_ris_mimo", "no_an", "random_phase"])
def test_fig3_secrecy_rate_rises_with_q(scheme, reduced):
    assert _rises([_column("oam-fig3", q, scheme) for q in _points("oam-fig3", reduced)])


@pytest.mark.slow
def test_fig3_random_phases_rise_more_slowly_than_proposed():
    # over the whole sweep (Q = 10 -> 60) also when reduced: from Q = 20 to 40 alone the two
    # rises (2.8 vs 2.4 +- 0.4) are not decided
    first, last = _points("oam-fig3", False)[0], _points("oam-fig3", False)[-1]
    rise = {m: _column("oam-fig3", last, m) - _column("oam-fig3", first, m).mean()
            for m in ("proposed", "random_phase")}
    assert _greater(rise["proposed"], rise["random_phase"])


# ------------------------------------------------------------------------------ Fig. 4
# "the secrecy rates of our proposed scheme increase as ρ increases" (the module's "rises"
# rule over ρ = 0.5, 0.7, 0.9); "Figs. 3 and 4 demonstrate the effectiveness of employing AN"
# (proposed, ρ = 0.9 as in Fig. 3, > no AN). From ρ = 0.5 to 0.9 R_s gains 0.7-1.6 bit/s/Hz
# with SEs of 0.1-0.3; single steps of 0.2 are not all decided with 8 drops (30 dBm 0.7 -> 0.9:
# 2.5 SE; 40 dBm 0.5 -> 0.7: 2.2 SE), listed in docs/oam-link-budget.md.
def _skip_unless_in_sweep(name: str, x: float, reduced: bool) -> None:
    if x not in _points(name, reduced):
        pytest.skip(f"{x} is not in the reduced sweep of {name}")


def test_fig4_secrecy_rate_rises_with_rho_at_30dbm():
    assert _rises([_column("oam-fig4", 30.0, f"proposed@{rho}") for rho in (0.5, 0.7, 0.9)])


@pytest.mark.slow
def test_fig4_secrecy_rate_rises_with_rho_at_every_power(reduced):
    for p in _points("oam-fig4", reduced):
        assert _rises([_column("oam-fig4", p, f"proposed@{rho}") for rho in (0.5, 0.7, 0.9)]), p


@pytest.mark.slow
def test_fig4_an_helps_at_every_power(reduced):
    for p in _points("oam-fig4", reduced):
        assert _greater(_column("oam-fig4", p, "proposed@0.9"), _column("oam-fig4", p, "no_an"))


# ------------------------------------------------------------------------------ Fig. 5
# "our proposed scheme (or the SA RIS-OAM scheme) is superior to the DP RIS-OAM scheme (or the
# SP RIS-OAM scheme)" (active > passive); "the secrecy rate of our proposed scheme (or the DP
# RIS-OAM scheme) is higher than that of the SA RIS-OAM scheme (or the SP RIS-OAM scheme)"
# (double > single, 80 elements in all). DP and SP reach the same point from every start
# (SE ~ 1e-12).
FIG5_PAIRS = [("proposed", "dp"), ("sa", "sp"), ("proposed", "sa"), ("dp", "sp")]


@pytest.mark.parametrize(("better", "worse"), FIG5_PAIRS)
def test_fig5_active_beats_passive_and_double_beats_single_at_30dbm(better, worse):
    assert _greater(_column("oam-fig5", 30.0, better), _column("oam-fig5", 30.0, worse))


FIG5_SA_40DBM = pytest.mark.xfail(strict=True, reason=(
    "SA > SP is not decided at 40 dBm: 11.20 +- 0.29 vs 10.76 (1.5 SE). SA has no surface "
    "that Eve hears (no RIS1; the RIS2 -> Eve link is blocked), so it cannot steer power away "
    "from her direct link: R_E = 3.23 bit/s/Hz at 40 dBm (SP: 0.01) and SA's R_s stalls from "
    "30 dBm (11.24) to 40 dBm (11.20)"))


@pytest.mark.slow
@pytest.mark.parametrize("p", [10.0, 20.0, 30.0, 40.0])
@pytest.mark.parametrize(("better", "worse"), FIG5_PAIRS)
def test_fig5_orderings_at_every_power(better, worse, p, reduced, request):
    _skip_unless_in_sweep("oam-fig5", p, reduced)
    if (better, worse, p) == ("sa", "sp", 40.0):
        request.applymarker(FIG5_SA_40DBM)
    assert _greater(_column("oam-fig5", p, better), _column("oam-fig5", p, worse))


# ------------------------------------------------------------------------------ Fig. 6
# "the PA RIS-OAM with ZC scheme outperforms our proposed scheme in terms of the secrecy rate at
# around π/6 <= ϑ_A,y <= 3π/10" and ZC helps "when the conventional OAM shows poor security
# performance": ZC wins inside the band, OAM outside it. Sweep points k π/20 inside the band:
# k = 4, 5, 6; "around" leaves the neighbours k = 3 and 7 to either; outside: k = 0, 1, 2, 8,
# 9, 10.
FIG6_INSIDE = (4, 5, 6)
FIG6_OUTSIDE = (0, 1, 2, 8, 9, 10)
FIG6_TILT0 = pytest.mark.xfail(strict=True, reason=(
    "At theta_A,y = 0 OAM and ZC tie: 12.08 +- 0.02 vs 12.15 +- 0.04 (ZC ahead by 1.7 SE); "
    "both keep Eve below 0.04 bit/s/Hz (R_E 0.006 vs 0.031) and Bob's rates are 12.09 vs 12.18, "
    "so OAM's advantage outside the band shows only from pi/20 on (12.72 vs 11.71)"))


def _tilt(k: int) -> float:
    return round(k * math.pi / 20, 12)


@pytest.mark.parametrize("k", [4, 9])
def test_fig6_zc_wins_inside_the_band_and_oam_outside(k):
    proposed, zc = _column("oam-fig6", _tilt(k), "proposed"), _column("oam-fig6", _tilt(k), "zc")
    assert _greater(zc, proposed) if k in FIG6_INSIDE else _greater(proposed, zc)


@pytest.mark.slow
@pytest.mark.parametrize("k", [*FIG6_INSIDE, pytest.param(0, marks=FIG6_TILT0),
                               *FIG6_OUTSIDE[1:]])
def test_fig6_zc_wins_exactly_inside_the_band(k, reduced):
    if reduced and k not in (4, 9, 0):
        pytest.skip("reduced: one tilt inside the band, one outside and the tie at 0")
    proposed, zc = _column("oam-fig6", _tilt(k), "proposed"), _column("oam-fig6", _tilt(k), "zc")
    assert _greater(zc, proposed) if k in FIG6_INSIDE else _greater(proposed, zc)


# ------------------------------------------------------------------------------ Fig. 7
# "the BER of Eve for our proposed scheme is greater than that for the PA RIS-MIMO scheme".
# The study: Eve's LMMSE BER vs the SNR at Eve; ``ber_eve`` over all signal modes and
# ``ber_eve_dominant`` (the figure's y) on the mode that carries the power. Per-arm SEs of
# ``ber_eve`` are 2-5e-4 (8 drops x 40000 bits per mode).
FIG7_15DB = pytest.mark.xfail(strict=True, reason=(
    "At 15 dB the all-mode order holds in the mean but is not decided with 8 drops: "
    "0.3076 +- 0.0005 vs 0.3068 +- 0.0004 (1.3 SE); both BERs floor near 1/3 because two of "
    "the three signal modes sit at p_th, and the gap left by the power-carrying mode shrinks "
    "with SNR"))


@pytest.mark.slow
@pytest.mark.parametrize("snr", [0.0, 5.0, 10.0, pytest.param(15.0, marks=FIG7_15DB), 20.0])
def test_fig7_eve_ber_higher_for_oam_than_mimo(snr, reduced):
    _skip_unless_in_sweep("oam-fig7", snr, reduced)
    assert _greater(_column("oam-fig7", snr, "proposed", "ber_eve"),
                    _column("oam-fig7", snr, "pa_ris_mimo", "ber_eve"))


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=(
    "On the power-carrying mode Eve's BER is reversed at 0 dB (OAM 0.0337 +- 0.0005 vs MIMO "
    "0.0395 +- 0.0003) and higher for OAM but undecided from 5 to 20 dB (6.8e-3 vs "
    "4.4e-3 +- 0.9e-3, 1.1e-3 vs 4.7e-4 +- 3.2e-4, 3.5e-4 vs 2.9e-4 +- 1.9e-4, 1.8e-4 vs "
    "0.9e-4 +- 0.8e-4: 2.6, 2.0, 0.3, 1.1 SE): OAM's mode is crosstalk-limited at Eve (its "
    "LMMSE SINR saturates), while MIMO's varies between drops with which antenna carries the "
    "power and how well Eve's near-rank-one channel resolves it"))
def test_fig7_power_carrying_mode_ber_higher_for_oam_than_mimo(reduced):
    for snr in _points("oam-fig7", reduced):
        assert _greater(_column("oam-fig7", snr, "proposed", "ber_eve_dominant"),
                        _column("oam-fig7", snr, "pa_ris_mimo", "ber_eve_dominant")), snr
