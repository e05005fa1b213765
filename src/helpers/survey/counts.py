"""The published counts (`counts.csv`, long format `question,item,option,count`), validated.

Rules: counts are non-negative whole numbers; question, item and option are those declared in
survey.yaml (item empty except in likert grids); each cell appears once and every declared cell
appears; a single-choice question sums to `answered`; a likert row, and a multi-response option,
is at most `answered`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.errors import Collector
from ..core.sourced_csv import LINE, read_csv_lines
from .schema import FILL, SurveySpec

COLUMNS = ["question", "item", "option", "count"]
MAX_DIGITS = 15  # far above any survey's count, and well inside a 64-bit integer and a float's exact range


def declared_cells(spec: SurveySpec) -> pd.DataFrame:
    """Every (question, item, option) cell survey.yaml declares, in questionnaire order."""
    rows = [
        (q.id, item, option, qi, ii, oi)
        for qi, q in enumerate(spec.questions)
        for ii, item in enumerate(q.grid_items)
        for oi, option in enumerate(q.options)
    ]
    return pd.DataFrame(rows, columns=["question", "item", "option", "question_order", "item_order", "option_order"])


def validate_counts(frame: pd.DataFrame, spec: SurveySpec | None, path: Path | str) -> pd.DataFrame:
    """Check a counts table (with `_line`) against the spec; return it with integer counts.

    Raises one `DataError` listing every violation with its line and column. With no spec (its
    survey.yaml could not be read) only the counts themselves are checked; rows of a question whose
    description has problems are checked once it is fixed.
    """
    errors = Collector(path)
    text = frame["count"].str.strip()
    _check_values(frame, text, errors)
    if spec is None:
        errors.raise_if_any()
        return frame
    yaml_name = spec.path.name
    by_id = spec.by_id
    frame = frame.loc[~frame["question"].isin(spec.unchecked)]
    not_asked = frame["question"].isin(spec.not_asked)
    for line, value in frame.loc[not_asked, [LINE, "question"]].itertuples(index=False):
        q = spec.not_asked[value]
        errors.add(
            line, "question", f"no counts for question '{q.id}': it has asked: false ({yaml_name} line {q.line})", value
        )
    known_q = frame["question"].isin(by_id)
    for line, value in frame.loc[~known_q & ~not_asked, [LINE, "question"]].itertuples(index=False):
        errors.add(line, "question", f"a question declared in {yaml_name} ({', '.join(by_id)})", value)

    cells = declared_cells(spec)
    key = ["question", "item", "option"]
    checked = frame.loc[known_q]
    merged = checked.merge(cells, on=key, how="left", indicator=True)
    for row in merged.loc[merged["_merge"] == "left_only"].itertuples(index=False):
        q = by_id[row.question]
        if q.type == "likert" and row.item not in q.items:
            errors.add(row._0, "item", f"one of the items of question '{q.id}': {', '.join(q.items)}", row.item)
        elif q.type != "likert" and row.item != "":
            errors.add(row._0, "item", f"an empty item (question '{q.id}' is {q.type}, not a likert grid)", row.item)
        else:
            errors.add(row._0, "option", f"one of the options of question '{q.id}': {', '.join(q.options)}", row.option)
    dupes = checked[checked.duplicated(key, keep="first")]
    first_line = checked.drop_duplicates(key).set_index(key)[LINE]
    for row in dupes.itertuples(index=False):
        errors.add(
            row._0,
            "option",
            f"each (question, item, option) once (first on line {first_line[(row.question, row.item, row.option)]})",
            row.option,
        )
    missing = cells.merge(checked[key], on=key, how="left", indicator=True)
    for row in missing.loc[missing["_merge"] == "left_only"].itertuples(index=False):
        where = f"item '{row.item}', " if row.item else ""
        errors.add(
            None,
            "option",
            f"a row for question '{row.question}', {where}option '{row.option}' "
            "(every declared option needs a count, 0 if none)",
        )
    errors.raise_if_any()

    out = frame.copy()
    out["count"] = text.loc[frame.index].astype("int64")
    _check_bases(out, spec, errors, yaml_name)
    errors.raise_if_any()
    return out


def _check_values(frame: pd.DataFrame, text: pd.Series, errors: Collector) -> pd.Series:
    """Counts are whole numbers of at most MAX_DIGITS digits; the new wave's FILL IN rows are one problem."""
    is_int = text.str.fullmatch(r"\d+")
    unfilled = frame.loc[text == FILL, LINE].tolist()
    if unfilled:
        rows = (
            f"line {unfilled[0]}"
            if len(unfilled) == 1
            else f"{len(unfilled)} rows, lines {unfilled[0]} to {unfilled[-1]}"
        )
        errors.add(unfilled[0], "count", f"the new wave's counts in place of {FILL} ({rows}; 0 where none)", FILL)
    for line, value in frame.loc[~is_int & (text != FILL), [LINE, "count"]].itertuples(index=False):
        errors.add(line, "count", "a non-negative whole number", value)
    too_big = is_int & (text.str.lstrip("0").str.len() > MAX_DIGITS)
    for line, value in frame.loc[too_big, [LINE, "count"]].itertuples(index=False):
        errors.add(line, "count", f"a count of at most {MAX_DIGITS} digits", value)
    return is_int


def _check_bases(counts: pd.DataFrame, spec: SurveySpec, errors: Collector, yaml_name: str) -> None:
    """Sums against `answered`: equal for single choice, at most for likert rows and multi options."""
    for q in spec.questions:
        if q.answered is None:
            continue
        rows = counts[counts["question"] == q.id]
        where = f"answered = {q.answered} ({yaml_name} line {q.answered_line})"
        if q.type == "single":
            total = int(rows["count"].sum())
            if total != q.answered:
                errors.add(int(rows[LINE].max()), "count", f"the counts of question '{q.id}' to sum to {where}", total)
        elif q.type == "likert":
            sums = rows.groupby("item", sort=False).agg(total=("count", "sum"), line=(LINE, "max"))
            for item, total, line in sums.loc[sums["total"] > q.answered].itertuples():
                errors.add(
                    int(line),
                    "count",
                    f"the counts of question '{q.id}', item '{item}' to sum to at most {where}",
                    int(total),
                )
        else:
            over = rows[rows["count"] > q.answered]
            for line, option, count in over[[LINE, "option", "count"]].itertuples(index=False):
                errors.add(
                    int(line), "count", f"at most {where} for option '{option}' of question '{q.id}'", int(count)
                )


def read_counts(survey_dir: Path | str, spec: SurveySpec | None) -> pd.DataFrame:
    """Read and validate `survey_dir/counts.csv` (with no spec, only its own format and counts)."""
    path = Path(survey_dir) / "counts.csv"
    frame = read_csv_lines(path, COLUMNS)
    return validate_counts(frame, spec, path)
