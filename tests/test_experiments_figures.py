"""Every registered paper-figure study: the paper's settings, and an end-to-end quick run."""

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
