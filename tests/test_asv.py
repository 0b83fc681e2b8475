"""asv on this checkout: `asv run --python=same --quick` on one small suite, then `asv publish`.

asv saves the results of a ``--python=same`` run only with ``--set-commit-hash`` (the
README's command gives ``$(git rev-parse HEAD)``).

The same commands as the README's dashboard section, with the results, HTML and machine file
written under a temporary directory (a copy of asv.conf.json with those paths changed), so the
test leaves the checkout untouched.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: One small suite (three array sizes of the near-field kernel).
SUITE = r"^oam\.NearFieldKernel"


def _asv(*args, env, cwd):
    asv = shutil.which("asv", path=str(Path(sys.executable).parent)) or "asv"
    return subprocess.run([asv, *args], env=env, cwd=cwd, capture_output=True, text=True)


@pytest.mark.slow
def test_asv_quick_run_then_publish(tmp_path):
    conf = json.loads((ROOT / "asv.conf.json").read_text())
    assert not conf["project_url"].startswith("https://example")  # a link that resolves
    conf.update(repo=str(ROOT), benchmark_dir=str(ROOT / "bench"),
                results_dir=str(tmp_path / "results"), html_dir=str(tmp_path / "html"),
                env_dir=str(tmp_path / "env"))
    config = tmp_path / "asv.conf.json"
    config.write_text(json.dumps(conf))
    env = {**os.environ, "HOME": str(tmp_path)}  # asv's machine file goes to $HOME
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout.strip()
    for args in (["machine", "--yes", "--machine", "ci"],
                 ["run", "--config", str(config), "--python=same", "--quick", "--machine", "ci",
                  "--set-commit-hash", head, "--bench", SUITE, "--show-stderr"],
                 ["publish", "--config", str(config)]):
        done = _asv(*args, env=env, cwd=tmp_path)
        assert done.returncode == 0, (args, done.stdout[-3000:], done.stderr[-3000:])
    (result,) = (tmp_path / "results" / "ci").glob(f"{head[:8]}-*.json")  # saved for HEAD
    assert "oam.NearFieldKernel.time_" in result.read_text()
    assert (tmp_path / "html" / "index.html").is_file()
    assert "NearFieldKernel" in (tmp_path / "html" / "index.json").read_text()
