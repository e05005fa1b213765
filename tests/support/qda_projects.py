"""REFI-QDA projects built the way other tools write them, for the exchange's tests.

Each builder writes a `.qdpx` in one tool's conventions, as read from its exports and its source:

- QualCoder (3.x, `refi.py`): lower-case GUIDs, `creatingUser` and `creationDateTime` on sources,
  selections and notes, the selected text as the selection's `name`, a coding memo as its
  `<Description>`, categories (`isCodable="false"`) holding codes; its coding window counts
  offsets in UTF-16 units, so after an emoji a hand-made selection is shifted.
- NVivo (14): upper-case GUIDs, sources under `Sources/` (capital S), selections without a
  name, `modifyingUser` / `modifiedDateTime` beside the creation pair, a case that is also a code
  (the same GUID) coded over its source.
- ATLAS.ti (23): upper-case braced-or-bare GUIDs, its own "ATLAS.ti" user beside the coder, nested
  codable codes, the quotation's text as the selection's `name`, offsets in UTF-16 units (.NET).

Texts are the tests' own; no tool's file is copied.
"""

from __future__ import annotations

import uuid
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

NS = "urn:QDA-XML:project:1.0"
DATE = "2025-03-04T10:11:12Z"


def gid(key: str, upper: bool = False) -> str:
    value = str(uuid.uuid5(uuid.NAMESPACE_URL, f"test:{key}"))
    return value.upper() if upper else value


def utf16_offset(text: str, characters: int) -> int:
    """The UTF-16 unit offset of a character offset (what .NET, Java and QualCoder's window count)."""
    return len(text[:characters].encode("utf-16-le")) // 2


def write_qdpx(path: Path, qde: str | bytes, members: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde.encode("utf-8") if isinstance(qde, str) else qde)
        for name, data in (members or {}).items():
            archive.writestr(name, data)
    return path


def project(body: str, attrs: str = 'name="t"') -> str:
    return f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{NS}" {attrs}>\n{body}\n</Project>\n'


def _code(key: str, name: str, codable: bool = True, inner: str = "", upper: bool = False) -> str:
    flag = "true" if codable else "false"
    return f'<Code guid="{gid(key, upper)}" name={quoteattr(name)} isCodable="{flag}">{inner}</Code>'


def qualcoder(path: Path, text: str, selections: list[tuple], coder: str = "jane", units: bool = False) -> Path:
    """A QualCoder export: selections (start, end, code key[, name]) in characters, the slice as name.

    With `units`, offsets are written in UTF-16 units, as its coding window counts them.
    """
    user = gid(f"user:{coder}")
    source = gid("qc-source")
    codes = _code("cat", "Market", False, _code("market_dialogue", "Market dialogue") + _code("risk", "Risk"))
    sels = []
    for i, (start, end, key, *shown) in enumerate(selections):
        name = shown[0] if shown else text[start:end]
        if units:
            start, end = utf16_offset(text, start), utf16_offset(text, end)
        sels.append(
            f'<PlainTextSelection guid="{gid(f"qc-sel{i}")}" startPosition="{start}" endPosition="{end}" '
            f'name={quoteattr(name)} creatingUser="{user}" creationDateTime="{DATE}">'
            f"<Description>a memo, not the text</Description>"
            f'<Coding guid="{gid(f"qc-coding{i}")}" creatingUser="{user}"><CodeRef targetGUID="{gid(key)}"/></Coding>'
            "</PlainTextSelection>"
        )
    body = (
        f'<Users><User guid="{user}" name="{coder}"/></Users>'
        f"<CodeBook><Codes>{codes}</Codes></CodeBook>"
        f'<Sources><TextSource guid="{source}" name="interview one" plainTextPath="internal://{source}.txt" '
        f'creatingUser="{user}" creationDateTime="{DATE}">{"".join(sels)}</TextSource></Sources>'
        f'<Notes><Note guid="{gid("qc-journal")}" name="journal" creatingUser="{user}" creationDateTime="{DATE}">'
        "<PlainTextContent>Coding went well.</PlainTextContent></Note></Notes>"
        "<Description>Project memo</Description>"
    )
    attrs = f'name="qc" origin="QualCoder 3.6" creatingUserGUID="{gid("qc-owner")}" creationDateTime="{DATE}"'
    return write_qdpx(path, project(body, attrs), {f"sources/{source}.txt": text.encode("utf-8")})


