"""Exchange with QDA tools (NVivo, ATLAS.ti, MAXQDA, QualCoder) through REFI-QDA (QDA-XML 1.0).

Export strictly, import leniently:

- `codebook_qdc(codebook)` / `write_qdc` give a `.qdc` codebook; `project_qde(...)` / `write_qdpx`
  a `.qdpx` project (a zip: `project.qde` plus one `sources/<guid>.txt` per excerpt) with the
  codebook, the excerpts as text sources, one case per speaker with the variables
  `speaker_role` and `authority_type`, and every coding (an excerpt-long selection) with its
  coder as `creatingUser`. Both are validated against the REFI schemas in `schemas/` before
  they are written; an invalid export is a bug and raises.
- GUIDs are uuid5 of the ids, and there are no dates, so the same input gives byte-identical
  files.
- `read_codebook(path)` reads a codebook from a `.qdc`, `.qde` or `.qdpx` written by any tool:
  any or no namespace, nested codes, upper-case or braced GUIDs, missing descriptions.
  `read_qdpx(path)` also gives the sources and codings. `read_codebook_csv` reads a codebook
  kept as a spreadsheet; `write_codebook_csv` writes one.

QDA-XML holds a code's name, colour, codability and one free-text description. The workbench
writes its other fields into that description as readable "Key: value" lines after the
definition, and reads them back, so a round trip gives the same codebook. Codes from other
tools get an id made from their name. A coder's "read, applied no code" has no place in
QDA-XML: on import every user counts as having read the sources they coded.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd
import xmlschema

from ..core.csvout import write_csv
from ..core.errors import Collector, DataError
from ..core.sourced_csv import LINE, read_csv_lines
from .codebook import Code, Codebook, build_codebook, normalise_text
from .coders import COLUMNS as CODING_COLUMNS

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


def codebook_qdc(codebook: Codebook) -> bytes:
    """The codebook as a validated `.qdc` document."""
    root = ET.Element("CodeBook", {"xmlns": NS_CODEBOOK, "origin": ORIGIN})
    _codes(root, codebook)
    return _check(_serialise(root), "codebook")


def write_qdc(codebook: Codebook, path: Path | str) -> Path:
    path = Path(path)
    path.write_bytes(codebook_qdc(codebook))
    return path


def _speakers(excerpts: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """Speakers as (first excerpt id, their excerpt ids): `same_speaker_as` joins excerpts to a speaker."""
    same = dict(zip(excerpts["excerpt_id"], excerpts.get("same_speaker_as", pd.Series([""] * len(excerpts)))))

    def root(e):
        seen = set()
        while same.get(e) and e not in seen:
            seen.add(e)
            e = same[e]
        return e

    groups: dict[str, list[str]] = {}
    for e in excerpts["excerpt_id"]:
        groups.setdefault(root(e), []).append(e)
    return list(groups.items())


def project_qde(
    codebook: Codebook, excerpts: pd.DataFrame, codings: pd.DataFrame, name: str = "interview coding"
) -> tuple[bytes, dict[str, bytes]]:
    """The project document and its source files {zip path: UTF-8 text}, validated.

    `excerpts` needs excerpt_id, text, speaker_role, authority_type (same_speaker_as and
    section_number are used when present); `codings` the tidy coder/excerpt_id/code table.
    """
    coders = list(dict.fromkeys(codings["coder"]))
    root = ET.Element("Project", {"xmlns": NS_PROJECT, "name": name, "origin": ORIGIN})
    users = ET.SubElement(root, "Users")
    for coder in coders:
        ET.SubElement(users, "User", {"guid": guid("user", coder), "name": coder})
    book = ET.SubElement(root, "CodeBook")
    _codes(book, codebook)
    variables = ET.SubElement(root, "Variables")
    for var, description in [
        ("speaker_role", "The speaker's role as the report writes it"),
        ("authority_type", "The speaker's type of authority, where the report states it"),
    ]:
        v = ET.SubElement(variables, "Variable", {"guid": guid("variable", var), "name": var, "typeOfVariable": "Text"})
        ET.SubElement(v, "Description").text = description
    info = excerpts.set_index("excerpt_id")
    cases = ET.SubElement(root, "Cases")
    for first, members in _speakers(excerpts):
        case = ET.SubElement(cases, "Case", {"guid": guid("case", first), "name": f"Speaker of {', '.join(members)}"})
        for var in ("speaker_role", "authority_type"):
            value = info.loc[first, var]
            if value:
                vv = ET.SubElement(case, "VariableValue")
                ET.SubElement(vv, "VariableRef", {"targetGUID": guid("variable", var)})
                ET.SubElement(vv, "TextValue").text = value
        for e in members:
            ET.SubElement(case, "SourceRef", {"targetGUID": guid("source", e)})
    sources = ET.SubElement(root, "Sources")
    files: dict[str, bytes] = {}
    used = codings[codings["code"] != ""]
    for excerpt_id, text in zip(excerpts["excerpt_id"], excerpts["text"]):
        source_guid = guid("source", excerpt_id)
        files[f"sources/{source_guid}.txt"] = text.encode("utf-8")
        source = ET.SubElement(
            sources,
            "TextSource",
            {"guid": source_guid, "name": excerpt_id, "plainTextPath": f"internal://{source_guid}.txt"},
        )
        if "section_number" in excerpts.columns:
            ET.SubElement(source, "Description").text = f"Report section {info.loc[excerpt_id, 'section_number']}"
        mine = used[used["excerpt_id"] == excerpt_id]
        if len(mine):
            selection = ET.SubElement(
                source,
                "PlainTextSelection",
                {
                    "guid": guid("selection", excerpt_id),
                    "name": excerpt_id,
                    "startPosition": "0",
                    "endPosition": str(len(text)),
                },
            )
            for coder, code in zip(mine["coder"], mine["code"]):
                coding = ET.SubElement(
                    selection,
                    "Coding",
                    {"guid": guid("coding", f"{coder}:{excerpt_id}:{code}"), "creatingUser": guid("user", coder)},
                )
                ET.SubElement(coding, "CodeRef", {"targetGUID": guid("code", code)})
    return _check(_serialise(root), "project"), files


def _zip(members: dict[str, bytes]) -> bytes:
    """A zip whose bytes depend only on the members: fixed dates, order and permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(members, key=lambda n: (n != "project.qde", n)):
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, members[name])
    return buffer.getvalue()


