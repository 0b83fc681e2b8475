"""``kernels/`` is installed as ``fastsec.kernels`` by both editable and regular installs."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_editable_install_maps_kernels_directory():
    import fastsec.kernels._jit as jit_module

    assert Path(jit_module.__file__).resolve().parent == ROOT / "kernels"


@pytest.mark.slow
def test_regular_install_contains_kernels(tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
         str(ROOT)],
        check=True,
        capture_output=True,
    )
    code = ("import pathlib, fastsec.kernels.optim.rcg, fastsec.kernels.aauc.quadrature, "
            "fastsec.kernels.oam.ao, fastsec.reference, fastsec.kernels._jit as m; "
            "print(pathlib.Path(m.__file__).resolve())")
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         env=env, cwd=tmp_path)
    assert Path(out.stdout.strip()).is_relative_to(target.resolve())
    assert (target / "fastsec" / "py.typed").is_file()  # PEP 561: installed with the package


def test_mypy_passes_on_the_package():
    # the configuration ([tool.mypy] in pyproject.toml) names the files: fastsec and kernels
    out = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_typed_package_licence_citation_changelog_and_one_version():
    import tomllib

    import fastsec

    assert (ROOT / "fastsec" / "py.typed").is_file()
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = meta["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert meta["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "fastsec.__version__"}
    from importlib.metadata import version

    assert version("fastsec") == fastsec.__version__
    assert project["license"] == {"text": "MIT"}
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    citation = (ROOT / "CITATION.cff").read_text()
    assert "cff-version: 1.2.0" in citation and "\nversion:" not in citation
    for title in ("Angle Aware User Cooperation for Secure Massive MIMO in Rician Fading Channel",
                  "Double-RIS-Assisted Orbital Angular Momentum Near-Field Secure Communications"):
        assert f'title: "{title}"' in citation
    assert "## [Unreleased]" in (ROOT / "CHANGELOG.md").read_text()


def test_every_public_function_is_fully_annotated():
    # array arguments as numpy.typing.ArrayLike or ndarray, options as Any: py.typed promises it
    import inspect

    import fastsec.aauc
    import fastsec.experiments
    import fastsec.oam

    bare = []
    for module in (fastsec.aauc, fastsec.oam, fastsec.experiments):
        for name in module.__all__:
            obj = getattr(module, name)
            if not inspect.isfunction(obj):
                continue
            sig = inspect.signature(obj)
            bare += [f"{module.__name__}.{name}({p})" for p, v in sig.parameters.items()
                     if v.annotation is inspect.Parameter.empty]
            if sig.return_annotation is inspect.Signature.empty:
                bare.append(f"{module.__name__}.{name} -> ?")
    assert not bare, bare
