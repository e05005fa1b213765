"""Write a coded corpus as a REFI-QDA `.qdpx` project that QDA tools and independent readers take in whole.

The project holds the codebook (with each code memo as a note), the documents as text sources
(`sources/<guid>.txt`) carrying their attribute variables, one case per speaker, the code groups
as `<Sets>`, memos as `<Notes>`, and every segment as one `PlainTextSelection` per coder with the
coder as `creatingUser` on the selection and on each of its codings (readers that look in only
one of the two places still find the coder) and the selected text as its `name` (so an import
can check the offsets). Every element the tools date carries `creationDateTime`: QualCoder's
import fails on a note without one. The date comes from the codebook, never the clock, and the
project's description records the codebook version. Every export is validated against the schema.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd

from ..codebook import Codebook
from ..documents import codings_to_segments, validate_segments
from .codes import code_elements
from .schema import (
    NS_PROJECT,
    ORIGIN,
    VERSION_LABEL,
    check,
    codebook_version,
    export_date,
    guid,
    serialise,
    write_atomic,
)

VARIABLES = {
    "speaker_role": "The speaker's role as the report writes it",
    "authority_type": "The speaker's type of authority, where the report states it",
}
AUTHOR = "codebook author"


class Stamp:
    """The user and date every created element carries."""

    def __init__(self, user: str, date: str):
        self.user, self.date = user, date

    def attrs(self, user: str | None = None) -> dict[str, str]:
        return {"creatingUser": user or self.user, "creationDateTime": self.date}


def _documents(excerpts: pd.DataFrame) -> pd.DataFrame:
    return excerpts.rename(columns={"excerpt_id": "document_id"}) if "excerpt_id" in excerpts else excerpts


def _speakers(documents: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """Speakers as (first document id, their document ids).

    With a `speaker` column, only the speakers it establishes ("unknown" is no one in particular);
    otherwise `same_speaker_as` joins documents to a speaker and every other document is its own.
    """
    ids = documents["document_id"]
    if "speaker" in documents:
        groups: dict[str, list[str]] = {}
        for doc, speaker in zip(ids, documents["speaker"]):
            if speaker and speaker != "unknown":
                groups.setdefault(speaker, []).append(doc)
        return list(groups.items())
    same = dict(zip(ids, documents["same_speaker_as"] if "same_speaker_as" in documents else [""] * len(ids)))

    def root(e):
        seen = set()
        while same.get(e) and e not in seen:
            seen.add(e)
            e = same[e]
        return e

    groups = {}
    for e in ids:
        groups.setdefault(root(e), []).append(e)
    return list(groups.items())


def variables(root: ET.Element, attributes: list[str]) -> None:
    if not attributes:
        return
    element = ET.SubElement(root, "Variables")
    for var in attributes:
        v = ET.SubElement(element, "Variable", {"guid": guid("variable", var), "name": var, "typeOfVariable": "Text"})
        ET.SubElement(v, "Description").text = VARIABLES.get(var, f"Document attribute {var}")


def cases(root: ET.Element, documents: pd.DataFrame, names: dict[str, str], source_guids=None) -> list[tuple]:
    """One case per speaker, linked to the speaker's sources; returns (case guid, name, documents) for each.

    The variables sit on the sources themselves, so tools read them as document attributes.
    """
    source_guids = source_guids or {d: guid("source", d) for d in documents["document_id"]}
    speakers = _speakers(documents)
    if not speakers:
        return []
    element = ET.SubElement(root, "Cases")
    made = []
    for first, members in speakers:
        label = f"Speaker of {', '.join(names[m] for m in members)}"
        case = ET.SubElement(element, "Case", {"guid": guid("case", first), "name": label})
        for e in members:
            ET.SubElement(case, "SourceRef", {"targetGUID": source_guids[e]})
        made.append((guid("case", first), label, members))
    return made


def case_codes(codes: ET.Element, made: list[tuple]) -> dict[str, str]:
    """Each case also as a code of the case's GUID, as NVivo writes and QualCoder reads a case's link to its text.

    Returns {document id: case guid}; each document then gets a whole-text selection coded with it.
    The workbench's import reads such codes as cases, never as codes.
    """
    linked = {}
    for case_guid, label, members in made:
        code = ET.SubElement(codes, "Code", {"guid": case_guid, "name": label, "isCodable": "true"})
        ET.SubElement(code, "Description").text = "A case (one speaker), not a code: it links the case to its texts."
        linked.update({m: case_guid for m in members})
    return linked


def case_selection(source: ET.Element, doc: str, text: str, case_guid: str, stamp: Stamp) -> None:
    """The whole text selected and coded with its case's code (QualCoder links a case to a text this way)."""
    if text:
        attrs = {"guid": guid("case-selection", doc), "name": text, "startPosition": "0", "endPosition": str(len(text))}
        selection = ET.SubElement(source, "PlainTextSelection", attrs | stamp.attrs())
        coding = ET.SubElement(selection, "Coding", {"guid": guid("case-coding", doc)} | stamp.attrs())
        ET.SubElement(coding, "CodeRef", {"targetGUID": case_guid})


