"""CSV files read as text with their line numbers, so validation can name the line.

Every cell is read as a string (nothing guessed, no silent NaN); an empty cell is "". Line numbers
are those a text editor shows: the header is line 1, the first data row line 2.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from .errors import Collector

LINE = "_line"


def read_csv_lines(path: Path | str, required: list[str], optional: list[str] = ()) -> pd.DataFrame:
    """Read `path` with all columns as text, adding a `_line` column; check the header.

    A missing file, an empty file or a missing required column raises `DataError`.
    Columns beyond `required` and `optional` are kept (a researcher may add notes).
    """
    path = Path(path)
    errors = Collector(path)
    if not path.exists():
        errors.add(None, None, "the file to exist")
        errors.raise_if_any()
    if path.stat().st_size == 0 or not path.read_bytes().strip():
        errors.add(1, None, "a header line with columns " + ",".join(required), "an empty file")
        errors.raise_if_any()
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as exc:
        errors.add(None, None, "UTF-8 text", f"undecodable byte at offset {exc.start}")
        errors.raise_if_any()
    except pd.errors.ParserError as exc:
        errors.add(_parser_line(str(exc)), None, "a well-formed CSV row", str(exc).strip())
        errors.raise_if_any()
    for column in required:
        if column not in frame.columns:
            errors.add(1, column, f"a column named '{column}' in the header", ",".join(frame.columns))
    dupes = frame.columns[frame.columns.duplicated()]
    for column in dupes:
        errors.add(1, column, "each column named once")
    errors.raise_if_any()
    frame.insert(0, LINE, range(2, len(frame) + 2))
    for column in optional:
        if column not in frame.columns:
            frame[column] = ""
    return frame


def _parser_line(message: str) -> int | None:
    """The line number pandas' C parser names in its message ('... in line 7, saw 5')."""
    import re

    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None
