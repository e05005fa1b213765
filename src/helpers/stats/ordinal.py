"""A check of the proportional-odds assumption: cut-specific log odds ratios from binary splits.

A proportional-odds model says that an item's log odds ratio against the reference is the same
at every cut of the ordered scale (above "none", above "fewer", ...). Splitting the scale at
each cut gives a 2x2 table per item and cut, and so a log odds ratio per cut (Wald interval; 0.5
is added to every cell of a table with an empty cell, Haldane's correction). When these differ
widely across cuts, the model's single coefficient averages unlike things, and it should be
read as a sensitivity analysis only.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats


def cut_log_odds_ratios(counts: pd.DataFrame, options, reference: str, confidence: float = 0.95) -> pd.DataFrame:
    """Per item (other than `reference`) and cut: the log odds of answering above the cut, against the reference.

    `counts` has items as rows and the ordered `options` (lowest first) among its columns.

    >>> t = pd.DataFrame({"lo": [10, 5], "mid": [10, 10], "hi": [10, 15]}, index=["ref", "x"])
    >>> cut_log_odds_ratios(t, ["lo", "mid", "hi"], "ref")[["item", "cut", "log_odds_ratio"]].round(3).values.tolist()
    [['x', 'above lo', 0.916], ['x', 'above mid', 0.693]]
    """
    options = list(options)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    ref = counts.loc[reference, options].to_numpy(dtype=float)
    rows = []
    for item, row in counts.iterrows():
        if item == reference:
            continue
        values = row[options].to_numpy(dtype=float)
        for k in range(1, len(options)):
            cells = np.array([values[k:].sum(), values[:k].sum(), ref[k:].sum(), ref[:k].sum()])
            if (cells == 0).any():
                cells = cells + 0.5
            log_or = math.log(cells[0] * cells[3] / (cells[1] * cells[2]))
            se = math.sqrt((1 / cells).sum())
            rows.append(
                {
                    "item": item,
                    "cut": f"above {options[k - 1]}",
                    "log_odds_ratio": log_or,
                    "se": se,
                    "ci_low": log_or - z * se,
                    "ci_high": log_or + z * se,
                }
            )
    return pd.DataFrame(rows, columns=["item", "cut", "log_odds_ratio", "se", "ci_low", "ci_high"])


def cut_spread(cuts: pd.DataFrame) -> pd.DataFrame:
    """Per item: the smallest and largest cut-specific log odds ratio, and whether their intervals all overlap.

    Intervals that do not all overlap (one cut's lies wholly above another's) are evidence against
    proportional odds for that item.
    """
    rows = []
    for item, group in cuts.groupby("item", sort=False):
        rows.append(
            {
                "item": item,
                "cuts": len(group),
                "smallest": float(group["log_odds_ratio"].min()),
                "largest": float(group["log_odds_ratio"].max()),
                "all_overlap": bool(group["ci_low"].max() <= group["ci_high"].min()),
            }
        )
    return pd.DataFrame(rows, columns=["item", "cuts", "smallest", "largest", "all_overlap"])
