"""respondents.csv in any form pandas reads: quoted fields, line breaks inside them, short rows found.

The general path behind `helpers.survey.respondents` (a plain file takes `plain_csv`): pandas' C
parser reads every column but the id as a category, and what pandas smooths over is found again
from the bytes, so that errors name true lines: a row shorter than the header (pandas pads it) and
the line each row starts on when a quoted field spans lines.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import Collector
from ..core.text import undecodable


def read_general(
    path: Path | None, data: bytes, header: list[str], text: str, errors: Collector
) -> tuple[pd.DataFrame, list[int] | None, list[tuple[int, int]]]:
    """The rows (column `text` as str, the others as categories), the line each starts on, the short rows.

    The lines are None when row r is simply line r + 2; the short rows are (line, fields). A file
    pandas cannot read raises `DataError` naming its line. Blank lines at the end are dropped.
    """
    frame = _parse(path, data, header, text, errors)
    rows = end = len(frame)
    while end and (frame.iloc[end - 1].astype(str) == "").all():  # blank lines at the end of the file
        end -= 1
    frame = frame.iloc[:end] if end < len(frame) else frame
    return frame, _row_lines(data, rows), _short_rows(data, frame, header, rows)


def _parse(path: Path | None, data: bytes, header: list[str], text: str, errors: Collector) -> pd.DataFrame:
    """The rows as categorical text columns; a malformed file is one error naming its line.

    Read from the file's path when its bytes needed no change, else from the normalised bytes.
    """
    options = dict(keep_default_na=False, na_filter=False, skip_blank_lines=False, encoding="utf-8")

    def source():
        return str(path) if path is not None else io.BytesIO(data)

    try:
        # One thread: pandas' parallel reader was slower here on a 2-core machine (it has to merge
        # each chunk's categories), whether the machine was busy or not.
        with pd.option_context("mode.max_threads", 1):
            frame = pd.read_csv(source(), dtype={c: (str if c == text else "category") for c in header}, **options)
        # pandas makes the categories numbers when every value of a column looks like one (a
        # multi-response column nobody skipped), losing the text ("01" would read as 1): re-read
        # such columns as text.
        numeric = [c for c in header if c != text and not pd.api.types.is_string_dtype(frame[c].cat.categories)]
        if numeric:
            text = pd.read_csv(source(), dtype=str, usecols=numeric, **options)
            for column in numeric:
                frame[column] = text[column].astype("category")
    except UnicodeDecodeError:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            undecodable(errors, data, exc)
        errors.raise_if_any()
        raise
    except (pd.errors.ParserError, ValueError) as exc:
        errors.add(
            _parser_line(str(exc)),
            None,
            "a well-formed UTF-8 CSV file, each row with as many fields as the header",
            str(exc).strip(),
        )
        errors.raise_if_any()
    if not isinstance(frame.index, pd.RangeIndex):
        # pandas takes a first data row with one field more than the header as an index column
        errors.add(2, None, f"{len(header)} fields, as many as the header", f"{len(header) + 1} fields")
        errors.raise_if_any()
    return frame


def _short_rows(data: bytes, frame: pd.DataFrame, header: list[str], rows: int) -> list[tuple[int, int]]:
    """Rows with fewer fields than the header, as (line, fields): pandas pads them with empty cells.

    Only a row whose last cell is empty can be short, so only those lines are looked at again: by
    counting commas, or with `csv` for a line holding a quote. When the file has more lines than
    `rows` (the rows pandas read) plus the header, a field spans lines (a quoted line break), rows
    and lines no longer match, and `csv` reads the whole file.
    """
    candidates = np.flatnonzero((frame[header[-1]] == "").to_numpy()) if len(frame) else []
    if not len(candidates):
        return []
    ends = np.flatnonzero(np.frombuffer(data, np.uint8) == 10)
    lines = len(ends) + 1 - (data.endswith(b"\n") or not data)
    if lines != rows + 1:
        return _short_rows_slow(data, len(header))
    bounds = np.concatenate((ends, [len(data)]))
    short, width = [], len(header)
    for r, start, stop in zip(candidates.tolist(), (bounds[candidates] + 1).tolist(), bounds[candidates + 1].tolist()):
        if data.count(b",", start, stop) + 1 >= width and data.find(b'"', start, stop) < 0:
            continue  # as many fields as the header (no quoted comma to miscount)
        line = data[start:stop]
        if line.count(b'"') % 2:  # a quoted field goes on past this line: rows and lines differ
            return _short_rows_slow(data, width)
        if line.strip():  # a blank line is reported by `aggregate`
            fields = len(next(csv.reader([line.decode("utf-8")])))
            if fields < width:
                short.append((r + 2, fields))
    return short


def _row_lines(data: bytes, rows: int) -> list[int] | None:
    """The line each row starts on, or None when row r is simply line r + 2 (no field spans lines)."""
    if data.count(b"\n") <= rows + 1:  # one line per row, the header's, and perhaps no final line break
        return None
    starts = []
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    next(reader, None)
    previous = reader.line_num
    for _ in reader:
        starts.append(previous + 1)
        previous = reader.line_num
    return starts


def _short_rows_slow(data: bytes, width: int) -> list[tuple[int, int]]:
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    next(reader, None)
    short, previous = [], reader.line_num
    for row in reader:
        if row and len(row) < width:
            short.append((previous + 1, len(row)))  # the line the row starts on
        previous = reader.line_num
    return short


def _parser_line(message: str) -> int | None:
    """The line number pandas' C parser names in its message ('... in line 7, saw 5')."""
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None
