"""Sphinx configuration of the fastsec documentation site (``pip install -e '.[docs]'``).

Build: ``sphinx-build -W -b html docs docs/_build/html`` (warnings are errors; the test
``tests/test_docs.py`` runs the same build). The gallery page is written here, at build
time, from the study registry, so that it lists every registered study.
"""

from __future__ import annotations

from pathlib import Path

import fastsec
from fastsec.experiments import registry

project = "fastsec"
author = "The fastsec authors"
copyright = "2026, The fastsec authors"  # noqa: A001 - Sphinx's name
release = version = fastsec.__version__

extensions = ["sphinx.ext.autodoc", "sphinx.ext.mathjax", "sphinx.ext.viewcode", "numpydoc"]
root_doc = "index"
exclude_patterns = ["_build", "*.md", "img/README*"]
html_theme = "alabaster"
html_static_path: list[str] = []
nitpicky = False
autodoc_typehints = "none"  # the numpydoc sections give the types, with shapes and units
autodoc_member_order = "bysource"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

_HERE = Path(__file__).parent


def _gallery() -> str:
    lines = ["Gallery", "=======", "",
             "Every study's figure: the quick form's result (4 drops per point for paper 000,",
             "2 starts per point for paper 002, hence the wide bands), drawn by",
             "``fastsec plot``. The command under each figure makes it; drop ``--quick`` for",
             "the paper's drop count.", ""]
    for name in registry.names():
        study = registry.get(name)
        title = f"``{name}``"
        lines += [title, "-" * len(title), "", study.reproduces, "", ".. code-block:: bash", "",
                  f"   fastsec run {name} --quick",
                  f"   fastsec plot results/{name}-quick --out {name}.pdf", ""]
        if (_HERE / "img" / f"{name}.png").is_file():
            lines += [f".. image:: img/{name}.png", f"   :alt: {name}", "   :width: 480px", ""]
    return "\n".join(lines)


def _presets() -> str:
    from fastsec import oam

    lines = []
    for name, fields in oam.PRESETS.items():
        text = ", ".join(f"``{k} = {v!r}``" for k, v in fields.items()) or "the defaults"
        lines.append(f"  - ``{name}``: {text}")
    return "\n".join(lines) + "\n"


(_HERE / "gallery.rst").write_text(_gallery(), encoding="utf-8")
(_HERE / "presets.inc").write_text(_presets(), encoding="utf-8")
