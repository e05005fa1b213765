"""Editing a copy of a survey folder to break one thing, and checking the one error names it.

Shared by the survey-loader tests (tests/unit/survey/); `pythonpath = ["tests/support"]` in pyproject.toml.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.core.errors import DataError
from helpers.survey import load_survey


def replace_line(path: Path, old: str, new: str) -> int:
    """Replace the one line equal to `old` with `new` (which may be several lines); return its 1-based number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    hits = [i for i, line in enumerate(lines) if line == old]
    assert len(hits) == 1, f"{old!r} should be on exactly one line of {path.name}, found {len(hits)}"
    lines[hits[0]] = new
    path.write_text("\n".join(lines), encoding="utf-8")
    return hits[0] + 1


def line_of(path: Path, text: str) -> int:
    """The 1-based number of the one line equal to `text`."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines.count(text) == 1
    return lines.index(text) + 1


def load_error(directory: Path) -> DataError:
    with pytest.raises(DataError) as info:
        load_survey(directory)
    return info.value


def assert_names(error: DataError, file: str, line: int | None, column: str | None, expected: str) -> None:
    """The message has 'file, line N, column 'c': expected ...' with `expected` in it."""
    message = str(error)
    where = (
        f"{file}, " + (f"line {line}" if line is not None else "no line") + (f", column '{column}'" if column else "")
    )
    matching = [m for m in message.splitlines() if where in m]
    assert matching, f"no problem at {where!r} in:\n{message}"
    assert any(expected in m.split(": expected ", 1)[-1] for m in matching if ": expected " in m), message
