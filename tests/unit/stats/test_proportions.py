"""helpers.stats.proportions: intervals, the finite population correction, simultaneous intervals, bounds."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats

from helpers.core.errors import ParameterError
from helpers.core.parameters import population_parameter, resolve_population
from helpers.stats.proportions import (
    fpc_factor,
    nonresponse_bounds,
    proportion_interval,
    proportions_table,
    simultaneous_intervals,
)


def wilson(x: int, n: int, z: float) -> tuple[float, float]:
    """The Wilson score interval written out (Wilson 1927), to check statsmodels' against."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


class TestFpcFactor:
    def test_localis(self):
        assert fpc_factor(103, 353) == pytest.approx(math.sqrt(250 / 352))

    def test_census_collapses(self):
        assert fpc_factor(50, 50) == 0.0

    def test_none_means_no_correction(self):
        assert fpc_factor(10, None) == 1.0

    def test_sample_larger_than_population(self):
        with pytest.raises(ValueError):
            fpc_factor(11, 10)


class TestProportionInterval:
    def test_wilson_by_hand(self):
        est, low, high = proportion_interval(84, 103, 0.95, "wilson")
        hand = wilson(84, 103, stats.norm.ppf(0.975))
        assert est == pytest.approx(84 / 103)
        assert (low, high) == pytest.approx(hand)

    def test_clopper_pearson_zero_count(self):
        # with x = 0 the exact upper limit is 1 - (alpha/2)^(1/n)
        est, low, high = proportion_interval(0, 10, 0.95, "beta")
        assert (est, low) == (0.0, 0.0)
        assert high == pytest.approx(1 - 0.025**0.1)

    def test_everyone(self):
        est, low, high = proportion_interval(40, 40, 0.95, "jeffreys")
        assert est == 1.0 and high == 1.0 and low < 1.0

    def test_fpc_scales_each_side_from_the_estimate(self):
        est, low, high = proportion_interval(36, 103, 0.9, "agresti_coull")
        _, flow, fhigh = proportion_interval(36, 103, 0.9, "agresti_coull", population_size=353)
        f = math.sqrt(250 / 352)
        assert est - flow == pytest.approx(f * (est - low))
        assert fhigh - est == pytest.approx(f * (high - est))

    def test_unknown_method(self):
        with pytest.raises(ValueError):
            proportion_interval(1, 2, 0.95, "normal")


def test_proportions_table_has_fpc_columns_either_way():
    counts = pd.Series({"Yes": 84, "No": 19})
    with_n = proportions_table(counts, 103, population_size=353)
    without = proportions_table(counts, 103)
    assert list(with_n.columns) == list(without.columns)
    assert without["ci_low_fpc"].isna().all() and with_n["ci_low_fpc"].notna().all()
    assert with_n["share"].tolist() == pytest.approx([84 / 103, 19 / 103])


class TestSimultaneous:
    def test_goodman_by_hand_and_no_sison_glaz_below_seven(self):
        counts = pd.Series({"in": 36, "out": 7, "mix": 60, "other": 0})
        table, note = simultaneous_intervals(counts, 0.95)
        assert set(table["method"]) == {"goodman"}
        assert "Sison-Glaz" in note and "7" in note
        # Goodman (1965): (A + 2x +- sqrt(A (A + 4x(n - x)/n))) / (2 (n + A)), A = chi2(1) at 1 - alpha/k
        a, n, x = stats.chi2.ppf(1 - 0.05 / 4, 1), 103, 36
        half = math.sqrt(a * (a + 4 * x * (n - x) / n))
        row = table.set_index("option").loc["in"]
        assert row["ci_low"] == pytest.approx((a + 2 * x - half) / (2 * (n + a)))
        assert row["ci_high"] == pytest.approx((a + 2 * x + half) / (2 * (n + a)))
        assert table.set_index("option").loc["other", "ci_low"] == 0.0

    def test_sison_glaz_from_seven_categories(self):
        counts = pd.Series(dict(zip("abcdefg", [10, 12, 8, 20, 5, 15, 30])))
        table, note = simultaneous_intervals(counts, 0.95, population_size=1000)
        assert set(table["method"]) == {"goodman", "sison-glaz"}
        assert table["ci_low_fpc"].notna().all()


def test_nonresponse_bounds_by_hand():
    bounds = nonresponse_bounds(pd.Series({"commissioning": 54, "delivery": 3}), answered=78, skipped=27)
    row = bounds.set_index("option").loc["commissioning"]
    assert row["lower"] == pytest.approx(54 / 105)
    assert row["upper"] == pytest.approx(81 / 105)
    assert row["share_of_answered"] == pytest.approx(54 / 78)
    assert row["ci_low"] < row["lower"] and row["ci_high"] > row["upper"]


class TestPopulationParameter:
    @pytest.mark.parametrize("value", ["survey", None, 353])
    def test_accepted(self, value):
        assert population_parameter("population_size", value) == value

    @pytest.mark.parametrize("value", ["353", -1, 0, True, 3.5])
    def test_refused_with_the_parameter_named(self, value):
        with pytest.raises(ParameterError, match="population_size"):
            population_parameter("population_size", value)

    def test_resolution(self):
        assert resolve_population("population_size", "survey", 353, 105) == 353
        assert resolve_population("population_size", 400, 353, 105) == 400
        assert resolve_population("population_size", None, 353, 105) is None
        with pytest.raises(ParameterError, match="at least 105"):
            resolve_population("population_size", 100, 353, 105)


def test_goodman_flags_counts_below_the_documented_valid_range() -> None:
    # statsmodels documents Goodman's intervals as valid when every count is at least 5
    table, note = simultaneous_intervals(pd.Series({"a": 36, "b": 7, "c": 60, "d": 0}), 0.95)
    goodman = table[table["method"] == "goodman"].set_index("option")
    assert goodman["below_valid_count"].to_dict() == {"a": False, "b": False, "c": False, "d": True}
    assert "d (0)" in note and "at least 5" in note
