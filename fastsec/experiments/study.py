"""What a study is: a sweep (a figure's x-axis) x drops x methods, and how to plot it.

A :class:`Study` is a frozen, picklable specification. Its two callables are module-level
functions (or :func:`functools.partial` of them) so that process-pool and Dask workers can
receive them:

``draw(x, rng) -> instance``
    Draws one random instance (positions, channels, a starting point) for sweep value ``x``
    from ``rng``, a :class:`numpy.random.Generator` seeded for this (study, point, drop).
``solve(instance, method) -> Mapping``
    Runs one method on the instance. It returns the outputs of one tidy row: ``secrecy_rate``
    [bit/s/Hz], ``objective``, ``iterations``, ``converged``, ``solver`` and any extra columns
    (floats, ints, strings or lists of floats). It is deterministic given the instance: a
    method that needs randomness uses :func:`fastsec.experiments.seeding.method_rng` of an
    integer key that ``draw`` drew. The runner measures wall ``seconds`` itself and records
    an exception as the row's ``error`` text.

Two optional callables make a study faster without changing its numbers:

``solve_batch(instances, method) -> list of Mapping``
    The rows of ``solve(instance, method)`` for several instances of one sweep point in one
    call (a batched solver); the runner uses it for the drops of a chunk and gives each row
    the call's wall time divided by the number of drops. If it raises, the runner solves the
    drops one by one, so that each failure is recorded on its own row.
``warm(method)``
    Runs ``method`` once on a small instance, so that compilation (Numba) and first-call
    set-up happen before any timed call; the runner calls it once per process and method.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastsec._validate import check_choice, check_int
from fastsec.errors import ParameterError

#: Axis scales understood by :mod:`fastsec.experiments.plots` (matplotlib names).
SCALES = ("linear", "log")
#: Plot kinds: ``"sweep"`` draws the mean of ``y`` against the sweep value per method;
#: ``"history"`` draws the mean of the list column ``y`` against its index (iteration) per
#: (method, sweep value); ``"positions"`` draws the node positions of the first drop (list
#: columns ``users_x_m``, ``users_y_m``, scalars ``eve_x_m``, ``eve_y_m`` and the helpers'
#: power shares ``helper_share``).
PLOT_KINDS = ("sweep", "history", "positions")


@dataclass(frozen=True)
class Sweep:
    """The x-axis of a figure.

    Attributes
    ----------
    name : str
        Parameter name as the paper writes it (``"K_R"``, ``"N"``, ``"P_total"``).
    values : tuple of float
        The values the paper simulates, in the unit below.
    unit : str
        Unit of ``values`` (``"dB"``, ``"dBm"``, ``"m"``, ``"rad"``; ``""`` for counts).
    quick : tuple of float
        The values of the study's quick form (a subset, or the same values).

    """

    name: str
    values: tuple[float, ...]
    unit: str = ""
    quick: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        if not self.values:
            raise ParameterError(f"sweep {self.name!r} needs at least one value")
        if not self.quick:
            object.__setattr__(self, "quick", tuple(self.values))

    def points(self, quick: bool) -> tuple[float, ...]:
        """Sweep values of the full (``quick=False``) or the quick form."""
        return self.quick if quick else self.values


@dataclass(frozen=True)
class PlotSpec:
    """How the paper draws the figure.

    Attributes
    ----------
    x_label, y_label : str
        The paper's axis labels (units in brackets).
    y : str
        The row column plotted (``"secrecy_rate"``, ``"seconds"``, or a list column for
        ``kind="history"``).
    x_scale, y_scale : {"linear", "log"}
        The paper's axis scales.
    legend : Mapping[str, str]
        Method name -> the paper's legend entry, in the paper's legend order.
    kind : {"sweep", "history"}
        See :data:`PLOT_KINDS`.
    title : str
        Panel title (the paper's panel letter and setting).
    y_range : tuple of (float or None)
        The plotted quantity's range ``(low, high)`` (``None``: unbounded); the confidence
        band is clipped to it, e.g. ``(0.0, None)`` for a secrecy rate [·]^+ or a time.

    Labels, legend entries and the title may use matplotlib mathtext (``"$K_R$ [dB]"``).

    """

    x_label: str
    y_label: str
    legend: Mapping[str, str]
    y: str = "secrecy_rate"
    x_scale: str = "linear"
    y_scale: str = "linear"
    kind: str = "sweep"
    title: str = ""
    y_range: tuple[float | None, float | None] = (None, None)

    def __post_init__(self) -> None:
        check_choice("x_scale", self.x_scale, SCALES)
        check_choice("y_scale", self.y_scale, SCALES)
        check_choice("kind", self.kind, PLOT_KINDS)


@dataclass(frozen=True)
class Study:
    """One paper figure as a Monte-Carlo study.

    Attributes
    ----------
    name : str
        Registry name, e.g. ``"aauc-fig3a"``.
    reproduces : str
        The figure it reproduces, in one line (shown by ``fastsec list``).
    sweep : Sweep
        The x-axis.
    methods : tuple of str
        Methods (legend series) run on every drop, in legend order.
    drops : int
        The paper's number of drops per sweep point (the default).
    quick_drops : int
        Drops per point of the quick form.
    draw, solve : callable
        See the module docstring.
    plot : PlotSpec
        The paper's axes and legend.
    params : Mapping[str, Any]
        JSON-serialisable fixed settings, recorded in the results' metadata.
    scenario : type, optional
        The scenario dataclass whose fields ``draw``'s ``settings`` set; ``None``: the study
        cannot be customised (see :mod:`fastsec.experiments.custom`).
    presets : Mapping[str, Mapping[str, Any]]
        Named scenario-field overrides the study may run under (``--preset``).
    preset : str, optional
        The preset this study runs under (set by :func:`~fastsec.experiments.custom.customise`).
    overrides : Mapping[str, Any]
        Scenario fields set on top of the study's settings and preset (``--set``).
    notes : callable, optional
        ``notes(table) -> list of str``: Markdown lines that ``fastsec report`` adds below
        the table (e.g. a fitted parameter computed from all rows).
    paper_iterations : int, optional
        The iteration count the paper fixes for its iterative methods (paper 000: I = 20,
        Sec. VII). The report and the plot count rows that stopped on their iteration cap;
        those capped at exactly this count are said to have run the paper's count.
    solve_batch, warm : callable, optional
        See the module docstring.

    """

    name: str
    reproduces: str
    sweep: Sweep
    methods: tuple[str, ...]
    drops: int
    quick_drops: int
    draw: Callable[[float, Any], Any]
    solve: Callable[[Any, str], Mapping[str, Any]]
    plot: PlotSpec
    params: Mapping[str, Any] = field(default_factory=dict)
    scenario: type | None = None
    presets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    preset: str | None = None
    overrides: Mapping[str, Any] = field(default_factory=dict)
    notes: Callable[[Any], list[str]] | None = None
    paper_iterations: int | None = None
    solve_batch: Callable[[list[Any], str], Sequence[Mapping[str, Any]]] | None = None
    warm: Callable[[str], None] | None = None

    def __post_init__(self) -> None:
        if not self.methods or len(set(self.methods)) != len(self.methods):
            raise ParameterError(f"study {self.name!r}: methods must be non-empty and distinct")
        check_int("drops", self.drops, 1)
        check_int("quick_drops", self.quick_drops, 1)
        missing = [m for m in self.methods if m not in self.plot.legend]
        if missing:
            raise ParameterError(f"study {self.name!r}: no legend entry for {missing}")
