"""Text files decoded as UTF-8, with an undecodable byte named by its line and column."""

from __future__ import annotations

from pathlib import Path

from .errors import Collector


def byte_position(data: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and character column of the byte at `offset` (characters before it decoded)."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column


def undecodable(errors: Collector, data: bytes, exc: UnicodeDecodeError) -> None:
    """Add the problem of a non-UTF-8 byte: its line, its column and the byte itself."""
    line, column = byte_position(data, exc.start)
    errors.add(line, f"character {column}", "UTF-8 text", f"the byte 0x{data[exc.start]:02x}, which is not UTF-8")


def read_bytes(path: Path, errors: Collector) -> bytes:
    """The bytes of a regular file; a folder, a pipe or a device, or an unreadable file, raises `DataError`."""
    if not path.is_file():
        errors.add(None, None, "a regular file" if path.exists() else "the file to exist")
        errors.raise_if_any()
    try:
        return path.read_bytes()
    except OSError as exc:
        errors.add(None, None, "a file it can read", exc.strerror or str(exc))
        errors.raise_if_any()
        raise  # unreachable: raise_if_any raised


def read_utf8(path: Path, errors: Collector, encoding: str = "utf-8") -> str:
    """The file's text; a non-UTF-8 byte, or a file that cannot be read, raises `DataError`."""
    data = read_bytes(path, errors)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        undecodable(errors, data, exc)
        errors.raise_if_any()
        raise  # unreachable: raise_if_any raised
