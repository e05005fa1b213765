"""Loading a survey folder: the happy path, and every validation rule on a broken copy of the data.

Each broken-data test copies data/raw/surveys/localis_2011 to tmp_path, breaks one thing, and
asserts that the one `DataError` names the file, the line that was broken, the column, and what
was expected there.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers.core import paths
from helpers.core.errors import DataError
from helpers.survey import load_survey
from helpers.survey.respondents import expected_columns
from helpers.survey.schema import load_spec


@pytest.fixture
def survey_dir(tmp_path: Path) -> Path:
    """A writable copy of the real survey folder."""
    return Path(shutil.copytree(paths.LOCALIS_2011, tmp_path / "localis_2011"))


def replace_line(path: Path, old: str, new: str) -> int:
    """Replace the one line equal to `old` with `new` (which may be several lines); return its 1-based number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    hits = [i for i, line in enumerate(lines) if line == old]
    assert len(hits) == 1, f"{old!r} should be on exactly one line of {path.name}, found {len(hits)}"
    lines[hits[0]] = new
    path.write_text("\n".join(lines), encoding="utf-8")
    return hits[0] + 1


def line_of(path: Path, text: str) -> int:
    """The 1-based number of the one line equal to `text`."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines.count(text) == 1
    return lines.index(text) + 1


def load_error(directory: Path) -> DataError:
    with pytest.raises(DataError) as info:
        load_survey(directory)
    return info.value


def assert_names(error: DataError, file: str, line: int | None, column: str | None, expected: str) -> None:
    """The message has 'file, line N, column 'c': expected ...' with `expected` in it."""
    message = str(error)
    where = (
        f"{file}, " + (f"line {line}" if line is not None else "no line") + (f", column '{column}'" if column else "")
    )
    matching = [m for m in message.splitlines() if where in m]
    assert matching, f"no problem at {where!r} in:\n{message}"
    assert any(expected in m.split(": expected ", 1)[-1] for m in matching if ": expected " in m), message


# --- the happy path ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def survey():
    return load_survey(paths.LOCALIS_2011)


class TestRealSurvey:
    def test_counts_long_table(self, survey):
        counts = survey.counts
        assert list(counts.columns) == ["question", "item", "option", "count"]
        assert counts.shape == (36, 4)
        assert counts["count"].dtype == "int64"
        assert all(pd.api.types.is_string_dtype(counts[c]) for c in ["question", "item", "option"])
        assert not counts.isna().any().any()
        assert counts.groupby("question").size().to_dict() == {"a": 4, "b": 2, "c": 5, "d": 25}
        assert (counts.loc[counts["question"] != "d", "item"] == "").all()
        assert survey.level == "aggregate" and survey.respondents is None

    def test_tidy_counts_in_questionnaire_order(self, survey):
        tidy = survey.tidy_counts()
        assert list(tidy.columns) == [
            "question",
            "type",
            "item",
            "option",
            "count",
            "answered",
            "item_order",
            "option_order",
        ]
        assert tidy.shape == (36, 8)
        assert tidy["count"].dtype == "int64" and tidy["answered"].dtype == "Int64"
        assert tidy["question"].tolist() == ["a"] * 4 + ["b"] * 2 + ["c"] * 5 + ["d"] * 25
        assert tidy.loc[tidy["question"] == "a", "option"].tolist() == [
            "Mainly in-house",
            "Mainly outsourced",
            "Fairly even mix",
            "Other (please specify)",
        ]
        assert tidy.loc[tidy["question"] == "d", "answered"].isna().all()
        assert tidy.loc[tidy["question"] == "c", "answered"].eq(78).all()
        d = tidy[tidy["question"] == "d"]
        assert d["item_order"].tolist() == [i for i in range(5) for _ in range(5)]
        assert d["option_order"].tolist() == list(range(5)) * 5

    def test_questions_table(self, survey):
        table = survey.questions_table()
        assert table["question"].tolist() == ["a", "b", "c", "d"]
        assert table["type"].tolist() == ["single", "single", "multi", "likert"]
        assert table["answered"].tolist()[:3] == [103, 103, 78] and pd.isna(table["answered"].iloc[3])
        assert table["skipped"].tolist()[:3] == [2, 2, 27]
        assert table["items"].tolist() == [0, 0, 0, 5] and table["options"].tolist() == [4, 2, 5, 5]

    def test_likert_table(self, survey):
        grid = survey.likert_table("d")
        assert grid.shape == (5, 5)
        assert grid.index[0] == "Large private sector companies" and grid.columns[-1] == "Many more contracts/services"
        assert grid.loc["Public sector (in-house delivery)"].tolist() == [1, 80, 6, 5, 0]
        assert grid.sum(axis=1).tolist() == [91, 91, 92, 90, 91]

    def test_question_counts(self, survey):
        assert survey.question_counts("b").to_dict() == {"Yes": 84, "No": 19}

    def test_published(self, survey):
        published = survey.published
        assert published.shape[0] == 25 and published["figure_id"].is_unique
        assert published["value"].dtype == "float64"
        assert published.set_index("figure_id").loc["pr-vco", "value"] == 82.0


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


# --- respondent-level input --------------------------------------------------------------------

TINY_SURVEY = """\
id: tiny
title: A tiny survey for tests
source: {document: none.txt, section: all}
population: {description: five councils, size: 5, size_source: made up}
questions:
  - id: q1
    wording: Will you commission more?
    type: single
    options: ["Yes", "No"]
    answered: 3
    skipped: 1
  - id: q2
    wording: Which skills? (tick all that apply)
    type: multi
    options: [Commissioning, Procurement]
    answered: 3
    skipped: 1
  - id: q3
    wording: Future role of each provider
    type: likert
    items: [Private, Voluntary]
    options: [Fewer, Same, More]
    answered: null
    skipped: null
