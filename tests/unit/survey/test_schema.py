"""survey.yaml: every validation rule of helpers.survey.schema on a broken copy of the folder."""

from __future__ import annotations

import pytest
from survey_edits import assert_names, line_of, load_error, replace_line

# --- survey.yaml -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "broken, column",
    [
        ("   type: single", "character 4"),  # indented one space less than its siblings
        ("\ttype: single", "character 1"),  # YAML forbids tabs for indentation
    ],
)
def test_malformed_yaml(survey_dir, broken, column):
    spec = survey_dir / "survey.yaml"
    lines = spec.read_text(encoding="utf-8").split("\n")
    first = lines.index("    type: single")  # question a
    lines[first] = broken
    spec.write_text("\n".join(lines), encoding="utf-8")
    assert_names(load_error(survey_dir), "survey.yaml", first + 1, column, "valid YAML")


def test_empty_survey_yaml(survey_dir):
    (survey_dir / "survey.yaml").write_text("", encoding="utf-8")
    error = load_error(survey_dir)
    assert_names(error, "survey.yaml", 1, None, "a YAML mapping")
    assert "an empty file" in str(error)


def test_survey_yaml_that_is_a_list(survey_dir):
    (survey_dir / "survey.yaml").write_text("- id: a\n- id: b\n", encoding="utf-8")
    assert_names(load_error(survey_dir), "survey.yaml", 1, None, "a YAML mapping at the top level")


def test_duplicate_question_id(survey_dir):
    spec = survey_dir / "survey.yaml"
    first = line_of(spec, "  - id: a")
    line = replace_line(spec, "  - id: b", "  - id: a")
    assert_names(load_error(survey_dir), "survey.yaml", line, "id", f"a unique question id (first on line {first})")


def test_duplicate_key(survey_dir):
    spec = survey_dir / "survey.yaml"
    line = replace_line(spec, "    answered: 78", "    answered: 78\n    answered: 78")
    error = load_error(survey_dir)
    assert_names(error, "survey.yaml", line + 1, "character 5", "valid YAML")
    assert f"duplicate key 'answered' (first on line {line})" in str(error)


def test_unquoted_yes_no_read_as_booleans(survey_dir):
    spec = survey_dir / "survey.yaml"
    yes = replace_line(spec, '      - "Yes"', "      - Yes")
    no = replace_line(spec, '      - "No"', "      - No")
    error = load_error(survey_dir)
    hint = 'a text label (quote labels such as "Yes" and "No", which YAML reads as true/false)'
    assert_names(error, "survey.yaml", yes, "options", hint)
    assert_names(error, "survey.yaml", no, "options", hint)
    assert "found True" in str(error) and "found False" in str(error)


def test_items_on_a_non_likert_question(survey_dir):
    spec = survey_dir / "survey.yaml"
    line = line_of(spec, "    type: multi")
    replace_line(spec, "    type: multi", "    type: multi\n    items: [Councils]")
    assert_names(
        load_error(survey_dir),
        "survey.yaml",
        line + 1,
        "items",
        "no items: only likert questions have items (question 'c' is multi)",
    )


def test_unknown_question_type(survey_dir):
    line = replace_line(survey_dir / "survey.yaml", "    type: multi", "    type: multiple")
    assert_names(load_error(survey_dir), "survey.yaml", line, "type", "one of single, multi, likert")


def test_answered_not_a_count(survey_dir):
    line = replace_line(survey_dir / "survey.yaml", "    answered: 78", "    answered: seventy-eight")
    assert_names(load_error(survey_dir), "survey.yaml", line, "answered", "a non-negative whole number or null")
