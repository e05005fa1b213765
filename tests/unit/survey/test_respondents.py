"""Respondent-level input (respondents.csv): aggregation to the counts tables and its validation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from survey_edits import assert_names, line_of, load_error, replace_line

from helpers.core import paths
from helpers.survey import load_survey
from helpers.survey.respondents import expected_columns
from helpers.survey.schema import load_spec

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

    @pytest.mark.parametrize(
        "first, second, repeated",
        [
            ("respondent-000001", "respondent-000001", True),  # the same past the first eight bytes
            ("respondent-000001", "respondent-000002", False),  # different in the last byte only
            ("x" * 40, "x" * 40, True),  # longer than the 64-bit keys cover: compared as text
            ("é1", "é2", False),
        ],
    )
    def test_repeated_ids_found_by_their_bytes(self, tiny, first, second, repeated):
        path = tiny / "respondents.csv"
        replace_line(path, "r1,Yes,1,1,More,More", f"{first},Yes,1,1,More,More")
        line = replace_line(path, "r3,No,0,0,Fewer,", f"{second},No,0,0,Fewer,")
        if not repeated:
            assert load_survey(tiny).respondents["respondent_id"].tolist() == [first, "r2", second, "r4"]
            return
        error = load_error(tiny)
        assert_names(error, "respondents.csv", line, "respondent_id", "a unique respondent id")
        assert f"found {second!r}" in str(error)

    def test_missing_column(self, tiny):
        path = tiny / "respondents.csv"
        pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns="q3::Voluntary").to_csv(path, index=False)
        assert_names(load_error(tiny), "respondents.csv", 1, "q3::Voluntary", "a column named 'q3::Voluntary'")

    def test_unexpected_column(self, tiny):
        path = tiny / "respondents.csv"
        pd.read_csv(path, dtype=str, keep_default_na=False).assign(notes="").to_csv(path, index=False)
        assert_names(
            load_error(tiny),
            "respondents.csv",
            1,
            "notes",
            "only respondent_id, authority and the columns survey.yaml implies",
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
