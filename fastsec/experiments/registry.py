"""Name -> :class:`~fastsec.experiments.study.Study` for every registered paper figure."""

from __future__ import annotations

from fastsec.errors import ParameterError
from fastsec.experiments.study import Study

_STUDIES: dict[str, Study] = {}


def register(study: Study) -> Study:
    """Add ``study`` under its name; a name may be registered only once."""
    if study.name in _STUDIES:
        raise ParameterError(f"a study named {study.name!r} is already registered")
    _STUDIES[study.name] = study
    return study


def unregister(name: str) -> None:
    """Remove a registered study (tests register throw-away studies)."""
    _STUDIES.pop(name, None)


def names() -> list[str]:
    """Return the registered study names, sorted."""
    return sorted(_STUDIES)


def get(name: str) -> Study:
    """Return the study registered as ``name``; an unknown name lists the known ones."""
    try:
        return _STUDIES[name]
    except (KeyError, TypeError):
        known = ", ".join(names()) or "none registered"
        raise ParameterError(f"unknown study {name!r}; known studies: {known}") from None
