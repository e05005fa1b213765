"""A wave that did not ask some questions: `asked: false` loads, and an analysis that needs one says which."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from survey_edits import assert_names, line_of, load_error, replace_line

from helpers.core.errors import DataError
from helpers.survey import load_survey
from helpers.survey.setup import analysis_setup


def not_asking(survey_dir: Path, *qids: str) -> Path:
    """The folder with each of `qids` marked asked: false, their counts and the published figures removed."""
    spec = survey_dir / "survey.yaml"
    text = spec.read_text(encoding="utf-8")
    for qid in qids:
        start = text.index(f"  - id: {qid}\n")
        end = text.find("\n  - id: ", start + 1)
        block = text[start:] if end < 0 else text[start:end]
        block = re.sub(r"\n    (answered|skipped): \w+", "", block) + "\n    asked: false"
        text = text[:start] + block + ("" if end < 0 else text[end:])
    spec.write_text(text, encoding="utf-8")
    counts = survey_dir / "counts.csv"
    lines = counts.read_text(encoding="utf-8").split("\n")
    counts.write_text("\n".join(line for line in lines if line.split(",")[0] not in qids), encoding="utf-8")
    (survey_dir / "published.csv").unlink()  # its figures speak of the questions left out
    return survey_dir


def test_a_wave_without_questions_a_c_and_d_loads(survey_dir: Path) -> None:
    survey = load_survey(not_asking(survey_dir, "a", "c", "d"))
    assert [q.id for q in survey.spec.questions] == ["b"]
    assert sorted(survey.spec.not_asked) == ["a", "c", "d"]
    assert set(survey.counts["question"]) == {"b"}


def test_the_question_lookup_names_the_question_the_wave_and_the_notebook(survey_dir: Path, monkeypatch) -> None:
    wave = not_asking(survey_dir, "c")
    monkeypatch.setenv("JPY_SESSION_NAME", str(Path("notebooks") / "03_skills_gaps.ipynb"))
    survey = load_survey(wave)
    with pytest.raises(DataError) as info:
        survey.question("c")
    message = str(info.value)
    assert f"question c was not asked in wave {wave.name}" in message
    assert "notebook 03_skills_gaps needs it" in message
    assert info.value.first.line == line_of(wave / "survey.yaml", "  - id: c")


def test_a_deleted_question_is_named_too(survey_dir: Path) -> None:
    wave = not_asking(survey_dir, "c")
    text = (wave / "survey.yaml").read_text()
    (wave / "survey.yaml").write_text(text[: text.index("  - id: c\n")] + text[text.index("  - id: d\n") :])
    survey = load_survey(wave)
    with pytest.raises(DataError, match=f"wave {wave.name} has no question 'c' \\(it has a, b, d\\)"):
        survey.question("c")


def test_a_notebooks_set_up_names_the_unasked_question_and_its_parameter(
    survey_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    """As notebook 03 runs it: its parameters cell, then analysis_setup, with no other change to the notebook."""
    wave = not_asking(survey_dir, "c")
    monkeypatch.setenv("JPY_SESSION_NAME", "notebooks/03_skills_gaps.ipynb")
    cell = (
        f"survey_dir = {str(wave)!r}\n"
        f"output_dir = {str(tmp_path / 'out')!r}\n"
        'skills_question = "c"\n'
        "analysis = analysis_setup(survey_dir=survey_dir, output_dir=output_dir, confidence=0.95,"
        ' ci_method="wilson", population_size="survey")\n'
    )
    with pytest.raises(DataError) as info:
        exec(cell, {"analysis_setup": analysis_setup})
    message = str(info.value)
    assert f"question c was not asked in wave {wave.name}" in message
    assert "notebook 03_skills_gaps needs it (its parameter skills_question)" in message


def test_a_notebook_that_needs_only_asked_questions_runs(survey_dir: Path, tmp_path: Path) -> None:
    wave = not_asking(survey_dir, "c")
    namespace = {"analysis_setup": analysis_setup, "delivery_question": "a", "intent_question": "b"}
    cell = (
        f"analysis = analysis_setup(survey_dir={str(wave)!r}, output_dir={str(tmp_path)!r}, confidence=0.95,"
        ' ci_method="wilson", population_size="survey")\n'
    )
    exec(cell, namespace)
    assert namespace["analysis"].survey.question("a").answered == 103


def test_counts_of_an_unasked_question_are_an_error(survey_dir: Path) -> None:
    wave = not_asking(survey_dir, "c")
    line = replace_line(wave / "counts.csv", "b,,No,19", "b,,No,19\nc,,More procurement experts,3") + 1
    assert_names(load_error(wave), "counts.csv", line, "question", "no counts for question 'c': it has asked: false")


def test_an_unasked_question_with_an_answered_count_is_an_error(survey_dir: Path) -> None:
    wave = not_asking(survey_dir, "c")
    line = replace_line(wave / "survey.yaml", "    asked: false", "    asked: false\n    answered: 4") + 1
    assert_names(load_error(wave), "survey.yaml", line, "answered", "no answered count, or null")


def test_asked_takes_true_or_false_only(survey_dir: Path) -> None:
    line = replace_line(survey_dir / "survey.yaml", "    type: multi", "    type: multi\n    asked: no way") + 1
    assert_names(load_error(survey_dir), "survey.yaml", line, "asked", "true or false")
