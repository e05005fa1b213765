"""Checks for notebook parameters, so a bad value stops a run with one clear line.

Each check returns the cleaned value or raises `ParameterError` naming the parameter and what
is allowed. Notebooks call them in the cell right after their `parameters` cell.
"""

from __future__ import annotations

from pathlib import Path

from . import paths
from .errors import ParameterError


def choice(name: str, value, allowed) -> str:
    """`value` must be one of `allowed`.

    >>> choice("base", "row", ["answered", "row"])
    'row'
    """
    if value not in allowed:
        raise ParameterError(name, value, "one of " + ", ".join(repr(a) for a in allowed))
    return value


def probability(name: str, value, low: float = 0.5, high: float = 0.999) -> float:
    """A number strictly between 0 and 1, in [low, high] (a confidence level, say)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= float(value) <= high:
        raise ParameterError(name, value, f"a number from {low} to {high}")
    return float(value)


def existing_dir(name: str, value) -> Path:
    """A folder that exists; relative paths are taken from the project root."""
    if not isinstance(value, (str, Path)) or not str(value).strip():
        raise ParameterError(name, value, "a folder path (relative to the project root, or absolute)")
    path = resolve(value)
    if not path.is_dir():
        raise ParameterError(name, paths.shown(path), "an existing folder")
    return path


def output_dir(name: str, value) -> Path:
    """A folder to write into, created if missing; relative paths are taken from the project root."""
    if not isinstance(value, (str, Path)) or not str(value).strip():
        raise ParameterError(name, value, "a folder path (relative to the project root, or absolute)")
    path = resolve(value)
    path.mkdir(parents=True, exist_ok=True)
    return path


def resolve(value: str | Path) -> Path:
    """A path from a parameter: absolute as given, relative from the project root."""
    path = Path(value)
    return path if path.is_absolute() else paths.ROOT / path


POPULATION_FROM_SURVEY = "survey"


def population_parameter(name: str, value) -> int | str | None:
    """Check a `population_size` parameter: "survey" (take it from survey.yaml), a whole number, or None.

    >>> population_parameter("population_size", "survey")
    'survey'
    >>> population_parameter("population_size", None) is None
    True
    """
    if value is None or value == POPULATION_FROM_SURVEY:
        return value
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ParameterError(
            name,
            value,
            f"{POPULATION_FROM_SURVEY!r} (the size in survey.yaml), a whole number above zero, or None (no correction)",
        )
    return value


def resolve_population(name: str, value, from_survey: int | None, largest_base: int) -> int | None:
    """The population size to use: survey.yaml's for "survey", else the parameter; never below a base.

    >>> resolve_population("population_size", "survey", 353, 105)
    353
    """
    size = from_survey if value == POPULATION_FROM_SURVEY else value
    if size is not None and size < largest_base:
        raise ParameterError(
            name, value, f"a whole number at least {largest_base} (the number of respondents), or None"
        )
    return size
