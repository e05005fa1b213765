"""Analysis tables made readable for a report: shares as percentages, intervals as "low to high".

Percentages are rounded half up, as the published tables are (see stats.rounding.round_half_up).
"""

from __future__ import annotations

import pandas as pd

from ..stats.rounding import round_half_up


def percent_table(
    frame: pd.DataFrame, shares=(), intervals=(), decimals: int = 1, rename: dict | None = None
) -> pd.DataFrame:
    """A copy with share columns as percentages and (low, high, name) column pairs as one 'low-high' text column.

    >>> t = pd.DataFrame({"option": ["Yes"], "share": [0.81553], "ci_low": [0.7298], "ci_high": [0.8786]})
    >>> percent_table(t, shares=["share"], intervals=[("ci_low", "ci_high", "95% CI")]).values.tolist()
    [['Yes', '81.6', '73.0 to 87.9']]
    """
    out = frame.copy()

    def fmt(value: float) -> str:
        return f"{round_half_up(100 * value, decimals):.{decimals}f}"

    for column in shares:
        out[column] = [fmt(v) if pd.notna(v) else "" for v in out[column]]
    for low, high, name in intervals:
        out[name] = [
            f"{fmt(a)} to {fmt(b)}" if pd.notna(a) and pd.notna(b) else "" for a, b in zip(out[low], out[high])
        ]
        out = out.drop(columns=[low, high])
    return out.rename(columns=rename or {})


def number_table(frame: pd.DataFrame, columns, decimals: int = 3) -> pd.DataFrame:
    """A copy with numeric columns as fixed-decimal text (empty where missing).

    >>> number_table(pd.DataFrame({"x": [1.23456, None]}), ["x"], 2)["x"].tolist()
    ['1.23', '']
    """
    out = frame.copy()
    for column in columns:
        out[column] = [f"{v:.{decimals}f}" if pd.notna(v) else "" for v in out[column]]
    return out


def p_phrase(p: float) -> str:
    """'p = 0.037' or 'p < 0.001', for a sentence.

    >>> p_phrase(0.0371), p_phrase(1e-9)
    ('p = 0.037', 'p < 0.001')
    """
    shown = p_value(p)
    return f"p {shown}" if shown.startswith("<") else f"p = {shown}"


def p_value(p: float, smallest: float = 0.001) -> str:
    """A p-value as a reader should see it: "< 0.001" below the smallest shown, never "0.000".

    >>> p_value(0.00002), p_value(0.0371), p_value(0.5)
    ('< 0.001', '0.037', '0.500')
    """
    if pd.isna(p):
        return ""
    return f"< {smallest:g}" if p < smallest else f"{p:.3f}"
