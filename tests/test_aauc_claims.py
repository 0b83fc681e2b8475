"""Every ordering paper 000 states about its figures (Sec. VII), on the default studies.

Each test runs drops 0..n-1 of the registered study (seed 0, the study's own seeding, the
runner's work function: the rows ``fastsec run STUDY`` stores) and compares methods drop by
drop, on the reported ``secrecy_rate`` (both phases counted, ``docs/secrecy.md``). A claim
"A beats B" holds when the mean paired difference exceeds :data:`Z` standard errors; for a
trend between sweep points (independent drops) the standard errors add in quadrature. The
drop counts are the paper's 50 per point unless 50 cannot decide the claim, and were not
chosen by outcome; the reduced forms (CI) use fewer drops where the claim stays decided, and
say when it does not. Measured numbers, for both metrics: ``docs/claims.md``.
"""

import math

import numpy as np
import pytest
from aauc_claims import mean_se, values
from aauc_claims import rows as rows_of

#: A claim is decided when the difference exceeds Z standard errors (one-sided, 2.3 %).
Z = 2.0
#: A mean secrecy rate below this counts as "zero" [bit/s/Hz] (Fig. 3a's direct transmission).
ZERO_BIT = 0.01
#: The paper's drops per sweep point (Sec. VII).
PAPER_DROPS = 50

FIG3A = ("sco", "closed_form", "bfom", "direct")
FIG3B = ("sco", "closed_form")
FIG3C = ("sco", "closed_form", "bfom")
FIG4C = ("sco", "irs")
FIG5A = ("sco", "closed_form", "bfom", "direct", "hybrid")


#: Why the K = 100 claims have no reduced form.
CANNOT_REDUCE_3C = ("cannot be decided in reduced form: the SCO − BFOM gap needs 200 drops per "
                    "K and SCO at K = 100 costs seconds per drop")
CANNOT_REDUCE_5A = ("cannot be decided in reduced form: direct transmission (SCA over N = 100, "
                    "K = 100) costs seconds per drop and 50 drops are needed")
GAP_3C_REASON = (
    "Fig. 3c: the SCO − BFOM gap does not shrink from K = 10 (200 drops per K, both-phase "
    "metric): 0.332 ± 0.053 at K = 10, 0.539 ± 0.050 at K = 20, 0.273 ± 0.036 at K = 100 "
    "(10 -> 100: 0.9 SE; relative 0.252 ± 0.038 -> 0.211 ± 0.026, 0.9 SE). SCO gains more "
    "than BFOM from the extra helpers up to K = 20; from there the eavesdropper term BFOM "
    "drops (w ∥ h_K) matters less and the gap shrinks; see docs/fig3c.md, docs/claims.md")


def _paired(study, x, a, b, drops, methods):
    """Mean and SE of the per-drop difference a − b at sweep value x."""
    return mean_se(values(study, x, a, drops, methods=methods)
                   - values(study, x, b, drops, methods=methods))


def _difference(first, second):
    """(mean, SE) of first − second for independent samples, each given as (mean, SE)."""
    return first[0] - second[0], math.hypot(first[1], second[1])


def _drops(reduced, full=PAPER_DROPS, small=25):
    return small if reduced else full


# ----------------------------------------------------------------------------- Fig. 3a
@pytest.mark.slow
def test_fig3a_sco_beats_closed_form_at_every_kr(reduced):
    # measured (50 drops): +0.21 ± 0.05, +0.20 ± 0.04, +0.23 ± 0.04, +0.22 ± 0.03 bit
    for kr in (0.0, 10.0, 20.0, 40.0):
        diff, se = _paired("aauc-fig3a", kr, "sco", "closed_form", _drops(reduced), FIG3A)
        assert diff > Z * se, (kr, diff, se)


@pytest.mark.slow
def test_fig3a_sco_beats_bfom_at_every_kr(reduced):
    # 50 drops leave K_R = 0 dB undecided (+0.080 ± 0.041, 1.9 SE); 200 decide it
    # (+0.136 ± 0.026). Elsewhere (50 drops) +0.23 ± 0.08, +0.47 ± 0.10, +0.57 ± 0.12.
    diff, se = _paired("aauc-fig3a", 0.0, "sco", "bfom", 100 if reduced else 200,
                       ("sco", "bfom"))
    assert diff > Z * se, (0.0, diff, se)
    for kr in (10.0, 20.0, 40.0):
        diff, se = _paired("aauc-fig3a", kr, "sco", "bfom", _drops(reduced), FIG3A)
        assert diff > Z * se, (kr, diff, se)


