import os
import subprocess
import sys

import pytest
from experiments_toy import make

from fastsec import cli
from fastsec.experiments import ResultsStore, registry


@pytest.fixture
def toy_registered():
    registry.register(make(name="toy-cli", values=(4.0, 8.0), drops=3))
    yield "toy-cli"
    registry.unregister("toy-cli")


def _main(capsys, *argv):
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse's own exits (errors, --help)
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def _one_line_error(err: str) -> None:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "error:" in lines[0], err


@pytest.mark.parametrize("argv", [
    ["run", "no-such-study"],
    ["run", "toy-cli", "--drops", "0"],
    ["run", "toy-cli", "--drops", "-4"],
    ["run", "toy-cli", "--drops", "many"],
    ["run", "toy-cli", "--workers", "0"],
    ["run", "toy-cli", "--seed", "-1"],
    ["run", "toy-cli", "--scheduler", "local:zero"],
    ["run", "toy-cli", "--seed", "1.5"],
    ["run", "toy-cli", "--seed", "99999999999999999999999"],
    ["run", "toy-cli", "--drops", "99999999999999999999"],
    ["run", "toy-cli", "--workers", "99999999"],
    ["run", "toy-cli", "--out", "afile/sub"],
    ["run", "toy-cli", "--out", "afile"],
    ["run", "toy-cli", "--out", "/proc/fastsec-results"],
    ["run", "toy-cli", "--out", "notresults"],
    ["plot", "missing"],
    ["report", "missing"],
    ["plot", "afile"],
    ["run"],
    ["frobnicate"],
    [],
])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, monkeypatch, capsys,
                                                             toy_registered, argv):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("x")
    (tmp_path / "notresults").mkdir()
    (tmp_path / "notresults" / "thesis.tex").write_text("x")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    code, out, err = _main(capsys, *argv)
    assert code == 2
    _one_line_error(err)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into read-only directories")
def test_read_only_out_exits_2(tmp_path, capsys, toy_registered):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    code, _, err = _main(capsys, "run", "toy-cli", "--out", str(locked / "r"))
    assert code == 2 and "not writable" in err
    assert not any(locked.iterdir())


def test_unknown_study_message_lists_the_known_ones(capsys, toy_registered):
    code, _, err = _main(capsys, "run", "aauc-fig99")
    assert code == 2 and "unknown study 'aauc-fig99'" in err and "toy-cli" in err


def test_out_of_another_study_exits_2(tmp_path, capsys, toy_registered):
    out = tmp_path / "r"
    assert _main(capsys, "run", "toy-cli", "--out", str(out), "--workers", "1")[0] == 0
    meta = (out / "meta.json").read_text()
    code, _, err = _main(capsys, "run", "toy-cli", "--out", str(out), "--seed", "3")
    assert code == 2 and "another run" in err
    _one_line_error(err)
    assert (out / "meta.json").read_text() == meta


def test_run_plot_report_list(tmp_path, monkeypatch, capsys, toy_registered):
    monkeypatch.chdir(tmp_path)
    code, out, err = _main(capsys, "run", "toy-cli", "--quick", "--workers", "1")
    assert code == 0
    results = tmp_path / "results" / "toy-cli-quick"
    assert str(results.relative_to(tmp_path)) in out
    assert "row/s" in err or "rows/s" in err or "s/row" in err  # tqdm's rate and ETA
    table = ResultsStore(results).read()
    assert len(table) == 1 * 2 * 3  # quick form: first sweep value, 2 drops, 3 methods
    # resuming a finished run computes nothing and keeps the table
    assert _main(capsys, "run", "toy-cli", "--quick", "--workers", "1")[0] == 0
    assert ResultsStore(results).read()[["point", "drop", "method"]].equals(
        table[["point", "drop", "method"]])

    code, out, _ = _main(capsys, "plot", str(results), "--out", "fig.png")
    assert code == 0 and (tmp_path / "fig.png").stat().st_size > 0
    code, out, _ = _main(capsys, "report", str(results))
    assert code == 0 and out.startswith("# toy-cli:") and "| N |" in out
    code, out, _ = _main(capsys, "list")
    assert code == 0 and any(line.startswith("toy-cli") for line in out.splitlines())


def test_plot_and_report_of_a_non_results_directory_exit_2(tmp_path, capsys):
    for command in ("plot", "report"):
        code, _, err = _main(capsys, command, str(tmp_path))
        assert code == 2 and "holds no fastsec results" in err
        _one_line_error(err)


@pytest.mark.parametrize("meta", ['{"study": "toy-cli", "se', "[1, 2]", '{"study": "toy-cli"}'])
def test_plot_and_report_of_an_unreadable_record_exit_2(tmp_path, capsys, meta):
    (tmp_path / "meta.json").write_text(meta)
    for command in ("plot", "report"):
        code, _, err = _main(capsys, command, str(tmp_path))
        assert code == 2 and "meta.json is unreadable" in err
        _one_line_error(err)


def test_a_damaged_part_is_one_warning_line_and_the_run_heals(tmp_path, capsys, toy_registered):
    out = tmp_path / "r"
    assert _main(capsys, "run", "toy-cli", "--out", str(out), "--workers", "1")[0] == 0
    part = next((out / "parts").glob("*.parquet"))
    part.write_bytes(part.read_bytes()[:100])
    code, stdout, err = _main(capsys, "run", "toy-cli", "--out", str(out), "--workers", "1")
    assert code == 0 and "18 rows" in stdout
    warning = [line for line in err.replace("\r", "\n").splitlines() if "warning" in line]
    assert len(warning) == 1 and warning[0].startswith("fastsec run: warning: results ")
    assert "is unreadable" in warning[0] and "computed again" in warning[0]


def test_python_m_fastsec_help_and_list():
    done = subprocess.run([sys.executable, "-m", "fastsec", "--help"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0
    for word in ("list", "run", "plot", "report", "fastsec run aauc-fig3a --quick"):
        assert word in done.stdout
    done = subprocess.run([sys.executable, "-m", "fastsec", "run", "--help"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0
    for flag in ("--drops", "--quick", "--out", "--workers", "--scheduler", "--seed"):
        assert flag in done.stdout
    done = subprocess.run([sys.executable, "-m", "fastsec", "list"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0 and done.stdout.strip()
