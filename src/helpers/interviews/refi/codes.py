"""A codebook as QDA-XML `<Codes>` and back: the one place a code's fields meet the format.

QDA-XML holds a code's name, colour, codability and one free-text description. The workbench
writes its other fields into that description as readable "Key: value" lines after the
definition, and reads them back, so a round trip gives the same codebook. A blind export keeps
only what a coder may see: the definition, the use / don't-use notes and the code's id.

QualCoder cannot hold a category (non-codable code) under a codable code, so such a code is
written codable with a "Codable: no" line, which the import reads back; the hierarchy survives.
Codes from other tools get an id made from their name. Reading walks the tree iteratively, with
a depth limit, so a hostile nesting gives one error, never a RecursionError.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from ...core.errors import Collector
from ..codebook import Code, Codebook, build_codebook, normalise_text
from .parse import child, children, line_of, norm_guid
from .schema import guid

# The deepest nesting of codes read (the workbench's codebooks use three levels).
MAX_CODE_DEPTH = 100
# The Description lines that carry the workbench's own fields, in the order written.
KEYS = [
    ("use_when", "Use when"),
    ("dont_use_when", "Don't use when"),
    ("example", "Example"),
    ("section", "Report section"),
    ("from_list", "From list"),
    ("keywords", "Keyword"),
    ("patterns", "Pattern"),
    ("example_quote", "Example quote"),
    ("near_miss", "Near miss"),
    ("memo", "Memo"),
    ("sets", "Set"),
    ("id", "Code id"),
    ("codable", "Codable"),
]
BLIND_KEYS = ("use_when", "dont_use_when", "id", "codable")
LABELS = {label.lower(): key for key, label in KEYS}
MULTI = ("keywords", "patterns", "sets")
NOT_CODABLE = "no (it only groups its sub-codes; marked codable so that QDA tools keep it under its parent)"


def slug(name: str) -> str:
    """An id made from a code's name: lower case, runs of other characters as one underscore."""
    text = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return text if re.match(r"[a-z]", text) else f"code_{text}".rstrip("_")


# ---------------------------------------------------------------------------- export


def _under_codable(codebook: Codebook, code: Code) -> bool:
    return code.parent is not None and codebook[code.parent].codable


def description(codebook: Codebook, code: Code, blind: bool = False) -> str:
    """The definition, then the workbench's fields as "Key: value" lines (a blind export: the coder's only)."""
    extra = []
    for key, label in KEYS:
        if blind and key not in BLIND_KEYS:
            continue
        if key == "codable":
            if not code.codable and _under_codable(codebook, code):
                extra.append(f"{label}: {NOT_CODABLE}")
            continue
        value = code.id if key == "id" else getattr(code, key)
        if key in MULTI:
            extra.extend(f"{label}: {v}" for v in value)
        elif value not in (None, ""):
            extra.append(f"{label}: {value}")
    return "\n".join([code.definition] + ([""] if extra else []) + extra)


def code_elements(parent: ET.Element, codebook: Codebook, notes: bool = False, blind: bool = False) -> None:
    """`<Codes>` under `parent`, depth first; with `notes`, a NoteRef to each code's memo note."""
    codes = ET.SubElement(parent, "Codes")
    stack = [(codes, theme) for theme in reversed(codebook.themes())]
    while stack:
        holder, code_id = stack.pop()
        code = codebook[code_id]
        codable = code.codable or _under_codable(codebook, code)
        attrs = {"guid": guid("code", code.id), "name": code.name, "isCodable": "true" if codable else "false"}
        if code.colour:
            attrs["color"] = code.colour.upper()
        element = ET.SubElement(holder, "Code", attrs)
        ET.SubElement(element, "Description").text = description(codebook, code, blind)
        if notes and code.memo and not blind:  # the memo also as a note the tools show beside the code
            ET.SubElement(element, "NoteRef", {"targetGUID": guid("note", f"code:{code.id}")})
        stack.extend((element, c) for c in reversed(codebook.children(code_id)))


# ---------------------------------------------------------------------------- import


