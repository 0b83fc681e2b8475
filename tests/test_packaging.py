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
