"""Reading a codebook's YAML: its description (`codebook:`), its codes and its change log.

Every key is checked: an unknown one (a typo) is an error naming its line, as is a value of the
wrong kind. The checks on codes as a whole (ids, parents, rules) follow in `build_codebook`.
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import Collector
from ..core.sourced_yaml import SourcedDict, SourcedList, load_yaml
from .code import CODE_FIELDS, TEXT_FIELDS, Code, normalise_text
from .codebook_versions import changes_from_yaml, version_text

TOP_LEVEL = ("codebook", "codes", "changes")
META_FIELDS = ("id", "title", "unit", "author", "version", "description")


def read_codebook_yaml(path: Path) -> tuple[list[Code], dict, Collector]:
    """The codes and the description (with `changes`) of a codebook file, and the problems found so far."""
    data = load_yaml(path)
    errors = Collector(path)
    for key in data:
        if key not in TOP_LEVEL:
            errors.add(data.line_of(key), key, "only the top-level keys 'codebook', 'codes' and 'changes'", key)
    codes = data.get("codes")
    if not isinstance(codes, list) or not codes:
        errors.add(data.line_of("codes"), "codes", "a list of codes under 'codes:'", type(codes).__name__)
        errors.raise_if_any()
    meta = _meta_from_yaml(data, errors)
    if "changes" in data:
        meta["changes"] = changes_from_yaml(data, meta.get("version") is not None, errors)
    parsed = []
    for i, entry in enumerate(codes):
        line = codes.line_of(i) if isinstance(codes, SourcedList) else None
        if not isinstance(entry, dict):
            errors.add(line, "codes", "a mapping with id, name, definition, ...", entry)
            continue
        parsed.append(_code_from_yaml(entry, line, errors))
    return parsed, meta, errors


def _meta_from_yaml(data: SourcedDict, errors: Collector) -> dict:
    """The `codebook:` description: known keys only, the version as text."""
    meta = data.get("codebook") or {}
    if not isinstance(meta, dict):
        errors.add(data.line_of("codebook"), "codebook", "a mapping describing the codebook", type(meta).__name__)
        return {}
    line_of = meta.line_of if isinstance(meta, SourcedDict) else (lambda key: None)
    for key in meta:
        if key not in META_FIELDS:
            errors.add(line_of(key), key, f"one of the fields {', '.join(META_FIELDS)} under 'codebook:'", key)
    out = dict(meta)
    if "version" in meta:
        out["version"] = version_text(meta["version"], line_of("version"), "version", errors)
    return out


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
