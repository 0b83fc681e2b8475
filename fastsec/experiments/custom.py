"""Custom studies: a registered study under a preset, field overrides and another sweep.

:func:`customise` derives a new :class:`~fastsec.experiments.study.Study` from a registered
one before anything runs (``fastsec run STUDY --preset NAME --set FIELD=VALUE --sweep
FIELD=V1,V2``, ``fastsec.experiments.run(..., preset=, overrides=, sweep=)``):

* a **preset** is a named set of scenario-field overrides (``study.presets``; for the OAM
  studies :data:`fastsec.oam.PRESETS`);
* **overrides** set scenario fields (``study.scenario``'s dataclass fields) on top of the
  study's own settings and the preset;
* a **sweep** ``{FIELD: values}`` replaces the study's x-axis: ``FIELD`` is the study's sweep
  name (new values, same fields, e.g. ``K_R`` or ``Q``) or any numeric scenario field (which
  the sweep then sets instead of the study's own sweep fields).

Everything is validated before any work: unknown fields, values of the wrong type and
scenarios the dataclass rejects (every sweep point is built once) raise
:class:`~fastsec.errors.ParameterError` / :class:`~fastsec.errors.ParameterTypeError`.
The derived study keeps its name (so its draws are the registered study's: common random
numbers) and records ``preset`` and ``overrides``; the runner writes both, and the sweep, to
``meta.json`` and resumes only a run with the same ones.

A customisable study's ``draw`` is a :func:`functools.partial` with keywords ``settings``
(scenario field -> value) and, unless its sweep is not a scenario field (Fig. 7's transmit
SNR), ``fields`` (the scenario fields set to the sweep value, converted by :func:`coerce`).
"""

from __future__ import annotations

import ast
import dataclasses
import math
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from fastsec.errors import ParameterError, ParameterTypeError
from fastsec.experiments.study import Study, Sweep

#: Unit of a swept field, from the suffix of its name (fields say their unit in the name).
UNIT_SUFFIXES = (("_dbm", "dBm"), ("_db", "dB"), ("_rad", "rad"), ("_m", "m"))


def _annotation(cls: type, name: str) -> str:
    return str(next(f.type for f in dataclasses.fields(cls) if f.name == name))


def field_names(cls: type) -> tuple[str, ...]:
    """Return the fields of the scenario dataclass ``cls`` that a study may override."""
    return tuple(f.name for f in dataclasses.fields(cls) if f.init)


def _kind(cls: type, name: str) -> str:
    """``"bool"``, ``"int"``, ``"float"``, ``"str"`` or ``"tuple"``: the field's value type."""
    default = next(f.default for f in dataclasses.fields(cls) if f.name == name)
    if default is not None and not isinstance(default, type(dataclasses.MISSING)):
        return "tuple" if isinstance(default, tuple) else type(default).__name__
    text = _annotation(cls, name)
    return next(k for k in ("tuple", "bool", "int", "float", "str") if k in text)


def _parse(text: str) -> Any:
    """Parse a command-line value: a Python literal if it is one, else the text itself."""
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    if low == "none":
        return None
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def coerce(cls: type, name: str, value: Any) -> Any:
    """Return ``value`` converted to the type of field ``name`` of dataclass ``cls``.

    Strings are parsed first (``"40"``, ``"-50.5"``, ``"true"``, ``"(0, 0, 30)"``,
    ``"none"``); an integer field takes only integral numbers, a float field any real one.

    Raises
    ------
    ParameterError
        ``name`` is not a field of ``cls`` (the message lists the fields).
    ParameterTypeError
        ``value`` does not fit the field's type.

    """
    if name not in field_names(cls):
        raise ParameterError(f"{name!r} is not a field of {cls.__module__}.{cls.__name__}; "
                             f"fields: {', '.join(field_names(cls))}")
    kind = _kind(cls, name)
    if isinstance(value, str) and kind != "str":
        value = _parse(value)
    if value is None and "None" in _annotation(cls, name):
        return None
    bad = ParameterTypeError(f"{name} must be a {kind}, got {value!r}")
    if kind == "str":
        if isinstance(value, str):
            return value
        raise bad
    if kind == "bool":
        if isinstance(value, bool) or value in (0, 1):
            return bool(value)
        raise bad
    if kind == "tuple":
        if isinstance(value, Sequence) and not isinstance(value, str):
            return tuple(value)
        raise bad
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad
    if kind == "int":
        if not float(value).is_integer():
            raise bad
        return int(value)
    return float(value)


