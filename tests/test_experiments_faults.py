"""Fault injection into study runs: damaged stores, killed runs, concurrent runs, entry points.

Every test ends by comparing with an uninterrupted serial run of the same study and seed
(the reference), bit for bit except the measured seconds. Process checks read /proc: a run
is started in its own session, and "no process left" means no live (non-zombie) process of
that session's process group.
"""

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from experiments_toy import make, solve

from fastsec.errors import RunWarning
from fastsec.experiments import ResultsStore, run, runner
from fastsec.experiments.runner import WorkerError
from fastsec.experiments.study import Study

TESTS = Path(__file__).parent
VALUES = (4.0, 8.0, 16.0)
#: Seconds a killed run's workers and helpers may take to end.
GRACE_S = 10.0
#: Seconds per toy solve in the killed runs: long enough that a run signalled after a
#: quarter of its rows (≈ 1 s of work) is still running when the signal lands, even when the
#: test's polling is slowed by a loaded machine.
DELAY_S = 0.03


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Tables equal bit for bit except the measured wall seconds."""
    pd.testing.assert_frame_equal(a.drop(columns="seconds"), b.drop(columns="seconds"),
                                  check_exact=True)


def _reference(drops: int) -> pd.DataFrame:
    return run(make(values=VALUES, drops=drops), seed=9, workers=1)


# --------------------------------------------------------------------------- the store heals


def _part_files(out: Path) -> list[Path]:
    return sorted((out / "parts").glob("part-*.parquet"))


@pytest.fixture
def many_parts(tmp_path, monkeypatch):
    """A finished 3-point x 4-drop toy run whose rows lie in one part per chunk (not compacted)."""
    out = tmp_path / "r"
    with monkeypatch.context() as m:
        m.setattr(ResultsStore, "compact", ResultsStore.read)
        run(make(values=VALUES, drops=4), seed=9, workers=1, out=out, chunk=1, flush_seconds=0)
    assert len(_part_files(out)) == 3 * 4
    return out


def _truncate(out: Path) -> None:
    part = _part_files(out)[5]
    part.write_bytes(part.read_bytes()[: part.stat().st_size // 2])


def _corrupt(out: Path) -> None:
    # flip bytes inside the data pages; the footer still parses, the page checksums do not
    part = _part_files(out)[5]
    data = bytearray(part.read_bytes())
    for i in range(8, 40):
        data[i] ^= 0xFF
    part.write_bytes(bytes(data))


def _empty(out: Path) -> None:
    _part_files(out)[5].write_bytes(b"")


def _foreign(out: Path) -> None:
    # a part of a run with another seed, copied in (as by a careless rsync)
    other = out.parent / "other"
    run(make(values=VALUES, drops=4), seed=1, workers=1, out=other)
    shutil.copy(_part_files(other)[0], out / "parts" / "part-0-copied.parquet")


def _meta_corrupt(out: Path) -> None:
    (out / "meta.json").write_text('{"study": "toy", "se')


def _meta_garbage(out: Path) -> None:
    (out / "meta.json").write_bytes(b"\x00\xff" * 10)


@pytest.mark.parametrize(("damage", "message", "aside"), [
    (_truncate, "is unreadable", 1),
    (_corrupt, "is unreadable", 1),
    (_empty, "is unreadable", 1),
    (_foreign, "was written by another run", 1),
    (_meta_corrupt, "meta.json is unreadable", 0),
    (_meta_garbage, "meta.json is unreadable", 0),
    (lambda out: (out / "meta.json").unlink(), "meta.json is missing", 0),
])
def test_a_damaged_store_is_reported_in_one_line_and_healed(many_parts, damage, message,
                                                            aside):
    out = many_parts
    damage(out)
    with pytest.warns(RunWarning) as record:
        healed = run(make(values=VALUES, drops=4), seed=9, workers=1, out=out)
    messages = [str(w.message) for w in record]
    assert len(messages) == 1 and message in messages[0] and "\n" not in messages[0], messages
    _same(healed, _reference(4))
    assert len(list((out / "quarantine").glob("*"))) == aside  # set aside, not deleted
    # healed for good: the next run finds nothing to report and nothing to compute
    again = run(make(values=VALUES, drops=4), seed=9, workers=1, out=out)
    pd.testing.assert_frame_equal(again, healed)


def test_a_deleted_part_is_recomputed_and_the_rest_kept(many_parts):
    out = many_parts
    kept = ResultsStore(out).read()
    lost = _part_files(out)[7]
    lost_rows = len(pd.read_parquet(lost))
    lost.unlink()
    healed = run(make(values=VALUES, drops=4), seed=9, workers=1, out=out)
    _same(healed, _reference(4))
    both = healed.merge(kept, on=["point", "drop", "method"], suffixes=("", "_old"))
    same_seconds = both["seconds"] == both["seconds_old"]
    assert same_seconds.sum() == len(kept) - lost_rows  # the rest was not recomputed


def test_a_reader_skips_a_damaged_part_without_moving_it(many_parts):
    _truncate(many_parts)
    with pytest.warns(RunWarning, match="is unreadable.*skipped"):
        table = ResultsStore(many_parts).read()
    assert len(table) == 3 * 4 * 3 - 3
    assert len(_part_files(many_parts)) == 3 * 4 and not (many_parts / "quarantine").exists()


def test_a_torn_temporary_file_of_a_killed_writer_is_ignored_and_removed(many_parts):
    stale = many_parts / "parts" / ".tmp-dead-part-x.parquet"
    stale.write_bytes(b"PAR1 torn")
    _same(run(make(values=VALUES, drops=4), seed=9, workers=1, out=many_parts), _reference(4))
    assert not stale.exists()


# ------------------------------------------------------------------ killed and concurrent runs


def test_each_finished_chunk_is_stored_before_the_next_is_asked_for(tmp_path, monkeypatch):
    # kill -9 may land between any two chunks: by then every finished chunk must be on disk
    out, on_disk = tmp_path / "r", []
    serial = runner._serial

    def watched(study, seed, chunks):
        for columns in serial(study, seed, chunks):
            yield columns  # resumes only when the run asks for the next chunk
            on_disk.append(len(ResultsStore(out).read()))

    monkeypatch.setattr(runner, "_serial", watched)
    run(make(values=VALUES, drops=4), seed=9, workers=1, out=out, chunk=1)
    methods = len(make(values=VALUES, drops=4).methods)
    assert on_disk == [methods * (i + 1) for i in range(3 * 4)]


def _live_in_group(pgid: int) -> list[str]:
    """Command lines of the live (not zombie) processes of process group ``pgid``."""
    live = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            cmd = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            live.append(cmd)
    return live


def _assert_group_ends(pgid: int) -> None:
    deadline = time.monotonic() + GRACE_S
    while (left := _live_in_group(pgid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, f"processes left {GRACE_S} s after the run ended: {left}"


_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
from experiments_toy import make
from fastsec.experiments import run

if __name__ == "__main__":
    run(make(delay_s={delay}, values={values!r}, drops={drops}, log={log!r}), seed=9,
        workers={workers}, scheduler={scheduler!r}, out={out!r}, chunk=2, flush_seconds=0.05)
"""


