"""QDA-XML (REFI-QDA 1.0) building blocks shared by the codebook and project exchange.

GUIDs are uuid5 of the workbench's ids, so the same input gives byte-identical files. Exports are
validated against the REFI schemas in `schemas/`; imports are parsed with line numbers so that a
problem names the XML element's line.
"""

from __future__ import annotations

import io
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
        if key in ("keywords", "patterns"):
            extra.extend(f"{label}: {v}" for v in value)
        elif value not in (None, ""):
            extra.append(f"{label}: {value}")
    return "\n".join(lines + ([""] if extra else []) + extra)


def _code_element(parent: ET.Element, codebook: Codebook, code_id: str) -> None:
    code = codebook[code_id]
    attrs = {"guid": guid("code", code.id), "name": code.name, "isCodable": "true" if code.codable else "false"}
    if code.colour:
        attrs["color"] = code.colour.upper()
    element = ET.SubElement(parent, "Code", attrs)
    ET.SubElement(element, "Description").text = _description(code)
    for child in codebook.children(code_id):
        _code_element(element, codebook, child)


def _codes(parent: ET.Element, codebook: Codebook) -> None:
    codes = ET.SubElement(parent, "Codes")
    for theme in codebook.themes():
        _code_element(codes, codebook, theme)


def _serialise(root: ET.Element) -> bytes:
    """UTF-8 XML with a declaration; elements are built unqualified under the root's xmlns."""
    ET.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"



# ---------------------------------------------------------------------------- import


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in element if _local(c.tag) == name]


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
    fields: dict = {"keywords": [], "patterns": []}
    definition = []
    for line in (text or "").splitlines():
        label, sep, value = line.partition(": ")
        key = LABELS.get(label.strip().lower()) if sep else None
        if key in ("keywords", "patterns"):
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


def _codebook_from_codes(codes_element: ET.Element | None, origin: str) -> tuple[Codebook, dict[str, str]]:
    """Codes (nested) to a Codebook, and {normalised guid: code id}."""
    codes: list[Code] = []
    by_guid: dict[str, str] = {}
    taken: set[str] = set()

    def visit(element: ET.Element, parent: str | None):
        name = normalise_text(element.get("name")) or "(unnamed)"
        fields = _parse_description(
            _child(element, "Description").text if _child(element, "Description") is not None else None
        )
        cid = fields.get("id") or slug(name)
        base, n = cid, 2
        while cid in taken:
            cid, n = f"{base}_{n}", n + 1
        taken.add(cid)
        codable = (element.get("isCodable") or "true").strip().lower() not in ("false", "0", "no")
        section = fields.get("section")
        codes.append(
            Code(
                id=cid,
                name=name,
                parent=parent,
                definition=fields["definition"],
                use_when=normalise_text(fields.get("use_when")),
                dont_use_when=normalise_text(fields.get("dont_use_when")),
                example=fields.get("example") or None,
                colour=_colour(element.get("color")),
                codable=codable,
                section=int(section) if section and section.isdigit() else None,
                from_list=fields.get("from_list") or None,
                keywords=tuple(fields["keywords"]),
                patterns=tuple(fields["patterns"]),
            )
        )
        if element.get("guid"):
            by_guid[norm_guid(element.get("guid"))] = cid
        for child in _children(element, "Code"):
            visit(child, cid)

    if codes_element is not None:
        for element in _children(codes_element, "Code"):
            visit(element, None)
    return build_codebook(codes, origin), by_guid


def _parse_xml(data: bytes, origin: str) -> ET.Element:
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        errors = Collector(origin)
        errors.add(exc.position[0] if exc.position else None, None, "well-formed XML", str(exc))
        errors.raise_if_any()
        raise  # pragma: no cover


def _read_member(archive: zipfile.ZipFile, name: str, origin: str) -> bytes:
