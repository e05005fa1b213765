"""A qualitative codebook (`codebook.yaml`): hierarchical codes with definitions and coding rules.

Each code has an id, a name, an optional parent (a theme has none), a definition, when to use
it and when not, an optional example excerpt, colour, link to the report (`section` for a
theme, `from_list` for a code taken from one of the report's lists) and optional rules for the
rule coder (`keywords`, `patterns`). The codebook is validated like the data: an unknown parent,
a duplicate id, a cycle, a regular expression that does not compile (and the other problems
below) raise one `DataError` naming the file, the line and the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..core.errors import Collector, DataError, ParameterError
from ..core.parameters import resolve
from ..core.paths import shown
from ..core.sourced_yaml import SourcedDict, SourcedList, load_yaml
from .codebook_checks import ID, _check_code, _check_cycles, nested_repeat

CODE_FIELDS = [
    "id",
    "name",
    "parent",
    "section",
    "from_list",
    "codable",
    "colour",
    "definition",
    "use_when",
    "dont_use_when",
    "example",
    "example_quote",
    "near_miss",
    "memo",
    "sets",
    "rules",
]
TEXT_FIELDS = ["definition", "use_when", "dont_use_when", "example_quote", "near_miss", "memo"]
TOP_LEVEL = ("codebook", "codes", "changes")


@dataclass(frozen=True)
class Code:
    """One code of the codebook; `line` is where it starts in its file (None if not from a file)."""

    id: str
    name: str
    parent: str | None = None
    definition: str = ""
    use_when: str = ""
    dont_use_when: str = ""
    example: str | None = None
    colour: str | None = None
    codable: bool = True
    section: int | None = None
    from_list: str | None = None
    keywords: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    example_quote: str = ""
    near_miss: str = ""
    memo: str = ""
    sets: tuple[str, ...] = ()
    line: int | None = field(default=None, compare=False)

    @property
    def has_rules(self) -> bool:
        return bool(self.keywords or self.patterns)


@dataclass
class Codebook:
    """Codes in file order, with the hierarchy's lookups. Build it with `load_codebook` or `build_codebook`."""

    codes: dict[str, Code]
    meta: dict = field(default_factory=dict)
    path: str | None = None

    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, code_id: str) -> bool:
        return code_id in self.codes

    def __getitem__(self, code_id: str) -> Code:
        return self.codes[code_id]

    def __eq__(self, other) -> bool:
        return isinstance(other, Codebook) and list(self.codes.values()) == list(other.codes.values())

    def ids(self) -> list[str]:
        return list(self.codes)

    def themes(self) -> list[str]:
        """Top-level codes, in file order."""
        return [c.id for c in self.codes.values() if c.parent is None]

    def children(self, code_id: str | None) -> list[str]:
        """Direct sub-codes of `code_id` (the themes for None), in file order."""
        return [c.id for c in self.codes.values() if c.parent == code_id]

    def ancestors(self, code_id: str) -> list[str]:
        """Parent, grandparent, ... up to the theme."""
        out, parent = [], self.codes[code_id].parent
        while parent is not None:
            out.append(parent)
            parent = self.codes[parent].parent
        return out

    def theme_of(self, code_id: str) -> str:
        chain = self.ancestors(code_id)
        return chain[-1] if chain else code_id

    def depth(self, code_id: str) -> int:
        return len(self.ancestors(code_id))

    def ordered(self) -> list[str]:
        """Ids depth first: each theme followed by its sub-codes, as a tree view lists them."""
        out: list[str] = []

        def visit(parent):
            for child in self.children(parent):
                out.append(child)
                visit(child)

        visit(None)
        return out

    def codable(self) -> list[str]:
        return [c for c in self.ordered() if self.codes[c].codable]

    def sets(self) -> dict[str, list[str]]:
        """Code groups: each `sets` name with its codes, and each report list the codes come from."""
        out: dict[str, list[str]] = {}
        for cid in self.ordered():
            code = self.codes[cid]
            for name in code.sets:
                out.setdefault(name, []).append(cid)
            if code.from_list:
                out.setdefault("report list: " + code.from_list.split("#")[0], []).append(cid)
            elif code.parent is not None and code.codable:
                out.setdefault("emerged from the excerpts", []).append(cid)
        return out

    def changes(self) -> list[dict]:
        """The codebook's dated change log (date, change), oldest first."""
        return list(self.meta.get("changes", []))

    def theme_for_section(self) -> dict[int, str]:
        return {c.section: c.id for c in self.codes.values() if c.section is not None}

    def to_frame(self) -> pd.DataFrame:
        """One row per code, depth first, with its theme and depth: the codebook as a table."""
        rows = []
        for cid in self.ordered():
            c = self.codes[cid]
            rows.append(
                {
                    "id": c.id,
                    "name": c.name,
                    "parent": c.parent or "",
                    "theme": self.theme_of(cid),
                    "depth": self.depth(cid),
                    "codable": c.codable,
                    "section": "" if c.section is None else str(c.section),
                    "from_list": c.from_list or "",
                    "colour": c.colour or "",
                    "definition": c.definition,
                    "use_when": c.use_when,
                    "dont_use_when": c.dont_use_when,
                    "example": c.example or "",
                    "example_quote": c.example_quote,
                    "near_miss": c.near_miss,
                    "memo": c.memo,
                    "sets": "; ".join(c.sets),
                    "keywords": "; ".join(c.keywords),
                    "patterns": "; ".join(c.patterns),
                }
            )
        return pd.DataFrame(rows)


