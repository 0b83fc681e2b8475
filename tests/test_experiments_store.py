import json
import math

import numpy as np
import pandas as pd
import pytest

from fastsec.errors import ParameterError
from fastsec.experiments import store as store_mod
from fastsec.experiments.store import COLUMNS, ResultsStore, check_results_dir, check_writable


def _rows(points, drops, methods=("a", "b")):
    return [{"study": "s", "point": p, "x": 10.0 * p, "drop": d, "method": m, "seed": 0,
             "secrecy_rate": p + d / 10, "objective": 1.0, "seconds": 0.1, "iterations": 3,
             "converged": True, "solver": "CLARABEL", "error": None, "history": [1.0, 2.0]}
            for p in points for d in drops for m in methods]


def test_append_read_roundtrip_sorted_and_typed(tmp_path):
    st = ResultsStore(tmp_path / "r")
    st.initialise({"study": "s", "methods": ["b", "a"]})
    st.append(_rows([1], [0, 1]))
    st.append(_rows([0], [1, 0]))
    failed = _rows([2], [0], ["a"])[0] | {"secrecy_rate": math.nan, "iterations": None,
                                          "converged": False, "error": "SolverError: x"}
    st.append([failed])
    t = st.read()
    assert list(t.columns) == [*COLUMNS, "history"]
    assert len(t) == 9
    # study's method order ("b" before "a") within each (point, drop)
    assert list(t["method"][:2]) == ["b", "a"]
    assert list(t[["point", "drop"]].itertuples(index=False, name=None)) == sorted(
        t[["point", "drop"]].itertuples(index=False, name=None))
    assert t["iterations"].dtype == "Int64" and t["iterations"].isna().sum() == 1
    assert t["converged"].dtype == bool
    assert t.loc[t["error"].notna(), "error"].tolist() == ["SolverError: x"]
    np.testing.assert_array_equal(t["history"][0], [1.0, 2.0])


def test_duplicates_are_dropped_and_compact_keeps_the_table(tmp_path):
    st = ResultsStore(tmp_path)
    st.initialise({"study": "s"})
    st.append(_rows([0], [0, 1]))
    st.append(_rows([0], [1, 2]))  # drop 1 twice, as after an interrupted compaction
    before = st.read()
    assert len(before) == 6
    assert not before.duplicated(["point", "drop", "method"]).any()
    st.compact()
    assert len(list((tmp_path / "parts").glob("*.parquet"))) == 1
    pd.testing.assert_frame_equal(st.read(), before)


def test_a_write_that_dies_leaves_no_part_and_initialise_cleans_up(tmp_path, monkeypatch):
    st = ResultsStore(tmp_path)
    st.initialise({"study": "s"})
    st.append(_rows([0], [0]))
    good = st.read()

    def dying(table, path, **kwargs):
        with open(path, "wb") as fh:
            fh.write(b"PAR1 half a file")
        raise OSError("disk gone")

    monkeypatch.setattr(store_mod.pq, "write_table", dying)
    with pytest.raises(OSError, match="disk gone"):
        st.append(_rows([1], [0]))
    monkeypatch.undo()
    pd.testing.assert_frame_equal(st.read(), good)
    # a temp file left by a killed process (no chance to clean up) is ignored, then removed
    stale = tmp_path / "parts" / f"{store_mod._TMP_PREFIX}dead-part-x.parquet"
    stale.write_bytes(b"PAR1 torn")
    pd.testing.assert_frame_equal(st.read(), good)
    st.initialise({"study": "s"})
    assert not stale.exists()


def test_meta_is_json_and_missing_meta_is_a_parameter_error(tmp_path):
    st = ResultsStore(tmp_path / "r")
    with pytest.raises(ParameterError, match="holds no fastsec results"):
        st.read_meta()
    st.initialise({"study": "s", "seed": 3})
    assert json.loads((tmp_path / "r" / "meta.json").read_text()) == {"seed": 3, "study": "s"}
    assert st.read().empty


def test_check_writable(tmp_path):
    check_writable(tmp_path / "new" / "deeper")  # creatable
    assert not (tmp_path / "new").exists()  # and nothing was created
    (tmp_path / "file").write_text("x")
    with pytest.raises(ParameterError, match="is not a directory"):
        check_writable(tmp_path / "file" / "sub")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "other.txt").write_text("x")
    check_writable(tmp_path / "full")  # fine for a figure file, not for results:
    with pytest.raises(ParameterError, match="non-empty directory"):
        check_results_dir(tmp_path / "full")


def test_a_directory_whose_first_meta_is_being_written_can_hold_results(tmp_path):
    # A concurrent run into the same directory may find it between the lock, the parts folder
    # and the temporary file of its first meta.json (the atomic write's sibling): all fastsec's
    # own, so it may resume there (it then waits on the lock). Seen as a CI failure of
    # test_concurrent_runs_into_one_directory_compute_each_row_once.
    out = tmp_path / "r"
    (out / "parts").mkdir(parents=True)
    (out / ".lock").write_text("pid 1\n")
    (out / ".tmp-0123abcd-meta.json").write_text("{")
    check_results_dir(out)
    (out / "notes.txt").write_text("x")
    with pytest.raises(ParameterError, match="non-empty directory"):
        check_results_dir(out)


def test_append_columns_reads_back_as_append_of_the_rows(tmp_path):
    # Reference: the row path (pandas frame of dicts). Columns come in two chunks, the second
    # without the "history" column and with a failed row, joined by work.concat.
    from fastsec.experiments.work import concat

    first = _rows([0], [0, 1])
    failed = _rows([1], [0], ["a"])[0] | {"secrecy_rate": math.nan, "iterations": None,
                                          "converged": False, "error": "SolverError: x"}
    second = [{k: v for k, v in r.items() if k != "history"} for r in [*_rows([1], [1]), failed]]
    by_rows, by_columns = ResultsStore(tmp_path / "rows"), ResultsStore(tmp_path / "columns")
    for st in (by_rows, by_columns):
        st.initialise({"study": "s", "methods": ["a", "b"]})
    assert by_rows.append(first + second) == 7
    chunks = [{k: [r.get(k) for r in part] for k in part[0]} for part in (first, second)]
    assert by_columns.append_columns(concat(chunks)) == 7
    assert by_columns.append_columns(concat([])) == 0
    pd.testing.assert_frame_equal(by_columns.read(), by_rows.read(), check_exact=True)
