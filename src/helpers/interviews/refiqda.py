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

import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd

from ..core.csvout import write_csv
from ..core.errors import Collector, DataError
from ..core.sourced_csv import LINE, read_csv_lines
from .codebook import Code, Codebook, build_codebook, normalise_text
from .qdaxml import (
    NS_CODEBOOK,
    NS_PROJECT,
    ORIGIN,
    SCHEMAS,
    _check,
    _child,
    _children,
    _codebook_from_codes,
    _codes,
    _local,
    _project_root,
    _serialise,
    guid,
    line_of,
    schema_errors,
    slug,
)
from .qdpx_export import project_qde, write_coding_package, write_qdpx
from .qdpx_import import QdaProject, read_qdpx


def codebook_qdc(codebook: Codebook) -> bytes:
    """The codebook as a validated `.qdc` document."""
    root = ET.Element("CodeBook", {"xmlns": NS_CODEBOOK, "origin": ORIGIN})
    _codes(root, codebook)
    return _check(_serialise(root), "codebook")


def write_qdc(codebook: Codebook, path: Path | str) -> Path:
    path = Path(path)
    path.write_bytes(codebook_qdc(codebook))
    return path


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
    if not _children(codes, "Code"):
        errors = Collector(path)
        errors.add(line_of(codes if codes is not None else root), "Codes", "at least one Code in the codebook", "none")
        errors.raise_if_any()
    return _codebook_from_codes(codes, str(path))[0]


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
    "example_quote",
    "near_miss",
    "memo",
    "sets",
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
                "example_quote": c.example_quote,
                "near_miss": c.near_miss,
                "memo": c.memo,
                "sets": "\n".join(c.sets),
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
                example_quote=normalise_text(row.example_quote),
                near_miss=normalise_text(row.near_miss),
                memo=normalise_text(row.memo),
                sets=tuple(x.strip() for x in re.split(r"[\n;]", row.sets) if x.strip()),
                line=line,
            )
        )
    errors.raise_if_any()
    return build_codebook(codes, path)


__all__ = [
    "NS_CODEBOOK",
    "NS_PROJECT",
    "SCHEMAS",
    "DataError",
    "QdaProject",
    "codebook_qdc",
    "guid",
    "project_qde",
    "read_codebook",
    "read_codebook_csv",
    "read_qdpx",
    "write_coding_package",
    "schema_errors",
    "write_codebook_csv",
    "write_qdc",
    "write_qdpx",
]