def codebook_parameter(name: str, value) -> Path:
    """Check a notebook parameter naming a codebook file (relative to the project root)."""
    if not isinstance(value, (str, Path)) or not str(value).strip():
        raise ParameterError(name, value, "the path of a codebook .yaml file")
    path = resolve(value)
    if not path.is_file():
        raise ParameterError(name, shown(path), "an existing codebook .yaml file")
    return path


def load_codebook(path: Path | str, excerpt_ids=None) -> Codebook:
    """Read and validate a codebook YAML file; with `excerpt_ids`, examples must be among them."""
    path = Path(path)
    data = load_yaml(path)
    errors = Collector(path)
    for key in data:
        if key not in TOP_LEVEL:
            errors.add(data.line_of(key), key, "only the top-level keys 'codebook', 'codes' and 'changes'", key)
    codes = data.get("codes")
    if not isinstance(codes, list) or not codes:
        errors.add(data.line_of("codes"), "codes", "a list of codes under 'codes:'", type(codes).__name__)
        errors.raise_if_any()
    meta = data.get("codebook") or {}
    if not isinstance(meta, dict):
        errors.add(data.line_of("codebook"), "codebook", "a mapping describing the codebook", type(meta).__name__)
        meta = {}
    meta = dict(meta)
    if "changes" in data:
        meta["changes"] = _changes_from_yaml(data, errors)
    parsed = []
    for i, entry in enumerate(codes):
        line = codes.line_of(i) if isinstance(codes, SourcedList) else None
        if not isinstance(entry, dict):
            errors.add(line, "codes", "a mapping with id, name, definition, ...", entry)
            continue
        parsed.append(_code_from_yaml(entry, line, errors))
    errors.raise_if_any()
    return build_codebook(parsed, path, meta=meta, excerpt_ids=excerpt_ids)


def _changes_from_yaml(data: SourcedDict, errors: Collector) -> list[dict]:
    """The change log: a list of {date: YYYY-MM-DD, change: what changed and why}."""
    changes = data.get("changes")
    if not isinstance(changes, list):
        errors.add(data.line_of("changes"), "changes", "a list of {date, change} entries", type(changes).__name__)
        return []
    out = []
    for i, entry in enumerate(changes):
        line = changes.line_of(i) if isinstance(changes, SourcedList) else None
        date = str(entry.get("date", "")) if isinstance(entry, dict) else ""
        change = entry.get("change") if isinstance(entry, dict) else None
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            errors.add(line, "date", "a change dated YYYY-MM-DD", entry)
        if not isinstance(change, str) or not change.strip():
            errors.add(line, "change", "what changed and why", entry)
        else:
            out.append({"date": date, "change": normalise_text(change)})
    return out


