"""QDA-XML (REFI-QDA 1.0) building blocks shared by the codebook and project exchange.

GUIDs are uuid5 of the workbench's ids, so the same input gives byte-identical files. Exports are
validated against the REFI schemas in `schemas/`; imports are parsed with line numbers so that a
problem names the XML element's line.
"""

from __future__ import annotations

import re
import uuid
import zipfile
from functools import cache
from pathlib import Path
from xml.etree import ElementTree as ET

import xmlschema
from lxml import etree as LET

from ..core.errors import Collector
from .codebook import Code, Codebook, build_codebook, normalise_text

NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
NS_PROJECT = "urn:QDA-XML:project:1.0"
SCHEMAS = Path(__file__).parent / "schemas"
SCHEMA_FILES = {"codebook": "Codebook.xsd", "project": "Project-mrt2019.xsd"}
ORIGIN = "commissioning-workbench (helpers.interviews.refiqda)"
# All GUIDs derive from this namespace and the ids, so exports are reproducible.
WORKBENCH = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/commissioning-workbench/refi-qda")
MAX_MEMBER_BYTES = 512 * 1024 * 1024
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
]
LABELS = {label.lower(): key for key, label in KEYS}


def guid(kind: str, key: str) -> str:
    """A deterministic GUID for an object of a kind ("code", "source", ...) with an id."""
    return str(uuid.uuid5(WORKBENCH, f"{kind}:{key}"))


# ---------------------------------------------------------------------------- validation


@cache
def _schema(kind: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / SCHEMA_FILES[kind]))


def schema_errors(xml: bytes, kind: str) -> list[str]:
    """Reasons `xml` is not a valid QDA-XML codebook ("codebook") or project ("project"); [] if valid."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        return [f"not well-formed XML: {exc}"]
    return [f"{e.path}: {e.reason}" for e in _schema(kind).iter_errors(root)]


def _check(xml: bytes, kind: str) -> bytes:
    problems = schema_errors(xml, kind)
    if problems:
        raise ValueError(f"exported {kind} does not validate against {SCHEMA_FILES[kind]}: " + "; ".join(problems[:5]))
    return xml


# ---------------------------------------------------------------------------- export


def _description(code: Code) -> str:
    lines = [code.definition]
    extra = []
    for key, label in KEYS:
        value = code.id if key == "id" else getattr(code, key)
        if key in ("keywords", "patterns", "sets"):
            extra.extend(f"{label}: {v}" for v in value)
        elif value not in (None, ""):
            extra.append(f"{label}: {value}")
    return "\n".join(lines + ([""] if extra else []) + extra)


def _code_element(parent: ET.Element, codebook: Codebook, code_id: str, notes: bool = False) -> None:
    code = codebook[code_id]
    attrs = {"guid": guid("code", code.id), "name": code.name, "isCodable": "true" if code.codable else "false"}
    if code.colour:
        attrs["color"] = code.colour.upper()
    element = ET.SubElement(parent, "Code", attrs)
    ET.SubElement(element, "Description").text = _description(code)
    if notes and code.memo:  # a project also carries the memo as a note the tools show beside the code
        ET.SubElement(element, "NoteRef", {"targetGUID": guid("note", f"code:{code.id}")})
    for child in codebook.children(code_id):
        _code_element(element, codebook, child, notes)


def _codes(parent: ET.Element, codebook: Codebook, notes: bool = False) -> None:
    codes = ET.SubElement(parent, "Codes")
    for theme in codebook.themes():
        _code_element(codes, codebook, theme, notes)


def _serialise(root: ET.Element) -> bytes:
    """UTF-8 XML with a declaration; elements are built unqualified under the root's xmlns."""
    ET.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"


# ---------------------------------------------------------------------------- import


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element, name: str) -> list:
    """Child elements with local name `name` (none for a missing element)."""
    return [] if element is None else [c for c in element if _local(c.tag) == name]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    found = _children(element, name)
    return found[0] if found else None


def norm_guid(value: str | None) -> str:
    """GUIDs compare in lower case without braces (ATLAS.ti writes upper case)."""
    return (value or "").strip().strip("{}").lower()


def slug(name: str) -> str:
    """An id made from a code's name: lower case, runs of other characters as one underscore."""
    text = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return text if re.match(r"[a-z]", text) else f"code_{text}".rstrip("_")


