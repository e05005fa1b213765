"""helpers.survey.crosstab: respondent-level cross-tabulation, the test chosen, the logistic regression."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest
from scipy import stats

from helpers.survey.crosstab import association_test, crosstab, logistic_regression


def spec():
    questions = {
        "a": SimpleNamespace(options=("in", "out", "mix", "other")),
        "b": SimpleNamespace(options=("Yes", "No")),
    }
    return SimpleNamespace(question=lambda q: questions[q])


def respondents(cells: dict[tuple[str, str], int], skipped: int = 0) -> pd.DataFrame:
    rows = [(a, b) for (a, b), n in cells.items() for _ in range(n)] + [("", "")] * skipped
    return pd.DataFrame(rows, columns=["a", "b"]).astype("category")


def test_crosstab_drops_unused_options_and_skips():
    frame = respondents({("in", "Yes"): 3, ("in", "No"): 1, ("mix", "Yes"): 2}, skipped=2)
    table = crosstab(frame, spec(), "a", "b")
    assert table.index.tolist() == ["in", "mix"] and table.columns.tolist() == ["Yes", "No"]
    assert table.to_numpy().tolist() == [[3, 1], [2, 0]]


def test_chi_square_when_expected_counts_are_large():
    table = pd.DataFrame([[30, 20], [15, 35]])
    result = association_test(table)
    assert result["test"] == "Pearson chi-square"
    assert result["p_value"] == pytest.approx(stats.chi2_contingency(table.to_numpy(), correction=False).pvalue)


def test_fisher_for_small_two_by_two():
    table = pd.DataFrame([[8, 2], [1, 5]])
    result = association_test(table)
    assert result["test"] == "Fisher exact"
    assert result["p_value"] == pytest.approx(stats.fisher_exact([[8, 2], [1, 5]]).pvalue)


def test_monte_carlo_fisher_repeats():
    table = pd.DataFrame([[8, 2], [1, 5], [3, 3]])
    first, second = association_test(table), association_test(table)
    assert first["test"].startswith("Fisher-Freeman-Halton") and first["p_value"] == second["p_value"]


def test_logistic_regression_is_the_log_odds_ratio_by_hand():
    frame = respondents({("in", "Yes"): 20, ("in", "No"): 10, ("mix", "Yes"): 30, ("mix", "No"): 5})
    table, info = logistic_regression(frame, spec(), "b", "Yes", "a")
    assert info["reference"] == "in" and not info["problem"]
    # one categorical predictor: the fitted log odds ratio is that of the 2 x 2 table
    assert table.loc[0, "log_odds_ratio"] == pytest.approx(math.log((30 / 5) / (20 / 10)), rel=1e-5)
    assert table.loc[0, "se"] == pytest.approx(math.sqrt(1 / 30 + 1 / 5 + 1 / 20 + 1 / 10), rel=1e-4)


def test_logistic_regression_reports_separation():
    frame = respondents({("in", "Yes"): 20, ("in", "No"): 10, ("out", "Yes"): 4})
    table, info = logistic_regression(frame, spec(), "b", "Yes", "a")
    assert table.empty and "separation" in info["problem"] and "'out'" in info["problem"]
