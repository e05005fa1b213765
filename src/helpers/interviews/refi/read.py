"""Read a REFI-QDA `.qdpx` (or `.qde`) project from QualCoder, NVivo, ATLAS.ti, MAXQDA or the workbench.

Lenient with what tools write differently: any or no namespace, upper-case or braced GUIDs, text
embedded (`PlainTextContent`) or in the archive (`sources/`, found by `internal://` path or by
file name) in UTF-8, UTF-16 or Windows-1252, the coder on the selection or on the coding,
variables on a case or on the source, offsets counted in UTF-16 units where the stored text
shows it (converted, with a note). Strict about what would give wrong numbers: a DTD, a GUID or
name used twice, a selection without whole-number offsets, one that is empty, runs past its
text or matches its stored text in neither reading, a coding of a code the codebook does not
hold, or a source with selections but no text is an error naming the element and its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ...core.errors import Collector
from ..codebook import Codebook, normalise_text
from ..documents import SEGMENT_COLUMNS, empty_segments
from .archive import decode_text, open_project
from .codes import codebook_from_codes
from .ids import check_unique
from .offsets import Units, read_offsets
from .parse import child, children, line_of, local, norm_guid
from .schema import VERSION_LABEL

UNKNOWN_CODER = "unknown"
SOURCE_COLUMNS = ["excerpt_id", "text", "speaker_role", "authority_type"]
CODING_COLUMNS = ["coder", "excerpt_id", "code"]
_VERSION = re.compile(rf"^\s*{VERSION_LABEL}:\s*(\S.*?)\s*$", re.MULTILINE | re.IGNORECASE)


@dataclass
class QdaProject:
    """What a `.qdpx` holds, as the workbench's tables, with what the import had to interpret (`notes`)."""

    codebook: Codebook
    sources: pd.DataFrame  # excerpt_id, text, speaker_role, authority_type, then any other variable
    codings: pd.DataFrame  # coder, excerpt_id, code
    users: dict[str, str]  # normalised guid: name
    segments: pd.DataFrame = field(default_factory=empty_segments)  # document_id, start, end, code, coder, memo
    memos: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["target", "name", "memo"]))
    notes: list[str] = field(default_factory=list)  # decodings and offset conversions, for the caller to show
    codebook_version: str | None = None  # the version the project says its codebook had

    @property
    def documents(self) -> pd.DataFrame:
        """The sources as documents (document_id, text, attributes)."""
        return self.sources.rename(columns={"excerpt_id": "document_id"})


def _variables_by_source(root) -> dict[str, dict[str, str]]:
    """{source guid: {variable: value}} from cases (their SourceRefs) and from sources' own values."""
    variables = {norm_guid(v.get("guid")): v.get("name") for v in children(child(root, "Variables"), "Variable")}

    def values(holder) -> dict[str, str]:
        out = {}
        for vv in children(holder, "VariableValue"):
            ref = child(vv, "VariableRef")
            name = variables.get(norm_guid(ref.get("targetGUID") if ref is not None else None))
            value = next((c.text or "" for c in vv if local(c.tag) != "VariableRef"), "")
            if name:
                out[name] = value
        return out

    by_source: dict[str, dict[str, str]] = {}
    for case in children(child(root, "Cases"), "Case"):
        found = values(case)
        for ref in children(case, "SourceRef"):
            by_source.setdefault(norm_guid(ref.get("targetGUID")), {}).update(found)
    for source in children(child(root, "Sources"), "TextSource"):
        by_source.setdefault(norm_guid(source.get("guid")), {}).update(values(source))
    return by_source


def _notes(root, read_file) -> dict[str, tuple[str, str]]:
    """{note guid: (name, text)} of the project's notes: embedded, or in the archive (`plainTextPath`)."""
    out = {}
    for note in children(child(root, "Notes"), "Note"):
        content = child(note, "PlainTextContent")
        name = note.get("name") or ""
        text = (content.text or "") if content is not None else read_file(note, f"note '{name}'")
        out[norm_guid(note.get("guid"))] = (name, text or "")
    return out


def project_version(root, notes: dict[str, tuple[str, str]]) -> str | None:
    """The codebook version the project records ("Codebook version: ..."), in its description or a note."""
    description = child(root, "Description")
    texts = [description.text or "" if description is not None else ""] + [text for _, text in notes.values()]
    for text in texts:
        found = _VERSION.search(text)
        if found:
            return found.group(1)
    return None


def _offset(selection, key: str, errors: Collector) -> int | None:
    value = (selection.get(key) or "").strip()
    if not value.lstrip("-").isdigit() or not value.isascii():
        errors.add(line_of(selection), key, "a whole-number character offset on PlainTextSelection", value)
        return None
    return int(value)


