"""The ``fastsec`` command: list, run, plot and report the paper-figure studies.

Exit codes: 0 success; 1 a run stopped by a failure outside the solvers (a worker process
died; finished rows are saved); 2 a usage or environment error: bad arguments, an unknown
study, an unusable results directory or missing results (nothing is written then); 130
interrupted with Ctrl-C, 143 ended by SIGTERM (finished rows are saved). Every error is one
line on stderr, never a traceback; so is every warning (a damaged results part set aside, a
run that went serially).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from fastsec import __version__
from fastsec.errors import FastsecError, ParameterError, ParameterTypeError, RunWarning
from fastsec.experiments import registry
from fastsec.experiments.interrupt import Terminated, sigterm_raises

_DESCRIPTION = """\
Reproduce the figures of the fastsec papers by Monte-Carlo simulation.

A study is one paper figure: a sweep over the figure's x-axis, many random drops (channel
realisations) per point, and every method of the figure's legend run on each drop.
Results go to a directory, one row per (point, drop, method), saved as they finish: stop
a run at any time and run the same command again to continue where it stopped.

typical session:
  fastsec list                                  what can be run
  fastsec run aauc-fig3a --quick                a small version in a few minutes
  fastsec plot results/aauc-fig3a-quick         the figure, as a PNG next to the results
  fastsec report results/aauc-fig3a-quick       the figure's numbers as a Markdown table