def write_qdpx(
    codebook: Codebook, excerpts: pd.DataFrame, codings: pd.DataFrame, path: Path | str, name: str = "interview coding"
) -> Path:
    """Write the coded corpus as a `.qdpx` project."""
    qde, files = project_qde(codebook, excerpts, codings, name)
    path = Path(path)
    path.write_bytes(_zip({"project.qde": qde, **files}))
    return path


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
    info = archive.getinfo(name)
    if info.file_size > MAX_MEMBER_BYTES:
        errors = Collector(origin)
        errors.add(None, None, f"a {name} of at most {MAX_MEMBER_BYTES} bytes", info.file_size)
        errors.raise_if_any()
    return archive.read(name)


def _project_root(path: Path) -> tuple[ET.Element, zipfile.ZipFile | None]:
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


def read_codebook(path: Path | str) -> Codebook:
    """A codebook from a `.qdc`, or the codebook inside a `.qde` / `.qdpx` project, read leniently."""
    path = Path(path)
    root, archive = _project_root(path)
    if archive is not None:
        archive.close()
    if _local(root.tag) == "CodeBook":
        codes = _child(root, "Codes")
    elif _local(root.tag) == "Project":
        book = _child(root, "CodeBook")
        codes = _child(book, "Codes") if book is not None else None
    else:
        errors = Collector(path)
        errors.add(None, None, "a QDA-XML CodeBook or Project document", _local(root.tag))
        errors.raise_if_any()
    return _codebook_from_codes(codes, str(path))[0]


