"""Every registered paper-figure study: the paper's settings, and an end-to-end quick run."""

import math

import numpy as np
import pytest

from fastsec import aauc
from fastsec.experiments import ResultsStore, registry, run, seeding
from fastsec.experiments.plots import figure, plot

# The paper's settings, written out from paper 000 Sec. VII / PAPERS.md (not read from the
# study modules): study -> (Scenario field swept, paper's sweep values, fixed settings,
# methods in the paper's legend, y column).
AAUC = {
    "aauc-fig3a": ("kr_db", [0, 10, 20, 40], {"K": 10, "N": 100},
                   ["sco", "closed_form", "bfom", "direct"], "secrecy_rate"),
    "aauc-fig3b": ("N", [20, 100, 200, 500], {"K": 20, "kr_db": 30.0},
                   ["sco", "closed_form"], "secrecy_rate"),
    "aauc-fig3c": ("K", [10, 20, 50, 100], {"N": 100, "kr_db": 30.0},
                   ["sco", "closed_form", "bfom"], "secrecy_rate"),
    "aauc-fig4a": ("N", [20, 100, 200, 500], {"K": 20, "kr_db": 30.0},
                   ["sco", "closed_form"], "seconds"),
    "aauc-fig4b": ("K", [10, 20, 50, 100], {"N": 100, "kr_db": 30.0},
                   ["sco", "closed_form", "bfom"], "seconds"),
    "aauc-fig4c": ("common_distance_m", [20, 30, 40, 50, 60], {"N": 100, "K": 10, "kr_db": 70.0},
                   ["sco", "irs"], "secrecy_rate"),
    "aauc-fig5a": ("K", [20, 100], {"N": 100, "rayleigh": True, "placement": "off_angle",
                                    "d_far_m": 1000.0},
                   ["sco", "closed_form", "bfom", "direct", "hybrid"], "secrecy_rate"),
}
# Section VII defaults every AAUC figure shares.
SEC7 = {"sigma2_dbm": -80.0, "sigma_e2_dbm": -80.0, "pmax_dbm": 30.0, "alpha": 2.5,
        "rho0_db": -40.0, "lam": 0.64, "sco_iters": 20, "d_min_m": 100.0, "d_max_m": 500.0}


def test_every_paper_figure_with_merged_solvers_is_registered():
    assert set(AAUC) <= set(registry.names())


@pytest.mark.parametrize("name", sorted(AAUC))
def test_aauc_study_uses_the_papers_settings(name):
    field, values, fixed, methods, y = AAUC[name]
    study = registry.get(name)
    assert study.drops == 50  # "averaging over 50 simulation runs"
    assert list(study.sweep.values) == values
    assert set(study.sweep.quick) <= set(values)
    assert list(study.methods) == methods
    assert study.plot.y == y
    assert study.plot.y_scale == ("log" if y == "seconds" else "linear")
    for point, x in enumerate(values):
        drop, J = study.draw(float(x), seeding.drop_rng(0, name, point, 0))
        sc = drop.scenario
        for key, value in {**SEC7, **fixed, field: x}.items():
            assert getattr(sc, key) == value, (key, getattr(sc, key), value)
        # J is the model's angular matrix of this very drop (reference: the public API)
        np.testing.assert_array_equal(J, aauc.angular_matrix(drop))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(AAUC))
def test_quick_form_runs_end_to_end_and_plots_the_papers_axes(name, tmp_path, reduced):
    study = registry.get(name)
    table = run(name, quick=True, drops=1 if reduced else None, workers=1, out=tmp_path)
    drops = 1 if reduced else study.quick_drops
    assert len(table) == len(study.sweep.quick) * drops * len(study.methods)
    assert table["error"].isna().all(), table["error"].dropna().tolist()
    assert (table["secrecy_rate"] >= 0).all() and (table["seconds"] > 0).all()
    ax = figure(tmp_path).axes[0]
    assert ax.get_xlabel() == study.plot.x_label and ax.get_ylabel() == study.plot.y_label
    assert ax.get_xscale() == study.plot.x_scale and ax.get_yscale() == study.plot.y_scale
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [study.plot.legend[m] for m in study.methods]
    png = plot(tmp_path)
    assert png.stat().st_size > 5000
    assert ResultsStore(tmp_path).read_meta()["study"] == name



