"""The proportional-odds check: cut-specific log odds ratios against a hand-computed 2x2 table."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers.stats.ordinal import cut_log_odds_ratios, cut_spread


def test_cut_log_odds_ratio_by_hand() -> None:
    t = pd.DataFrame({"lo": [10, 5], "mid": [10, 10], "hi": [10, 15]}, index=["ref", "x"])
    cuts = cut_log_odds_ratios(t, ["lo", "mid", "hi"], "ref")
    above_lo = cuts.iloc[0]
    assert above_lo["log_odds_ratio"] == pytest.approx(math.log((25 * 10) / (5 * 20)))
    assert above_lo["se"] == pytest.approx(math.sqrt(1 / 25 + 1 / 5 + 1 / 20 + 1 / 10))


def test_an_empty_cell_gets_haldanes_correction() -> None:
    t = pd.DataFrame({"lo": [0, 5], "hi": [10, 5]}, index=["ref", "x"])
    row = cut_log_odds_ratios(t, ["lo", "hi"], "ref").iloc[0]
    assert row["log_odds_ratio"] == pytest.approx(math.log((5.5 * 0.5) / (5.5 * 10.5)))


def test_spread_flags_cuts_whose_intervals_do_not_overlap() -> None:
    cuts = pd.DataFrame(
        {
            "item": ["x", "x"],
            "cut": ["a", "b"],
            "log_odds_ratio": [2.0, -2.0],
            "ci_low": [1.0, -3.0],
            "ci_high": [3.0, -1.0],
        }
    )
    assert not cut_spread(cuts).iloc[0]["all_overlap"]
