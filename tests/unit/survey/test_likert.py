"""helpers.survey.likert: bases, net balance, ratios, the proportional-odds model, pairwise bounds."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.core import paths
from helpers.survey import load_survey
from helpers.survey.likert import (
    NO_ANSWER,
    expand_counts,
    grid_base,
    grid_counts,
    homogeneity_chi2,
    net_balance,
    net_balance_table,
    paired_tests,
    pairwise_bounds,
    proportional_odds,
    ratio_interval,
    ratio_table,
    scale_weights,
    share_table,
)

OPTIONS = ["none", "fewer", "same", "more", "many more"]
WEIGHTS = [-1, -1, 0, 1, 1]


def grid(rows: dict[str, list[int]]) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index", columns=OPTIONS)


def test_scale_weights():
    assert scale_weights(OPTIONS) == WEIGHTS
    assert scale_weights(list("abcd")) == [-1, -1, 1, 1]


class TestNetBalance:
    def test_by_hand(self):
        # in-house row of the Localis table: 81 expect less, 5 more, of 92
        r = net_balance([1, 80, 6, 5, 0], WEIGHTS, 0.95)
        nb = (5 - 81) / 92
        se = math.sqrt((86 / 92 - nb**2) / 92)  # Var(p+ - p-) = (p+ + p- - (p+ - p-)^2)/n
        assert r["estimate"] == pytest.approx(nb)
        assert r["se"] == pytest.approx(se)
        assert r["ci_low"] == pytest.approx(nb - stats.norm.ppf(0.975) * se)
        assert math.isnan(r["ci_low_fpc"])

    def test_no_answer_category_counts_in_the_base(self):
        r = net_balance([0, 6, 22, 55, 8, 2], WEIGHTS + [0], 0.95, population_size=353)
        assert r["base"] == 93
        assert r["estimate"] == pytest.approx((63 - 6) / 93)
        assert r["se_fpc"] == pytest.approx(r["se"] * math.sqrt((353 - 93) / 352))

    def test_everyone_expects_more_has_zero_width(self):
        r = net_balance([0, 0, 0, 10, 0], WEIGHTS)
        assert (r["estimate"], r["ci_low"], r["ci_high"]) == (1.0, 1.0, 1.0)

    def test_table_pads_weights_for_no_answer(self):
        counts = grid({"x": [0, 6, 22, 55, 8]}).assign(**{NO_ANSWER: 2})
        table = net_balance_table(counts, WEIGHTS)
        assert table.loc[0, "estimate"] == pytest.approx(57 / 93)


class TestRatio:
    def test_sixteen_to_one(self):
        ratio, low, high = ratio_interval(81, 5, 0.95, "beta")
        assert ratio == pytest.approx(16.2)
        # Clopper-Pearson limits for 81 of 86, mapped through p/(1-p)
        p_low, p_high = stats.beta.ppf(0.025, 81, 6), stats.beta.ppf(0.975, 82, 5)
        assert low == pytest.approx(p_low / (1 - p_low))
        assert high == pytest.approx(p_high / (1 - p_high))

    def test_no_one_expecting_more(self):
        ratio, low, high = ratio_interval(7, 0)
        assert ratio == math.inf and high == math.inf and low > 0

    def test_table(self):
        table = ratio_table(grid({"in-house": [1, 80, 6, 5, 0]}), OPTIONS, WEIGHTS)
        assert table.loc[0, ["negative", "positive"]].tolist() == [81, 5]


def test_share_table_by_hand():
    table = share_table(grid({"vco": [0, 7, 8, 65, 11]}).assign(**{NO_ANSWER: 2}), ["more", "many more"])
    assert table.loc[0, "count"] == 76 and table.loc[0, "base"] == 93
    assert table.loc[0, "share"] == pytest.approx(76 / 93)


class TestBases:
    def test_localis_answered_base_is_inferred(self):
        survey = load_survey(paths.LOCALIS_2011)
        bases, note = grid_base(survey, "d", "answered")
        assert set(bases) == {93} and "inferred" in note
        counts = grid_counts(survey, "d", bases)
        assert counts.sum(axis=1).tolist() == [93] * 5
        assert counts[NO_ANSWER].tolist() == [2, 2, 1, 3, 2]

    def test_localis_row_base(self):
        survey = load_survey(paths.LOCALIS_2011)
        bases, _ = grid_base(survey, "d", "row")
        assert bases.tolist() == [91, 91, 92, 90, 91]
        assert NO_ANSWER not in grid_counts(survey, "d", bases).columns


class TestProportionalOdds:
    def test_identical_items_give_zero(self):
        counts = grid({"a": [2, 5, 10, 20, 5], "b": [2, 5, 10, 20, 5]})
        table, info = proportional_odds(expand_counts(counts, OPTIONS), ["a", "b"], OPTIONS)
        assert info["converged"] and info["ratings"] == 84
        assert table.loc[0, "log_odds_ratio"] == pytest.approx(0, abs=1e-4)

    def test_higher_item_is_positive_and_unused_options_are_dropped(self):
        counts = grid({"low": [0, 20, 10, 5, 0], "high": [0, 5, 10, 20, 0]})
        table, info = proportional_odds(expand_counts(counts, OPTIONS), ["low", "high"], OPTIONS)
        assert info["options_used"] == 3
        assert table.loc[0, "log_odds_ratio"] > 1

    def test_separation_is_reported_not_warned(self):
        counts = grid({"low": [0, 20, 0, 0, 0], "high": [0, 0, 0, 20, 0]})
        table, info = proportional_odds(expand_counts(counts, OPTIONS), ["low", "high"], OPTIONS)
        assert table.empty and "converge" in info["problem"]


class TestPairwise:
    def test_bounds_hold_and_discordance_range(self):
        counts = grid({"large": [0, 6, 22, 55, 8], "vco": [0, 7, 8, 65, 11]}).assign(**{NO_ANSWER: [2, 2]})
        pairs = pairwise_bounds(counts, ["more", "many more"], 0.95, "beta")
        row = pairs.iloc[0]
        assert row["difference"] == pytest.approx(63 / 93 - 76 / 93)
        # each share at 97.5 %
        la, ha = stats.beta.ppf(0.0125, 63, 31), stats.beta.ppf(0.9875, 64, 30)
        lb, hb = stats.beta.ppf(0.0125, 76, 18), stats.beta.ppf(0.9875, 77, 17)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((la - hb, ha - lb))
        assert (row["discordant_min"], row["discordant_max"]) == (13, 47)
        assert not row["excludes_zero"]

    def test_chi2_is_pearson_on_used_columns(self):
        counts = grid({"a": [0, 10, 5, 5, 0], "b": [0, 5, 5, 10, 0]})
        result = homogeneity_chi2(counts, OPTIONS)
        expected = stats.chi2_contingency(np.array([[10, 5, 5], [5, 5, 10]]))
        assert result["statistic"] == pytest.approx(expected.statistic) and result["df"] == 2


def test_paired_tests_use_the_paired_table():
    # 6 respondents: a = more for all but one; b = more for two
    respondents = pd.DataFrame(
        {
            "d::a": ["more", "more", "more", "more", "more", "fewer"],
            "d::b": ["more", "more", "fewer", "fewer", "fewer", ""],
        }
    )
    result = paired_tests(respondents, "d", ["a", "b"], ["more"]).iloc[0]
    assert result["respondents"] == 5
    assert (result["a_only"], result["b_only"]) == (3, 0)
    assert result["p_value"] == pytest.approx(stats.binomtest(0, 3).pvalue)