def parse_description(text: str | None) -> dict:
    """The workbench's fields from a Description; text it does not recognise is the definition."""
    fields: dict = {key: [] for key in MULTI}
    definition = []
    for line in (text or "").splitlines():
        label, sep, value = line.partition(": ")
        key = LABELS.get(label.strip().lower()) if sep else None
        if key in MULTI:
            fields[key].append(value)
        elif key:
            fields[key] = value.strip()
        elif line.strip():
            definition.append(line.strip())
    fields["definition"] = normalise_text(" ".join(definition))
    return fields


def _colour(value: str | None) -> str | None:
    value = (value or "").strip()
    if re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        return value.upper()
    if re.fullmatch(r"#[0-9A-Fa-f]{3}", value):
        return "#" + "".join(ch * 2 for ch in value[1:]).upper()
    return None


def codebook_from_codes(codes_element, origin: str) -> tuple[Codebook, dict[str, str]]:
    """Codes (nested) to a Codebook, and {normalised guid: code id}.

    A code without a workbench id gets one made from its name (made unique). A workbench id
    ("Code id:") or a GUID written twice, a report section that is not a whole number, or codes
    nested deeper than MAX_CODE_DEPTH is an error naming the Code element's line.
    """
    codes: list[Code] = []
    by_guid: dict[str, str] = {}
    guid_lines: dict[str, int | None] = {}
    taken: set[str] = set()
    errors = Collector(origin)
    stack = [(element, None, 1) for element in reversed(children(codes_element, "Code"))]
    while stack:
        element, parent, depth = stack.pop()
        if depth > MAX_CODE_DEPTH:
            errors.add(line_of(element), "Code", f"codes nested at most {MAX_CODE_DEPTH} deep", f"depth {depth}")
            break
        fields = _fields(element)
        cid = _code_id(element, fields, taken, errors)
        codes.append(_code_from_element(element, fields, cid, parent, errors))
        key = norm_guid(element.get("guid"))
        if key:
            if key in by_guid:
                errors.add(
                    line_of(element),
                    "Code guid",
                    f"each code GUID once (first on line {guid_lines[key]}, code '{by_guid[key]}')",
                    element.get("guid"),
                )
            else:
                by_guid[key], guid_lines[key] = cid, line_of(element)
        stack.extend((c, cid, depth + 1) for c in reversed(children(element, "Code")))
    errors.raise_if_any()
    return build_codebook(codes, origin), by_guid


def _fields(element) -> dict:
    holder = child(element, "Description")
    return parse_description(holder.text if holder is not None else None)


def _code_id(element, fields: dict, taken: set[str], errors: Collector) -> str:
    explicit = fields.get("id")
    if explicit:
        if explicit in taken:
            errors.add(line_of(element), "Code id", "each code id once in the codebook", explicit)
        taken.add(explicit)
        return explicit
    base = cid = slug(normalise_text(element.get("name")) or "(unnamed)")
    n = 2
    while cid in taken:
        cid, n = f"{base}_{n}", n + 1
    taken.add(cid)
    return cid


def _code_from_element(element, fields: dict, cid: str, parent: str | None, errors: Collector) -> Code:
    section = fields.get("section")
    if section and not re.fullmatch(r"[0-9]+", section):
        errors.add(line_of(element), "Report section", f"a report section as digits 0-9 for code '{cid}'", section)
        section = None
    codable = (element.get("isCodable") or "true").strip().lower() not in ("false", "0", "no")
    if str(fields.get("codable", "")).lower().startswith("no"):
        codable = False
    return Code(
        id=cid,
        name=normalise_text(element.get("name")) or "(unnamed)",
        parent=parent,
        definition=fields["definition"],
        use_when=normalise_text(fields.get("use_when")),
        dont_use_when=normalise_text(fields.get("dont_use_when")),
        example=fields.get("example") or None,
        colour=_colour(element.get("color")),
        codable=codable,
        section=int(section) if section else None,
        from_list=fields.get("from_list") or None,
        keywords=tuple(fields["keywords"]),
        patterns=tuple(fields["patterns"]),
        example_quote=normalise_text(fields.get("example_quote")),
        near_miss=normalise_text(fields.get("near_miss")),
        memo=normalise_text(fields.get("memo")),
        sets=tuple(fields["sets"]),
        line=line_of(element),
    )


__all__ = ["MAX_CODE_DEPTH", "code_elements", "codebook_from_codes", "description", "parse_description", "slug"]
