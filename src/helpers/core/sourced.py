"""Mappings and lists read from a file that remember the line of each value, so validation can name it.

Apart from the YAML reader (sourced_yaml.py) so that code checking them need not import PyYAML.
"""

from __future__ import annotations


class SourcedDict(dict):
    """A mapping read from YAML; `lines[key]` is the line of that key, `line` of the mapping."""

    line: int = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines: dict = {}

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)


class SourcedList(list):
    """A sequence read from YAML; `lines[i]` is the line of item i."""

    line: int = 0

    def __init__(self, *args):
        super().__init__(*args)
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if 0 <= index < len(self.lines) else self.line
