"""One error type for bad input, naming the file, the line and the column, and what was expected.

Every loader collects the problems it finds and raises a single `DataError` listing them, so a
user sees all of what is wrong with a file at once, never a traceback from deep inside pandas.
"""

from __future__ import annotations

from dataclasses import dataclass
from os import PathLike

from .paths import shown


@dataclass(frozen=True)
class Problem:
    """One violation: where it is (file, line, column) and what was expected there."""

    path: str
    line: int | None
    column: str | None
    expected: str
    found: object = None

    def __str__(self) -> str:
        where = [self.path]
        where.append(f"line {self.line}" if self.line is not None else "no line")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        text = ", ".join(where) + f": expected {self.expected}"
        if self.found is not None:
            text += f", found {self.found!r}"
        return text


class DataError(ValueError):
    """Bad input data. `problems` lists every violation; the message shows them one per line."""

    max_shown = 20

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = [str(p) for p in self.problems[: self.max_shown]]
        more = len(self.problems) - self.max_shown
        if more > 0:
            lines.append(f"... and {more} more problem(s)")
        super().__init__("\n".join(lines))

    @property
    def first(self) -> Problem:
        return self.problems[0]


class DataWarning(UserWarning):
    """Input that loads but looks inconsistent (a user should check it): names file, line and column."""


class ParameterError(ValueError):
    """A bad notebook or build parameter: names the parameter and the allowed values."""

    def __init__(self, name: str, value: object, allowed: str):
        self.name, self.value, self.allowed = name, value, allowed
        super().__init__(f"parameter '{name}' = {value!r} is not allowed: expected {allowed}")


class Collector:
    """Gathers problems for one file, then raises them together."""

    def __init__(self, path: PathLike | str):
        self.path = shown(path)
        self.problems: list[Problem] = []

    def add(self, line, column, expected, found=None) -> None:
        self.problems.append(Problem(self.path, line, column, expected, found))

    def raise_if_any(self) -> None:
        if self.problems:
            raise DataError(self.problems)