@pytest.mark.slow
def test_fig3a_sco_rate_rises_with_kr(reduced):
    # measured (50 drops): 0.42 ± 0.08, 0.73 ± 0.10, 1.13 ± 0.09, 1.56 ± 0.11 bit; with eq. (6)
    # alone it is flat (1.68, 1.43, 1.42, 1.58): the rise is the phase-1 leakage |g_E^H v|²
    # falling as g_E lines up with g_K (Sec. VII-A's explanation).
    steps = (0.0, 40.0) if reduced else (0.0, 10.0, 20.0, 40.0)
    rates = [mean_se(values("aauc-fig3a", kr, "sco", _drops(reduced), methods=FIG3A))
             for kr in steps]
    for low, high in zip(rates, rates[1:], strict=False):
        diff, se = _difference(high, low)
        assert diff > Z * se, (steps, rates)


@pytest.mark.slow
def test_fig3a_aauc_beats_direct_from_10_db(reduced):
    # smallest margin (50 drops): BFOM at 10 dB, +0.39 ± 0.12 bit
    for kr in (10.0, 20.0, 40.0):
        for method in ("sco", "closed_form", "bfom"):
            diff, se = _paired("aauc-fig3a", kr, method, "direct", _drops(reduced), FIG3A)
            assert diff > Z * se, (kr, method, diff, se)


@pytest.mark.slow
def test_fig3a_direct_positive_at_0_db_and_zero_at_high_kr(reduced):
    # measured (50 drops): 0.49 ± 0.13 bit at 0 dB; 0.0002 bit at 20 dB (one drop of 50 at
    # 0.011 bit, the rest 0) and exactly 0 at 40 dB. "Zero" is read as a mean below ZERO_BIT.
    low = mean_se(values("aauc-fig3a", 0.0, "direct", _drops(reduced), methods=FIG3A))
    assert low[0] > Z * low[1]
    for kr in (20.0, 40.0):
        rates = values("aauc-fig3a", kr, "direct", _drops(reduced), methods=FIG3A)
        assert np.nanmean(rates) < ZERO_BIT, (kr, np.nanmean(rates))


# ----------------------------------------------------------------------------- Fig. 3b
@pytest.mark.slow
def test_fig3b_closed_form_gap_shrinks_with_n(reduced):
    # measured gap SCO − closed form (50 drops): 0.50 ± 0.06, 0.30 ± 0.03, 0.33 ± 0.04,
    # 0.17 ± 0.02 bit at N = 20, 100, 200, 500; 100 -> 200 is within noise (+0.03 ± 0.05)
    steps = (20.0, 500.0) if reduced else (20.0, 100.0, 500.0)
    gaps = [_paired("aauc-fig3b", n, "sco", "closed_form", _drops(reduced), FIG3B)
            for n in steps]
    for small_n, large_n in zip(gaps, gaps[1:], strict=False):
        diff, se = _difference(small_n, large_n)
        assert diff > Z * se, (steps, gaps)
    assert all(g[0] > Z * g[1] for g in gaps)  # SCO stays above the closed form


# ----------------------------------------------------------------------------- Fig. 4c
@pytest.mark.slow
def test_fig4c_irs_loses_to_sco_at_60_m(reduced):
    # measured (50 drops): IRS − SCO = −2.29 ± 0.13 bit
    diff, se = _paired("aauc-fig4c", 60.0, "irs", "sco", _drops(reduced, small=10), FIG4C)
    assert diff < -Z * se


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=(
    "Fig. 4c: the IRS scheme does not beat SCO-AAUC at D_k = 20 m: IRS − SCO = −0.43 ± 0.13 "
    "bit over 200 drops (eq. (6): −0.34 ± 0.13). The IRS rate is capped by user K's reflected "
    "SNR (mean log2(1 + SNR_K) 2.9 bit against 11.5 bit for the helpers): with |c_k| <= "
    "|g_k^H v| and eq. (9)'s path loss between users 20 m from the BS, the reflection is weak; "
    "see docs/claims.md"))
def test_fig4c_irs_beats_sco_at_20_m(reduced):
    diff, se = _paired("aauc-fig4c", 20.0, "irs", "sco", 50 if reduced else 200, FIG4C)
    assert diff > Z * se


# ----------------------------------------------------------------------------- Fig. 2b
@pytest.mark.slow
def test_fig2b_fit_gives_the_papers_lambda(reduced):
    # Sec. IV-A: "with the choice of lambda = 0.64 the proposed model matches the numerical
    # simulation of S very well ... the mean square error at lambda = 0.64 is 0.0056".
    # Measured on the full study (2100 samples): lambda = 0.639, MSE = 0.0052.
    from fastsec.aauc.secrecy import lambda_least_squares
    from fastsec.experiments import registry

    drops = 20 if reduced else 100
    cols = {c: [] for c in ("secrecy_rate", "rate", "leak_w", "sigma_e2_w")}
    for x in registry.get("aauc-fig2b").sweep.values:
        table = rows_of("aauc-fig2b", x, ("eq10",), drops)
        for c in cols:
            cols[c].append(table[c].to_numpy(float))
    lam, mse = lambda_least_squares(*(np.concatenate(v) for v in cols.values()))
    # tolerance as in test_aauc_secrecy.py::test_fit_lambda_on_fig2_setting (20 or 100 per sigma)
    assert abs(lam - 0.64) < 0.06
    assert mse < 0.009


