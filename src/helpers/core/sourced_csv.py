"""CSV files read as text with their line numbers, so validation can name the line.

Every cell is read as a string (nothing guessed, no silent NaN); an empty cell is "". Line numbers
are those a text editor shows: the header is line 1, the first data row line 2.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from .errors import Collector
from .text import read_utf8

LINE = "_line"


def read_csv_lines(path: Path | str, required: list[str], optional: list[str] = ()) -> pd.DataFrame:
    """Read `path` with all columns as text, adding a `_line` column; check the header.

    A missing file, an empty file, a missing required column or a row whose number of fields
    differs from the header's raises `DataError`. Columns beyond `required` and `optional` are
    kept (a researcher may add notes). Read with the csv module, not pandas, so that `_line` is
    the true line even after a blank line or a quoted field spanning lines.
    """
    path = Path(path)
    errors = Collector(path)
    text = read_utf8(path, errors, encoding="utf-8-sig")
    if not text.strip():  # empty, blank, or only a byte-order mark
        errors.add(1, None, "a header line with columns " + ",".join(required), "an empty file")
        errors.raise_if_any()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    lines: list[int] = []
    header: list[str] | None = None
    widths: list[tuple[int, int]] = []  # (line, fields) of rows whose width differs from the header's
    try:
        end = 0
        for record in reader:
            start, end = end + 1, reader.line_num
            if not record:  # a blank line
                continue
            if header is None:
                header, header_line = record, start
                continue
            if len(record) != len(header):
                widths.append((start, len(record)))
                continue
            records.append(record)
            lines.append(start)
    except csv.Error as exc:
        errors.add(reader.line_num, None, "a well-formed CSV row", str(exc))
        errors.raise_if_any()
    missing = [column for column in required if column not in header]
    for column in missing:
        errors.add(header_line, column, f"a column named '{column}' in the header", ",".join(header))
    _field_counts(errors, widths, len(header), header_line, len(records), bool(missing))
    for column in sorted({c for c in header if header.count(c) > 1}):
        errors.add(header_line, column, "each column named once")
    errors.raise_if_any()
    frame = (
        pd.DataFrame(records, columns=header, dtype=str)
        if records
        else pd.DataFrame({c: pd.Series([], dtype=str) for c in header})
    )
    frame.insert(0, LINE, pd.Series(lines, dtype="int64"))
    for column in optional:
        if column not in frame.columns:
            frame[column] = ""
    return frame


def _field_counts(errors: Collector, widths, header_width: int, header_line: int, good: int, missing: bool) -> None:
    """Rows whose number of fields differs from the header's: one problem when the header is the odd one out."""
    if not widths:
        return
    counts = {fields for _, fields in widths}
    if good == 0 and len(counts) == 1:  # every row agrees with each other, not with the header
        fields = counts.pop()
        if not missing:
            errors.add(
                header_line,
                None,
                f"a header naming as many columns as the rows have fields ({fields}, on lines "
                f"{widths[0][0]}-{widths[-1][0]})",
                f"{header_width} columns",
            )
        return
    for line, fields in widths:
        errors.add(
            line, None, f"{header_width} fields, as many as the header on line {header_line}", f"{fields} fields"
        )
