"""Respondent-level survey data (`respondents.csv`): validated and aggregated to counts.

The scheme, one row per respondent:
- `respondent_id` (optional): any unique text;
- a single-choice question `q`: a column named `q` holding the option label, empty if skipped;
- a likert grid `q`: one column per item named `q::<item>`, holding the option label or empty;
- a multi-response question `q`: one column per option named `q::<option>`, holding 1 (ticked)
  or 0 (not ticked), every cell empty if the respondent skipped the question.
A respondent answered a grid or a multi-response question when any of its cells is filled.
Aggregation is vectorised (categorical columns, no Python loop per row): a million rows take
well under two seconds (see benchmarks/bench_respondents.py).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .errors import Collector
from .survey_schema import Question, SurveySpec

SEPARATOR = "::"
ID_COLUMN = "respondent_id"
MAX_LINES_SHOWN = 5


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


def read_respondents(path: Path | str, spec: SurveySpec) -> pd.DataFrame:
    """Read `respondents.csv` as categorical text columns (fast, exact, no NaN guessing)."""
    path = Path(path)
    errors = Collector(path)
    if not path.exists() or not path.read_bytes()[:4096].strip():
        errors.add(1, None, "a header line naming " + ", ".join(expected_columns(spec)[:3]) + ", ...", "an empty file" if path.exists() else None)
        errors.raise_if_any()
    header = pd.read_csv(path, nrows=0).columns
    wanted = expected_columns(spec)
    for column in wanted:
        if column not in header:
            errors.add(1, column, f"a column named '{column}' (see the scheme in data/raw/README.md)")
    extra = [c for c in header if c not in wanted and c != ID_COLUMN]
    for column in extra:
        errors.add(1, column, "only respondent_id and the columns survey.yaml implies", column)
    errors.raise_if_any()
    dtypes = {c: "category" for c in header}
    try:
        return pd.read_csv(path, dtype=dtypes, keep_default_na=False, na_filter=False, encoding="utf-8")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        errors.add(None, None, "a well-formed UTF-8 CSV file", str(exc).strip())
        errors.raise_if_any()


def _bad_values(errors: Collector, column: pd.Series, name: str, allowed: list[str], what: str) -> None:
    """Report cells of a categorical column whose value is not allowed, with their lines."""
    unknown = [c for c in column.cat.categories if c not in allowed]
    if not unknown:
        return
    mask = column.isin(unknown).to_numpy()
    rows = np.flatnonzero(mask)
    for r in rows[:MAX_LINES_SHOWN]:
        errors.add(int(r) + 2, name, what, column.iloc[r])
    if len(rows) > MAX_LINES_SHOWN:
        errors.add(int(rows[MAX_LINES_SHOWN]) + 2, name, f"{what} ({len(rows) - MAX_LINES_SHOWN} more such rows)")


def aggregate(frame: pd.DataFrame, spec: SurveySpec, path: Path | str) -> tuple[pd.DataFrame, dict[str, tuple[int, int]]]:
    """Validate respondent rows and count them into the long `question,item,option,count` table.

    Returns the counts and, per question, (answered, skipped) computed from the rows.
    """
    errors = Collector(path)
    if ID_COLUMN in frame.columns:
        ids = frame[ID_COLUMN]
        dup = ids.duplicated().to_numpy()
        for r in np.flatnonzero(dup)[:MAX_LINES_SHOWN]:
            errors.add(int(r) + 2, ID_COLUMN, "a unique respondent id", ids.iloc[r])
    rows: list[tuple[str, str, str, int]] = []
    bases: dict[str, tuple[int, int]] = {}
    n = len(frame)
    for q in spec.questions:
        if q.type in ("single", "likert"):
            allowed = ["", *q.options]
            names = [q.id] if q.type == "single" else [f"{q.id}{SEPARATOR}{i}" for i in q.items]
            answered_any = np.zeros(n, dtype=bool)
            for item, name in zip(q.grid_items, names):
                col = frame[name]
                _bad_values(errors, col, name, allowed, f"one of the options of question '{q.id}' or empty: {', '.join(q.options)}")
                tallies = col.value_counts(sort=False)
                for option in q.options:
                    rows.append((q.id, item, option, int(tallies.get(option, 0))))
                answered_any |= (col != "").to_numpy()
            answered = int(answered_any.sum())
        else:
            names = [f"{q.id}{SEPARATOR}{o}" for o in q.options]
            answered_any = np.zeros(n, dtype=bool)
            for option, name in zip(q.options, names):
                col = frame[name]
                _bad_values(errors, col, name, ["", "0", "1"], "1 (ticked), 0 (not ticked) or empty (question skipped)")
                rows.append((q.id, "", option, int((col == "1").sum())))
                answered_any |= (col != "").to_numpy()
            filled = np.column_stack([(frame[c] != "").to_numpy() for c in names])
            partial = filled.any(axis=1) & ~filled.all(axis=1)
            for r in np.flatnonzero(partial)[:MAX_LINES_SHOWN]:
                errors.add(int(r) + 2, names[int(np.argmin(filled[r]))], f"0 or 1 in every option of question '{q.id}' once any is filled (empty means skipped)", "")
            answered = int(answered_any.sum())
        bases[q.id] = (answered, n - answered)
    errors.raise_if_any()
    counts = pd.DataFrame(rows, columns=["question", "item", "option", "count"])
    return counts, bases


def check_declared_bases(spec: SurveySpec, bases: dict[str, tuple[int, int]], path: Path | str) -> None:
    """Where survey.yaml states answered/skipped, the microdata must give the same numbers."""
    errors = Collector(spec.path)
    for q in spec.questions:
        answered, skipped = bases[q.id]
        if q.answered is not None and q.answered != answered:
            errors.add(q.answered_line, "answered", f"{answered}, the number of respondents in {Path(path).name} who answered question '{q.id}'", q.answered)
        if q.skipped is not None and q.skipped != skipped:
            errors.add(q.skipped_line, "skipped", f"{skipped}, the number in {Path(path).name} who skipped question '{q.id}'", q.skipped)
    errors.raise_if_any()


def with_bases(spec: SurveySpec, bases: dict[str, tuple[int, int]]) -> SurveySpec:
    """A copy of the spec whose answered/skipped are those computed from the microdata."""
    from dataclasses import replace

    questions = tuple(replace(q, answered=bases[q.id][0], skipped=bases[q.id][1]) for q in spec.questions)
    return replace(spec, questions=questions, by_id={q.id: q for q in questions})


__all__ = ["aggregate", "read_respondents", "expected_columns", "check_declared_bases", "with_bases", "Question"]