def build_codebook(
    codes: list[Code], path: Path | str | None = None, meta: dict | None = None, excerpt_ids=None
) -> Codebook:
    """Check codes as a whole (unique ids, known parents, no cycles, rules that compile) and build the codebook.

    Every reader (YAML, CSV, REFI-QDA) ends here, so the same problems give the same errors.
    """
    errors = Collector(path if path is not None else "codebook")
    first_line: dict[str, int | None] = {}
    unique: dict[str, Code] = {}
    for code in codes:
        if code.id in unique:
            where = first_line[code.id]
            errors.add(code.line, "id", "a unique id" + (f" (first on line {where})" if where else ""), code.id)
            continue
        unique[code.id] = code
        first_line[code.id] = code.line
    for code in unique.values():
        _check_code(code, unique, errors, excerpt_ids)
    _check_cycles(unique, errors)
    sections: dict[int, str] = {}
    for code in unique.values():
        if code.section is not None:
            if code.section in sections:
                errors.add(
                    code.line,
                    "section",
                    f"each report section on one theme only (code '{code.id}'; "
                    f"section {code.section} is already on '{sections[code.section]}')",
                    code.section,
                )
            sections[code.section] = code.id
    errors.raise_if_any()
    return Codebook(codes=unique, meta=meta or {}, path=shown(path) if path is not None else None)


def normalise_text(value) -> str:
    """Definitions and the like as one line: runs of white space become one space."""
    return " ".join(str(value).split()) if value is not None else ""


def _code_from_yaml(entry: SourcedDict, line: int | None, errors: Collector) -> Code:
    line_of = entry.line_of if isinstance(entry, SourcedDict) else (lambda key: line)
    cid = entry.get("id")
    label = f"code '{cid}'" if isinstance(cid, str) else f"the code on line {line}"
    for key in entry:
        if key not in CODE_FIELDS:
            errors.add(line_of(key), key, f"one of the fields {', '.join(CODE_FIELDS)} in {label}", key)
    for key in ("id", "name", "definition"):
        if not isinstance(entry.get(key), str) or not entry.get(key).strip():
            errors.add(line_of(key), key, f"a non-empty {key} in {label}", entry.get(key))
    for key in ("parent", "example", "colour", "from_list", "use_when", "dont_use_when", *TEXT_FIELDS[3:]):
        if entry.get(key) is not None and not isinstance(entry.get(key), str):
            errors.add(line_of(key), key, f"text in {label}", entry.get(key))
    section = entry.get("section")
    if section is not None and (isinstance(section, bool) or not isinstance(section, int) or section < 0):
        errors.add(line_of("section"), "section", f"a report section number in {label}", section)
        section = None
    codable = entry.get("codable", True)
    if not isinstance(codable, bool):
        errors.add(line_of("codable"), "codable", f"true or false in {label}", codable)
        codable = True
    keywords, patterns = _rules_from_yaml(entry, label, errors)
    sets = entry.get("sets") or []
    if not isinstance(sets, list) or not all(isinstance(x, str) and x.strip() for x in sets):
        errors.add(line_of("sets"), "sets", f"a list of set names in {label}", sets)
        sets = []
    text = {key: normalise_text(entry.get(key)) if isinstance(entry.get(key), str) else "" for key in TEXT_FIELDS}
    return Code(
        id=cid if isinstance(cid, str) else "",
        name=normalise_text(entry.get("name")) if isinstance(entry.get("name"), str) else "",
        parent=entry.get("parent") if isinstance(entry.get("parent"), str) else None,
        example=entry.get("example") if isinstance(entry.get("example"), str) else None,
        colour=entry.get("colour") if isinstance(entry.get("colour"), str) else None,
        from_list=entry.get("from_list") if isinstance(entry.get("from_list"), str) else None,
        codable=codable,
        section=section,
        keywords=keywords,
        patterns=patterns,
        sets=tuple(normalise_text(x) for x in sets),
        line=line,
        **text,
    )


class _RuleLines(tuple):
    """A tuple of rules that remembers each rule's line, for errors about one keyword or pattern."""

    lines: tuple = ()