"""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit code 2) pointing at ``--help``."""

    def error(self, message: str) -> NoReturn:  # noqa: D102 - argparse hook
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``fastsec`` command."""
    parser = _Parser(prog="fastsec", description=_DESCRIPTION,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"fastsec {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("list", help="list the studies and the figures they reproduce",
                   description="List the studies, the paper figure each reproduces, its "
                               "default number of drops per point and its quick form.")

    run = sub.add_parser(
        "run", help="run (or resume) a study",
        description="Run a study and save one row per (sweep point, drop, method) to a "
                    "results directory as rows finish. Running the same command again "
                    "resumes: finished rows are skipped. The same seed gives the same "
                    "numbers whatever --workers or --scheduler.")
    run.add_argument("study", metavar="STUDY", help="study name (see 'fastsec list')")
    run.add_argument("--drops", type=_positive_int, metavar="N",
                     help="random drops per sweep point (default: the paper's count, or the "
                          "quick form's with --quick)")
    run.add_argument("--quick", action="store_true",
                     help="a reduced form (fewer points and drops) that runs in minutes")
    run.add_argument("--out", metavar="DIR", type=Path,
                     help="results directory (default: results/STUDY, or results/STUDY-quick "
                          "with --quick)")
    run.add_argument("--workers", type=_positive_int, metavar="N",
                     help="parallel worker processes (default: all cores; 1 runs serially)")
    run.add_argument("--scheduler", metavar="ADDR",
                     help="run on Dask: a scheduler address such as tcp://10.0.0.1:8786, or "
                          "'local' / 'local:N' for a Dask cluster on this machine")
    run.add_argument("--seed", type=_seed, default=0, metavar="S",
                     help="root random seed, an integer >= 0 (default: 0)")
    _custom_arguments(run)

    show = sub.add_parser(
        "show", help="print a study's scenario, sweep, methods and drop counts",
        description="Print a study's scenario (every field, those the study sets marked *), "
                    "its sweep, methods, drops per point and presets; with --preset, --set "
                    "and --sweep, those of the custom study 'fastsec run' would run.")
    show.add_argument("study", metavar="STUDY", help="study name (see 'fastsec list')")
    _custom_arguments(show)

    plot = sub.add_parser("plot", help="draw a study's paper figure from its results",
                          description="Draw the paper's figure from a results directory: "
                                      "the mean over drops with a shaded 95% confidence "
                                      "band, the paper's axes and legend, the number of "
                                      "drops per point in the caption.")
    plot.add_argument("results", metavar="RESULTS", type=Path,
                      help="a results directory written by 'fastsec run'")
    plot.add_argument("--out", metavar="FILE", type=Path,
                      help="image file; .png, .pdf or .svg (default: RESULTS/STUDY.png)")

    rep = sub.add_parser("report", help="print a study's numbers as a Markdown table",
                         description="Print the figure's numbers (mean ± 95% confidence "
                                     "interval per sweep point and method) as Markdown.")
    rep.add_argument("results", metavar="RESULTS", type=Path,
                     help="a results directory written by 'fastsec run'")
    return parser


def _custom_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--preset", metavar="NAME",
                        help="run under a named preset of scenario settings ('fastsec show "
                             "STUDY' lists the study's presets)")
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        dest="overrides",
                        help="set a scenario field (repeatable), e.g. --set p_total_dbm=40")
    parser.add_argument("--sweep", metavar="FIELD=V1,V2,...",
                        help="replace the study's sweep: its own sweep name (e.g. K_R=0,20) "
                             "or a numeric scenario field (e.g. N=50,100,200)")


def _custom(args: argparse.Namespace):
    from fastsec.experiments.custom import customise, parse_assignments

    overrides = parse_assignments(args.overrides, "--set")
    sweep = parse_assignments([args.sweep], "--sweep") if args.sweep else None
    return customise(registry.get(args.study), args.preset, overrides, sweep)


def _default_out(study, args: argparse.Namespace) -> Path:
    """results/STUDY[-quick][-PRESET][-custom-HASH]: custom runs never share a directory."""
    name = study.name + ("-quick" if args.quick else "")
    if study.preset:
        name += f"-{study.preset}"
    if args.overrides or args.sweep:
        key = json.dumps([sorted(study.overrides.items()), study.sweep.name,
                          list(study.sweep.values)], default=str)
        name += "-custom-" + hashlib.sha256(key.encode()).hexdigest()[:8]
    return Path("results") / name


def _list() -> int:
    studies = [registry.get(name) for name in registry.names()]
    if not studies:
        print("no studies are registered in this installation")
        return 0
    width = max(len(s.name) for s in studies)
    for s in studies:
        print(f"{s.name:<{width}}  {s.reproduces}  [{s.drops} drops/point; --quick: "
              f"{len(s.sweep.quick)} point(s) x {s.quick_drops} drops]")
    return 0


def _run(args: argparse.Namespace) -> int:
    from fastsec.experiments import runner  # pandas and friends: only for the commands using them

    study = _custom(args)
    out = args.out or _default_out(study, args)
    table = runner.run(study, drops=args.drops, seed=args.seed, workers=args.workers,
                       scheduler=args.scheduler, out=out, quick=args.quick, progress=True)
    failed = int(table["error"].notna().sum())
    print(f"{len(table)} rows in {out}" + (f", {failed} failed (see the 'error' column)"
                                           if failed else ""))
    print(f"next: fastsec plot {out}   or   fastsec report {out}")
    return 0


def _plot(args: argparse.Namespace) -> int:
    try:
        from fastsec.experiments import plots
    except ImportError:
        raise ParameterError("plotting needs matplotlib: pip install 'fastsec[plot]'") from None
    print(plots.plot(args.results, args.out))
    return 0


@contextmanager
def _one_line_warnings(command: str) -> Iterator[None]:
    """Print each warning as one line, ``fastsec COMMAND: warning: ...``, on stderr."""

    def show(message: Any, category: Any, filename: str, lineno: int, file: Any = None,
             line: Any = None) -> None:
        print(f"fastsec {command}: warning: {message}", file=sys.stderr)

    with warnings.catch_warnings():
        warnings.simplefilter("always", RunWarning)  # what the command tells, never an error
        warnings.showwarning = show
        yield


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "list":
        return _list()
    if args.command == "run":
        return _run(args)
    if args.command == "show":
        from fastsec.experiments.custom import describe

        sys.stdout.write(describe(_custom(args)))
        return 0
    if args.command == "plot":
        return _plot(args)
    from fastsec.experiments.markdown import report

    sys.stdout.write(report(args.results))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``fastsec`` with ``argv`` (default ``sys.argv[1:]``); return the exit code.

    SIGTERM is handled from here on as Ctrl-C is: the run stops, finished rows are saved.
    """
    args = build_parser().parse_args(argv)
    prefix = f"fastsec {args.command}:"
    resume = "finished rows are saved, run the same command again to resume"
    try:
        with sigterm_raises(override=True), _one_line_warnings(args.command):
            return _dispatch(args)
    except (ParameterError, ParameterTypeError, OSError) as exc:
        # bad input, or the environment refusing (an unwritable or full disk, a lost file)
        print(f"{prefix} error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prefix} interrupted; {resume}", file=sys.stderr)
        return 130
    except Terminated as exc:
        print(f"{prefix} terminated (SIGTERM); {resume}", file=sys.stderr)
        return int(exc.code or 143)
    except FastsecError as exc:
        print(f"{prefix} error: {exc}", file=sys.stderr)
        return 1
