"""The codebook's checks on one code and on the hierarchy: fields, parents, cycles and the rules.

The rules matter most: a pattern must compile alone and inside the rule coder's one combined
expression, and must not hold a variable part inside an unbounded repeat, the shape that makes a
regular expression backtrack for hours on a text it does not match.
"""

from __future__ import annotations

import re
import re._constants as sre_constants
import re._parser as sre_parse
from typing import TYPE_CHECKING

from ..core.errors import Collector

if TYPE_CHECKING:
    from .codebook import Code

ID = re.compile(r"[a-z][a-z0-9_]*")
COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
FROM_LIST = re.compile(r"[a-z][a-z0-9_]*#[1-9][0-9]*")
# A capital letter not preceded by a backslash: rules match lower-cased text, so it never matches.
UPPER = re.compile(r"(?<!\\)[A-Z]")
# Python's own parser of regular expressions, to find a variable part inside an unbounded repeat.
_MAXREPEAT = sre_constants.MAXREPEAT
_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT)


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
    if UPPER.search(keyword):
        errors.add(line, "keywords", f"a lower-case keyword in {label} (rules match lower-cased text)", keyword)
    if "*" in keyword.rstrip("*") or keyword.endswith("**") or keyword.strip() in ("*", ""):
        errors.add(line, "keywords", f"a keyword with at most one '*', at its end, in {label}", keyword)
    if "\n" in keyword:
        errors.add(line, "keywords", f"a keyword on one line in {label}", keyword)


def _check_pattern(pattern: str, line, label: str, errors: Collector) -> None:
    """A pattern must compile alone and as a branch of the combined expression, and not backtrack without end."""
    for form in (pattern, f"(?:{pattern})(?P<p0>)"):
        try:
            compiled = re.compile(form)
        except re.error as exc:
            where = "" if form == pattern else " inside the rule coder's combined expression (write flags as (?i:...))"
            errors.add(
                line,
                "patterns",
                f"a regular expression that compiles{where} in {label}",
                f"{pattern} ({exc.msg} at position {exc.pos})",
            )
            return
    compiled = re.compile(pattern)
    if compiled.groupindex or re.search(r"\\[1-9]|\(\?P=", pattern):
        errors.add(line, "patterns", f"a pattern without named groups or back-references in {label}", pattern)
    if UPPER.search(pattern):
        errors.add(line, "patterns", f"a lower-case pattern in {label} (rules match lower-cased text)", pattern)
    if compiled.match(""):
        errors.add(line, "patterns", f"a pattern that cannot match empty text in {label}", pattern)
    if "\n" in pattern:
        errors.add(line, "patterns", f"a pattern on one line in {label}", pattern)
    if nested_repeat(pattern):
        errors.add(
            line,
            "patterns",
            f"a pattern without a repeat, optional item or alternatives inside an unbounded repeat in {label} "
            "(such as (?:\\w+\\s?)+, which can take hours on one excerpt); bound the outer repeat, e.g. {0,3}",
            pattern,
        )


def _subpatterns(op, arg) -> list:
    """The parsed sub-patterns of a group, an alternation or a look-around."""
    if op == sre_constants.BRANCH:
        return list(arg[1])
    if op == sre_constants.SUBPATTERN:
        return [arg[-1]]
    if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return [arg[1]]
    return []


def nested_repeat(pattern: str) -> bool:
    """Whether an unbounded repeat holds a variable part (a repeat, an optional item or alternatives).

    That is the shape of catastrophic backtracking: (?:\\w+\\s?)+, (?:a|aa)+ or (?:\\w\\w?)+ can try
    exponentially many ways to split a text that does not match. A bounded repeat ({0,3}) is fine.
    """

    def walk(items, inside: bool) -> bool:
        for op, arg in items:
            if op in _REPEATS:
                low, high, sub = arg
                if inside and high != low:
                    return True
                if walk(sub, inside or high == _MAXREPEAT):
                    return True
            elif op == sre_constants.BRANCH and inside or any(walk(part, inside) for part in _subpatterns(op, arg)):
                return True
        return False

    return walk(sre_parse.parse(pattern), False)


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