def _rules_from_yaml(entry: SourcedDict, label: str, errors: Collector) -> tuple[tuple, tuple]:
    rules = entry.get("rules")
    if rules is None:
        return (), ()
    line_of = entry.line_of if isinstance(entry, SourcedDict) else (lambda key: None)
    if not isinstance(rules, dict):
        errors.add(line_of("rules"), "rules", f"a mapping with keywords and/or patterns in {label}", rules)
        return (), ()
    out = []
    for key in rules:
        if key not in ("keywords", "patterns"):
            errors.add(rules.line_of(key), key, f"'keywords' or 'patterns' under rules in {label}", key)
    for key in ("keywords", "patterns"):
        items = rules.get(key) or []
        if not isinstance(items, list):
            errors.add(rules.line_of(key), key, f"a list of {key} in {label}", items)
            items = []
        good = []
        lines = []
        for i, item in enumerate(items):
            item_line = items.line_of(i) if isinstance(items, SourcedList) else rules.line_of(key)
            if not isinstance(item, str) or not item.strip():
                errors.add(item_line, key, f"non-empty text in {label}", item)
                continue
            good.append(item)
            lines.append(item_line)
        value = _RuleLines(good)
        value.lines = tuple(lines)
        out.append(value)
    return out[0], out[1]


def load_report_lists(path: Path | str) -> pd.DataFrame:
    """The report's own lists (`report_lists.csv`): list_id, item_number, text, section, validated."""
    from ..core.sourced_csv import LINE, read_csv_lines

    path = Path(path)
    frame = read_csv_lines(path, ["list_id", "item_number", "text", "section"])
    errors = Collector(path)
    for row in frame.itertuples(index=False):
        line = row[0]
        if not ID.fullmatch(row.list_id):
            errors.add(line, "list_id", "a list id of lower-case letters, digits and underscores", row.list_id)
        if not re.fullmatch(r"[1-9][0-9]*", row.item_number):
            errors.add(line, "item_number", "a whole number from 1", row.item_number)
        if not row.text.strip():
            errors.add(line, "text", "the item's text as printed")
        if not re.fullmatch(r"[0-9]+", row.section):
            errors.add(line, "section", "the number of the report section holding the list", row.section)
    keys = frame["list_id"] + "#" + frame["item_number"]
    for line, key in zip(frame.loc[keys.duplicated(), LINE], keys[keys.duplicated()]):
        errors.add(line, "item_number", "each list item once", key)
    errors.raise_if_any()
    return frame.drop(columns=[LINE]).astype({"item_number": "int64", "section": "int64"}).reset_index(drop=True)


def check_list_links(codebook: Codebook, lists: pd.DataFrame) -> None:
    """Every `from_list` names an item of the report's lists; raises DataError naming the code's line."""
    known = set(lists["list_id"] + "#" + lists["item_number"].astype(str))
    errors = Collector(codebook.path or "codebook")
    for code in codebook.codes.values():
        if code.from_list is not None and code.from_list not in known:
            errors.add(code.line, "from_list", f"an item of report_lists.csv for code '{code.id}'", code.from_list)
    errors.raise_if_any()


def check_example_quotes(codebook: Codebook, excerpts: pd.DataFrame) -> None:
    """Every `example_quote` is quoted from its code's example excerpt (white space aside)."""
    texts = dict(zip(excerpts["excerpt_id"], excerpts["text"]))
    errors = Collector(codebook.path or "codebook")
    for code in codebook.codes.values():
        if not code.example_quote:
            continue
        text = normalise_text(texts.get(code.example or "", ""))
        if normalise_text(code.example_quote) not in text:
            errors.add(
                code.line,
                "example_quote",
                f"text quoted from example excerpt {code.example or '(none given)'} of code '{code.id}'",
                code.example_quote,
            )
    errors.raise_if_any()


__all__ = [
    "Code",
    "Codebook",
    "DataError",
    "build_codebook",
    "check_example_quotes",
    "check_list_links",
    "codebook_parameter",
    "load_codebook",
    "load_report_lists",
    "nested_repeat",
    "normalise_text",
]