@dataclass
class QdaProject:
    """What a `.qdpx` holds, as the workbench's tables."""

    codebook: Codebook
    sources: pd.DataFrame  # excerpt_id, text, speaker_role, authority_type
    codings: pd.DataFrame  # coder, excerpt_id, code
    users: dict[str, str]  # normalised guid: name


def read_qdpx(path: Path | str) -> QdaProject:
    """Codebook, text sources (with their cases' variables) and codings of a project, read leniently.

    A source's id is its name. A coding's coder is its `creatingUser` (else its selection's),
    named by the project's Users; codings of codes not in the codebook are dropped.
    """
    path = Path(path)
    root, archive = _project_root(path)
    try:
        if _local(root.tag) != "Project":
            errors = Collector(path)
            errors.add(None, None, "a QDA-XML Project document", _local(root.tag))
            errors.raise_if_any()
        users = {
            norm_guid(u.get("guid")): u.get("name") or norm_guid(u.get("guid"))
            for u in _children(_child(root, "Users") or ET.Element("x"), "User")
        }
        book = _child(root, "CodeBook")
        codebook, code_ids = _codebook_from_codes(_child(book, "Codes") if book is not None else None, str(path))
        variables = {
            norm_guid(v.get("guid")): v.get("name")
            for v in _children(_child(root, "Variables") or ET.Element("x"), "Variable")
        }
        source_vars: dict[str, dict[str, str]] = {}
        for case in _children(_child(root, "Cases") or ET.Element("x"), "Case"):
            values = {}
            for vv in _children(case, "VariableValue"):
                ref = _child(vv, "VariableRef")
                name = variables.get(norm_guid(ref.get("targetGUID") if ref is not None else None))
                value = next((c.text or "" for c in vv if _local(c.tag) != "VariableRef"), "")
                if name:
                    values[name] = value
            for ref in _children(case, "SourceRef"):
                source_vars.setdefault(norm_guid(ref.get("targetGUID")), {}).update(values)
        sources, codings = [], []
        for source in _children(_child(root, "Sources") or ET.Element("x"), "TextSource"):
            sid = norm_guid(source.get("guid"))
            name = source.get("name") or sid
            text = _source_text(source, archive)
            extra = source_vars.get(sid, {})
            sources.append(
                {
                    "excerpt_id": name,
                    "text": text,
                    "speaker_role": extra.get("speaker_role", ""),
                    "authority_type": extra.get("authority_type", ""),
                }
            )
            holders = [(source, None)] + [
                (sel, sel.get("creatingUser")) for sel in _children(source, "PlainTextSelection")
            ]
            for holder, fallback in holders:
                for coding in _children(holder, "Coding"):
                    ref = _child(coding, "CodeRef")
                    code = code_ids.get(norm_guid(ref.get("targetGUID") if ref is not None else None))
                    user = norm_guid(coding.get("creatingUser") or fallback)
                    if code:
                        codings.append((users.get(user, user or "unknown"), name, code))
        codings_frame = pd.DataFrame(codings, columns=CODING_COLUMNS).drop_duplicates().reset_index(drop=True)
        return QdaProject(
            codebook,
            pd.DataFrame(sources, columns=["excerpt_id", "text", "speaker_role", "authority_type"]),
            codings_frame,
            users,
        )
    finally:
        if archive is not None:
            archive.close()


def _source_text(source: ET.Element, archive: zipfile.ZipFile | None) -> str:
    content = _child(source, "PlainTextContent")
    if content is not None:
        return content.text or ""
    target = source.get("plainTextPath") or ""
    if target.startswith("internal://") and archive is not None:
        member = "sources/" + target[len("internal://") :]
        names = {n.lower(): n for n in archive.namelist()}
        if member.lower() in names:
            return _read_member(archive, names[member.lower()], "qdpx").decode("utf-8-sig")
    return ""


