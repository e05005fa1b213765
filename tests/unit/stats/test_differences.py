"""Differences of two shares: the multinomial Wald interval, the exact test, and the any-dependence bound."""

from __future__ import annotations

import math

import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from helpers.stats.differences import any_dependence_difference, excludes_zero, multinomial_difference


def test_multinomial_difference_by_hand() -> None:
    # question a of the Localis survey: 60 "Fairly even mix", 36 "Mainly in-house" of 103
    r = multinomial_difference(60, 36, 103, 0.95)
    p1, p2 = 60 / 103, 36 / 103
    se = math.sqrt((p1 + p2 - (p1 - p2) ** 2) / 103)
    assert r["difference"] == pytest.approx(p1 - p2)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((p1 - p2 - 1.959964 * se, p1 - p2 + 1.959964 * se), abs=1e-6)
    assert r["p_value"] == pytest.approx(stats.binomtest(60, 96, 0.5).pvalue)


def test_any_dependence_bound_uses_half_the_error_on_each_share() -> None:
    r = any_dependence_difference(54, 78, 39, 78, 0.95, "wilson")
    low_a, high_a = proportion_confint(54, 78, alpha=0.025, method="wilson")
    low_b, high_b = proportion_confint(39, 78, alpha=0.025, method="wilson")
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((low_a - high_b, high_a - low_b))
    assert not excludes_zero(r["ci_low"], r["ci_high"])  # the published ranking of question c is not established


def test_excludes_zero() -> None:
    assert excludes_zero(0.01, 0.2) and excludes_zero(-0.3, -0.1) and not excludes_zero(-0.1, 0.1)