class _Reader:
    """Walks one project's sources, collecting documents, segments and codings with their problems."""

    def __init__(self, root, archive, origin: str, code_ids: dict[str, str], users: dict[str, str], errors, cases=()):
        self.archive, self.origin, self.code_ids, self.users = archive, origin, code_ids, users
        self.case_codes = set(cases)  # codings that link a case to its text (NVivo's way), not codings
        self.errors = errors
        self.messages: list[str] = []
        self.notes = _notes(root, self.member_text)
        self.variables = _variables_by_source(root)
        self.sources: list[dict] = []
        self.segments: list[tuple] = []
        self.memos: list[tuple] = []
        default = list(users.values())
        self.default_coder = default[0] if len(default) == 1 else UNKNOWN_CODER
        for source in children(child(root, "Sources"), "TextSource"):
            self.source(source)

    def coder(self, *holders) -> str:
        """The first creatingUser among the holders (coding, then selection), which must be a listed user."""
        for holder in holders:
            user = norm_guid(holder.get("creatingUser"))
            if user:
                if user not in self.users:
                    self.errors.add(line_of(holder), "creatingUser", "a user listed under the project's Users", user)
                return self.users.get(user, user)
        return self.default_coder

    def source(self, source) -> None:
        sid = norm_guid(source.get("guid"))
        name = source.get("name") or sid
        text = self.text(source, name)
        selections = children(source, "PlainTextSelection")
        if text is None:
            if selections or children(source, "Coding"):
                self.errors.add(line_of(source), "TextSource", f"the plain text of source '{name}'", "none found")
            text = ""
        self.sources.append({"excerpt_id": name, "text": text, **self.variables.get(sid, {})})
        for coding in children(source, "Coding"):  # a coding of the whole source
            self.coding(coding, name, 0, len(text), "", self.coder(coding, source))
        units = Units(text)
        for selection in selections:
            self.selection(selection, name, units)

    def text(self, source, name: str) -> str | None:
        """The source's plain text: embedded, or the archive member its path names (by path, else by file name)."""
        content = child(source, "PlainTextContent")
        if content is not None:
            return content.text or ""
        return self.member_text(source, f"source '{name}'")

    def member_text(self, holder, what: str) -> str | None:
        """The text of the archive member a source's or note's `plainTextPath` names, decoded; None if absent."""
        target = holder.get("plainTextPath") or ""
        if self.archive is None or not target:
            return None
        tail = target.split("://", 1)[-1].replace("\\", "/").lstrip("/")
        member = self.archive.find(f"sources/{tail}", tail, f"sources/{tail.rsplit('/', 1)[-1]}")
        if member is None:
            return None
        text, encoding = decode_text(self.archive.read(member), self.origin, what)
        if not encoding.startswith("utf-8"):  # a UTF-8 byte-order mark (QualCoder writes one) changes nothing
            self.messages.append(f"{what}: text decoded as {encoding}")
        return text

    def selection(self, selection, name: str, units: Units) -> None:
        start, end = _offset(selection, "startPosition", self.errors), _offset(selection, "endPosition", self.errors)
        if start is None or end is None:
            return
        parts: dict[str, list] = {"Description": [], "Coding": [], "NoteRef": []}
        for part in selection:  # one pass over the children
            parts.get(local(part.tag), []).append(part)
        stored = [selection.get("name") or "", *(d.text or "" for d in parts["Description"][:1])]
        reading = read_offsets(units, start, end, stored)
        if reading is None:
            self._refuse(selection, name, units, start, end)
            return
        if reading.unit != "characters":
            self.messages.append(
                f"selection {selection.get('guid') or ''} (line {line_of(selection)}) in source '{name}': offsets "
                f"{start}-{end} counted in {reading.unit}, converted to characters {reading.start}-{reading.end}"
            )
        start, end = reading.start, reading.end
        memo = "\n".join(self.notes.get(norm_guid(r.get("targetGUID")), ("", ""))[1] for r in parts["NoteRef"])
        if memo:
            self.memos.append((f"{name} {start}-{end}", selection.get("name") or "", memo))
        for coding in parts["Coding"]:
            self.coding(coding, name, start, end, memo, self.coder(coding, selection))

    def _refuse(self, selection, name: str, units: Units, start: int, end: int) -> None:
        if units.astral and 0 <= start < end <= units.utf16_length:
            expected = (
                f"a selection whose stored text matches source '{name}' at its offsets, counted in characters "
                f"or in UTF-16 units (selection {selection.get('guid')})"
            )
        else:
            expected = f"offsets with 0 <= start < end <= {len(units.text)}, the length of source '{name}'"
        self.errors.add(line_of(selection), "PlainTextSelection", expected, f"{start}-{end}")

    def coding(self, coding, name: str, start: int, end: int, memo: str, coder: str) -> None:
        ref = child(coding, "CodeRef")
        target = norm_guid(ref.get("targetGUID") if ref is not None else None)
        if target in self.case_codes:
            return
        if target not in self.code_ids:
            self.errors.add(line_of(coding), "CodeRef", "a code of the project's codebook", target or "none")
            return
        self.segments.append((name, start, end, self.code_ids[target], coder, memo))


