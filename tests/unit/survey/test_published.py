"""published.csv: every validation rule on a broken copy of the survey folder."""

from __future__ import annotations

from pathlib import Path

from survey_edits import assert_names, load_error, replace_line

# --- published.csv -----------------------------------------------------------------------------


def published_line(survey_dir: Path, figure_id: str) -> tuple[Path, int, str]:
    path = survey_dir / "published.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(figure_id + ","))
    return path, index + 1, lines[index]


def test_published_bad_unit(survey_dir):
    path, line, text = published_line(survey_dir, "pr-b-yes")
    replace_line(path, text, text.replace(",percent,", ",per cent,"))
    error = load_error(survey_dir)
    assert_names(error, "published.csv", line, "unit", "one of percent, ratio, count")
    assert "found 'per cent'" in str(error)


def test_published_bad_option(survey_dir):
    path, line, text = published_line(survey_dir, "pr-b-yes")
    assert text.endswith(",b,,Yes,")
    replace_line(path, text, text[: -len("Yes,")] + "Aye,")
    assert_names(
        load_error(survey_dir), "published.csv", line, "options", "options of question 'b' separated by ';': Yes, No"
    )


def test_published_bad_versus_option(survey_dir):
    path, line, text = published_line(survey_dir, "pr-16to1")
    replace_line(path, text, text.replace("More contracts/services;Many more", "More contracts;Many more"))
    assert_names(
        load_error(survey_dir), "published.csv", line, "versus_options", "options of question 'd' separated by ';'"
    )


def test_published_value_not_a_number(survey_dir):
    path, line, text = published_line(survey_dir, "pr-b-yes")
    replace_line(path, text, text.replace(",81.6,", ",nan,"))
    assert_names(load_error(survey_dir), "published.csv", line, "value", "a number")


def test_published_unknown_question(survey_dir):
    path, line, text = published_line(survey_dir, "pr-b-yes")
    replace_line(path, text, text.replace(",b,,Yes,", ",q9,,Yes,"))
    assert_names(load_error(survey_dir), "published.csv", line, "question", "a question of survey.yaml: a, b, c, d")


def test_published_duplicate_figure_id(survey_dir):
    path, _, text = published_line(survey_dir, "pr-b-yes")
    _, line, other = published_line(survey_dir, "pr-b-no")
    replace_line(path, other, text)
    assert_names(load_error(survey_dir), "published.csv", line, "figure_id", "a unique figure id")
