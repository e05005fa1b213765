"""A survey folder that loads is one the analyses can use; whatever is wrong is named in one load."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from survey_edits import assert_names, line_of, load_error, replace_line

from helpers.survey import load_survey
from helpers.survey.respondents import expected_columns
from helpers.survey.schema import load_spec

# --- unknown keys at every level of survey.yaml ------------------------------------------------


SECTION = '  section: "Notes for Editors, 3. Relevant Survey Results, tables a) to d)"'
TITLE = "title: Localis survey of council leaders and chief executives on strategic commissioning"


@pytest.mark.parametrize(
    ("old", "new", "column", "hint"),
    [
        ("    type: multi", "    tpye: multi", "tpye", "did you mean 'type'?"),
        ("    answered: 78", "    answred: 78", "answred", "did you mean 'answered'?"),
        ("  size: 353", "  size: 353\n  sise_source: x", "population.sise_source", "did you mean 'size_source'?"),
        (SECTION, SECTION + "\n  pubished: 2011-09-27", "source.pubished", "did you mean 'published'?"),
        (TITLE, TITLE + "\ntitel: x", "titel", "did you mean 'title'?"),
    ],
)
def test_a_misspelt_key_is_named_at_its_line(survey_dir: Path, old, new, column, hint) -> None:
    line = replace_line(survey_dir / "survey.yaml", old, new) + new.count("\n")
    assert_names(load_error(survey_dir), "survey.yaml", line, column, hint)


@pytest.mark.parametrize("section", ["fieldwork", "respondents"])
def test_every_mapping_refuses_unknown_keys(survey_dir: Path, section: str) -> None:
    spec = survey_dir / "survey.yaml"
    line = replace_line(spec, f"{section}:", f"{section}:\n  surprise: 1") + 1
    assert_names(load_error(survey_dir), "survey.yaml", line, f"{section}.surprise", "one of the keys")


# --- a survey the analyses cannot use is refused at load ---------------------------------------


def zero_counts(counts: Path, qid: str) -> None:
    counts.write_text(re.sub(rf"^({qid},.*,)\d+$", r"\g<1>0", counts.read_text(), flags=re.M))


def test_a_question_nobody_answered_is_refused(survey_dir: Path) -> None:
    spec = survey_dir / "survey.yaml"
    line = replace_line(spec, "    answered: 78", "    answered: 0")
    replace_line(spec, "    skipped: 27", "    skipped: 105")
    zero_counts(survey_dir / "counts.csv", "c")
    error = load_error(survey_dir)
    assert len(error.problems) == 1
    assert_names(error, "survey.yaml", line, "answered", "someone who answered question 'c'")
    assert "asked: false" in str(error)


def test_a_single_choice_question_with_no_answered_count_and_no_answers_is_refused(survey_dir: Path) -> None:
    spec = survey_dir / "survey.yaml"
    text = spec.read_text()
    spec.write_text(text.replace("    answered: 103\n    skipped: 2", "    answered: null\n    skipped: null", 1))
    zero_counts(survey_dir / "counts.csv", "a")
    error = load_error(survey_dir)
    assert_names(error, "survey.yaml", line_of(spec, "  - id: a"), "answered", "someone who answered question 'a'")


def test_a_grid_item_nobody_rated_is_refused(survey_dir: Path) -> None:
    counts = survey_dir / "counts.csv"
    counts.write_text(re.sub(r"^(d,Large private sector companies,.*,)\d+$", r"\g<1>0", counts.read_text(), flags=re.M))
    error = load_error(survey_dir)
    assert_names(error, "survey.yaml", line_of(survey_dir / "survey.yaml", "  - id: d"), "items", "at least one rating")
    assert "Large private sector companies" in str(error)


def test_a_single_choice_question_with_one_option_is_refused(survey_dir: Path) -> None:
    """With one option there is no choice to analyse (notebook 01 compares the two most chosen)."""
    spec = survey_dir / "survey.yaml"
    text = spec.read_text()
    spec.write_text(text.replace('    options:\n      - "Yes"\n      - "No"\n', '    options:\n      - "Yes"\n'))
    line = line_of(spec, '      - "Yes"') - 1
    assert_names(load_error(survey_dir), "survey.yaml", line, "options", "at least two options")


def test_a_wave_with_no_respondents_is_refused(survey_dir: Path) -> None:
    spec = survey_dir / "survey.yaml"
    text = re.sub(r"answered: \d+", "answered: 0", spec.read_text())
    spec.write_text(re.sub(r"skipped: \d+", "skipped: 0", text))
    for qid in "abcd":
        zero_counts(survey_dir / "counts.csv", qid)
    error = load_error(survey_dir)
    assert len(error.problems) == 1
    assert_names(error, "survey.yaml", line_of(spec, "questions:"), "questions", "at least one respondent")


def respondents_folder(survey_dir: Path, rows: list[dict]) -> Path:
    """The survey with respondents.csv instead of counts.csv (bases left to the microdata)."""
    spec = load_spec(survey_dir)
    (survey_dir / "counts.csv").unlink()
    (survey_dir / "published.csv").unlink()
    text = (survey_dir / "survey.yaml").read_text()
    (survey_dir / "survey.yaml").write_text(re.sub(r"(answered|skipped): \w+", r"\1: null", text))
    pd.DataFrame(rows, columns=expected_columns(spec)).fillna("").to_csv(survey_dir / "respondents.csv", index=False)
    return survey_dir


def full_row(survey_dir: Path, **cells) -> dict:
    row = {c: "0" for c in expected_columns(load_spec(survey_dir)) if c.startswith("c::")}
    row.update({"a": "Mainly in-house", "b": "Yes", "c::More commissioning experts": "1"})
    row.update({c: "No change" for c in expected_columns(load_spec(survey_dir)) if c.startswith("d::")})
    row.update(cells)
    return row


def test_respondents_csv_with_a_header_only_is_refused(survey_dir: Path) -> None:
    folder = respondents_folder(survey_dir, [])
    error = load_error(folder)
    assert len(error.problems) == 1
    assert_names(error, "respondents.csv", 2, None, "at least one respondent")


def test_a_question_no_respondent_answered_is_named_by_its_column(survey_dir: Path) -> None:
    rows = [full_row(survey_dir, b=""), full_row(survey_dir, b="")]
    error = load_error(respondents_folder(survey_dir, rows))
    assert_names(error, "respondents.csv", 1, "b", "someone who answered question 'b'")


# --- line endings and the population size ------------------------------------------------------


@pytest.mark.parametrize("ending", [b"\r", b"\r\n"])
def test_respondents_csv_with_any_line_ending_loads(survey_dir: Path, ending: bytes) -> None:
    rows = [full_row(survey_dir), full_row(survey_dir, a="Fairly even mix", b="No")]
    folder = respondents_folder(survey_dir, rows)
    path = folder / "respondents.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", ending))
    survey = load_survey(folder)
    assert survey.question("a").answered == 2
    assert survey.question_counts("a")["Fairly even mix"] == 1


def test_a_cr_only_respondents_csv_keeps_its_line_numbers(survey_dir: Path) -> None:
    rows = [full_row(survey_dir), full_row(survey_dir, a="Mostly in-house")]
    folder = respondents_folder(survey_dir, rows)
    path = folder / "respondents.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    assert_names(load_error(folder), "respondents.csv", 3, "a", "one of the options of question 'a'")


def test_counts_csv_with_cr_only_line_endings_loads(survey_dir: Path) -> None:
    path = survey_dir / "counts.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    assert load_survey(survey_dir).counts["count"].sum() > 0


@pytest.mark.parametrize(
    ("old", "new", "column"),
    [
        ("  size: 353", "  size: " + "9" * 400, "population.size"),
        ("    answered: 78", "    answered: 1" + "0" * 20, "answered"),
    ],
)
def test_numbers_too_big_for_any_survey_are_refused(survey_dir: Path, old: str, new: str, column: str) -> None:
    line = replace_line(survey_dir / "survey.yaml", old, new)
    assert_names(load_error(survey_dir), "survey.yaml", line, column, "at most 15 digits")


@pytest.mark.parametrize("size", [1, 104])
def test_a_population_smaller_than_the_respondents_is_blamed_on_survey_yaml(survey_dir: Path, size: int) -> None:
    line = replace_line(survey_dir / "survey.yaml", "  size: 353", f"  size: {size}")
    error = load_error(survey_dir)
    assert_names(error, "survey.yaml", line, "population.size", "at least as large as the number of respondents, 105")
    assert "population_size" not in str(error)


# --- one load names every problem in every file ------------------------------------------------


def test_survey_yaml_and_counts_csv_problems_come_in_one_error(survey_dir: Path) -> None:
    yaml_line = replace_line(survey_dir / "survey.yaml", "    type: multi", "    tpye: multi")
    counts_line = replace_line(survey_dir / "counts.csv", "a,,Mainly in-house,36", "a,,Mainly in-house,lots")
    error = load_error(survey_dir)
    assert_names(error, "survey.yaml", yaml_line, "tpye", "did you mean 'type'?")
    assert_names(error, "counts.csv", counts_line, "count", "a non-negative whole number")


def test_counts_csv_is_checked_even_when_survey_yaml_is_not_yaml(survey_dir: Path) -> None:
    (survey_dir / "survey.yaml").write_text("id: [unclosed\n")
    counts_line = replace_line(survey_dir / "counts.csv", "b,,No,19", "b,,No,-1")
    error = load_error(survey_dir)
    assert_names(error, "survey.yaml", 2, None, "valid YAML")
    assert_names(error, "counts.csv", counts_line, "count", "a non-negative whole number")


def test_published_csv_problems_come_with_the_others(survey_dir: Path) -> None:
    yaml_line = replace_line(survey_dir / "survey.yaml", "  size: 353", "  size: many")
    published = survey_dir / "published.csv"
    lines = published.read_text().split("\n")
    lines[1] = lines[1].replace(",percent,", ",percentage,")
    published.write_text("\n".join(lines))
    error = load_error(survey_dir)
    assert_names(error, "survey.yaml", yaml_line, "population.size", "a positive whole number")
    assert_names(error, "published.csv", 2, "unit", "one of percent, ratio, count")