"""

# Four respondents; r4 skipped q1 and q2, r3 rated only one item of q3 and r2 none.
TINY_RESPONDENTS = """\
respondent_id,q1,q2::Commissioning,q2::Procurement,q3::Private,q3::Voluntary
r1,Yes,1,1,More,More
r2,Yes,1,0,,
r3,No,0,0,Fewer,
r4,,,,Same,More
"""

TINY_COUNTS = [  # counted by hand from TINY_RESPONDENTS
    ("q1", "", "Yes", 2),
    ("q1", "", "No", 1),
    ("q2", "", "Commissioning", 2),
    ("q2", "", "Procurement", 1),
    ("q3", "Private", "Fewer", 1),
    ("q3", "Private", "Same", 1),
    ("q3", "Private", "More", 1),
    ("q3", "Voluntary", "Fewer", 0),
    ("q3", "Voluntary", "Same", 0),
    ("q3", "Voluntary", "More", 2),
]


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    directory = tmp_path / "tiny"
    directory.mkdir()
    (directory / "survey.yaml").write_text(TINY_SURVEY, encoding="utf-8")
    (directory / "respondents.csv").write_text(TINY_RESPONDENTS, encoding="utf-8")
    return directory


class TestRespondents:
    def test_aggregates_to_hand_computed_counts(self, tiny):
        survey = load_survey(tiny)
        assert survey.level == "respondents"
        assert list(survey.counts.itertuples(index=False, name=None)) == TINY_COUNTS
        assert survey.counts["count"].dtype == "int64"
        table = survey.questions_table().set_index("question")
        assert table[["answered", "skipped"]].to_dict("index") == {
            "q1": {"answered": 3, "skipped": 1},
            "q2": {"answered": 3, "skipped": 1},
            "q3": {"answered": 3, "skipped": 1},  # null in survey.yaml: taken from the microdata
        }
        assert survey.respondents.shape == (4, 6)

    def test_same_tidy_tables_as_counts(self, tiny):
        """Microdata and the counts.csv it aggregates to give the same tidy table."""
        from_rows = load_survey(tiny).tidy_counts()
        pd.DataFrame(TINY_COUNTS, columns=["question", "item", "option", "count"]).to_csv(
            tiny / "counts.csv", index=False
        )
        (tiny / "respondents.csv").unlink()
        spec = (tiny / "survey.yaml").read_text(encoding="utf-8")
        (tiny / "survey.yaml").write_text(
            spec.replace("answered: null\n    skipped: null", "answered: 3\n    skipped: 1"), encoding="utf-8"
        )
        pd.testing.assert_frame_equal(load_survey(tiny).tidy_counts(), from_rows)

    def test_without_respondent_id(self, tiny):
        path = tiny / "respondents.csv"
        pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns="respondent_id").to_csv(path, index=False)
        assert list(load_survey(tiny).counts.itertuples(index=False, name=None)) == TINY_COUNTS

    def test_all_numeric_multi_columns_read_as_text(self, tiny):
        """When nobody skipped q2 its 0/1 columns look numeric; they are still compared as text."""
        path = tiny / "respondents.csv"
        replace_line(path, "r4,,,,Same,More", "r4,,01,0,Same,More")
        error = load_error(tiny)
        assert_names(error, "respondents.csv", 5, "q2::Commissioning", "1 (ticked), 0 (not ticked) or empty")
        assert "found '01'" in str(error)

    def test_counts_csv_disagreeing_with_microdata(self, tiny):
        rows = [r if r[:3] != ("q3", "Private", "Fewer") else ("q3", "Private", "Fewer", 0) for r in TINY_COUNTS]
        pd.DataFrame(rows, columns=["question", "item", "option", "count"]).to_csv(tiny / "counts.csv", index=False)
        error = load_error(tiny)
        line = line_of(tiny / "counts.csv", "q3,Private,Fewer,0")
        assert_names(error, "counts.csv", line, "count", "1, the count respondents.csv gives")
        assert "found 0" in str(error)

    def test_unknown_option_value(self, tiny):
        line = replace_line(tiny / "respondents.csv", "r3,No,0,0,Fewer,", "r3,Maybe,0,0,Fewer,")
        error = load_error(tiny)
        assert_names(error, "respondents.csv", line, "q1", "one of the options of question 'q1' or empty: Yes, No")
        assert "found 'Maybe'" in str(error)

    def test_unknown_likert_value(self, tiny):
        line = replace_line(tiny / "respondents.csv", "r3,No,0,0,Fewer,", "r3,No,0,0,Fewer,Less")
        assert_names(
            load_error(tiny),
            "respondents.csv",
            line,
            "q3::Voluntary",
            "one of the options of question 'q3' or empty: Fewer, Same, More",
        )

    @pytest.mark.parametrize("value", ["2", "yes", "x"])
    def test_multi_value_other_than_0_or_1(self, tiny, value):
        line = replace_line(tiny / "respondents.csv", "r2,Yes,1,0,,", f"r2,Yes,1,{value},,")
        error = load_error(tiny)
        assert_names(
            error, "respondents.csv", line, "q2::Procurement", "1 (ticked), 0 (not ticked) or empty (question skipped)"
        )
        assert f"found '{value}'" in str(error)

    def test_partly_filled_multi_row(self, tiny):
        line = replace_line(tiny / "respondents.csv", "r2,Yes,1,0,,", "r2,Yes,1,,,")
        assert_names(
            load_error(tiny),
            "respondents.csv",
            line,
            "q2::Procurement",
            "0 or 1 in every option of question 'q2' once any is filled (empty means skipped)",
        )

    def test_declared_answered_disagrees(self, tiny):
        spec = tiny / "survey.yaml"
        text = spec.read_text(encoding="utf-8")
        spec.write_text(
            text.replace("    answered: 3\n    skipped: 1\n  - id: q2", "    answered: 4\n    skipped: 0\n  - id: q2"),
            encoding="utf-8",
        )
        answered_line = line_of(spec, "    answered: 4")
        error = load_error(tiny)
        assert_names(
            error,
            "survey.yaml",
            answered_line,
            "answered",
            "3, the number of respondents in respondents.csv who answered question 'q1'",
        )
        assert_names(
            error,
            "survey.yaml",
            answered_line + 1,
            "skipped",
            "1, the number in respondents.csv who skipped question 'q1'",
        )

    def test_duplicate_respondent_id(self, tiny):
        line = replace_line(tiny / "respondents.csv", "r3,No,0,0,Fewer,", "r1,No,0,0,Fewer,")
        error = load_error(tiny)
        assert_names(error, "respondents.csv", line, "respondent_id", "a unique respondent id")
        assert "found 'r1'" in str(error)

    def test_missing_column(self, tiny):
        path = tiny / "respondents.csv"
        pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns="q3::Voluntary").to_csv(path, index=False)
        assert_names(load_error(tiny), "respondents.csv", 1, "q3::Voluntary", "a column named 'q3::Voluntary'")

    def test_unexpected_column(self, tiny):
        path = tiny / "respondents.csv"
        pd.read_csv(path, dtype=str, keep_default_na=False).assign(notes="").to_csv(path, index=False)
        assert_names(
            load_error(tiny), "respondents.csv", 1, "notes", "only respondent_id and the columns survey.yaml implies"
        )

    def test_blank_line_is_an_error_and_keeps_line_numbers(self, tiny):
        path = tiny / "respondents.csv"
        replace_line(path, "r3,No,0,0,Fewer,", "\nr3,Maybe,0,0,Fewer,")
        error = load_error(tiny)
        assert_names(error, "respondents.csv", line_of(path, "r3,Maybe,0,0,Fewer,"), "q1", "one of the options")
        assert_names(error, "respondents.csv", line_of(path, "r3,Maybe,0,0,Fewer,") - 1, None, "a respondent")

    def test_blank_lines_at_the_end_are_ignored(self, tiny):
        path = tiny / "respondents.csv"
        path.write_text(TINY_RESPONDENTS + "\n\n", encoding="utf-8")
        survey = load_survey(tiny)
        assert len(survey.respondents) == 4
        assert list(survey.counts.itertuples(index=False, name=None)) == TINY_COUNTS

    def test_row_with_extra_field(self, tiny):
        line = replace_line(tiny / "respondents.csv", "r3,No,0,0,Fewer,", "r3,No,0,0,Fewer,,extra")
        assert_names(load_error(tiny), "respondents.csv", line, None, "a well-formed UTF-8 CSV file")

    def test_row_with_too_few_fields(self, tiny):
        """pandas would pad the row with empty cells, counting the respondent as skipping q3."""
        line = replace_line(tiny / "respondents.csv", "r3,No,0,0,Fewer,", "r3,No,0,0")
        error = load_error(tiny)
        assert_names(error, "respondents.csv", line, None, "6 fields, as many as the header")
        assert "found '4 fields'" in str(error)

    def test_row_with_too_few_fields_after_a_quoted_line_break(self, tiny):
        """A quoted id spanning two lines: the short row is still found, on the line it starts."""
        path = tiny / "respondents.csv"
        replace_line(path, "r2,Yes,1,0,,", '"r2\nsecond line",Yes,1,0,,')
        line = replace_line(path, "r3,No,0,0,Fewer,", "r3,No")
        assert_names(load_error(tiny), "respondents.csv", line, None, "6 fields, as many as the header")

    def test_row_with_too_few_fields_after_a_quoted_line_break_in_a_full_row(self, tiny):
        """The quoted line break is in a row with no empty cell: later rows still map to their lines."""
        path = tiny / "respondents.csv"
        replace_line(path, "r1,Yes,1,1,More,More", '"r1\nsecond line",Yes,1,1,More,More')
        replace_line(path, "r2,Yes,1,0,,", "r2,Yes,1,0,More,More")
        line = replace_line(path, "r3,No,0,0,Fewer,", "r3,No,0,0,Fewer")
        error = load_error(tiny)
        assert_names(error, "respondents.csv", line, None, "6 fields, as many as the header")
        assert "found '5 fields'" in str(error)

    def test_empty_respondents_csv(self, tiny):
        (tiny / "respondents.csv").write_text("", encoding="utf-8")
        error = load_error(tiny)
        assert_names(error, "respondents.csv", 1, None, "a header line naming q1, q2::Commissioning")
        assert "an empty file" in str(error)


def test_scheme_columns_for_localis():
    """The respondents.csv columns the localis_2011 questions imply (documented in data/raw/README.md)."""
    columns = expected_columns(load_spec(paths.LOCALIS_2011))
    assert columns[:3] == ["a", "b", "c::None, we have the right skills mix already"]
    assert len(columns) == 1 + 1 + 5 + 5
    assert columns[-1] == "d::Voluntary and Community Organisations"


def test_published_counts_expand_to_respondents(survey_dir):
    """105 made-up respondents reproducing every published count and base load to the same tables."""
    survey = load_survey(survey_dir)
    n = 105
    data: dict[str, list[str]] = {"respondent_id": [f"r{i:03d}" for i in range(1, n + 1)]}
    for q in survey.spec.questions:
        if q.type == "multi":
            for option in q.options:
                k = int(survey.question_counts(q.id)[option])
                data[f"{q.id}::{option}"] = ["1"] * k + ["0"] * (q.answered - k) + [""] * (n - q.answered)
            continue
        for item in q.grid_items:
            cells = [o for o in q.options for _ in range(int(survey.question_counts(q.id, item)[o]))]
            data[q.id if q.type == "single" else f"{q.id}::{item}"] = cells + [""] * (n - len(cells))
    pd.DataFrame(data).to_csv(survey_dir / "respondents.csv", index=False)
    from_rows = load_survey(survey_dir)  # counts.csv is there too: both must agree cell by cell
    assert from_rows.level == "respondents"
    pd.testing.assert_frame_equal(from_rows.counts, survey.counts)
    assert from_rows.question("d").answered == 92 and from_rows.question("d").skipped == 13
