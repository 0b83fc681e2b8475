import numpy as np
import pandas as pd
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


def _band(ax, i):
    """(x, low, high) of the i-th shaded band, from its polygon's vertices."""
    verts = ax.collections[i].get_paths()[0].vertices
    xs = np.unique(verts[:, 0])
    return xs, [verts[verts[:, 0] == x, 1].min() for x in xs], \
        [verts[verts[:, 0] == x, 1].max() for x in xs]


def _t_interval(vals):
    return stats.t.interval(0.95, vals.size - 1, loc=vals.mean(), scale=stats.sem(vals))


def test_figure_has_the_papers_axes_legend_mean_and_shaded_ci(results):
    study = make()
    ax = figure(results).axes[0]
    assert ax.get_xlabel() == study.plot.x_label
    assert ax.get_ylabel() == study.plot.y_label
    assert ax.get_xscale() == "log" and ax.get_yscale() == "linear"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(study.plot.legend.values())
    table = ResultsStore(results).read()
    for i, method in enumerate(study.methods):
        ok = table[(table["method"] == method) & table["error"].isna()]
        line = ax.lines[i]
        xs, lows, highs = _band(ax, i)
        np.testing.assert_array_equal(xs, line.get_xdata())
        for x, y, lo_drawn, hi_drawn in zip(xs, line.get_ydata(), lows, highs, strict=True):
            vals = ok.loc[ok["x"] == x, "secrecy_rate"].to_numpy()
            lo, hi = _t_interval(vals)
            np.testing.assert_allclose(y, vals.mean(), rtol=RTOL)
            np.testing.assert_allclose([lo_drawn, hi_drawn], [lo, hi], rtol=RTOL)


def test_band_is_clipped_to_the_quantitys_range(tmp_path):
    study = make(values=(4.0, 8.0), drops=5)
    run(study, seed=1, workers=1, out=tmp_path / "free")
    table = ResultsStore(tmp_path / "free").read()
    ok = table[(table["method"] == "null") & table["error"].isna()]  # a rate above 0
    intervals = [_t_interval(ok.loc[ok["x"] == x, "secrecy_rate"].to_numpy()) for x in (4, 8)]
    # a range inside the first point's interval (the mechanism a rate's [0, inf) or a BER's
    # [0, 1] uses): its band is cut on both sides, the other point's band clipped likewise
    (lo0, hi0), mean0 = intervals[0], sum(intervals[0]) / 2
    low, high = (lo0 + mean0) / 2, (hi0 + mean0) / 2
    run(make(values=(4.0, 8.0), drops=5, y_range=(low, high)), seed=1, workers=1,
        out=tmp_path / "clipped")
    _, lows, highs = _band(figure(tmp_path / "clipped").axes[0], 1)
    expected = np.clip(np.array(intervals), low, high)
    np.testing.assert_allclose(np.c_[lows, highs], expected, rtol=RTOL)
    assert min(lows) >= low and max(highs) <= high


def test_series_differ_in_marker_and_dashes_and_caption_states_n(results):
    ax = figure(results).axes[0]
    assert len({line.get_marker() for line in ax.lines}) == len(ax.lines)  # greyscale-proof
    assert len({line.get_linestyle() for line in ax.lines}) == len(ax.lines)
    table = ResultsStore(results).read()
    n = table[table["error"].isna()].groupby(["method", "x"]).size()
    expected = f"n = {n.min()}" if n.min() == n.max() else f"n = {n.min()}–{n.max()}"
    title = ax.get_title().replace("\n", " ")
    assert expected in title and "95 % Student-t CI" in title
    failed = int(table["error"].notna().sum())
    assert (f"({failed} failed rows left out)" in title) == (failed > 0)


@pytest.mark.parametrize(("suffix", "magic"), [
    (".png", b"\x89PNG\r\n\x1a\n"), (".pdf", b"%PDF"), (".svg", b"<?xml")])
def test_plot_writes_png_pdf_svg_by_suffix(results, tmp_path, suffix, magic):
    path = plot(results, tmp_path / "fig" / f"toy{suffix}")
    assert path.read_bytes().startswith(magic) and path.stat().st_size > 5000


def test_other_suffixes_are_refused_naming_the_allowed_ones(results, tmp_path):
    for name in ["toy.jpg", "toy"]:
        with pytest.raises(ParameterError, match=r"one of \.png, \.pdf, \.svg"):
            plot(results, tmp_path / name)
    assert not any(tmp_path.iterdir())


def test_default_output_is_a_png_in_the_results(results):
    default = plot(results)
    assert default == results / "toy.png" and default.stat().st_size > 5000


def test_history_figure_draws_one_line_per_method_and_point_on_integer_ticks(tmp_path):
    run(make(values=(4.0, 8.0), drops=3, history=True), seed=0, workers=1, out=tmp_path)
    ax = figure(tmp_path).axes[0]
    assert len(ax.lines) == 3 * 2
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [1, 2])  # iterations
    ticks = ax.get_xticks()
    assert len(ticks) and np.all(ticks == np.round(ticks))


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


def test_report_gives_the_kkt_residual_where_rows_carry_it():
    from fastsec.experiments.markdown import _kkt_lines

    table = pd.DataFrame({"method": ["a", "a", "a", "b"],
                          "kkt_residual": [1e-3, 2e-3, 4e-3, np.nan]})
    (line,) = [x for x in _kkt_lines(table, ["a", "b"], {"a": "A", "b": "B"}) if x]
    assert "A 0.002 (max 0.004)" in line and "B" not in line.split("rows:")[1]
    assert _kkt_lines(table.drop(columns="kkt_residual"), ["a"], {"a": "A"}) == []
