"""Loading the real survey folder: the happy path of helpers.survey.load_survey."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.core import paths
from helpers.survey import load_survey

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
