import dataclasses
import json
import math
import os
import signal
import subprocess
import sys
import textwrap
import time
from functools import partial
from pathlib import Path

import numba
import numpy as np
import pandas as pd
import pytest
from experiments_toy import draw, make, rate, solve
from threadpoolctl import threadpool_info, threadpool_limits

from fastsec.errors import ParameterError, ParameterTypeError
from fastsec.experiments import ResultsStore, registry, run, seeding
from fastsec.experiments.runner import GUIDED_SHARE, MAX_CHUNK, WorkerError, _plan
from fastsec.experiments.study import Study, Sweep

TESTS = Path(__file__).parent


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Tables equal bit for bit except the measured timings (``seconds``, ``solver_seconds``)."""
    timings = [c for c in a.columns if c.endswith("seconds")]
    pd.testing.assert_frame_equal(a.drop(columns=timings), b.drop(columns=timings),
                                  check_exact=True)


def test_rows_match_a_direct_recomputation():
    # Reference: draw + closed-form MRT rate with the documented seeds, outside the runner.
    study = make(values=(4.0,), drops=3)
    table = run(study, seed=11, workers=1)
    assert len(table) == 3 * 3
    for row in table[table["method"] == "mrt"].itertuples():
        inst = draw(row.x, seeding.drop_rng(11, "toy", row.point, row.drop))
        v = np.sqrt(inst["p"]) * inst["g"] / np.linalg.norm(inst["g"])
        assert row.secrecy_rate == rate(inst, v)
        assert row.d_eve_m == inst["d_eve_m"]
        assert row.seed == 11 and row.error is None and row.converged


def test_failures_are_recorded_and_the_study_goes_on():
    table = run(make(values=(4.0, 8.0), drops=10), seed=2, workers=1)
    assert len(table) == 2 * 10 * 3  # no row missing
    failed = table[table["error"].notna()]
    assert len(failed) > 0 and set(failed["method"]) == {"flaky"}
    assert (failed["error"] == "SolverError: toy solver gave up").all()
    assert failed["secrecy_rate"].isna().all() and not failed["converged"].any()
    assert failed["iterations"].isna().all()
    # exactly the drops where the flaky method's own generator says so
    expected = []
    for p, x in enumerate((4.0, 8.0)):
        for d in range(10):
            key = draw(x, seeding.drop_rng(2, "toy", p, d))["key"]
            if seeding.method_rng(key, "flaky").random() < 0.2:
                expected.append((p, d))
    assert list(failed[["point", "drop"]].itertuples(index=False, name=None)) == expected


def _broken_draw(x, rng):
    if rng.random() < 0.5:
        raise ValueError("no channel today")
    return draw(x, rng)


def test_a_failing_draw_fails_every_method_of_that_drop():
    study = make(values=(4.0,), drops=8)
    study = Study(**{**study.__dict__, "draw": _broken_draw})
    table = run(study, seed=0, workers=1)
    bad = table[table["error"].fillna("").str.startswith("ValueError while drawing: no channel")]
    assert len(bad) > 0 and len(table) == 8 * 3
    assert (bad.groupby("drop")["method"].count() == 3).all()


@pytest.mark.slow
def test_serial_processes_and_dask_give_identical_tables(reduced):
    study = make(values=(4.0, 8.0), drops=4 if reduced else 10)
    serial = run(study, seed=5, workers=1)
    pool = run(study, seed=5, workers=2, chunk=1)
    dask = run(study, seed=5, workers=2, scheduler={"n_workers": 2, "threads_per_worker": 1})
    _same(serial, pool)
    _same(serial, dask)
    _same(serial, run(study, seed=5, workers=1, chunk=3))
    assert not serial.equals(run(study, seed=6, workers=1))


def test_resume_adds_only_missing_rows(tmp_path):
    study = make(values=(4.0, 8.0), drops=6)
    first = run(study, drops=3, seed=1, workers=1, out=tmp_path)
    full = run(study, drops=6, seed=1, workers=1, out=tmp_path)
    _same(full, run(study, drops=6, seed=1, workers=1))
    # rows of the first run were kept, not recomputed: their measured seconds are unchanged
    kept = full.merge(first, on=["point", "drop", "method"], suffixes=("", "_first"))
    assert len(kept) == len(first)
    np.testing.assert_array_equal(kept["seconds"], kept["seconds_first"])
    again = run(study, drops=6, seed=1, workers=1, out=tmp_path)
    pd.testing.assert_frame_equal(again, full)
    assert json.loads((tmp_path / "meta.json").read_text())["drops"] == 6


def test_out_holding_another_run_is_refused_untouched(tmp_path):
    run(make(values=(4.0,), drops=2), seed=1, workers=1, out=tmp_path)
    meta = (tmp_path / "meta.json").read_text()
    with pytest.raises(ParameterError, match="differs in seed"):
        run(make(values=(4.0,), drops=2), seed=2, workers=1, out=tmp_path)
    with pytest.raises(ParameterError, match="differs in sweep"):
        run(make(values=(8.0,), drops=2), seed=1, workers=1, out=tmp_path)
    assert (tmp_path / "meta.json").read_text() == meta


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"drops": 0}, ParameterError, "drops must be in"),
    ({"workers": 0}, ParameterError, "workers must be in"),
    ({"seed": -1}, ParameterError, "seed must be in"),
    ({"seed": 1.5}, ParameterTypeError, "seed must be an integer"),
    ({"quick": "yes"}, ParameterTypeError, "quick must be a bool"),
    ({"scheduler": "local:0"}, ParameterError, "local:N"),
    ({"scheduler": 3}, ParameterTypeError, "scheduler must be"),
])
def test_bad_arguments_raise_before_anything_is_written(tmp_path, kwargs, error, match):
    out = tmp_path / "r"
    with pytest.raises(error, match=match):
        run(make(), out=out, **kwargs)
    assert not out.exists()


def test_unknown_study_name_lists_known_ones():
    with pytest.raises(ParameterError, match="unknown study 'nope'; known studies"):
        run("nope")


def _crashing_solve(inst, method):
    if method == "null":
        os._exit(3)  # a worker dying without a Python exception (segfault, OOM kill)
    return solve(inst, method)


@pytest.mark.slow
def test_a_dying_worker_raises_and_keeps_finished_rows(tmp_path):
    study = make(values=(4.0,), drops=4)
    study = Study(**{**study.__dict__, "solve": _crashing_solve, "methods": ("mrt", "null"),
                     "name": "toy-crash"})
    with pytest.raises(WorkerError, match="re-run|run the same command again"):
        run(study, seed=0, workers=2, chunk=1, out=tmp_path)
    table = ResultsStore(tmp_path).read()  # readable after the crash
    assert set(table["method"]) <= {"mrt"}


_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from experiments_toy import make
from fastsec.experiments import run

if __name__ == "__main__":
    run(make(delay_s=0.01, values=(4.0, 8.0, 16.0), drops={drops}), seed=9, workers=2,
        out={out!r}, chunk=2, flush_seconds=0.05)
"""


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_killed_run_resumes_to_the_uninterrupted_table(tmp_path, sig, reduced):
    drops = 20 if reduced else 40
    out = tmp_path / "r"
    script = tmp_path / "study.py"
    script.write_text(textwrap.dedent(_SCRIPT.format(tests=str(TESTS), out=str(out),
                                                     drops=drops)))
    total = 3 * drops * 3
    proc = subprocess.Popen([sys.executable, str(script)], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    snapshots = []
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if (out / "meta.json").exists():
                t = ResultsStore(out).read()  # readable at every moment
                assert not t.duplicated(["point", "drop", "method"]).any()
                snapshots.append(len(t))
                if len(t) >= total // 4:
                    break
            time.sleep(0.02)
        assert proc.poll() is None, "the run finished before it could be killed"
        os.killpg(proc.pid, sig)  # the run and its worker processes, as a terminal would
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if sig == signal.SIGINT:
        assert proc.returncode != 0
        assert b"KeyboardInterrupt" in proc.stderr.read()
    proc.stderr.close()
    interrupted = ResultsStore(out).read()
    assert snapshots == sorted(snapshots)  # rows only ever get added
    assert total // 4 <= len(interrupted) < total
    assert not interrupted.duplicated(["point", "drop", "method"]).any()

    resumed = run(make(delay_s=0.01, values=(4.0, 8.0, 16.0), drops=drops), seed=9,
                  workers=1, out=out)
    reference = run(make(values=(4.0, 8.0, 16.0), drops=drops), seed=9, workers=1)
    assert len(resumed) == total
    _same(resumed, reference)
    kept = resumed.merge(interrupted, on=["point", "drop", "method"], suffixes=("", "_old"))
    assert len(kept) == len(interrupted)
    np.testing.assert_array_equal(kept["seconds"], kept["seconds_old"])  # skipped, not redone


def test_history_columns_survive_the_store(tmp_path):
    table = run(make(values=(4.0,), drops=2), seed=0, workers=1, out=tmp_path)
    ok = table[table["error"].isna()]
    for row in ok.itertuples():
        np.testing.assert_array_equal(row.history, [0.5 * row.secrecy_rate, row.secrecy_rate])


def test_partial_solve_keeps_study_picklable():
    import pickle

    study = make(delay_s=0.0)
    assert isinstance(pickle.loads(pickle.dumps(study)).solve, partial)


def _threads_solve(inst, method):
    import numba
    from threadpoolctl import threadpool_info

    return {"secrecy_rate": 0.0, "numba_threads": numba.get_num_threads(),
            "blas_threads": max(lib["num_threads"] for lib in threadpool_info())}


@pytest.mark.slow
@pytest.mark.parametrize(("workers", "scheduler"), [(1, None), (2, None), (2, "local:2")],
                         ids=["serial", "processes", "dask"])
def test_chunks_run_one_blas_thread_and_workers_one_numba_thread(workers, scheduler):
    # Threads and processes compose (issue 14 item 3): every chunk pins BLAS to one thread;
    # pool workers and Dask tasks run Numba on one thread, a serial run keeps the caller's.
    if scheduler is not None:
        pytest.importorskip("distributed")
    study = make(values=(4.0,), drops=2)
    study = Study(**{**study.__dict__, "solve": _threads_solve, "name": "toy-threads"})
    caller_numba = numba.get_num_threads()
    with threadpool_limits(limits=2):
        assert max(lib["num_threads"] for lib in threadpool_info()) == 2
        table = run(study, seed=0, workers=workers, chunk=1, scheduler=scheduler)
        # the caller's settings are back once the run returns
        assert max(lib["num_threads"] for lib in threadpool_info()) == 2
    assert numba.get_num_threads() == caller_numba
    assert (table["blas_threads"] == 1).all()
    want = caller_numba if workers == 1 else 1
    assert (table["numba_threads"] == want).all()


def _pinned_study(name: str, x: float, methods: tuple[str, ...]) -> Study:
    base = registry.get(name)
    return dataclasses.replace(base, name=f"{name}-pinned", methods=methods,
                               sweep=Sweep(base.sweep.name, (x,), base.sweep.unit))


@pytest.mark.slow
@pytest.mark.parametrize(("name", "x", "methods"), [
    # K_R = 10 dB; "direct" differs in the last digits of `objective` between one and two
    # OpenBLAS threads (measured on the 2-core dev machine), closed_form and bfom are cheap
    ("aauc-fig3a", 10.0, ("closed_form", "bfom", "direct")),
    ("oam-fig3", 20.0, ("proposed", "pa_ris_mimo", "no_an", "random_phase")),
])
def test_real_studies_are_bit_identical_serially_on_workers_and_on_dask(name, x, methods):
    study = _pinned_study(name, x, methods)
    with threadpool_limits(limits=2):  # a caller whose BLAS runs two threads
        serial = run(study, drops=2, seed=3, workers=1)
    pool = run(study, drops=2, seed=3, workers=2, chunk=1)
    dask = run(study, drops=2, seed=3, workers=2, scheduler="local:2")
    assert len(serial) == 2 * len(methods) and serial["error"].isna().all()
    _same(serial, pool)
    _same(serial, dask)


@pytest.mark.parametrize(("drops", "workers"), [(1, 2), (50, 2), (400, 8), (5000, 2)])
def test_plan_covers_every_pending_drop_once_in_shrinking_chunks(drops, workers):
    study = make(values=(4.0, 8.0, 16.0), drops=drops)
    done = {(1, d, m) for d in range(0, drops, 3) for m in study.methods[:2]}
    chunks = _plan(study, (4.0, 8.0, 16.0), drops, done, workers, None)
    planned = [(c.point, d, todo) for c in chunks for d, todo in c.todo]
    expect = [(p, d, tuple(m for m in study.methods if (p, d, m) not in done))
              for p in range(3) for d in range(drops)]
    assert planned == expect  # each (point, drop) once, in order, with what is missing
    sizes = [len(c.todo) for c in chunks]
    assert all(c.x == (4.0, 8.0, 16.0)[c.point] for c in chunks)
    # guided: never above MAX_CHUNK, never growing except where a point ends, and the last
    # `workers` chunks are single drops, so the workers finish within one drop of each other
    assert max(sizes) <= MAX_CHUNK
    assert sizes[-workers:] == [1] * min(workers, len(sizes))
    assert all(sizes[i] <= sizes[i - 1] for i in range(1, len(chunks))
               if chunks[i].point == chunks[i - 1].point)
    # few chunks: full ones while the cap binds, then a geometric tail
    bound = 3 + 3 * drops / MAX_CHUNK + GUIDED_SHARE * workers * (1 + math.log(3 * drops))
    assert len(chunks) <= bound


def test_plan_with_a_fixed_chunk():
    study = make(values=(4.0, 8.0), drops=7)
    chunks = _plan(study, (4.0, 8.0), 7, set(), 2, 3)
    assert [(c.point, len(c.todo)) for c in chunks] == [(0, 3), (0, 3), (0, 1), (1, 3), (1, 3),
                                                        (1, 1)]
