"""SPSS files for tests: pyreadstat writes them, and a multiple-response set is added as SPSS stores it.

pyreadstat cannot write multiple-response sets, so `with_multiple_response_set` inserts the extension
record (type 7, subtype 7) that SPSS writes for one, just before the dictionary's end (type 999), in
the layout of the SPSS system file format (PSPP's documentation, "System File Format": "Multiple
Response Sets Records"). pyreadstat reads it back, which the tests check.
"""

from __future__ import annotations

import struct
from pathlib import Path


def _dictionary_end(data: bytes) -> int:
    """Offset of the type-999 record that closes a system file's dictionary."""
    at = 176  # the file header

    def number(offset: int) -> int:
        return struct.unpack_from("<i", data, offset)[0]

    while True:
        kind = number(at)
        if kind == 2:  # a variable
            has_label, missing = number(at + 8), number(at + 12)
            at += 32
            if has_label:
                at += 4 + (number(at) + 3) // 4 * 4
            at += abs(missing) * 8
        elif kind == 3:  # value labels, then the type-4 record naming their variables
            count, at = number(at + 4), at + 8
            for _ in range(count):
                at += 8 + (1 + data[at + 8] + 7) // 8 * 8
            at += 8 + 4 * number(at + 4)
        elif kind == 6:  # documents
            at += 8 + 80 * number(at + 4)
        elif kind == 7:  # an extension record
            size, count = struct.unpack_from("<ii", data, at + 8)
            at += 16 + size * count
        elif kind == 999:
            return at
        else:
            raise ValueError(f"unexpected record type {kind} at byte {at}")


def with_multiple_response_set(path: Path, name: str, label: str, variables: list[str], counted: str = "1") -> None:
    """Add a dichotomy multiple-response set `$name` over `variables`, counting `counted`, to a .sav."""
    data = path.read_bytes()
    text = f"${name}=D{len(counted)} {counted} {len(label)} {label} {' '.join(variables)}\n".encode()
    record = struct.pack("<iiii", 7, 7, 1, len(text)) + text
    at = _dictionary_end(data)
    path.write_bytes(data[:at] + record + data[at:])
