"""Respondent-level survey data (`respondents.csv`): validated and aggregated to counts.

The scheme, one row per respondent:
- `respondent_id` (optional): any unique text;
- `authority` (optional; required when survey.yaml has a `weighting` block): the respondent's council, by
  its code, GSS code or name as the frame writes them (helpers.survey.weighting matches it);
- a single-choice question `q`: a column named `q` holding the option label, empty if skipped;
- a likert grid `q`: one column per item named `q::<item>`, holding the option label or empty;
- a multi-response question `q`: one column per option named `q::<option>`, holding 1 (ticked)
  or 0 (not ticked), every cell empty if the respondent skipped the question.
A respondent answered a grid or a multi-response question when any of its cells is filled. A row
with every cell empty (a blank line) is an error, except at the end of the file, and so is a row
with fewer or more fields than the header: line numbers in messages count every line.
A file without quotes is split by numpy (`plain_csv`), any other read by pandas (`general_csv`):
the same frame either way. Validation and aggregation are vectorised (categorical columns, no
Python loop per row) and look a line number up only for a row in error; the bar for a million
rows is one second on a quiet 2-core machine (benchmarks/bench_respondents.py).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from ..core.errors import Collector, DataError
from ..core.text import read_bytes, undecodable
from .general_csv import read_general
from .plain_csv import read_plain
from .schema import Question, SurveySpec

SEPARATOR = "::"
ID_COLUMN = "respondent_id"
AUTHORITY_COLUMN = "authority"
MAX_LINES_SHOWN = 5
LINES = "lines"  # frame.attrs key: the line each row starts on, when a quoted field spans lines


def expected_columns(spec: SurveySpec) -> list[str]:
    """The columns the scheme requires for this survey, in questionnaire order."""
    cols: list[str] = []
    for q in spec.questions:
        if q.type == "single":
            cols.append(q.id)
        elif q.type == "likert":
            cols.extend(f"{q.id}{SEPARATOR}{item}" for item in q.items)
        else:
            cols.extend(f"{q.id}{SEPARATOR}{option}" for option in q.options)
    return cols


def read_respondents(path: Path | str, spec: SurveySpec, plain: bool = True) -> pd.DataFrame:
    """Read `respondents.csv` as categorical text columns (fast, exact, no NaN guessing).

    `respondent_id` is read as plain text: as a category it would cost a sort of a million
    distinct ids. Blank lines are kept as rows, so that row r is line r + 2 of the file. Line
    endings may be LF, CRLF or a lone CR (old Mac exports). A plain file (LF, no quotes, the right
    header) is split by `plain_csv` a piece at a time; any other is read whole by pandas
    (`general_csv`), which finds every problem. `plain=False` sends every file to pandas, for the
    tests that hold the two to the same frames and the same errors.
    """
    path = Path(path)
    frame = _read_plain(path, spec) if plain else None
    if frame is not None:
        return frame
    errors = Collector(path)
    raw = read_bytes(path, errors) if path.exists() else b""
    data = _normalised(raw)
    if not data or data.isspace():  # isspace stops at the first other byte; strip would copy the file
        errors.add(
            1,
            None,
            "a header line naming " + ", ".join(expected_columns(spec)[:3]) + ", ...",
            "an empty file" if path.exists() else None,
        )
        errors.raise_if_any()
    header = _header(data, errors)
    _check_header(header, spec, errors)
    frame, lines, short = read_general(path if data is raw else None, data, header, ID_COLUMN, errors)
    frame.attrs[LINES] = lines
    for line, fields in short[:MAX_LINES_SHOWN]:
        errors.add(line, None, f"{len(header)} fields, as many as the header", f"{fields} fields")
    if len(short) > MAX_LINES_SHOWN:
        errors.add(
            short[MAX_LINES_SHOWN][0],
            None,
            f"{len(header)} fields, as many as the header ({len(short) - MAX_LINES_SHOWN} more such rows)",
        )
    errors.raise_if_any()
    return frame


def _read_plain(path: Path, spec: SurveySpec) -> pd.DataFrame | None:
    """The frame of a plain file with the right header (`plain_csv`), or None: the general path then
    reads the file whole, and finds every problem as before."""
    if not path.is_file():  # a folder, or a pipe that would block
        return None
    try:
        with path.open("rb") as file:
            first = file.readline()
            header = next(csv.reader([first.decode("utf-8-sig")]), [])
            _check_header(header, spec, Collector(path))
            frame = read_plain(file, first, header, _values(spec), ID_COLUMN)
    except (OSError, UnicodeDecodeError, csv.Error, DataError):
        return None
    if frame is not None:
        frame.attrs[LINES] = None  # no quotes, so no field spans lines
    return frame


def _values(spec: SurveySpec) -> dict[str, list[str]]:
    """The values each question column may hold besides empty: the options, or 0 and 1 for a tick."""
    values: dict[str, list[str]] = {}
    for q in spec.questions:
        if q.type == "multi":
            values.update((f"{q.id}{SEPARATOR}{option}", ["0", "1"]) for option in q.options)
        else:
            names = [q.id] if q.type == "single" else [f"{q.id}{SEPARATOR}{item}" for item in q.items]
            values.update((name, list(q.options)) for name in names)
    return values


def _normalised(data: bytes) -> bytes:
    """The file's bytes with every line ending a LF: a lone CR (classic Mac) ends a line as CRLF does."""
    if data.find(b"\r") < 0:  # memchr: counting every CR of a large file costs more
        return data
    crs = data.count(b"\r")
    if crs == data.count(b"\r\n"):
        return data.replace(b"\r\n", b"\n")
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def _check_header(header: list[str], spec: SurveySpec, errors: Collector) -> None:
    """Every column the scheme implies and no other (bar those of badly described questions), none twice."""
    wanted = expected_columns(spec)
    for column in wanted:
        if column not in header:
            errors.add(1, column, f"a column named '{column}' (see the scheme in data/raw/README.md)")
    if spec.weighting is not None and AUTHORITY_COLUMN not in header:
        errors.add(1, AUTHORITY_COLUMN, "a column naming each respondent's council: survey.yaml has a weighting block")
    pending = set(spec.unchecked)
    own = (ID_COLUMN, AUTHORITY_COLUMN)
    extra = [c for c in header if c not in wanted and c not in own and c.split(SEPARATOR)[0] not in pending]
    for column in extra:
        q = spec.not_asked.get(column.split(SEPARATOR)[0])
        why = f" (question '{q.id}' has asked: false)" if q else ""
        errors.add(1, column, f"only respondent_id, authority and the columns survey.yaml implies{why}", column)
    for column in sorted({c for c in header if header.count(c) > 1}):
        errors.add(1, column, "each column named once")
    errors.raise_if_any()