def values(holder: ET.Element, row, attributes: list[str]) -> None:
    for var in attributes:
        value = str(row[var])
        if value:
            vv = ET.SubElement(holder, "VariableValue")
            ET.SubElement(vv, "VariableRef", {"targetGUID": guid("variable", var)})
            ET.SubElement(vv, "TextValue").text = value


def _selections(source: ET.Element, segments: pd.DataFrame, text: str, stamp: Stamp) -> None:
    """One selection per (range, coder), holding that coder's codings of the range; its name is the text."""
    for (start, end, coder), group in segments.groupby(["start", "end", "coder"], sort=True):
        doc = group["document_id"].iloc[0]
        key = f"{doc}:{start}:{end}:{coder}"
        user = guid("user", coder)
        attrs = {"guid": guid("selection", key), "name": text[start:end]}
        attrs |= {"startPosition": str(start), "endPosition": str(end)} | stamp.attrs(user)
        selection = ET.SubElement(source, "PlainTextSelection", attrs)
        for code in dict.fromkeys(group["code"]):
            coding = ET.SubElement(selection, "Coding", {"guid": guid("coding", f"{key}:{code}")} | stamp.attrs(user))
            ET.SubElement(coding, "CodeRef", {"targetGUID": guid("code", code)})
        if any(group["memo"]):
            ET.SubElement(selection, "NoteRef", {"targetGUID": guid("note", f"segment:{key}")})


def notes(root: ET.Element, codebook: Codebook, segments: pd.DataFrame, stamp: Stamp, extra=(), files=None) -> None:
    """Code memos, segment memos and any `extra` (guid, name, text) notes, each with its user and date.

    With `files` (the archive's members), the `extra` notes are written as `sources/<guid>.txt` files
    named by `plainTextPath`: QualCoder shows a note as a journal only in that form.
    """
    found = [(guid("note", f"code:{c.id}"), f"Memo: {c.name}", c.memo, None) for c in codebook.codes.values() if c.memo]
    memos = segments[segments["memo"] != ""].drop_duplicates(["document_id", "start", "end", "coder"])
    for doc, start, end, coder, memo in memos[["document_id", "start", "end", "coder", "memo"]].itertuples(index=False):
        key = f"{doc}:{start}:{end}:{coder}"
        found.append((guid("note", f"segment:{key}"), f"Memo on {doc} {start}-{end}", memo, guid("user", coder)))
    found.extend((g, name, text, None) for g, name, text in extra)
    if not found:
        return
    element = ET.SubElement(root, "Notes")
    as_files = {g for g, _, _ in extra} if files is not None else set()
    for note_guid, name, text, user in found:
        attrs = {"guid": note_guid, "name": name}
        if note_guid in as_files:
            files[f"sources/{note_guid}.txt"] = text.encode("utf-8")
            attrs["plainTextPath"] = f"internal://{note_guid}.txt"
        note = ET.SubElement(element, "Note", attrs | stamp.attrs(user))
        if note_guid not in as_files:
            ET.SubElement(note, "PlainTextContent").text = text


def sets(root: ET.Element, codebook: Codebook) -> None:
    groups = codebook.sets()
    if not groups:
        return
    element = ET.SubElement(root, "Sets")
    for name, members in groups.items():
        entry = ET.SubElement(element, "Set", {"guid": guid("set", name), "name": name})
        for code in members:
            ET.SubElement(entry, "MemberCode", {"targetGUID": guid("code", code)})


