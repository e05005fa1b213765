"""A qualitative codebook (`codebook.yaml`): hierarchical codes with definitions and coding rules.

Each code has an id, a name, an optional parent (a theme has none), a definition, when to use
it and when not, an optional example excerpt, colour, link to the report (`section` for a
theme, `from_list` for a code taken from one of the report's lists) and optional rules for the
rule coder (`keywords`, `patterns`, checked by RE2, the engine that runs them). The codebook
carries a version and a change log that maps codes between versions (`codebook_versions`). It is
validated like the data: an unknown key or parent, a duplicate id, a cycle, a rule RE2 cannot
run (and the other problems below) raise one `DataError` naming the file, the line and the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ..core.errors import Collector, DataError, ParameterError
from ..core.parameters import resolve
from ..core.paths import shown
from .code import CODE_FIELDS, TEXT_FIELDS, Code, normalise_text
from .codebook_checks import ID, _check_code, _check_cycles
from .codebook_versions import check_chain, mapping, proposals, versions
from .codebook_yaml import read_codebook_yaml


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
        """The change log, oldest first: date, change, version, from_version, after_agreement, merged,
        renamed, dropped (see `codebook_versions`)."""
        return list(self.meta.get("changes", []))

    @property
    def version(self) -> str | None:
        """The codebook's version (`version:` under `codebook:`), None if it has none."""
        return self.meta.get("version")

    def versions(self) -> list[str]:
        """Every version the change log names, oldest first, ending at this one."""
        return versions(self.changes(), self.version)

    def mapping(self, from_version: str, to_version: str | None = None) -> dict[str, str | None]:
        """How codes of `from_version` became codes of `to_version` (default: this version).

        {old id: new id, or None when dropped}, for every code merged, renamed or dropped between
        them; a code not listed keeps its id. An unknown version is a DataError.
        """
        target = to_version if to_version is not None else (self.version or "")
        return mapping(self.changes(), from_version, target, self.path or "codebook")

    def revised_after_agreement(self) -> list[str]:
        """The versions whose change was made after seeing agreement figures."""
        return [c["version"] for c in self.changes() if c.get("after_agreement") and c.get("version")]

    def blind(self, excerpt_ids) -> Codebook:
        """The codebook a blind coder may see: names, definitions, use and don't-use notes only.

        Dropped: the rule coder's keywords and patterns, report sections and lists, memos (which
        say where codes came from), and any example that is one of `excerpt_ids` (the coded set)
        with its quotation and near-miss. Nothing of the report's placement or of the rules remains.
        """
        coded = set(excerpt_ids)
        out = {}
        for cid, c in self.codes.items():
            inside = c.example is not None and c.example in coded
            out[cid] = replace(
                c,
                keywords=(),
                patterns=(),
                section=None,
                from_list=None,
                memo="",
                sets=(),
                example=None if inside else c.example,
                example_quote="" if inside else c.example_quote,
                near_miss="",
            )
        meta = {k: v for k, v in self.meta.items() if k in ("id", "title", "unit", "version")}
        return Codebook(codes=out, meta=meta, path=self.path)

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
        raise ParameterError(name, value, "the path of a codebook file (.yaml, or a REFI-QDA .qdc, or .csv)")
    path = resolve(value)
    if not path.is_file():
        raise ParameterError(name, shown(path), "an existing codebook file (.yaml, .qdc or .csv)")
    return path


def load_codebook(path: Path | str, excerpt_ids=None) -> Codebook:
    """Read and validate a codebook YAML file; with `excerpt_ids`, examples must be among them."""
    path = Path(path)
    parsed, meta, errors = read_codebook_yaml(path)
    errors.raise_if_any()
    book = build_codebook(parsed, path, meta=meta, excerpt_ids=excerpt_ids)
    check_chain(book.changes(), book.version, book.ids(), errors, None)
    errors.raise_if_any()
    return book


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
    "CODE_FIELDS",
    "TEXT_FIELDS",
    "Code",
    "Codebook",
    "DataError",
    "build_codebook",
    "check_example_quotes",
    "check_list_links",
    "codebook_parameter",
    "load_codebook",
    "load_report_lists",
    "normalise_text",
    "proposals",
]
