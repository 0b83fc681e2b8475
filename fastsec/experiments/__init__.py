"""Monte-Carlo studies of the paper figures: specs, seeding, runners, results, plots.

``run(study, ...)`` runs (or resumes) a registered study into a results directory and returns
its tidy table; ``fastsec.experiments.plots.plot`` (needs matplotlib, the ``plot`` extra) and
``fastsec.experiments.report`` turn a results directory into the paper's figure and a
Markdown table. The ``fastsec`` command (:mod:`fastsec.cli`) wraps them.
"""

import importlib

#: Public name -> the module defining it. Imported on first use (PEP 562), so that worker
#: processes, which need only :mod:`fastsec.experiments.work`, never load pandas or scipy.
_EXPORTS = {
    "PlotSpec": "study", "Study": "study", "Sweep": "study",
    "get": "registry", "names": "registry", "register": "registry",
    "ResultsStore": "store", "report": "markdown", "run": "runner",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"fastsec.experiments.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'fastsec.experiments' has no attribute {name!r}")