def project_root(name: str, codebook: Codebook, users: list[str], author: str) -> tuple[ET.Element, Stamp]:
    """The Project element with its users, and the stamp (the author's user, the codebook's date)."""
    stamp = Stamp(guid("user", author), export_date(codebook))
    attrs = {"xmlns": NS_PROJECT, "name": name, "origin": ORIGIN, "creatingUserGUID": stamp.user}
    root = ET.Element("Project", attrs | {"creationDateTime": stamp.date})
    element = ET.SubElement(root, "Users")
    for user in dict.fromkeys([*users, author]):
        ET.SubElement(element, "User", {"guid": guid("user", user), "name": user})
    return root, stamp


def describe(root: ET.Element, codebook: Codebook, text: str = "") -> None:
    """The project's description, ending with the codebook version the project was made under."""
    version = codebook_version(codebook)
    lines = [text] if text else []
    lines.append(f"{VERSION_LABEL}: {version}" if version else f"{VERSION_LABEL} not recorded by the codebook.")
    ET.SubElement(root, "Description").text = "\n".join(lines)


def _author(codebook: Codebook, coders: list[str]) -> str:
    """The user who wrote the codebook: a coder named first in its `author` field, else 'codebook author'."""
    named = str(codebook.meta.get("author") or "").split()
    return named[0] if named and named[0] in coders else AUTHOR


def project_qde(
    codebook: Codebook,
    excerpts: pd.DataFrame,
    codings: pd.DataFrame,
    name: str = "interview coding",
    segments: pd.DataFrame | None = None,
) -> tuple[bytes, dict[str, bytes]]:
    """The project document and its source files {zip path: UTF-8 text}, validated.

    `excerpts` (or documents: document_id instead of excerpt_id) needs the text and may carry
    speaker_role, authority_type, same_speaker_as; `codings` the tidy coder/excerpt_id/code table,
    exported as whole-document segments unless `segments` (document_id, start, end, code, coder,
    memo) are given.
    """
    documents = _documents(excerpts)
    if segments is None:
        segments = codings_to_segments(codings, documents)
    segments = segments.assign(memo=segments["memo"].fillna("") if "memo" in segments else "")
    validate_segments(segments, documents, codebook, "segments to export")
    coders = list(dict.fromkeys(list(codings["coder"]) + list(segments["coder"])))
    root, stamp = project_root(name, codebook, coders, _author(codebook, coders))
    book = ET.SubElement(root, "CodeBook")
    code_elements(book, codebook, notes=True)
    attributes = [v for v in VARIABLES if v in documents]
    variables(root, attributes)
    ids = list(documents["document_id"])
    linked = case_codes(book.find("Codes"), cases(root, documents, dict(zip(ids, ids))))
    sources = ET.SubElement(root, "Sources")
    files: dict[str, bytes] = {}
    by_doc = dict(tuple(segments.groupby("document_id", sort=False)))
    for row in documents.to_dict("records"):
        doc, text = row["document_id"], row["text"]
        source_guid = guid("source", doc)
        files[f"sources/{source_guid}.txt"] = text.encode("utf-8")
        attrs = {"guid": source_guid, "name": doc, "plainTextPath": f"internal://{source_guid}.txt"}
        source = ET.SubElement(sources, "TextSource", attrs | stamp.attrs())
        if "section_number" in row:
            ET.SubElement(source, "Description").text = f"Report section {row['section_number']}"
        if doc in by_doc:
            _selections(source, by_doc[doc], text, stamp)
        if doc in linked:
            case_selection(source, doc, text, linked[doc], stamp)
        values(source, row, attributes)
    notes(root, codebook, segments, stamp)
    sets(root, codebook)
    describe(root, codebook)
    return check(serialise(root), "project"), files


def zip_members(members: dict[str, bytes]) -> bytes:
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
    codebook: Codebook,
    excerpts: pd.DataFrame,
    codings: pd.DataFrame,
    path: Path | str,
    name: str = "interview coding",
    segments: pd.DataFrame | None = None,
) -> Path:
    """Write the coded corpus as a `.qdpx` project (segments, when given, instead of whole-excerpt codings)."""
    qde, files = project_qde(codebook, excerpts, codings, name, segments)
    return write_atomic(Path(path), zip_members({"project.qde": qde, **files}))


__all__ = ["project_qde", "write_qdpx", "zip_members"]
