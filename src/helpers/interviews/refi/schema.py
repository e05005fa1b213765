"""What every export shares: namespaces, deterministic GUIDs and dates, serialisation, schema validation.

GUIDs are uuid5 of the workbench's ids and dates come from the codebook (its latest change), never
from the clock, so the same input gives byte-identical files. Exports are validated against the
REFI schemas in `schemas/` before they are written; an invalid export is a bug and raises.
"""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from functools import cache
from pathlib import Path
from xml.etree import ElementTree as ET

import xmlschema

NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
NS_PROJECT = "urn:QDA-XML:project:1.0"
SCHEMAS = Path(__file__).parent / "schemas"
SCHEMA_FILES = {"codebook": "Codebook.xsd", "project": "Project-mrt2019.xsd"}
ORIGIN = "commissioning-workbench (helpers.interviews.refi)"
# All GUIDs derive from this namespace and the ids, so exports are reproducible.
WORKBENCH = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/commissioning-workbench/refi-qda")
# The date written where a codebook has no dated change: the zip format's own epoch, as in the archive.
EPOCH = "1980-01-01T00:00:00Z"
VERSION_LABEL = "Codebook version"


def guid(kind: str, key: str) -> str:
    """A deterministic GUID for an object of a kind ("code", "source", ...) with an id."""
    return str(uuid.uuid5(WORKBENCH, f"{kind}:{key}"))


def codebook_version(codebook) -> str | None:
    """The codebook's version (a string), where it carries one."""
    version = getattr(codebook, "version", None) or codebook.meta.get("version")
    return str(version).strip() or None if version is not None else None


def export_date(codebook) -> str:
    """The date every exported element carries: the codebook's latest dated change, else EPOCH.

    Tools need a creation date on notes, selections and codings; taking it from the data keeps
    exports byte-identical from run to run.
    """
    dates = [str(c.get("date", "")) for c in codebook.meta.get("changes", []) if isinstance(c, dict)]
    dates = [d for d in dates if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d)]
    return f"{max(dates)}T00:00:00Z" if dates else EPOCH


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


def check(xml: bytes, kind: str) -> bytes:
    problems = schema_errors(xml, kind)
    if problems:
        raise ValueError(f"exported {kind} does not validate against {SCHEMA_FILES[kind]}: " + "; ".join(problems[:5]))
    return xml


def serialise(root: ET.Element) -> bytes:
    """UTF-8 XML with a declaration; elements are built unqualified under the root's xmlns."""
    ET.indent(root, space="  ")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"


def write_atomic(path: Path, data: bytes) -> Path:
    """Write through a temporary file in the same folder and an atomic rename: a reader never sees half a file."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)  # as an ordinary file, not mkstemp's owner-only mode
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


__all__ = [
    "NS_CODEBOOK",
    "NS_PROJECT",
    "SCHEMAS",
    "check",
    "codebook_version",
    "export_date",
    "guid",
    "schema_errors",
    "serialise",
    "write_atomic",
]
