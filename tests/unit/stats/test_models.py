"""helpers.stats.models: a fitted model's coefficients as report rows."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from helpers.stats.models import log_odds_rows


def test_rows_carry_the_fit_coefficients_and_their_odds_ratios() -> None:
    # 2x2 table: group b has 6 of 10 yes, group a 2 of 10; the log odds ratio is log((6/4)/(2/8)) = log 6.
    x = pd.DataFrame({"b": [0] * 10 + [1] * 10})
    y = pd.Series([1, 1] + [0] * 8 + [1] * 6 + [0] * 4, dtype=float)
    fit = sm.Logit(y, sm.add_constant(x)).fit(disp=0)
    (row,) = log_odds_rows(fit, ["b"], "option")
    assert row["option"] == "b"
    assert row["log_odds_ratio"] == pytest.approx(math.log(6))
    assert row["odds_ratio"] == pytest.approx(6)
    low, high = fit.conf_int().loc["b"]
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((low, high))
    assert row["ci_low"] < row["log_odds_ratio"] < row["ci_high"]
    assert row["p_value"] == pytest.approx(float(fit.pvalues["b"]))
    assert np.isfinite(row["se"]) and row["se"] > 0