def _unit(name: str) -> str:
    return next((unit for suffix, unit in UNIT_SUFFIXES if name.endswith(suffix)), "")


def _scenario(study: Study) -> type:
    if study.scenario is None:
        raise ParameterError(f"study {study.name!r} takes no --preset, --set or --sweep (it "
                             f"declares no scenario)")
    return study.scenario


def _settings(study: Study) -> tuple[dict[str, Any], tuple[str, ...] | None]:
    draw = study.draw
    if study.scenario is None or not isinstance(draw, partial) or "settings" not in draw.keywords:
        raise ParameterError(f"study {study.name!r} takes no --preset, --set or --sweep (it "
                             f"declares no scenario)")
    fields = draw.keywords.get("fields")
    return dict(draw.keywords["settings"]), (tuple(fields) if fields is not None else None)


def _check_preset(study: Study, preset: str) -> Mapping[str, Any]:
    if not study.presets:
        raise ParameterError(f"study {study.name!r} has no presets; allowed: none")
    if not isinstance(preset, str) or preset not in study.presets:
        raise ParameterError(f"preset must be one of {sorted(study.presets)} for study "
                             f"{study.name!r}, got {preset!r}")
    return study.presets[preset]


def _new_sweep(study: Study, fields: tuple[str, ...] | None, sweep: Mapping[str, Any]
               ) -> tuple[Sweep, tuple[str, ...] | None]:
    cls = _scenario(study)
    if not isinstance(sweep, Mapping) or len(sweep) != 1:
        raise ParameterTypeError(f"sweep must be a mapping of one field to its values, got "
                                 f"{sweep!r}")
    (name, values), = sweep.items()
    if isinstance(values, str):
        values = [_parse(v) for v in values.split(",") if v.strip()]
    if not isinstance(values, Sequence) or not values:
        raise ParameterTypeError(f"sweep {name!r} needs a non-empty list of values, got "
                                 f"{values!r}")
    if name == study.sweep.name:
        new_fields, unit = fields, study.sweep.unit
        check = fields[0] if fields else None
    else:
        if fields is None:
            raise ParameterError(f"study {study.name!r} sweeps {study.sweep.name!r}, which is "
                                 f"not a scenario field; --sweep may only give it new values")
        coerce(cls, name, 0)  # a numeric field of the scenario (else it raises)
        new_fields, unit, check = (name,), _unit(name), name
    xs = []
    for v in values:
        if check is not None:
            v = coerce(cls, check, v)
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise ParameterTypeError(f"sweep {name!r} values must be finite numbers, got {v!r}")
        xs.append(float(v))
    return Sweep(name, tuple(xs), unit), new_fields


