"""The documentation site builds with warnings as errors and covers what issue 16 lists."""

import subprocess
import sys
from pathlib import Path

import pytest

from fastsec.experiments import registry

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["getting-started", "guide-aauc", "guide-oam", "studies", "gallery", "performance",
         "reproducibility", "api"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    pytest.importorskip("sphinx")
    pytest.importorskip("numpydoc")
    out = tmp_path_factory.mktemp("site")
    build = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b",
                            "html", str(ROOT / "docs"), str(out)], capture_output=True,
                           text=True, cwd=ROOT)
    assert build.returncode == 0, build.stdout + build.stderr
    return out


def test_site_builds_with_warnings_as_errors_and_has_every_page(site):
    for page in ["index", *PAGES]:
        assert (site / f"{page}.html").is_file(), page


def test_gallery_shows_every_study_with_its_command(site):
    source = (site / "_sources" / "gallery.rst.txt").read_text()  # the page as written
    html = (site / "gallery.html").read_text()
    for name in registry.names():
        assert f"fastsec run {name} --quick" in source, name
        assert f'src="_images/{name}.png"' in html, name


def test_api_reference_documents_the_public_entry_points(site):
    api = (site / "api.html").read_text()
    for name in ["fastsec.aauc.solve", "fastsec.aauc.AAUCResult", "fastsec.oam.optimize",
                 "fastsec.oam.OAMResult", "fastsec.experiments.runner.run",
                 "fastsec.experiments.custom.customise", "fastsec.errors.ParameterError"]:
        assert f'id="{name}"' in api, name
