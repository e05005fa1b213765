"""Read a REFI-QDA `.qdpx` (or `.qde`) project from QualCoder, NVivo, ATLAS.ti, MAXQDA or the workbench.

Lenient with what tools write differently: any or no namespace, upper-case or braced GUIDs, text
embedded (`PlainTextContent`) or in the archive (`sources/`, found by `internal://` path or by
file name), the coder on the selection or on the coding, variables on a case or on the source.
Strict about what would give wrong numbers: a selection without whole-number offsets, one that
is empty or runs past the end of its text, a coding of a code the codebook does not hold, or a
source with selections but no text is an error naming the element and its line.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ..core.errors import Collector
from .codebook import Codebook, normalise_text
from .coders import COLUMNS as CODING_COLUMNS
from .documents import SEGMENT_COLUMNS, empty_segments
from .qdaxml import _child, _children, _codebook_from_codes, _local, _project_root, _read_member, line_of, norm_guid

UNKNOWN_CODER = "unknown"
SOURCE_COLUMNS = ["excerpt_id", "text", "speaker_role", "authority_type"]


@dataclass
class QdaProject:
    """What a `.qdpx` holds, as the workbench's tables."""

    codebook: Codebook
    sources: pd.DataFrame  # excerpt_id, text, speaker_role, authority_type, then any other variable
    codings: pd.DataFrame  # coder, excerpt_id, code
    users: dict[str, str]  # normalised guid: name
    segments: pd.DataFrame = field(default_factory=empty_segments)  # document_id, start, end, code, coder, memo
    memos: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["target", "name", "memo"]))

    @property
    def documents(self) -> pd.DataFrame:
        """The sources as documents (document_id, text, attributes)."""
        return self.sources.rename(columns={"excerpt_id": "document_id"})


def _empty(root) -> list:
    return [] if root is None else list(root)


def _variables_by_source(root) -> dict[str, dict[str, str]]:
    """{source guid: {variable: value}} from cases (their SourceRefs) and from sources' own values."""
    variables = {norm_guid(v.get("guid")): v.get("name") for v in _children(_child(root, "Variables"), "Variable")}

    def values(holder) -> dict[str, str]:
        out = {}
        for vv in _children(holder, "VariableValue"):
            ref = _child(vv, "VariableRef")
            name = variables.get(norm_guid(ref.get("targetGUID") if ref is not None else None))
            value = next((c.text or "" for c in vv if _local(c.tag) != "VariableRef"), "")
            if name:
                out[name] = value
        return out

    by_source: dict[str, dict[str, str]] = {}
    for case in _children(_child(root, "Cases"), "Case"):
        found = values(case)
        for ref in _children(case, "SourceRef"):
            by_source.setdefault(norm_guid(ref.get("targetGUID")), {}).update(found)
    for source in _children(_child(root, "Sources"), "TextSource"):
        by_source.setdefault(norm_guid(source.get("guid")), {}).update(values(source))
    return by_source


def _notes(root) -> dict[str, tuple[str, str]]:
    """{note guid: (name, text)} of the project's notes."""
    out = {}
    for note in _children(_child(root, "Notes"), "Note"):
        content = _child(note, "PlainTextContent")
        out[norm_guid(note.get("guid"))] = (note.get("name") or "", (content.text or "") if content is not None else "")
    return out


def _offset(selection, key: str, errors: Collector) -> int | None:
    value = (selection.get(key) or "").strip()
    if not value.lstrip("-").isdigit() or not value.isascii():
        errors.add(line_of(selection), key, "a whole-number character offset on PlainTextSelection", value)
        return None
    return int(value)