def row_line(frame: pd.DataFrame, r: int) -> int:
    """The line of the file where row `r` of a frame from `read_respondents` starts."""
    lines = frame.attrs.get(LINES)
    return int(lines[r]) if lines is not None and r < len(lines) else int(r) + 2


def _header(data: bytes, errors: Collector) -> list[str]:
    """The column names on the first line, exactly as written (pandas would rename duplicates)."""
    first = data[: data.find(b"\n") + 1 or len(data)]
    try:
        return next(csv.reader([first.decode("utf-8-sig")]), [])
    except UnicodeDecodeError as exc:
        undecodable(errors, first, exc)
        errors.raise_if_any()
    except csv.Error as exc:  # a quote left open on the header line
        errors.add(1, None, "a header line of column names", str(exc))
        errors.raise_if_any()


def _bad_values(errors: Collector, frame: pd.DataFrame, name: str, allowed: list[str], what: str) -> None:
    """Report cells of a categorical column whose value is not allowed, with their lines."""
    column = frame[name]
    unknown = [c for c in column.cat.categories if c not in allowed]
    if not unknown:
        return
    mask = column.isin(unknown).to_numpy()
    rows = np.flatnonzero(mask)
    for r in rows[:MAX_LINES_SHOWN]:
        errors.add(row_line(frame, r), name, what, column.iloc[r])
    if len(rows) > MAX_LINES_SHOWN:
        errors.add(
            row_line(frame, rows[MAX_LINES_SHOWN]), name, f"{what} ({len(rows) - MAX_LINES_SHOWN} more such rows)"
        )