def nvivo(path: Path, text: str, start: int, end: int) -> Path:
    """An NVivo export: upper-case GUIDs, `Sources/`, a case coded as a code of the same GUID."""
    user, source, case = gid("nv-user", True), gid("nv-source", True), gid("nv-case", True)
    stamp = f'creatingUser="{user}" creationDateTime="{DATE}" modifyingUser="{user}" modifiedDateTime="{DATE}"'
    codes = _code("risk", "Risk", upper=True) + f'<Code guid="{case}" name="Speaker A" isCodable="true"/>'
    selection = (
        f'<PlainTextSelection guid="{gid("nv-sel", True)}" startPosition="{start}" endPosition="{end}" {stamp}>'
        f'<Coding guid="{gid("nv-coding", True)}" {stamp.split(" modifyingUser")[0]}>'
        f'<CodeRef targetGUID="{gid("risk", True)}"/></Coding></PlainTextSelection>'
    )
    body = (
        f'<Users><User guid="{user}" name="NVIVO\\sam"/></Users><CodeBook><Codes>{codes}</Codes></CodeBook>'
        f'<Cases><Case guid="{case}" name="Speaker A"><SourceRef targetGUID="{source}"/></Case></Cases>'
        f'<Sources><TextSource guid="{source}" name="Interview 1" plainTextPath="internal://{source}.txt" {stamp}>'
        f"{selection}</TextSource></Sources>"
    )
    return write_qdpx(path, project(body, 'name="nv" origin="NVivo 14"'), {f"Sources/{source}.txt": text.encode()})


def atlas(path: Path, text: str, start: int, end: int, name: str | None = None) -> Path:
    """An ATLAS.ti export: its own user, nested codable codes, upper-case GUIDs, the quotation text as name.

    `start` and `end` are characters; the file counts them in UTF-16 units, as .NET strings do.
    """
    coder, tool, source = gid("at-user", True), gid("at-tool", True), gid("at-source", True)
    codes = _code("theme", "Theme", True, _code("risk", "Risk", upper=True), upper=True)
    quote = text[start:end] if name is None else name
    start, end = utf16_offset(text, start), utf16_offset(text, end)
    selection = (
        f'<PlainTextSelection guid="{{{gid("at-sel", True)}}}" name={quoteattr(quote)} startPosition="{start}" '
        f'endPosition="{end}" creatingUser="{coder}" creationDateTime="{DATE}">'
        f'<Coding guid="{gid("at-coding", True)}" creatingUser="{coder}" creationDateTime="{DATE}">'
        f'<CodeRef targetGUID="{gid("risk", True)}"/></Coding></PlainTextSelection>'
    )
    body = (
        f'<Users><User guid="{tool}" name="ATLAS.ti"/><User guid="{coder}" name="Ana Coder"/></Users>'
        f"<CodeBook><Codes>{codes}</Codes></CodeBook>"
        f'<Sources><TextSource guid="{source}" name="Doc 1" plainTextPath="internal://{source}.txt" '
        f'creatingUser="{coder}" creationDateTime="{DATE}">{selection}</TextSource></Sources>'
    )
    return write_qdpx(path, project(body, 'name="at" origin="ATLAS.ti 23.2"'), {f"sources/{source}.txt": text.encode()})


def minimal(body_sources: str, codes: str = "", users: str = "", extra: str = "") -> str:
    """A bare project document with the given parts (for the strictness tests)."""
    code = codes or f'<Code guid="{gid("one")}" name="One" isCodable="true"/>'
    return project(f"{users}<CodeBook><Codes>{code}</Codes></CodeBook><Sources>{body_sources}</Sources>{extra}")


def text_source(key: str, text: str, selections: str = "", name: str | None = None) -> str:
    return (
        f'<TextSource guid="{gid(key)}" name={quoteattr(name or key)}>'
        f"<PlainTextContent>{escape(text)}</PlainTextContent>{selections}</TextSource>"
    )


def selection(key: str, start: int, end: int, code: str = "one", user: str | None = None) -> str:
    who = f' creatingUser="{gid(user)}"' if user else ""
    return (
        f'<PlainTextSelection guid="{gid(key)}" startPosition="{start}" endPosition="{end}"{who}>'
        f'<Coding guid="{gid(key + ":c")}"><CodeRef targetGUID="{gid(code)}"/></Coding></PlainTextSelection>'
    )
