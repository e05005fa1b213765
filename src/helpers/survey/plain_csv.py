"""respondents.csv in its common form, split by numpy: no quotes, every row exactly as wide as the header.

pandas' C parser spends most of a million-row read hashing every cell into its category. In a plain
file (a header that csv and pandas read alike, then no quote, no NUL byte, no CR, UTF-8, two columns
or more) a cell is just the bytes between two separators, so numpy finds the separators and matches
each cell, by length and bytes, against the values its column may hold (the question's options). The
file is read a piece of about a megabyte at a time into one buffer, which stays in the CPU's cache
while the piece is split. Anything else (a quote, a short or long row, a blank line before the end,
a value no option matches) gives None and the caller reads the file with pandas: the frame is the
same either way, its categories sorted as pandas sorts them, so errors and their line numbers come
out as before.
"""

from __future__ import annotations

import codecs
import csv
import io
from typing import BinaryIO

import numpy as np
import pandas as pd

CHUNK = 1 << 20  # bytes per piece: the piece, its separators and the gathered cells stay in L2
LONG_CELL = 64  # longer free-text cells are cut out one by one rather than as a padded block
COMMA, NEWLINE = 44, 10


def read_plain(
    file: BinaryIO, first: bytes, header: list[str], values: dict[str, list[str]], text: str
) -> pd.DataFrame | None:
    """The rows after the header line `first` (`file` is just past it) as pandas would read them, or None.

    None when the file is not plain. `values` lists, per column, the only values it may hold besides
    empty (a cell holding anything else gives None); a column without a list, like `text` (read as
    str, not as a category), is decoded cell by cell. Blank lines at the end are dropped, as the
    pandas path drops them. The file is read a piece at a time into one buffer, never whole.
    """
    if not _plain_header(first, header):
        return None
    groups: dict[tuple[bytes, ...], list[int]] = {}  # columns that may hold the same values are matched together
    for j, name in enumerate(header):
        if name in values:
            groups.setdefault(_encoded(values[name]), []).append(j)
    free = [j for j, name in enumerate(header) if name not in values]
    pad = max((len(v) for vs in groups for v in vs), default=0) + LONG_CELL + 8
    buf = bytearray(CHUNK + pad)  # the gathers read up to `pad` bytes past a piece: never past the buffer
    pieces, blank = [], False
    for n, ends_blank in _pieces(file, buf, pad):
        blank = ends_blank  # said by the last piece
        if n < 0 or not _clean(buf, n):
            return None
        if n:
            pieces.append(_piece(buf, n, len(header), groups, free))
            if pieces[-1] is None:
                return None
    if not pieces or not pieces[-1][2].any():  # no row, or a last row of empty cells (pandas drops it)
        return None
    columns = {}  # with blank lines at the end pandas read rows of "", so "" is among the categories
    for g, (vs, js) in enumerate(groups.items()):
        block = np.concatenate([codes[g] for codes, _, _ in pieces], axis=1)
        columns.update((header[j], _categorical(block[i], vs, blank)) for i, j in enumerate(js))
    for f, j in enumerate(free):
        strings = b"".join(cells[f] for _, cells, _ in pieces).decode("utf-8").split("\n")
        strings.pop()  # after the last line end (pop: [:-1] would copy a million references)
        if header[j] == text:
            columns[header[j]] = pd.array(np.array(strings, dtype=object), dtype="str")  # faster than from a list
        else:
            columns[header[j]] = pd.Categorical(strings, categories=sorted(set(strings) | ({""} if blank else set())))
    return pd.DataFrame({name: columns[name] for name in header}, copy=False)