def _script(tmp_path: Path, drops: int, workers: int = 2, scheduler: str | None = None,
            name: str = "study.py") -> Path:
    script = tmp_path / name
    script.write_text(textwrap.dedent(_SCRIPT.format(
        tests=str(TESTS), delay=DELAY_S, values=VALUES, drops=drops, workers=workers,
        scheduler=scheduler, out=str(tmp_path / "r"), log=str(tmp_path / "calls.log"))))
    return script


def _start(args: list[str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(args, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def _wait_for_rows(out: Path, rows: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if (out / "meta.json").exists() and len(ResultsStore(out).read()) >= rows:
            return
        time.sleep(0.05)
    raise AssertionError(f"the run ended or stalled before {rows} rows: "
                         f"{proc.poll()}, {proc.stderr.read() if proc.poll() is not None else ''}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _signal_midway(proc: subprocess.Popen, out: Path, rows: int, sig: int) -> str:
    """Send ``sig`` to the run ``proc`` once ``rows`` rows are stored; check that no process
    of its group is left; return its stderr."""
    try:
        _wait_for_rows(out, rows, proc)
        os.kill(proc.pid, sig)
        proc.wait(timeout=60)
        _assert_group_ends(proc.pid)
    finally:
        _stop(proc)
    err = proc.stderr.read()
    proc.stderr.close()
    return err


def _check_resumes(out: Path, drops: int, interrupted: pd.DataFrame) -> None:
    resumed = run(make(delay_s=DELAY_S, values=VALUES, drops=drops), seed=9, workers=1, out=out)
    _same(resumed, _reference(drops))
    kept = resumed.merge(interrupted, on=["point", "drop", "method"], suffixes=("", "_old"))
    assert len(kept) == len(interrupted)
    np.testing.assert_array_equal(kept["seconds"], kept["seconds_old"])  # skipped, not redone


@pytest.mark.slow
@pytest.mark.parametrize("scheduler", [None, "local:2"], ids=["processes", "dask"])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_run_leaves_no_process_and_resumes(tmp_path, sig, scheduler, reduced):
    # the signal goes to the run's own process only, as a scheduler or the OOM killer sends
    drops = 20 if reduced else 40
    total = len(VALUES) * drops * 3
    proc = _start([sys.executable, str(_script(tmp_path, drops, scheduler=scheduler))])
    err = _signal_midway(proc, tmp_path / "r", total // 4, sig)
    if sig == signal.SIGTERM:
        assert proc.returncode == 143
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "terminated (SIGTERM); finished rows are saved" in lines[0], err
    else:
        assert proc.returncode == -signal.SIGKILL
    interrupted = ResultsStore(tmp_path / "r").read()
    assert total // 4 <= len(interrupted) < total
    _check_resumes(tmp_path / "r", drops, interrupted)


_CLI = """
import sys
sys.path.insert(0, {tests!r})
from experiments_toy import make
from fastsec import cli
from fastsec.experiments import registry

if __name__ == "__main__":
    registry.register(make(name="toy", delay_s={delay}, values={values!r}, drops={drops}))
    raise SystemExit(cli.main(["run", "toy", "--out", {out!r}, "--workers", "2",
                               "--seed", "9"]))
"""


@pytest.mark.slow
def test_sigterm_to_the_command_exits_143_with_one_line_and_no_process_left(tmp_path, reduced):
    drops = 20 if reduced else 40
    script = tmp_path / "cli.py"
    script.write_text(textwrap.dedent(_CLI.format(tests=str(TESTS), delay=DELAY_S, values=VALUES,
                                                  drops=drops, out=str(tmp_path / "r"))))
    proc = _start([sys.executable, str(script)])
    err = _signal_midway(proc, tmp_path / "r", len(VALUES) * drops * 3 // 4, signal.SIGTERM)
    assert proc.returncode == 143
    last = err.replace("\r", "\n").strip().splitlines()[-1]  # after the progress bar
    assert last == ("fastsec run: terminated (SIGTERM); finished rows are saved, run the same "
                    "command again to resume"), err
    assert "Traceback" not in err
    _check_resumes(tmp_path / "r", drops, ResultsStore(tmp_path / "r").read())


@pytest.mark.slow
def test_concurrent_runs_into_one_directory_compute_each_row_once(tmp_path, reduced):
    drops = 10 if reduced else 20
    script = _script(tmp_path, drops, workers=1)
    procs = [_start([sys.executable, str(script)]) for _ in range(2)]
    try:
        codes = [p.wait(timeout=240) for p in procs]
    finally:
        for p in procs:
            _stop(p)
    errors = [p.stderr.read() for p in procs]
    for p in procs:
        p.stderr.close()
    assert codes == [0, 0], errors
    calls = (tmp_path / "calls.log").read_text().splitlines()
    total = len(VALUES) * drops * 3
    assert len(calls) == len(set(calls)) == total  # every row computed exactly once
    table = ResultsStore(tmp_path / "r").read()
    _same(table, _reference(drops))


# --------------------------------------------------------------- entry points and dying workers


_UNGUARDED = """
import sys
sys.path.insert(0, {tests!r})
from experiments_toy import make
from fastsec.experiments import run

table = run(make(values={values!r}, drops=3), seed=9, workers=2, out={out!r})
print(len(table))
"""


@pytest.mark.parametrize("how", ["unguarded script", "stdin"])
def test_where_workers_cannot_start_the_run_goes_serially_with_one_warning(tmp_path, how):
    code = textwrap.dedent(_UNGUARDED.format(tests=str(TESTS), values=VALUES,
                                             out=str(tmp_path / "r")))
    if how == "stdin":
        done = subprocess.run([sys.executable, "-"], input=code, capture_output=True, text=True,
                              timeout=300, check=False)
        expected = "read from <stdin>"
    else:
        script = tmp_path / "unguarded.py"
        script.write_text(code)
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                              timeout=300, check=False)
        expected = "unguarded.py calls run() at its top level"
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(len(VALUES) * 3 * 3)
    warning = [line for line in done.stderr.splitlines() if "RunWarning" in line]
    assert len(warning) == 1 and expected in warning[0] and "__main__" in warning[0], done.stderr
    assert "Traceback" not in done.stderr
    _same(ResultsStore(tmp_path / "r").read(), _reference(3))


def _crashing_solve(inst, method):
    if method == "null":
        os._exit(3)  # a worker dying without a Python exception (segfault, OOM kill)
    return solve(inst, method)


@pytest.mark.slow
def test_worker_error_says_how_it_died_and_that_a_temporary_out_is_lost():
    study = make(values=(4.0,), drops=4)
    study = Study(**{**study.__dict__, "solve": _crashing_solve, "methods": ("mrt", "null"),
                     "name": "toy-crash"})
    with pytest.raises(WorkerError) as info:
        run(study, seed=0, workers=2, chunk=1)
    message = str(info.value)
    assert "exited with code 3" in message and "temporary directory" in message
    assert "lost" in message and "\n" not in message


_INTERACTIVE = """
import sys, dataclasses
sys.path.insert(0, {tests!r})
from experiments_toy import make, solve
from fastsec.experiments import run

def my_solve(inst, method):  # defined in __main__, as in a notebook cell
    return solve(inst, method)

study = dataclasses.replace(make(values={values!r}, drops=3), solve=my_solve)
run(study, seed=9, workers=2, chunk=1, out={out!r})
"""


@pytest.mark.slow
def test_a_notebook_like_main_uses_workers_with_its_own_functions(tmp_path):
    # `python -c` has a __main__ without a file, as a notebook kernel or a REPL: workers
    # never re-import it, and functions defined there travel by value (cloudpickle)
    code = _INTERACTIVE.format(tests=str(TESTS), values=VALUES, out=str(tmp_path / "r"))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    _same(ResultsStore(tmp_path / "r").read(), _reference(3))


@pytest.mark.parametrize("quiet", [True, False])
def test_resource_tracker_started_by_the_pool_keeps_its_shutdown_race_off_stderr(quiet):
    """A semaphore left registered with loky's tracker (as a killed worker can leave one) makes
    the tracker warn at exit; the tracker the pool starts does not (pool.start_resource_tracker)."""
    code = textwrap.dedent(f"""
        from fastsec.experiments import pool
        from loky.backend import resource_tracker
        if {quiet}:
            pool.start_resource_tracker()
        resource_tracker.register("/loky-fastsec-test-missing", "semlock")
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    # stderr is read to its end, so it holds what the tracker (which shares it) wrote at exit
    assert proc.returncode == 0, proc.stderr
    assert ("resource_tracker" in proc.stderr) is not quiet, proc.stderr