def aggregate(
    frame: pd.DataFrame, spec: SurveySpec, path: Path | str
) -> tuple[pd.DataFrame, dict[str, tuple[int, int]]]:
    """Validate respondent rows and count them into the long `question,item,option,count` table.

    Returns the counts and, per question, (answered, skipped) computed from the rows.
    """
    errors = Collector(path)
    n = len(frame)
    anything = np.zeros(n, dtype=bool)
    if ID_COLUMN in frame.columns:
        ids = frame[ID_COLUMN]
        duplicated = np.zeros(n, dtype=bool) if _unique(ids) else ids.duplicated().to_numpy()  # the first is faster
        for r in np.flatnonzero(duplicated)[:MAX_LINES_SHOWN]:
            errors.add(row_line(frame, r), ID_COLUMN, "a unique respondent id", ids.iloc[r])
    rows: list[tuple[str, str, str, int]] = []
    bases: dict[str, tuple[int, int]] = {}
    for q in spec.questions:
        count = _count_multi if q.type == "multi" else _count_choice
        answered_any = count(errors, frame, q, rows)
        answered = int(np.count_nonzero(answered_any))
        bases[q.id] = (answered, n - answered)
        anything |= answered_any
    blank = np.flatnonzero(~anything)  # rows with no answer: only these need an id to count as a respondent
    if ID_COLUMN in frame.columns and len(blank):
        blank = blank[frame[ID_COLUMN].to_numpy()[blank] == ""]
    for r in blank[:MAX_LINES_SHOWN]:
        errors.add(
            row_line(frame, r),
            None,
            "a respondent: a respondent_id or at least one answer",
            "a row with every cell empty (a blank line?)",
        )
    errors.raise_if_any()
    counts = pd.DataFrame(rows, columns=["question", "item", "option", "count"])
    return counts, bases