def _pieces(file: BinaryIO, buf: bytearray, pad: int):
    """The rest of the file as pieces of whole lines read into buf (reused): (length, blank) for each.

    The last piece ends with a line end even where the file does not; line ends at the end of the
    file are left out of it, and `blank` says whether they held a blank line. -1: a line longer
    than the buffer.
    """
    view, filled, size, got = memoryview(buf), 0, len(buf) - pad, 1
    while True:
        while filled < size and got:
            got = file.readinto(view[filled:size])
            filled += got
        if not got:  # the end of the file
            end = filled
            while end and buf[end - 1] == NEWLINE:
                end -= 1
            if end:
                buf[end] = NEWLINE
            yield end + bool(end), filled - end >= (2 if end else 1)
            return
        n = buf.rfind(b"\n", 0, filled) + 1
        while n > 1 and buf[n - 2] == NEWLINE:  # blank lines wait: at the end of the file they are no rows
            n -= 1
        yield (n or -1), False
        buf[: filled - n] = bytes(view[n:filled])
        filled -= n


def _piece(buf: bytearray, n: int, width: int, groups: dict, free: list[int]):
    """One piece of the file: each group's codes (columns, rows), each free column's cells, the last row's lengths."""
    split = _split(buf, n, width)
    if split is None:
        return None
    starts, lengths = split
    codes = []
    for vs, js in groups.items():
        cols = slice(js[0], js[-1] + 1) if js[-1] - js[0] == len(js) - 1 else js  # side by side: a view, no copy
        found = _codes(buf, starts[cols].ravel(), lengths[cols].ravel(), vs)
        if found is None:
            return None
        codes.append(found.reshape(len(js), -1))
    return codes, [_cells(buf, starts[j], lengths[j]) for j in free], lengths[:, -1]


def _plain_header(first: bytes, header: list[str]) -> bool:
    """Whether the header line reads the same to csv and to pandas: two columns or more, quoted only where needed."""
    if len(header) < 2 or not first.endswith(b"\n") or any(c in first for c in b"\r\0"):
        return False
    line = io.StringIO()
    csv.writer(line, lineterminator="\n").writerow(header)
    try:
        return line.getvalue() == first.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False


def _clean(buf: bytearray, n: int) -> bool:
    """Whether the piece is plain: no quote, no NUL, no CR, and UTF-8 (anything else: the pandas path)."""
    if buf.find(b'"', 0, n) >= 0 or buf.find(b"\0", 0, n) >= 0 or buf.find(b"\r", 0, n) >= 0:
        return False
    if not n or np.frombuffer(buf, np.uint8, count=n).max() < 128:
        return True
    try:
        codecs.utf_8_decode(memoryview(buf)[:n], "strict", True)
    except UnicodeDecodeError:
        return False
    return True


def _encoded(values: list[str]) -> tuple[bytes, ...]:
    """The values as UTF-8, "" among them, in the order pandas sorts categories; a value no plain cell
    can hold (a comma, a quote, a line end) is left out."""
    kept = {v for v in values if not any(c in v for c in ',"\n\r\0')} | {""}
    return tuple(v.encode("utf-8") for v in sorted(kept))


