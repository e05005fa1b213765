"""counts.csv: every validation rule on a broken copy, and sums against the declared bases.

Each test breaks one thing in a copy of data/raw/surveys/localis_2011 and asserts that the one
`DataError` names the file, the line, the column and what was expected there.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from survey_edits import assert_names, line_of, load_error, replace_line

# --- counts.csv --------------------------------------------------------------------------------


def test_wrong_total_for_single_choice(survey_dir):
    counts = survey_dir / "counts.csv"
    replace_line(counts, "a,,Mainly in-house,36", "a,,Mainly in-house,37")
    last_row_of_a = line_of(counts, "a,,Other (please specify),0")
    error = load_error(survey_dir)
    assert_names(error, "counts.csv", last_row_of_a, "count", "the counts of question 'a' to sum to answered = 103")
    assert re.search(r"survey\.yaml line \d+\), found 104", str(error))


def test_negative_count(survey_dir):
    line = replace_line(survey_dir / "counts.csv", "a,,Mainly outsourced,7", "a,,Mainly outsourced,-7")
    error = load_error(survey_dir)
    assert_names(error, "counts.csv", line, "count", "a non-negative whole number")
    assert "found '-7'" in str(error)


@pytest.mark.parametrize("value", ["7.5", "seven", ""])
def test_non_integer_count(survey_dir, value):
    line = replace_line(survey_dir / "counts.csv", "a,,Mainly outsourced,7", f"a,,Mainly outsourced,{value}")
    assert_names(load_error(survey_dir), "counts.csv", line, "count", "a non-negative whole number")


def test_unknown_option(survey_dir):
    line = replace_line(survey_dir / "counts.csv", "b,,No,19", "b,,Maybe,19")
    error = load_error(survey_dir)
    assert_names(error, "counts.csv", line, "option", "one of the options of question 'b': Yes, No")
    assert "found 'Maybe'" in str(error)
    # the declared option now has no row: said too
    assert_names(error, "counts.csv", None, "option", "a row for question 'b', option 'No'")


def test_unknown_question(survey_dir):
    line = replace_line(survey_dir / "counts.csv", "b,,No,19", "e,,No,19")
    assert_names(
        load_error(survey_dir), "counts.csv", line, "question", "a question declared in survey.yaml (a, b, c, d)"
    )


def test_unknown_item(survey_dir):
    old = "d,Voluntary and Community Organisations,No change,8"
    line = replace_line(survey_dir / "counts.csv", old, "d,Voluntary organisations,No change,8")
    assert_names(load_error(survey_dir), "counts.csv", line, "item", "one of the items of question 'd'")


def test_item_given_for_non_likert_question(survey_dir):
    line = replace_line(survey_dir / "counts.csv", "b,,Yes,84", "b,Councils,Yes,84")
    assert_names(
        load_error(survey_dir), "counts.csv", line, "item", "an empty item (question 'b' is single, not a likert grid)"
    )


def test_duplicate_row(survey_dir):
    counts = survey_dir / "counts.csv"
    first = line_of(counts, "b,,Yes,84")
    text = counts.read_text(encoding="utf-8")
    counts.write_text(text + "b,,Yes,84\n", encoding="utf-8")
    duplicate = len(text.splitlines()) + 1
    assert_names(
        load_error(survey_dir),
        "counts.csv",
        duplicate,
        "option",
        f"each (question, item, option) once (first on line {first})",
    )


def test_missing_row(survey_dir):
    replace_line(survey_dir / "counts.csv", "c,,More procurement experts,39", "")
    error = load_error(survey_dir)
    assert_names(error, "counts.csv", None, "option", "a row for question 'c', option 'More procurement experts'")
    assert len(error.problems) == 1


def test_missing_column(survey_dir):
    counts = survey_dir / "counts.csv"
    frame = pd.read_csv(counts, dtype=str, keep_default_na=False).drop(columns="count")
    frame.to_csv(counts, index=False)
    assert_names(load_error(survey_dir), "counts.csv", 1, "count", "a column named 'count' in the header")


def test_row_with_too_few_fields(survey_dir):
    line = replace_line(survey_dir / "counts.csv", "b,,Yes,84", "b,,Yes")
    assert_names(load_error(survey_dir), "counts.csv", line, None, "4 fields, as many as the header on line 1")


def test_line_numbers_count_blank_lines(survey_dir):
    """A blank line above a bad row does not shift the line named."""
    counts = survey_dir / "counts.csv"
    replace_line(counts, "b,,Yes,84", "\nb,,Yes,-84")
    assert_names(
        load_error(survey_dir), "counts.csv", line_of(counts, "b,,Yes,-84"), "count", "a non-negative whole number"
    )


def test_empty_counts_csv(survey_dir):
    (survey_dir / "counts.csv").write_text("", encoding="utf-8")
    error = load_error(survey_dir)
    assert_names(error, "counts.csv", 1, None, "a header line with columns question,item,option,count")
    assert "an empty file" in str(error)


def test_no_counts_at_all(survey_dir):
    (survey_dir / "counts.csv").unlink()
    assert "expected counts.csv or respondents.csv in the survey folder" in str(load_error(survey_dir))


# --- sums against the declared bases -----------------------------------------------------------


def test_likert_row_over_answered(survey_dir):
    """With answered = 91, the in-house row (1 + 80 + 6 + 5 + 0 = 92) is one over."""
    spec_path = survey_dir / "survey.yaml"
    text = spec_path.read_text(encoding="utf-8")
    assert text.count("    answered: null\n    skipped: null") == 1
    spec_path.write_text(
        text.replace("    answered: null\n    skipped: null", "    answered: 91\n    skipped: 14"), encoding="utf-8"
    )
    last_row = line_of(survey_dir / "counts.csv", "d,Public sector (in-house delivery),Many more contracts/services,0")
    error = load_error(survey_dir)
    assert_names(
        error,
        "counts.csv",
        last_row,
        "count",
        "the counts of question 'd', item 'Public sector (in-house delivery)' to sum to at most answered = 91",
    )
    assert len(error.problems) == 1


def test_multi_option_over_answered(survey_dir):
    replace_line(survey_dir / "survey.yaml", "    answered: 78", "    answered: 50")
    line = line_of(survey_dir / "counts.csv", "c,,More commissioning experts,54")
    error = load_error(survey_dir)
    assert_names(error, "counts.csv", line, "count", "at most answered = 50")
    assert "option 'More commissioning experts' of question 'c', found 54" in str(error)
    assert len(error.problems) == 1
