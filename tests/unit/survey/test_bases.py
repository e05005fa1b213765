"""helpers.survey.bases: the base of a question's shares, or an error naming survey.yaml."""

from __future__ import annotations

import pytest
from survey_edits import replace_line

from helpers.core.errors import DataError
from helpers.survey import load_survey
from helpers.survey.bases import answered_base


def test_printed_answered_count_is_the_base(survey_dir) -> None:
    survey = load_survey(survey_dir)
    base, source = answered_base(survey, "c")
    assert base == survey.question("c").answered and "as the source prints it" in source


def test_a_tick_all_question_without_answered_count_names_the_file_and_question(survey_dir) -> None:
    path = survey_dir / "survey.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip() == "- id: c")
    answered = next(line for line in lines[start:] if line.strip().startswith("answered:"))
    skipped = next(line for line in lines[start:] if line.strip().startswith("skipped:"))
    replace_line(path, answered, answered.split(":")[0] + ": null")
    replace_line(path, skipped, skipped.split(":")[0] + ": null")
    survey = load_survey(survey_dir)
    with pytest.raises(DataError, match=r"survey\.yaml.*column 'answered'.*question 'c'"):
        answered_base(survey, "c")
