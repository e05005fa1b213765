"""A survey file as agencies and survey tools deliver it, read into one shape: columns, labels, value labels.

- SPSS `.sav`, `.zsav`, `.por` and Stata `.dta` through pyreadstat, keeping variable labels, value labels
  and SPSS multiple-response sets;
- `.csv` and `.xlsx` exports, with the header rows survey tools write: one row (plain), two (SurveyMonkey:
  the question above, the option or "Response" below, the question left blank over its later columns) or
  three (Qualtrics: short names, "Q2 - question - option" texts, then `{"ImportId": ...}` rows).

Nothing is guessed here: guessing what each column is belongs to `helpers.survey.import_wave`.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..core.errors import Collector

STATISTICAL = {".sav": "read_sav", ".zsav": "read_sav", ".por": "read_por", ".dta": "read_dta"}
SPREADSHEET = (".csv", ".xlsx")
SUFFIXES = tuple(STATISTICAL) + SPREADSHEET
# A delivered file is untrusted: one far beyond any survey of councils (or a workbook that unzips to far
# more) is refused before a reader starts on it, so that it cannot hold the workbench for minutes.
MAX_BYTES = 512 * 1024**2
MAX_UNZIPPED_BYTES = 2 * 1024**3


@dataclass
class Column:
    """One column of the file: its name, the label the tool gave it, and its value labels (code -> label)."""

    name: str
    label: str = ""
    question: str = ""  # the question text a spreadsheet export prints above a group of columns
    option: str = ""  # the option or item a spreadsheet export prints under it
    value_labels: dict = field(default_factory=dict)


@dataclass
class AgencyFile:
    path: Path
    kind: str  # "spss", "stata", "surveymonkey", "qualtrics", "plain"
    columns: list[Column]
    data: pd.DataFrame  # one row per respondent, the values as stored (codes for labelled variables)
    multi_sets: dict = field(default_factory=dict)  # SPSS: name -> {"label", "variables", "counted_value"}
    first_data_line: int = 2  # the file line (spreadsheets) or case number (statistical files) of row 0


def read_agency_file(path: Path | str) -> AgencyFile:
    """Read a delivered survey file; a file that cannot be read is one DataError naming it."""
    path = Path(path)
    errors = Collector(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        errors.add(None, None, "a survey file ending in " + ", ".join(SUFFIXES), path.suffix or "no suffix")
    elif not path.is_file():
        errors.add(None, None, "an existing file", str(path))
    elif path.stat().st_size > MAX_BYTES:
        errors.add(None, None, f"a survey file of at most {MAX_BYTES // 1024**2} MB", f"{path.stat().st_size} bytes")
    elif suffix == ".xlsx":
        _check_unzipped_size(path, errors)
    errors.raise_if_any()
    if suffix in STATISTICAL:
        return _statistical(path, errors)
    return _spreadsheet(path, errors)


def _check_unzipped_size(path: Path, errors: Collector) -> None:
    """A workbook is a zip archive: its members' declared sizes are summed before anything is unzipped."""
    try:
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        errors.add(None, None, "a readable .xlsx workbook (a zip archive)", f"{type(exc).__name__}: {exc}")
        return
    if unzipped > MAX_UNZIPPED_BYTES:
        errors.add(
            None, None, f"a workbook that unzips to at most {MAX_UNZIPPED_BYTES // 1024**3} GB", f"{unzipped} bytes"
        )


def _statistical(path: Path, errors: Collector) -> AgencyFile:
    import pyreadstat

    reader = getattr(pyreadstat, STATISTICAL[path.suffix.lower()])
    try:
        data, meta = reader(str(path), apply_value_formats=False)
    except Exception as exc:  # noqa: BLE001  (pyreadstat raises its own ReadstatError and plain OSErrors)
        errors.add(None, None, f"a readable {path.suffix} file", f"{type(exc).__name__}: {exc}")
        errors.raise_if_any()
    labels = meta.column_names_to_labels or {}
    columns = [
        Column(name, label=labels.get(name) or "", value_labels=dict(meta.variable_value_labels.get(name, {})))
        for name in meta.column_names
    ]
    sets = {}
    for name, spec in (getattr(meta, "mr_sets", None) or {}).items():
        sets[name] = {
            "label": spec.get("label") or name,
            "variables": list(spec.get("variable_list") or []),
            "counted_value": spec.get("counted_value"),
            "kind": spec.get("type"),
        }
    kind = "stata" if path.suffix.lower() == ".dta" else "spss"
    return AgencyFile(path, kind, columns, data, sets, first_data_line=1)


def _spreadsheet(path: Path, errors: Collector) -> AgencyFile:
    rows = _rows(path, errors)
    if not rows:
        errors.add(1, None, "a header row naming the columns", "an empty file")
        errors.raise_if_any()
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    if len(rows) >= 3 and any(cell.strip().startswith('{"ImportId"') for cell in rows[2]):
        kind, header_rows = "qualtrics", 3
        columns = [_qualtrics_column(name, text) for name, text in zip(rows[0], rows[1])]
    elif len(rows) >= 2 and _looks_like_surveymonkey(rows[0], rows[1]):
        kind, header_rows = "surveymonkey", 2
        columns, question = [], ""
        for top, below in zip(rows[0], rows[1]):
            question = top.strip() or question
            columns.append(
                Column(top.strip() or f"{question} - {below.strip()}", question=question, option=below.strip())
            )
    else:
        kind, header_rows = "plain", 1
        columns = [Column(name.strip(), label=name.strip()) for name in rows[0]]
    names = [c.name for c in columns]
    for name in sorted({n for n in names if names.count(n) > 1}):
        errors.add(1, name, "each column named once", f"{names.count(name)} columns of that name")
    errors.raise_if_any()
    data = pd.DataFrame(rows[header_rows:], columns=names, dtype=str)
    return AgencyFile(path, kind, columns, data, first_data_line=header_rows + 1)


def _rows(path: Path, errors: Collector) -> list[list[str]]:
    if path.suffix.lower() == ".xlsx":
        try:
            sheet = pd.read_excel(path, header=None, dtype=str, engine="openpyxl").fillna("")
        except Exception as exc:  # noqa: BLE001  (openpyxl raises zipfile, KeyError and its own errors)
            errors.add(
                None, None, "a readable .xlsx workbook (its first sheet is read)", f"{type(exc).__name__}: {exc}"
            )
            errors.raise_if_any()
        return [[_cell(v) for v in row] for row in sheet.itertuples(index=False)]
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        errors.add(line, None, "UTF-8 text (save the export as CSV UTF-8)", f"byte {data[exc.start]:#04x}")
        errors.raise_if_any()
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        errors.add(None, None, "a well-formed CSV file", str(exc))
        errors.raise_if_any()
    return []


def _cell(value) -> str:
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value)


def _looks_like_surveymonkey(top: list[str], below: list[str]) -> bool:
    """SurveyMonkey: a blank top cell continues the question to its left; the row below names the option."""
    blanks = sum(1 for cell in top[1:] if not cell.strip())
    return blanks > 0 and any(cell.strip() in ("Response", "Open-Ended Response") for cell in below)


def _qualtrics_column(name: str, text: str) -> Column:
    """Qualtrics prints "Q2 - How do you deliver? - Mainly in-house" under the short name Q2_1."""
    parts = [part.strip() for part in text.split(" - ")]
    question = parts[0] if len(parts) == 1 else " - ".join(parts[:-1]) if "_" in name else text.strip()
    option = parts[-1] if "_" in name and len(parts) > 1 else ""
    return Column(name.strip(), label=text.strip(), question=question, option=option)
