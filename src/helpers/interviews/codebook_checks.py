"""The codebook's checks on one code and on the hierarchy: fields, parents, cycles and the rules.

The rules are checked by the engine that runs them (RE2, see `patterns`): a pattern it cannot
run, or would run with another meaning than it reads, is refused here with the construct named.
"""

from __future__ import annotations

import re

from ..core.errors import Collector
from .code import Code
from .patterns import keyword_problems, pattern_problems

ID = re.compile(r"[a-z][a-z0-9_]*")
COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
FROM_LIST = re.compile(r"[a-z][a-z0-9_]*#[1-9][0-9]*")


def _rule_line(code: Code, rules, i: int) -> int | None:
    lines = getattr(rules, "lines", ())
    return lines[i] if i < len(lines) else code.line


def _check_code(code: Code, codes: dict[str, Code], errors: Collector, excerpt_ids) -> None:
    """Every check on one code: its fields, its place in the hierarchy, its rules."""
    label = f"code '{code.id}'"
    _check_fields(code, label, errors, excerpt_ids)
    _check_parent(code, codes, label, errors)
    if not code.codable and code.has_rules:
        errors.add(code.line, "rules", f"no rules on {label}, which is not codable", "rules")
    for i, keyword in enumerate(code.keywords):
        _check_keyword(keyword, _rule_line(code, code.keywords, i), label, errors)
    for i, pattern in enumerate(code.patterns):
        _check_pattern(pattern, _rule_line(code, code.patterns, i), label, errors)


def _check_fields(code: Code, label: str, errors: Collector, excerpt_ids) -> None:
    if code.id and not ID.fullmatch(code.id):
        errors.add(
            code.line, "id", "an id of lower-case letters, digits and underscores, starting with a letter", code.id
        )
    if code.colour is not None and not COLOUR.fullmatch(code.colour):
        errors.add(code.line, "colour", f"a colour as #RRGGBB for {label}", code.colour)
    if code.from_list is not None and not FROM_LIST.fullmatch(code.from_list):
        errors.add(code.line, "from_list", f"list_id#item_number for {label}", code.from_list)
    if excerpt_ids is not None and code.example is not None and code.example not in set(excerpt_ids):
        errors.add(code.line, "example", f"an excerpt id of the corpus as the example of {label}", code.example)


def _check_parent(code: Code, codes: dict[str, Code], label: str, errors: Collector) -> None:
    if code.parent is not None and code.parent not in codes:
        errors.add(
            code.line, "parent", f"the id of another code of this codebook as the parent of {label}", code.parent
        )
    if code.parent == code.id:
        errors.add(code.line, "parent", f"a parent other than the code itself ({label})", code.parent)
    if code.section is not None and code.parent is not None:
        errors.add(
            code.line, "section", f"a section only on a theme (a code without parent), not on {label}", code.section
        )


def _check_keyword(keyword: str, line, label: str, errors: Collector) -> None:
    for problem in keyword_problems(keyword):
        errors.add(line, "keywords", f"{problem} in {label}", keyword)


def _check_pattern(pattern: str, line, label: str, errors: Collector) -> None:
    """A pattern must be one RE2 runs as written: compiled, lower case, never matching empty text."""
    for problem in pattern_problems(pattern):
        errors.add(line, "patterns", f"{problem} in {label}", pattern)


def _check_cycles(codes: dict[str, Code], errors: Collector) -> None:
    """A parent chain must end at a theme; report each cycle once, at its first code in file order."""
    reported: set[str] = set()
    for start in codes:
        seen: list[str] = []
        current = start
        while current is not None and current in codes and current not in seen:
            seen.append(current)
            current = codes[current].parent
        if current is not None and current in seen:
            cycle = seen[seen.index(current) :]
            if not reported.intersection(cycle):
                first = min(cycle, key=list(codes).index)
                ring = cycle[cycle.index(first) :] + cycle[: cycle.index(first)] + [first]
                errors.add(
                    codes[first].line,
                    "parent",
                    f"a parent chain that ends at a theme for code '{first}'",
                    "a cycle " + " -> ".join(ring),
                )
                reported.update(cycle)