def test_fig2b_study_is_the_papers_lambda_training_set():
    # Sec. IV-A: sigma_E^2 from -100 to -60 dBm in 2 dB steps, 100 samples each, R ~ U(0, 3),
    # w ~ CN(0, 0.01/(K-1) I) (10 dBm on average); Fig. 2a: K = 3, alpha = 2.5, K_R = 30 dB
    study = registry.get("aauc-fig2b")
    assert list(study.sweep.values) == list(range(-100, -58, 2)) and study.drops == 100
    assert list(study.methods) == ["eq10", "model"]
    rng = seeding.drop_rng(0, "aauc-fig2b", 3, 0)
    drop, R, w, _ = study.draw(-94.0, rng)
    sc = drop.scenario
    assert (sc.K, sc.alpha, sc.kr_db, sc.sigma_e2_dbm) == (3, 2.5, 30.0, -94.0)
    np.testing.assert_allclose(aauc.angular_matrix(drop) / sc.rho0, [1e-5, 2e-6], rtol=1e-3)
    assert 0 <= R <= 3 and w.shape == (2,)
    powers = [np.sum(np.abs(study.draw(-94.0, np.random.default_rng(i))[2]) ** 2)
              for i in range(400)]
    assert abs(np.mean(powers) - 0.01) < 5 * np.std(powers) / math.sqrt(400)


@pytest.mark.slow
def test_fig2b_report_gives_the_fitted_lambda_and_mse(tmp_path, reduced):
    from fastsec.experiments.markdown import report

    table = run("aauc-fig2b", quick=True, drops=2 if reduced else None, workers=1,
                out=tmp_path)
    assert table["error"].isna().all()
    text = report(tmp_path)
    assert "Fitted λ" in text and "MSE" in text
    eq10 = table[table["method"] == "eq10"]
    lam, mse = aauc.secrecy.lambda_least_squares(
        eq10["secrecy_rate"], eq10["rate"], eq10["leak_w"], eq10["sigma_e2_w"])
    assert f"λ = {lam:.3f}, MSE = {mse:.4f}" in text
    assert plot(tmp_path).stat().st_size > 5000


@pytest.mark.slow
@pytest.mark.parametrize(("name", "K"), [("aauc-fig5b", 100), ("aauc-fig5c", 20)])
def test_fig5bc_draw_one_realisation_of_the_positions(name, K, tmp_path, reduced):
    if reduced and K == 100:
        pytest.skip("SCO at K = 100 takes tens of seconds; K = 20 covers the code path")
    table = run(name, workers=1, out=tmp_path)
    assert len(table) == 1 and table["error"].isna().all()
    row = table.iloc[0]
    assert len(row["users_x_m"]) == K and len(row["helper_share"]) == K - 1
    assert math.hypot(row["users_x_m"][-1], row["users_y_m"][-1]) == pytest.approx(1000.0)
    assert sum(row["helper_share"]) == pytest.approx(1.0)
    ax = figure(tmp_path).axes[0]
    assert ax.get_xlabel() == "x (m)"
    assert len(ax.collections) == 4  # helpers, user K, eavesdropper, BS

# Paper 002 Sec. V: stated settings per figure (Scenario field -> value) and legend schemes.
PI = np.pi
OAM = {
    "oam-fig3": (("Q1", "Q2"), {"p_total_dbm": 30.0, "rho": 0.9, "tilt_a_y_rad": PI / 10,
                                "tilt_b_y_rad": -PI / 10},
                 ["proposed", "pa_ris_mimo", "no_an", "random_phase"], "secrecy_rate"),
    "oam-fig4": (("p_total_dbm",), {"Q1": 40, "Q2": 40, "tilt_a_y_rad": PI / 10,
                                    "tilt_b_y_rad": -PI / 10},
                 ["proposed@0.5", "proposed@0.7", "proposed@0.9", "no_an"], "secrecy_rate"),
    "oam-fig5": (("p_total_dbm",), {"Q1": 40, "Q2": 40, "rho": 0.9, "tilt_a_y_rad": PI / 10,
                                    "tilt_b_y_rad": -PI / 10},
                 ["proposed", "dp", "sa", "sp"], "secrecy_rate"),
    "oam-fig6": (("tilt_a_y_rad",), {"p_total_dbm": 30.0, "Q1": 40, "Q2": 40, "rho": 0.9,
                                     "tilt_b_y_rad": 0.0},
                 ["proposed", "zc"], "secrecy_rate"),
}
# Sec. V values every OAM figure shares.
SEC5 = {"N": 8, "N_E": 8, "N_A": 4, "N_s": 3, "N_z": 3, "a_max": 10.0, "d_y_m": 0.05,
        "d_z_m": 0.05, "sigma_r2_dbm": -60.0, "pt_fraction": 0.9,
        "u_b_m": (0.0, 0.0, 40.0), "u_r1_m": (2.0, 0.0, 0.3), "u_r2_m": (1.0, 0.0, 39.7),
        "tilt_r1_y_rad": PI / 10, "tilt_r2_y_rad": -PI / 10, "tilt_e_x_rad": -PI / 4,
        "tilt_e_y_rad": -PI / 4, "eve_polar_rad": -PI / 20}


