"""How iterative methods' rows stopped, in the report and the plot (issue 13, item 5)."""

import numpy as np
import pandas as pd

from fastsec.experiments import get
from fastsec.experiments.markdown import convergence_lines
from fastsec.experiments.plots import _cap_text
from fastsec.experiments.summary import stop_counts

LEGEND = {"sco": "SCO", "cf": "Closed form", "bfom": "BFOM"}


def _table():
    """Two sweep points; SCO: 3 on tolerance, 2 at I = 20, 1 at a cap of 7, 1 no ascent, one
    failed row; the closed form: stop reason ``closed_form`` only; BFOM: all at I = 20."""
    rows = []
    sco = [("tolerance", 9), ("tolerance", 12), ("iterations", 20), ("no_ascent", 4),
           ("tolerance", 5), ("iterations", 20), ("iterations", 7), (None, 0)]
    for i, (reason, its) in enumerate(sco):
        rows.append({"method": "sco", "point": i % 2, "x": float(i % 2), "stop_reason": reason,
                     "iterations": its, "kkt_residual": 10.0 ** -(i + 1),
                     "error": "SolverError" if reason is None else None})
    for i in range(4):
        rows.append({"method": "cf", "point": i % 2, "x": float(i % 2),
                     "stop_reason": "closed_form", "iterations": 0, "kkt_residual": 0.01,
                     "error": None})
        rows.append({"method": "bfom", "point": i % 2, "x": float(i % 2),
                     "stop_reason": "iterations", "iterations": 20, "kkt_residual": np.nan,
                     "error": None})
    return pd.DataFrame(rows)


def test_stop_counts_per_method_and_point():
    counts = stop_counts(_table(), ["sco", "cf", "bfom"], paper_iterations=20)
    sco = counts[counts["method"] == "sco"].set_index("point")
    # point 0: rows 0, 2, 4, 6 -> tolerance 2, cap 2 (one at 20, one at 7)
    assert sco.loc[0, ["n", "tolerance", "cap", "paper_cap", "no_ascent"]].tolist() == [
        4, 2, 2, 1, 0]
    # point 1: rows 1, 3, 5 (row 7 failed) -> tolerance 1, cap 1 at 20, no ascent 1
    assert sco.loc[1, ["n", "tolerance", "cap", "paper_cap", "no_ascent"]].tolist() == [
        3, 1, 1, 1, 1]
    assert sco.loc[1, "kkt_median"] == np.median([1e-2, 1e-4, 1e-6])
    assert sco.loc[0, "kkt_max"] == 1e-1
    bfom = counts[counts["method"] == "bfom"]
    assert bfom["cap"].sum() == bfom["paper_cap"].sum() == 4
    assert bfom["kkt_median"].isna().all()


def test_report_lines_name_the_cap_and_the_papers_count():
    text = "\n".join(convergence_lines(_table(), ["sco", "cf", "bfom"], LEGEND, 20))
    assert "| SCO | 7 | 3 | 3 (2 at the paper's I = 20) | 1 | 1.0e-04 (1.0e-01) |" in text
    assert "| BFOM | 4 | 0 | 4 (4 at the paper's I = 20) | 0 | — |" in text
    assert "| Closed form | 4 | — | — | — | 1.0e-02 (1.0e-02) |" in text
    assert "not a failure" in text
    # without a paper count the cap is only counted
    plain = "\n".join(convergence_lines(_table(), ["sco"], LEGEND, None))
    assert "| SCO | 7 | 3 | 3 | 1 |" in plain and "paper" not in plain


def test_caption_counts_rows_at_the_cap():
    text = _cap_text(_table(), ["sco", "cf", "bfom"], LEGEND, 20)
    assert text == "; at iteration cap: SCO 3/7, BFOM 4/4 (the paper's I = 20)"
    assert _cap_text(_table().drop(columns="stop_reason"), ["sco"], LEGEND, 20) == ""


def test_aauc_studies_carry_the_papers_iteration_count():
    assert get("aauc-fig3a").paper_iterations == 20
    assert get("aauc-fig2b").paper_iterations is None  # no iterative method
