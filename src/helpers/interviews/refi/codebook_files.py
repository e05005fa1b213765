"""Codebook files: a REFI-QDA `.qdc` (or the codebook inside a project), a CSV spreadsheet, or the YAML.

`codebook_qdc` / `write_qdc` write a validated `.qdc`; `read_codebook` reads one written by any
tool (any or no namespace, nested codes, upper-case or braced GUIDs, missing descriptions), or
the codebook inside a `.qde` / `.qdpx`. `read_codebook_csv` / `write_codebook_csv` keep a
codebook as a spreadsheet. `load_any_codebook` chooses the reader by the file's suffix, so a
`.qdc` is always read as QDA-XML and never as YAML.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd

from ...core.csvout import write_csv
from ...core.errors import Collector, DataError
from ...core.sourced_csv import LINE, read_csv_lines
from ..codebook import Code, Codebook, build_codebook, load_codebook, normalise_text
from .archive import open_project
from .codes import code_elements, codebook_from_codes, slug
from .parse import child, children, line_of, local
from .schema import NS_CODEBOOK, ORIGIN, check, serialise, write_atomic

QDA_SUFFIXES = (".qdc", ".qde", ".qdpx")
YAML_SUFFIXES = (".yaml", ".yml")


def codebook_qdc(codebook: Codebook) -> bytes:
    """The codebook as a validated `.qdc` document."""
    root = ET.Element("CodeBook", {"xmlns": NS_CODEBOOK, "origin": ORIGIN})
    code_elements(root, codebook)
    return check(serialise(root), "codebook")


def write_qdc(codebook: Codebook, path: Path | str) -> Path:
    return write_atomic(Path(path), codebook_qdc(codebook))


def read_codebook(path: Path | str) -> Codebook:
    """A codebook from a `.qdc`, or the codebook inside a `.qde` / `.qdpx` project, read leniently."""
    path = Path(path)
    root, archive = open_project(path)
    if archive is not None:
        archive.close()
    errors = Collector(path)
    if local(root.tag) == "CodeBook":
        codes = child(root, "Codes")
    elif local(root.tag) == "Project":
        book = child(root, "CodeBook")
        codes = child(book, "Codes") if book is not None else None
    else:
        errors.add(line_of(root), None, "a QDA-XML CodeBook or Project document", local(root.tag))
        errors.raise_if_any()
    if not children(codes, "Code"):
        errors.add(line_of(codes if codes is not None else root), "Codes", "at least one Code in the codebook", "none")
        errors.raise_if_any()
    return codebook_from_codes(codes, str(path))[0]


def load_any_codebook(path: Path | str, excerpt_ids=None) -> Codebook:
    """A codebook by its suffix: `.qdc`/`.qde`/`.qdpx` as QDA-XML, `.csv` as a spreadsheet, `.yaml` as YAML.

    A YAML file named `.qdc` fails as what it claims to be (not well-formed QDA-XML), naming the line.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in QDA_SUFFIXES:
        return read_codebook(path)
    if suffix == ".csv":
        return read_codebook_csv(path)
    if suffix in YAML_SUFFIXES:
        return load_codebook(path, excerpt_ids)
    errors = Collector(path)
    errors.add(None, None, "a codebook file named .yaml, .yml, .qdc, .qde, .qdpx or .csv", path.suffix or "no suffix")
    raise DataError(errors.problems)


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
    temporary = path.with_name(f".{path.name}.tmp")  # then an atomic rename: a reader never sees half a file
    write_csv(pd.DataFrame(rows, columns=CSV_COLUMNS), temporary)
    os.replace(temporary, path)
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
    "codebook_qdc",
    "load_any_codebook",
    "read_codebook",
    "read_codebook_csv",
    "write_codebook_csv",
    "write_qdc",
]