def _unique(ids: pd.Series) -> bool:
    """Whether no id repeats, told from their UTF-8 bytes: hashing a million new Python strings costs twice as much.

    Each id's bytes, eight at a time, and its length make one 64-bit key: distinct keys are distinct
    ids. Only when two keys are equal, or an id is longer than 32 bytes or holds a line break (the
    separator here), are the strings themselves compared.
    """
    try:
        blob = "\n".join(ids.to_numpy(dtype=object).tolist()).encode("utf-8")
    except (TypeError, UnicodeEncodeError):  # a missing id (NaN), or text no file could hold
        return ids.is_unique
    starts = np.concatenate(([0], np.flatnonzero(np.frombuffer(blob, np.uint8) == 10) + 1))
    lengths = np.diff(starts, append=len(blob) + 1) - 1
    if len(starts) != len(ids) or not len(ids) or lengths.max() > 32:
        return ids.is_unique
    padded = blob + bytes(32)
    view = np.ndarray(shape=(len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,))
    masks = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [2**64 - 1], dtype=np.uint64)
    keys = lengths.astype(np.uint64)
    for w in range(-(-int(lengths.max()) // 8)):
        keys *= np.uint64(0x9E3779B97F4A7C15)  # wraps around: a mix of the words, not a sum
        keys ^= view[starts + 8 * w] & masks[np.minimum(lengths, 8) if w == 0 else np.clip(lengths - 8 * w, 0, 8)]
    keys.sort()
    return bool((keys[1:] != keys[:-1]).all()) or ids.is_unique


def _tallies(column: pd.Series) -> tuple[dict[str, int], np.ndarray]:
    """How often each value occurs in a categorical column, and which cells are filled (not empty)."""
    categories = list(column.cat.categories)
    codes = column.cat.codes.to_numpy()
    if len(categories) <= 16:  # a comparison per category is cheaper than bincount's cast of every code to intp
        tallies = {c: int(np.count_nonzero(codes == i)) for i, c in enumerate(categories)}
    else:
        tallies = dict(zip(categories, np.bincount(codes, minlength=len(categories)).tolist()))
    filled = codes != categories.index("") if "" in categories else np.ones(len(codes), dtype=bool)
    return tallies, filled


def _count_choice(errors: Collector, frame: pd.DataFrame, q, rows: list) -> np.ndarray:
    """A single-choice question or a likert grid: each option's count per item; who answered any item."""
    names = [q.id] if q.type == "single" else [f"{q.id}{SEPARATOR}{i}" for i in q.items]
    answered_any = np.zeros(len(frame), dtype=bool)
    what = f"one of the options of question '{q.id}' or empty: {', '.join(q.options)}"
    for item, name in zip(q.grid_items, names):
        _bad_values(errors, frame, name, ["", *q.options], what)
        tallies, filled = _tallies(frame[name])
        rows.extend((q.id, item, option, tallies.get(option, 0)) for option in q.options)
        answered_any |= filled
    return answered_any


def _count_multi(errors: Collector, frame: pd.DataFrame, q, rows: list) -> np.ndarray:
    """A tick-all question: each option's ticks; who answered it (all its cells filled, or an error)."""
    names = [f"{q.id}{SEPARATOR}{o}" for o in q.options]
    filled = np.empty((len(frame), len(names)), dtype=bool, order="F")  # columns contiguous: any/all over rows are fast
    for i, (option, name) in enumerate(zip(q.options, names)):
        _bad_values(errors, frame, name, ["", "0", "1"], "1 (ticked), 0 (not ticked) or empty (question skipped)")
        tallies, filled[:, i] = _tallies(frame[name])
        rows.append((q.id, "", option, tallies.get("1", 0)))
    answered_any = filled.any(axis=1)
    partial = answered_any & ~filled.all(axis=1)
    for r in np.flatnonzero(partial)[:MAX_LINES_SHOWN]:
        errors.add(
            row_line(frame, r),
            names[int(np.argmin(filled[r]))],
            f"0 or 1 in every option of question '{q.id}' once any is filled (empty means skipped)",
            "",
        )
    return answered_any


def check_declared_bases(spec: SurveySpec, bases: dict[str, tuple[int, int]], path: Path | str) -> None:
    """Where survey.yaml states answered/skipped, the microdata must give the same numbers."""
    errors = Collector(spec.path)
    for q in spec.questions:
        answered, skipped = bases[q.id]
        if q.answered is not None and q.answered != answered:
            errors.add(
                q.answered_line,
                "answered",
                f"{answered}, the number of respondents in {Path(path).name} who answered question '{q.id}'",
                q.answered,
            )
        if q.skipped is not None and q.skipped != skipped:
            errors.add(
                q.skipped_line,
                "skipped",
                f"{skipped}, the number in {Path(path).name} who skipped question '{q.id}'",
                q.skipped,
            )
    errors.raise_if_any()


def with_bases(spec: SurveySpec, bases: dict[str, tuple[int, int]]) -> SurveySpec:
    """A copy of the spec whose answered/skipped are those computed from the microdata."""
    from dataclasses import replace

    questions = tuple(replace(q, answered=bases[q.id][0], skipped=bases[q.id][1]) for q in spec.questions)
    return replace(spec, questions=questions, by_id={q.id: q for q in questions})


__all__ = ["aggregate", "read_respondents", "expected_columns", "check_declared_bases", "with_bases", "Question"]