def test_every_oam_figure_is_registered():
    assert set(OAM) | {"oam-fig2", "oam-fig7"} <= set(registry.names())


@pytest.mark.parametrize("name", sorted(OAM))
def test_oam_study_uses_the_papers_settings(name):
    fields, fixed, methods, y = OAM[name]
    study = registry.get(name)
    assert list(study.methods) == methods and study.plot.y == y
    for point, x in enumerate(study.sweep.values):
        scenario, key = study.draw(x, seeding.drop_rng(0, name, point, 0))
        assert isinstance(key, int)
        for field, value in {**SEC5, **fixed, **dict.fromkeys(fields, x)}.items():
            np.testing.assert_allclose(getattr(scenario, field), value, rtol=1e-12,
                                       err_msg=field)  # float sweep values: rounding only


def test_oam_fig7_is_eves_ber_on_a_log_axis():
    study = registry.get("oam-fig7")
    assert study.plot.y == "ber_eve_dominant" and study.plot.y_scale == "log"
    assert (study.params["receiver"], study.params["snr_reference"]) == ("mmse", "eve")
    assert list(study.methods) == ["proposed", "pa_ris_mimo"]
    (scenario, _), snr = study.draw(10.0, seeding.drop_rng(0, "oam-fig7", 0, 0))
    assert snr == 10.0 and scenario.p_total_dbm == 30.0 and scenario.Q1 == scenario.Q2 == 40


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted([*OAM, "oam-fig7"]))
def test_oam_quick_form_runs_end_to_end_and_plots(name, tmp_path):
    study = registry.get(name)
    table = run(name, quick=True, drops=1, workers=1, out=tmp_path)
    assert len(table) == len(study.sweep.quick) * len(study.methods)
    assert table["error"].isna().all(), table["error"].dropna().tolist()
    assert np.isfinite(table[study.plot.y].astype(float)).all()
    ax = figure(tmp_path).axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == (study.plot.x_label, study.plot.y_label)
    assert ax.get_yscale() == study.plot.y_scale
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(study.plot.legend.values())
    assert plot(tmp_path).stat().st_size > 5000


# Fig. 2: Q1 = Q2 = 40, ϑ_A,y = π/10, ϑ_B,y = −π/10, ρ = 0.9 (Sec. V); P_total values chosen
# by fastsec (the paper's legend values are not in its text).
FIG2 = {"Q1": 40, "Q2": 40, "rho": 0.9, "tilt_a_y_rad": PI / 10, "tilt_b_y_rad": -PI / 10}


def test_oam_fig2_is_r_s_per_ao_iteration_rmcg_vs_sdr():
    study = registry.get("oam-fig2")
    assert list(study.methods) == ["proposed", "proposed:sdr"]
    assert list(study.sweep.values) == [20.0, 30.0, 40.0] and study.sweep.unit == "dBm"
    assert set(study.sweep.quick) <= set(study.sweep.values)
    assert study.plot.kind == "history" and study.plot.y == "rate_per_iteration"
    assert study.plot.x_label == "Number of iterations"
    for point, x in enumerate(study.sweep.values):
        scenario, key = study.draw(x, seeding.drop_rng(0, "oam-fig2", point, 0))
        assert isinstance(key, int)
        for field, value in {**SEC5, **FIG2, "p_total_dbm": x}.items():
            np.testing.assert_allclose(getattr(scenario, field), value, rtol=1e-12,
                                       err_msg=field)


@pytest.mark.slow
def test_oam_fig2_quick_form_runs_end_to_end_and_plots(tmp_path):
    study = registry.get("oam-fig2")
    table = run("oam-fig2", quick=True, drops=1, workers=1, out=tmp_path)
    assert len(table) == len(study.sweep.quick) * len(study.methods)
    assert table["error"].isna().all(), table["error"].dropna().tolist()
    for row in table.itertuples():
        rates = np.asarray(row.rate_per_iteration)
        assert 1 <= len(rates) <= study.params["max_iters"]
        assert row.iterations == len(rates)
        # AO never lowers R_s (each sub-step keeps or improves it); 1e-9: solver round-off
        assert np.all(np.diff(rates) >= -1e-9 * np.abs(rates[1:]))
        # the last iteration's R_s is the reported one (two code paths of the same rate)
        np.testing.assert_allclose(rates[-1], row.secrecy_rate, rtol=1e-9)
    ax = figure(tmp_path).axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == (study.plot.x_label, study.plot.y_label)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [f"{study.plot.legend[m]}, $P_{{total}}$ = {x:g} dBm"
                      for m in study.methods for x in study.sweep.quick]
    assert plot(tmp_path).stat().st_size > 5000
