"""Reading a `.qdpx` archive (a zip) as untrusted input: a budget on what is unpacked, text decoded with care.

Members are read in chunks against one running budget for the whole archive (never trusting the
sizes the zip's headers claim), so a small file that unpacks to gigabytes stops at the limit with
an error naming it. A damaged or truncated archive is called that, never "not well-formed XML".
Text sources are decoded by their byte-order mark, else as UTF-8, else as Windows-1252 (a superset
of Latin-1's printable characters), and the caller is told which.
"""

from __future__ import annotations

import codecs
import zipfile
import zlib
from pathlib import Path

from ...core.errors import Collector, DataError
from .parse import parse_xml

# The most an archive may unpack to in all (project.qde plus every text source read), and per member.
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_MEMBER_BYTES = MAX_TOTAL_BYTES
CHUNK = 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
FALLBACK = "cp1252"


def _fail(origin, expected: str, found=None, column: str | None = None) -> DataError:
    errors = Collector(origin)
    errors.add(None, column, expected, found)
    return DataError(errors.problems)


def _mib(n: int) -> str:
    return f"{n:,} bytes" + (f" ({n // (1024 * 1024)} MiB)" if n >= 1024 * 1024 else "")


class Archive:
    """An open `.qdpx` with a budget: `read(name)` gives a member's bytes, counting them against the total."""

    def __init__(self, path: Path, budget: int | None = None):
        self.path, self.budget, self.used = path, MAX_TOTAL_BYTES if budget is None else budget, 0
        try:
            self.zip = zipfile.ZipFile(path)
            self.names = {n.lower(): n for n in self.zip.namelist()}
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
            raise _fail(path, "an intact zip archive (a .qdpx is one): the archive is damaged", str(exc)) from None

    def close(self) -> None:
        self.zip.close()

    def find(self, *candidates: str) -> str | None:
        """The member named by the first candidate present (names compare case-insensitively)."""
        for candidate in candidates:
            if candidate.lower() in self.names:
                return self.names[candidate.lower()]
        return None

    def read(self, name: str) -> bytes:
        """A member's bytes, read in chunks; past the archive's budget or the member limit, an error naming it."""
        limit = min(MAX_MEMBER_BYTES, self.budget - self.used)
        claimed = self.zip.getinfo(name).file_size
        if claimed > limit:
            raise self._over(name, claimed)
        parts, size = [], 0
        try:
            with self.zip.open(name) as member:
                while chunk := member.read(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise self._over(name, size)
                    parts.append(chunk)
        except (
            zipfile.BadZipFile,
            EOFError,
            zlib.error,
            OSError,
            ValueError,
            NotImplementedError,
            RuntimeError,
        ) as exc:
            raise _fail(self.path, f"an intact zip archive: member {name} is damaged", str(exc)) from None
        self.used += size
        return b"".join(parts)

    def _over(self, name: str, size: int) -> DataError:
        return _fail(
            self.path,
            f"a .qdpx that unpacks to at most {_mib(MAX_TOTAL_BYTES)} in all and {_mib(MAX_MEMBER_BYTES)} per member "
            f"(member {name} would take it past the limit after {self.used:,} bytes)",
            f"at least {size:,} bytes",
        )


def open_project(path: Path) -> tuple:
    """(root element of the project or codebook document, Archive or None) for a .qdpx, .qde or .qdc file."""
    errors = Collector(path)
    if not path.is_file():
        errors.add(None, None, "the file to exist")
        errors.raise_if_any()
    with path.open("rb") as handle:
        head = handle.read(4)
    if head == ZIP_MAGIC or path.suffix.lower() == ".qdpx" or zipfile.is_zipfile(path):
        archive = Archive(path)
        try:
            name = next((archive.names[n] for n in sorted(archive.names) if n.endswith(".qde")), None)
            if name is None:
                errors.add(None, None, "a .qdpx holding a project.qde", ", ".join(sorted(archive.names)[:5]))
                errors.raise_if_any()
            return parse_xml(archive.read(name), str(path)), archive
        except BaseException:
            archive.close()
            raise
    if path.stat().st_size > MAX_MEMBER_BYTES:
        raise _fail(path, f"a QDA-XML file of at most {_mib(MAX_MEMBER_BYTES)}", path.stat().st_size)
    return parse_xml(path.read_bytes(), str(path)), None


def decode_text(data: bytes, origin, source: str) -> tuple[str, str]:
    """(text, encoding used) of a text source: by its BOM, else UTF-8, else UTF-16 without BOM, else Windows-1252."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", "") + " (byte-order mark)"
            except UnicodeDecodeError:
                break
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        guessed = _utf16_without_bom(data)
        if guessed:
            try:
                return data.decode(guessed), f"{guessed} (no byte-order mark)"
            except UnicodeDecodeError:
                pass
        try:
            return data.decode(FALLBACK), f"{FALLBACK} (not valid UTF-8)"
        except UnicodeDecodeError:
            pass
    raise _fail(
        origin,
        f"the text of {source} in UTF-8, UTF-16 or UTF-32 (with a byte-order mark) or Windows-1252",
        "bytes none of them decodes",
        "TextSource",
    )


def _utf16_without_bom(data: bytes) -> str | None:
    """utf-16-le / -be where every other byte of an even-length text is mostly zero (Latin text in UTF-16)."""
    if len(data) < 2 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    half = len(data) // 2
    if odd > 0.3 * half and even == 0:
        return "utf-16-le"
    if even > 0.3 * half and odd == 0:
        return "utf-16-be"
    return None


__all__ = ["MAX_MEMBER_BYTES", "MAX_TOTAL_BYTES", "Archive", "decode_text", "open_project"]