class _Reader:
    """Walks one project's sources, collecting documents, segments and codings with their problems."""

    def __init__(self, root, archive, origin: str, code_ids: dict[str, str], users: dict[str, str]):
        self.archive, self.origin, self.code_ids, self.users = archive, origin, code_ids, users
        self.errors = Collector(origin)
        self.notes = _notes(root)
        self.variables = _variables_by_source(root)
        self.sources: list[dict] = []
        self.segments: list[tuple] = []
        self.memos: list[tuple] = []
        default = list(users.values())
        self.default_coder = default[0] if len(default) == 1 else UNKNOWN_CODER
        for source in _children(_child(root, "Sources"), "TextSource"):
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
        text = _source_text(source, self.archive)
        selections = _children(source, "PlainTextSelection")
        if text is None:
            if selections or _children(source, "Coding"):
                self.errors.add(line_of(source), "TextSource", f"the plain text of source '{name}'", "none found")
            text = ""
        self.sources.append({"excerpt_id": name, "text": text, **self.variables.get(sid, {})})
        for coding in _children(source, "Coding"):  # a coding of the whole source
            self.coding(coding, name, 0, len(text), "", self.coder(coding, source))
        for selection in selections:
            self.selection(selection, name, len(text))

    def selection(self, selection, name: str, length: int) -> None:
        start, end = _offset(selection, "startPosition", self.errors), _offset(selection, "endPosition", self.errors)
        if start is None or end is None:
            return
        if start < 0 or end <= start or end > length:
            self.errors.add(
                line_of(selection),
                "PlainTextSelection",
                f"offsets with 0 <= start < end <= {length}, the length of source '{name}'",
                f"{start}-{end}",
            )
            return
        memo = "\n".join(
            self.notes.get(norm_guid(r.get("targetGUID")), ("", ""))[1] for r in _children(selection, "NoteRef")
        )
        if memo:
            self.memos.append((f"{name} {start}-{end}", selection.get("name") or "", memo))
        for coding in _children(selection, "Coding"):
            self.coding(coding, name, start, end, memo, self.coder(coding, selection))

    def coding(self, coding, name: str, start: int, end: int, memo: str, coder: str) -> None:
        ref = _child(coding, "CodeRef")
        target = norm_guid(ref.get("targetGUID") if ref is not None else None)
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
    root, archive = _project_root(path)
    try:
        errors = Collector(path)
        if _local(root.tag) != "Project":
            errors.add(line_of(root), None, "a QDA-XML Project document", _local(root.tag))
            errors.raise_if_any()
        users = {
            norm_guid(u.get("guid")): u.get("name") or norm_guid(u.get("guid"))
            for u in _children(_child(root, "Users"), "User")
        }
        book = _child(root, "CodeBook")
        codes = _child(book, "Codes") if book is not None else None
        codebook, code_ids = _codebook_from_codes(codes, str(path))
        reader = _Reader(root, archive, str(path), code_ids, users)
        codebook = _with_code_notes(codebook, codes, code_ids, reader.notes)
        reader.errors.raise_if_any()
    finally:
        if archive is not None:
            archive.close()
    return _project(codebook, users, reader)


def _with_code_notes(codebook: Codebook, codes, code_ids: dict[str, str], notes: dict) -> Codebook:
    """A code's notes (NoteRef) as its memo, where its description carries none."""
    memos: dict[str, str] = {}
    stack = list(_children(codes, "Code"))
    while stack:
        element = stack.pop()
        stack.extend(_children(element, "Code"))
        texts = [notes[g][1] for r in _children(element, "NoteRef") if (g := norm_guid(r.get("targetGUID"))) in notes]
        code = code_ids.get(norm_guid(element.get("guid")))
        if code and texts and not codebook[code].memo:
            memos[code] = normalise_text(" ".join(texts))
    if not memos:
        return codebook
    updated = {cid: replace(c, memo=memos.get(cid, c.memo)) for cid, c in codebook.codes.items()}
    return Codebook(codes=updated, meta=codebook.meta, path=codebook.path)


def _project(codebook: Codebook, users: dict[str, str], reader: _Reader) -> QdaProject:
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
    return QdaProject(codebook, sources, codings, users, segments, memos)


def _source_text(source, archive: zipfile.ZipFile | None) -> str | None:
    """The source's plain text: embedded, or the archive member its path names (by path, else by file name)."""
    content = _child(source, "PlainTextContent")
    if content is not None:
        return content.text or ""
    target = source.get("plainTextPath") or ""
    if archive is None or not target:
        return None
    names = {n.lower(): n for n in archive.namelist()}
    tail = target.split("://", 1)[-1].replace("\\", "/").lstrip("/")
    for candidate in (f"sources/{tail}", tail, f"sources/{tail.rsplit('/', 1)[-1]}"):
        if candidate.lower() in names:
            return _read_member(archive, names[candidate.lower()], "qdpx").decode("utf-8-sig")
    return None


__all__ = ["QdaProject", "read_qdpx"]
