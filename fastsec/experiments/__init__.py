"""Monte-Carlo studies of the paper figures: specs, seeding, runners, results, plots.

``run(study, ...)`` runs (or resumes) a registered study into a results directory and returns
its tidy table; ``fastsec.experiments.plots.plot`` (needs matplotlib, the ``plot`` extra) and
``fastsec.experiments.report.report`` turn a results directory into the paper's figure and a
Markdown table. The ``fastsec`` command (:mod:`fastsec.cli`) wraps them.
"""

from fastsec.experiments.registry import get, names, register
from fastsec.experiments.report import report
from fastsec.experiments.runner import run
from fastsec.experiments.store import ResultsStore
from fastsec.experiments.study import PlotSpec, Study, Sweep

__all__ = ["PlotSpec", "ResultsStore", "Study", "Sweep", "get", "names", "register", "report",
           "run"]
