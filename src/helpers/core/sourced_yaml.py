"""YAML that remembers where each value came from, so validation can name the line.

`load_yaml` returns plain dicts and lists (subclasses) whose `lines` attribute maps each key or
index to its 1-based line in the file. Malformed YAML, an empty file and duplicate keys become a
`DataError` naming the file and line. The files are untrusted (a survey or codebook from a
colleague), so anchors and aliases (`&a`, `*a`) are refused: none of the workbench's files needs
one, and nested aliases let a few kilobytes expand to gigabytes. Nesting is bounded too.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import Collector
from .sourced import SourcedDict, SourcedList
from .text import read_utf8

MAX_BYTES = 5_000_000  # the workbench's YAML files are kilobytes; a bigger one would keep the pure-Python parser busy
MAX_DEPTH = 50  # levels of nesting: far beyond any workbench file, far below Python's recursion limit
NO_ALIASES = "no anchors (&name) or aliases (*name): write the value out where it is used"


class _Refused(yaml.MarkedYAMLError):
    """A construct the workbench refuses, at its mark: `expected` says what to write instead."""

    def __init__(self, expected: str, found: str, mark):
        super().__init__(problem=found, problem_mark=mark)
        self.expected = expected


class _Loader(yaml.SafeLoader):
    """SafeLoader that builds Sourced containers, refuses duplicate keys, aliases and deep nesting."""

    depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(NO_ALIASES, f"the alias *{event.anchor}", event.start_mark)
        if getattr(event, "anchor", None) is not None:
            raise _Refused(NO_ALIASES, f"the anchor &{event.anchor}", event.start_mark)
        if self.depth >= MAX_DEPTH:
            raise _Refused(f"at most {MAX_DEPTH} levels of nesting", "deeper nesting", event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _mapping(loader: _Loader, node: yaml.MappingNode) -> SourcedDict:
    out = SourcedDict()
    out.line = node.start_mark.line + 1
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if isinstance(key, (list, dict, set)):
            raise _Refused("a plain key (text or a number)", "a list or mapping as a key", key_node.start_mark)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {out.lines[key]})", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = line
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> SourcedList:
    out = SourcedList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.lines = [child.start_mark.line + 1 for child in node.value]
    return out


def _timestamp(loader: _Loader, node: yaml.ScalarNode):
    """A YAML date or time; an impossible one (2011-02-30) is an error at its line, not a traceback."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r}, which is not a real date ({exc})", node.start_mark
        ) from None


def _int(loader: _Loader, node: yaml.ScalarNode):
    """A YAML integer; one too long for Python to read (thousands of digits) is an error at its line."""
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError:
        raise _Refused(
            "a whole number of at most 4000 digits", f"{len(node.value)} characters", node.start_mark
        ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_Loader.add_constructor("tag:yaml.org,2002:int", _int)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def load_yaml(path: Path | str) -> SourcedDict:
    """Read a YAML file whose top level is a mapping, with line numbers kept."""
    path = Path(path)
    errors = Collector(path)
    if not path.is_file():
        errors.add(None, None, "the file to exist")
        errors.raise_if_any()
    if path.stat().st_size > MAX_BYTES:
        errors.add(None, None, f"a YAML file of at most {MAX_BYTES:,} bytes", f"{path.stat().st_size:,} bytes")
        errors.raise_if_any()
    text = read_utf8(path, errors)
    if not text.strip():
        errors.add(1, None, "a YAML mapping", "an empty file")
        errors.raise_if_any()
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        _marked(errors, exc)
    except yaml.reader.ReaderError as exc:  # a control character YAML does not allow
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - text.rfind("\n", 0, exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        errors.add(line, f"character {column}", "printable text", f"the control character U+{code:04X}")
        errors.raise_if_any()
    if not isinstance(data, SourcedDict):
        kind = (
            "a list" if isinstance(data, list) else "a single value" if data is not None else "nothing (only comments)"
        )
        errors.add(1, None, "a YAML mapping at the top level (key: value lines)", kind)
        errors.raise_if_any()
    return data


def _marked(errors: Collector, exc: yaml.MarkedYAMLError) -> None:
    """Raise the DataError of a YAML error that knows its place in the file."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    column = f"character {mark.column + 1}" if mark else None
    found = str(exc.problem or exc.context)
    if exc.problem and exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
        found += f" ({exc.context} on line {exc.context_mark.line + 1})"
    errors.add(line, column, exc.expected if isinstance(exc, _Refused) else "valid YAML", found)
    errors.raise_if_any()
