"""Write a coded corpus as a REFI-QDA `.qdpx` project that QDA tools and independent readers take in whole.

The project holds the codebook (with each code memo as a note), the documents as text sources
(`sources/<guid>.txt`), one case per speaker with the attribute variables, the code groups as
`<Sets>`, memos as `<Notes>`, and every segment as one `PlainTextSelection` per coder with the
coder as `creatingUser` on the selection and on each of its codings: readers that look in only
one of the two places still find the coder. A coding package is the same project with no
codings, for a second coder to code blind. Every export is validated against the schema first.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pandas as pd

from .codebook import Codebook
from .documents import codings_to_segments, validate_segments
from .qdaxml import NS_PROJECT, ORIGIN, _check, _codes, _serialise, guid

VARIABLES = {
    "speaker_role": "The speaker's role as the report writes it",
    "authority_type": "The speaker's type of authority, where the report states it",
}


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

    groups: dict[str, list[str]] = {}
    for e in ids:
        groups.setdefault(root(e), []).append(e)
    return list(groups.items())


def _variables(root: ET.Element, documents: pd.DataFrame, attributes: list[str]) -> None:
    if not attributes:
        return
    variables = ET.SubElement(root, "Variables")
    for var in attributes:
        v = ET.SubElement(variables, "Variable", {"guid": guid("variable", var), "name": var, "typeOfVariable": "Text"})
        ET.SubElement(v, "Description").text = VARIABLES.get(var, f"Document attribute {var}")
    speakers = _speakers(documents)
    if not speakers:
        return
    info = documents.set_index("document_id")
    cases = ET.SubElement(root, "Cases")
    for first, members in speakers:
        case = ET.SubElement(cases, "Case", {"guid": guid("case", first), "name": f"Speaker of {', '.join(members)}"})
        _values(case, info.loc[first], attributes)
        for e in members:
            ET.SubElement(case, "SourceRef", {"targetGUID": guid("source", e)})


def _values(holder: ET.Element, row, attributes: list[str]) -> None:
    for var in attributes:
        value = str(row[var])
        if value:
            vv = ET.SubElement(holder, "VariableValue")
            ET.SubElement(vv, "VariableRef", {"targetGUID": guid("variable", var)})
            ET.SubElement(vv, "TextValue").text = value


def _selections(source: ET.Element, segments: pd.DataFrame, whole: int | None) -> None:
    """One selection per (range, coder), holding that coder's codings of the range."""
    for (start, end, coder), group in segments.groupby(["start", "end", "coder"], sort=True):
        doc = group["document_id"].iloc[0]
        key = f"{doc}:{start}:{end}:{coder}"
        name = doc if (start == 0 and end == whole) else f"{doc} {start}-{end}"
        user = guid("user", coder)
        selection = ET.SubElement(
            source,
            "PlainTextSelection",
            {
                "guid": guid("selection", key),
                "name": name,
                "startPosition": str(start),
                "endPosition": str(end),
                "creatingUser": user,
            },
        )
        for code in dict.fromkeys(group["code"]):
            coding = ET.SubElement(selection, "Coding", {"guid": guid("coding", f"{key}:{code}"), "creatingUser": user})
            ET.SubElement(coding, "CodeRef", {"targetGUID": guid("code", code)})
        if any(group["memo"]):
            ET.SubElement(selection, "NoteRef", {"targetGUID": guid("note", f"segment:{key}")})


def _notes(root: ET.Element, codebook: Codebook, segments: pd.DataFrame) -> None:
    notes = [(guid("note", f"code:{c.id}"), f"Memo: {c.name}", c.memo, None) for c in codebook.codes.values() if c.memo]
    memos = segments[segments["memo"] != ""].drop_duplicates(["document_id", "start", "end", "coder"])
    for doc, start, end, coder, memo in memos[["document_id", "start", "end", "coder", "memo"]].itertuples(index=False):
        key = f"{doc}:{start}:{end}:{coder}"
        notes.append((guid("note", f"segment:{key}"), f"Memo on {doc} {start}-{end}", memo, guid("user", coder)))
    if not notes:
        return
    element = ET.SubElement(root, "Notes")
    for note_guid, name, text, user in notes:
        attrs = {"guid": note_guid, "name": name} | ({"creatingUser": user} if user else {})
        ET.SubElement(ET.SubElement(element, "Note", attrs), "PlainTextContent").text = text


def _sets(root: ET.Element, codebook: Codebook) -> None:
    groups = codebook.sets()
    if not groups:
        return
    sets = ET.SubElement(root, "Sets")
    for name, members in groups.items():
        element = ET.SubElement(sets, "Set", {"guid": guid("set", name), "name": name})
        for code in members:
            ET.SubElement(element, "MemberCode", {"targetGUID": guid("code", code)})


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
    root = ET.Element("Project", {"xmlns": NS_PROJECT, "name": name, "origin": ORIGIN})
    coders = list(dict.fromkeys(list(codings["coder"]) + list(segments["coder"])))
    if coders:
        users = ET.SubElement(root, "Users")
        for coder in coders:
            ET.SubElement(users, "User", {"guid": guid("user", coder), "name": coder})
    _codes(ET.SubElement(root, "CodeBook"), codebook, notes=True)
    attributes = [v for v in VARIABLES if v in documents]
    _variables(root, documents, attributes)
    sources = ET.SubElement(root, "Sources")
    files: dict[str, bytes] = {}
    by_doc = dict(tuple(segments.groupby("document_id", sort=False)))
    for doc, text in zip(documents["document_id"], documents["text"]):
        source_guid = guid("source", doc)
        files[f"sources/{source_guid}.txt"] = text.encode("utf-8")
        source = ET.SubElement(
            sources, "TextSource", {"guid": source_guid, "name": doc, "plainTextPath": f"internal://{source_guid}.txt"}
        )
        if "section_number" in documents.columns:
            section = documents.loc[documents["document_id"] == doc, "section_number"].iloc[0]
            ET.SubElement(source, "Description").text = f"Report section {section}"
        if doc in by_doc:
            _selections(source, by_doc[doc], len(text))
        if "speaker" in documents:  # attributes on the source itself: a case is a known person only
            _values(source, documents.loc[documents["document_id"] == doc].iloc[0], attributes)
    _notes(root, codebook, segments)
    _sets(root, codebook)
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
    codebook: Codebook,
    excerpts: pd.DataFrame,
    codings: pd.DataFrame,
    path: Path | str,
    name: str = "interview coding",
    segments: pd.DataFrame | None = None,
) -> Path:
    """Write the coded corpus as a `.qdpx` project (segments, when given, instead of whole-excerpt codings)."""
    qde, files = project_qde(codebook, excerpts, codings, name, segments)
    path = Path(path)
    path.write_bytes(_zip({"project.qde": qde, **files}))
    return path


def write_coding_package(
    codebook: Codebook, documents: pd.DataFrame, path: Path | str, name: str = "coding package"
) -> Path:
    """A `.qdpx` with the sources and the codebook and no codings, for a second coder to code blind."""
    none = pd.DataFrame({c: pd.Series(dtype=object) for c in ("coder", "excerpt_id", "code")})
    return write_qdpx(codebook, documents, none, path, name)


__all__ = ["project_qde", "write_coding_package", "write_qdpx"]