# ----------------------------------------------------------------------------- Fig. 3c
@pytest.mark.slow
def test_fig3c_bfom_beats_closed_form_at_large_k(reduced):
    # "closed-form AAUC performs poorly in this setting ... BFOM based AAUC achieves a
    # satisfactory secrecy rate": BFOM − closed form at K = 100, 50 drops: +0.382 ± 0.090
    diff, se = _paired("aauc-fig3c", 100.0, "bfom", "closed_form", _drops(reduced),
                       ("closed_form", "bfom"))
    assert diff > Z * se


def _gap_3c(K):
    """SCO − BFOM at K over 200 drops: ((mean, SE) of the gap, (ratio, SE) gap / SCO)."""
    sco = values("aauc-fig3c", K, "sco", 200, methods=("sco", "bfom"))
    gap = sco - values("aauc-fig3c", K, "bfom", 200, methods=("sco", "bfom"))
    return mean_se(gap), _ratio_of_means(gap, sco)


@pytest.mark.slow
@pytest.mark.parametrize("k_first", [
    20.0,
    # 200 drops per K (50 leave every step undecided). Gap SCO − BFOM: 0.539 ± 0.050 at
    # K = 20, 0.273 ± 0.036 at K = 100 (4.3 SE); relative to SCO 0.348 ± 0.030 -> 0.211 ±
    # 0.026 (3.4 SE). Same finding as eq. (10) in docs/fig3c.md.
    pytest.param(10.0, marks=pytest.mark.xfail(strict=True, reason=GAP_3C_REASON)),
])
def test_fig3c_sco_bfom_gap_shrinks_to_k100(k_first, reduced):
    if reduced:
        pytest.skip(CANNOT_REDUCE_3C)
    (gap_first, rel_first), (gap100, rel100) = _gap_3c(k_first), _gap_3c(100.0)
    for first, last in ((gap_first, gap100), (rel_first, rel100)):
        diff, se = _difference(first, last)
        assert diff > Z * se, (first, last)


def _ratio_of_means(num, den):
    """mean(num)/mean(den) and its delta-method SE (paired samples, failed drops left out)."""
    ok = np.isfinite(num) & np.isfinite(den)
    num, den = num[ok], den[ok]
    r = num.mean() / den.mean()
    cov = np.cov(num, den)
    return r, math.sqrt((cov[0, 0] - 2 * r * cov[0, 1] + r * r * cov[1, 1]) / num.size) / den.mean()


# ----------------------------------------------------------------------------- Fig. 5a
@pytest.mark.slow
def test_fig5a_aauc_loses_to_direct_at_k20(reduced):
    # "the proposed AAUC schemes perform slightly worse than traditional direct transmission
    # when K = 20": SCO − direct −1.63 ± 0.20, BFOM − direct −1.37 ± 0.20 bit (50 drops)
    for method in ("sco", "bfom"):
        diff, se = _paired("aauc-fig5a", 20.0, method, "direct", _drops(reduced, small=10),
                           ("sco", "bfom", "direct"))
        assert diff < -Z * se, (method, diff, se)


@pytest.mark.slow
def test_fig5a_hybrid_is_the_better_mode_on_every_drop(reduced):
    # "the hybrid strategy can select between executing direct transmission or AAUC"
    table = rows_of("aauc-fig5a", 20.0, ("sco", "direct", "hybrid"), _drops(reduced, small=10))
    rates = table.pivot(index="drop", columns="method", values="secrecy_rate")
    np.testing.assert_allclose(rates["hybrid"], rates[["sco", "direct"]].max(axis=1), rtol=1e-9)


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason=(
    "Fig. 5a: with the eavesdropper's phase-1 leakage counted, SCO and BFOM do not beat direct "
    "transmission at K = 100: SCO − direct = −0.70 ± 0.14, BFOM − direct = −0.64 ± 0.14 bit "
    "(50 drops). Sec. VII-D puts the eavesdropper off user K's angle, so null-steering g_K "
    "gives phase 1 no protection: it overhears the BS's multicast to the 99 helpers (1.9 bit "
    "of the users' 2.0) while AAUC's common rate is halved by its two phases. With eq. (6) "
    "(phase 2 only) BFOM does beat direct (+0.49 ± 0.14); see docs/claims.md"))
def test_fig5a_aauc_beats_direct_at_k100(reduced):
    if reduced:
        pytest.skip(CANNOT_REDUCE_5A)
    for method in ("sco", "bfom"):
        diff, se = _paired("aauc-fig5a", 100.0, method, "direct", PAPER_DROPS,
                           ("sco", "bfom", "direct"))
        assert diff > Z * se, (method, diff, se)