def customise(study: Study, preset: str | None = None,
              overrides: Mapping[str, Any] | None = None,
              sweep: Mapping[str, Any] | None = None) -> Study:
    """Return ``study`` under ``preset``, with scenario ``overrides`` and another ``sweep``.

    Parameters
    ----------
    study : Study
        A study with a ``scenario`` (see the module docstring).
    preset : str, optional
        One of ``study.presets``; its overrides apply on top of the study's own settings.
    overrides : Mapping[str, Any], optional
        Scenario field -> value, applied last (strings are parsed, see :func:`coerce`).
        A field the sweep sets cannot be overridden.
    sweep : Mapping[str, Any], optional
        ``{FIELD: values}`` (values a sequence or a comma-separated string): the new x-axis,
        full and quick form alike.

    Returns
    -------
    Study
        ``study`` itself when nothing is given; else a study of the same name and methods
        whose ``preset`` and ``overrides`` record what was applied.

    Raises
    ------
    ParameterError, ParameterTypeError
        An unknown preset or field, a value of the wrong type, a scenario the dataclass
        rejects at some sweep point.

    """
    if preset is None and not overrides and not sweep:
        return study
    if overrides is not None and not isinstance(overrides, Mapping):
        raise ParameterTypeError(f"overrides must be a mapping of scenario fields to values, "
                                 f"got {overrides!r}")
    settings, fields = _settings(study)
    if preset is not None:
        settings.update(_check_preset(study, preset))
    cls = _scenario(study)
    new = {name: coerce(cls, name, v) for name, v in (overrides or {}).items()}
    new_sweep, new_fields = _new_sweep(study, fields, sweep) if sweep else (study.sweep, fields)
    clash = sorted(set(new) & set(new_fields or ()))
    if clash:
        raise ParameterError(f"{', '.join(clash)} is swept by study {study.name!r}; give its "
                             f"values with --sweep instead of --set")
    settings.update(new)
    if new_fields is not None:
        for name in new_fields:  # the sweep's fields win over the settings
            settings.pop(name, None)
    _validate(cls, settings, new_fields, new_sweep)
    keywords = {"settings": settings} | ({"fields": new_fields} if new_fields else {})
    plot = study.plot
    if new_sweep.name != study.sweep.name:
        unit = f" ({new_sweep.unit})" if new_sweep.unit else ""
        plot = dataclasses.replace(plot, x_label=f"{new_sweep.name}{unit}")
    notes = ([f"preset {preset}"] if preset else []) + [f"{k} = {v}" for k, v in new.items()]
    if notes:
        plot = dataclasses.replace(plot, title="; ".join(filter(None, [plot.title, *notes])))
    params = dict(study.params) | {"settings": settings}
    if new_fields is not None and "fields" in params:
        params["fields"] = list(new_fields)
    return dataclasses.replace(study, sweep=new_sweep, draw=partial(study.draw, **keywords),
                               plot=plot, params=params, preset=preset, overrides=new)


def _validate(cls: type, settings: Mapping[str, Any], fields: tuple[str, ...] | None,
              sweep: Sweep) -> None:
    """Build the scenario of every sweep point once, so that a bad setting fails now."""
    for x in sweep.values if fields else sweep.values[:1]:
        point = {name: coerce(cls, name, x) for name in fields or ()}
        cls(**settings, **point)


def describe(study: Study) -> str:
    """Return ``fastsec show``'s text: a study's scenario, sweep, methods and drop counts."""
    lines = [f"{study.name}: {study.reproduces}"]
    fields: tuple[str, ...] | None = None
    if study.scenario is not None and isinstance(study.draw, partial):
        settings = dict(study.draw.keywords.get("settings", {}))
        fields = study.draw.keywords.get("fields")
        scenario = study.scenario
        lines.append(f"scenario: {scenario.__module__}.{scenario.__name__} "
                     f"(* = set by the study, preset or --set)")
        for f in dataclasses.fields(scenario):
            if fields and f.name in fields:
                lines.append(f"  {f.name} = swept")
            elif f.name in settings:
                lines.append(f"  {f.name} = {settings[f.name]!r} *")
            else:
                lines.append(f"  {f.name} = {f.default!r}")
    unit = f" [{study.sweep.unit}]" if study.sweep.unit else ""
    sets = f" (sets {', '.join(fields)})" if fields else ""
    lines += [f"sweep: {study.sweep.name}{unit}{sets} = {_values(study.sweep.values)}; "
              f"--quick: {_values(study.sweep.quick)}",
              "methods: " + ", ".join(f"{m} ({study.plot.legend[m]})" for m in study.methods),
              f"drops per point: {study.drops}; --quick: {study.quick_drops}",
              "presets: " + (", ".join(study.presets) if study.presets else "none")]
    if study.preset or study.overrides:
        lines.append(f"applied: preset {study.preset}, overrides {dict(study.overrides)}")
    return "\n".join(lines) + "\n"


def _values(values: tuple[float, ...]) -> str:
    return ", ".join(f"{v:g}" for v in values)


def parse_assignments(items: Sequence[str], option: str) -> dict[str, str]:
    """``["A=1", "B=x"]`` -> ``{"A": "1", "B": "x"}`` (command-line ``--set``/``--sweep``)."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ParameterError(f"{option} takes FIELD=VALUE, got {item!r}")
        out[name.strip()] = value.strip()
    return out

