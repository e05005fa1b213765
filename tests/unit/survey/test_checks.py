"""What a reproduced published figure proves, computed from the reconciliation of the Localis survey."""

from __future__ import annotations

import pytest

from helpers.core import paths
from helpers.survey import load_survey
from helpers.survey.checks import inferred_base_alternatives, kind_counts, kind_sentence, readable
from helpers.survey.reconciliation import reconcile


@pytest.fixture(scope="module")
def localis():
    survey = load_survey(paths.LOCALIS_2011)
    return survey, reconcile(survey).set_index("figure_id", drop=False)


def test_each_kind_of_check(localis) -> None:
    _, table = localis
    kinds = table["check_kind"]
    assert kinds["pr-a-inhouse"] == "independent"  # 35.0% of the printed 103
    assert kinds["pr-vco"] == "by construction"  # the base 93 was inferred from these figures
    assert kinds["pr-4in5"] == kinds["press-80"] == kinds["pr-respondents"] == "verbal"
    assert kinds["pr-16to1"] == "ambiguous"  # 81/5 and 80/5 both round to 16


def test_counts_and_sentence_add_up(localis) -> None:
    _, table = localis
    counts = kind_counts(table)
    assert sum(counts.values()) == len(table)
    sentence = kind_sentence(counts)
    assert "fit by construction" in sentence and "0 " not in sentence


def test_inferred_base_alternatives_are_computed(localis) -> None:
    survey, table = localis
    alternatives = inferred_base_alternatives(survey, table).set_index("figure_id")
    # Other public sector: 75 of the inferred 93 against 75 of its row total, 90
    assert alternatives.loc["pr-otherpublic", "difference"] == pytest.approx(100 * 75 / 90 - 100 * 75 / 93)
    assert alternatives.loc["pr-otherpublic", "row_total"] == 90


def test_readable_table_has_plain_headers_and_marks_inferred_bases(localis) -> None:
    _, table = localis
    shown = readable(table.reset_index(drop=True))
    assert "base_kind" not in shown.columns and "match" not in shown.columns
    assert not shown.isin([True, False, "True", "False"]).any().any()
    assert shown.set_index("Figure").loc["pr-vco", "Base"].endswith("(inferred)")
    assert shown.set_index("Figure").loc["pr-a-inhouse", "From the counts"] == "35.0%"