def _split(buf: bytes, n: int, width: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Where each cell of the first n bytes starts and how long it is, one row per column: (width, rows).

    None when a row has more or fewer cells than `width` (a blank line is a row of one cell).
    """
    a = np.frombuffer(buf, np.uint8, count=n)
    newline = a == NEWLINE
    separators = a == COMMA
    separators |= newline
    ends = np.flatnonzero(separators)
    rows = len(ends) // width
    if len(ends) != rows * width or np.count_nonzero(newline) != rows:
        return None
    if (a[ends[width - 1 :: width]] != NEWLINE).any():  # each row's last separator ends its line: the rest are commas
        return None
    ends = ends.reshape(rows, width).T.copy()
    starts = np.empty_like(ends)
    np.add(ends[:-1], 1, out=starts[1:])  # a cell starts after the one before it in its row,
    starts[0, 0] = 0
    np.add(ends[-1, :-1], 1, out=starts[0, 1:])  # a row's first cell after the line end before it
    return starts, ends - starts


def _view(buf: bytes, width: int) -> np.ndarray:
    """Every `width` bytes of buf that start at each offset, as fixed-width byte strings (no copy)."""
    return np.ndarray(shape=(len(buf) - width + 1,), dtype=f"S{width}", buffer=buf, strides=(1,))


def _codes(buf: bytes, starts: np.ndarray, lengths: np.ndarray, values: tuple[bytes, ...]) -> np.ndarray | None:
    """Each cell's index in `values`, or None when a cell holds none of them.

    A cell is compared only with the values of its own length: one byte through a table; when one
    value has that length, all its cells at once; else eight bytes at a time.
    """
    dtype = np.int8 if len(values) < 128 else np.int16  # the code types pandas itself keeps
    codes = np.subtract(lengths == 0, 1, dtype=dtype)  # 0 (values[0], "") for an empty cell, -1 (none yet) else
    by_length: dict[int, list[int]] = {}
    for k, value in enumerate(values[1:], start=1):
        by_length.setdefault(len(value), []).append(k)
    for size, ks in by_length.items():
        hit = lengths == size
        if size == 1:
            table = np.full(256, -1, dtype=dtype)
            table[[values[k][0] for k in ks]] = ks
            codes = np.where(hit, table[np.frombuffer(buf, np.uint8)[starts]], codes)
            continue
        rows = np.flatnonzero(hit)
        if not len(rows):
            continue
        if len(ks) == 1:  # the one value of this length: every such cell must be it, one comparison for all
            if _view(buf, size)[starts[rows]].tobytes() != values[ks[0]] * len(rows):
                return None
            codes[rows] = ks[0]
            continue
        words = -(-size // 8)
        heads = _view(buf, 8 * words)[starts[rows]].view("<u8").reshape(len(rows), words)
        heads[:, -1] &= (1 << (8 * (size - 8 * words + 8))) - 1  # the bytes after the cell out of the last word
        found = np.full(len(rows), -1, dtype=dtype)
        for k in ks:
            target = np.frombuffer(values[k].ljust(8 * words, b"\0"), "<u8")
            same = heads[:, 0] == target[0]
            for w in range(1, words):
                same &= heads[:, w] == target[w]
            found = np.where(same, dtype(k), found)  # np.where, not found[same] = k: a masked write is slower
        codes[rows] = found
    return None if codes.min() < 0 else codes


def _cells(buf: bytes, starts: np.ndarray, lengths: np.ndarray) -> bytes:
    """The cells' bytes, each followed by a line end (none holds one: the file has no quotes)."""
    widest = int(lengths.max())
    if widest == 0:
        return b"\n" * len(starts)
    if widest > LONG_CELL:
        return b"".join(buf[s : s + n] + b"\n" for s, n in zip(starts.tolist(), lengths.tolist()))
    block = np.zeros((len(starts), widest + 1), dtype=np.uint8)
    heads = _view(buf, widest)[starts].view(np.uint8).reshape(len(starts), widest)
    block[:, :widest] = heads * (np.arange(widest) < lengths[:, None])
    block[np.arange(len(starts)), lengths] = NEWLINE
    return block.tobytes().replace(b"\0", b"")  # the padding out; the file itself holds no NUL


def _categorical(codes: np.ndarray, values: tuple[bytes, ...], empty: bool) -> pd.Categorical:
    """A categorical of the values that occur (and "" if `empty`), sorted as pandas sorts the categories it infers."""
    if len(values) <= 16:  # a comparison per value is cheaper than bincount's cast of every code to intp
        occurs = [bool((codes == k).any()) for k in range(len(values))]
    else:
        occurs = (np.bincount(codes, minlength=len(values)) > 0).tolist()
    occurs[0] = occurs[0] or empty  # values[0] is ""
    present = np.flatnonzero(occurs)
    categories = pd.Index([values[k].decode("utf-8") for k in present], dtype="str")
    if len(present) < len(values):  # the values are sorted: dropping those absent keeps the order
        recode = np.full(len(values), -1, dtype=codes.dtype)
        recode[present] = np.arange(len(present))
        codes = recode[codes]
    return pd.Categorical.from_codes(codes, categories=categories)