def _parse_description(text: str | None) -> dict:
    """The workbench's fields from a Description; text it does not recognise is the definition."""
    fields: dict = {"keywords": [], "patterns": [], "sets": []}
    definition = []
    for line in (text or "").splitlines():
        label, sep, value = line.partition(": ")
        key = LABELS.get(label.strip().lower()) if sep else None
        if key in ("keywords", "patterns", "sets"):
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


def _codebook_from_codes(codes_element, origin: str) -> tuple[Codebook, dict[str, str]]:
    """Codes (nested) to a Codebook, and {normalised guid: code id}.

    A code without a workbench id gets one made from its name (made unique); a workbench id
    ("Code id:" in the description) written twice, or a report section that is not a whole
    number, is an error naming the Code element's line.
    """
    codes: list[Code] = []
    by_guid: dict[str, str] = {}
    taken: set[str] = set()
    errors = Collector(origin)

    def visit(element, parent: str | None):
        cid = _code_id(element, taken, errors)
        codes.append(_code_from_element(element, cid, parent, errors))
        if element.get("guid"):
            by_guid[norm_guid(element.get("guid"))] = cid
        for child in _children(element, "Code"):
            visit(child, cid)

    if codes_element is not None:
        for element in _children(codes_element, "Code"):
            visit(element, None)
    errors.raise_if_any()
    return build_codebook(codes, origin), by_guid


def _fields(element) -> dict:
    description = _child(element, "Description")
    return _parse_description(description.text if description is not None else None)


def _code_id(element, taken: set[str], errors: Collector) -> str:
    explicit = _fields(element).get("id")
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


def _code_from_element(element, cid: str, parent: str | None, errors: Collector) -> Code:
    fields = _fields(element)
    section = fields.get("section")
    if section and not re.fullmatch(r"[0-9]+", section):
        errors.add(line_of(element), "Report section", f"a report section as digits 0-9 for code '{cid}'", section)
        section = None
    return Code(
        id=cid,
        name=normalise_text(element.get("name")) or "(unnamed)",
        parent=parent,
        definition=fields["definition"],
        use_when=normalise_text(fields.get("use_when")),
        dont_use_when=normalise_text(fields.get("dont_use_when")),
        example=fields.get("example") or None,
        colour=_colour(element.get("color")),
        codable=(element.get("isCodable") or "true").strip().lower() not in ("false", "0", "no"),
        section=int(section) if section else None,
        from_list=fields.get("from_list") or None,
        keywords=tuple(fields["keywords"]),
        patterns=tuple(fields["patterns"]),
        example_quote=normalise_text(fields.get("example_quote")),
        near_miss=normalise_text(fields.get("near_miss")),
        memo=normalise_text(fields.get("memo")),
        sets=tuple(fields["sets"]),
    )


def line_of(element) -> int | None:
    """The line an element starts on in its file (lxml records it), or None."""
    return getattr(element, "sourceline", None)


_PARSER = LET.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)


def _parse_xml(data: bytes, origin: str):
    """Parse XML with line numbers; never resolves entities or fetches anything."""
    try:
        return LET.fromstring(data, parser=_PARSER)
    except LET.XMLSyntaxError as exc:
        errors = Collector(origin)
        errors.add(exc.lineno, None, "well-formed XML", exc.msg)
        errors.raise_if_any()
        raise  # pragma: no cover


def _read_member(archive: zipfile.ZipFile, name: str, origin: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_MEMBER_BYTES:
        errors = Collector(origin)
        errors.add(None, None, f"a {name} of at most {MAX_MEMBER_BYTES} bytes", info.file_size)
        errors.raise_if_any()
    return archive.read(name)


def _project_root(path: Path) -> tuple:
    errors = Collector(path)
    if not path.is_file():
        errors.add(None, None, "the file to exist")
        errors.raise_if_any()
    if zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        names = [n for n in archive.namelist() if n.lower().endswith(".qde")]
        if not names:
            errors.add(None, None, "a .qdpx holding a project.qde", ", ".join(archive.namelist()[:5]))
            errors.raise_if_any()
        return _parse_xml(_read_member(archive, names[0], str(path)), str(path)), archive
    return _parse_xml(path.read_bytes(), str(path)), None
