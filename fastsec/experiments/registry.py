"""Name -> :class:`~fastsec.experiments.study.Study` for every registered paper figure."""

from __future__ import annotations

import importlib

from fastsec.errors import ParameterError
from fastsec.experiments.study import Study

#: Modules whose ``STUDIES`` tuple holds built-in paper-figure studies (imported on first use,
#: so that ``import fastsec.experiments`` stays light for worker processes).
BUILTIN_MODULES = ("fastsec.experiments.aauc_figures", "fastsec.experiments.oam_figures")

_STUDIES: dict[str, Study] = {}
_loaded = False


def _load_builtin() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for module in BUILTIN_MODULES:
            for study in importlib.import_module(module).STUDIES:
                register(study)


def register(study: Study) -> Study:
    """Add ``study`` under its name; a name may be registered only once."""
    _load_builtin()
    if study.name in _STUDIES:
        raise ParameterError(f"a study named {study.name!r} is already registered")
    _STUDIES[study.name] = study
    return study


def unregister(name: str) -> None:
    """Remove a registered study (tests register throw-away studies)."""
    _STUDIES.pop(name, None)


def names() -> list[str]:
    """Return the registered study names, sorted."""
    _load_builtin()
    return sorted(_STUDIES)


def get(name: str) -> Study:
    """Return the study registered as ``name``; an unknown name lists the known ones."""
    _load_builtin()
    try:
        return _STUDIES[name]
    except (KeyError, TypeError):
        known = ", ".join(names()) or "none registered"
        raise ParameterError(f"unknown study {name!r}; known studies: {known}") from None
