"""Coefficients of a fitted statsmodels model as rows a report can show: log odds, odds ratio, interval."""

from __future__ import annotations

import numpy as np


def log_odds_rows(fit, names, label: str) -> list[dict]:
    """One row per coefficient in `names`: log odds ratio, its SE and interval, the odds ratio, the p-value.

    The interval is the model's Wald interval at its default 95% level (`fit.conf_int()`).
    """
    ci = fit.conf_int()
    return [
        {
            label: name,
            "log_odds_ratio": float(fit.params[name]),
            "se": float(fit.bse[name]),
            "ci_low": float(ci.loc[name, 0]),
            "ci_high": float(ci.loc[name, 1]),
            "odds_ratio": float(np.exp(fit.params[name])),
            "p_value": float(fit.pvalues[name]),
        }
        for name in names
    ]