# ---------------------------------------------------------------------------- CSV codebooks

CSV_COLUMNS = [
    "id",
    "name",
    "parent",
    "definition",
    "use_when",
    "dont_use_when",
    "example",
    "colour",
    "codable",
    "section",
    "from_list",
    "keywords",
    "patterns",
]


def write_codebook_csv(codebook: Codebook, path: Path | str) -> Path:
    """The codebook as a spreadsheet: one row per code, depth first; several rules one per line in a cell."""
    rows = []
    for cid in codebook.ordered():
        c = codebook[cid]
        rows.append(
            {
                "id": c.id,
                "name": c.name,
                "parent": c.parent or "",
                "definition": c.definition,
                "use_when": c.use_when,
                "dont_use_when": c.dont_use_when,
                "example": c.example or "",
                "colour": c.colour or "",
                "codable": "true" if c.codable else "false",
                "section": "" if c.section is None else str(c.section),
                "from_list": c.from_list or "",
                "keywords": "\n".join(c.keywords),
                "patterns": "\n".join(c.patterns),
            }
        )
    path = Path(path)
    write_csv(pd.DataFrame(rows, columns=CSV_COLUMNS), path)
    return path


def read_codebook_csv(path: Path | str) -> Codebook:
    """A codebook kept as CSV, read leniently: only `name` is required.

    A missing id is made from the name; `parent` may be an id or a name; several keywords are
    one per line in the cell (or separated by ';'), several patterns one per line.
    """
    path = Path(path)
    frame = read_csv_lines(path, ["name"], [c for c in CSV_COLUMNS if c != "name"])
    errors = Collector(path)
    explicit = {i.strip() for i in frame["id"] if i.strip()}
    ids, taken = [], set(explicit)
    for line, cid, name in frame[[LINE, "id", "name"]].itertuples(index=False):
        if not name.strip():
            errors.add(line, "name", "a code name")
        if not cid.strip():  # an id made from the name, unique among the file's ids
            base = cid = slug(name)
            n = 2
            while cid in taken:
                cid, n = f"{base}_{n}", n + 1
            taken.add(cid)
        ids.append(cid.strip())
    by_name = {normalise_text(n).lower(): i for n, i in zip(frame["name"], ids)}
    codes = []
    for row, cid in zip(frame.itertuples(index=False), ids):
        line = row[0]  # the _line column
        parent = row.parent.strip() or None
        if parent is not None and parent not in ids:
            parent = by_name.get(normalise_text(parent).lower(), parent)
        codable = row.codable.strip().lower()
        if codable not in ("", "true", "false", "yes", "no", "1", "0"):
            errors.add(line, "codable", "true or false (or empty)", row.codable)
        section = row.section.strip()
        if section and not section.isdigit():
            errors.add(line, "section", "a report section number (or empty)", row.section)
        colour = row.colour.strip()
        keywords = [k.strip() for k in re.split(r"[\n;]", row.keywords) if k.strip()]
        patterns = [k for k in row.patterns.split("\n") if k.strip()]
        codes.append(
            Code(
                id=cid,
                name=normalise_text(row.name),
                parent=parent,
                definition=normalise_text(row.definition),
                use_when=normalise_text(row.use_when),
                dont_use_when=normalise_text(row.dont_use_when),
                example=row.example.strip() or None,
                colour=colour or None,
                codable=codable not in ("false", "no", "0"),
                section=int(section) if section.isdigit() else None,
                from_list=row.from_list.strip() or None,
                keywords=tuple(keywords),
                patterns=tuple(patterns),
                line=line,
            )
        )
    errors.raise_if_any()
    return build_codebook(codes, path)


__all__ = [
    "DataError",
    "QdaProject",
    "codebook_qdc",
    "guid",
    "project_qde",
    "read_codebook",
    "read_codebook_csv",
    "read_qdpx",
    "schema_errors",
    "write_codebook_csv",
    "write_qdc",
    "write_qdpx",
]
