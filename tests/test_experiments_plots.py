import numpy as np
import pytest
from experiments_toy import make
from scipy import stats

from fastsec.errors import ParameterError
from fastsec.experiments import ResultsStore, report, run
from fastsec.experiments.plots import figure, plot

# The plotted means and CIs must match an independent computation to float rounding.
RTOL = 1e-12


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("toy")
    run(make(values=(4.0, 8.0, 16.0), drops=8), seed=4, workers=1, out=out)
    return out


def test_figure_has_the_papers_axes_legend_and_mean_ci(results):
    study = make()
    ax = figure(results).axes[0]
    assert ax.get_xlabel() == study.plot.x_label
    assert ax.get_ylabel() == study.plot.y_label
    assert ax.get_xscale() == "log" and ax.get_yscale() == "linear"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(study.plot.legend.values())
    table = ResultsStore(results).read()
    for container, method in zip(ax.containers, study.methods, strict=True):
        line, _, (bars,) = container
        ok = table[(table["method"] == method) & table["error"].isna()]
        for x, y, seg in zip(line.get_xdata(), line.get_ydata(), bars.get_segments(),
                             strict=True):
            vals = ok.loc[ok["x"] == x, "secrecy_rate"].to_numpy()
            lo, hi = stats.t.interval(0.95, vals.size - 1, loc=vals.mean(), scale=stats.sem(vals))
            np.testing.assert_allclose(y, vals.mean(), rtol=RTOL)
            np.testing.assert_allclose([seg[0][1], seg[1][1]], [lo, hi], rtol=RTOL)


def test_plot_writes_a_non_empty_png(results, tmp_path):
    path = plot(results, tmp_path / "fig" / "toy.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000
    default = plot(results)
    assert default == results / "toy.png" and default.stat().st_size > 5000


def test_history_figure_draws_one_line_per_method_and_point(tmp_path):
    run(make(values=(4.0, 8.0), drops=3, history=True), seed=0, workers=1, out=tmp_path)
    ax = figure(tmp_path).axes[0]
    assert len(ax.containers) == 3 * 2
    np.testing.assert_array_equal(ax.containers[0][0].get_xdata(), [1, 2])  # iterations


def test_plot_of_an_empty_directory_is_a_parameter_error(tmp_path):
    with pytest.raises(ParameterError, match="holds no fastsec results"):
        figure(tmp_path)


def test_report_table_matches_the_summary(results):
    text = report(results)
    lines = text.splitlines()
    assert lines[0] == "# toy: a toy MISO wiretap figure"
    header = [c.strip() for c in lines[6].strip("|").split("|")]
    assert header == ["N", "MRT", "Null-space MRT", "Flaky MRT"]
    rows = [line for line in lines if line.startswith("| 4 ")]
    assert len(rows) == 1
    table = ResultsStore(results).read()
    vals = table.loc[(table["method"] == "null") & (table["x"] == 4.0), "secrecy_rate"]
    half = stats.t.ppf(0.975, vals.size - 1) * stats.sem(vals)
    assert f"{vals.mean():.4g} ± {half:.2g}" in rows[0].split("|")[3]
    failed = table[(table["x"] == 4.0) & table["error"].notna()]
    if len(failed):
        assert f"({len(failed)} failed)" in rows[0].split("|")[4]