def read_qdpx(path: Path | str) -> QdaProject:
    """Codebook, text sources (with their variables), segments with offsets, codings and memos of a project.

    A source's id is its name. A coding's coder is its `creatingUser`, else its selection's,
    named by the project's Users; with neither, the only user, or "unknown".
    """
    path = Path(path)
    root, archive = open_project(path)
    try:
        errors = Collector(path)
        if local(root.tag) != "Project":
            errors.add(line_of(root), None, "a QDA-XML Project document", local(root.tag))
            errors.raise_if_any()
        check_unique(root, errors)
        errors.raise_if_any()
        users = {
            norm_guid(u.get("guid")): u.get("name") or norm_guid(u.get("guid"))
            for u in children(child(root, "Users"), "User")
        }
        book = child(root, "CodeBook")
        codes = child(book, "Codes") if book is not None else None
        codebook, code_ids = codebook_from_codes(codes, str(path))
        codebook, code_ids, case_codes = _without_case_codes(root, codebook, code_ids)
        reader = _Reader(root, archive, str(path), code_ids, users, errors, case_codes)
        codebook = _with_code_notes(codebook, codes, code_ids, reader.notes)
        errors.raise_if_any()
        version = project_version(root, reader.notes)
    finally:
        if archive is not None:
            archive.close()
    return _project(codebook, users, reader, version)


def _without_case_codes(root, codebook: Codebook, code_ids: dict[str, str]) -> tuple[Codebook, dict, set[str]]:
    """The codebook without the codes that are cases (a Code with a Case's GUID, as NVivo writes), and their GUIDs."""
    cases = {norm_guid(c.get("guid")) for c in children(child(root, "Cases"), "Case")}
    found = {g for g in cases if g in code_ids and not codebook.children(code_ids[g])}
    if not found:
        return codebook, code_ids, set()
    dropped = {code_ids[g] for g in found}
    kept = {cid: c for cid, c in codebook.codes.items() if cid not in dropped}
    ids = {g: cid for g, cid in code_ids.items() if g not in found}
    return Codebook(codes=kept, meta=codebook.meta, path=codebook.path), ids, found


def _with_code_notes(codebook: Codebook, codes, code_ids: dict[str, str], notes: dict) -> Codebook:
    """A code's notes (NoteRef) as its memo, where its description carries none."""
    memos: dict[str, str] = {}
    stack = list(children(codes, "Code"))
    while stack:
        element = stack.pop()
        stack.extend(children(element, "Code"))
        texts = [notes[g][1] for r in children(element, "NoteRef") if (g := norm_guid(r.get("targetGUID"))) in notes]
        code = code_ids.get(norm_guid(element.get("guid")))
        if code and texts and not codebook[code].memo:
            memos[code] = normalise_text(" ".join(texts))
    if not memos:
        return codebook
    updated = {cid: replace(c, memo=memos.get(cid, c.memo)) for cid, c in codebook.codes.items()}
    return Codebook(codes=updated, meta=codebook.meta, path=codebook.path)


def _project(codebook: Codebook, users: dict[str, str], reader: _Reader, version: str | None) -> QdaProject:
    sources = pd.DataFrame(reader.sources)
    if sources.empty:
        sources = pd.DataFrame(columns=SOURCE_COLUMNS)
    for column in SOURCE_COLUMNS:
        if column not in sources:
            sources[column] = ""
    sources = sources[SOURCE_COLUMNS + [c for c in sources.columns if c not in SOURCE_COLUMNS]].fillna("")
    segments = pd.DataFrame(reader.segments, columns=SEGMENT_COLUMNS) if reader.segments else empty_segments()
    segments = segments.drop_duplicates(["document_id", "start", "end", "code", "coder"]).reset_index(drop=True)
    codings = (
        segments[["coder", "document_id", "code"]]
        .rename(columns={"document_id": "excerpt_id"})
        .drop_duplicates()
        .reset_index(drop=True)[CODING_COLUMNS]
    )
    memos = pd.DataFrame(reader.memos, columns=["target", "name", "memo"])
    if version is not None:
        codebook = Codebook(codes=codebook.codes, meta={**codebook.meta, "version": version}, path=codebook.path)
    return QdaProject(codebook, sources, codings, users, segments, memos, reader.messages, version)


__all__ = ["QdaProject", "read_qdpx"]
